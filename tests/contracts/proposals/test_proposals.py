"""`propose`: each default rule, each constraint, and decisions kept across runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import ContractsError, RuleFileError
from contracts.proposals.decisions import ProposalNotFound, list_proposals, set_decision
from contracts.proposals.shapes import proposal_json
from contracts.proposals.stored import proposal_member_hash, propose
from contracts.store.models import AuditEntry, Proposal, ProposalDecision, ProposalStatus
from tests.contracts.proposals.proposal_factory import (
    AS_AT,
    COUNCIL,
    GRANT,
    SHORTER,
    Register,
    no_duplicates,
)


def run(session: Session, **options: object) -> list[dict[str, object]]:
    options.setdefault("on", AS_AT)
    options.setdefault("representatives", no_duplicates)
    result = propose(session, **options)  # type: ignore[arg-type]
    return [proposal_json(p) for p in result.proposals]


def uids(proposal: dict[str, object]) -> set[str]:
    return {c["uid"] for c in proposal["contracts"]}  # type: ignore[attr-defined,index]


def of_rule(proposals: list[dict[str, object]], rule: str) -> list[dict[str, object]]:
    return [p for p in proposals if p["rule"] == rule]


# --- each default rule -----------------------------------------------------------


def provide_for_four_ccgs(r: Register) -> set[str]:
    values = {"06Q": "300000.00", "99E": "200000.00", "99F": "100000.00", "99G": "50000.00"}
    return {r.add(code, "Provide", "community", value=v).uid for code, v in values.items()}


def one_commissioner_two_contracts(r: Register) -> set[str]:
    return {
        r.add("06Q", "RWN", "mental health").uid,
        r.add("06Q", "SEPT", "community", form=SHORTER).uid,
    }


def acute_with_the_three_hospitals(r: Register) -> set[str]:
    return {
        r.add("99E", "BTUH", "acute").uid,
        r.add("06Q", "RQ8", "acute").uid,
        r.add("99G", "Southend University Hospital", "a&e").uid,
        r.add("07G", "RDD", "a&e").uid,
    }


def ccg_and_council_buy_together(r: Register) -> set[str]:
    return {
        r.add("07G", "NELFT", "community").uid,
        r.add("Thurrock Council", "NELFT", "community", form=COUNCIL).uid,
    }


EXPECTED = {
    "one-provider-one-service": (
        provide_for_four_ccgs,
        "Community services from Provide for 4 CCGs",
        "NHS Mid Essex CCG",
        "650000.00",
    ),
    "one-commissioner-one-provider": (
        one_commissioner_two_contracts,
        "One Mid Essex CCG contract with South Essex Partnership University "
        "for community and mental health",
        "NHS Mid Essex CCG",
        "200000.00",
    ),
    "three-hospitals": (
        acute_with_the_three_hospitals,
        "Acute and A&E services from the three hospitals for 4 CCGs",
        "NHS Basildon and Brentwood CCG",
        "400000.00",
    ),
    "nhs-and-council": (
        ccg_and_council_buy_together,
        "Joint community services from NELFT for Thurrock CCG and Thurrock Council",
        "NHS Thurrock CCG",
        "200000.00",
    ),
}


@pytest.mark.parametrize("rule", list(EXPECTED))
def test_each_default_rule_finds_its_group(session: Session, rule: str) -> None:
    build, title, lead, value = EXPECTED[rule]
    members = build(Register(session))
    found = of_rule(run(session), rule)
    assert len(found) == 1, found
    (proposal,) = found
    assert uids(proposal) == members
    assert proposal["title"] == title
    assert proposal["lead_commissioner"] == lead
    assert proposal["annual_value"] == value
    assert proposal["contracts_before"] == len(members)
    assert proposal["contracts_after"] == 1
    assert proposal["earliest_start"] == "2018-04-01"
    assert proposal["status"] == "candidate"
    assert str(proposal["id"]).startswith("P-")
    assert proposal["needs_partnership_agreement"] == (rule == "nhs-and-council")
    assert any(lead in reason for reason in proposal["reasons"])  # type: ignore[attr-defined]


def test_the_lead_holds_the_largest_share_unless_the_rule_names_one(
    session: Session, tmp_path: Path
) -> None:
    provide_for_four_ccgs(Register(session))
    (proposal,) = of_rule(run(session), "one-provider-one-service")
    assert proposal["commissioners"][0] == "NHS Mid Essex CCG"  # type: ignore[index]
    assert len(proposal["commissioners"]) == 4  # type: ignore[arg-type]
    assert any("(£300,000.00 of £650,000.00, 46%)" in r for r in proposal["reasons"])  # type: ignore[attr-defined]
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[form_groups]\nnhs = ["NHS Standard Contract"]\n[[rules]]\nname = "led-by-southend"\n'
        'description = "Southend leads."\ngroup_by = ["provider", "service_category"]\n'
        'min_commissioners = 2\nlead = "Southend CCG"\n',
        encoding="utf-8",
    )
    (proposal,) = run(session, rules_path=rules)
    assert proposal["lead_commissioner"] == "NHS Southend CCG"
    assert any("as the rule 'led-by-southend' sets" in r for r in proposal["reasons"])  # type: ignore[attr-defined]


def test_one_provider_one_service_needs_several_commissioners(session: Session) -> None:
    r = Register(session)
    r.add("06Q", "Provide", "community")
    r.add("06Q", "Provide", "community")
    proposals = run(session)
    assert of_rule(proposals, "one-provider-one-service") == []
    assert len(of_rule(proposals, "one-commissioner-one-provider")) == 1


def test_a_successor_is_the_same_provider_once_the_old_one_has_closed(session: Session) -> None:
    r = Register(session)
    # SEPT (RWN) closed on 2017-03-31; EPUT (R1L) succeeded it.
    old = r.add("06Q", "RWN", "mental health", end=dt.date(2019, 3, 31)).uid
    new = r.add("99E", "R1L", "mental health", end=dt.date(2019, 3, 31)).uid
    assert of_rule(run(session), "one-provider-one-service") == []
    on = dt.date(2017, 6, 1)
    (proposal,) = of_rule(run(session, on=on), "one-provider-one-service")
    assert uids(proposal) == {old, new}
    assert proposal["provider"] == "Essex Partnership University NHS Foundation Trust"


def test_overlapping_rules_flag_the_shared_contracts_on_both(session: Session) -> None:
    r = Register(session)
    r.add("99E", "RDD", "acute")
    r.add("06Q", "RDD", "acute")
    r.add("99G", "RQ8", "acute")
    result = propose(session, on=AS_AT, representatives=no_duplicates)
    by_rule = {p.rule: p for p in result.proposals}
    three, per_trust = by_rule["three-hospitals"], by_rule["one-provider-one-service"]
    assert any(per_trust.id in flag for flag in three.flags)
    assert any(three.id in flag for flag in per_trust.flags)
    # Counted once: 3 contracts, and the two proposals share some, so 3 → 1.
    assert result.counts() == (3, 1)


# --- each constraint ---------------------------------------------------------------

Scenario = Callable[[Register], tuple[set[str], set[str]]]


def outside_footprint(r: Register) -> tuple[set[str], set[str]]:
    inside = {r.add("06Q").uid, r.add("99E").uid}
    return inside, {r.add("North East Essex CCG").uid, r.add("07H").uid}


def expired_or_not_started(r: Register) -> tuple[set[str], set[str]]:
    inside = {r.add("06Q").uid, r.add("99E").uid}
    expired = r.add("99F", end=dt.date(2016, 3, 31)).uid
    future = r.add("99G", start=dt.date(2016, 4, 2)).uid
    removed = r.add("07G", in_register=False).uid
    return inside, {expired, future, removed}


def incompatible_forms(r: Register) -> tuple[set[str], set[str]]:
    inside = {r.add("06Q").uid, r.add("99E", form=SHORTER).uid}
    # No form written, but the title says what it is.
    grant = r.add("99G", form=None, title="Community Grant 2016-17").uid
    return inside, {r.add("99F", form=GRANT).uid, grant}


def duplicate_copies(r: Register) -> tuple[set[str], set[str]]:
    lead_copy = r.add("06Q", associates=["99E"])
    copy = r.add("99E", source="register-99E-copy")
    other = r.add("99F")
    r.session.info["representatives"] = {lead_copy.id: lead_copy.id, copy.id: lead_copy.id}
    return {lead_copy.uid, other.uid}, {copy.uid}


@pytest.mark.parametrize(
    "scenario",
    [outside_footprint, expired_or_not_started, incompatible_forms, duplicate_copies],
    ids=lambda s: s.__name__,
)
def test_every_rule_respects_the_constraint(session: Session, scenario: Scenario) -> None:
    inside, outside = scenario(Register(session))
    representatives = session.info.pop("representatives", {})
    proposals = run(session, representatives=lambda _s: representatives)
    (proposal,) = of_rule(proposals, "one-provider-one-service")
    assert uids(proposal) == inside
    for other in proposals:
        assert not uids(other) & outside


def test_a_duplicate_copy_is_counted_once_and_named_in_the_flags(session: Session) -> None:
    r = Register(session)
    lead_copy = r.add("06Q", associates=["99E"], value="500000.00")
    copy = r.add("99E", source="register-99E-copy", value="500000.00")
    r.add("99F", value="100000.00")
    (proposal,) = of_rule(
        run(
            session, representatives=lambda _s: {lead_copy.id: lead_copy.id, copy.id: lead_copy.id}
        ),
        "one-provider-one-service",
    )
    assert proposal["annual_value"] == "600000.00"  # not 1,100,000: the copy is the same contract
    assert proposal["contracts_before"] == 2
    assert any(copy.uid in flag and "counted once" in flag for flag in proposal["flags"])  # type: ignore[attr-defined]
    # The copy's commissioner is still there, as an associate of the lead's copy.
    assert "NHS Basildon and Brentwood CCG" in proposal["commissioners"]  # type: ignore[operator]


def test_the_footprint_can_be_widened_or_changed(session: Session) -> None:
    outside_footprint(Register(session))
    assert len(of_rule(run(session), "one-provider-one-service")[0]["contracts"]) == 2  # type: ignore[arg-type]
    widened = of_rule(run(session, footprint="all"), "one-provider-one-service")
    assert len(widened[0]["contracts"]) == 4  # type: ignore[arg-type]
    north_east = run(session, footprint="North East Essex")
    assert north_east == []
    with pytest.raises(ContractsError, match="'Kent' is not a footprint"):
        run(session, footprint="Kent")


def test_the_date_decides_what_is_in_force(session: Session) -> None:
    r = Register(session)
    r.add("06Q", end=dt.date(2016, 3, 31))
    r.add("99E", end=dt.date(2016, 3, 31))
    assert run(session) == []
    assert len(run(session, on=dt.date(2016, 3, 31))) == 1


@pytest.mark.parametrize(("minimum", "found"), [("649999", 1), ("650000", 1), ("650001", 0)])
def test_a_minimum_value(session: Session, tmp_path: Path, minimum: str, found: int) -> None:
    provide_for_four_ccgs(Register(session))
    rules = tmp_path / "rules.toml"
    default = Path(__file__).parents[3] / "contracts" / "data" / "rules.toml"
    rules.write_text(
        default.read_text(encoding="utf-8").replace("min_value = 0", f"min_value = {minimum}"),
        encoding="utf-8",
    )
    assert len(of_rule(run(session, rules_path=rules), "one-provider-one-service")) == found


def test_an_unknown_provider_in_the_rules_names_the_line(session: Session, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[form_groups]\nnhs = ["NHS Standard Contract"]\n[[rules]]\nname = "x"\n'
        'description = "Some trust."\nproviders = ["ZZ9"]\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError, match=r"line 6: key 'providers' of rule 'x': 'ZZ9'"):
        run(session, rules_path=rules)


# --- values and dates ---------------------------------------------------------------


def test_unknown_values_are_flagged_never_taken_as_nought(session: Session) -> None:
    r = Register(session)
    r.add("06Q", value="1234.56")
    unknown = r.add("99E", value=None).uid
    (proposal,) = of_rule(run(session), "one-provider-one-service")
    assert proposal["annual_value"] == "1234.56"
    assert any(
        unknown in flag and "annual value unknown for 1 of 2" in flag
        for flag in proposal["flags"]  # type: ignore[attr-defined]
    )


def test_a_member_ending_much_earlier_needs_a_short_extension(session: Session) -> None:
    r = Register(session)
    early = r.add("06Q", end=dt.date(2017, 3, 31)).uid
    r.add("99E", end=dt.date(2018, 3, 31))
    late = r.add("99F", end=dt.date(2019, 3, 31)).uid
    (proposal,) = of_rule(run(session), "one-provider-one-service")
    assert proposal["earliest_start"] == "2019-04-01"
    extensions = [f for f in proposal["flags"] if "needs an extension" in f]  # type: ignore[attr-defined]
    assert len(extensions) == 2  # 24 and 12 months before the last
    assert any(
        f.startswith(f"{early} ends on 2017-03-31, 24 months before the last member")
        and "extension to 2019-03-31" in f
        for f in extensions
    )
    assert not any(late in f for f in extensions)


# --- stored proposals and decisions -----------------------------------------------------


def test_decisions_are_kept_and_candidates_replaced(session: Session) -> None:
    r = Register(session)
    provide_for_four_ccgs(r)
    one_commissioner_two_contracts(r)
    first = {p["rule"]: p["id"] for p in run(session)}
    accepted = first["one-provider-one-service"]
    set_decision(session, str(accepted), "accept", notes="board, 12 May", reviewer="finance")
    r.add("06Q", "RWN", "diagnostics")  # the candidate's group grows: a new ID replaces it
    result = propose(session, on=AS_AT, representatives=no_duplicates)
    assert result.replaced == 1
    assert [p.id for p in result.kept] == [accepted]
    stored = {p.id: p for p in list_proposals(session)}
    assert stored[str(accepted)].status == ProposalStatus.ACCEPTED
    assert first["one-commissioner-one-provider"] not in stored
    assert len(stored) == 2
    assert sum(p.status == ProposalStatus.CANDIDATE for p in stored.values()) == 1
    decisions = session.scalars(select(ProposalDecision)).all()
    assert [(d.decision, d.previous_status, d.decided_by, d.notes) for d in decisions] == [
        ("accepted", "candidate", "finance", "board, 12 May")
    ]


def test_a_rejected_proposal_is_not_proposed_again(session: Session) -> None:
    provide_for_four_ccgs(Register(session))
    (proposal,) = run(session)
    set_decision(session, str(proposal["id"]), "reject")
    again = propose(session, on=AS_AT, representatives=no_duplicates)
    assert [p.status for p in again.proposals] == [ProposalStatus.REJECTED]
    assert again.replaced == 0


def test_a_decided_proposal_whose_members_changed_needs_review(session: Session) -> None:
    r = Register(session)
    provide_for_four_ccgs(r)
    (proposal,) = run(session)
    set_decision(session, str(proposal["id"]), "defer", notes="after the audit")
    stored = session.get(Proposal, proposal["id"])
    assert stored is not None
    hash_before, members_before = stored.members_hash, [m.contract_uid for m in stored.members]
    stored.members[0].contract.annual_value = Decimal("310000.00")
    session.flush()
    dry = propose(session, on=AS_AT, representatives=no_duplicates, dry_run=True)
    assert dry.as_json()["needs_review"] == [proposal["id"]]
    assert not stored.needs_review  # a dry run stores nothing
    result = propose(session, on=AS_AT, representatives=no_duplicates)
    assert [p.id for p in result.needs_review] == [proposal["id"]]
    assert stored.needs_review and stored.status == ProposalStatus.DEFERRED
    assert stored.members_hash == hash_before  # not silently altered
    assert [m.contract_uid for m in stored.members] == members_before
    assert stored.annual_value == Decimal("650000.00")
    assert any(f.startswith("members changed since the decision") for f in stored.flags)
    # Deciding again settles the review against the members as they are now.
    set_decision(session, stored.id, "accept")
    assert not stored.needs_review
    assert stored.members_hash == proposal_member_hash(stored) != hash_before
    assert not any(f.startswith("members changed") for f in stored.flags)


def test_set_decision_records_an_audit_entry_and_ignores_a_repeat(session: Session) -> None:
    provide_for_four_ccgs(Register(session))
    (proposal,) = run(session)
    pid = str(proposal["id"])
    assert set_decision(session, pid.lower()[:6], "Accept", via="workbook x.xlsx") is not None
    assert set_decision(session, pid, "accepted", via="workbook x.xlsx") is None
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "proposal", AuditEntry.entity_id == pid)
    ).all()
    assert [(e.action, e.before, e.after) for e in entries] == [
        (
            "proposal decided",
            {"status": "candidate"},
            {"status": "accepted", "via": "workbook x.xlsx"},
        )
    ]
    with pytest.raises(ContractsError, match="'maybe' is not a decision"):
        set_decision(session, pid, "maybe")
    with pytest.raises(ProposalNotFound, match="no proposal has the ID 'P-nothing'"):
        set_decision(session, "P-nothing", "accept")


def test_a_dry_run_stores_nothing(session: Session) -> None:
    provide_for_four_ccgs(Register(session))
    result = propose(session, on=AS_AT, representatives=no_duplicates, dry_run=True)
    assert len(result.proposals) == 1
    assert result.as_json()["proposals"][0]["title"] == EXPECTED["one-provider-one-service"][1]
    assert session.scalars(select(Proposal)).all() == []


def test_list_proposals_filters_by_status(session: Session) -> None:
    r = Register(session)
    provide_for_four_ccgs(r)
    one_commissioner_two_contracts(r)
    proposals = run(session)
    set_decision(session, str(proposals[0]["id"]), "accept")
    assert [p.id for p in list_proposals(session, status="accepted")] == [proposals[0]["id"]]
    assert len(list_proposals(session, status="Candidate")) == 1
    with pytest.raises(ContractsError, match="'approved' is not a proposal status"):
        list_proposals(session, status="approved")


def test_the_real_duplicate_finder_is_used_by_default(session: Session) -> None:
    """Two registers record one contract; without being told, propose counts it once."""
    from contracts.duplicates.stored_run import duplicate_representatives

    r = Register(session)
    title = "Community nursing and therapies"
    lead_copy = r.add("06Q", associates=["99E"], reference="ME/001", title=title)
    copy = r.add("99E", source="register-99E-copy", reference="ME/001", title=title)
    # Another CCG's own contract (a value of its own: equal values count as evidence).
    r.add("99F", reference="CPR/7", title="Community services", value="250000.00")
    assert duplicate_representatives(session).get(copy.id) == lead_copy.id
    (proposal,) = of_rule(
        [proposal_json(p) for p in propose(session, on=AS_AT).proposals],
        "one-provider-one-service",
    )
    assert copy.uid not in uids(proposal)
    assert lead_copy.uid in uids(proposal)


# --- contract forms inferred, and every contract left out said -----------------------


def test_a_missing_form_is_inferred_from_the_parties_and_said_in_the_reasons(
    session: Session,
) -> None:
    r = Register(session)
    nhs = r.add("06Q", "RDD", "acute", form=None)
    voluntary = r.add("99E", "RDD", "acute", form="Contract")  # a word the tool does not know
    council = r.add("E10000012", "Provide", "community", form=None)
    # Inferred at import: the stored reason is the one the proposal gives.
    council_too = r.add("E06000033", "Provide", "community", form=COUNCIL)
    council_too.contract_form_inferred = "no contract form in the register; a council's contract"
    session.flush()
    proposals = run(session)
    (acute,) = of_rule(proposals, "one-provider-one-service")[:1]
    assert uids(acute) == {nhs.uid, voluntary.uid}
    reasons = " | ".join(acute["reasons"])  # type: ignore[arg-type]
    assert (
        f"contract form of {nhs.uid} inferred as NHS Standard Contract: no contract form in "
        "the register; NHS Standard Contract: an NHS commissioner and an NHS provider"
    ) in reasons
    assert "the register says 'Contract', which is no contract form the tool knows" in reasons
    (councils,) = [p for p in proposals if uids(p) == {council.uid, council_too.uid}]
    council_reasons = " | ".join(councils["reasons"])  # type: ignore[arg-type]
    for member in (council, council_too):
        assert (
            f"contract form of {member.uid} inferred as local authority contract: no contract "
            "form in the register; a council's contract"
        ) in council_reasons


def test_propose_says_why_each_contract_no_rule_could_consider_was_left_out(
    session: Session, tmp_path: Path
) -> None:
    r = Register(session)
    considered = {r.add("06Q").uid, r.add("99E").uid}
    # A commissioner in the footprint of a kind no form can be inferred for.
    r.org("Essex Commissioning Hub")
    area = tmp_path / "area.toml"
    area.write_text(
        '[footprints."hub and CCGs"]\n'
        'members = ["99E", "99F", "06Q", "99G", "07G", "Essex Commissioning Hub"]\n',
        encoding="utf-8",
    )
    why = {
        r.add("North East Essex CCG").uid: "led by NHS North East Essex CCG, outside",
        r.add("99F", end=dt.date(2016, 3, 31)).uid: "it ended on 2016-03-31",
        r.add("99G", start=dt.date(2016, 4, 2)).uid: "it starts on 2016-04-02",
        r.add("99F", form=GRANT).uid: "its contract form (grant agreement) is in no form group",
        r.add("07G", form=None, title="Carers grant").uid: "(inferred grant agreement)",
        r.add("Essex Commissioning Hub", form=None).uid: "none can be inferred for a",
        r.add(None).uid: "no lead commissioner",
    }
    lead_copy = r.add("07G", associates=["99E"])
    copy = r.add("99E", source="another-register")
    why[copy.uid] = f"another record of {lead_copy.uid}, which stands for both"
    considered.add(lead_copy.uid)
    r.add("07G", in_register=False)  # no longer in its register: not a contract to consider
    result = propose(
        session,
        on=AS_AT,
        footprint=str(area),
        representatives=lambda _s: {lead_copy.id: lead_copy.id, copy.id: lead_copy.id},
    )
    left_out = {item.uid: item.reason for item in result.left_out}
    assert set(left_out) == set(why)
    for uid, words in why.items():
        assert words in left_out[uid], (uid, left_out[uid])
    assert result.contracts_considered == len(considered)
    counts = result.as_json()["left_out"]
    assert sum(counts.values()) == len(why) and counts["outside the footprint"] == 1
