"""`contracts duplicates` and its subcommands, through click's test runner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cli import main
from contracts.duplicates.stored_run import current_run, inputs_digest
from contracts.store.models import DuplicateRun
from tests.contracts.duplicates.duplicate_factory import add_contract


def seed(sessions: sessionmaker[Session]) -> dict[str, str]:
    """Two copies of one contract, and one contract of another provider; returns uids/ids."""
    with sessions.begin() as session:
        lead = add_contract(
            session,
            source="mid-essex",
            reference="ME/0042",
            title="Community Services",
            associates=("99E",),
        )
        copy = add_contract(
            session,
            source="basildon",
            reference="BB-77",
            title="Comm svcs",
            lead="99E",
            annual="1200000.00",
        )
        other = add_contract(
            session, source="basildon", reference="BB-78", title="Hospice care", provider="RQ8"
        )
        return {
            "lead": str(lead.id),
            "copy": str(copy.id),
            "other": str(other.id),
            "lead_uid": lead.uid,
        }


def run(runner: CliRunner, url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(main, ["--database", url, *args], catch_exceptions=False)


def test_bare_duplicates_prints_the_report_table(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    result = run(runner, database_url, "duplicates", "--explain-blocking")
    assert result.exit_code == 0, result.output
    assert "ME/0042" in result.output and "BB-77" in result.output
    assert "same provider" in result.output
    assert "1 sets (2 copies) among 3 contracts" in result.output
    assert "£1,200,000.00 a year would be counted twice" in result.output
    assert "Candidate pairs by block rule:" in result.output
    assert "same provider: 1" in result.output


def test_duplicates_json_is_the_interface_shape_alone_on_stdout(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    ids = seed(sessions)
    result = runner.invoke(
        main,
        ["--database", database_url, "duplicates", "--format", "json", "--explain-blocking"],
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert len(data) == 1
    assert [c["id"] for c in data[0]["contracts"]] == sorted(int(ids[k]) for k in ("lead", "copy"))
    assert {c["reference"] for c in data[0]["contracts"]} == {"ME/0042", "BB-77"}
    assert {c["source"] for c in data[0]["contracts"]} == {"mid-essex", "basildon"}
    assert 0.8 <= data[0]["score"] <= 1.0
    assert "same provider" in data[0]["reasons"]
    assert data[0]["id"].startswith("D-")


def test_duplicates_csv_has_one_row_per_copy(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    result = run(runner, database_url, "duplicates", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["reference"] for r in rows] == ["ME/0042", "BB-77"]
    assert rows[0]["annual_value"] == "1234567.00"
    assert rows[0]["set"] == rows[1]["set"]


def test_a_high_min_score_leaves_nothing(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    result = run(runner, database_url, "duplicates", "--min-score", "1", "--format", "json")
    assert json.loads(result.output) == []


def test_explain_shows_each_field(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    ids = seed(sessions)
    result = run(runner, database_url, "duplicates", "explain", ids["lead_uid"], ids["other"])
    assert result.exit_code == 0
    for field in ("reference", "provider", "commissioners", "title", "period", "annual_value"):
        assert field in result.output
    assert "never a duplicate" in result.output
    data = json.loads(
        run(
            runner,
            database_url,
            "duplicates",
            "explain",
            ids["lead"],
            ids["copy"],
            "--format",
            "json",
        ).output
    )
    assert data["verdict"].startswith("duplicate")
    assert {f["field"]: f["level"] for f in data["fields"]}["title"] == "near_identical"


def test_confirm_and_reject_change_later_reports(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    ids = seed(sessions)
    result = run(
        runner,
        database_url,
        "duplicates",
        "reject",
        ids["lead"],
        ids["copy"],
        "--notes",
        "two lots",
    )
    assert result.exit_code == 0 and "rejected" in result.output
    assert json.loads(run(runner, database_url, "duplicates", "--format", "json").output) == []
    result = run(runner, database_url, "duplicates", "confirm", ids["lead"], ids["other"])
    assert result.exit_code == 0
    data = json.loads(run(runner, database_url, "duplicates", "--format", "json").output)
    assert [c["id"] for c in data[0]["contracts"]] == sorted(int(ids[k]) for k in ("lead", "other"))


def test_user_errors_are_one_sentence_with_exit_1(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    ids = seed(sessions)
    result = runner.invoke(
        main, ["--database", database_url, "duplicates", "confirm", ids["lead"], ids["lead"]]
    )
    assert result.exit_code == 1 and "same contract" in result.output
    weights = tmp_path / "w.toml"
    weights.write_text("[weights.title]\nsimlar = 1\n", encoding="utf-8")
    result = runner.invoke(
        main, ["--database", database_url, "duplicates", "--weights", str(weights)]
    )
    assert result.exit_code == 1
    assert "weights.title.simlar" in result.output and "Traceback" not in result.output


def test_summary_says_duplicates_are_counted_once(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    result = run(runner, database_url, "summary")
    assert result.exit_code == 0
    assert "1 contracts recorded more than once are counted once" in result.output
    data = json.loads(run(runner, database_url, "summary", "--format", "json").output)
    assert data["contracts"] == 2 and data["duplicates_counted_once"] == 1


def test_every_duplicates_command_has_help_with_an_example(runner: CliRunner) -> None:
    for command in ([], ["explain"], ["confirm"], ["reject"]):
        result = runner.invoke(main, ["duplicates", *command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output


def test_the_table_lists_under_each_set_its_own_copies(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    with sessions.begin() as session:
        add_contract(
            session, source="thurrock", reference="TH-9", title="Hospice care", provider="RQ8"
        )
    result = run(runner, database_url, "duplicates")
    assert result.exit_code == 0, result.output
    sections = result.output.split("\nD-")[1:]
    assert len(sections) == 2
    by_reference = {
        ref: n
        for n, text in enumerate(sections)
        for ref in ("ME/0042", "BB-77", "BB-78", "TH-9")
        if ref in text
    }
    assert by_reference["ME/0042"] == by_reference["BB-77"]
    assert by_reference["BB-78"] == by_reference["TH-9"] != by_reference["ME/0042"]


def test_the_default_report_is_kept_for_summary_propose_and_export(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    seed(sessions)
    run(runner, database_url, "duplicates", "--min-score", "0.9")
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(DuplicateRun)) == 0

    run(runner, database_url, "duplicates")

    with sessions.begin() as session:
        (stored,) = session.scalars(select(DuplicateRun)).all()
        assert stored.inputs_digest == inputs_digest(session)
        assert current_run(session) == stored.id
