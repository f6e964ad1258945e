"""`contracts show`: one contract as a card people read, not as Python.

Parties, period, values, provenance and history each on lines of text, money
in £ and dates as 01/04/2016 like every table; a long value wraps under
itself. JSON is the contract's full detail, unchanged, for scripts.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Any

import click

from contracts.commands.render import FIELD_COLUMNS, emit, field_rows, to_json
from contracts.commands.tables import show_date, show_money, terminal_width

LABEL = 16
MONEY_FIELDS = {"annual_value", "total_value"}
DATE_FIELDS = {"start_date", "end_date"}
FIELD_WORDS = {"in_register": "in the register", "provider_id": "provider"}


def _value(field: str, value: Any, empty: str = "not recorded") -> str:
    """One value of a field, as the card and its history write it."""
    if field in MONEY_FIELDS:
        return show_money(value)
    if value is None or value == "" or value == []:
        return empty
    if field in DATE_FIELDS:
        return show_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def _org(name: str | None, code: str | None) -> str:
    if not name:
        return "not recorded"
    return f"{name} ({code})" if code else name


def _period(data: dict[str, Any]) -> str:
    start, end = data["start_date"], data["end_date"]
    if not start and not end:
        return "no dates recorded"
    return f"{show_date(start) or 'start not known'} to {show_date(end) or 'end not known'}"


def _provenance(data: dict[str, Any]) -> str:
    where = data["provenance"]
    if not where["file"]:
        return "not recorded (made outside an import)"
    parts = [str(where["file"])]
    if where["sheet"]:
        parts.append(f"sheet {where['sheet']}")
    if where["row"] is not None:
        parts.append(f"row {where['row']}")
    batch = f" (import {where['import_batch']})" if where["import_batch"] is not None else ""
    return ", ".join(parts) + batch


def _history(history: list[dict[str, Any]]) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for entry in history:
        when = entry["recorded_at"]
        day = show_date(when[:10]) + (f" {when[11:16]}" if len(when) > 15 else "")
        for field, change in entry["changes"].items():
            old, new = change if isinstance(change, list | tuple) else (None, change)
            words = FIELD_WORDS.get(field, field.replace("_", " "))
            lines.append(
                (day, f"{words}: {_value(field, old, 'blank')} → {_value(field, new, 'blank')}")
            )
    return lines


def card_lines(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The card as (label, text) lines; a label without text heads a section."""
    form = _value("contract_form", data["contract_form"])
    if data.get("contract_form_inferred"):
        form += f" (inferred: {data['contract_form_inferred']})"
    state = "in the register" if data["in_register"] else "no longer in its register"
    lines = [
        ("reference", f"{data['reference'] or 'none'} ({data['identity']})"),
        ("register", f"{data['source']}; {state}"),
        ("Parties", ""),
        ("  commissioner", _org(data["commissioner"], data["commissioner_code"]) + ", lead"),
        (
            "  associates",
            "; ".join(
                _org(name, code)
                for name, code in zip(
                    data["associate_commissioners"],
                    data["associate_commissioners_codes"],
                    strict=True,
                )
            )
            or "none",
        ),
        ("  provider", _org(data["provider"], data["provider_code"])),
        ("Service", ""),
        ("  category", _value("service_category", data["service_category"])),
        ("  form", form),
        ("  payment", _value("payment_mechanism", data["payment_mechanism"])),
        ("  status", _value("status", data["status"])),
        ("period", _period(data)),
        ("Values", ""),
        ("  annual", _value("annual_value", data["annual_value"])),
        ("  total", _value("total_value", data["total_value"])),
        ("provenance", _provenance(data)),
    ]
    if data.get("notes"):
        lines.append(("notes", str(data["notes"])))
    history = _history(data["history"])
    lines.append(("History", "" if history else "no changes recorded since it was imported"))
    lines += [(f"  {day}", change) for day, change in history]
    return lines


def _wrapped(lines: Iterable[tuple[str, str]], width: int) -> list[str]:
    out = []
    for label, text in lines:
        if not text:
            out.append(label)
            continue
        pad = max(LABEL, len(label) + 2)
        out += textwrap.wrap(
            text,
            width=max(width, pad + 20),
            initial_indent=f"{label:<{pad}}",
            subsequent_indent=" " * pad,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [label]
    return out


def contract_card(data: dict[str, Any], fmt: str) -> None:
    """`contracts show`: the card for people; every field for scripts."""
    if fmt == "json":
        to_json(data)
        return
    if fmt == "csv":
        rows = field_rows((k, v) for k, v in data.items() if k not in ("history",))
        rows += [{"field": "changed", "value": h} for h in data["history"]]
        emit(rows, FIELD_COLUMNS, fmt)
        return
    width = terminal_width()
    heading = textwrap.wrap(f"Contract {data['id']}: {data['title']}", width=max(width, 40))
    click.echo("\n".join(heading))
    for line in _wrapped(card_lines(data), width):
        click.echo(line)
