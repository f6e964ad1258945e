"""Robustness on real NHS "spend over £25k" CSVs: not registers, but they must import
with a --map or fail with clear findings — never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from contracts.errors import InputRejected
from importers import import_file

REAL = Path(__file__).parents[2] / ".." / "shared" / "data" / "real" / "nhs_spend_over_25k"
FILES = sorted(REAL.glob("*.csv")) if REAL.is_dir() else []
MAPPING = [
    "Expense Type=title",
    "Transaction Reference=reference",
    "Transaction Number=reference",
    "Date Paid=start_date",
    "Date=start_date",
    "AP Amount=annual_value",
]


@pytest.mark.skipif(not FILES, reason=f"real spend files not found at {REAL}")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_spend_file_imports_or_explains(session: Session, path: Path, tmp_path: Path) -> None:
    try:
        report = import_file(
            session,
            path,
            mapping=MAPPING,
            commissioner="NHS Mid Essex CCG",
            skip_invalid=True,
            rejects=tmp_path / "rejects.csv",
        )
    except InputRejected as error:  # a clear one-sentence refusal is acceptable
        assert str(error).endswith(("again", "that", "--map"))
        return
    assert report.rows_read > 10
    assert report.created + report.rejected + report.unchanged == report.rows_read
    assert report.created > 0, report.render_text()
    for finding in report.findings:
        assert finding.code and finding.message and finding.file == path.name
    assert report.sheets[0].columns["provider"] in ("Supplier", "Supplier Name")
