"""The one-command demo: the whole job on the sample, in its own folder and database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from contracts.sample.demo import DATABASE_FILE, WORKBOOK_FILE, run_demo
from contracts.sample.generate import load_truth


def _count(database: Path) -> int:
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT count(*) FROM contracts").fetchone()[0]
    finally:
        connection.close()


def test_contracts_demo_runs_end_to_end(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["demo", "--out", "tmp"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "tmp"
    truth = load_truth(out / "truth.json")
    headline = next(line for line in result.output.splitlines() if line.startswith("Headline:"))
    assert f"{len(truth['contracts'])} contracts in the register" in headline
    assert "→" in headline and "annual value covered £" in headline
    for entry in truth["files"]:
        assert (out / entry["path"]).is_file()
        assert entry["path"] in result.output  # each import reported
    assert _count(out / DATABASE_FILE) == len(truth["contracts"])
    assert (out / WORKBOOK_FILE).is_file()
    assert f"tmp/{WORKBOOK_FILE}" in result.output
    assert not (tmp_path / "contracts.db").exists()  # never the default database


def test_the_demo_starts_from_a_fresh_database_each_run(tmp_path: Path) -> None:
    lines: list[str] = []
    first = run_demo(tmp_path, echo=lines.append)
    second = run_demo(tmp_path, echo=lines.append)
    assert _count(tmp_path / DATABASE_FILE) == first.contracts_in_register == 320
    assert second.headline == first.headline
    assert first.proposals > 0 and first.duplicate_copies > 0
    after = first.contracts_in_register - first.duplicate_copies
    assert first.contracts_after < after < first.contracts_in_register
    assert first.workbook == tmp_path / WORKBOOK_FILE


def test_summary_plan_and_workbook_agree_on_the_demo(runner: CliRunner, tmp_path: Path) -> None:
    """`contracts summary`, `contracts plan` and the workbook count the same plan."""
    import json

    from openpyxl import load_workbook

    run_demo(tmp_path, echo=lambda _line: None)
    url = f"sqlite:///{tmp_path / DATABASE_FILE}"
    plan = json.loads(runner.invoke(main, ["--database", url, "plan", "--format", "json"]).output)
    summary = runner.invoke(main, ["--database", url, "summary", "--format", "json"])
    consolidation = json.loads(summary.output)["consolidation"]
    removed = sum(len(p["contracts"]) - 1 for p in plan["proposals"])
    assert plan["contracts_after"] == plan["contracts_before"] - removed
    assert consolidation["contracts_before"] == plan["contracts_before"]
    assert consolidation["contracts_after"] == plan["contracts_after"]
    assert consolidation["proposals"] == len(plan["proposals"])
    assert consolidation["value_covered"] == plan["annual_value"]
    plan_ids = {p["id"] for p in plan["proposals"]}
    workbook = load_workbook(tmp_path / WORKBOOK_FILE, read_only=True)
    try:  # a read-only workbook holds its file open until closed
        rows = list(workbook["Proposals"].iter_rows(values_only=True))
    finally:
        workbook.close()
    header = next(r for r in rows if r and "Proposal ID" in r)
    id_col, in_plan = header.index("Proposal ID"), header.index("In plan")
    marked = {r[id_col] for r in rows[rows.index(header) + 1 :] if r[id_col] and r[in_plan]}
    assert marked == plan_ids
