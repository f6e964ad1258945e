"""How long choosing the plan takes: the rules' own proposals at 100,000 contracts,
and a synthetic register whose proposals overlap far more than real ones.

1. The store of ``propose_bench.py`` (100,000 contracts, ~2,000 providers, the
   default rules as at 1 April 2016), then ``choose`` on every candidate, for
   both objectives.
2. Synthetic: 100,000 contracts in clusters of 40, each cluster with 25
   random proposals of 2–6 of its contracts, so every cluster is one tangled
   conflict component (real registers give mostly pairs).

    .venv/bin/python bench/plan_bench.py [--contracts 100000] [--skip-store]
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from propose_bench import AS_AT, build  # type: ignore[import-not-found]

from contracts.proposals.grouping import overlap_groups
from contracts.proposals.packing import Objective, Option, choose
from contracts.proposals.stored import propose
from contracts.store import db
from contracts.store.models import Proposal, ProposalMember
from contracts.store.money import to_pence


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def component_sizes(options: list[Option]) -> list[int]:
    groups = overlap_groups({o.id: set(o.contracts) for o in options})
    return sorted((len(g) for g in groups), reverse=True)


def timed(options: list[Option], label: str) -> None:
    sizes = component_sizes(options)
    print(
        f"{label}: {len(options):,} proposals in {len(sizes):,} conflict components "
        f"(largest {sizes[0] if sizes else 0}, {sum(1 for s in sizes if s > 1):,} with an overlap)"
    )
    for objective in Objective:
        started = time.perf_counter()
        packing = choose(options, objective)
        elapsed = time.perf_counter() - started
        print(
            f"  objective {objective.value:9}: {elapsed:6.1f} s; {len(packing.planned):,} planned, "
            f"{len(packing.left_out):,} left out, {packing.contracts_removed:,} contracts removed, "
            f"£{packing.annual_value / 100:,.2f} a year"
        )


def from_store(count: int, seed: int) -> list[Option]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        build(url, count, seed)
        engine = db.open_database(url)
        sessions = db.session_factory(engine)
        with sessions.begin() as session:
            propose(session, on=AS_AT, representatives=lambda _s: {})
        print(f"built {count:,} contracts and proposed in {time.perf_counter() - started:.1f} s")
        with sessions.begin() as session:
            members: dict[str, set[int]] = defaultdict(set)
            for pid, contract_id in session.execute(
                select(ProposalMember.proposal_id, ProposalMember.contract_id)
            ):
                members[pid].add(contract_id)
            options = [
                Option(pid, frozenset(members[pid]), to_pence(value) if value else 0, status)
                for pid, value, status in session.execute(
                    select(Proposal.id, Proposal.annual_value, Proposal.status)
                )
            ]
        engine.dispose()
    return options


def synthetic(count: int, seed: int) -> list[Option]:
    rng = random.Random(seed)
    options = []
    for cluster in range(count // 40):
        base = cluster * 40
        for n in range(25):
            size = rng.randrange(2, 7)
            contracts = frozenset(base + c for c in rng.sample(range(40), size))
            pence = rng.randrange(1_000_000, 5_000_000_000) * size
            options.append(Option(f"P-{cluster:05d}-{n:02d}", contracts, pence))
    return options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-store", action="store_true")
    args = parser.parse_args()
    if not args.skip_store:
        timed(from_store(args.contracts, args.seed), "rules' proposals")
    timed(synthetic(args.contracts, args.seed), "synthetic clusters of 40 contracts")
    print(f"peak memory (RSS): {peak_mb():.0f} MB")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, SQLite")


if __name__ == "__main__":
    main()
