"""The planner: exact weighted set packing, and co-termination of members."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.errors import PlanConflict, PlanError
from contracts.proposals import packing
from contracts.proposals.packing import Objective, Option, accepted_conflicts, choose
from contracts.proposals.plan import Term, co_terminate, default_go_live, months_between
from contracts.store.models import ProposalStatus

CANDIDATE, ACCEPTED = ProposalStatus.CANDIDATE, ProposalStatus.ACCEPTED
REJECTED, DEFERRED = ProposalStatus.REJECTED, ProposalStatus.DEFERRED


def option(pid: str, contracts: set[int], pence: int = 0, status: str = CANDIDATE) -> Option:
    return Option(pid, frozenset(contracts), pence, status)


# --- small worked examples -------------------------------------------------------


def test_takes_the_two_small_proposals_over_the_big_one_they_overlap() -> None:
    # Five contracts into one (removes 4) against two proposals of three that it
    # overlaps (remove 2 + 2): equal on contracts, so the value decides.
    big = option("P-big", {1, 2, 3, 4, 5}, pence=100)
    left = option("P-left", {1, 2, 6}, pence=60)
    right = option("P-right", {3, 4, 7}, pence=60)
    packing = choose([big, left, right])
    assert packing.planned == ("P-left", "P-right")
    assert packing.contracts_removed == 4
    assert packing.annual_value == 120
    assert packing.left_out == (("P-big", "P-left"),)


def test_value_objective_puts_value_first() -> None:
    many = option("P-many", {1, 2, 3, 4}, pence=10)  # removes 3
    rich = option("P-rich", {4, 5}, pence=1_000)  # removes 1
    assert choose([many, rich]).planned == ("P-many",)
    assert choose([many, rich], Objective.VALUE).planned == ("P-rich",)


def test_a_penny_decides_between_equal_removals() -> None:
    one = option("P-a", {1, 2}, pence=50_000_000_000_00)
    other = option("P-b", {2, 3}, pence=50_000_000_000_01)
    assert choose([one, other]).planned == ("P-b",)


def test_a_penny_decides_even_beyond_what_one_folded_weight_holds() -> None:
    huge = 2**50  # ~£11 trillion each: the levels are solved one after the other
    one = option("P-a", {1, 2, 3}, pence=huge)
    other = option("P-b", {3, 4, 5}, pence=huge + 1)
    small = option("P-c", {5, 6}, pence=huge)
    assert choose([one, other, small]).planned == ("P-a", "P-c")
    assert choose([one, other, small], Objective.VALUE).planned == ("P-a", "P-c")
    assert choose([one, other]).planned == ("P-b",)


def test_values_too_large_to_compare_to_the_penny_are_refused() -> None:
    options = [option("P-a", {1, 2}, pence=2**52), option("P-b", {2, 3}, pence=2**52)]
    with pytest.raises(PlanError, match="more than the plan can compare to the penny"):
        choose(options)


def test_ties_go_to_the_earliest_ids() -> None:
    options = [option(f"P-{n}", {n, n + 1}, pence=7) for n in range(6)]  # a path of conflicts
    assert choose(reversed(options)).planned == ("P-0", "P-2", "P-4")


def test_accepted_always_in_and_what_it_blocks_is_left_out() -> None:
    accepted = option("P-z", {1, 2}, status=ACCEPTED)
    better = option("P-a", {1, 3, 4, 5}, pence=10**9)
    packing = choose([accepted, better])
    assert packing.planned == ("P-z",)
    assert packing.left_out == (("P-a", "P-z"),)


def test_rejected_and_deferred_are_never_in_nor_listed() -> None:
    packing = choose(
        [option("P-r", {1, 2, 3}, status=REJECTED), option("P-d", {4, 5}, status=DEFERRED)]
    )
    assert packing.planned == ()
    assert packing.left_out == ()


def test_two_accepted_proposals_sharing_a_contract_are_refused() -> None:
    with pytest.raises(PlanConflict, match=r"P-a and P-b share contract 2"):
        choose([option("P-a", {1, 2}, status=ACCEPTED), option("P-b", {2, 3}, status=ACCEPTED)])


def test_accepted_conflicts_lists_every_pair_once() -> None:
    options = [
        option("P-c", {1, 2}, status=ACCEPTED),
        option("P-a", {2, 3, 4}, status=ACCEPTED),
        option("P-b", {4, 1}, status=ACCEPTED),
        option("P-d", {1, 5}),  # a candidate: not a conflict between acceptances
        option("P-e", {9}, status=ACCEPTED),
    ]
    assert accepted_conflicts(options) == [
        ("P-a", "P-b", frozenset({4})),
        ("P-a", "P-c", frozenset({2})),
        ("P-b", "P-c", frozenset({1})),
    ]


def test_empty() -> None:
    assert choose([]) == choose([], Objective.VALUE)
    assert choose([]).planned == ()


# --- invariants against brute force ----------------------------------------------

STATUSES = [CANDIDATE, CANDIDATE, CANDIDATE, ACCEPTED, REJECTED, DEFERRED]


@st.composite
def instances(draw: st.DrawFn, max_options: int = 9) -> list[Option]:
    """Small random proposals over few contracts, so they overlap and tie often."""
    count = draw(st.integers(0, max_options))
    options: list[Option] = []
    taken: set[int] = set()  # contracts of accepted proposals: those never overlap
    for n in range(count):
        contracts = draw(st.sets(st.integers(0, 11), min_size=1, max_size=5))
        # 2**49 pence pushes the solver onto its two-stage path (no folded weight).
        pence = draw(st.sampled_from([-5, 0, 1, 100, 100, 250, 10**12, 2**49]))
        status = draw(st.sampled_from(STATUSES))
        if status == ACCEPTED:
            if contracts & taken:
                status = CANDIDATE
            else:
                taken |= contracts
        options.append(option(f"P-{n:02d}", contracts, pence, status))
    return options


def brute_force(options: list[Option], objective: Objective) -> tuple[str, ...]:
    """Every subset of the candidates beside the accepted ones; the best by the same order."""
    accepted = [o for o in options if o.status == ACCEPTED]
    candidates = sorted((o for o in options if o.status == CANDIDATE), key=lambda o: o.id)
    best: tuple[tuple[int, ...], tuple[str, ...]] | None = None
    for mask in itertools.product([True, False], repeat=len(candidates)):
        chosen = accepted + [o for o, take in zip(candidates, mask, strict=True) if take]
        seen: list[int] = [c for o in chosen for c in o.contracts]
        if len(seen) != len(set(seen)):
            continue
        removes = sum(o.removes for o in chosen)
        value = sum(max(o.annual_value, 0) for o in chosen)
        levels = (removes, value) if objective == Objective.CONTRACTS else (value, removes)
        key = (*levels, *mask)  # True > False: the earliest IDs win a tie
        if best is None or key > best[0]:
            best = (key, tuple(sorted(o.id for o in chosen)))
    assert best is not None
    return best[1]


@settings(max_examples=150, deadline=None)
@given(instances(), st.sampled_from(list(Objective)))
def test_matches_brute_force(options: list[Option], objective: Objective) -> None:
    assert choose(options, objective).planned == brute_force(options, objective)


@settings(max_examples=150, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_plan_invariants(options: list[Option], random: object) -> None:
    packing = choose(options)
    by_id = {o.id: o for o in options}
    planned = [by_id[pid] for pid in packing.planned]
    members = [c for o in planned for c in o.contracts]
    assert len(members) == len(set(members)), "a contract is in two planned proposals"
    assert {o.id for o in options if o.status == ACCEPTED} <= set(packing.planned)
    assert not {o.id for o in options if o.status in (REJECTED, DEFERRED)} & set(packing.planned)
    # contracts after = before − Σ(members − 1), whatever "before" is
    assert packing.contracts_removed == sum(len(o.contracts) - 1 for o in planned)
    assert packing.annual_value == sum(o.annual_value for o in planned)
    # every candidate is either planned or left out for a named conflict with a planned one
    left = dict(packing.left_out)
    candidates = {o.id for o in options if o.status == CANDIDATE}
    assert candidates == (set(left) | set(packing.planned)) & candidates
    assert not set(left) & set(packing.planned)
    for pid, other in left.items():
        assert other in packing.planned
        assert by_id[pid].contracts & by_id[other].contracts
    shuffled = list(options)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert choose(shuffled) == packing


@st.composite
def components(draw: st.DrawFn) -> list[Option]:
    """Proposals in ID order as the solvers get them, over few contracts (dense
    conflicts, many ties) or many (sparse ones)."""
    count = draw(st.integers(2, 16))
    spread = draw(st.integers(3, 3 * count))
    return [
        option(
            f"P-{n:02d}",
            draw(st.sets(st.integers(0, spread), min_size=1, max_size=5)),
            draw(st.sampled_from([-5, 0, 1, 100, 100, 250, 10**12, 2**48])),  # 2**48: two stages
        )
        for n in range(count)
    ]


@settings(max_examples=300, deadline=None)
@given(components(), st.sampled_from(list(Objective)))
def test_enumeration_chooses_what_cp_sat_chooses(
    options: list[Option], objective: Objective
) -> None:
    # The same plan, tie-break included: the plan must not depend on a component's size.
    assert packing._enumerate(options, objective) == packing._solve_cp_sat(options, objective)


def test_a_component_with_too_many_choices_to_try_goes_to_cp_sat() -> None:
    ring = [option(f"P-{n:02d}", {n, (n + 1) % 40}, pence=5) for n in range(40)]
    with pytest.raises(packing._TooManyChoices):
        packing._enumerate(ring, Objective.CONTRACTS)


def test_a_large_component_is_solved_exactly() -> None:
    # A ring of 40 proposals, each sharing a contract with the next: 20 fit, and
    # with equal weights the earliest IDs (every even one) win.
    options = [option(f"P-{n:02d}", {n, (n + 1) % 40}, pence=5) for n in range(40)]
    packing = choose(options)
    assert packing.planned == tuple(f"P-{n:02d}" for n in range(0, 40, 2))
    assert packing.contracts_removed == 20


# --- co-termination --------------------------------------------------------------


def test_go_live_defaults_to_the_day_after_the_latest_end() -> None:
    terms = [
        Term(1, dt.date(2014, 4, 1), dt.date(2017, 3, 31)),
        Term(2, dt.date(2015, 4, 1), dt.date(2019, 6, 30)),
        Term(3, None, None),
    ]
    assert default_go_live(terms) == dt.date(2019, 7, 1)
    extensions = co_terminate(terms)
    assert [(e.contract, e.ends, e.months) for e in extensions] == [
        (1, dt.date(2017, 3, 31), 27),
        (2, dt.date(2019, 6, 30), 0),
        (3, None, None),
    ]
    assert extensions[0].new_end == dt.date(2019, 6, 30)


def test_a_chosen_go_live_can_mean_an_early_end() -> None:
    terms = [Term(1, None, dt.date(2018, 3, 31)), Term(2, None, dt.date(2016, 9, 30))]
    extensions = co_terminate(terms, go_live=dt.date(2017, 4, 1))
    assert [e.months for e in extensions] == [-12, 6]
    assert {e.new_end for e in extensions} == {dt.date(2017, 3, 31)}


def test_part_months_round_away_from_zero() -> None:
    assert months_between(dt.date(2017, 3, 31), dt.date(2017, 4, 1)) == 1
    assert months_between(dt.date(2017, 1, 30), dt.date(2017, 2, 28)) == 1
    assert months_between(dt.date(2017, 1, 30), dt.date(2017, 3, 1)) == 2
    assert months_between(dt.date(2017, 4, 1), dt.date(2017, 3, 31)) == -1
    assert months_between(dt.date(2017, 3, 31), dt.date(2017, 3, 31)) == 0


@given(
    st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)),
    st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)),
)
def test_months_cover_the_gap_and_no_more_than_a_month_over(end: dt.date, new_end: dt.date) -> None:
    months = months_between(end, new_end)
    assert months_between(new_end, end) == -months
    assert (months > 0) == (new_end > end) and (months < 0) == (new_end < end)
    gap = abs((new_end - end).days)
    assert 28 * (abs(months) - 1) <= gap <= 31 * abs(months)
