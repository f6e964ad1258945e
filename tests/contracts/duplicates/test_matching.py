"""Field-by-field evidence, definite rules, scores and the weights file."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.duplicates.compare import (
    MatchRecord,
    compare,
    logistic2,
    normalise_reference,
    normalise_title,
    rounding_unit,
)
from contracts.duplicates.pair_scores import RecordColumns, could_link, log_odds
from contracts.duplicates.weights import FIELD_LEVELS, load_weights
from contracts.errors import WeightsFileError
from tests.contracts.duplicates.duplicate_factory import record

WEIGHTS = load_weights()
D = dt.date


def level(a_kwargs: dict, b_kwargs: dict, field: str) -> str:
    comparison = compare(record(1, **a_kwargs), record(2, **b_kwargs), WEIGHTS)
    return next(f.level for f in comparison.fields if f.field == field)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("ME/001", "ME/001", "exact"),
        ("ME/001", "me-1", "normalised_equal"),
        ("MSE/2016/007", "mse 2016 7", "normalised_equal"),
        ("ME/001", "BB/002", "different"),
        ("ME/001", None, "missing"),
    ],
)
def test_reference_levels(a: str | None, b: str | None, expected: str) -> None:
    same_register = level(
        {"source": "x", "reference": a}, {"source": "x", "reference": b}, "reference"
    )
    assert same_register == (
        "different_same_register" if expected == "different" else same_register
    )
    assert level({"source": "x", "reference": a}, {"source": "y", "reference": b}, "reference") == (
        expected
    )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"provider": 1}, {"provider": 1}, "same_organisation"),
        ({"provider": 1, "successors": (2,)}, {"provider": 2}, "same_successor_group"),
        ({"provider": 1, "successors": (7, 2)}, {"provider": 2}, "same_successor_group"),
        ({"provider": 1}, {"provider": None}, "missing"),
    ],
)
def test_provider_levels(a: dict, b: dict, expected: str) -> None:
    assert level(a, b, "provider") == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((100, 101), (101, 100), "same_party_set"),
        ((100, 101, 102), (101,), "overlapping"),
        ((100,), (101,), "disjoint"),
        ((100,), (), "missing"),
    ],
)
def test_commissioner_levels(a: tuple, b: tuple, expected: str) -> None:
    assert level({"commissioners": a}, {"commissioners": b}, "commissioners") == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("community", "Community", "same"),
        ("community", "acute", "different"),
        ("community", None, "missing"),
    ],
)
def test_category_levels(a: str | None, b: str | None, expected: str) -> None:
    assert level({"category": a}, {"category": b}, "service_category") == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Community Services", "Comm svcs", "near_identical"),
        ("Adult MH services", "Adult Mental Health Services", "near_identical"),
        ("A&E services", "Accident and Emergency services", "near_identical"),
        ("Services, community (adults)", "Adult community services", "near_identical"),
        ("Community Services Mid Essex", "Community Services - Mid", "very_similar"),
        ("Community Services", "Diabetic eye screening", "different"),
    ],
)
def test_title_levels(a: str, b: str, expected: str) -> None:
    assert level({"title": a}, {"title": b}, "title") == expected


def test_titles_are_normalised_with_abbreviations_expanded() -> None:
    assert normalise_title("Comm. MH Svcs & A&E") == (
        "community mental health services accident emergency"
    )
    assert normalise_reference(" mse/0042 ") == "MSE-42"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((D(2016, 4, 1), D(2019, 3, 31)), (D(2016, 4, 1), D(2019, 3, 31)), "identical"),
        ((D(2016, 4, 1), D(2019, 3, 31)), (D(2016, 4, 1), D(2018, 3, 31)), "same_start_or_end"),
        ((D(2016, 4, 1), D(2019, 3, 31)), (D(2017, 4, 1), D(2019, 3, 31)), "same_start_or_end"),
        ((D(2016, 4, 1), D(2019, 3, 31)), (D(2017, 1, 1), D(2020, 3, 31)), "overlapping"),
        ((D(2016, 4, 1), D(2019, 3, 31)), (D(2019, 4, 1), D(2022, 3, 31)), "adjacent"),
        ((D(2019, 4, 1), D(2022, 3, 31)), (D(2016, 4, 1), D(2019, 3, 31)), "adjacent"),
        ((D(2014, 4, 1), D(2015, 3, 31)), (D(2019, 4, 1), D(2022, 3, 31)), "disjoint"),
        ((D(2016, 4, 1), None), (D(2017, 4, 1), D(2019, 3, 31)), "missing"),
    ],
)
def test_period_levels(a: tuple, b: tuple, expected: str) -> None:
    got = level({"start": a[0], "end": a[1]}, {"start": b[0], "end": b[1]}, "period")
    assert got == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1234567.00", "1234567.00", "equal"),
        ("1234567.00", "1200000.00", "within_rounding"),
        ("1234567.89", "1234568.00", "within_rounding"),
        ("812345.00", "812000.00", "within_rounding"),
        ("1000000.50", "1030000.25", "within_5_percent"),
        ("1000000.00", "1500000.00", "different"),
        ("300000.00", None, "missing"),
    ],
)
def test_value_levels(a: str, b: str | None, expected: str) -> None:
    assert level({"annual": a}, {"annual": b}, "annual_value") == expected
    assert level({"total": a}, {"total": b}, "total_value") == expected


def test_rounding_unit_is_exact_and_small_beside_the_amount() -> None:
    assert rounding_unit(Decimal("1234567.00"), Decimal("1200000.00")) == Decimal(100000)
    assert rounding_unit(Decimal("812345.00"), Decimal("812000.00")) == Decimal(1000)
    # £1m rounding of £300k is noise, not a rounding.
    assert rounding_unit(Decimal("300000.00"), Decimal("0.00")) is None


def test_reasons_read_as_words() -> None:
    a = record(1, source="mid", reference="ME/1", title="Comm svcs", annual="1234567.00")
    b = record(2, source="bb", reference="BB/9", title="Community Services", annual="1200000.00")
    comparison = compare(a, b, WEIGHTS)
    assert comparison.reasons == [
        "same provider",
        "same commissioners",
        "same service category",
        "title 100% similar",
        "same period",
        "annual value equal to the nearest £100,000",
    ]
    assert comparison.score > WEIGHTS.threshold


def test_same_register_and_reference_is_an_update_never_a_duplicate() -> None:
    a = record(1, source="mid", reference="ME/1")
    b = record(2, source="mid", reference="ME/1")
    comparison = compare(a, b, WEIGHTS)
    assert comparison.definite is not None and "same row" in comparison.definite
    assert comparison.score == 0.0


def test_a_different_provider_is_strong_evidence_against_but_never_a_veto() -> None:
    same = compare(record(1, provider=1), record(2, provider=1), WEIGHTS)
    different = compare(record(1, provider=1), record(2, provider=2), WEIGHTS)
    assert different.definite is None
    assert level({"provider": 1}, {"provider": 2}, "provider") == "different"
    weights = WEIGHTS.levels["provider"]
    assert weights["different"] <= -4
    assert same.log_odds - different.log_odds == (
        weights["same_organisation"] - weights["different"]
    )
    # Two trusts that later merged into a third were different providers at the time.
    siblings = {"provider": 1, "successors": (9,)}
    assert level(siblings, {"provider": 2, "successors": (9,)}, "provider") == "different"
    renamed = compare(record(1, provider=1, successors=(2,)), record(2, provider=2), WEIGHTS)
    assert renamed.definite is None and renamed.score > WEIGHTS.threshold
    # Every other field agreeing outweighs a provider the registers named apart.
    copies = {"reference": "X/1", "total": "2000000.00"}
    lead = record(1, provider=1, source="bb", **copies)
    associate = record(2, provider=2, source="cpr", **copies)
    assert compare(lead, associate, WEIGHTS).score > WEIGHTS.threshold


def test_providers_whose_names_differ_only_in_legal_form_are_alike() -> None:
    hospice = {"provider": 1, "provider_name": "St Osyth's Hospice"}
    limited = {"provider": 2, "provider_name": "ST OSYTH'S HOSPICE LTD."}
    assert level(hospice, limited, "provider") == "names_alike"
    cic = {"provider": 3, "provider_name": "Rayleigh Wellbeing C.I.C."}
    company = {"provider": 4, "provider_name": "Rayleigh Wellbeing Community Interest Company"}
    assert level(cic, company, "provider") == "names_alike"
    other = {"provider": 5, "provider_name": "Rayleigh Carers Network"}
    assert level(cic, other, "provider") == "different"
    # Two bodies with codes of their own are two organisations, however alike their names.
    assert level({**hospice, "coded": True}, {**limited, "coded": True}, "provider") == (
        "different_bodies"
    )


def test_titles_are_compared_without_provider_names_years_and_codes() -> None:
    terms = ("basildon and thurrock university hospitals nhs ft", "btuh", "rdd")
    plain = record(1, title="Chemotherapy Service", terms=terms)
    assert normalise_title("BTUH: Chemotherapy Service 2018-19", terms) == plain.title_key
    assert normalise_title("RDD - Chemotherapy Service (associate) 2017/18", terms) == (
        plain.title_key
    )
    assert normalise_title("NEP: Crisis Line 17/18-18/19") == normalise_title("Crisis Line")
    # A title that is nothing but the provider's name keeps it.
    assert normalise_title("BTUH", terms) == "btuh"


def test_categories_are_compared_by_meaning() -> None:
    assert level({"category": "MH"}, {"category": "mental health"}, "service_category") == ("close")
    mh = {"category": "MH", "title": "Community LD Team"}
    assert level(mh, {"category": "learning disabilities"}, "service_category") == "same"
    assert level(mh, {"category": "mental health"}, "service_category") == "different"


def test_a_year_of_the_term_is_contained_not_overlapping() -> None:
    term = {"start": D(2017, 4, 1), "end": D(2020, 3, 31)}
    year = {"start": D(2018, 4, 1), "end": D(2019, 3, 31)}
    assert level(term, year, "period") == "contained"
    later = {"start": D(2018, 4, 1), "end": D(2021, 3, 31)}
    assert level(term, later, "period") == "overlapping"


def test_successive_contracts_and_other_commissioners_are_not_duplicates() -> None:
    first = record(1, reference="A")
    following = record(2, reference="B", start=D(2019, 4, 1), end=D(2022, 3, 31))
    other_ccg = record(3, reference="C", commissioners=(200,), annual="2000000.00")
    assert compare(first, following, WEIGHTS).score < WEIGHTS.threshold
    assert compare(first, other_ccg, WEIGHTS).score < WEIGHTS.threshold


# --- invariants ---------------------------------------------------------------

dates = st.dates(min_value=D(2010, 1, 1), max_value=D(2030, 12, 31))
money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False).map(str)
records = st.builds(
    lambda id, source, ref, title, provider, successors, comms, cat, start, length, annual, total: (
        record(
            id,
            source=source,
            reference=ref,
            title=title,
            provider=provider,
            successors=successors,
            commissioners=comms,
            category=cat,
            start=start,
            end=None if length is None else start + dt.timedelta(days=length),
            annual=annual,
            total=total,
        )
    ),
    st.integers(1, 10**6),
    st.sampled_from(["mid", "bb", "sth"]),
    st.one_of(st.none(), st.sampled_from(["ME/1", "me-001", "BB/2"])),
    st.sampled_from(["Community Services", "Comm svcs", "MH services", "A&E", "Hospice care"]),
    st.sampled_from([1, 2, None]),
    st.sampled_from([(), (2,), (9,), (1, 9)]),
    st.lists(st.integers(100, 104), max_size=3, unique=True),
    st.sampled_from(["community", "acute", None]),
    dates,
    st.one_of(st.none(), st.integers(0, 2000)),
    st.one_of(st.none(), money),
    st.one_of(st.none(), money),
)


@settings(max_examples=200, deadline=None)
@given(records, records)
def test_score_is_symmetric_and_between_0_and_1(a, b) -> None:  # type: ignore[no-untyped-def]
    forward, backward = compare(a, b, WEIGHTS), compare(b, a, WEIGHTS)
    assert forward.score == backward.score
    assert [(f.level, f.weight) for f in forward.fields] == [
        (f.level, f.weight) for f in backward.fields
    ]
    assert 0.0 <= forward.score <= 1.0


@settings(max_examples=50, deadline=None)
@given(records)
def test_a_contract_is_never_its_own_duplicate(a) -> None:  # type: ignore[no-untyped-def]
    comparison = compare(a, a, WEIGHTS)
    assert comparison.definite is not None and comparison.score == 0.0


# Records that land on every level: rounding-prone and negative money, provider names that
# differ only in legal form, coded bodies, categories one inside the other, references alike.
amounts = st.one_of(
    st.none(),
    money,
    st.sampled_from(
        [
            "1234567.00",
            "1230000.00",
            "1234000.00",
            "1235000.00",
            "1200000.00",
            "-1000.00",
            "-1500.00",
            "999999.99",
            "1000000.00",
            "50000.00",
            "52000.00",
            "0.00",
        ]
    ),
)
# One successor map for every record, as the store has: 2 became 1, which became 9.
SUCCESSORS = {1: (9,), 2: (1, 9), 3: ()}


def _rich(  # type: ignore[no-untyped-def]
    id, source, ref, title, provider, name, coded, comms, cat, start, length, annual, total
) -> MatchRecord:
    return record(
        id,
        source=source,
        reference=ref,
        title=title,
        provider=provider,
        provider_name=name,
        coded=coded,
        successors=SUCCESSORS.get(provider, ()),
        commissioners=comms,
        category=cat,
        start=start,
        end=None if length is None else start + dt.timedelta(days=length),
        annual=annual,
        total=total,
        terms=("btuh", "rdd"),
    )


rich_records = st.builds(
    _rich,
    st.integers(1, 60),
    st.sampled_from(["mid", "bb"]),
    st.one_of(st.none(), st.sampled_from(["ME/1", "me-001", " ME/1 ", "BB/2", ""])),
    st.sampled_from(["Community Services", "BTUH: Comm svcs 2018-19", "MH services", "A&E"]),
    st.sampled_from([1, 2, 3, None]),
    st.sampled_from(["St Osyth's Hospice", "ST OSYTH'S HOSPICE LTD.", "Rayleigh Mind", "", None]),
    st.booleans(),
    st.lists(st.integers(100, 103), max_size=3, unique=True),
    st.sampled_from(
        ["community", "MH", "mental health", "learning disabilities", "Astrology", None]
    ),
    st.sampled_from([D(2016, 4, 1), D(2017, 4, 1), D(2016, 5, 1)]),
    st.one_of(st.none(), st.sampled_from([0, 30, 364, 365, 729, 1095])),
    amounts,
    amounts,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(rich_records, min_size=2, max_size=12, unique_by=lambda r: r.id))
def test_the_array_scores_are_exactly_the_comparisons(batch) -> None:  # type: ignore[no-untyped-def]
    columns = RecordColumns(batch)
    pairs = [(i, j) for i in range(len(batch)) for j in range(i + 1, len(batch))]
    a = np.array([i for i, _ in pairs], dtype=np.int64)
    b = np.array([j for _, j in pairs], dtype=np.int64)
    scores = log_odds(columns, a, b, WEIGHTS)
    for (i, j), found in zip(pairs, scores.tolist(), strict=True):
        comparison = compare(batch[i], batch[j], WEIGHTS)
        expected = -math.inf if comparison.definite else comparison.log_odds
        assert found == pytest.approx(expected), (batch[i], batch[j], comparison.fields)
    for threshold in (0.0, 0.3, 0.8, 0.95, 1.0):
        likely = could_link(columns, a, b, WEIGHTS, threshold)
        for (i, j), maybe in zip(pairs, likely.tolist(), strict=True):
            comparison = compare(batch[i], batch[j], WEIGHTS)
            if comparison.definite is None and comparison.score >= threshold:
                assert maybe, (batch[i], batch[j])


def test_logistic_is_bounded_for_extreme_log_odds() -> None:
    assert logistic2(5000.0) == 1.0
    assert logistic2(-5000.0) == 0.0
    assert logistic2(0.0) == 0.5


# --- the weights file ---------------------------------------------------------


def test_default_weights_cover_every_level() -> None:
    for field, levels in FIELD_LEVELS.items():
        assert set(WEIGHTS.levels[field]) == set(levels)
    assert 0 < WEIGHTS.threshold < WEIGHTS.strong <= 1


def test_a_weights_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text("threshold = 0.5\n[weights.title]\nsimilar = 2.5\n", encoding="utf-8")
    weights = load_weights(path)
    assert weights.threshold == 0.5
    assert weights.levels["title"]["similar"] == 2.5
    assert weights.levels["title"]["near_identical"] == WEIGHTS.levels["title"]["near_identical"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[weights.title]\nsimlar = 2.0\n", "weights.title.simlar"),
        ("[weights.period]\nadjacent = 'low'\n", "weights.period.adjacent"),
        ("threshold = 1.5\n", "threshold"),
        ("[blocking]\nwindow = 0\n", "blocking.window"),
        ("weights = 3\n", "weights"),
        ("prior = \n", "not valid TOML"),
    ],
)
def test_a_bad_weights_file_is_refused_naming_the_key(
    tmp_path: Path, text: str, named: str
) -> None:
    path = tmp_path / "w.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WeightsFileError, match=named.replace(".", r"\.")):
        load_weights(path)


def test_a_missing_weights_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(WeightsFileError, match="cannot read"):
        load_weights(tmp_path / "nowhere.toml")
