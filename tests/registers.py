"""Small registers and the CLI calls that import and read them, shared by the CLI tests.

Each register row is written by :func:`row` with Mid Essex CCG and a 2016 start as
defaults, so a test's rows show only what sets them apart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from cli import main
from tests.importers.helpers import simple_register


def row(
    reference: str,
    title: str,
    provider: str,
    value: str,
    *,
    end: str = "31/03/2017",
    commissioner: str = "Mid Essex CCG",
    start: str = "01/04/2016",
) -> list[str]:
    """One register row in the column order of ``tests.importers.helpers.HEADERS``."""
    return [reference, title, commissioner, provider, start, end, value]


def invoke(runner: CliRunner, url: str, *args: str, stdin: str | None = None) -> Result:
    """`contracts --database URL ARGS`, its exit code left to the test."""
    return runner.invoke(main, ["--database", url, *args], input=stdin)


def json_of(runner: CliRunner, url: str, *args: str) -> Any:
    """What `contracts ARGS --format json` prints, read; the command must succeed."""
    result = invoke(runner, url, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def import_register(
    runner: CliRunner, url: str, path: Path, rows: list[list[str]], *args: str
) -> Path:
    """Write ``rows`` as a register at ``path`` and import it; the import must succeed."""
    simple_register(path, rows)
    result = invoke(runner, url, "import", str(path), *args)
    assert result.exit_code == 0, result.output
    return path
