"""Name normalisation: the spellings real registers use meet in one key."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.organisations.names import normalise_name, settled_name

REAL = Path(__file__).parents[3] / ".." / "shared" / "data" / "real"

SAME = [
    (
        "Basildon and Thurrock University Hospitals NHS Foundation Trust",
        "BASILDON & THURROCK UNIVERSITY HOSPITALS NHS FT",
    ),
    ("Basildon and Thurrock University Hospitals NHS Foundation Trust", "Basildon & Thurrock UHFT"),
    (
        "Basildon and Thurrock University Hospitals NHS Foundation Trust",
        "Basildon and Thurrock Univ. Hospitals NHSFT",
    ),
    ("NHS Mid Essex CCG", "Mid Essex Clinical Commissioning Group"),
    ("The Princess Alexandra Hospital NHS Trust", "Princess Alexandra Hospital NHS Trust"),
    ("Southend-on-Sea Borough Council", "southend on sea  borough council"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_spellings_meet(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_different_bodies_stay_apart() -> None:
    assert normalise_name("Mid Essex CCG") != normalise_name("Mid Essex Hospital Services")
    assert normalise_name("NHS England") != normalise_name("NHS")


@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once


# Words the rules act on, mixed with ordinary ones and lone letters, so the quick path
# (a name no rule touches) meets every rule's edge.
_WORDS = st.sampled_from(
    ["the", "nhs", "ltd", "limited", "council", "borough", "of", "london", "royal", "city",
     "trust", "foundation", "health", "care", "cic", "co", "a", "b", "x", "st", "mind",
     "basildon", "essex", "2", "rdd", "C.I.C.", "&", "Guy's", "U.K.", "dc", "mbc", "uhft"]
)  # fmt: skip


@given(st.lists(_WORDS, max_size=7).map(" ".join) | st.text())
def test_quick_path_agrees_with_the_rules(text: str) -> None:
    assert normalise_name(text) == settled_name(text)


def test_quick_path_agrees_on_real_names() -> None:
    """Every hospital name of the NHS Choices list (real spellings) keys the same both ways."""
    path = REAL / "organisations" / "nhschoices_hospitals_jan2020_tilde.csv"
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        names = sorted({row["OrganisationName"] for row in csv.DictReader(handle, delimiter="~")})
    assert len(names) > 1000
    assert [normalise_name(n) for n in names] == [settled_name(n) for n in names]
