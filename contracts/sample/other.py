"""Write the other publishers' registers and their ``truth.json``.

Each commissioner's register is written in its own layout
(:mod:`contracts.sample.other_layouts`); associates' copies of a lead's
contract carry the habits of the register they are in, plus what associates
do to a copy: a rounded value, the current year's period instead of the
whole term, a note or an abbreviation in the title. ``truth.json`` has the
shape of the tool's own sample, so the same bench scores both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from contracts.sample import files
from contracts.sample.layouts import MONTHS
from contracts.sample.other_layouts import (
    COMMISSIONER_NAMES,
    FORM_WORDS,
    OTHER_LAYOUTS,
    OtherLayout,
    category_text,
)
from contracts.sample.other_plan import MINIMUM_CONTRACTS, build_other_world
from contracts.sample.other_world import (
    AS_AT,
    FOOTPRINT,
    MERGED_INTO_EPUT,
    REFERENCE_BODIES,
    Entity,
)

TRUTH_FILE = "truth.json"
STYLE = "other"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FY_START = dt.date(AS_AT.year, 4, 1)
_FY_END = dt.date(AS_AT.year + 1, 3, 31)
_SHORTER = (("Services", "Svcs"), ("Service", "Svc"), (" and ", " & "), ("Community", "Comm"))


@dataclass
class Line(files.Line[Entity]):
    start: dt.date | None = None
    end: dt.date | None = None
    sheet: str | None = None
    row: int = 0


def _eput(entity: Entity, layout: OtherLayout) -> bool:
    return layout.renamed and entity.body.key in MERGED_INTO_EPUT


def provider_text(entity: Entity, layout: OtherLayout, rng: random.Random) -> str:
    body = REFERENCE_BODIES["R1L"] if _eput(entity, layout) else entity.body
    style = layout.provider
    if style == "site" and body.sites:
        return rng.choice((*body.sites, *body.sites, body.name))
    if style == "alias":
        return rng.choice(body.spellings or (body.name,))
    if style == "upper":
        return rng.choice((body.name, *body.spellings)).upper()
    if style == "legal" and body.code is None:
        return rng.choice(body.spellings)
    return body.name


def title_text(line: Line, layout: OtherLayout, rng: random.Random) -> str:
    entity = line.entity
    body = REFERENCE_BODIES["R1L"] if _eput(entity, layout) else entity.body
    title = entity.title
    if not line.lead_copy:
        how = rng.randrange(3)
        if how == 0:
            for long, short in _SHORTER:
                title = title.replace(long, short)
        elif how == 1:
            title = f"{title} (associate)"
    if rng.randrange(2):
        year = f"{AS_AT.year}-{(AS_AT.year + 1) % 100:02d}"
    else:
        year = f"{entity.start.year}-{entity.end.year % 100:02d}"
    style = layout.titles
    if style == "provider" and body.short:
        return f"{body.short}: {title}"
    if style == "year":
        return f"{title} {year}"
    if style == "code" and body.code:
        return f"{body.code} - {title}"
    if style == "provider_year":
        return f"{body.short}: {title} {year}" if body.short else f"{title} {year}"
    if style == "upper":
        return title.upper()
    return title


def money_cell(value: Decimal | None, style: str) -> tuple[Any, Decimal | None]:
    """The cell written and the amount the importer should read from it."""
    if value is None:
        return ("TBC" if style != "number" else None), None
    if style == "text":
        shown = f"£{value:,.2f}" if value != value.to_integral_value() else f"£{value:,.0f}"
        return shown, value
    if style == "thousands":
        thousands = (value / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return thousands, thousands * 1000
    if style == "millions" and value >= 1_000_000:
        millions = (value / 1_000_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"£{millions}m", millions * 1_000_000
    if style == "millions" and value >= 10_000:
        thousands = (value / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return f"£{thousands}k", thousands * 1000
    return value, value


def date_cell(day: dt.date, style: str) -> Any:
    if style == "dmy":
        return day.strftime("%d/%m/%Y")
    if style == "iso":
        return day.isoformat()
    if style == "long":
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if style == "mon":
        return f"{day.day}-{_MONTHS[day.month - 1]}-{day.year}"
    return day


def commissioner_text(code: str, layout: OtherLayout) -> str:
    if layout.commissioner_style < 0:
        return code
    names = COMMISSIONER_NAMES[code]
    return names[layout.commissioner_style % len(names)]


def _cells(line: Line, layout: OtherLayout, rng: random.Random) -> dict[str, Any]:
    entity = line.entity
    value = entity.annual_value
    line.start, line.end = entity.start, entity.end
    notes = None
    if not line.lead_copy:
        if value is not None and rng.randrange(2):
            step = Decimal(10_000) if value >= 1_000_000 else Decimal(1_000)
            value = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        if rng.randrange(6) == 0 and entity.start <= _FY_END and entity.end >= _FY_START:
            line.start, line.end = max(entity.start, _FY_START), min(entity.end, _FY_END)
        lead = COMMISSIONER_NAMES[entity.lead][0]
        notes = f"Associate to {lead} lead contract"
    cell, line.annual_value = money_cell(value, layout.money)
    commissioner = entity.lead if "notes" not in layout.fields else layout.commissioner
    body = REFERENCE_BODIES["R1L"] if _eput(entity, layout) else entity.body
    associates = [a for a in entity.associates if a != commissioner]
    if commissioner != entity.lead:
        associates = [entity.lead, *associates]
    total = None if value is None else value * max(1, (line.end.year - line.start.year) or 1)
    return {
        "reference": line.reference,
        "title": title_text(line, layout, rng),
        "provider": provider_text(entity, layout, rng),
        "provider_code": body.code or "",
        "commissioner": commissioner_text(commissioner, layout),
        "associate_commissioners": layout.separator.join(
            commissioner_text(a, layout) for a in associates
        ),
        "service_category": category_text(entity.service, layout.category),
        "contract_form": FORM_WORDS[layout.form][entity.form] if layout.form else "",
        "start_date": date_cell(line.start, layout.dates),
        "end_date": date_cell(line.end, layout.dates),
        "review_date": date_cell(line.end - dt.timedelta(days=182), layout.dates),
        "annual_value": cell,
        "total_value": money_cell(total, layout.money)[0],
        "sme": rng.choice(("Yes", "No")) if entity.body.code is None else "No",
        "procurement": rng.choice(("Open tender", "Call-off from framework", "Direct award")),
        "notes": notes,
    }


def _lines(layout: OtherLayout, entities: list[Entity], rng: random.Random) -> list[Line]:
    lines = [
        Line(e, e.lead == layout.commissioner) for e in entities if layout.commissioner in e.keepers
    ]
    lines.sort(key=lambda line: (line.entity.start, line.entity.key))
    for n, line in enumerate(lines, start=rng.randint(10, 400)):
        line.reference = layout.ref.format(n=n, year=line.entity.start.year)
    rng.shuffle(lines)
    if rng.randrange(2):
        lines.sort(key=lambda line: line.entity.body.name)
    for line in lines:
        line.cells = _cells(line, layout, rng)
    return lines


def _write(layout: OtherLayout, lines: list[Line], path: Path) -> list[str]:
    headers = [header for _, header in layout.columns]
    body_rows = [
        ["" if line.cells[f] is None else line.cells[f] for f in layout.fields] for line in lines
    ]
    above = [[title] for title in layout.title_rows] + ([[]] if layout.title_rows else [])
    first = len(above) + 2
    for offset, line in enumerate(lines):
        line.sheet, line.row = layout.sheet, first + offset
    if layout.is_csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows([*above, headers, *body_rows])
        path.write_bytes(buffer.getvalue().encode(layout.encoding))
        return []
    workbook = Workbook()
    fixed = dt.datetime(2018, 4, 9, 10, 0, 0)
    workbook.properties.created = workbook.properties.modified = fixed
    sheet = workbook.active
    assert sheet is not None and layout.sheet is not None
    sheet.title = layout.sheet
    for row in [*above, headers]:
        sheet.append(row)
    for row in body_rows:
        sheet.append([None if v == "" else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    workbook.save(path)
    workbook.close()
    return [layout.sheet]


def write_other_sample(out_dir: Path, *, seed: int, contracts: int) -> tuple[list[Path], Path, int]:
    """Write the ten registers and ``truth.json``; the files, the truth and the line count."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = build_other_world(seed, max(contracts, MINIMUM_CONTRACTS))
    rng = random.Random(f"other-registers:{seed}")
    files, written = [], []
    for layout in OTHER_LAYOUTS:
        lines = _lines(layout, world.entities, rng)
        path = out_dir / layout.file_name
        sheets = _write(layout, lines, path)
        files.append(path)
        written.append((layout, lines, sheets))
    truth = _truth(world, written)
    truth_path = out_dir / TRUTH_FILE
    truth_path.write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return files, truth_path, len(truth["contracts"])


