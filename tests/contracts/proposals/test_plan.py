"""The plan from stored proposals: counting, co-termination, JSON, refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from contracts.errors import PlanConflict, PlanError
from contracts.proposals.packing import Objective
from contracts.proposals.plan import make_plan
from contracts.proposals.stored import propose, set_decision
from contracts.store.models import Contract
from tests.contracts.proposals.proposal_factory import AS_AT, Register, no_duplicates

PLAN_KEYS = {"on", "contracts_before", "contracts_after", "annual_value", "proposals", "left_out"}
PROPOSAL_KEYS = {
    "id",
    "rule",
    "title",
    "lead_commissioner",
    "contracts",
    "annual_value",
    "go_live",
    "extensions",
}


def overlapping_register(session: Session, mental_health: str = "50000.00") -> dict[str, Contract]:
    """Four CCGs buy community services from Provide (one proposal, 4 → 1); Mid Essex
    also buys mental health from Provide (with its community contract: 2 → 1)."""
    r = Register(session)
    contracts = {
        "mid": r.add("06Q", "Provide", "community", value="300000.00", end=dt.date(2017, 3, 31)),
        "bb": r.add("99E", "Provide", "community", value="200000.00", end=dt.date(2018, 3, 31)),
        "cpr": r.add("99F", "Provide", "community", value="100000.00", end=dt.date(2019, 3, 31)),
        "sth": r.add("99G", "Provide", "community", value=None, end=dt.date(2018, 9, 30)),
        "mid_mh": r.add("06Q", "Provide", "mental health", value=mental_health),
    }
    for n in range(3):  # contracts no proposal touches
        r.add("07G", f"Lonely Provider {n}", "other")
    propose(session, on=AS_AT, representatives=no_duplicates)
    return contracts


def plan(session: Session, **options: Any) -> Any:
    options.setdefault("representatives", no_duplicates)
    return make_plan(session, **options).as_json()


def test_the_plan_takes_the_larger_proposal_and_names_the_alternative(session: Session) -> None:
    contracts = overlapping_register(session)
    data = plan(session)
    assert set(data) == PLAN_KEYS
    assert data["on"] == "2016-04-01"
    assert data["contracts_before"] == 8
    [planned] = data["proposals"]
    assert set(planned) == PROPOSAL_KEYS
    assert planned["rule"] == "one-provider-one-service"
    assert {c["id"] for c in planned["contracts"]} == {
        contracts[k].id for k in ("mid", "bb", "cpr", "sth")
    }
    assert data["contracts_after"] == 8 - (4 - 1)
    # an unknown value adds nothing and is never taken as a figure of its own
    assert planned["annual_value"] == "600000.00" == data["annual_value"]
    [left] = data["left_out"]
    assert left["conflicts_with"] == planned["id"]


def test_go_live_is_the_day_after_the_latest_member_ends(session: Session) -> None:
    contracts = overlapping_register(session)
    [planned] = plan(session)["proposals"]
    assert planned["go_live"] == "2019-04-01"
    months = {e["contract"]: (e["ends"], e["months"]) for e in planned["extensions"]}
    assert months == {
        contracts["mid"].id: ("2017-03-31", 24),
        contracts["bb"].id: ("2018-03-31", 12),
        contracts["cpr"].id: ("2019-03-31", 0),
        contracts["sth"].id: ("2018-09-30", 6),
    }


def test_a_chosen_go_live_gives_early_ends(session: Session) -> None:
    contracts = overlapping_register(session)
    [planned] = plan(session, go_live=dt.date(2018, 4, 1))["proposals"]
    months = {e["contract"]: e["months"] for e in planned["extensions"]}
    assert planned["go_live"] == "2018-04-01"
    assert months[contracts["cpr"].id] == -12
    assert months[contracts["mid"].id] == 12


def test_value_objective_puts_value_before_contracts(session: Session) -> None:
    overlapping_register(session, mental_health="5000000.00")
    by_contracts = plan(session)
    by_value = plan(session, objective=Objective.VALUE)
    assert by_contracts["contracts_after"] == 8 - 3
    assert by_contracts["annual_value"] == "600000.00"
    # Mid Essex's two contracts (2 → 1) cover £5,300,000: more value, fewer contracts removed
    assert by_value["contracts_after"] == 8 - 1
    assert by_value["annual_value"] == "5300000.00"
    assert by_value["left_out"] == [
        {"id": by_contracts["proposals"][0]["id"], "conflicts_with": by_value["proposals"][0]["id"]}
    ]


def test_an_accepted_proposal_is_always_in_the_plan(session: Session) -> None:
    overlapping_register(session)
    left = plan(session)["left_out"][0]["id"]
    set_decision(session, left, "accept")
    data = plan(session)
    assert [p["id"] for p in data["proposals"]] == [left]
    assert data["contracts_after"] == 8 - 1


def test_rejected_proposals_are_never_planned(session: Session) -> None:
    overlapping_register(session)
    first = plan(session)["proposals"][0]["id"]
    set_decision(session, first, "reject")
    data = plan(session)
    assert first not in {p["id"] for p in data["proposals"]}
    assert data["left_out"] == []


def test_two_accepted_overlapping_proposals_are_refused(session: Session) -> None:
    overlapping_register(session)
    data = plan(session)
    set_decision(session, data["proposals"][0]["id"], "accept")
    set_decision(session, data["left_out"][0]["id"], "accept")
    with pytest.raises(PlanConflict, match="share contract"):
        plan(session)


def test_another_date_than_the_stored_proposals_is_refused(session: Session) -> None:
    overlapping_register(session)
    with pytest.raises(PlanError, match="made as at 2016-04-01, not 2017-04-01"):
        plan(session, on=dt.date(2017, 4, 1))
    assert plan(session, on=AS_AT)["on"] == "2016-04-01"


def test_a_duplicate_copy_counts_once_and_contracts_gone_drop_out(session: Session) -> None:
    contracts = overlapping_register(session)
    r = Register(session)
    copy = r.add("99F", "Provide", "community", value="100000.00", source="copies")
    gone = contracts["bb"]
    gone.in_register = False
    session.flush()

    def copies(_session: Session) -> dict[int, int]:
        return {copy.id: contracts["cpr"].id, contracts["cpr"].id: contracts["cpr"].id}

    data = plan(session, representatives=copies)
    assert data["contracts_before"] == 9 - 1 - 1  # 9 in the store, one gone, one extra copy
    [planned] = data["proposals"]
    assert len(planned["contracts"]) == 3
    assert data["contracts_after"] == data["contracts_before"] - 2


def test_no_proposals_is_an_empty_plan(session: Session) -> None:
    Register(session).add()
    data = plan(session, on=AS_AT)
    assert data["proposals"] == [] and data["left_out"] == []
    assert data["contracts_before"] == data["contracts_after"] == 1
