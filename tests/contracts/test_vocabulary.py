"""Service categories: the NHS Standard Contract's codes and names, councils' lines,
compared by meaning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.vocabulary import (
    CATEGORIES,
    SERVICE_CATEGORIES,
    canonical_category,
    category_relation,
    nearest_category,
    refine_category,
)

# The 2016/17 NHS Standard Contract's list, as the contract writes it.
NHS_2016_17 = {
    "A+E": "Accident and Emergency Services",
    "A": "Acute Services",
    "AM": "Ambulance Services",
    "CR": "Cancer Services",
    "CHC": "Continuing Healthcare Services",
    "CS": "Community Services",
    "D": "Diagnostic, Screening and/or Pathology Services",
    "ELC": "End of Life Care Services",
    "MH": "Mental Health and Learning Disability Services",
    "MHSS": "Mental Health and Learning Disability Secure Services",
    "111": "NHS 111 Services",
    "PT": "Patient Transport Services",
    "R": "Radiotherapy Services",
    "U": "Urgent Care/Walk-in Centre Services/Minor Injuries Unit",
}


@pytest.mark.parametrize(("code", "name"), sorted(NHS_2016_17.items()))
def test_every_nhs_category_is_read_by_code_and_by_name_in_any_spelling(
    code: str, name: str
) -> None:
    canonical = canonical_category(code)
    assert canonical is not None
    for written in (
        name,
        name.upper(),
        name.lower(),
        name.removesuffix(" Services"),
        name.replace(" and ", " & "),
        f"{code} - {name}",
        f"{code}: {name.upper()}",
    ):
        assert canonical_category(written) == canonical, written


def test_later_additions_and_council_lines() -> None:
    assert canonical_category("Integrated Urgent Care Services") == "integrated urgent care"
    assert canonical_category("IUC") == "integrated urgent care"
    assert canonical_category("Urgent Treatment Centre Services") == "urgent care"
    assert canonical_category("Adult Social Care") == "social care"
    assert canonical_category("Children's Services") == "children's services"
    assert canonical_category("CHILDRENS SERVICES") == "children's services"
    assert canonical_category("Housing Related Support") == "housing related support"
    assert canonical_category("Public Health") == "public health"
    assert canonical_category("Drugs & Alcohol") == "public health"
    assert canonical_category("Astrology") is None


def test_categories_are_compared_by_meaning() -> None:
    mh = "Mental Health and Learning Disability Services"
    assert category_relation("MENTAL HEALTH AND LEARNING DISABILITY", "mental health") == "close"
    assert category_relation(mh, "Mental Health & Learning Disability") == "same"
    assert category_relation("mental health", "learning disabilities") == "different"
    assert category_relation("nhs 111", "integrated urgent care") == "close"
    assert category_relation("acute", "a&e") == "different"
    assert category_relation("acute", None) == "missing"
    # Kept as written at import, known now, or two unknown words one inside the other.
    assert category_relation("MH", "mental health") == "close"
    assert category_relation("Stroke Rehabilitation", "stroke") == "close"
    assert category_relation("Stroke Rehabilitation", "Dentistry") == "different"


def test_a_broad_category_is_narrowed_by_its_title_where_one_fits() -> None:
    assert refine_category("MH", "Community LD Team 2018-19") == "learning disabilities"
    assert refine_category("MH", "EPUT: Psychological Therapies (IAPT)") == "mental health"
    both = "Mental Health and Learning Disability Services"
    assert refine_category("MH", both) == "mental health and learning disabilities"
    assert refine_category("acute", "Learning disability liaison") == "acute"


def test_an_unknown_category_has_a_nearest_known_one() -> None:
    assert nearest_category("Mental Hlth Services")[0] == "mental health"
    assert nearest_category("Adult Social Cre")[0] == "social care"
    name, alike = nearest_category("Astrology")
    assert name in SERVICE_CATEGORIES and 0 <= alike < 90


SPELLINGS = [(c.name, s) for c in CATEGORIES for s in (c.name, *SERVICE_CATEGORIES[c.name])]


@given(st.sampled_from(SPELLINGS), st.sampled_from(["", " ", "  "]), st.booleans())
def test_every_spelling_reads_back_to_its_category(
    pair: tuple[str, str], pad: str, upper: bool
) -> None:
    canonical, spelling = pair
    written = f"{pad}{spelling.upper() if upper else spelling}{pad}"
    assert canonical_category(written) == canonical


NAMES = [c.name for c in CATEGORIES]


@given(st.sampled_from([*NAMES, "MH", "Astrology", "stroke", None]), st.sampled_from(NAMES))
def test_relation_is_symmetric(a: str | None, b: str) -> None:
    assert category_relation(a, b) == category_relation(b, a)
