"""`contracts import` and `contracts template` through the command line."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select

from cli import main
from contracts.store import db
from contracts.store.models import Contract, ImportBatch
from importers import import_file
from importers.columns import match_header
from tests.importers.helpers import simple_register, write_csv


def invoke(runner: CliRunner, url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(main, ["--database", url, *args])


def test_import_text_report_and_reimport(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    path = simple_register(tmp_path / "mid-essex.xlsx")
    result = invoke(runner, database_url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "mid-essex.xlsx → source 'mid-essex': imported" in result.output
    assert "Supplier → provider" in result.output
    assert "2 created" in result.output
    result = invoke(runner, database_url, "import", str(path))
    assert result.exit_code == 0
    assert "nothing changed: this file is identical" in result.output


def test_import_rejected_exit_code_and_json(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    rows = [["X-1", "t", "Nowhere CCG", "EPUT", None, None, "1"]]
    path = simple_register(tmp_path / "bad.xlsx", rows)
    result = invoke(runner, database_url, "import", str(path), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    (report,) = data["files"]
    assert report["outcome"] == "rejected"
    assert report["findings"][0]["code"] == "unknown-commissioner"
    assert report["findings"][0]["cell"] == "Register!C4"
    text = invoke(runner, database_url, "import", str(path))
    assert text.exit_code == 1
    assert "unknown-commissioner  bad.xlsx  Register!C4  'Nowhere CCG'" in text.stdout
    assert "1 of 1 file(s) rejected" in text.stderr


def test_refused_file_is_one_sentence(runner: CliRunner, database_url: str, tmp_path: Path) -> None:
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = invoke(runner, database_url, "import", str(old))
    assert result.exit_code == 1
    assert "old.xls is an old Excel 97-2003 workbook (.xls)" in result.stderr
    assert "Traceback" not in result.output


def test_skip_invalid_needs_rejects(runner: CliRunner, database_url: str, tmp_path: Path) -> None:
    path = simple_register(tmp_path / "r.xlsx")
    result = invoke(runner, database_url, "import", str(path), "--skip-invalid")
    assert result.exit_code == 2
    assert "--rejects" in result.output


def test_commissioner_and_dry_run_options(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "thurrock.csv",
        [["Ref", "Title", "Provider", "Annual value"], ["T-1", "Stroke rehab", "NELFT", "£9"]],
    )
    result = invoke(runner, database_url, "import", str(path), "--commissioner", "07G", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing was written" in result.output
    result = invoke(runner, database_url, "import", str(path), "--commissioner", "07G")
    assert result.exit_code == 0
    listed = invoke(runner, database_url, "list", "--format", "json")
    (contract,) = json.loads(listed.stdout)
    assert (contract["commissioner_code"], contract["annual_value"]) == ("07G", "9.00")


def test_template(runner: CliRunner, database_url: str, tmp_path: Path) -> None:
    out = tmp_path / "new-register.xlsx"
    result = invoke(runner, database_url, "template", str(out))
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    register = workbook["Register"]
    headers = [c.value for c in register[1]]
    assert [match_header(h) for h in headers] == [
        "reference",
        "title",
        "commissioner",
        "commissioner_code",
        "associate_commissioners",
        "provider",
        "provider_code",
        "service_category",
        "contract_form",
        "start_date",
        "end_date",
        "annual_value",
        "total_value",
        "payment_mechanism",
        "status",
        "notes",
    ]
    lists = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in register.data_validations.dataValidation
    }
    assert set(lists) == {"C2", "H2", "I2"}
    commissioners = [c.value for c in workbook["Lists"]["A"][1:]]
    assert "NHS Mid Essex CCG" in commissioners
    assert workbook["Notes"]["A2"].value == "Reference"
    workbook.close()
    # an empty template imports cleanly (nothing to do)
    result = invoke(runner, database_url, "import", str(out))
    assert result.exit_code == 0
    assert "no contract rows" in result.output


def test_concurrent_imports_both_succeed(database_url: str, tmp_path: Path) -> None:
    """Two imports of one file at once: one waits for the other; nothing doubles or is lost."""
    path = simple_register(tmp_path / "shared.xlsx")
    other = simple_register(
        tmp_path / "other.xlsx", [["O-1", "Other", "06Q", "EPUT", None, None, 1]]
    )
    errors: list[BaseException] = []

    def run(file: Path) -> None:
        engine = db.open_database(database_url)
        try:
            with db.session_factory(engine).begin() as session:
                import_file(session, file)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run, args=(f,)) for f in (path, path, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = db.open_database(database_url)
    with db.session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Contract)) == 3
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 2
    engine.dispose()
