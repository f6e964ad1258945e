"""Blocking and sets without a database: invariants over many generated registers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.duplicates.blocking import candidate_pairs
from contracts.duplicates.compare import MatchRecord
from contracts.duplicates.finder import set_id
from contracts.duplicates.linkage import CONFIRMED, REJECTED, Decision, link_records, uid_pair
from contracts.duplicates.weights import load_weights
from tests.contracts.duplicates.duplicate_factory import record

WEIGHTS = load_weights()


def sets_of(records: list[MatchRecord], decisions=None, weights=WEIGHTS) -> list[list[int]]:  # type: ignore[no-untyped-def]
    return [s.member_ids for s in link_records(records, weights, decisions).sets]


def test_copies_join_and_a_successor_contract_does_not() -> None:
    records = [
        record(1, source="mid", reference="ME/1", commissioners=(100, 101)),
        record(2, source="bb", reference="BB/7", title="Comm svcs", commissioners=(101,)),
        record(3, source="sth", reference="S-3", commissioners=(102, 100), annual="1234000.00"),
        record(4, source="mid", reference="ME/9", start=dt.date(2019, 4, 1), end=None),
        record(5, source="mid", reference="ME/5", provider=2, title="Hospice care"),
    ]
    assert sets_of(records) == [[1, 2, 3]]


def test_confirmed_pairs_join_whatever_the_score_and_rejected_never_link() -> None:
    a = record(1, source="mid", reference="ME/1")
    b = record(2, source="bb", reference="BB/7")
    unlike = record(3, source="sth", reference="S/3", provider=2, title="Hospice care")
    assert sets_of([a, b, unlike]) == [[1, 2]]
    rejected = {uid_pair(a.uid, b.uid): Decision(REJECTED)}
    assert sets_of([a, b, unlike], rejected) == []
    confirmed = {uid_pair(a.uid, unlike.uid): Decision(CONFIRMED, "alice")}
    linkage = link_records([a, b, unlike], WEIGHTS, confirmed)
    assert [s.member_ids for s in linkage.sets] == [[1, 2, 3]]
    assert linkage.blocking.produced["confirmed by a person"] == 1


def test_a_set_held_by_one_weak_link_is_flagged() -> None:
    a = record(1, source="mid", reference="ME/1")
    b = record(2, source="bb", reference="BB/7")
    c = record(3, source="sth", reference="S/3")
    strict = dataclasses.replace(WEIGHTS, strong=1.0)
    # A chain of two links: each is a bridge, and none reaches "strong" = 1.0.
    chain = link_records([a, b], strict).sets
    assert chain[0].weak_link
    # A triangle has no bridge: no single link holds it together.
    triangle = link_records([a, b, c], strict).sets
    assert triangle[0].member_ids == [1, 2, 3] and not triangle[0].weak_link
    assert not link_records([a, b], WEIGHTS).sets[0].weak_link


def test_big_blocks_are_windowed_and_reported() -> None:
    records = [record(i, reference=f"R{i}", title=f"Service {i}") for i in range(1, 201)]
    result = candidate_pairs(records, block_cap=50, window=5, rare_token_max=25)
    assert result.produced["same provider"] <= 2 * 5 * 200
    assert any("same provider: 1 blocks over 50" in note for note in result.capped)
    small = candidate_pairs(records[:40], block_cap=50, window=5, rare_token_max=25)
    assert small.produced["same provider"] == 40 * 39 // 2
    assert not any(note.startswith("same provider") for note in small.capped)


def test_a_big_block_with_missing_start_dates_and_equal_values_is_sorted() -> None:
    """One provider's large block where equal values (or none) meet a missing start date:
    the value order must compare dates with dates, never with text."""
    records = [
        record(
            i,
            reference=f"R{i}",
            title=f"Service {i}",
            start=None if i % 2 else dt.date(2016, 4, 1),
            annual=None if i % 3 == 0 else "1000.00",
        )
        for i in range(1, 121)
    ]
    result = candidate_pairs(records, block_cap=50, window=5, rare_token_max=25)
    assert any("same provider: 1 blocks over 50" in note for note in result.capped)
    assert result.produced["same provider"] > 0


def test_set_ids_come_from_the_members_alone() -> None:
    assert set_id(["b:2", "a:1"]) == set_id(["a:1", "b:2"])
    assert set_id(["a:1", "b:2"]).startswith("D-") and len(set_id(["a:1"])) == 10
    assert set_id(["a:1", "b:2"]) != set_id(["a:1", "b:3"])


# --- invariants ---------------------------------------------------------------

TITLES = ["Community Services", "Comm svcs", "MH services", "Wheelchair service", "Hospice care"]


@st.composite
def registers(draw: st.DrawFn) -> list[MatchRecord]:
    """A register of 'real' contracts, some recorded in two or three registers."""
    count = draw(st.integers(1, 12))
    records: list[MatchRecord] = []
    next_id = 1
    for n in range(count):
        provider = draw(st.integers(1, 4))
        title = draw(st.sampled_from(TITLES))
        start = dt.date(2014 + draw(st.integers(0, 5)), 4, 1)
        annual = draw(st.sampled_from(["1234567.00", "250000.00", "98765.43", None]))
        commissioners = draw(st.lists(st.integers(100, 104), min_size=1, max_size=3, unique=True))
        for copy in range(draw(st.integers(1, 3))):
            records.append(
                record(
                    next_id,
                    source=f"reg{copy}",
                    reference=f"C{n}-{copy}",
                    title=title,
                    provider=provider,
                    commissioners=commissioners[copy:] or commissioners,
                    start=start,
                    end=start.replace(year=start.year + 3) - dt.timedelta(days=1),
                    annual=annual,
                )
            )
            next_id += 1
    return records


@settings(max_examples=60, deadline=None)
@given(registers(), st.randoms(use_true_random=False))
def test_input_order_does_not_change_the_sets(
    records: list[MatchRecord], rnd: random.Random
) -> None:
    shuffled = list(records)
    rnd.shuffle(shuffled)
    assert sets_of(shuffled) == sets_of(records)


@settings(max_examples=60, deadline=None)
@given(registers())
def test_an_unrelated_contract_does_not_change_existing_sets(records: list[MatchRecord]) -> None:
    unrelated = record(
        10_000,
        source="elsewhere",
        reference="X-1",
        title="Zebra crossing patrols",
        provider=99,
        commissioners=(999,),
        annual="1.00",
    )
    assert sets_of([*records, unrelated]) == sets_of(records)


@settings(max_examples=60, deadline=None)
@given(registers())
def test_sets_are_disjoint_and_never_hold_a_contract_twice(records: list[MatchRecord]) -> None:
    seen: set[int] = set()
    for members in sets_of(records):
        assert len(members) == len(set(members)) >= 2
        assert not seen & set(members)
        seen |= set(members)


@settings(max_examples=60, deadline=None)
@given(registers())
def test_a_set_holds_each_register_at_most_once(records: list[MatchRecord]) -> None:
    source = {r.id: r.source for r in records}
    for members in sets_of(records):
        registers_in_set = [source[m] for m in members]
        assert len(registers_in_set) == len(set(registers_in_set))


def test_a_weaker_link_into_the_same_register_is_held_apart() -> None:
    lead = record(1, source="bb", reference="B-1")
    copy = record(2, source="cpr", reference="C-1")
    # Another contract of the lead's register, a little less like the copy.
    sibling = record(3, source="bb", reference="B-2", annual="1234000.00")
    linkage = link_records([lead, copy, sibling], WEIGHTS)
    assert [s.member_ids for s in linkage.sets] == [[1, 2]]
    assert {(link.a_id, link.b_id) for link in linkage.held_apart} == {(2, 3), (1, 3)}
    # A person's confirmation comes first: then the lead's record is the one held apart.
    confirmed = link_records(
        [lead, copy, sibling], WEIGHTS, {uid_pair(copy.uid, sibling.uid): Decision(CONFIRMED)}
    )
    assert [s.member_ids for s in confirmed.sets] == [[2, 3]]
    # And one confirmed within a register is followed too.
    both = link_records(
        [lead, copy, sibling], WEIGHTS, {uid_pair(lead.uid, sibling.uid): Decision(CONFIRMED)}
    )
    assert [s.member_ids for s in both.sets] == [[1, 2, 3]]


def test_providers_whose_names_differ_only_in_legal_form_share_a_block() -> None:
    hospice = record(1, source="a", provider=7, provider_name="St Osyth's Hospice", annual="1.00")
    limited = record(
        2, source="b", provider=8, provider_name="ST OSYTH'S HOSPICE LTD.", annual="2.00"
    )
    # Two known bodies with codes of their own never share this block.
    coded = [dataclasses.replace(r, provider_coded=True) for r in (hospice, limited)]
    found = candidate_pairs([hospice, limited], block_cap=60, window=12, rare_token_max=1)
    assert found.produced["provider names alike"] == 1 and len(found.pairs) == 1
    apart = candidate_pairs(coded, block_cap=60, window=12, rare_token_max=1)
    assert apart.produced["provider names alike"] == 0
