"""The whole pipeline at national scale, each stage against its library floor.

Writes the sample (`contracts sample DIR --contracts N`: ten registers with
realistic sharing between proposals), then runs every stage as a fresh
`contracts` process, exactly as a user would, beside the bare libraries on the
same files in the same run:

- floor *read*: a bare openpyxl read-only pass over every workbook (and
  ``csv.reader`` over every CSV), one process per file like the import;
- ``import`` of every register (one process per file, with the
  ``--commissioner`` the sample prints), each just after its file's bare read, into
  a store created beforehand (``db upgrade``, on SQLite as on PostgreSQL);
- ``duplicates``, ``propose``, ``plan`` (where the command exists), ``summary``;
- ``export``, against floor *write*: XlsxWriter in constant-memory mode writing
  the same number of cells of each sheet, cycling the export's own first rows (its
  text, numbers, dates and formulas, each with ``write``/``write_datetime``);
- ``review`` of the exported workbook, unchanged;
- ``contracts --help``.

Prints wall time and peak memory (each process's own ``ru_maxrss`` via
``os.wait4``) and the ratios the targets are set in (issue 15): import ≤ 1.3×
read, duplicates + propose ≤ 2× read, export ≤ 1.5× write, every peak ≤ 300 MB.
Absolute times drift with the machine's load; the ratios are taken in one run.

    .venv/bin/python bench/pipeline_bench.py                  # 100,000 contracts, SQLite
    .venv/bin/python bench/pipeline_bench.py 20000            # another size
    .venv/bin/python bench/pipeline_bench.py 100000 --database postgresql+psycopg://…
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = str(Path(sys.executable).with_name("contracts"))
AS_AT = "2016-04-01"


@dataclass
class Stage:
    name: str
    seconds: float
    peak_mib: float
    cpu: float  # the process's own user + system seconds: steadier than wall on a busy machine


# A child's ru_maxrss counts the pages it had between fork and exec, that is this
# process's own size at the time (the truth file and the workbook's shape: 160–265 MB).
# So each stage is started by a small launcher, which forks it while small itself and
# reports its wait4 figures.
LAUNCHER = """
import os, sys
started = os.times().elapsed
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, usage.ru_utime + usage.ru_stime,
      file=sys.stderr)
"""


def run(argv: list[str], stdout: int | None = subprocess.DEVNULL) -> tuple[float, float, float]:
    """Run one process to the end; its wall time, its own peak RSS in MiB and its CPU
    seconds."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *argv], stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT
    )
    _, stderr_bytes = process.communicate()
    seconds = time.perf_counter() - started
    *lines, last = stderr_bytes.decode().rstrip("\n").split("\n")
    code_text, maxrss_text, cpu_text = last.split()
    code = int(code_text)
    if code != 0:
        raise SystemExit(f"{' '.join(argv[:4])}… failed ({code}): {''.join(lines)[-600:]}")
    return seconds, int(maxrss_text) / 1024, float(cpu_text)


def total(name: str, runs: list[tuple[float, float, float]]) -> Stage:
    """The stage's figures, printed at once (a run takes long; a late failure keeps them)."""
    stage = Stage(
        name, sum(s for s, _, _ in runs), max(m for _, m, _ in runs), sum(c for _, _, c in runs)
    )
    print(
        f"  {name}: {stage.seconds:.1f} s, {stage.cpu:.1f} CPU s, {stage.peak_mib:.0f} MiB",
        flush=True,
    )
    return stage


BARE_READ = """
import csv, sys
from pathlib import Path
path = Path(sys.argv[1])
if path.suffix == ".csv":
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\\xef\\xbb\\xbf") else "utf-8"
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        encoding = "cp1252"
    with path.open(encoding=encoding, newline="") as handle:
        for row in csv.reader(handle):
            pass
else:
    import openpyxl
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            pass
    workbook.close()
"""

BARE_WRITE = """
import datetime as dt, json, sys
import xlsxwriter
shape = json.load(open(sys.argv[1]))
workbook = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True})
date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
for sheet in shape:
    worksheet = workbook.add_worksheet(sheet["name"])
    rows = sheet["rows"] or [[None]]
    rows = [[dt.datetime.fromisoformat(v["date"]) if isinstance(v, dict) else v for v in row]
            for row in rows]
    for r in range(sheet["count"]):
        for c, value in enumerate(rows[r % len(rows)]):
            if isinstance(value, dt.datetime):
                worksheet.write_datetime(r, c, value, date_format)
            elif value is not None:
                worksheet.write(r, c, value)  # text, a number, or "=..." as a formula
workbook.close()
"""


