"""How fast `contracts import` is against bare openpyxl reading of the same file.

Writes registers of 10,000 and 100,000 rows (title rows, a header, every
canonical column, real dates, numbers and text money), then times two whole
processes, start to exit: (a) Python iterating every row with openpyxl
read-only, and (b) `contracts import FILE --commissioner 06Q` into a fresh
SQLite database (created beforehand, untimed); prints both, their ratio and
each process's peak memory (ru_maxrss). Target: import within 1.3× the bare
read.

    .venv/bin/python bench/import_bench.py            # 10,000 and 100,000 rows
    .venv/bin/python bench/import_bench.py 10000      # one size
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def write_register(path: Path, rows: int, seed: int = 1) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    providers = [f"Provider {n} Ltd" for n in range(300)] + ["EPUT", "Provide CIC", "RAJ"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Register")
    sheet.append(["Contract register (generated for the import benchmark)"])
    sheet.append([])
    sheet.append(HEADERS)
    for n in range(rows):
        start = dt.datetime(2014, 4, 1) + dt.timedelta(days=rng.randrange(0, 2000))
        annual = rng.randrange(10_000, 5_000_000)
        sheet.append(
            [
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
        )
    workbook.save(path)


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
    print(f"import benchmark on {platform.machine()}, Python {platform.python_version()}")
    columns = ("rows", "bare read s", "import s", "ratio", "bare MiB", "import MiB")
    widths = (8, 12, 9, 6, 9, 11)
    print(" ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"register-{size}.xlsx"
            write_register(path, size)
            bare = bare_read(path)
            imported = full_import(path, Path(folder) / f"bench-{size}.db")
            ratio = imported["seconds"] / bare["seconds"]
            print(
                f"{size:>8} {bare['seconds']:>12.2f} {imported['seconds']:>9.2f} {ratio:>6.2f} "
                f"{bare['peak_mb']:>9.0f} {imported['peak_mb']:>11.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
