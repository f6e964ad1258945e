"""Column headers → canonical fields, under the names real registers use.

Every register names its columns differently ("Supplier", "Provider Name",
"Value p.a. (£)", "Expiry"). Headers are normalised (case, punctuation, "£",
units) and looked up in a synonym list; ``--map 'Header=field'`` covers the
rest. A header in thousands ("£k", "£000") carries a multiplier for its money.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz, process

from contracts.errors import InputRejected

CANONICAL_FIELDS: tuple[str, ...] = (
    "reference",
    "title",
    "commissioner",
    "associate_commissioners",
    "provider",
    "service_category",
    "contract_form",
    "start_date",
    "end_date",
    "annual_value",
    "total_value",
    "payment_mechanism",
    "status",
    "notes",
    "provider_code",
    "commissioner_code",
)
REQUIRED_FIELDS: tuple[str, ...] = ("title", "provider", "commissioner")
MONEY_FIELDS = frozenset({"annual_value", "total_value"})
# `--map 'Header=ignore'` drops a column on purpose, so it is not reported.
IGNORE = "ignore"

# canonical field -> spellings seen in registers (compared after `normalise_header`)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "reference": (
        "ref",
        "reference",
        "contract ref",
        "contract reference",
        "contract ref no",
        "ref no",
        "reference number",
        "contract number",
        "contract no",
        "contract id",
        "id",
        "our ref",
    ),
    "title": (
        "title",
        "contract title",
        "contract name",
        "service",
        "service name",
        "service description",
        "description",
        "contract description",
        "scheme",
        "name of contract",
    ),
    "commissioner": (
        "commissioner",
        "commissioning organisation",
        "commissioning organization",
        "lead commissioner",
        "commissioning body",
        "commissioned by",
        "lead organisation",
        "ccg",
        "lead ccg",
        "buyer",
        "purchaser",
        "contracting authority",
    ),
    "associate_commissioners": (
        "associate commissioners",
        "associate commissioner",
        "associates",
        "associate ccgs",
        "co commissioners",
        "other commissioners",
    ),
    "provider": (
        "provider",
        "provider name",
        "supplier",
        "supplier name",
        "contractor",
        "service provider",
        "vendor",
        "organisation providing the service",
    ),
    "service_category": (
        "service category",
        "category",
        "service type",
        "service line",
        "service area",
        "programme area",
        "care setting",
    ),
    "contract_form": (
        "contract form",
        "contract type",
        "type of contract",
        "form of contract",
        "contract format",
        "agreement type",
    ),
    "start_date": (
        "start",
        "start date",
        "contract start",
        "contract start date",
        "commencement",
        "commencement date",
        "date from",
        "from",
        "effective date",
    ),
    "end_date": (
        "end",
        "end date",
        "contract end",
        "contract end date",
        "expiry",
        "expiry date",
        "expires",
        "date to",
        "to",
        "termination date",
    ),
    "annual_value": (
        "annual value",
        "annual contract value",
        "value pa",
        "value per annum",
        "yearly value",
        "annual",
        "contract value pa",
        "annual cost",
        "value per year",
        "acv",
        "annual budget",
        "value",
        "contract value",
        "amount",
    ),
    "total_value": (
        "total value",
        "total contract value",
        "whole life value",
        "lifetime value",
        "total",
        "tcv",
        "value over term",
        "total cost",
    ),
    "payment_mechanism": (
        "payment mechanism",
        "payment type",
        "payment basis",
        "payment method",
        "tariff",
        "funding mechanism",
        "pricing",
    ),
    "status": ("status", "contract status", "state", "current status"),
    "notes": ("notes", "comments", "remarks", "note", "comment", "additional information"),
    # The code columns (ODS or GSS codes); the full synonym list comes with the column work.
    "provider_code": ("provider code", "provider ods code"),
    "commissioner_code": ("commissioner code", "commissioner ods code"),
}

# Below this similarity (0..100) a suggested field is a guess, not a help.
NEAREST_FIELD_MIN_SCORE = 75
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Words that say how a value is written, not what it is.
_UNIT_TOKENS = frozenset(
    {"gbp", "k", "000", "000s", "s", "m", "pounds", "inc", "vat", "ex", "excl"}
)
_THOUSANDS = re.compile(r"£\s*k\b|£\s*000|\(\s*000s?\s*\)|\b000s\b|£000s?|\bk£", re.IGNORECASE)
_MILLIONS = re.compile(r"£\s*m\b|£\s*million|\(\s*£?m\s*\)", re.IGNORECASE)


def normalise_header(text: str) -> str:
    """Lower case, no punctuation, "£" or units, e.g. "Value p.a. (£k)" → "value pa"."""
    lowered = str(text).lower().replace("&", " and ").replace("£", " ")
    lowered = lowered.replace("p.a.", " pa ").replace("p/a", " pa ")
    tokens = [t for t in _NON_WORD.sub(" ", lowered).split() if t not in _UNIT_TOKENS]
    return " ".join(tokens)


def _token_key(normalised: str) -> str:
    return " ".join(sorted(normalised.split()))


def header_multiplier(text: str) -> Decimal:
    """1000 for a money header in thousands ("£k", "£000"), a million for "£m", else 1."""
    if _THOUSANDS.search(str(text)):
        return Decimal(1000)
    if _MILLIONS.search(str(text)):
        return Decimal(1_000_000)
    return Decimal(1)


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, spellings in SYNONYMS.items():
        for spelling in (canonical.replace("_", " "), *spellings):
            normalised = normalise_header(spelling)
            index.setdefault(normalised, canonical)
            index.setdefault(_token_key(normalised), canonical)
    return index


_INDEX = _build_index()
_CHOICES = sorted({normalise_header(s) for spellings in SYNONYMS.values() for s in spellings})


def match_header(text: object) -> str | None:
    """The canonical field a header names, or None if it is not one we know."""
    if text is None:
        return None
    normalised = normalise_header(str(text))
    if not normalised:
        return None
    return _INDEX.get(normalised) or _INDEX.get(_token_key(normalised))


def nearest_field(text: str) -> str | None:
    """The canonical field whose spelling is closest to ``text``, for suggestions."""
    normalised = normalise_header(text)
    if not normalised:
        return None
    best = process.extractOne(normalised, _CHOICES, scorer=fuzz.ratio)
    if best is None or best[1] < NEAREST_FIELD_MIN_SCORE:
        return None
    return _INDEX[best[0]]


def parse_mapping(pairs: tuple[str, ...] | list[str] | dict[str, str] | None) -> dict[str, str]:
    """``['Supplier Ref=reference']`` → ``{normalised header: field}``; refuses unknown fields."""
    if not pairs:
        return {}
    items = list(pairs.items()) if isinstance(pairs, dict) else []
    if not isinstance(pairs, dict):
        for pair in pairs:
            header, sep, target = pair.rpartition("=")
            if not sep or not header.strip():
                raise InputRejected(
                    f"--map '{pair}' is not of the form 'Header=field', "
                    "e.g. --map 'Supplier Ref=reference'"
                )
            items.append((header, target))
    mapping: dict[str, str] = {}
    for header, target in items:
        target = target.strip()
        if target not in CANONICAL_FIELDS and target != IGNORE:
            raise InputRejected(
                f"--map '{header}={target}' names an unknown field; use one of "
                f"{', '.join(CANONICAL_FIELDS)} (or 'ignore')"
            )
        mapping[normalise_header(header) or header.strip().lower()] = target
    return mapping


@dataclass
class ColumnMap:
    """Which column (0-based) holds which field, and what was left over."""

    fields: dict[str, int] = field(default_factory=dict)
    headers: dict[int, str] = field(default_factory=dict)  # column -> header text
    unknown: list[int] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    multipliers: dict[str, Decimal] = field(default_factory=dict)

    @property
    def score(self) -> int:
        return len(self.fields)

    def header_of(self, field_name: str) -> str:
        return self.headers[self.fields[field_name]]


def map_columns(labels: list[str | None], mapping: dict[str, str]) -> ColumnMap:
    """Map each non-empty header label to a field: user mapping first, then synonyms."""
    result = ColumnMap()
    for column, label in enumerate(labels):
        if label is None or not str(label).strip():
            continue
        text = " ".join(str(label).split())
        result.headers[column] = text
        key = normalise_header(text) or text.lower()
        target = mapping.get(key) or match_header(text)
        if target == IGNORE:
            continue
        if target is None:
            result.unknown.append(column)
        elif target in result.fields:
            result.duplicates.append((column, target))
        else:
            result.fields[target] = column
            if target in MONEY_FIELDS:
                result.multipliers[target] = header_multiplier(text)
    return result
