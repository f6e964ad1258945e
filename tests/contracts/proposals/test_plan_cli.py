"""`contracts plan` and `contracts propose` at another date, through the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cli import main
from contracts.store.models import Proposal
from tests.contracts.proposals.test_proposals_cli import fill


def run(runner: CliRunner, url: str, *args: str, code: int = 0) -> str:
    result = runner.invoke(main, ["--database", url, *args])
    assert result.exit_code == code, result.output
    return result.output


def stored(sessions: sessionmaker[Session]) -> dict[str, str]:
    with sessions() as session:
        return {
            pid: status for pid, status in session.execute(select(Proposal.id, Proposal.status))
        }


def test_plan_json_shape_and_arithmetic(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    fill(sessions)
    run(runner, database_url, "propose", "--on", "2016-04-01")
    data = json.loads(run(runner, database_url, "plan", "--format", "json"))
    assert set(data) == {
        "on",
        "contracts_before",
        "contracts_after",
        "annual_value",
        "proposals",
        "left_out",
    }
    assert data["on"] == "2016-04-01"
    removed = sum(len(p["contracts"]) - 1 for p in data["proposals"])
    assert data["contracts_after"] == data["contracts_before"] - removed
    assert data["contracts_before"] == 4
    [planned] = data["proposals"]
    # the joint arrangement holds all four (4 → 1) and beats the 3 CCGs' one (3 → 1)
    assert planned["rule"] == "nhs-and-council"
    assert planned["annual_value"] == data["annual_value"] == "650000.00"
    assert planned["go_live"] == "2018-04-01"
    assert {e["months"] for e in planned["extensions"]} == {0}
    assert [o["conflicts_with"] for o in data["left_out"]] == [planned["id"]]
    seen = [c["id"] for p in data["proposals"] for c in p["contracts"]]
    assert len(seen) == len(set(seen))


def test_plan_table_draws_the_timeline_and_csv_has_a_row_per_member(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    fill(sessions)
    run(runner, database_url, "propose", "--on", "2016-04-01")
    table = run(runner, database_url, "plan", "--go-live", "2017-04-01")
    assert "go-live 01/04/2017" in table
    assert "end 12 months early, on 31/03/2017" in table
    assert "Left out, each an alternative to a planned contract (1)" in table
    assert "4 contracts → 1" in table and "(4 − 3 = 1)" in table
    rows = run(runner, database_url, "plan", "--format", "csv").splitlines()
    assert rows[0].startswith("step,proposal,title")
    assert len(rows) == 1 + 4


def test_plan_follows_decisions_and_refuses_bad_options(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    fill(sessions)
    out = run(runner, database_url, "propose", "--on", "2016-04-01", "--format", "json")
    proposals = json.loads(out)["proposals"]
    three = next(p["id"] for p in proposals if p["rule"] == "one-provider-one-service")
    run(runner, database_url, "proposals", "decide", three, "accept")
    by_value = json.loads(
        run(runner, database_url, "plan", "--objective", "value", "--format", "json")
    )
    assert [p["id"] for p in by_value["proposals"]] == [three]  # accepted: always in
    assert by_value["annual_value"] == "600000.00"
    assert by_value["contracts_after"] == 4 - 2
    out = run(runner, database_url, "plan", "--on", "2017-04-01", code=1)
    assert "made as at 2016-04-01, not 2017-04-01" in out
    run(runner, database_url, "plan", "--objective", "cheapest", code=2)


def test_propose_at_another_date_stops_unless_replace(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    fill(sessions)
    run(runner, database_url, "propose", "--on", "2016-04-01")
    before = stored(sessions)
    assert before
    out = run(runner, database_url, "propose", code=1)  # today: another date
    assert "made as at 2016-04-01" in out and "--replace" in out
    assert out.count("\n") == 1, "one sentence"
    assert stored(sessions) == before
    run(runner, database_url, "propose", "--on", "2016-04-01")  # the same date refreshes
    assert stored(sessions) == before
    run(runner, database_url, "propose", "--on", "2016-05-01", "--dry-run")  # stores nothing
    assert stored(sessions) == before
    run(runner, database_url, "propose", "--on", "2030-04-01", "--replace")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Proposal)) == 0
    # nothing stored now, so any date may follow
    run(runner, database_url, "propose", "--on", "2016-04-01")
    assert stored(sessions) == before
