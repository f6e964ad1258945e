"""The finance workbook on paper: LibreOffice prints it to PDF, and the text read back
shows every header whole, the Summary on one or two A4 pages, the chart on its own
page, and page counts that stay bounded."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections import Counter
from pathlib import Path

import pytest

from contracts.sample.demo import run_demo
from contracts.workbook.layout import CONTRACT_COLUMNS, PROPOSAL_COLUMNS
from contracts.workbook.plan_sheet import PLAN_COLUMNS

pytestmark = pytest.mark.libreoffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


def printed(path: Path, out_dir: Path) -> list[str]:
    """The workbook printed to PDF by LibreOffice, as the text of each page."""
    if SOFFICE is None or PDFTOTEXT is None:
        pytest.skip(
            "LibreOffice (soffice) or pdftotext is not installed; "
            "apt-get install libreoffice-calc-nogui poppler-utils, as .ci/run does"
        )
    profile = out_dir / f"lo-profile-{uuid.uuid4().hex}"
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    pdf = out_dir / (path.stem + ".pdf")
    assert done.returncode == 0 and pdf.exists(), done.stderr
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def sheet_of(page: str) -> str:
    found = re.search(r"(\w+), page \d+", page)
    assert found, page[-300:]
    return found.group(1)


def test_the_demo_workbook_prints_legibly_on_a4(tmp_path: Path) -> None:
    demo = run_demo(tmp_path / "demo", echo=lambda _line: None)
    assert demo.workbook is not None
    pages = printed(demo.workbook, tmp_path / "pdf")
    sheets = Counter(sheet_of(p) for p in pages)

    assert list(dict.fromkeys(sheet_of(p) for p in pages)) == [
        "Summary",
        "Plan",
        "Proposals",
        "Contracts",
        "Duplicates",
    ]
    assert 1 <= sheets["Summary"] <= 2
    summary = "\n".join(p for p in pages if sheet_of(p) == "Summary")
    for label in ("Contracts after the plan", "Annual value the plan covers", "Alternatives"):
        assert label in summary
    # the chart is on a page of its own, whole (its title and its axis on one page)
    chart_pages = [p for p in pages if "The plan by rule" in p]
    assert len(chart_pages) == 1
    # headers whole on every first page across: wrapped, never cut ("Contracts b")
    flat = {s: " ".join(" ".join(p for p in pages if sheet_of(p) == s).split()) for s in sheets}
    for sheet, columns in (
        ("Plan", PLAN_COLUMNS),
        ("Proposals", PROPOSAL_COLUMNS),
        ("Contracts", CONTRACT_COLUMNS),
    ):
        for column in columns:
            if column.hidden:
                continue
            words = column.header.split()
            assert all(w in flat[sheet] for w in words), (sheet, column.header)
    # bounded: a few pages per hundred rows, whatever the text in them
    assert sheets["Plan"] <= 16
    assert sheets["Proposals"] <= 90
    assert sheets["Contracts"] <= 70
    assert "Members' remaining terms" in flat["Plan"]  # the Gantt chart
