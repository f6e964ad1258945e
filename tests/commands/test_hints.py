"""Hints instead of silence: unknown categories, an empty default database, template files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from contracts.store import db
from tests.commands.conftest import WIDTHS, Run


@pytest.mark.parametrize("width", WIDTHS)
def test_an_unknown_category_gets_a_did_you_mean(demo_url: str, width: int) -> None:
    result = CliRunner().invoke(
        main,
        ["--database", demo_url, "list", "--category", "mentl helth"],
        env={"COLUMNS": str(width)},
    )
    assert result.exit_code == 1
    assert "no contract has the service category 'mentl helth'" in result.output
    assert "did you mean 'mental health'?" in result.output
    assert "categories in the register: a&e, acute" in result.output


def test_a_category_is_read_by_meaning(run: Run) -> None:
    acute = run(80, "list", "--category", "acute", "--format", "csv").output
    assert run(80, "list", "--category", "Acute care", "--format", "csv").output == acute
    assert len(acute.splitlines()) > 1


def _in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> object:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "80"})


@pytest.mark.parametrize(
    "args", [("list",), ("summary", "--format", "json"), ("duplicates",), ("proposals",)]
)
def test_an_empty_default_database_says_where_to_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    result = _in_empty_folder(tmp_path, monkeypatch, *args)
    assert result.exit_code == 0, result.output
    assert "The default database sqlite:///contracts.db" in result.stderr
    assert "--database URL or CONTRACTS_DATABASE_URL" in result.stderr
    assert "demo-output/contracts.db" in result.stderr
    assert "default database" not in result.stdout  # JSON stays alone on stdout


def test_no_hint_when_a_database_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'named.db'}"
    named = _in_empty_folder(tmp_path, monkeypatch, "--database", url, "list")
    assert named.exit_code == 0 and "default database" not in named.output
    monkeypatch.setenv(db.ENV_VAR, url)
    from_env = CliRunner().invoke(main, ["list"])
    assert from_env.exit_code == 0 and "default database" not in from_env.output


def test_template_refuses_to_overwrite_without_force(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "register.xlsx"
    out.write_bytes(b"a register someone filled in")
    refused = runner.invoke(main, ["--database", database_url, "template", str(out)])
    assert refused.exit_code == 1
    assert "already exists; nothing written (add --force" in refused.output
    assert out.read_bytes() == b"a register someone filled in"
    forced = runner.invoke(main, ["--database", database_url, "template", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert out.read_bytes().startswith(b"PK")  # an .xlsx now
