"""The README's example outputs, made by running the commands on the demo's database.

Each example in README.md is a marker comment followed by a fenced block::

    <!-- example COLUMNS=100 first=12 last=2: contracts list --sort value -->
    ```
    $ contracts list --sort value
    …the output, its first 12 and last 2 lines…
    ```

Options: ``COLUMNS`` (the terminal's width, default 100), ``first`` and ``last``
(lines kept), ``from`` (start at the first line holding that word). ``python -m
tests.readme_examples`` runs `contracts demo` into a temporary
folder, runs every marked command on its database at that terminal width and
rewrites the blocks; ``--check`` only says whether the README is up to date
(tests/commands/test_readme_examples.py does the same). sqlite-utils keeps
its documentation honest the same way, with cog.
"""

from __future__ import annotations

import re
import shlex
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

README = Path(__file__).resolve().parent.parent / "README.md"
MARKER = re.compile(
    r"^<!-- example(?P<options>(?: \w+=\S+)*): (?P<command>contracts .*?) -->\n"
    r"```[a-z]*\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
Run = Callable[[list[str], int], str]


def _trim(output: str, first: int | None, last: int | None, start: str | None = None) -> list[str]:
    """The first and last lines of ``output`` (from the first line holding ``start``),
    with … for what was left out."""
    lines = [line.rstrip() for line in output.rstrip("\n").splitlines()]
    if start is not None:
        at = next(n for n, line in enumerate(lines) if start in line)
        lines = (["…"] if at else []) + lines[at:]
    if first is None and last is None:
        return lines
    head, tail = first or 0, last or 0
    if head + tail >= len(lines):
        return lines
    return [*lines[:head], "…", *(lines[-tail:] if tail else [])]


def rewrite(text: str, run: Run) -> str:
    """``text`` with every example block made again by ``run(arguments, columns)``."""

    def example(match: re.Match[str]) -> str:
        options = dict(o.split("=", 1) for o in match["options"].split())
        arguments = shlex.split(match["command"])[1:]
        output = run(arguments, int(options.get("COLUMNS", "100")))
        first = int(options["first"]) if "first" in options else None
        last = int(options["last"]) if "last" in options else None
        lines = _trim(output, first, last, options.get("from"))
        body = "\n".join([f"$ {match['command']}", *lines])
        opening = match.group(0).split("\n", 1)[0]
        return f"{opening}\n```\n{body}\n```"

    return MARKER.sub(example, text)


def demo_runner(database_url: str) -> Run:
    """Runs a command on ``database_url`` as a person would see it (stdout only)."""
    from cli import main

    def run(arguments: list[str], columns: int) -> str:
        result = CliRunner().invoke(
            main,
            ["--database", database_url, *arguments],
            env={"COLUMNS": str(columns), "CONTRACTS_DATABASE_URL": None},
        )
        if result.exit_code != 0:
            raise RuntimeError(f"contracts {shlex.join(arguments)} failed: {result.output}")
        return result.stdout

    return run


def make_demo(folder: Path) -> str:
    """The demo's database in ``folder``, as `contracts demo` makes it; its URL."""
    from contracts.sample.demo import DATABASE_FILE, run_demo

    run_demo(folder, echo=lambda *_args, **_kw: None)
    return f"sqlite:///{folder / DATABASE_FILE}"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    with tempfile.TemporaryDirectory() as folder:
        updated = rewrite(README.read_text(encoding="utf-8"), demo_runner(make_demo(Path(folder))))
    if check:
        stale = updated != README.read_text(encoding="utf-8")
        print("README examples are out of date" if stale else "README examples are up to date")
        return 1 if stale else 0
    README.write_text(updated, encoding="utf-8")
    print(f"rewrote the examples in {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
