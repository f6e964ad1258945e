"""How fast `contracts import` is against bare openpyxl reading of the same file.

Writes registers of 10,000 and 100,000 rows (title rows, a header, every
canonical column, real dates, numbers and text money), then in separate
processes times (a) bare openpyxl read-only iteration over every row and
(b) a full import into a fresh SQLite database, and prints both, their
ratio and each process's peak memory (ru_maxrss). Target: import within 2×
the bare read, memory flat as rows grow.

    .venv/bin/python bench/import_bench.py            # 10,000 and 100,000 rows
    .venv/bin/python bench/import_bench.py 10000      # one size
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import random
import resource
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


def bare_read(path: Path) -> dict[str, float]:
    from openpyxl import load_workbook

    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = 0
    for sheet in workbook.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            rows += 1
    workbook.close()
    return {"seconds": time.perf_counter() - started, "rows": rows}


def full_import(path: Path, database: Path) -> dict[str, float]:
    from contracts.store import db
    from importers import import_file

    engine = db.open_database(f"sqlite:///{database}")  # created at head before timing
    started = time.perf_counter()
    with db.session_factory(engine).begin() as session:
        report = import_file(session, path, commissioner="06Q")
    seconds = time.perf_counter() - started
    engine.dispose()
    assert not report.failed, report.render_text()[:2000]
    return {"seconds": seconds, "rows": report.rows_read, "created": report.created}


def measure(kind: str, path: Path, database: Path) -> dict[str, float]:
    """Run one measurement in a fresh process, so peak memory is its own."""
    output = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(path), str(database)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    print(f"import benchmark on {platform.machine()}, Python {platform.python_version()}")
    columns = ("rows", "bare read s", "import s", "ratio", "bare MB", "import MB")
    widths = (8, 12, 9, 6, 8, 10)
    print(" ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"register-{size}.xlsx"
            write_register(path, size)
            bare = measure("bare", path, Path(folder) / "unused.db")
            imported = measure("import", path, Path(folder) / f"bench-{size}.db")
            ratio = imported["seconds"] / bare["seconds"]
            print(
                f"{size:>8} {bare['seconds']:>12.2f} {imported['seconds']:>9.2f} {ratio:>6.2f} "
                f"{bare['peak_mb']:>8.0f} {imported['peak_mb']:>10.0f}",
                flush=True,
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        kind, file, db_path = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
        if kind == "bare":
            result = bare_read(file)
        else:
            from contracts.store import db as _db

            _db.open_database(f"sqlite:///{db_path}").dispose()
            result = full_import(file, db_path)
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
