"""Weights re-estimated from people's decisions, the shipped weights as priors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.duplicates.compare import FieldEvidence, PairComparison
from contracts.duplicates.weight_training import PRIOR_PAIRS, estimate, prior_m_u
from contracts.duplicates.weights import load_weights

WEIGHTS = load_weights()


def pair(**levels: str) -> PairComparison:
    """A comparison on the given levels (every other field missing)."""
    fields = tuple(
        FieldEvidence(field, levels.get(field, "missing"), 0.0, "") for field in WEIGHTS.levels
    )
    return PairComparison(1, 2, fields, 0.5, 0.0)


def weight(found: list, field: str, level: str) -> float:
    return next(e.weight for e in found if (e.field, e.level) == (field, level))


@pytest.mark.parametrize("field", sorted(WEIGHTS.levels))
def test_the_shipped_weights_read_as_m_and_u_give_themselves_back(field: str) -> None:
    priors = prior_m_u(WEIGHTS.levels[field])
    assert priors is not None, f"{field}: the shipped weights cannot be read as m and u"
    m, u = priors
    assert math.isclose(sum(m.values()), 1.0) and math.isclose(sum(u.values()), 1.0)
    for level, value in WEIGHTS.levels[field].items():
        if level != "missing":
            assert math.isclose(math.log2(m[level] / u[level]), value, abs_tol=1e-6)


def test_without_decisions_every_weight_is_the_default() -> None:
    for found in estimate(WEIGHTS.levels, []):
        assert found.weight == pytest.approx(found.prior_weight, abs=0.01)


def test_decisions_move_the_weights_towards_what_people_decided() -> None:
    # In this store associates' registers name only themselves: copies have disjoint
    # commissioners as often as not, and different contracts share them.
    decided = [(pair(commissioners="disjoint"), True)] * 100
    decided += [(pair(commissioners="same_party_set"), True)] * 100
    decided += [(pair(commissioners="disjoint"), False)] * 100
    decided += [(pair(commissioners="same_party_set"), False)] * 100
    found = estimate(WEIGHTS.levels, decided)
    assert weight(found, "commissioners", "disjoint") > -2.0  # was −4
    assert weight(found, "commissioners", "same_party_set") < 2.0  # was +3
    # Fields nobody decided on keep their defaults.
    assert weight(found, "title", "near_identical") == pytest.approx(4.0, abs=0.01)
    counts = next(e for e in found if (e.field, e.level) == ("commissioners", "disjoint"))
    assert (counts.matches, counts.non_matches) == (100, 100)


def test_a_few_decisions_move_a_weight_only_a_little() -> None:
    found = estimate(WEIGHTS.levels, [(pair(provider="different"), True)] * 2)
    moved = weight(found, "provider", "different") - WEIGHTS.levels["provider"]["different"]
    assert 0 < moved < 2.0


def test_a_field_whose_weights_are_all_of_one_sign_keeps_them() -> None:
    levels = {"title": {"near_identical": 4.0, "similar": 1.0}}
    assert prior_m_u(levels["title"]) is None
    found = estimate(levels, [(pair(title="similar"), False)] * 50)
    assert weight(found, "title", "similar") == 1.0


@given(st.integers(0, 60), st.integers(0, 60), st.sampled_from(sorted(WEIGHTS.levels["title"])))
def test_more_copies_on_a_level_never_lower_its_weight(
    copies: int, others: int, level: str
) -> None:
    base = [(pair(title="different"), False)] * others
    fewer = estimate(WEIGHTS.levels, [*base, *[(pair(title=level), True)] * copies])
    more = estimate(WEIGHTS.levels, [*base, *[(pair(title=level), True)] * (copies + 1)])
    assert weight(more, "title", level) >= weight(fewer, "title", level) - 0.01
    assert PRIOR_PAIRS > 0
