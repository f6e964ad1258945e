"""A register saved under a new file name is not imported as a second register unasked."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from cli import main
from tests.importers.helpers import HEADERS, simple_register, write_csv

ROWS = [
    ["MSE-1", "Community nursing", "Mid Essex CCG", "Provide CIC", "01/04/2016", "31/03/2019",
     "£1,200,000"],
    ["MSE-2", "Wheelchair service", "Mid Essex CCG", "Acme Wheels Ltd", "01/04/2016",
     "31/03/2017", "250k"],
    ["MSE-3", "Stroke rehabilitation", "Mid Essex CCG", "Provide CIC", "01/04/2016",
     "31/03/2018", "£420,000"],
    ["MSE-4", "Carers' support", "Mid Essex CCG", "Chelmsford CVS", "01/04/2016", "31/03/2017",
     "£35,000"],
]  # fmt: skip
# The same register a month later, edited and saved under another name: a value
# changed and a contract added.
EDITED = [*ROWS[:2], [*ROWS[2][:6], "£450,000"], ROWS[3],
          ["MSE-5", "Falls prevention", "Mid Essex CCG", "Provide CIC", "01/05/2016",
           "31/03/2018", "£80,000"]]  # fmt: skip


def invoke(runner: CliRunner, url: str, *args: str) -> Result:
    return runner.invoke(main, ["--database", url, *args])


def _contracts(runner: CliRunner, url: str) -> list[dict[str, object]]:
    result = invoke(runner, url, "list", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_renamed_register_stops_with_the_source_it_matches(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    first = simple_register(tmp_path / "mid-essex.xlsx", ROWS)
    assert invoke(runner, database_url, "import", str(first)).exit_code == 0
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
    first = simple_register(tmp_path / "first.xlsx", ROWS)
    assert (
        invoke(runner, database_url, "import", str(first), "--source", "Mid Essex").exit_code == 0
    )
    copy = write_csv(tmp_path / "mid-essex-export.csv", [HEADERS, *ROWS], encoding="cp1252")
    stopped = invoke(runner, database_url, "import", str(copy))
    assert stopped.exit_code == 1
    assert "as 'Mid Essex' (4 of its 4 contracts" in stopped.stderr
    assert "--source 'Mid Essex'" in stopped.stderr


def test_registers_sharing_a_few_references_import_as_two(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    """A contract in two registers under one reference is a duplicate, not a renamed file."""
    first = simple_register(tmp_path / "mid-essex.xlsx", ROWS)
    assert invoke(runner, database_url, "import", str(first)).exit_code == 0
    southend = [
        ["MSE-1", "Community nursing", "Southend CCG", "Provide CIC", "01/04/2016",
         "31/03/2019", "£1,200,000"],
        ["SCCG-2", "Wheelchair service", "Southend CCG", "Acme Wheels Ltd", "01/04/2016",
         "31/03/2017", "£90,000"],
        ["SCCG-3", "Podiatry", "Southend CCG", "Provide CIC", "01/04/2016", "31/03/2017",
         "£60,000"],
    ]  # fmt: skip
    other = simple_register(tmp_path / "southend.xlsx", southend)
    result = invoke(runner, database_url, "import", str(other))
    assert result.exit_code == 0, result.stderr
    assert len(_contracts(runner, database_url)) == 7


def test_a_retired_register_is_not_matched(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    first = simple_register(tmp_path / "mid-essex-2015.xlsx", ROWS)
    assert invoke(runner, database_url, "import", str(first)).exit_code == 0
    retired = invoke(runner, database_url, "sources", "retire", "mid-essex-2015", "--yes")
    assert retired.exit_code == 0, retired.output
    renamed = simple_register(tmp_path / "mid-essex-2016.xlsx", EDITED)
    result = invoke(runner, database_url, "import", str(renamed))
    assert result.exit_code == 0, result.stderr
    assert {c["source"] for c in _contracts(runner, database_url)} == {"mid-essex-2016"}
