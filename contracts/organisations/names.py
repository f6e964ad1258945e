"""Normalised organisation names, so that real spellings meet in one key.

Registers write "Basildon & Thurrock UHFT", "BASILDON AND THURROCK UNIVERSITY
HOSPITALS NHS FOUNDATION TRUST" and "Basildon and Thurrock Univ. Hospitals NHS
FT"; :func:`normalise_name` maps all of them to one string. Pure functions
with no database, so migrations and importers can use them alike.
"""

from __future__ import annotations

import re

_NON_WORD = re.compile(r"[^0-9a-z]+")

# Whole tokens that stand for another word.
_TOKEN_SYNONYMS = {
    "univ": "university",
    "uni": "university",
    "hosp": "hospital",
    "hosps": "hospitals",
    "ltd": "limited",
    "cic": "community interest company",
    "svcs": "services",
    "svc": "service",
}

# Phrases, longest first, each replaced by its short canonical form.
_PHRASES = (
    ("clinical commissioning group", "ccg"),
    ("nhs foundation trust", "ft"),
    ("foundation trust", "ft"),
    ("nhs ft", "ft"),
    ("nhsft", "ft"),
    ("uhft", "university hospitals ft"),
    ("uh ft", "university hospitals ft"),
    ("nhs trust", "trust"),
)


def simplify(text: str) -> str:
    """Lower case, "&" as "and", punctuation and runs of spaces as one space."""
    lowered = text.lower().replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", lowered).split())


def normalise_name(text: str) -> str:
    """The lookup key of an organisation name or code (case and punctuation blind)."""
    tokens = [_TOKEN_SYNONYMS.get(t, t) for t in simplify(text).split()]
    padded = f" {' '.join(tokens)} "
    for phrase, short in _PHRASES:
        padded = padded.replace(f" {phrase} ", f" {short} ")
    words = padded.split()
    if words and words[0] == "the":
        words = words[1:]
    # "NHS Mid Essex CCG" and "Mid Essex CCG" are one body; keep "nhs" only
    # where it is all there is ("NHS" alone) or the name is "NHS England".
    without_nhs = [w for w in words if w != "nhs"]
    if len(without_nhs) > 1:
        words = without_nhs
    return " ".join(words)
