"""A register saved under a new file name is not imported as a second register unasked."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from click.testing import CliRunner

from tests.importers.helpers import HEADERS, simple_register, write_csv
from tests.registers import import_register, invoke, json_of, row

ROWS = [
    row("MSE-1", "Community nursing", "Provide CIC", "£1,200,000", end="31/03/2019"),
    row("MSE-2", "Wheelchair service", "Acme Wheels Ltd", "250k"),
    row("MSE-3", "Stroke rehabilitation", "Provide CIC", "£420,000", end="31/03/2018"),
    row("MSE-4", "Carers' support", "Chelmsford CVS", "£35,000"),
]
# The same register a month later, edited and saved under another name: a value
# changed and a contract added.
EDITED = [
    *ROWS[:2],
    [*ROWS[2][:6], "£450,000"],
    ROWS[3],
    row(
        "MSE-5", "Falls prevention", "Provide CIC", "£80,000", start="01/05/2016", end="31/03/2018"
    ),
]


def _contracts(runner: CliRunner, url: str) -> list[dict[str, object]]:
    contracts: list[dict[str, object]] = json_of(runner, url, "list")
    return contracts


def test_a_renamed_register_stops_with_the_source_it_matches(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    import_register(runner, database_url, tmp_path / "mid-essex.xlsx", ROWS)
    renamed = simple_register(tmp_path / "Mid Essex register March.xlsx", EDITED)

    for extra in ((), ("--dry-run",)):
        stopped = invoke(runner, database_url, "import", str(renamed), *extra)
        assert stopped.exit_code == 1
        assert (
            "Error: Mid Essex register March.xlsx looks like the register already imported as "
            "'mid-essex' (4 of its 5 contracts have the same references there); to update that "
            "register, import it with --source mid-essex, or to add it as a register of its "
            "own, use --as-new\n"
        ) in stopped.stderr
    assert len(_contracts(runner, database_url)) == 4  # nothing written

    updated = invoke(runner, database_url, "import", str(renamed), "--source", "mid-essex")
    assert updated.exit_code == 0, updated.output
    assert "1 created, 1 updated, 3 unchanged" in updated.output
    assert {c["source"] for c in _contracts(runner, database_url)} == {"mid-essex"}

    added = invoke(runner, database_url, "import", str(renamed), "--as-new")
    assert added.exit_code == 0, added.output
    assert "source 'Mid Essex register March': imported" in added.output
    assert len(_contracts(runner, database_url)) == 10


def test_a_csv_copy_is_the_same_register_and_a_name_with_spaces_is_quoted(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    import_register(runner, database_url, tmp_path / "first.xlsx", ROWS, "--source", "Mid Essex")
    copy = write_csv(tmp_path / "mid-essex-export.csv", [HEADERS, *ROWS], encoding="cp1252")
    stopped = invoke(runner, database_url, "import", str(copy))
    assert stopped.exit_code == 1
    assert "as 'Mid Essex' (4 of its 4 contracts" in stopped.stderr
    assert "--source 'Mid Essex'" in stopped.stderr


def test_registers_sharing_a_few_references_import_as_two(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    """A contract in two registers under one reference is a duplicate, not a renamed file."""
    import_register(runner, database_url, tmp_path / "mid-essex.xlsx", ROWS)
    southend_row = partial(row, commissioner="Southend CCG")
    southend = [
        southend_row("MSE-1", "Community nursing", "Provide CIC", "£1,200,000", end="31/03/2019"),
        southend_row("SCCG-2", "Wheelchair service", "Acme Wheels Ltd", "£90,000"),
        southend_row("SCCG-3", "Podiatry", "Provide CIC", "£60,000"),
    ]
    import_register(runner, database_url, tmp_path / "southend.xlsx", southend)
    assert len(_contracts(runner, database_url)) == 7


def test_a_retired_register_is_not_matched(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    import_register(runner, database_url, tmp_path / "mid-essex-2015.xlsx", ROWS)
    retired = invoke(runner, database_url, "sources", "retire", "mid-essex-2015", "--yes")
    assert retired.exit_code == 0, retired.output
    import_register(runner, database_url, tmp_path / "mid-essex-2016.xlsx", EDITED)
    assert {c["source"] for c in _contracts(runner, database_url)} == {"mid-essex-2016"}
