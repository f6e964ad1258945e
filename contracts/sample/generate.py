"""A realistic mid and south Essex sample: ten registers and the answers, from a seed.

``write_sample`` writes one register per commissioner (the five CCGs of the
footprint, the three councils, the two other Essex CCGs), each in its own
layout, and ``truth.json`` beside them: every contract's identity and
values, the duplicate pairs, near-misses, planted consolidation groups and
decoys. The demo, the tests and the quality bench all read the same files,
so the same seed always gives the same registers.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.errors import ContractsError
from contracts.sample.files import PlacedRow, WrittenRegister, write_register
from contracts.sample.layouts import LAYOUTS
from contracts.sample.plan import build_world
from contracts.sample.world import AS_AT, FOOTPRINT, MINIMUM_CONTRACTS, Entity, World

TRUTH_FILE = "truth.json"
DEFAULT_CONTRACTS = 320


@dataclass(frozen=True)
class SampleResult:
    out_dir: Path
    files: list[Path]
    truth_path: Path
    contracts: int  # register lines written, across all files
    seed: int


def write_sample(
    out_dir: Path, *, seed: int = 1, contracts: int = DEFAULT_CONTRACTS
) -> SampleResult:
    """Write the registers and ``truth.json`` for ``seed`` into ``out_dir``."""
    if contracts < MINIMUM_CONTRACTS:
        raise ContractsError(
            f"a sample of {contracts} contracts cannot hold every planted situation; "
            f"use --contracts {MINIMUM_CONTRACTS} or more"
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = build_world(seed, contracts)
    # A stream of its own, so how the files are written never changes the world.
    rng = random.Random(f"registers:{seed}")
    registers = [write_register(layout, world.entities, out_dir, rng) for layout in LAYOUTS]
    truth_path = out_dir / TRUTH_FILE
    truth = truth_json(world, registers)
    truth_path.write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return SampleResult(
        out_dir=out_dir,
        files=[r.path for r in registers],
        truth_path=truth_path,
        contracts=len(truth["contracts"]),
        seed=seed,
    )


def _uid(register: WrittenRegister, row: PlacedRow) -> str:
    return f"{register.layout.source}:{row.reference}"


def _contract_json(register: WrittenRegister, row: PlacedRow) -> dict[str, Any]:
    entity = row.entity
    return {
        "uid": _uid(register, row),
        "source": register.layout.source,
        "reference": row.reference,
        "sheet": row.sheet,
        "row": row.row,
        "commissioner_code": entity.lead,
        "provider_code": entity.provider.code,
        "provider_name": entity.provider.name,
        "service_category": entity.category,
        "contract_form": entity.form,
        "start_date": entity.start.isoformat(),
        "end_date": entity.end.isoformat(),
        "annual_value": None if row.annual_value is None else f"{row.annual_value:.2f}",
        "entity": entity.key,
    }


def truth_json(world: World, registers: list[WrittenRegister]) -> dict[str, Any]:
    """The known answers, in the shape the duplicates, proposals and bench code read."""
    copies: dict[str, list[str]] = {}
    lead_copy: dict[str, str] = {}
    contracts = []
    for register in registers:
        for row in register.rows:
            uid = _uid(register, row)
            copies.setdefault(row.entity.key, []).append(uid)
            if row.is_lead_copy:
                lead_copy[row.entity.key] = uid
            contracts.append(_contract_json(register, row))

    def lead(entity: Entity) -> str:
        return lead_copy[entity.key]

    pairs = sorted(
        sorted(pair) for uids in copies.values() for pair in itertools.combinations(sorted(uids), 2)
    )
    return {
        "seed": world.seed,
        "as_at": AS_AT.isoformat(),
        "footprint": FOOTPRINT,
        "files": [
            {
                "path": r.path.name,
                "source": r.layout.source,
                "commissioner_code": r.layout.commissioner,
                "commissioner_option": r.layout.commissioner_option,
                "sheets": r.sheets,
                "encoding": "cp1252" if r.layout.is_csv else None,
            }
            for r in registers
        ],
        "contracts": contracts,
        "duplicate_pairs": pairs,
        "near_misses": [
            {"pair": [lead(n.first), lead(n.second)], "why": n.why} for n in world.near_misses
        ],
        "consolidation_groups": [
            {"id": g.id, "rule": g.rule, "members": [lead(m) for m in g.members]}
            for g in world.groups
        ],
        "decoys": [{"uid": lead(d.entity), "why": d.why} for d in world.decoys],
    }


def load_truth(path: Path) -> dict[str, Any]:
    """``truth.json`` as written by :func:`write_sample`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
