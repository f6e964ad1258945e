"""A corpus of broken and hostile files, built here, fed to import and review: each gets
exit code 1 and a sentence, never a traceback, in bounded time, with the store unchanged."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from cli import main
from contracts.store.models import AuditEntry, Contract, ImportBatch, Organisation
from tests.importers.helpers import HEADERS, simple_register, write_csv
from tests.test_gate import hostile_files

ROW = ["X-1", "Community nursing", "Mid Essex CCG", "Provide CIC", "01/04/2016", "31/03/2019"]


def _corrupt_deflate(tmp_path: Path) -> Path:
    path = simple_register(tmp_path / "deflate-src.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 16] = b"\xff" * 16
    broken = tmp_path / "deflate.xlsx"
    broken.write_bytes(bytes(data))
    return broken


def _bad_shared_string(tmp_path: Path) -> Path:
    source = simple_register(tmp_path / "sst-src.xlsx")
    target = tmp_path / "sst.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<sheetData>",
                    b'<sheetData><row r="1"><c r="A1" t="s"><v>99999</v></c></row>',
                    1,
                )
            copy.writestr(info, data)
    return target


def corpus(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, a phrase its refusal holds)."""
    files = dict(hostile_files(tmp_path))
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(simple_register(tmp_path / "whole.xlsx").read_bytes()[:700])
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + "x," * 99_999 + "x\n")
    runaway = tmp_path / "runaway.csv"
    runaway.write_text(",".join(HEADERS) + '\n"' + ("never closed\n" * 5000))
    nul = write_csv(tmp_path / "nul.csv", [HEADERS, [*ROW[:3], "Provide\x00 CIC", *ROW[4:], "1"]])
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 64)
    utf32 = tmp_path / "utf32.csv"
    utf32.write_bytes(",".join(HEADERS).encode("utf-32"))
    odd_name = tmp_path / "-- ünïcode\nname;rm -rf.xlsx"
    odd_name.write_bytes(b"PK\x03\x04 not a zip at all")
    long_title = write_csv(
        tmp_path / "long.csv", [HEADERS, [ROW[0], "t" * 1_000_000, *ROW[2:], "1"]]
    )
    files.update(
        {
            "truncated-zip": (truncated, "not a readable Excel workbook"),
            "corrupt-deflate": (_corrupt_deflate(tmp_path), "damaged"),
            "bad-shared-string": (_bad_shared_string(tmp_path), ""),
            "100k-columns": (wide, "more than the 16,384 columns"),
            "runaway-quote": (runaway, "never closes"),
            "nul-bytes": (nul, "control character U+0000"),
            "binary": (binary, "neither UTF-8 nor Windows-1252"),
            "utf-32": (utf32, ""),
            "odd-name": (odd_name, "not a readable Excel workbook"),
            "1MB-title": (long_title, "more than the 500 the store keeps"),
        }
    )
    return files


def _store_state(url: str) -> tuple[int, ...]:
    engine = create_engine(url)
    with engine.connect() as connection:
        state = tuple(
            connection.scalar(select(func.count()).select_from(model)) or 0
            for model in (Contract, ImportBatch, Organisation, AuditEntry)
        )
    engine.dispose()
    return state


@pytest.mark.parametrize("command", ["import", "review"])
def test_every_hostile_file_is_refused_in_words_with_the_store_unchanged(
    runner: CliRunner, database_url: str, tmp_path: Path, command: str
) -> None:
    before = _store_state(database_url)
    for name, (path, phrase) in corpus(tmp_path).items():
        started = time.monotonic()
        result = runner.invoke(main, ["--database", database_url, command, str(path)])
        elapsed = time.monotonic() - started
        assert elapsed < 30, f"{name} took {elapsed:.0f} s"
        assert result.exit_code == 1, f"{name}: {result.output}"
        assert isinstance(result.exception, SystemExit), f"{name}: {result.exception!r}"
        assert "Traceback" not in result.output, name
        last = result.output.strip().splitlines()[-1]
        assert last.startswith("Error: ") and len(last) < 600, f"{name}: {last[:600]}"
        if command == "import" and phrase:
            assert phrase in result.output, f"{name}: {result.output[-800:]}"
        assert len(result.output) < 20_000, f"{name}: {len(result.output)} characters"
    assert _store_state(database_url) == before


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    gigabyte = 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (gigabyte, gigabyte))


@pytest.mark.parametrize("command", ["import", "review"])
def test_bombs_stay_within_memory_in_a_real_process(tmp_path: Path, command: str) -> None:
    """The whole tool in its own process, its address space capped: bombs and special files
    are refused within the cap and 60 s (a FIFO would hang; /dev/zero would fill memory)."""
    contracts = Path(sys.executable).with_name("contracts")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    files = hostile_files(tmp_path)
    for name in ("fifo", "dev-zero", "ratio-bomb", "billion-laughs", "xxe"):
        path, phrase = files[name]
        completed = subprocess.run(
            [str(contracts), "--database", url, command, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=_limit_memory,
            env={**os.environ, "COLUMNS": "200"},
            check=False,
        )
        assert completed.returncode == 1, f"{name}: {completed.stderr}"
        assert "Traceback" not in completed.stderr and phrase in completed.stderr, name


@pytest.mark.parametrize(
    ("url", "phrase"),
    [
        ("postgresql+psycopg://u@127.0.0.1:99999/x", "invalid port"),
        ("postgresql+psycopg://u@127.0.0.1:abc/x", "cannot use database"),
        ("postgresql+psycopg://u@nohost.invalid:5432/x", "nohost.invalid"),
        ("sqlite:///x.db?foo=bar", "'foo' are not accepted"),
        ("nosuchdialect://x", "cannot use database"),
    ],
)
def test_bad_database_urls_are_one_sentence(
    runner: CliRunner, url: str, phrase: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["--database", url, "orgs", "list"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and phrase in lines[0], lines


@pytest.mark.postgres
def test_bad_query_argument_on_postgresql_is_one_sentence(
    runner: CliRunner, database_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL only: psycopg refuses an unknown connection option")
    result = runner.invoke(main, ["--database", database_url + "?bogus=1", "orgs", "list"])
    assert result.exit_code == 1, result.output
    assert 'invalid connection option "bogus"' in result.output
    assert "Traceback" not in result.output


def test_a_million_sparse_rows_is_refused_within_a_minute_and_a_gigabyte(tmp_path: Path) -> None:
    """The issue's limits case: a small workbook of a million sparse rows, refused in words,
    the whole process measured (its own peak memory, from wait4)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Register")
    sheet.append(["Reference", "Title", "Provider", "Commissioner", "Annual value"])
    for n in range(1_000_000):
        sheet.append([f"R{n}"] if n % 2 else [None, None, None, None, n])
    path = tmp_path / "sparse.xlsx"
    workbook.save(path)
    contracts = Path(sys.executable).with_name("contracts")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    started = time.monotonic()
    process = subprocess.Popen(
        [str(contracts), "--database", url, "import", str(path), "--commissioner", "99E"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    stdout, stderr = process.communicate()
    assert process.returncode == 1, stdout + stderr
    assert "1,000,001 rows" in stderr and "Traceback" not in stderr
    assert elapsed < 60, f"{elapsed:.0f} s"
    assert usage.ru_maxrss < 1024 * 1024, f"{usage.ru_maxrss // 1024} MiB"  # kB on Linux
