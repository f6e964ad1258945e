"""`contracts propose`, `contracts proposals` and the summary's before → after."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from cli import main
from contracts.proposals.summary import summarise_register
from tests.contracts.proposals.proposal_factory import COUNCIL, Register

INTERFACE_KEYS = {
    "id",
    "rule",
    "title",
    "status",
    "provider",
    "lead_commissioner",
    "commissioners",
    "contracts",
    "annual_value",
    "contracts_before",
    "contracts_after",
    "earliest_start",
    "reasons",
}


def fill(sessions: sessionmaker[Session]) -> None:
    """Provide's community services for three CCGs, plus a council buying them too."""
    with sessions.begin() as session:
        r = Register(session)
        r.add("06Q", "Provide", "community", value="300000.00", title="Community nursing")
        r.add("99E", "Provide", "community", value="200000.00", title="Community therapies")
        r.add("99F", "Provide", "community", value="100000.00", title="Rehabilitation")
        r.add(
            "E10000012", "Provide", "community", form=COUNCIL, value="50000.00", title="Reablement"
        )


def invoke(runner: CliRunner, url: str, *args: str) -> str:
    result = runner.invoke(main, ["--database", url, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_propose_json_has_the_interface_shape(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    fill(sessions)
    data = json.loads(
        invoke(runner, database_url, "propose", "--on", "2016-04-01", "--format", "json")
    )
    assert data["as_at"] == "2016-04-01" and data["dry_run"] is False
    by_rule = {p["rule"]: p for p in data["proposals"]}
    assert set(by_rule) == {"one-provider-one-service", "nhs-and-council"}
    single = by_rule["one-provider-one-service"]
    assert set(single) >= INTERFACE_KEYS
    assert single["title"] == "Community services from Provide for 3 CCGs"
    assert single["annual_value"] == "600000.00"
    assert {"id", "reference", "source"} <= set(single["contracts"][0])
    joint = by_rule["nhs-and-council"]
    assert joint["needs_partnership_agreement"] is True
    assert joint["annual_value"] == "650000.00"
    # Both proposals hold the CCGs' contracts: counted once, 4 contracts → 1.
    assert (data["contracts_before"], data["contracts_after"]) == (4, 1)
    listed = json.loads(invoke(runner, database_url, "proposals", "--format", "json"))
    assert sorted(p["id"] for p in listed) == sorted(p["id"] for p in data["proposals"])


def test_propose_table_dry_run_and_csv(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    fill(sessions)
    output = invoke(runner, database_url, "propose", "--on", "2016-04-01", "--dry-run")
    assert "4 contracts → 1 if every proposal were accepted" in output
    assert "dry run: nothing stored" in output
    assert json.loads(invoke(runner, database_url, "proposals", "list", "--format", "json")) == []
    invoke(runner, database_url, "propose", "--on", "2016-04-01")
    csv = invoke(runner, database_url, "proposals", "list", "--format", "csv").splitlines()
    assert csv[0] == (
        "id,status,rule,title,lead_commissioner,contracts,annual_value,earliest_start,flags"
    )
    assert len(csv) == 3


def test_show_and_decide(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    fill(sessions)
    data = json.loads(
        invoke(runner, database_url, "propose", "--on", "2016-04-01", "--format", "json")
    )
    pid = next(p["id"] for p in data["proposals"] if p["rule"] == "one-provider-one-service")
    output = invoke(runner, database_url, "proposals", "decide", pid, "accept", "--notes", "ok")
    assert f"{pid} Community services from Provide for 3 CCGs: accepted" in output
    shown = json.loads(invoke(runner, database_url, "proposals", "show", pid, "--format", "json"))
    assert shown["status"] == "accepted"
    assert [(d["decision"], d["notes"], d["via"]) for d in shown["decisions"]] == [
        ("accepted", "ok", "cli")
    ]
    table = invoke(runner, database_url, "proposals", "show", pid[:7])
    assert "Contracts it would replace" in table
    csv = invoke(runner, database_url, "proposals", "show", pid[:7], "--format", "csv")
    assert "Community nursing" in csv and "reason,same provider: Provide" in csv
    accepted = invoke(
        runner, database_url, "proposals", "list", "--status", "accepted", "--format", "json"
    )
    assert [p["id"] for p in json.loads(accepted)] == [pid]
    # Running the rules again keeps the decision.
    again = json.loads(
        invoke(runner, database_url, "propose", "--on", "2016-04-01", "--format", "json")
    )
    assert again["kept"] == 1
    assert {p["id"]: p["status"] for p in again["proposals"]}[pid] == "accepted"


def test_user_errors_are_one_sentence(runner: CliRunner, database_url: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[form_groups]\nnhs = ["NHS Standard Contract"]\n[[rules]]\nname = "x"\n')
    result = runner.invoke(main, ["--database", database_url, "propose", "--rules", str(rules)])
    assert result.exit_code == 1
    assert f"Error: {rules} line 4: key 'description' of rule 'x': missing" in result.output
    result = runner.invoke(main, ["--database", database_url, "propose", "--footprint", "Kent"])
    assert result.exit_code == 1 and "'Kent' is not a footprint" in result.output
    result = runner.invoke(main, ["--database", database_url, "proposals", "show", "P-0"])
    assert result.exit_code == 1 and "no proposal has the ID 'P-0'" in result.output
    result = runner.invoke(main, ["--database", database_url, "proposals", "--status", "maybe"])
    assert result.exit_code == 1 and "'maybe' is not a proposal status" in result.output
    result = runner.invoke(main, ["--database", database_url, "propose", "--on", "31/4/2016"])
    assert result.exit_code == 2 and "'31/4/2016' is not a real date" in result.output


def test_summary_counts_before_and_after_each_contract_once(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    fill(sessions)
    with sessions.begin() as session:
        Register(session).add("06Q", "NELFT", "diagnostics", value=None, reference="D1")  # alone
    invoke(runner, database_url, "propose", "--on", "2016-04-01")
    with sessions.begin() as session:
        consolidation = summarise_register(session).consolidation
    assert consolidation is not None
    assert (consolidation.contracts_before, consolidation.contracts_after) == (5, 2)
    assert consolidation.contracts_covered == 4
    assert consolidation.value_covered == Decimal("650000.00")
    by_commissioner = {
        line.code: (line.before, line.after) for line in consolidation.by_commissioner
    }
    # The joint proposal is the larger of the two overlapping ones; Mid Essex leads it.
    assert by_commissioner == {
        "06Q": (2, 2),
        "99E": (1, 0),
        "99F": (1, 0),
        "E10000012": (1, 0),
    }
    by_provider = {line.name: (line.before, line.after) for line in consolidation.by_provider}
    assert by_provider["Provide Community Interest Company"] == (4, 1)
    data = json.loads(invoke(runner, database_url, "summary", "--format", "json"))
    assert data["consolidation"]["contracts_after"] == 2
    output = invoke(runner, database_url, "summary")
    assert "5 contracts → 2" in output
    assert "£650,000.00 a year covered" in output


def test_propose_counts_what_no_rule_could_consider_and_explain_lists_it(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    fill(sessions)
    with sessions.begin() as session:
        r = Register(session)
        outside = r.add("07H", "Provide", "community", title="Wheelchairs", value="7000.00").uid
        ended = r.add("99G", "Provide", "community", end=None, title="Falls", value="9100.00").uid
        grant = r.add(
            "99G", "Provide", "community", form="grant agreement", title="Carers", value="8.00"
        ).uid
    output = invoke(runner, database_url, "propose", "--on", "2016-04-01")
    assert "2 contracts in the register no rule could consider" in output
    assert "1 outside the footprint" in output and "--explain lists each" in output
    listed = invoke(runner, database_url, "propose", "--on", "2016-04-01", "--explain")
    assert "Contracts no rule could consider" in listed and outside in listed and grant in listed
    assert ended not in listed  # in force: it has no end date
    data = json.loads(
        invoke(
            runner, database_url, "propose", "--on", "2016-04-01", "--explain", "--format", "json"
        )
    )
    reasons = {item["uid"]: item["reason"] for item in data["left_out_contracts"]}
    assert reasons[outside].startswith("led by NHS West Essex CCG, outside")
    assert "grant agreement" in reasons[grant]
    assert data["left_out"] == {"a contract form no rule merges": 1, "outside the footprint": 1}
