"""The shared words of the register: service categories and contract forms.

Registers write "Community Services", "COMMUNITY", "CS"; "Mental Health and
Learning Disability Services", "MH - Mental Health…", "Mental Health &
Learning Disability". The importer maps them to one canonical category so
that the duplicate finder and the consolidation rules compare like with
like; the template's drop-downs and the rules' TOML use the same names.

The categories are the NHS Standard Contract's own (the 2016/17 list, with
their codes, and later additions such as integrated urgent care) and the
service lines councils use. Some contain others: the contract's "Mental
Health and Learning Disability Services" (MH) holds both "mental health" and
"learning disabilities", so :func:`category_relation` calls those close, not
different, and :func:`refine_category` reads the narrower one from a title
where it can.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from contracts.organisations.names import simplify


@dataclass(frozen=True)
class Category:
    """One canonical service category and the ways registers write it."""

    name: str  # canonical, as stored
    spellings: tuple[str, ...] = ()
    code: str | None = None  # the NHS Standard Contract's code (MH, A+E, …)
    contract_name: str | None = None  # its name in the NHS Standard Contract
    within: str | None = None  # the broader category that contains it
    title_cues: tuple[str, ...] = ()  # words in a title that point to this narrower category


CATEGORIES: tuple[Category, ...] = (
    Category(
        "acute",
        ("acute care", "acute hospital", "elective", "non elective", "acute hospital services"),
        "A",
        "Acute Services",
    ),
    Category(
        "a&e",
        ("a and e", "accident and emergency", "emergency department", "ae", "a e", "type 1 ed"),
        "A+E",
        "Accident and Emergency Services",
    ),
    Category(
        "ambulance",
        ("ambulance services", "emergency ambulance", "999", "emergency ambulance services"),
        "AM",
        "Ambulance Services",
    ),
    Category("cancer", ("oncology", "cancer care", "chemotherapy"), "CR", "Cancer Services"),
    Category(
        "community",
        ("community services", "community health", "community health services"),
        "CS",
        "Community Services",
    ),
    Category(
        "continuing healthcare",
        ("chc", "continuing health care", "nhs continuing healthcare", "continuing care"),
        "CHC",
        "Continuing Healthcare Services",
    ),
    Category(
        "diagnostics",
        ("diagnostic services", "imaging", "pathology", "diagnostic", "screening"),
        "D",
        "Diagnostic, Screening and/or Pathology Services",
    ),
    Category(
        "end of life care",
        ("end of life", "palliative care", "hospice", "specialist palliative care"),
        "ELC",
        "End of Life Care Services",
    ),
    Category(
        "mental health and learning disabilities",
        ("mental health and learning disability", "mh and ld", "mhld", "mh ld"),
        "MH",
        "Mental Health and Learning Disability Services",
    ),
    Category(
        "mental health",
        ("mental health services", "adult mental health", "amh"),
        within="mental health and learning disabilities",
        title_cues=(
            "mental health",
            "mh",
            "iapt",
            "psychological",
            "psychosis",
            "psychiatric",
            "dementia",
            "crisis",
            "camhs",
            "eating disorder",
        ),
    ),
    Category(
        "learning disabilities",
        ("learning disability", "ld", "learning disability services"),
        within="mental health and learning disabilities",
        title_cues=("learning disabilit", "ld", "autism"),
    ),
    Category(
        "secure mental health",
        ("secure services", "mental health secure services", "forensic mental health"),
        "MHSS",
        "Mental Health and Learning Disability Secure Services",
    ),
    Category(
        "integrated urgent care",
        ("iuc", "integrated urgent care services", "nhs 111 and out of hours"),
        "IUC",
        "Integrated Urgent Care Services",
    ),
    Category(
        "nhs 111",
        ("111", "nhs111", "nhs 111 services"),
        "111",
        "NHS 111 Services",
        within="integrated urgent care",
        title_cues=("111",),
    ),
    Category(
        "patient transport",
        ("non emergency patient transport", "pts", "nepts", "patient transport services"),
        "PT",
        "Patient Transport Services",
    ),
    Category("radiotherapy", ("radiotherapy services",), "R", "Radiotherapy Services"),
    Category(
        "urgent care",
        (
            "urgent care centre",
            "walk in centre",
            "out of hours",
            "ooh",
            "minor injuries unit",
            "urgent treatment centre",
            "urgent treatment centre services",
        ),
        "U",
        "Urgent Care/Walk-in Centre Services/Minor Injuries Unit",
    ),
    # Services outside the NHS Standard Contract's list, and councils' service lines.
    Category("primary care", ("gp services", "general practice", "primary medical services")),
    Category(
        "social care",
        ("adult social care", "domiciliary care", "home care", "homecare", "asc", "reablement"),
    ),
    Category("residential care", ("care homes", "nursing homes", "residential and nursing care")),
    Category(
        "public health",
        (
            "sexual health",
            "substance misuse",
            "drug and alcohol",
            "drugs and alcohol",
            "health visiting",
            "school nursing",
            "stop smoking",
            "ph",
        ),
    ),
    Category(
        "children's services",
        ("childrens services", "children and families", "children and young people", "cyp"),
    ),
    Category(
        "housing related support",
        ("housing support", "supporting people", "floating support", "supported housing"),
    ),
    Category(
        "voluntary sector support",
        ("carers support", "carers", "advocacy", "befriending", "information and advice"),
    ),
    Category("other"),
)
BY_NAME: dict[str, Category] = {c.name: c for c in CATEGORIES}
# The order categories are listed in (drop-downs, proposal titles): the common ones first.
_ORDER = (
    "acute",
    "a&e",
    "ambulance",
    "community",
    "mental health",
    "continuing healthcare",
    "diagnostics",
    "nhs 111",
    "patient transport",
    "urgent care",
    "end of life care",
    "primary care",
    "learning disabilities",
    "social care",
    "residential care",
    "public health",
    "voluntary sector support",
    "mental health and learning disabilities",
    "secure mental health",
    "cancer",
    "radiotherapy",
    "integrated urgent care",
    "children's services",
    "housing related support",
    "other",
)
# canonical name -> spellings seen in registers (the names, codes and spellings)
SERVICE_CATEGORIES: dict[str, tuple[str, ...]] = {
    name: tuple(s for s in (*c.spellings, c.code, c.contract_name) if s)
    for name in _ORDER
    if (c := BY_NAME[name])
}

# canonical name -> spellings
CONTRACT_FORMS: dict[str, tuple[str, ...]] = {
    "NHS Standard Contract": (
        "nhs standard contract full length",
        "nhssc",
        "full length",
        "nhs sc",
        "nhs contract",
        "particulars full length",
    ),
    "NHS Standard Contract (shorter form)": (
        "nhs standard contract shorter form",
        "shorter form",
        "short form",
        "nhs sc shorter form",
        "particulars shorter form",
    ),
    "grant agreement": ("grant", "grant funding", "grant aid"),
    "service level agreement": ("sla",),
    "section 75 agreement": ("section 75", "s75", "s 75", "partnership agreement"),
    "local authority contract": ("council contract", "framework call off", "spot purchase"),
    "other": (),
}

# Words that say nothing about which category is meant ("Community Services" = "community").
_FILLER = frozenset({"services", "service", "the", "nhs"})
_YEARS = re.compile(r"\b(?:19|20)\d\d(?:\s*[-/]\s*(?:19|20)?\d\d)?\b")


def _stem(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and len(word) > 3 and not word.endswith("ss"):
        return word[:-1]
    return word


def _simple(text: str) -> str:
    """:func:`simplify`, with "children's" as "childrens"."""
    return simplify(text.replace("'", "").replace("’", ""))


def category_key(text: str) -> str:
    """Case, punctuation, "&", plurals and filler words ignored."""
    return " ".join(_stem(w) for w in _simple(text).split() if w not in _FILLER)


def _index() -> tuple[dict[str, str], dict[str, str]]:
    codes: dict[str, str] = {}
    words: dict[str, str] = {}
    for category in CATEGORIES:
        if category.code:
            codes[category.code] = category.name
        for spelling in (category.name, *SERVICE_CATEGORIES[category.name]):
            words.setdefault(_simple(spelling), category.name)
            words.setdefault(category_key(spelling), category.name)
    codes["A&E"] = "a&e"
    return codes, words


_CODES, _WORDS = _index()
# Codes and one-letter keys ("a", "d") would be every short word's nearest match.
_KEYS = sorted({k for k in _WORDS if len(k) >= 3})


def _lookup(text: str) -> str | None:
    stripped = text.strip()
    if stripped.upper() in _CODES:
        return _CODES[stripped.upper()]
    return _WORDS.get(_simple(stripped)) or _WORDS.get(category_key(stripped))


@functools.lru_cache(maxsize=1 << 12)  # pure; registers repeat a few spellings on every row
def canonical_category(text: str | None) -> str | None:
    """The canonical service category for ``text``; None if it is not one we know.

    Reads codes ("MH", "A+E"), the contract's names in any case, with or
    without "Services", "&" for "and", and "MH - Mental Health …" (code and name).
    """
    if not text:
        return None
    found = _lookup(text)
    if found is not None:
        return found
    for separator in (" - ", " – ", ": ", " / "):
        if separator in text:
            parts = [_lookup(part) for part in text.split(separator, 1)]
            if parts[0] is not None and (parts[1] is None or parts[1] == parts[0]):
                return parts[0]
            if parts[1] is not None and parts[0] is None:
                return parts[1]
    return None


def nearest_category(text: str) -> tuple[str, int]:
    """The known category most like ``text``, with how alike they are (0–100)."""
    key = category_key(text) or _simple(text)
    match = process.extractOne(key, _KEYS, scorer=fuzz.WRatio)
    if match is None:  # pragma: no cover - the vocabulary is never empty
        return "other", 0
    return _WORDS[match[0]], round(match[1])


def known_category(stored: str | None) -> str | None:
    """A stored category as a canonical name: stored values the vocabulary did not know
    at import may be known now."""
    if not stored:
        return None
    return stored if stored in BY_NAME else canonical_category(stored)


def ancestors(name: str) -> list[str]:
    """The category and the broader categories that contain it, narrowest first."""
    chain = [name]
    category = BY_NAME.get(name)
    while category is not None and category.within and category.within not in chain:
        chain.append(category.within)
        category = BY_NAME.get(category.within)
    return chain


def family(name: str) -> str:
    """The broadest category containing ``name`` (itself if none does)."""
    return ancestors(name)[-1]


Relation = Literal["same", "close", "different", "missing"]


def category_relation(a: str | None, b: str | None) -> Relation:
    """How two categories (as stored) compare by meaning.

    The same category → same; one containing the other ("mental health" inside
    "Mental Health and Learning Disability Services") → close; two categories
    the vocabulary does not know whose words one contains the other's → close.
    """
    if not a or not b:
        return "missing"
    known_a, known_b = known_category(a), known_category(b)
    if known_a and known_b:
        if known_a == known_b:
            return "same"
        if known_a in ancestors(known_b) or known_b in ancestors(known_a):
            return "close"
        return "different"
    key_a, key_b = category_key(a), category_key(b)
    if key_a == key_b:
        return "same"
    words_a, words_b = set(key_a.split()), set(key_b.split())
    if words_a and words_b and (words_a <= words_b or words_b <= words_a):
        return "close"
    return "different"


def refine_category(name: str | None, title: str | None) -> str | None:
    """A broad category narrowed by its title where exactly one narrower one fits:
    "Mental Health and Learning Disability Services" for "Community LD Team" is
    learning disabilities."""
    known, children = _narrower(name)
    if known is None:
        return name
    if not children or not title:
        return known
    padded = f" {simplify(_YEARS.sub(' ', title))} "
    fits = [c.name for c in children if any(f" {cue}" in padded for cue in c.title_cues)]
    return fits[0] if len(fits) == 1 else known


@functools.lru_cache(maxsize=1 << 10)
def _narrower(name: str | None) -> tuple[str | None, tuple[Category, ...]]:
    """The canonical category and its narrower ones that titles can pick (cached by name
    alone: titles are mostly unique, so a cache keyed by title grows with the register)."""
    known = known_category(name)
    if known is None:
        return None, ()
    return known, tuple(c for c in CATEGORIES if c.within == known and c.title_cues)


_FORM_INDEX: dict[str, str] = {}
for _canonical, _spellings in CONTRACT_FORMS.items():
    for _spelling in (_canonical, *_spellings):
        _FORM_INDEX.setdefault(simplify(_spelling), _canonical)


def canonical_form(text: str | None) -> str | None:
    """The canonical contract form for ``text``; None if it is not one we know."""
    return _FORM_INDEX.get(simplify(text)) if text else None
