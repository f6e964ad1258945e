"""How fast `contracts import` is against bare openpyxl reading of the same file, and
whether its memory stays flat as the register grows.

Writes registers of 10,000 and 100,000 rows (title rows, a header, every
canonical column, real dates, numbers and text money), then times whole
processes, start to exit: (a) Python iterating every row with openpyxl
read-only, (b) `contracts import FILE --commissioner 06Q` into a fresh
SQLite database (created beforehand, untimed), and (c) the same import of the
same rows saved as CSV. Prints each one's seconds and peak memory (ru_maxrss
from wait4), the time ratio import / bare read, and at the end how much each
peak grew from the smallest size to the largest, all from one run. Targets:
import within 1.3× the bare read; its peak (nearly) the same at every size.

    .venv/bin/python bench/import_bench.py            # 10,000 and 100,000 rows
    .venv/bin/python bench/import_bench.py 10000      # one size
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADERS = [
    "Contract Ref",
    "Contract title",
    "Commissioning Organisation",
    "Associate commissioners",
    "Supplier",
    "Service Type",
    "Contract type",
    "Commencement Date",
    "Expiry",
    "Value p.a. (£)",
    "Total contract value",
    "Payment mechanism",
    "Status",
    "Comments",
]
COMMISSIONERS = ["99E", "99F", "06Q", "99G", "07G", "NHS Mid Essex CCG", "Southend CCG"]
CATEGORIES = ["Community", "acute", "Mental Health", "CHC", "Diagnostics", "Hospice"]
FORMS = ["NHS Standard Contract", "Shorter form", "Grant", "SLA"]


def register_rows(rows: int, seed: int = 1) -> Iterator[list[Any]]:
    """The register's rows: a title, a blank row, the header, then ``rows`` contracts."""
    rng = random.Random(seed)
    providers = [f"Provider {n} Ltd" for n in range(300)] + ["EPUT", "Provide CIC", "RAJ"]
    yield ["Contract register (generated for the import benchmark)"]
    yield []
    yield HEADERS
    for n in range(rows):
        start = dt.datetime(2014, 4, 1) + dt.timedelta(days=rng.randrange(0, 2000))
        annual = rng.randrange(10_000, 5_000_000)
        yield [
            f"REF-{n:06d}",
            f"Service {n % 997} for locality {n % 13}",
            rng.choice(COMMISSIONERS),
            "99F; 07G" if n % 10 == 0 else None,
            rng.choice(providers),
            rng.choice(CATEGORIES),
            rng.choice(FORMS),
            start,
            start + dt.timedelta(days=365 * rng.randrange(1, 5) - 1),
            annual if n % 3 else f"£{annual:,}.00",
            annual * 3,
            "block",
            "live",
            "generated" if n % 5 == 0 else None,
        ]


def write_register(path: Path, rows: int, seed: int = 1) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Register")
    for row in register_rows(rows, seed):
        sheet.append(row)
    workbook.save(path)


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    """The same rows as a CSV file, dates written as a person would (day first)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        for row in register_rows(rows, seed):
            out.writerow(
                f"{v:%d/%m/%Y}" if isinstance(v, dt.datetime) else ("" if v is None else v)
                for v in row
            )


BARE_READ = """
import sys
from openpyxl import load_workbook
workbook = load_workbook(sys.argv[1], read_only=True, data_only=True)
rows = 0
for sheet in workbook.worksheets:
    for _row in sheet.iter_rows(values_only=True):
        rows += 1
workbook.close()
print(rows)
"""


def run(command: list[str]) -> dict[str, float]:
    """Run ``command`` as a whole process: its wall-clock seconds and peak memory (MiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[:3]} failed: {err[-2000:]}{out[-2000:]}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "out": out}


def bare_read(path: Path) -> dict[str, float]:
    return run([sys.executable, "-c", BARE_READ, str(path)])


def full_import(path: Path, database: Path) -> dict[str, float]:
    url = f"sqlite:///{database}"
    contracts = str(Path(sys.executable).with_name("contracts"))
    run([contracts, "--database", url, "db", "upgrade"])  # created before timing
    result = run([contracts, "--database", url, "import", str(path), "--commissioner", "06Q"])
    assert " created" in result["out"], result["out"][-2000:]
    return result


def main(sizes: list[int]) -> None:
    print(
        f"import benchmark on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {dt.date.today()}"
    )
    columns = ("rows", "bare s", "import s", "ratio", "bare MiB", "import MiB", "csv s", "csv MiB")
    widths = (8, 8, 9, 6, 9, 11, 7, 8)
    print(" ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    peaks: list[tuple[float, float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"register-{size}.xlsx"
            write_register(path, size)
            bare = bare_read(path)
            imported = full_import(path, Path(folder) / f"bench-{size}.db")
            path.unlink()
            text = Path(folder) / f"register-{size}.csv"
            write_csv(text, size)
            from_csv = full_import(text, Path(folder) / f"bench-{size}-csv.db")
            text.unlink()
            ratio = imported["seconds"] / bare["seconds"]
            peaks.append((bare["peak_mb"], imported["peak_mb"], from_csv["peak_mb"]))
            print(
                f"{size:>8} {bare['seconds']:>8.2f} {imported['seconds']:>9.2f} {ratio:>6.2f} "
                f"{bare['peak_mb']:>9.0f} {imported['peak_mb']:>11.0f} "
                f"{from_csv['seconds']:>7.2f} {from_csv['peak_mb']:>8.0f}",
                flush=True,
            )
    if len(peaks) > 1:
        names = ("bare read", "import", "csv import")
        growth = ", ".join(
            f"{name} {last - first:+.0f} MiB (×{last / first:.2f})"
            for name, first, last in zip(names, peaks[0], peaks[-1], strict=True)
        )
        print(f"peak from {sizes[0]:,} to {sizes[-1]:,} rows: {growth}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
