"""How long `contracts propose` takes on 100,000 contracts, and its peak memory.

Builds a throwaway SQLite database by bulk insert (random but plausible
contracts of the Essex commissioners with ~2,000 providers), then runs the
default rules twice: the first run stores every candidate, the second
replaces them (what a weekly re-run does). Duplicate detection is left out
(`--with-duplicates` puts it back) so the figure is the rules' own.

    .venv/bin/python bench/propose_bench.py [--contracts 100000] [--with-duplicates]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contracts.proposals.stored import propose
from contracts.store import db
from contracts.store.models import (
    Contract,
    ContractParty,
    Organisation,
    OrganisationKind,
    PartyRole,
    ProposalMember,
)

AS_AT = dt.date(2016, 4, 1)
TARGET_SECONDS = 30
CATEGORIES = ["acute", "a&e", "community", "mental health", "continuing healthcare"]
CATEGORIES += ["diagnostics", "urgent care", "learning disabilities", "social care", "other"]
NHS_FORMS = ["NHS Standard Contract", "NHS Standard Contract (shorter form)"]
COUNCIL_FORMS = ["local authority contract", "service level agreement", "grant agreement"]


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(url: str, count: int, seed: int) -> None:
    rng = random.Random(seed)
    engine = db.open_database(url)
    sessions = db.session_factory(engine)
    with sessions.begin() as session:
        commissioners = list(
            session.scalars(select(Organisation.id).where(Organisation.is_commissioner))
        )
        kinds = {
            row.id: row.kind for row in session.execute(select(Organisation.id, Organisation.kind))
        }
        known = list(
            session.scalars(select(Organisation.id).where(Organisation.is_commissioner.is_(False)))
        )
        session.execute(
            insert(Organisation),
            [
                {"name": f"Provider {n:04d} Ltd", "kind": OrganisationKind.INDEPENDENT_SECTOR}
                for n in range(2000)
            ],
        )
        providers = known + list(
            session.scalars(select(Organisation.id).where(Organisation.name.like("Provider %")))
        )
        rows = []
        for number in range(count):
            start = dt.date(2012 + rng.randrange(6), rng.choice([1, 4, 7, 10]), 1)
            lead = rng.choice(commissioners)
            council = kinds[lead] == OrganisationKind.LOCAL_AUTHORITY
            rows.append(
                {
                    "source": f"register-{lead}",
                    "source_key": f"C{number:06d}",
                    "reference": f"C{number:06d}",
                    "title": f"Contract {number}",
                    "provider_id": rng.choice(providers),
                    "service_category": rng.choice(CATEGORIES),
                    "contract_form": rng.choice(COUNCIL_FORMS if council else NHS_FORMS),
                    "start_date": start,
                    "end_date": start.replace(year=start.year + rng.randrange(2, 6))
                    - dt.timedelta(days=1),
                    "annual_value": None
                    if rng.random() < 0.03
                    else Decimal(rng.randrange(1_000_000, 5_000_000_000)) / 100,
                    "in_register": True,
                    "_lead": lead,
                }
            )
        leads = [row.pop("_lead") for row in rows]
        session.execute(insert(Contract), rows)
        ids = list(session.scalars(select(Contract.id).order_by(Contract.id)))
        parties = []
        for contract_id, lead in zip(ids, leads, strict=True):
            parties.append(
                {"contract_id": contract_id, "organisation_id": lead, "role": PartyRole.LEAD}
            )
            if rng.random() < 0.2:
                other = rng.choice(commissioners)
                if other != lead:
                    parties.append(
                        {
                            "contract_id": contract_id,
                            "organisation_id": other,
                            "role": PartyRole.ASSOCIATE,
                        }
                    )
        session.execute(insert(ContractParty), parties)
    engine.dispose()


def run_rules(url: str, with_duplicates: bool) -> tuple[float, int, int, int, int]:
    engine = db.open_database(url)
    sessions = db.session_factory(engine)
    started = time.perf_counter()
    with sessions.begin() as session:
        run = propose(
            session, on=AS_AT, representatives=None if with_duplicates else (lambda _s: {})
        )
        proposals = len(run.proposals)
        before, after = run.counts()
    elapsed = time.perf_counter() - started
    with sessions.begin() as session:
        stored = session.scalar(select(func.count()).select_from(ProposalMember))
    engine.dispose()
    return elapsed, proposals, before, stored or 0, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--with-duplicates", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        build(url, options.contracts, options.seed)
        print(f"built {options.contracts:,} contracts in {time.perf_counter() - started:.1f} s")
        rss_before = peak_mb()
        first, proposals, before, stored, after = run_rules(url, options.with_duplicates)
        second, *_ = run_rules(url, options.with_duplicates)
    verdict = "within" if max(first, second) < TARGET_SECONDS else "OVER"
    print(
        f"propose (first run, stores candidates): {first:.1f} s; "
        f"re-run (replaces them): {second:.1f} s — {verdict} the {TARGET_SECONDS} s target"
    )
    print(
        f"{proposals:,} proposals ({stored:,} member rows stored): "
        f"{before:,} contracts → {after:,} (each counted once)"
    )
    print(f"peak memory (RSS): {peak_mb():.0f} MB (after building the data: {rss_before:.0f} MB)")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, SQLite")


if __name__ == "__main__":
    main()
