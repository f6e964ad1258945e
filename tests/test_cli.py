"""The command line: help everywhere, reference data as JSON, clear errors."""

from __future__ import annotations

import json
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from cli import main
from contracts.store import db


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


ALL_COMMANDS = [(), *_commands(main)]


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "contracts")
def test_every_command_has_help(runner: CliRunner, path: tuple[str, ...]) -> None:
    result = runner.invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    assert command.help and len(command.help.strip()) > 20, f"{path} needs help text"


def test_orgs_list_json_has_the_reference_organisations(
    runner: CliRunner, database_url: str
) -> None:
    result = runner.invoke(main, ["--database", database_url, "orgs", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    by_code = {o["code"]: o for o in json.loads(result.output) if o["code"]}
    assert by_code["99E"]["kind"] == "CCG"
    assert by_code["99E"]["footprint"] == "mid and south Essex"
    assert by_code["06T"]["footprint"] == "north east Essex"
    assert by_code["07H"]["footprint"] == "west Essex"
    assert by_code["E10000012"]["kind"] == "local authority"
    assert by_code["RDD"]["successor_code"] == "RAJ"
    assert by_code["RQ8"]["successor_code"] == "RAJ"
    assert by_code["RWN"]["successor_code"] == "R1L"
    assert by_code["RRD"]["successor_code"] == "R1L"
    assert by_code["RAT"]["name"] == "NELFT NHS Foundation Trust"
    assert by_code["X24"]["kind"] == "NHS England"
    expected = {"99E", "99F", "06Q", "99G", "07G", "06T", "07H", "E10000012", "E06000033"}
    expected |= {"E06000034", "RDD", "RQ8", "RAJ", "RYC", "RAT", "RRD", "RWN", "R1L", "RDE", "RQW"}
    assert expected <= set(by_code)


def test_orgs_alias_show_and_merge(runner: CliRunner, database_url: str) -> None:
    base = ["--database", database_url, "orgs"]
    assert runner.invoke(main, [*base, "alias", "B'don Hosp", "RDD"]).exit_code == 0
    shown = runner.invoke(main, [*base, "show", "b'don hosp", "--format", "json"])
    assert json.loads(shown.output)["ods_code"] == "RDD"
    merged = runner.invoke(main, [*base, "merge", "RDE", "RQW"])
    assert merged.exit_code == 0 and "succeeded by" in merged.output


def test_unknown_organisation_is_one_sentence(runner: CliRunner, database_url: str) -> None:
    result = runner.invoke(main, ["--database", database_url, "orgs", "show", "Thurok Council"])
    assert result.exit_code == 1
    assert "did you mean 'Thurrock Council'" in result.output
    assert "Traceback" not in result.output


def test_database_behind_head_gets_a_message(runner: CliRunner, empty_database_url: str) -> None:
    db.upgrade(empty_database_url, "0001")
    result = runner.invoke(main, ["--database", empty_database_url, "summary"])
    assert result.exit_code == 1
    assert "run 'contracts db upgrade'" in result.output
    assert runner.invoke(main, ["--database", empty_database_url, "db", "upgrade"]).exit_code == 0
    current = runner.invoke(main, ["--database", empty_database_url, "db", "current"])
    assert "up to date" in current.output


def test_password_is_never_printed(runner: CliRunner) -> None:
    url = "postgresql+psycopg://analyst:s3cret-pw@127.0.0.1:1/nowhere?connect_timeout=1"
    result = runner.invoke(main, ["--database", url, "db", "current"])
    assert result.exit_code == 1
    assert "s3cret-pw" not in result.output
    assert "***" in result.output


def test_summary_and_list_of_a_register(runner: CliRunner, database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as connection:
        provider = connection.scalar(text("SELECT id FROM organisations WHERE ods_code = 'RDD'"))
        ccg = connection.scalar(text("SELECT id FROM organisations WHERE ods_code = '99E'"))
        connection.execute(
            text(
                "INSERT INTO contracts (source, source_key, reference, title, provider_id, "
                "annual_value, in_register, start_date, end_date, service_category) VALUES "
                "('bb', 'A1', 'A1', 'Acute services', :p, 12345678901, true, "
                "'2015-04-01', '2018-03-31', 'acute')"
            ),
            {"p": provider},
        )
        contract = connection.scalar(text("SELECT id FROM contracts"))
        connection.execute(
            text(
                "INSERT INTO contract_parties (contract_id, organisation_id, role) "
                "VALUES (:c, :o, 'lead commissioner')"
            ),
            {"c": contract, "o": ccg},
        )
    engine.dispose()
    base = ["--database", database_url]

    summary = json.loads(runner.invoke(main, [*base, "summary", "--format", "json"]).output)
    assert summary["contracts"] == 1
    assert summary["annual_value"] == "123456789.01"
    assert summary["by_commissioner"][0]["name"] == "NHS Basildon and Brentwood CCG"

    listed = runner.invoke(main, [*base, "list", "--provider", "BTUH", "--format", "json"])
    rows = json.loads(listed.output)
    assert [r["reference"] for r in rows] == ["A1"]
    assert rows[0]["annual_value"] == "123456789.01"
    assert rows[0]["provider_code"] == "RDD"
    assert rows[0]["commissioner_code"] == "99E"
    inactive = runner.invoke(main, [*base, "list", "--active-on", "2019-01-01", "--format", "json"])
    assert json.loads(inactive.output) == []

    shown = json.loads(runner.invoke(main, [*base, "show", "A1", "--format", "json"]).output)
    assert shown["provenance"]["file"] is None and shown["identity"] == "bb:A1"
