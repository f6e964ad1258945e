"""The README's examples are what the tool prints on the demo's database, today."""

from __future__ import annotations

import difflib

from tests.readme_examples import MARKER, README, demo_runner, rewrite


def test_the_readme_examples_are_what_the_commands_print(demo_url: str) -> None:
    text = README.read_text(encoding="utf-8")
    commands = {m["command"].split()[1] for m in MARKER.finditer(text)}
    assert {"list", "show", "summary", "duplicates", "proposals", "propose", "plan"} <= commands
    regenerated = rewrite(text, demo_runner(demo_url))
    diff = "\n".join(
        difflib.unified_diff(text.splitlines(), regenerated.splitlines(), lineterm="", n=1)
    )
    assert regenerated == text, f"run `make readme` to update README.md:\n{diff[:4000]}"
