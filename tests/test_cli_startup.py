"""`contracts --help` loads no heavy library; its listing says what each command says.

The command modules are imported only when their command runs (issue 15: every
command paid 0.5–0.8 s before doing anything), so the listing in ``cli.COMMANDS``
is checked here against the commands themselves.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import cli

ROOT = Path(__file__).resolve().parents[1]
HEAVY = (
    "sqlalchemy",
    "alembic",
    "openpyxl",
    "python_calamine",
    "rapidfuzz",
    "numpy",
    "ortools",
    "rich",
    "xlsxwriter",
)

_PROBE = """
import json, sys
from click.testing import CliRunner
import cli
result = CliRunner().invoke(cli.main, sys.argv[1:])
print(json.dumps({"exit": result.exit_code, "output": result.output,
                  "loaded": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def _probe(*args: str, cwd: Path = ROOT) -> dict[str, object]:
    """Run the command line in a fresh interpreter: what it printed and what it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_help_imports_no_heavy_library() -> None:
    result = _probe("--help")
    assert result["exit"] == 0
    assert "propose" in str(result["output"]) and "export" in str(result["output"])
    loaded = set(result["loaded"])  # type: ignore[call-overload]
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_a_command_loads_what_it_needs(tmp_path: Path) -> None:
    """The other side: a command that writes a workbook does load openpyxl, so the probe
    above would see a heavy import if --help made one."""
    database = f"sqlite:///{tmp_path / 'contracts.db'}"
    result = _probe(
        "--database", database, "template", str(tmp_path / "register.xlsx"), cwd=tmp_path
    )
    assert result["exit"] == 0, result["output"]
    assert (tmp_path / "register.xlsx").stat().st_size > 0
    assert "openpyxl" in set(result["loaded"])  # type: ignore[call-overload]


def test_the_listing_says_what_each_command_says() -> None:
    lazy_help = CliRunner().invoke(cli.main, ["--help"]).output
    for name, entry in cli.COMMANDS.items():
        command = entry.load()
        assert command.name == name
        first_paragraph = (command.help or "").split("\n\n")[0]
        assert " ".join(first_paragraph.split()) == entry.summary, name
    group = click_group_with_every_command()
    assert CliRunner().invoke(group, ["--help"]).output == lazy_help


def click_group_with_every_command() -> cli.ContractsGroup:
    """``cli.main`` with every command loaded: click then words the listing itself."""
    for name in cli.COMMANDS:
        cli.main.get_command(None, name)  # type: ignore[arg-type]
    assert set(cli.main.commands) == set(cli.COMMANDS)
    assert isinstance(cli.main, cli.ContractsGroup)
    return cli.main


def test_importing_a_csv_into_a_store_at_head_loads_no_workbook_library(tmp_path: Path) -> None:
    """Each register is imported by a process of its own, so what a command loads before it
    reads a row is paid once a file: a CSV import into an up-to-date store needs neither
    openpyxl nor alembic nor numpy (the store's revision is read with one query), nor rich
    (its tables and progress bars are for a terminal)."""
    database = f"sqlite:///{tmp_path / 'contracts.db'}"
    register = tmp_path / "register.csv"
    register.write_text(
        "Reference,Title,Provider,Commissioner,Start date,End date,Annual value\n"
        "R1,Community nursing,Acme Care Ltd,Southend CCG,01/04/2016,31/03/2017,1000\n",
        encoding="utf-8",
    )
    created = _probe("--database", database, "db", "upgrade", cwd=tmp_path)
    assert created["exit"] == 0, created["output"]

    result = _probe("--database", database, "import", str(register), cwd=tmp_path)

    assert result["exit"] == 0, result["output"]
    assert "rows read 1: 1 created" in str(result["output"])
    loaded = set(result["loaded"])  # type: ignore[call-overload]
    assert not loaded & {"openpyxl", "alembic", "numpy", "rich"}, sorted(loaded)
