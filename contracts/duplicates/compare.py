"""Comparing two contracts field by field, with evidence a person can check.

Pure functions over :class:`MatchRecord` snapshots (no database), so the same code
scores pairs for the report, for ``duplicates explain`` and in property tests.
Every field lands on a named level; each level has a Fellegi–Sunter weight in
bits (:mod:`contracts.duplicates.weights`), and the score is the base-2 logistic of
the prior plus those weights. Money is compared as ``Decimal`` only.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from rapidfuzz import fuzz

from contracts.duplicates.weights import Weights
from contracts.organisations.names import simplify
from contracts.store.money import format_gbp
from contracts.vocabulary import category_relation, refine_category

# Abbreviations registers use in titles, expanded so that "Comm MH svcs" and
# "Community Mental Health Services" meet.
TITLE_ABBREVIATIONS = {
    "svc": "service",
    "svcs": "services",
    "serv": "services",
    "servs": "services",
    "mh": "mental health",
    "comm": "community",
    "cmty": "community",
    "ae": "accident and emergency",
    "hosp": "hospital",
    "hosps": "hospitals",
    "chc": "continuing healthcare",
    "ld": "learning disabilities",
    "eol": "end of life",
    "pts": "patient transport services",
    "nepts": "non emergency patient transport services",
    "ooh": "out of hours",
    "uc": "urgent care",
    "mgmt": "management",
    "mgt": "management",
    "rehab": "rehabilitation",
    "supp": "support",
    "paeds": "paediatric",
    "paed": "paediatric",
    "peds": "paediatric",
    "diag": "diagnostics",
    "amb": "ambulance",
    "cyp": "children and young people",
    "camhs": "child and adolescent mental health services",
    "incl": "including",
    "inc": "including",
    "ctr": "centre",
    "center": "centre",
    "program": "programme",
    "nhs111": "nhs 111",
}
# `simplify` without its cache, for titles: this function keeps its own, and a register's
# titles are mostly distinct (65,536 of them would stay in memory twice).
_simplify_once = simplify.__wrapped__
# Phrases after `simplify` ("A&E" becomes "a and e").
_TITLE_PHRASES = (("a and e", "accident and emergency"),)
# Words that carry no evidence about which contract a title names ("associate"
# marks an associate's copy of the lead's contract).
TITLE_STOPWORDS = frozenset(
    {"the", "of", "for", "and", "to", "in", "with", "a", "an", "on", "associate"}
)
# Years and financial years in titles ("2018-19", "2017/18", "17/18-18/19", "2016"): the
# register's year, not the service.
_TITLE_YEARS = re.compile(
    r"\b(?:(?:19|20)\d\d|\d\d)\s*[-/–]\s*(?:(?:19|20)?\d\d)\b|\b(?:19|20)\d\d\b"
)
# An abbreviation before a colon ("NEP: …", "BTUH - …" is caught by the provider's names).
_TITLE_PREFIX = re.compile(r"^\s*[A-Z][A-Z0-9&]{1,7}\s*:\s+")
# Legal forms and other words that never tell two organisations apart.
_LEGAL_WORDS = frozenset(
    {"ltd", "limited", "cic", "plc", "llp", "cio", "the", "nhs", "ft", "co", "company"}
)
_LEGAL_PHRASES = (("c i c", "cic"), ("community interest company", "cic"), ("t a", ""))
# Providers whose normalised names are at least this alike (rapidfuzz token-set ratio)
# are likely one body that the store holds twice ("St Osyth's Hospice" and "… Ltd").
PROVIDER_ALIKE = 90

# Money roundings registers use: to the pound, £100, £1,000, £10k, 1.2m-style (£100k), £1m.
ROUNDING_UNITS = tuple(Decimal(u) for u in ("1", "100", "1000", "10000", "100000", "1000000"))
# A rounding unit counts only when it is small beside the amount (£1m rounding of £300k is noise).
ROUNDING_MAX_SHARE = Decimal(5)
FIVE_PERCENT = Decimal("0.05")
# Days between one contract's end and the next one's start that still make them successive.
ADJACENT_MAX_GAP_DAYS = 31

_REFERENCE_PARTS = re.compile(r"[0-9]+|[A-Z]+")


@functools.lru_cache(maxsize=1 << 16)
def provider_key(name: str | None) -> str:
    """An organisation name without case, punctuation, legal form or plurals, for
    telling whether two provider records are likely one body."""
    padded = f" {simplify(name or '')} "
    for phrase, short in _LEGAL_PHRASES:
        padded = padded.replace(f" {phrase} ", f" {short} ")
    words = [w.removesuffix("s") if len(w) > 3 else w for w in padded.split()]
    return " ".join(w for w in words if w and w not in _LEGAL_WORDS)


def _initials(name: str) -> str:
    return "".join(w[0] for w in provider_key(name).split() if w[0].isalpha())


def provider_terms(names: Iterable[str], codes: Iterable[str] = ()) -> tuple[str, ...]:
    """What a register may write of the provider in a title: its names, aliases, code and
    initials ("SOH" for St Osyth's Hospice), simplified, longest first."""
    terms = {simplify(n) for n in names if n}
    terms |= {simplify(c) for c in codes if c}
    terms |= {i for n in names if n and len(i := _initials(n)) >= 3}
    return tuple(sorted((t for t in terms if t), key=lambda t: (-len(t), t)))


@functools.lru_cache(maxsize=1 << 16)
def normalise_title(title: str | None, strip: tuple[str, ...] = ()) -> str:
    """Lower case, punctuation gone, abbreviations expanded, stop words dropped; the
    provider's names (``strip``), years and a leading "ABC:" prefix taken out."""
    text = _TITLE_PREFIX.sub(" ", _TITLE_YEARS.sub(" ", title or ""))
    padded = f" {_simplify_once(text)} "
    for term in strip:
        if f" {term} " in padded and padded.strip() != term:
            padded = padded.replace(f" {term} ", " ")
    for phrase, expansion in _TITLE_PHRASES:
        padded = padded.replace(f" {phrase} ", f" {expansion} ")
    words: list[str] = []
    for token in padded.split():
        words.extend(TITLE_ABBREVIATIONS.get(token, token).split())
    return " ".join(w for w in words if w not in TITLE_STOPWORDS)


@functools.lru_cache(maxsize=1 << 16)
def normalise_reference(reference: str | None) -> str:
    """Case, punctuation and leading zeros ignored: "MSE/2016/007" == "mse 2016 7"."""
    if not reference:
        return ""
    parts = _REFERENCE_PARTS.findall(reference.upper())
    return "-".join(str(int(p)) if p.isdigit() else p for p in parts)


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """What the comparison needs of one contract, loaded once."""

    id: int
    uid: str
    source: str
    reference: str | None
    title: str
    provider_id: int | None
    provider_group: int | None  # successor root of the provider (the blocking key)
    commissioners: frozenset[int]
    lead_id: int | None
    service_category: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    annual_value: Decimal | None
    total_value: Decimal | None
    has_associates: bool = False
    # The provider and every organisation that succeeded it, in order.
    provider_chain: tuple[int, ...] = ()
    provider_name: str | None = None
    provider_coded: bool = False  # the provider has an ODS or GSS code: a known body
    # The provider's names, aliases, code and initials, as titles may carry them.
    provider_terms: tuple[str, ...] = ()
    title_key: str = field(default="", compare=False)
    reference_key: str = field(default="", compare=False)
    provider_key: str = field(default="", compare=False)
    category_key: str | None = field(default=None, compare=False)

    @classmethod
    def build(cls, **values: object) -> MatchRecord:
        """A record with its normalised title, reference, provider and category worked out."""
        title = values["title"]
        return cls(
            **values,  # type: ignore[arg-type]
            title_key=normalise_title(title, values.get("provider_terms", ())),  # type: ignore[arg-type]
            reference_key=normalise_reference(values.get("reference")),  # type: ignore[arg-type]
            provider_key=provider_key(values.get("provider_name")),  # type: ignore[arg-type]
            category_key=refine_category(values.get("service_category"), title),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class FieldEvidence:
    field: str
    level: str
    weight: float
    detail: str  # the words a report shows ("" when the level says nothing worth saying)
    origin: str = "default"  # where the weight came from (default, learned, a file)


@dataclass(frozen=True)
class PairComparison:
    """The verdict on two contracts: definite rule or score, and the evidence."""

    a_id: int
    b_id: int
    fields: tuple[FieldEvidence, ...]
    score: float
    log_odds: float
    definite: str | None = None  # why the pair can never be a duplicate, if it cannot

    @property
    def reasons(self) -> list[str]:
        if self.definite:
            return [self.definite]
        return [f.detail for f in self.fields if f.detail]


def _reference(a: MatchRecord, b: MatchRecord) -> tuple[str, str]:
    if not a.reference or not b.reference:
        return "missing", ""
    if a.reference.strip() == b.reference.strip():
        return "exact", "same reference"
    if a.reference_key and a.reference_key == b.reference_key:
        return "normalised_equal", "references equal apart from punctuation"
    if a.source == b.source:
        return "different_same_register", "two references in one register"
    return "different", ""


class ProviderFacts(Protocol):
    """What the provider rules read: a record's provider, or one provider's entry in the
    register's columns (decided once per pair of providers there)."""

    @property
    def provider_id(self) -> int | None: ...
    @property
    def provider_chain(self) -> tuple[int, ...]: ...
    @property
    def provider_coded(self) -> bool: ...
    @property
    def provider_key(self) -> str: ...


def providers_alike(a: ProviderFacts, b: ProviderFacts) -> int:
    """How alike the two providers' names are (0–100); 0 when both are known bodies with
    codes of their own, which are different organisations whatever their names."""
    if (a.provider_coded and b.provider_coded) or not a.provider_key or not b.provider_key:
        return 0
    return round(fuzz.token_set_ratio(a.provider_key, b.provider_key))


def provider_level(a: ProviderFacts, b: ProviderFacts) -> tuple[str, str]:
    if a.provider_id is None or b.provider_id is None:
        return "missing", "provider unknown"
    if a.provider_id == b.provider_id:
        return "same_organisation", "same provider"
    if same_successor_chain(a, b):
        return "same_successor_group", "one provider succeeded the other"
    if a.provider_coded and b.provider_coded:
        return "different_bodies", "different providers, each with a code of its own"
    alike = providers_alike(a, b)
    if alike >= PROVIDER_ALIKE:
        return "names_alike", f"provider names alike ({alike}%): perhaps one body recorded twice"
    return "different", "different providers"


def same_successor_chain(a: ProviderFacts, b: ProviderFacts) -> bool:
    """One provider is the other or succeeded it (RRD → R1L), not merely a sibling
    in a later merger (RDD and RQ8 both became RAJ, but were two trusts in 2016)."""
    return a.provider_id in b.provider_chain or b.provider_id in a.provider_chain


def _commissioners(a: MatchRecord, b: MatchRecord) -> tuple[str, str]:
    if not a.commissioners or not b.commissioners:
        return "missing", ""
    if a.commissioners == b.commissioners:
        return "same_party_set", "same commissioners"
    if a.commissioners & b.commissioners:
        return "overlapping", "commissioners overlap"
    return "disjoint", "no commissioner in common"


def _category(a: MatchRecord, b: MatchRecord) -> tuple[str, str]:
    relation = category_relation(a.category_key, b.category_key)
    if relation == "same":
        return "same", "same service category"
    if relation == "close":
        return "close", f"service categories close ({a.category_key} / {b.category_key})"
    if relation == "different":
        return "different", "different service categories"
    return "missing", ""


def title_similarity(a: MatchRecord, b: MatchRecord) -> float:
    """0..100, symmetric: word-order-blind similarity of the normalised titles."""
    return float(fuzz.token_sort_ratio(a.title_key, b.title_key))


def _title(a: MatchRecord, b: MatchRecord, weights: Weights) -> tuple[str, str]:
    similarity = title_similarity(a, b)
    shown = math.floor(similarity)
    for level in ("near_identical", "very_similar", "similar"):
        if similarity >= weights.title_cuts[level]:
            return level, f"title {shown}% similar"
    return "different", f"titles differ ({shown}% similar)"


def _period(a: MatchRecord, b: MatchRecord) -> tuple[str, str]:
    # One ending before the other starts is decidable even when the other end is unknown.
    for first, second in ((a, b), (b, a)):
        if first.end_date and second.start_date and first.end_date < second.start_date:
            if (second.start_date - first.end_date).days <= ADJACENT_MAX_GAP_DAYS:
                return "adjacent", "one follows the other (successive contracts)"
            return "disjoint", "periods do not overlap"
    if a.start_date is not None and a.start_date == b.start_date:
        if a.end_date is not None and a.end_date == b.end_date:
            return "identical", "same period"
        return "same_start_or_end", "same start date"
    if a.end_date is not None and a.end_date == b.end_date:
        return "same_start_or_end", "same end date"
    if None in (a.start_date, a.end_date, b.start_date, b.end_date):
        return "missing", ""
    for inner, outer in ((a, b), (b, a)):
        assert inner.start_date and inner.end_date and outer.start_date and outer.end_date
        if outer.start_date <= inner.start_date and inner.end_date <= outer.end_date:
            return "contained", "one period within the other (a year of the term)"
    return "overlapping", "periods overlap"


def _round_to(value: Decimal, unit: Decimal) -> Decimal:
    return (value / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit


def rounding_unit(a: Decimal, b: Decimal) -> Decimal | None:
    """The smallest unit one amount is the other rounded to, if any (exact Decimal maths)."""
    largest = max(abs(a), abs(b))
    for unit in ROUNDING_UNITS:
        if unit * ROUNDING_MAX_SHARE > largest:
            break
        for rounded, other in ((a, b), (b, a)):
            if rounded % unit == 0 and _round_to(other, unit) == rounded:
                return unit
    return None


def _value(a: Decimal | None, b: Decimal | None, label: str) -> tuple[str, str]:
    if a is None or b is None:
        return "missing", ""
    if a == b:
        return "equal", f"{label} equal"
    unit = rounding_unit(a, b)
    if unit is not None:
        return "within_rounding", f"{label} equal to the nearest {format_gbp(unit)[:-3]}"
    if abs(a - b) <= max(abs(a), abs(b)) * FIVE_PERCENT:
        return "within_5_percent", f"{label} within 5%"
    return "different", f"{label}s differ ({format_gbp(a)} and {format_gbp(b)})"


def definite_rule(a: MatchRecord, b: MatchRecord) -> str | None:
    """Evidence that decides alone that two records are not copies of one contract."""
    if a.id == b.id:
        return "the same contract"
    if a.source == b.source and a.reference and a.reference == b.reference:
        return "same register and reference: the same row (an update), not a duplicate"
    return None


def logistic2(log_odds: float) -> float:
    """2^w / (1 + 2^w), computed without overflow."""
    if log_odds >= 0:
        return 1.0 / (1.0 + 2.0**-log_odds)
    odds = 2.0**log_odds
    return odds / (1.0 + odds)


def compare(a: MatchRecord, b: MatchRecord, weights: Weights) -> PairComparison:
    """Every field's level and weight, the definite rule if one applies, and the score."""
    if b.id < a.id:
        a, b = b, a
    levels = {
        "reference": _reference(a, b),
        "provider": provider_level(a, b),
        "commissioners": _commissioners(a, b),
        "service_category": _category(a, b),
        "title": _title(a, b, weights),
        "period": _period(a, b),
        "annual_value": _value(a.annual_value, b.annual_value, "annual value"),
        "total_value": _value(a.total_value, b.total_value, "total value"),
    }
    evidence = tuple(
        FieldEvidence(name, level, weights.levels[name][level], detail, weights.origin(name, level))
        for name, (level, detail) in levels.items()
    )
    definite = definite_rule(a, b)
    log_odds = weights.prior + sum(e.weight for e in evidence)
    score = 0.0 if definite else logistic2(log_odds)
    return PairComparison(a.id, b.id, evidence, score, log_odds, definite)
