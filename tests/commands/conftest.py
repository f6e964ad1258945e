"""The demo's database, made once for the command tests that only read it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from cli import main
from contracts.sample.demo import DATABASE_FILE, run_demo

WIDTHS = [80, 100]


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("demo")
    run_demo(out, echo=lambda *_args, **_kw: None)
    return f"sqlite:///{out / DATABASE_FILE}"


Run = Callable[..., Result]


@pytest.fixture
def run(demo_url: str) -> Run:
    """``run(width, *args)``: the command on the demo's database at that terminal width."""

    def invoke(width: int, *args: str) -> Result:
        result = CliRunner().invoke(
            main, ["--database", demo_url, *args], env={"COLUMNS": str(width)}
        )
        assert result.exit_code == 0, result.output
        return result

    return invoke


def lines_fit(output: str, width: int) -> None:
    """Every line of a table in ``output`` fits ``width`` columns (sentences may wrap)."""
    for line in output.splitlines():
        if any(edge in line for edge in "│┃┏└"):
            assert len(line.rstrip()) <= width, line
