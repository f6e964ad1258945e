"""`contracts orgs add | load | suggest` and `--commissioner` for any commissioner in England."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from cli import main
from tests.importers.helpers import write_workbook


def _run(runner: CliRunner, url: str, *args: str) -> Result:
    return runner.invoke(main, ["--database", url, *args])


def test_add_then_show_by_its_code(runner: CliRunner, database_url: str) -> None:
    added = _run(runner, database_url, "orgs", "add", "Essex Carers Network CIO",
                 "--kind", "voluntary/community", "--code", "NQX9")  # fmt: skip
    assert added.exit_code == 0, added.output
    shown = _run(runner, database_url, "orgs", "show", "nqx9", "--format", "json")
    data = json.loads(shown.stdout)
    assert (data["name"], data["origin"], data["is_commissioner"]) == (
        "Essex Carers Network CIO",
        "user",
        False,
    )
    again = _run(runner, database_url, "orgs", "add", "ESSEX CARERS NETWORK", "--kind", "other")
    assert again.exit_code == 1
    assert "already names 'Essex Carers Network CIO'" in again.output


def test_load_twice_says_nothing_changed(runner: CliRunner, database_url: str) -> None:
    result = _run(runner, database_url, "orgs", "load")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 organisation(s) added, 0 updated")
    missing = _run(runner, database_url, "orgs", "load", "--from", "/nonexistent/folder")
    assert missing.exit_code == 2  # click: the folder does not exist


def test_a_norfolk_register_imports_with_its_own_commissioner(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "norfolk.xlsx",
        {"Register": [["Ref", "Title", "Supplier", "Start"],
                      ["N-1", "Home care", "Norfolk & Norwich Univ Hospitals", "01/04/2016"]]},
    )  # fmt: skip
    result = _run(runner, database_url, "import", str(path), "--commissioner",
                  "Norfolk County Council")  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = json.loads(_run(runner, database_url, "list", "--format", "json").stdout)
    assert [(c["commissioner_code"], c["provider_code"]) for c in listed] == [("E10000020", "RM1")]


def test_suggest_lists_pairs_with_evidence_and_the_command(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "typos.xlsx",
        {"Register": [["Ref", "Title", "Supplier"],
                      ["T-1", "Home care", "Acme Home Care Services Limited"],
                      ["T-2", "Day care", "Acme Home Care Servces Ltd"]]},
    )  # fmt: skip
    imported = _run(runner, database_url, "import", str(path), "--commissioner", "06Q")
    assert imported.exit_code == 0, imported.output
    result = _run(runner, database_url, "orgs", "suggest", "--format", "json")
    (pair,) = json.loads(result.stdout)
    assert pair["same_as"] == "Acme Home Care Services Limited"
    assert pair["evidence"] and pair["score"] >= 88
    assert pair["command"] == (
        'contracts orgs merge "Acme Home Care Servces Ltd" "Acme Home Care Services Limited"'
    )


def test_list_fits_80_columns_with_every_code_whole(runner: CliRunner, database_url: str) -> None:
    for width in (80, 100):
        result = runner.invoke(
            main, ["--database", database_url, "orgs", "list"], terminal_width=width
        )
        assert result.exit_code == 0, result.output
        assert all(len(line) <= width for line in result.output.splitlines())
        # National reference codes (ODS, GSS) appear whole, never cut with "…"
        for code in ("RDD", "RQ8", "E10000012", "E06000033"):
            assert f"│ {code} " in result.output
    wide = runner.invoke(main, ["--database", database_url, "orgs", "list", "--wide"])
    assert "successor" in wide.output and "commissioner" in wide.output
