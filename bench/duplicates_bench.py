"""How duplicate detection scales: 10,000 and 100,000 synthetic contracts in SQLite.

Builds each register directly in a SQLite database (bulk inserts, no importer):
a few hundred providers with Zipf-like sizes, the Essex commissioners, titles
from a vocabulary of services, and about 1.5% of contracts recorded a second
time in an associate's register (another reference, an abbreviated title, a
rounded value). Detection then runs in a fresh process, so its peak memory is
its own. Prints time, candidate pairs, pairs per contract (flat = near-linear)
and the precision/recall of the planted copies.

    .venv/bin/python bench/duplicates_bench.py            # 10,000 and 100,000
    .venv/bin/python bench/duplicates_bench.py 20000      # other sizes
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

from sqlalchemy import insert, select

from contracts.store import db
from contracts.store.models import Contract, ContractParty, Organisation, PartyRole

SEED = 7
PROVIDERS = 300
DUPLICATE_SHARE = 0.015
SERVICES = [
    ("Community Services", "community"),
    ("Adult Mental Health Services", "mental health"),
    ("Accident and Emergency", "a&e"),
    ("Wheelchair Service", "community"),
    ("Diabetic Eye Screening", "diagnostics"),
    ("Hospice Care", "end of life care"),
    ("Patient Transport Services", "patient transport"),
    ("NHS 111", "nhs 111"),
    ("Out of Hours GP Service", "urgent care"),
    ("Continuing Healthcare Placements", "continuing healthcare"),
    ("Domiciliary Care", "social care"),
    ("Carers Support Service", "voluntary sector support"),
    ("Sexual Health Clinic", "public health"),
    ("Learning Disabilities Respite", "learning disabilities"),
    ("Musculoskeletal Physiotherapy", "community"),
    ("Podiatry", "community"),
    ("Audiology", "diagnostics"),
    ("Phlebotomy", "diagnostics"),
    ("Dermatology Clinic", "acute"),
    ("Ophthalmology Outpatients", "acute"),
]
PLACES = ["Basildon", "Brentwood", "Thurrock", "Southend", "Rochford", "Chelmsford", "Maldon"]
QUALIFIERS = ["", "Adults", "Children", "Lot 1", "Lot 2", "Phase 2", "Extension", "Pilot"]
ABBREVIATE = {"Services": "Svcs", "Mental Health": "MH", "Community": "Comm", "and": "&"}


def _abbreviated(title: str) -> str:
    for long, short in ABBREVIATE.items():
        title = title.replace(long, short)
    return title


def _zipf_weights(count: int) -> list[float]:
    return [1.0 / (rank**1.1) for rank in range(1, count + 1)]


def build(url: str, size: int) -> list[tuple[str, str]]:
    """A register of ``size`` contracts; returns the planted duplicate pairs (uids)."""
    rng = random.Random(SEED + size)
    engine = db.open_database(url)
    sessions = db.session_factory(engine)
    planted: list[tuple[str, str]] = []
    with sessions.begin() as session:
        commissioners = list(
            session.scalars(select(Organisation.id).where(Organisation.is_commissioner.is_(True)))
        )
        first_provider = 1 + (
            session.scalar(select(Organisation.id).order_by(Organisation.id.desc())) or 0
        )
        session.execute(
            insert(Organisation),
            [
                {"id": first_provider + n, "name": f"Provider {n:03d} Limited", "origin": "import"}
                for n in range(PROVIDERS)
            ],
        )
        provider_ids = [first_provider + n for n in range(PROVIDERS)]
        weights = _zipf_weights(PROVIDERS)
        contracts: list[dict[str, object]] = []
        parties: list[dict[str, object]] = []
        references: dict[str, int] = {}

        def add(row: dict[str, object], lead: int, associates: list[int]) -> str:
            contract_id = len(contracts) + 1
            source = f"register-{lead}"
            references[source] = references.get(source, 0) + 1
            reference = f"R{lead}/{references[source]:05d}"
            contracts.append(
                {
                    **row,
                    "id": contract_id,
                    "source": source,
                    "source_key": reference,
                    "reference": reference,
                }
            )
            parties.append(
                {"contract_id": contract_id, "organisation_id": lead, "role": PartyRole.LEAD}
            )
            for associate in associates:
                parties.append(
                    {
                        "contract_id": contract_id,
                        "organisation_id": associate,
                        "role": PartyRole.ASSOCIATE,
                    }
                )
            return f"{source}:{reference}"

        while len(contracts) < size:
            service, category = rng.choice(SERVICES)
            title = " ".join(
                part for part in (service, rng.choice(PLACES), rng.choice(QUALIFIERS)) if part
            )
            start = dt.date(rng.randint(2012, 2020), rng.choice([1, 4, 7, 10]), 1)
            years = rng.randint(1, 5)
            pence = int(rng.lognormvariate(12.5, 1.6) * 100)
            annual = Decimal(pence) / 100
            row = {
                "title": title,
                "provider_id": rng.choices(provider_ids, weights)[0],
                "service_category": category,
                "start_date": start,
                "end_date": start.replace(year=start.year + years) - dt.timedelta(days=1),
                "annual_value": annual,
                "total_value": annual * years,
            }
            lead, *associates = rng.sample(commissioners, rng.choice([1, 1, 1, 2, 3]))
            uid = add(row, lead, associates)
            if associates and rng.random() < DUPLICATE_SHARE * 3 and len(contracts) < size:
                # Registers round to a unit that is small beside the amount.
                units = [u for u in (1, 1000, 10000, 100000) if u * 10 <= annual] or [1]
                unit = Decimal(rng.choice(units))
                copy = {
                    **row,
                    "title": _abbreviated(title),
                    "annual_value": (annual / unit).quantize(Decimal(1)) * unit,
                    "total_value": None,
                }
                planted.append((uid, add(copy, associates[0], [])))
        session.execute(insert(Contract), contracts)
        session.execute(insert(ContractParty), parties)
    engine.dispose()
    return planted


def detect(url: str) -> dict[str, object]:
    """Run in a child process: detection alone, with its own peak memory."""
    from contracts.duplicates.finder import find_duplicates

    engine = db.open_database(url)
    with db.session_factory(engine).begin() as session:
        started = time.perf_counter()
        report = find_duplicates(session)
        seconds = time.perf_counter() - started
        found = sorted(tuple(sorted(m.uid for m in s.members)) for s in report.sets)
    engine.dispose()
    pairs = {(a, b) for members in found for i, a in enumerate(members) for b in members[i + 1 :]}
    return {
        "seconds": round(seconds, 2),
        "contracts": report.contracts_considered,
        "pairs_compared": report.pairs_compared,
        "blocking": report.blocking,
        "capped": report.capped,
        "found_pairs": sorted(pairs),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(sizes: list[int]) -> None:
    print(f"duplicates_bench: {platform.machine()}, Python {platform.python_version()}, SQLite")
    print(
        f"{'contracts':>10} {'seconds':>8} {'pairs':>10} {'pairs/contract':>15} {'peak MB':>8} "
        f"{'planted':>8} {'precision':>9} {'recall':>7}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            url = f"sqlite:///{Path(folder) / f'bench-{size}.db'}"
            planted = {tuple(sorted(p)) for p in build(url, size)}
            child = subprocess.run(
                [sys.executable, __file__, "--detect", url],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(child.stdout)
            found = {tuple(p) for p in result["found_pairs"]}
            precision = len(found & planted) / len(found) if found else 1.0
            recall = len(found & planted) / len(planted) if planted else 1.0
            contracts, pairs = result["contracts"], result["pairs_compared"]
            print(
                f"{contracts:>10,} {result['seconds']:>8.1f} {pairs:>10,} "
                f"{pairs / contracts:>15.1f} {result['peak_mb']:>8.0f} "
                f"{len(planted):>8,} {precision:>9.3f} {recall:>7.3f}"
            )
            print(f"{'':>10} blocks: {result['blocking']}")
            for note in result["capped"]:
                print(f"{'':>10} capped: {note}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--detect":
        print(json.dumps(detect(sys.argv[2])))
    else:
        main([int(arg) for arg in sys.argv[1:]] or [10_000, 100_000])
