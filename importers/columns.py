"""Column headers → canonical fields, under the names real registers use.

Every register names its columns differently ("Supplier", "Provider Name",
"Value p.a. (£)", "Expiry"). Headers are normalised (case, punctuation, "£",
units) and looked up in a synonym list; ``--map 'Header=field'`` covers the
rest. A header in thousands ("£k", "£000") carries a multiplier for its money.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz, process

from contracts.errors import InputRejected
from contracts.store.imports import STORED_AS_WRITTEN

CANONICAL_FIELDS: tuple[str, ...] = (
    "reference",
    "title",
    "commissioner",
    "commissioner_code",
    "associate_commissioners",
    "provider",
    "provider_code",
    "service_category",
    "contract_form",
    *STORED_AS_WRITTEN,
)
REQUIRED_FIELDS: tuple[str, ...] = ("title", "provider", "commissioner")
MONEY_FIELDS = frozenset({"annual_value", "total_value"})
# `--map 'Header=field'` drops a column on purpose, so it is not reported.
IGNORE = "ignore"

# canonical field -> names registers use for it (compared after `normalise_header`).
# A specific name beats a general one (below) when two columns fit one field.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "reference": (
        "reference",
        "contract ref",
        "contract reference",
        "contract reference number",
        "contract ref no",
        "ref no",
        "reference number",
        "contract number",
        "contract no",
        "contract id",
        "our ref",
        "notice identifier",
        "notice id",
        "agreement reference",
        "contract code",
    ),
    "title": (
        "title",
        "contract title",
        "contract name",
        "service name",
        "name of contract",
        "title of the agreement",
        "title of agreement",
        "agreement title",
        "agreement name",
        "project title",
    ),
    "commissioner": (
        "commissioner",
        "commissioning organisation",
        "commissioning organization",
        "lead commissioner",
        "commissioning body",
        "commissioned by",
        "lead organisation",
        "lead ccg",
        "buyer",
        "buyer name",
        "buying organisation",
        "purchaser",
        "contracting authority",
        "contracting authority name",
    ),
    "commissioner_code": (
        "commissioner code",
        "commissioner ods code",
        "ccg code",
        "organisation code",
        "organization code",
        "buyer code",
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
        "contractor name",
        "service provider",
        "vendor",
        "vendor name",
        "organisation providing the service",
        "winning bidder",
        "awarded supplier",
        "successful supplier",
        "payee",
        "payee name",
    ),
    "provider_code": (
        "provider code",
        "provider ods code",
        "ods code",
        "supplier code",
        "supplier ods code",
        "vendor code",
        "contractor code",
    ),
    "service_category": (
        "service category",
        "service type",
        "service line",
        "service area",
        "programme area",
        "care setting",
        "service category label",
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
        "start date",
        "contract start",
        "contract start date",
        "commencement",
        "commencement date",
        "contract commencement date",
        "date from",
        "award start date",
    ),
    "end_date": (
        "end date",
        "contract end",
        "contract end date",
        "expiry",
        "expiry date",
        "contract expiry",
        "contract expiry date",
        "expires",
        "expiration",
        "expiration date",
        "contract expiration date",
        "date to",
        "termination date",
        "current end date",
        "contract current end date",
    ),
    "annual_value": (
        "annual value",
        "annual contract value",
        "value pa",
        "value per annum",
        "yearly value",
        "yearly cost",
        "annual",
        "contract value pa",
        "annual cost",
        "value per year",
        "acv",
        "annual budget",
        "estimated annual value",
        "annual amount",
    ),
    "total_value": (
        "total value",
        "total contract value",
        "whole life value",
        "whole life contract value",
        "lifetime value",
        "tcv",
        "value over term",
        "total cost",
        "awarded value",
        "award value",
        "contract award value",
        "award amount",
        "awarded amount",
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
    "status": ("status", "contract status", "current status"),
    "notes": ("notes", "comments", "remarks", "note", "comment", "additional information"),
}

# General names: they fit a field, but often mean something else ("Effective Date"
# is when a register was published, "Description" the scope of a titled contract).
GENERAL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "reference": ("ref", "id", "identifier"),
    "title": (
        "service",
        "description",
        "service description",
        "contract description",
        "scheme",
        "short description",
        "description of goods and services",
    ),
    "commissioner": ("ccg",),
    "service_category": ("category",),
    "start_date": ("start", "from", "effective date", "effective from"),
    "end_date": ("end", "to", "maximum contract end date"),
    "annual_value": ("value", "amount"),
    "total_value": ("total", "contract value", "contract amount", "current value"),
    "status": ("state",),
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


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# "Supplier [Name|Address|Ref type]": a cell in parts, the header's brackets list them.
_PARTS = re.compile(r"\[([^\]]*\|[^\]]*)\]")


def normalise_header(text: str) -> str:
    """Lower case words without punctuation, "£" or units: "Value p.a. (£k)" → "value pa",
    "SupplierName" and "supplier_name" → "supplier name"."""
    spaced = _CAMEL.sub(" ", _PARTS.sub(" ", str(text)))
    lowered = spaced.lower().replace("&", " and ").replace("£", " ")
    lowered = lowered.replace("p.a.", " pa ").replace("p/a", " pa ")
    tokens = [t for t in _NON_WORD.sub(" ", lowered).split() if t not in _UNIT_TOKENS]
    return " ".join(tokens)


def header_parts(text: str) -> bool:
    """True for a header that lists its cells' parts, "Supplier [Name|Address|…]": the
    cells hold "name|address|…" and only the first part is the value."""
    return bool(_PARTS.search(str(text)))


def _token_key(normalised: str) -> str:
    return " ".join(sorted(normalised.split()))


def header_multiplier(text: str) -> Decimal:
    """1000 for a money header in thousands ("£k", "£000"), a million for "£m", else 1."""
    if _THOUSANDS.search(str(text)):
        return Decimal(1000)
    if _MILLIONS.search(str(text)):
        return Decimal(1_000_000)
    return Decimal(1)


SPECIFIC, GENERAL = 2, 1  # how well a synonym names its field


@dataclass(frozen=True)
class Match:
    """A header's fit to a field: strength (3 --map or a schema, 2 a specific name,
    1 a general one), then how many words of the name it matched."""

    field: str
    strength: int
    words: int
    why: str

    @property
    def rank(self) -> tuple[int, int]:
        return (self.strength, self.words)


def _build_index() -> dict[str, Match]:
    index: dict[str, Match] = {}
    tiers = ((SPECIFIC, SYNONYMS), (GENERAL, GENERAL_SYNONYMS))
    for strength, table in tiers:
        for canonical, spellings in table.items():
            extra = (canonical.replace("_", " "),) if strength == SPECIFIC else ()
            for spelling in (*extra, *spellings):
                normalised = normalise_header(spelling)
                kind = "a specific" if strength == SPECIFIC else "a general"
                match = Match(canonical, strength, len(normalised.split()), f"{kind} name")
                # as written, in any word order, and run together ("suppliername")
                for key in (normalised, _token_key(normalised), normalised.replace(" ", "")):
                    index.setdefault(key, match)
    return index


_INDEX = _build_index()
_CHOICES = sorted(
    {
        normalise_header(s)
        for table in (SYNONYMS, GENERAL_SYNONYMS)
        for spellings in table.values()
        for s in spellings
    }
)


def header_match(text: object) -> Match | None:
    """How a header fits a canonical field, or None if it is not one we know."""
    if text is None:
        return None
    normalised = normalise_header(str(text))
    if not normalised:
        return None
    return (
        _INDEX.get(normalised)
        or _INDEX.get(_token_key(normalised))
        or _INDEX.get(normalised.replace(" ", ""))
    )


def match_header(text: object) -> str | None:
    """The canonical field a header names, or None if it is not one we know."""
    found = header_match(text)
    return found.field if found else None


def nearest_field(text: str) -> str | None:
    """The canonical field whose spelling is closest to ``text``, for suggestions."""
    normalised = normalise_header(text)
    if not normalised:
        return None
    words = normalised.split()
    if all(len(w) >= 3 for w in words):  # an abbreviation: "Prov." for "provider"
        abbreviated = [
            c
            for c in _CHOICES
            if len(c.split()) == len(words)
            and all(full.startswith(w) for w, full in zip(words, c.split(), strict=True))
        ]
        if abbreviated:
            return _INDEX[min(abbreviated, key=len)].field
    best = process.extractOne(normalised, _CHOICES, scorer=fuzz.ratio)
    if best is None or best[1] < NEAREST_FIELD_MIN_SCORE:
        return None
    return _INDEX[best[0]].field


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
        mapping[mapping_key(header)] = target
    return mapping


def mapping_key(header: str) -> str:
    """How a header is looked up in a --map or a schema: normalised, else as written."""
    return normalise_header(header) or " ".join(str(header).split()).lower()


@dataclass(frozen=True)
class Passed:
    """A column that fits a field another column was taken for, and why."""

    column: int
    field: str
    reason: str
    close: bool  # as good a fit as the one taken: worth a warning


@dataclass
class ColumnMap:
    """Which column (0-based) holds which field, and what was left over."""

    fields: dict[str, int] = field(default_factory=dict)
    headers: dict[int, str] = field(default_factory=dict)  # column -> header text
    unknown: list[int] = field(default_factory=list)
    duplicates: list[Passed] = field(default_factory=list)
    multipliers: dict[str, Decimal] = field(default_factory=dict)
    parts: set[str] = field(default_factory=set)  # fields whose cells are "name|address|…"
    how: dict[str, str] = field(default_factory=dict)  # field -> why its column was taken

    @property
    def score(self) -> int:
        return len(self.fields)

    def header_of(self, field_name: str) -> str:
        return self.headers[self.fields[field_name]]


def _why_taken(winner: Match, loser: Match, header: str, other: str) -> str:
    if winner.strength > loser.strength:
        return f"'{header}' was taken: {winner.why}, while '{other}' is {loser.why} for it"
    if winner.words > loser.words:
        return f"'{header}' was taken: it names the field more fully"
    return (
        f"both fit as well; the first, '{header}', was taken "
        f"(use --map '{other}=<field>' to take this one)"
    )


def map_columns(
    labels: Sequence[str | None],
    mapping: dict[str, str],
    schema: dict[str, str] | None = None,
    schema_name: str | None = None,
) -> ColumnMap:
    """Each field takes the best-fitting column across all headers: a --map first, then
    the columns of a recognised schema, then specific names, general names; a tie goes to
    the leftmost column. Columns that fit a field already taken are reported with why."""
    result = ColumnMap()
    candidates: dict[str, list[tuple[Match, int]]] = {}
    for column, label in enumerate(labels):
        if label is None or not str(label).strip():
            continue
        text = " ".join(str(label).split())
        result.headers[column] = text
        key = mapping_key(text)
        if key in mapping:
            target = mapping[key]
            if target == IGNORE:
                continue
            found: Match | None = Match(target, 4, 0, "it was named by --map")
        elif schema is not None and key in schema:
            if schema[key] == IGNORE:
                continue
            what = schema[key].replace("_", " ")
            found = Match(schema[key], 3, 0, f"it is the {what} in the {schema_name}")
        else:
            found = header_match(text)
        if found is None:
            result.unknown.append(column)
            continue
        candidates.setdefault(found.field, []).append((found, column))
    for name in CANONICAL_FIELDS:
        fits = candidates.get(name)
        if not fits:
            continue
        best, column = max(fits, key=lambda fit: (fit[0].rank, -fit[1]))
        result.fields[name] = column
        result.how[name] = best.why
        text = result.headers[column]
        if name in MONEY_FIELDS:
            result.multipliers[name] = header_multiplier(text)
        if header_parts(text):
            result.parts.add(name)
        for match, other in fits:
            if other != column:
                reason = _why_taken(best, match, text, result.headers[other])
                result.duplicates.append(Passed(other, name, reason, match.rank == best.rank))
    result.duplicates.sort(key=lambda passed: passed.column)
    return result
