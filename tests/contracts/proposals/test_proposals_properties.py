"""Invariants of the grouping, checked with hypothesis.

The pure grouper is checked on many generated registers; the database path
(footprint and date) on fewer, each inside a savepoint that is rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from contracts.proposals.grouping import Draft, Grouper, OrgInfo, RuleInput
from contracts.proposals.rules import load_rules
from contracts.proposals.stored import propose
from contracts.store.models import Contract, Footprint
from tests.contracts.proposals.proposal_factory import COUNCIL, GRANT, NHS_SC, SHORTER, Register

MSE = "mid and south Essex"
# A small world: id -> (code, kind, footprint, successor id, close date).
ORGS = {
    1: OrgInfo(1, "NHS Mid Essex CCG", "06Q", "CCG", MSE),
    2: OrgInfo(2, "NHS Basildon and Brentwood CCG", "99E", "CCG", MSE),
    3: OrgInfo(3, "NHS Southend CCG", "99G", "CCG", MSE),
    4: OrgInfo(4, "Essex County Council", "E10000012", "local authority", MSE),
    5: OrgInfo(5, "Thurrock Council", "E06000034", "local authority", MSE),
    10: OrgInfo(10, "Mid and South Essex NHS Foundation Trust", "RAJ", "NHS foundation trust", MSE),
    11: OrgInfo(
        11, "Basildon and Thurrock University Hospitals NHS Foundation Trust", "RDD",
        "NHS foundation trust", MSE, dt.date(2020, 3, 31), 10,
    ),
    12: OrgInfo(
        12, "Mid Essex Hospital Services NHS Trust", "RQ8", "NHS trust", MSE,
        dt.date(2020, 3, 31), 10,
    ),
    13: OrgInfo(13, "Provide Community Interest Company", None, "voluntary/community", MSE),
    14: OrgInfo(14, "NELFT NHS Foundation Trust", "RAT", "NHS foundation trust", "other"),
}  # fmt: skip
CODES = {org.code: org.id for org in ORGS.values() if org.code}
AS_AT = dt.date(2016, 4, 1)

money = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False),
)


@st.composite
def records(draw: st.DrawFn) -> list[RuleInput]:
    count = draw(st.integers(min_value=0, max_value=30))
    found = []
    for number in range(count):
        lead = draw(st.sampled_from([1, 2, 3, 4, 5]))
        found.append(
            RuleInput(
                id=number + 1,
                uid=f"src{draw(st.integers(0, 3))}:C{number:03d}",
                provider_id=draw(st.sampled_from([10, 11, 12, 13, 14, None])),
                service_category=draw(st.sampled_from(["acute", "a&e", "community", None])),
                contract_form=draw(st.sampled_from([NHS_SC, SHORTER, COUNCIL, GRANT, None])),
                start_date=dt.date(2015, 4, 1),
                end_date=draw(
                    st.one_of(st.none(), st.dates(dt.date(2016, 4, 1), dt.date(2021, 3, 31)))
                ),
                annual_value=draw(money),
                lead_id=lead,
                associate_ids=tuple(
                    sorted(draw(st.sets(st.sampled_from([1, 2, 3, 4, 5]), max_size=2)) - {lead})
                ),
            )
        )
    return found


RULES = load_rules()


def grouper() -> Grouper:
    return Grouper(RULES, ORGS, as_at=AS_AT, footprint=MSE, resolve=CODES.get)


def fingerprint(drafts: list[Draft]) -> list[tuple[object, ...]]:
    return [
        (
            d.id,
            d.rule.name,
            [m.uid for m in d.members],
            d.lead_id,
            d.commissioner_ids,
            d.title,
            d.annual_value,
            d.earliest_start,
            d.reasons,
            d.flags,
        )
        for d in drafts
    ]


@settings(max_examples=100, deadline=None)
@given(records(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_input_order(found: list[RuleInput], random: object) -> None:
    shuffled = list(found)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert fingerprint(grouper().drafts(found)) == fingerprint(grouper().drafts(shuffled))


@settings(max_examples=100, deadline=None)
@given(records())
def test_within_one_rule_a_contract_is_in_at_most_one_proposal(found: list[RuleInput]) -> None:
    drafts = grouper().drafts(found)
    for rule in {d.rule.name for d in drafts}:
        counts = Counter(m.id for d in drafts if d.rule.name == rule for m in d.members)
        assert max(counts.values()) == 1


@settings(max_examples=100, deadline=None)
@given(records())
def test_every_proposal_value_is_the_exact_sum_of_its_members(found: list[RuleInput]) -> None:
    for draft in grouper().drafts(found):
        known = [m.annual_value for m in draft.members if m.annual_value is not None]
        assert draft.annual_value == (sum(known, Decimal("0.00")) if known else None)
        assert draft.unknown_values == len(draft.members) - len(known)
        assert len(draft.members) >= draft.rule.min_contracts
        # A grant is never merged, and forms in one proposal share one group.
        assert all(m.contract_form not in (GRANT, None) for m in draft.members)
        ends = [m.end_date for m in draft.members if m.end_date]
        if ends:
            assert draft.earliest_start == max(ends) + dt.timedelta(days=1)


COMMISSIONERS = ["06Q", "99E", "99F", "99G", "07G", "E10000012", "06T", "07H"]


@st.composite
def contract_specs(draw: st.DrawFn) -> list[dict[str, object]]:
    return draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "commissioner": st.sampled_from(COMMISSIONERS),
                    "provider": st.sampled_from(["Provide", "RDD", "RAJ"]),
                    "category": st.sampled_from(["community", "acute"]),
                    "start": st.dates(dt.date(2015, 1, 1), dt.date(2017, 1, 1)),
                    "end": st.dates(dt.date(2016, 1, 1), dt.date(2019, 1, 1)),
                    "in_register": st.booleans(),
                }
            ),
            max_size=12,
        )
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(contract_specs(), st.dates(dt.date(2016, 1, 1), dt.date(2018, 1, 1)))
def test_no_proposal_holds_a_contract_outside_the_footprint_or_not_in_force(
    session: Session, specs: list[dict[str, object]], on: dt.date
) -> None:
    savepoint = session.begin_nested()
    try:
        register = Register(session)
        for spec in specs:
            register.add(
                str(spec["commissioner"]),
                str(spec["provider"]),
                str(spec["category"]),
                start=spec["start"],  # type: ignore[arg-type]
                end=spec["end"],  # type: ignore[arg-type]
                in_register=bool(spec["in_register"]),
            )
        run = propose(session, on=on, representatives=lambda _s: {}, dry_run=True)
        event(f"proposals: {min(len(run.proposals), 3)}")
        for proposal in run.proposals:
            for member in proposal.members:
                contract = session.get(Contract, member.contract_id)
                assert contract is not None and contract.is_active_on(on)
                lead = contract.lead_commissioner
                assert lead is not None and lead.footprint == Footprint.MID_AND_SOUTH_ESSEX
    finally:
        savepoint.rollback()
