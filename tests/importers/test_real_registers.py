"""Every real published file we hold, through the command line as a new user would run it:
imported with every row accounted for, or refused in one sentence — never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

REAL = Path(__file__).parents[2] / ".." / "shared" / "data" / "real"
FILES = sorted(
    [
        *(REAL / "registers").glob("*.csv"),
        *(REAL / "registers").glob("*.xlsx"),
        *(REAL / "nhs_spend_over_25k").glob("*.csv"),
    ]
)


@pytest.mark.skipif(not FILES, reason=f"real files not found under {REAL}")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_real_file_is_read_or_refused_in_one_sentence(path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'x.db'}"
    args = ["--database", url, "import", str(path), "--commissioner", "99E", "--dry-run"]

    text = runner.invoke(main, args)
    assert text.exit_code in (0, 1), text.output
    assert text.exception is None or isinstance(text.exception, SystemExit), text.exception
    assert "Traceback" not in text.output

    accounted = runner.invoke(
        main, [*args, "--skip-invalid", "--rejects", str(tmp_path / "r.csv"), "--format", "json"]
    )
    assert accounted.exception is None or isinstance(accounted.exception, SystemExit)
    (report,) = json.loads(accounted.stdout)["files"]
    if report["outcome"] == "refused":
        sentence = report["error"]
        assert sentence.startswith(path.name) and "\n" not in sentence
        assert text.stderr.startswith(f"Error: {sentence}")
        return
    assert report["rows_read"] > 0
    stored = report["created"] + report["updated"] + report["unchanged"]
    assert stored + report["rejected"] + report["not_contracts"] == report["rows_read"]
    for finding in report["findings"]:
        if finding["severity"] == "error":
            assert finding["cell"] and finding["message"]
