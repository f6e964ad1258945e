"""How fast the finance workbook is written, and whether its memory stays flat.

Builds a SQLite store directly (bulk inserts, no importer): contracts of the
Essex commissioners with a few hundred providers, grouped into proposals of
two to five members, and stores the duplicate run (as ``contracts propose``
leaves it). Then, each in a fresh process so each peak is its own:

1. ``export_workbook`` writes the workbook (reading the store, then writing);
2. bare XlsxWriter in constant-memory mode (the export's own writer) writes the
   same values (read back from the export) with no styles, tables, validation or
   injection guard.

Prints, for each size, both writing times, their ratio (target: within 1.5x)
and the export process's peak memory (target: flat as the register grows).

    .venv/bin/python bench/export_bench.py                      # 10,000, 50,000, 100,000
    .venv/bin/python bench/export_bench.py 20000                # one size
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
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from openpyxl import load_workbook
from sqlalchemy import insert, select

from contracts.duplicates.stored_run import current_run
from contracts.store import db
from contracts.store.models import (
    Contract,
    ContractParty,
    Organisation,
    PartyRole,
    Proposal,
    ProposalCommissioner,
    ProposalMember,
)
from contracts.workbook.export import export_workbook

SEED = 11
PROVIDERS = 300
SERVICES = ["community", "mental health", "acute", "ambulance", "diagnostics", "urgent care"]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(url: str, rows: int) -> None:
    rng = random.Random(SEED)
    engine = db.open_database(url)
    sessions = db.session_factory(engine)
    with sessions.begin() as session:
        commissioners = list(
            session.scalars(select(Organisation.id).where(Organisation.is_commissioner.is_(True)))
        )
        session.execute(
            insert(Organisation),
            [{"name": f"Bench provider {n:04d} Ltd", "origin": "import"} for n in range(PROVIDERS)],
        )
        providers = list(
            session.scalars(select(Organisation.id).where(Organisation.origin == "import"))
        )
        contracts = []
        for n in range(rows):
            start = dt.date(2012 + n % 5, 1 + n % 12, 1)
            contracts.append(
                {
                    "id": n + 1,
                    "source": f"register-{n % 8}",
                    "source_key": f"C{n:06d}",
                    "reference": f"C{n:06d}",
                    "title": f"{SERVICES[n % 6].title()} services, lot {n}",
                    "provider_id": rng.choice(providers),
                    "service_category": SERVICES[n % 6],
                    "contract_form": "NHS Standard Contract",
                    "start_date": start,
                    "end_date": start + dt.timedelta(days=365 * 3),
                    "annual_value": Decimal(rng.randrange(1_000_00, 50_000_000_00)) / 100,
                    "total_value": None,
                    "source_file": f"register-{n % 8}.xlsx",
                    "source_sheet": "Contracts",
                    "source_row": n + 2,
                }
            )
        session.execute(insert(Contract), contracts)
        session.execute(
            insert(ContractParty),
            [
                {
                    "contract_id": n + 1,
                    "organisation_id": commissioners[n % len(commissioners)],
                    "role": PartyRole.LEAD,
                }
                for n in range(rows)
            ],
        )
        proposals, members, parties = [], [], []
        n = 0
        while n < rows:
            size = min(rng.randint(2, 5), rows - n)
            pid = f"P-{len(proposals):010d}"
            proposals.append(
                {
                    "id": pid,
                    "rule": ("one-provider-one-service", "three-hospitals")[len(proposals) % 2],
                    "title": f"{size} contracts into one",
                    "status": ("candidate", "accepted", "rejected", "deferred")[n % 4],
                    "provider_id": contracts[n]["provider_id"],
                    "lead_commissioner_id": commissioners[n % len(commissioners)],
                    "footprint": "mid and south Essex",
                    "as_at": dt.date(2016, 4, 1),
                    "annual_value": None,
                    "contracts_before": size,
                    "contracts_after": 1,
                    "earliest_start": dt.date(2018, 4, 1),
                    "reasons": ["same provider and service"],
                    "flags": [],
                    "members_hash": "",
                }
            )
            for k in range(n, n + size):
                members.append({"proposal_id": pid, "contract_id": k + 1, "contract_uid": f"x:{k}"})
            leads = {commissioners[k % len(commissioners)] for k in range(n, n + size)}
            parties += [
                {"proposal_id": pid, "organisation_id": o, "role": "commissioner"} for o in leads
            ]
            n += size
        session.execute(insert(Proposal), proposals)
        session.execute(insert(ProposalMember), members)
        session.execute(insert(ProposalCommissioner), parties)
    with sessions.begin() as session:
        current_run(session)  # what `contracts propose` leaves in the store
    engine.dispose()


def bare_write(source: Path, target: Path) -> float:
    """The same values with bare XlsxWriter (constant memory); returns the seconds to write."""
    workbook = load_workbook(source, read_only=True)
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    workbook.close()
    started = time.perf_counter()
    bare = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    for title, rows in sheets.items():
        ws = bare.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    bare.close()
    return time.perf_counter() - started


def export_stage(url: str, out: Path) -> dict[str, float]:
    """One export in this (fresh) process; its figures and this process's peak memory."""
    started_mib = peak_mib()
    engine = db.open_database(url)
    with db.session_factory(engine).begin() as session:
        result = export_workbook(session, out)
    engine.dispose()
    return {
        "contract_rows": result.contract_rows,
        "proposals": result.proposals,
        "reading": result.seconds["reading"],
        "writing": result.seconds["writing"],
        "size_mib": out.stat().st_size / 1024 / 1024,
        "baseline_mib": started_mib,
        "peak_mib": peak_mib(),
    }


def _stage(*args: str) -> dict[str, float]:
    """Run one stage of this script in its own process; its last line is JSON."""
    done = subprocess.run(
        [sys.executable, __file__, "--stage", *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(rows: int, folder: Path) -> dict[str, float]:
    url = f"sqlite:///{folder}/bench-{rows}.db"
    began = time.perf_counter()
    _stage("build", url, str(rows))
    built = time.perf_counter() - began
    export = _stage("export", url, str(folder / f"export-{rows}.xlsx"))
    bare = _stage("bare", str(folder / f"export-{rows}.xlsx"), str(folder / f"bare-{rows}.xlsx"))
    print(
        f"{rows:>9,} contracts (built and duplicate run stored in {built:.0f}s): "
        f"{int(export['contract_rows']):,} rows, {int(export['proposals']):,} proposals, "
        f"{export['size_mib']:.1f} MiB; reading {export['reading']:.1f}s, writing "
        f"{export['writing']:.1f}s, bare XlsxWriter {bare['seconds']:.1f}s, ratio "
        f"{export['writing'] / bare['seconds']:.2f}x; peak RSS {export['peak_mib']:.0f} MiB "
        f"(after imports {export['baseline_mib']:.0f} MiB)",
        flush=True,
    )
    return export


def main(sizes: list[int]) -> None:
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            measure(rows, Path(folder))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--stage"]:
        stage, *args = sys.argv[2:]
        if stage == "build":
            build(args[0], int(args[1]))
            print(json.dumps({}))
        elif stage == "export":
            print(json.dumps(export_stage(args[0], Path(args[1]))))
        else:
            print(json.dumps({"seconds": bare_write(Path(args[0]), Path(args[1]))}))
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 50_000, 100_000])
