"""How fast the finance workbook is written: 100,000 contract rows, against bare openpyxl.

Builds a SQLite store directly (bulk inserts, no importer): 100,000 contracts
of the Essex commissioners with a few hundred providers, grouped into
proposals of two to five members. Then, in one run:

1. ``export_workbook`` writes the workbook (reading the store, then writing);
2. bare openpyxl write-only mode writes the same values (read back from the
   export) with no styles, tables, validation or injection guard.

Prints both writing times, their ratio (target: within 1.5x) and peak memory.

    .venv/bin/python bench/export_bench.py            # 100,000 contract rows
    .venv/bin/python bench/export_bench.py 20000      # another size
"""

from __future__ import annotations

import datetime as dt
import platform
import random
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import insert, select

from contracts import db
from contracts.export import export_workbook
from contracts.models import (
    Contract,
    ContractParty,
    Organisation,
    PartyRole,
    Proposal,
    ProposalCommissioner,
    ProposalMember,
)

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
    engine.dispose()


def bare_write(source: Path, target: Path) -> float:
    """The same values with bare openpyxl write-only mode; returns the seconds to write."""
    workbook = load_workbook(source, read_only=True)
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    workbook.close()
    started = time.perf_counter()
    bare = Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = bare.create_sheet(title)
        for row in rows:
            ws.append(row)
    bare.save(target)
    return time.perf_counter() - started


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        began = time.perf_counter()
        build(url, rows)
        print(f"built {rows:,} contracts in {time.perf_counter() - began:.1f}s")
        engine = db.open_database(url)
        before = peak_mib()
        with db.session_factory(engine).begin() as session:
            result = export_workbook(session, Path(folder) / "export.xlsx")
        engine.dispose()
        after_export = peak_mib()
        bare_seconds = bare_write(result.path, Path(folder) / "bare.xlsx")
        size = result.path.stat().st_size / 1024 / 1024
        writing = result.seconds["writing"]
        print(f"machine: {platform.machine()}, {platform.python_version()}")
        print(
            f"export_workbook: {result.contract_rows:,} contract rows, "
            f"{result.proposals:,} proposals, {size:.1f} MiB"
        )
        print(f"  reading the store:   {result.seconds['reading']:.1f}s")
        print(f"  writing the workbook: {writing:.1f}s")
        print(f"bare openpyxl write-only, same values: {bare_seconds:.1f}s")
        print(f"ratio writing / bare: {writing / bare_seconds:.2f}x (target within 1.5x)")
        print(
            f"peak RSS: {before:.0f} MiB before the export, {after_export:.0f} MiB after it "
            "(the store's rows are loaded; the workbook streams)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
