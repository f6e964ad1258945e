"""Normalised organisation names, so that real spellings meet in one key.

Registers write "Basildon & Thurrock UHFT", "BASILDON AND THURROCK UNIVERSITY
HOSPITALS NHS FOUNDATION TRUST" and "Basildon and Thurrock Univ. Hospitals NHS
FT"; a charity with and without "Ltd" or "CIO"; "Guy's" and "Guys"; a council
as "Basildon Borough Council" or "Basildon Council". :func:`normalise_name`
maps each family to one string, and keeps apart what differs in substance
("Mind in West Essex", "Mind in Mid Herts"). Pure functions with no
database, so migrations and importers can use them alike.
"""

from __future__ import annotations

import functools
import re

_NON_WORD = re.compile(r"[^0-9a-z]+")
_APOSTROPHES = re.compile(r"['’‘`´]")
_INITIALS = re.compile(r"\b[a-z](?: [a-z]\b)+")

# Whole tokens that stand for another word.
_TOKEN_SYNONYMS = {
    "univ": "university",
    "uni": "university",
    "hosp": "hospital",
    "hosps": "hospitals",
    "ltd": "limited",
    "cic": "community interest company",
    "cio": "charitable incorporated organisation",
    "co": "company",
    "svcs": "services",
    "svc": "service",
    "saint": "st",
}

# Phrases, longest first, each replaced by its short canonical form.
_PHRASES = (
    ("clinical commissioning group", "ccg"),
    ("integrated care board", "icb"),
    ("nhs foundation trust", "ft"),
    ("foundation trust", "ft"),
    ("nhs ft", "ft"),
    ("nhsft", "ft"),
    ("uhft", "university hospitals ft"),
    ("uh ft", "university hospitals ft"),
    ("nhs trust", "trust"),
    ("health care", "healthcare"),
)

# Legal forms at the end of a name: "Provide CIC", "Provide Community Interest
# Company" and "Provide" are one body. Longest first.
_LEGAL_FORMS = (
    ("community", "interest", "company"),
    ("charitable", "incorporated", "organisation"),
    ("limited",),
    ("plc",),
    ("llp",),
    ("incorporated",),
    ("inc",),
)

# Councils: "Basildon Borough Council", "Basildon District Council" and
# "Basildon Council" are one body; "county" stays ("North Yorkshire County
# Council" was succeeded by "North Yorkshire Council").
_COUNCIL_STYLE = {"borough", "district", "city", "metropolitan"}
_COUNCIL_ABBREVIATIONS = {"mbc": "council", "bc": "council", "dc": "council"}
_COUNCIL_PREFIXES = (
    ("london", "borough", "of"),
    ("royal", "borough", "of"),
    ("borough", "of"),
    ("council", "of", "the"),
    ("council", "of"),
)


@functools.lru_cache(maxsize=1 << 16)
def simplify(text: str) -> str:
    """Lower case, "&" as "and", no apostrophes, other punctuation and spaces as one space."""
    lowered = _APOSTROPHES.sub("", text.lower()).replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", lowered).split())


# Every word a rule below acts on (the council prefixes by their first word). A name with
# none of them and no lone letter (initials) is its simplified self: most codes and many
# names, which then skip the rules (an index of England's organisations normalises
# thousands of names each time a command starts).
_RULE_WORDS = frozenset(
    {
        *_TOKEN_SYNONYMS,
        *(word for phrase, _ in _PHRASES for word in phrase.split()),
        *(word for form in _LEGAL_FORMS for word in form),
        *_COUNCIL_ABBREVIATIONS,
        *(prefix[0] for prefix in _COUNCIL_PREFIXES),
        "council",
        "the",
        "nhs",
    }
)


@functools.lru_cache(maxsize=1 << 16)  # pure, and registers repeat names on many rows
def normalise_name(text: str) -> str:
    """The lookup key of an organisation name or code (case and punctuation blind)."""
    simple = simplify(text)
    words = simple.split()
    if _RULE_WORDS.isdisjoint(words) and not any(len(w) == 1 and w.isalpha() for w in words):
        return simple
    return settled_name(text)


def settled_name(text: str) -> str:
    """:func:`normalise_name` by the rules alone, applied until they change nothing."""
    key = _normalise_once(text)
    while True:  # the rules feed each other ("The X Ltd" → "The X" → "X"); stop when settled
        again = _normalise_once(key)
        if again == key:
            return key
        key = again


# The phrases and legal forms as the loops below test them, worked out once: the
# index of England's organisations normalises thousands of names when a command starts.
_PADDED_PHRASES = tuple((f" {phrase} ", f" {short} ") for phrase, short in _PHRASES)
_LEGAL_FORM_ENDS = frozenset(form[-1] for form in _LEGAL_FORMS)
_COUNCIL_PREFIX_STARTS = frozenset(prefix[0] for prefix in _COUNCIL_PREFIXES)


def _normalise_once(text: str) -> str:
    # Initials written with stops ("C.I.C.", "U.K.") become one word again.
    joined = _INITIALS.sub(lambda m: m.group(0).replace(" ", ""), simplify(text))
    tokens = [_TOKEN_SYNONYMS.get(t, t) for t in joined.split()]
    padded = f" {' '.join(tokens)} "
    for phrase, short in _PADDED_PHRASES:
        padded = padded.replace(phrase, short)
    words = padded.split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    words = _council(_without_legal_form(words))
    # "NHS Mid Essex CCG" and "Mid Essex CCG" are one body; keep "nhs" only
    # where it is all there is ("NHS" alone) or the name is "NHS England".
    without_nhs = [w for w in words if w != "nhs"]
    if len(without_nhs) > 1:
        words = without_nhs
    return " ".join(words)


def _without_legal_form(words: list[str]) -> list[str]:
    if not words or words[-1] not in _LEGAL_FORM_ENDS:  # no form ends the name
        return words
    changed = True
    while changed:
        changed = False
        for form in _LEGAL_FORMS:
            size = len(form)
            if len(words) > size and tuple(words[-size:]) == form:
                words = words[:-size]
                changed = True
    return words


def _council(words: list[str]) -> list[str]:
    if not words or (
        words[-1] != "council"
        and words[-1] not in _COUNCIL_ABBREVIATIONS
        and words[0] not in _COUNCIL_PREFIX_STARTS
    ):  # no council's name: none of the rules below applies
        return words
    if len(words) > 1 and words[-1] in _COUNCIL_ABBREVIATIONS:
        words = [*words[:-1], "council"]
    for prefix in _COUNCIL_PREFIXES:
        size = len(prefix)
        if len(words) > size and tuple(words[:size]) == prefix:
            rest = words[size:]
            words = rest if rest[-1] == "council" else [*rest, "council"]
            break
    if len(words) < 2 or words[-1] != "council":
        return words
    if words[:2] == ["city", "of"] and len(words) > 3:
        words = words[2:]
    if words[-3:-1] == ["london", "borough"] and len(words) > 3:  # "Barnet London Borough Council"
        words = [*words[:-3], "council"]
    kept = [w for w in words[:-1] if w not in _COUNCIL_STYLE]
    return [*kept, "council"] if kept else words
