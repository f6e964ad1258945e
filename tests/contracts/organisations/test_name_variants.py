"""Legal forms, punctuation, possessives and council styles: variants of one name meet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.organisations.names import normalise_name

VARIANTS = [
    ("Provide Community Interest Company", "Provide CIC", "Provide C.I.C.", "PROVIDE"),
    ("Age Concern Essex Limited", "Age Concern Essex Ltd", "Age Concern Essex Ltd."),
    ("Mid Essex Carers CIO", "Mid Essex Carers Charitable Incorporated Organisation"),
    ("Smith Partners LLP", "Smith Partners"),
    ("Care UK PLC", "Care UK plc", "Care UK"),
    ("The Retreat Hospital", "Retreat Hospital"),
    (
        "Guy's and St Thomas' NHS Foundation Trust",
        "GUYS AND ST. THOMAS NHS FT",
        "Guy’s & St Thomas’ NHS FT",
    ),
    ("ALL HALLOWS HEALTH CARE TRUST", "All Hallows Healthcare Trust"),
    ("St Luke's Hospice", "Saint Lukes Hospice", "St. Luke's Hospice"),
    ("Basildon Borough Council", "Basildon Council", "BASILDON DISTRICT COUNCIL", "Basildon BC"),
    ("London Borough of Barnet", "Barnet London Borough Council", "Barnet Council"),
    ("City of York Council", "York City Council", "York Council"),
    ("Council of the Isles of Scilly", "Isles of Scilly Council"),
    ("NHS Mid and South Essex Integrated Care Board", "NHS MID AND SOUTH ESSEX ICB"),
    ("NHS MID AND SOUTH ESSEX ICB - 99E", "NHS Mid and South Essex ICB 99E"),
    ("Queen's Hospital, Romford", "QUEENS HOSPITAL ROMFORD"),
]

APART = [
    ("Mind in West Essex", "Mind in Mid Herts"),
    ("Essex County Council", "West Sussex County Council"),
    ("North Yorkshire County Council", "North Yorkshire Council"),
    ("NHS Mid and South Essex ICB - 99E", "NHS Mid and South Essex ICB - 06Q"),
    ("Provide Community Interest Company", "Provide Care Limited"),
    ("City of London Corporation", "London Council"),
]


@pytest.mark.parametrize("spellings", VARIANTS, ids=lambda s: s[0])
def test_variants_meet(spellings: tuple[str, ...]) -> None:
    assert len({normalise_name(s) for s in spellings}) == 1


@pytest.mark.parametrize(("a", "b"), APART)
def test_distinct_bodies_stay_apart(a: str, b: str) -> None:
    assert normalise_name(a) != normalise_name(b)


def test_a_legal_form_alone_is_not_emptied() -> None:
    assert normalise_name("Limited") == "limited"
    assert normalise_name("The") == "the"
    assert normalise_name("Council") == "council"


_WORDS = st.sampled_from(
    ["the", "ltd", "limited", "cic", "c", "i", "borough", "council", "of", "london", "city",
     "nhs", "trust", "health", "care", "&", "st.", "guy's", "co", "plc", "royal", "x", "-"]
)  # fmt: skip


@given(st.lists(_WORDS, max_size=8).map(" ".join))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once
