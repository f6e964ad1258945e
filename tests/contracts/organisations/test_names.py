"""Name normalisation: the spellings real registers use meet in one key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.organisations.names import normalise_name

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