def _truth(world: Any, written: list[tuple[OtherLayout, list[Line], list[str]]]) -> dict[str, Any]:
    copies: dict[str, list[str]] = {}
    lead_uid: dict[str, str] = {}
    contracts = []
    for layout, lines, _sheets in written:
        for line in lines:
            uid = f"{layout.source}:{line.reference}"
            copies.setdefault(line.entity.key, []).append(uid)
            if line.lead_copy:
                lead_uid[line.entity.key] = uid
            entity = line.entity
            contracts.append(
                {
                    "uid": uid,
                    "source": layout.source,
                    "reference": line.reference,
                    "sheet": line.sheet,
                    "row": line.row,
                    "commissioner_code": entity.lead,
                    "provider_code": entity.body.code,
                    "provider_name": entity.body.name,
                    "service_category": entity.category,
                    "contract_form": entity.form,
                    "start_date": line.start.isoformat() if line.start else None,
                    "end_date": line.end.isoformat() if line.end else None,
                    "annual_value": None
                    if line.annual_value is None
                    else f"{line.annual_value:.2f}",
                    "entity": entity.key,
                }
            )
    pairs = sorted(
        sorted(p) for uids in copies.values() for p in itertools.combinations(sorted(uids), 2)
    )
    return {
        "style": STYLE,
        "seed": world.seed,
        "as_at": AS_AT.isoformat(),
        "footprint": FOOTPRINT,
        "files": [
            {
                "path": layout.file_name,
                "source": layout.source,
                "commissioner_code": layout.commissioner,
                "commissioner_option": layout.commissioner_option,
                "sheets": sheets,
                "encoding": layout.encoding if layout.is_csv else None,
            }
            for layout, _lines, sheets in written
        ],
        "contracts": contracts,
        "duplicate_pairs": pairs,
        "near_misses": [
            {"pair": [lead_uid[a.key], lead_uid[b.key]], "why": why}
            for a, b, why in world.near_misses
        ],
        "consolidation_groups": [
            {"id": gid, "rule": rule, "members": [lead_uid[m.key] for m in members]}
            for gid, rule, members in world.groups
        ],
        "decoys": [{"uid": lead_uid[e.key], "why": why} for e, why in world.decoys],
    }
