"""The duplicate finder on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.duplicates.finder import find_duplicates, set_id
from contracts.duplicates.pair import explain_pair, record_decision
from contracts.duplicates.stored_run import duplicate_representatives
from contracts.errors import ContractsError
from contracts.proposals.summary import summarise_register
from contracts.store.models import AuditEntry, Contract, DuplicateDecision
from tests.contracts.duplicates.duplicate_factory import add_contract


def three_registers(session: Session) -> dict[str, Contract]:
    """One community contract led by Mid Essex for two associates, recorded three times,
    plus contracts that look alike but are not copies."""
    return {
        "lead": add_contract(
            session,
            source="mid-essex",
            reference="ME/0042",
            title="Community Services (adults)",
            lead="06Q",
            associates=("99E", "99G"),
            annual="1234567.00",
        ),
        "bb": add_contract(
            session,
            source="basildon",
            reference="BB-77",
            title="Adult comm svcs",
            lead="99E",
            annual="1200000.00",
        ),
        "th": add_contract(
            session,
            source="thurrock",
            reference="T/9",
            title="Community services - adults",
            lead="99G",
            associates=("06Q",),
            annual="1234567.00",
        ),
        # The same service bought by another CCG alone: a consolidation candidate, not a copy.
        "other_ccg": add_contract(
            session,
            source="southend",
            reference="SO/1",
            title="Community Services (adults)",
            lead="99F",
            annual="2000000.00",
        ),
        # The next contract for the same service: successive, not a copy.
        "next": add_contract(
            session,
            source="mid-essex",
            reference="ME/0099",
            title="Community Services (adults)",
            lead="06Q",
            associates=("99E", "99G"),
            start=dt.date(2019, 4, 1),
            end=dt.date(2022, 3, 31),
        ),
        # Another provider entirely.
        "provide": add_contract(
            session,
            source="basildon",
            reference="BB-78",
            title="Community Services (adults)",
            provider="RQ8",
            lead="99E",
        ),
    }


def test_copies_across_registers_form_one_set_with_reasons(session: Session) -> None:
    made = three_registers(session)
    report = find_duplicates(session)
    assert len(report.sets) == 1
    found = report.sets[0]
    expected = sorted(made[k].id for k in ("lead", "bb", "th"))
    assert found.contract_ids == expected
    assert found.id == set_id([made[k].uid for k in ("lead", "bb", "th")])
    assert found.representative_id == made["lead"].id
    assert found.value_at_stake == Decimal("2434567.00")
    assert 0.8 <= found.score <= 1.0
    assert "same provider" in found.reasons
    assert any(r.startswith("title ") and r.endswith("% similar") for r in found.reasons)
    shape = found.as_json()
    assert {"contracts", "score", "reasons"} <= set(shape)
    assert [c["id"] for c in shape["contracts"]] == expected
    assert {"id", "reference", "source"} <= set(shape["contracts"][0])
    assert report.pairs_compared >= 3
    assert report.blocking["same provider"] >= 3


def test_only_contracts_still_in_the_register_take_part(session: Session) -> None:
    made = three_registers(session)
    made["bb"].in_register = False
    made["th"].in_register = False
    session.flush()
    assert find_duplicates(session).sets == []


def test_sets_are_sorted_by_value_at_stake(session: Session) -> None:
    three_registers(session)
    for source in ("a", "b"):
        add_contract(
            session,
            source=source,
            reference="W-1",
            title="Wheelchair service",
            provider="RAJ",
            lead="99F",
            category="community",
            annual="50000.00",
        )
    report = find_duplicates(session)
    assert [len(s.contract_ids) for s in report.sets] == [3, 2]
    assert report.sets[0].value_at_stake > report.sets[1].value_at_stake


def test_representatives_map_each_copy_to_the_leads_copy(session: Session) -> None:
    made = three_registers(session)
    representatives = duplicate_representatives(session)
    lead = made["lead"].id
    assert representatives == {made[k].id: lead for k in ("lead", "bb", "th")}


def test_successor_providers_can_be_copies_and_other_providers_weigh_against(
    session: Session,
) -> None:
    old = add_contract(session, source="mid", reference="M1", provider="RRD", lead="06Q")
    new = add_contract(session, source="bb", reference="B1", provider="R1L", lead="06Q")
    other = add_contract(session, source="th", reference="T1", provider="RDD", lead="06Q")
    # RDD and RQ8 both became RAJ in 2020, but were two trusts with two contracts.
    sibling = add_contract(session, source="so", reference="S1", provider="RQ8", lead="06Q")
    report = find_duplicates(session)
    assert [s.contract_ids for s in report.sets] == [sorted([old.id, new.id])]
    assert "one provider succeeded the other" in report.sets[0].reasons
    for a, b in ((old, other), (sibling, other)):
        explained = explain_pair(session, a.id, b.id)
        assert explained.verdict.startswith("not a duplicate")
        provider = next(f for f in explained.comparison.fields if f.field == "provider")
        assert (provider.level, provider.weight) == ("different_bodies", -8.0)


def test_confirm_and_reject_are_stored_audited_and_honoured(session: Session) -> None:
    made = three_registers(session)
    lead, other = made["lead"], made["other_ccg"]
    record_decision(session, other.uid, lead.id, "confirmed", "one contract, two registers")
    stored = session.scalars(select(DuplicateDecision)).one()
    assert (stored.contract_uid_a, stored.contract_uid_b) == tuple(sorted([lead.uid, other.uid]))
    assert stored.decided_by
    report = find_duplicates(session)
    assert other.id in report.sets[0].contract_ids
    assert "1 link confirmed by a person" in report.sets[0].reasons
    confirmed = [link for link in report.sets[0].links if link.confirmed]
    assert confirmed[0].reasons[0] == f"confirmed as a duplicate by {stored.decided_by}"

    record_decision(session, lead.id, other.id, "rejected")
    record_decision(session, made["bb"].id, made["th"].id, "rejected")
    record_decision(session, made["bb"].id, made["lead"].id, "rejected")
    report = find_duplicates(session)
    assert [s.contract_ids for s in report.sets] == [sorted([lead.id, made["th"].id])]
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "duplicate pair").order_by(AuditEntry.id)
    )
    entries = list(audit)
    assert [e.action for e in entries] == [
        "duplicate confirmed",
        "duplicate rejected",
        "duplicate rejected",
        "duplicate rejected",
    ]
    assert entries[1].before == {
        "decision": "confirmed",
        "notes": "one contract, two registers",
        "decided_by": stored.decided_by,
    }
    assert len(session.scalars(select(DuplicateDecision)).all()) == 3


def test_decisions_survive_a_reimport_that_changes_row_ids(session: Session) -> None:
    made = three_registers(session)
    record_decision(session, made["lead"].id, made["other_ccg"].id, "confirmed")
    record_decision(session, made["lead"].id, made["bb"].id, "rejected")
    record_decision(session, made["th"].id, made["bb"].id, "rejected")
    old_ids = {c.id for c in made.values()}
    # A re-import that deletes and re-creates the rows: same identity, new ids.
    for contract in made.values():
        session.delete(contract)
    session.flush()
    for n in range(len(made)):  # SQLite would hand the freed ids out again
        add_contract(session, source="old", reference=f"gone-{n}", in_register=False)
    remade = three_registers(session)
    assert not old_ids & {c.id for c in remade.values()}
    report = find_duplicates(session)
    assert [s.contract_ids for s in report.sets] == [
        sorted([remade["lead"].id, remade["other_ccg"].id, remade["th"].id])
    ]


def test_explain_shows_every_field_for_an_unmatched_pair(session: Session) -> None:
    made = three_registers(session)
    explanation = explain_pair(session, made["lead"].uid, str(made["next"].id))
    fields = {row["field"]: row["level"] for row in explanation.rows()}
    assert fields["period"] == "adjacent"
    assert fields["provider"] == "same_organisation"
    assert len(fields) == 8
    assert explanation.verdict.startswith("not a duplicate")
    assert explanation.as_json()["fields"][0]["field"] == "reference"


@pytest.mark.parametrize(
    ("a", "b", "decision", "message"),
    [
        ("lead", "lead", "confirmed", "same contract"),
        ("lead", "bb", "maybe", "'confirmed' or 'rejected'"),
        ("lead", "nowhere:1", "confirmed", "no contract"),
    ],
)
def test_bad_decisions_are_refused(
    session: Session, a: str, b: str, decision: str, message: str
) -> None:
    made = three_registers(session)
    ids = {k: str(c.id) for k, c in made.items()}
    with pytest.raises(ContractsError, match=message):
        record_decision(session, ids.get(a, a), ids.get(b, b), decision)


def test_summary_counts_each_duplicate_set_once(session: Session) -> None:
    three_registers(session)
    summary = summarise_register(session)
    assert summary.duplicate_sets == 1
    assert summary.duplicates_counted_once == 2
    assert summary.total.contracts == 6 - 2
    # The two copies left out were £1,200,000 and £1,234,567 a year.
    everything = Decimal("1234567.00") * 4 + Decimal("1200000.00") + Decimal("2000000.00")
    assert summary.total.annual_value == everything - Decimal("2434567.00")
    assert summary.as_dict()["duplicates_counted_once"] == 2


def test_set_ids_stay_when_an_unrelated_contract_arrives(session: Session) -> None:
    three_registers(session)
    before = [(s.id, s.contract_ids) for s in find_duplicates(session).sets]
    add_contract(
        session,
        source="west-essex",
        reference="WE/1",
        title="Falls prevention",
        provider="RQW",
        lead="07H",
        annual="41000.00",
    )
    assert [(s.id, s.contract_ids) for s in find_duplicates(session).sets] == before