def workbook_shape(path: Path, sample_rows: int = 200) -> list[dict[str, object]]:
    """Each sheet's row count and its first rows, for the bare writer to cycle: every
    cell the export wrote, dates (as {"date": ISO}) and formulas ("=...") included."""
    import datetime as dt

    import openpyxl

    def cell(value: object) -> object:
        if isinstance(value, dt.datetime | dt.date):
            return {"date": value.isoformat()}
        return value if isinstance(value, int | float | str) else None

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    shape = []
    for sheet in workbook.worksheets:
        rows: list[list[object]] = []
        count = 0
        for row in sheet.iter_rows(values_only=True):
            count += 1
            if len(rows) < sample_rows:
                rows.append([cell(v) for v in row])
        shape.append({"name": sheet.title, "count": count, "rows": rows})
    workbook.close()
    return shape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contracts", nargs="?", type=int, default=100_000)
    parser.add_argument("--database", help="a PostgreSQL URL; default a fresh SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reuse",
        type=Path,
        help="the directory of an earlier run (its registers and, on SQLite, its store): "
        "skip writing the sample and importing it, and time the other stages again",
    )
    args = parser.parse_args()

    work = args.reuse or Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    print(f"working in {work}", flush=True)
    url = args.database or f"sqlite:///{work / 'contracts.db'}"
    if not args.reuse:
        # Creating the store (the schema and the national reference organisations) is a
        # one-off, not an import's work: made before the imports on both databases.
        run([CONTRACTS, "--database", url, "db", "upgrade"])
    db = [CONTRACTS, "--database", url]
    registers = work / "registers"
    if not args.reuse:
        print(f"writing the sample: {args.contracts:,} contracts (seed {args.seed}) …", flush=True)
        run([CONTRACTS, "sample", str(registers), "--contracts", str(args.contracts),
             "--seed", str(args.seed)])  # fmt: skip
    truth = json.loads((registers / "truth.json").read_text())
    files = [(registers / f["path"], f["commissioner_option"]) for f in truth["files"]]
    del truth  # 100,000 contracts' truth: not to be carried through every stage

    stages: list[Stage] = []
    # Each file's bare read runs just before its import, so that the machine's drift
    # (its speed moved by half within an hour here) falls on floor and stage alike.
    reads, imports = [], []
    for path, commissioner in files:
        reads.append(run([sys.executable, "-c", BARE_READ, str(path)]))
        if not args.reuse:
            option = ["--commissioner", commissioner] if commissioner else []
            imports.append(run([*db, "import", str(path), *option]))
    stages.append(total("floor: bare read", reads))
    if imports:
        stages.append(total("import", imports))
    stages.append(total("duplicates", [run([*db, "duplicates", "--format", "json"])]))
    stages.append(total("propose", [run([*db, "propose", "--on", AS_AT, "--format", "json"])]))
    help_text = subprocess.run([*db, "--help"], capture_output=True, text=True).stdout
    if "plan" in help_text.split():
        stages.append(total("plan", [run([*db, "plan", "--on", AS_AT, "--format", "json"])]))
    stages.append(total("summary", [run([*db, "summary", "--format", "json"])]))
    workbook = work / "finance.xlsx"
    stages.append(total("export", [run([*db, "export", str(workbook)])]))
    shape_file = work / "shape.json"
    shape_file.write_text(json.dumps(workbook_shape(workbook)))
    stages.append(total("floor: bare write", [
        run([sys.executable, "-c", BARE_WRITE, str(shape_file), str(work / "bare.xlsx")])
    ]))  # fmt: skip
    stages.append(total("review", [run([*db, "review", str(workbook), "--dry-run"])]))
    stages.append(total("--help", [run([CONTRACTS, "--help"])]))

    by_name = {stage.name: stage for stage in stages}
    read, write = by_name["floor: bare read"], by_name["floor: bare write"]
    print(
        f"\n{args.contracts:,} contracts, {'PostgreSQL' if args.database else 'SQLite'}, "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print("ratios: wall time (CPU time); on PostgreSQL the server's CPU is not in a stage's own")
    print(f"{'stage':<18}{'seconds':>9}{'CPU s':>8}{'peak MiB':>10}  ratio")

    def ratio(seconds: float, cpu: float, floor: Stage) -> str:
        return f"{seconds / floor.seconds:.2f}× ({cpu / floor.cpu:.2f}×)"

    for stage in stages:
        note = ""
        if stage.name == "import":
            note = f"{ratio(stage.seconds, stage.cpu, read)} read (target ≤ 1.3)"
        elif stage.name == "export":
            note = f"{ratio(stage.seconds, stage.cpu, write)} write (target ≤ 1.5)"
        print(
            f"{stage.name:<18}{stage.seconds:>9.1f}{stage.cpu:>8.1f}{stage.peak_mib:>10.0f}  {note}"
        )
    dup, pro = by_name["duplicates"], by_name["propose"]
    both = ratio(dup.seconds + pro.seconds, dup.cpu + pro.cpu, read)
    print(f"duplicates + propose: {both} read (target ≤ 2)")
    worst = max((s for s in stages if not s.name.startswith("floor")), key=lambda s: s.peak_mib)
    print(f"largest peak: {worst.name} {worst.peak_mib:.0f} MiB (target ≤ 300)")


if __name__ == "__main__":
    main()
