"""One gate for every file the tool reads: special files, bombs and DTDs are refused in one
sentence (exit 1) by import, review, template, and the rules and weights options."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook
from sqlalchemy import create_engine, func, select

from cli import main
from contracts import gate
from contracts.errors import InputRejected
from contracts.store.models import Contract, ImportBatch
from tests.importers.helpers import simple_register

# --- hostile files, built here ---------------------------------------------------


def _replace_part(source: Path, target: Path, part: str, content: bytes) -> Path:
    """A copy of the workbook ``source`` with one zip member's bytes replaced."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = content if info.filename == part else original.read(info.filename)
            copy.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def _base(tmp_path: Path) -> Path:
    return simple_register(tmp_path / "base.xlsx")


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def ratio_bomb(tmp_path: Path, name: str = "bomb.xlsx") -> Path:
    """A workbook whose sheet is 40 MB of blanks that deflate to about 40 KB."""
    sheet = SHEET_HEAD + b" " * (40 * 1024 * 1024) + b"<sheetData/></worksheet>"
    return _replace_part(_base(tmp_path), tmp_path / name, "xl/worksheets/sheet1.xml", sheet)


def crowded_zip(tmp_path: Path) -> Path:
    """A workbook with more parts than any workbook needs."""
    target = _replace_part(_base(tmp_path), tmp_path / "crowded.xlsx", "", b"")
    with zipfile.ZipFile(target, "a") as archive:
        for number in range(gate.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"xl/media/x{number}.bin", b"")
    return target


SHEET_BODY = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Proposal ID</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>%s</t></is></c></row></sheetData></worksheet>'
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'.encode()
        for n in range(1, 10)
    )
    + b"]>\n"
    + SHEET_BODY % b"&lol9;"
)
XXE = (
    b'<?xml version="1.0"?>\n<!-- '
    + b"padding " * 20000  # pushes the DOCTYPE far past the head of the part
    + b'-->\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&xxe;</t></si></sst>'
)


def _with_sheet(tmp_path: Path, name: str, xml: bytes) -> Path:
    workbook = Workbook()
    base = tmp_path / f"base-{name}"
    workbook.save(base)
    return _replace_part(base, tmp_path / name, "xl/worksheets/sheet1.xml", xml)


def hostile_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, a phrase the refusal must hold)."""
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.xlsx"
    zero.symlink_to("/dev/zero")
    folder_link = tmp_path / "folder.xlsx"
    folder_link.symlink_to(tmp_path)
    return {
        "fifo": (fifo, "named pipe (FIFO), not a file"),
        "dev-zero": (zero, "is a device, not a file"),
        "folder-link": (folder_link, "is a directory, not a file"),
        "missing": (tmp_path / "missing.xlsx", "does not exist"),
        "ratio-bomb": (ratio_bomb(tmp_path), "zip bomb"),
        "crowded": (crowded_zip(tmp_path), "more than the 10,000"),
        "billion-laughs": (
            _with_sheet(tmp_path, "laughs.xlsx", BILLION_LAUGHS),
            "document type declaration",
        ),
        "xxe": (_with_sheet(tmp_path, "xxe.xlsx", XXE), "document type declaration"),
    }


# --- through the command line ----------------------------------------------------


def _one_sentence(result: Result, phrase: str) -> None:
    """Exit 1, the refusal in one line; import adds its tally ("1 of 1 file(s) rejected")."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    tally = [line for line in lines[1:] if "file(s) rejected; nothing written" in line]
    assert lines[0].startswith("Error: ") and len(lines) == 1 + len(tally), result.output
    assert phrase in lines[0], lines[0]


def _contracts(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = (
            connection.scalar(select(func.count()).select_from(Contract)) or 0,
            connection.scalar(select(func.count()).select_from(ImportBatch)) or 0,
        )
    engine.dispose()
    return counts


@pytest.mark.parametrize("command", ["import", "review"])
def test_import_and_review_refuse_every_hostile_file_in_one_sentence(
    runner: CliRunner, database_url: str, tmp_path: Path, command: str
) -> None:
    before = _contracts(database_url)
    for name, (path, phrase) in hostile_files(tmp_path).items():
        started = time.monotonic()
        result = runner.invoke(main, ["--database", database_url, command, str(path)])
        assert time.monotonic() - started < 20, name
        _one_sentence(result, phrase)
    assert _contracts(database_url) == before


def test_the_xxe_entity_is_never_read(tmp_path: Path) -> None:
    path = _with_sheet(tmp_path, "xxe.xlsx", XXE)
    with pytest.raises(InputRejected) as refused:
        gate.check_zip(path, "the workbook")
    assert "root:" not in str(refused.value)


def test_a_real_workbook_and_csv_pass_the_gate(tmp_path: Path) -> None:
    path = simple_register(tmp_path / "ok.xlsx")
    assert gate.check_input(path, "the register") == path.stat().st_size
    gate.check_zip(path, "the register")


def test_corrupt_deflate_stream_is_one_sentence(tmp_path: Path) -> None:
    path = simple_register(tmp_path / "ok.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 8] = b"\xff" * 8
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(bytes(data))
    with pytest.raises(InputRejected, match="damaged"):
        gate.check_zip(broken, "the register")


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * 1000)
    with pytest.raises(InputRejected, match="refused as unsafe"):
        gate.check_input(path, "the register", gate.MAX_FILE_BYTES)


def test_rules_and_weights_files_pass_the_gate(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    fifo = tmp_path / "rules.toml"
    os.mkfifo(fifo)
    big = tmp_path / "weights.toml"
    big.write_text("# padding\n" * 200_000)
    for args, phrase in (
        (["propose", "--rules", str(fifo)], "named pipe (FIFO)"),
        (["duplicates", "--weights", str(fifo)], "named pipe (FIFO)"),
        (["duplicates", "--weights", str(big)], "refused as unsafe"),
    ):
        result = runner.invoke(main, ["--database", database_url, *args])
        _one_sentence(result, phrase)


def test_template_and_export_refuse_a_fifo_target(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    fifo = tmp_path / "new.xlsx"
    os.mkfifo(fifo)
    for args in (["template", str(fifo)], ["export", str(fifo)]):
        result = runner.invoke(main, ["--database", database_url, *args])
        _one_sentence(result, "named pipe (FIFO), not a file")


@pytest.mark.parametrize("command", ["import", "review"])
def test_past_the_gate_a_dtd_is_still_never_expanded(
    runner: CliRunner,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    """Defence in depth: with the DTD scan off, the parsers still refuse or ignore entities."""
    monkeypatch.setattr(gate, "_declares_dtd", lambda _archive, _entry: False)
    for name, xml in (("laughs.xlsx", BILLION_LAUGHS), ("xxe.xlsx", XXE)):
        path = _with_sheet(tmp_path, name, xml)
        result = runner.invoke(main, ["--database", database_url, command, str(path)])
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output and "root:" not in result.output
        assert "lollollol" not in result.output
