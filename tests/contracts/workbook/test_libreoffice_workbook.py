"""LibreOffice Calc as the finance officer's spreadsheet: the workbook opens, recalculates
and reconciles to the penny, and text from the registers is still text afterwards.

The export stores formulas without results, so every figure LibreOffice reports is one it
calculated itself. Converting to .xlsx (rather than CSV) keeps each sheet and each cell's
type, so the test can tell a number from text and a formula from its result.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from contracts.store.models import Organisation
from contracts.store.money import PENNY
from contracts.workbook.export import export_workbook
from tests.contracts.workbook.workbook_helpers import add_contract, add_proposal

pytestmark = pytest.mark.libreoffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PROBES = ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", '=HYPERLINK("http://evil","x")')
CONVERT_TIMEOUT_SECONDS = 180


def recalculated_by_libreoffice(path: Path, out_dir: Path) -> Path:
    """Open ``path`` in LibreOffice Calc headless and save it again as .xlsx."""
    if SOFFICE is None:
        pytest.skip(
            "LibreOffice is not installed (soffice is not on the PATH); "
            "apt-get install libreoffice-calc-nogui, as .ci/run does"
        )
    # A private profile per run, so parallel runs do not fight over one.
    profile = out_dir / f"lo-profile-{uuid.uuid4().hex}"
    completed = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--calc",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out_dir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=CONVERT_TIMEOUT_SECONDS,
        check=False,
    )
    converted = out_dir / path.name
    assert completed.returncode == 0 and converted.exists(), completed.stderr
    return converted


def _build(session: Session) -> list[str]:
    """Proposals across rules and statuses, a duplicate pair, and a probe in each text."""
    texts: list[str] = []
    members = []
    for i, probe in enumerate(PROBES):
        provider = Organisation(name=f"{probe} provider {i}", origin="import")
        session.add(provider)
        session.flush()
        members.append(
            add_contract(
                session,
                reference=probe,
                title=f"{probe}",
                source=f"register {i}",
                provider=provider,
                commissioner=("99E", "99F", "06Q")[i % 3],
                annual_value=Decimal(f"{(i + 1) * 1234567}.{i:02d}") * (-1 if i == 2 else 1),
                row=i + 2,
            )
        )
        texts.append(probe)
    plain = [
        add_contract(
            session,
            reference=f"CHC-{n}",
            title="Continuing healthcare assessments",
            source=source,
            commissioner=commissioner,
            provider="RAT",
            annual_value=Decimal("333333.33"),
        )
        for n, (source, commissioner) in enumerate(
            [("mid-essex-register", "99E"), ("southend-register", "99G")]
        )
    ]
    add_proposal(session, "P-000000lo01", members[:3], title=PROBES[0], reasons=[PROBES[1]])
    add_proposal(session, "P-000000lo02", members[2:5], rule="three-hospitals", status="accepted")
    add_proposal(session, "P-000000lo03", [members[5], *plain], rule=PROBES[3], status="rejected")
    add_proposal(session, "P-000000lo04", plain, rule="nhs-and-council", flags=[PROBES[4]])
    return texts


def test_libreoffice_recalculates_every_figure_to_the_penny(
    session: Session, tmp_path: Path
) -> None:
    probes = _build(session)
    result = export_workbook(session, tmp_path / "finance.xlsx", row_figures=True)
    converted = recalculated_by_libreoffice(result.path, tmp_path / "lo")

    values = load_workbook(converted, data_only=True)
    formulas = load_workbook(converted)
    try:
        assert values.sheetnames == ["Summary", "Plan", "Proposals", "Contracts", "Duplicates"]
        assert result.figures, "the export wrote no formulas"
        for address, expected in result.figures.items():
            sheet, cell = address.split("!")
            assert formulas[sheet][cell].data_type == "f", f"{address} lost its formula"
            shown = values[sheet][cell].value
            assert isinstance(shown, int | float), f"{address} shows {shown!r}"
            assert Decimal(str(shown)).quantize(PENNY) == Decimal(expected).quantize(PENNY), address
        seen = 0
        for ws in formulas.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and any(p.strip() in cell.value for p in probes):
                        assert cell.data_type == "s", (
                            f"{ws.title}!{cell.coordinate} became a formula"
                        )
                        seen += 1
        assert seen >= 20
        # The probe in a reference is shown exactly as written, not calculated.
        contracts = values["Contracts"]
        header = [c.value for c in contracts[1]]
        references = {
            row[header.index("Reference")] for row in contracts.iter_rows(values_only=True)
        }
        assert {"=1+1", "+SUM(A1)", "-2+3", "@cmd"} <= references
    finally:
        values.close()
        formulas.close()
