"""The generated mid and south Essex sample: planted groups found, decoys left alone.

Each real contract may be recorded in several registers; which copy stands
for it is the duplicate finder's choice, so groups are compared by the
sample's real-contract identity (``entity``), not by one copy's uid.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from contracts.proposals.decisions import list_proposals
from contracts.proposals.shapes import proposal_json
from contracts.proposals.stored import propose

sample = pytest.importorskip(
    "contracts.sample.generate", reason="the sample generator is not there yet"
)
importers = pytest.importorskip("importers")


@pytest.fixture
def loaded_sample(session: Session, tmp_path: Path) -> dict[str, Any]:
    result = sample.write_sample(tmp_path / "sample", seed=1)
    truth: dict[str, Any] = json.loads(result.truth_path.read_text(encoding="utf-8"))
    for file in truth["files"]:
        report = importers.import_file(
            session,
            result.out_dir / file["path"],
            source=file["source"],
            commissioner=file["commissioner_option"],
        )
        assert not report.has_errors, report.render_text()
    return truth


def test_planted_groups_are_recovered_and_no_decoy_is_proposed(
    session: Session, loaded_sample: dict[str, Any]
) -> None:
    truth = loaded_sample
    as_at = dt.date.fromisoformat(truth["as_at"])
    entity = {c["uid"]: c["entity"] for c in truth["contracts"]}
    in_force = {
        c["uid"]
        for c in truth["contracts"]
        if (c["end_date"] is None or dt.date.fromisoformat(c["end_date"]) >= as_at)
        and (c["start_date"] is None or dt.date.fromisoformat(c["start_date"]) <= as_at)
    }
    run = propose(session, on=as_at, footprint=truth["footprint"])
    proposals = [proposal_json(p) for p in run.proposals]
    found = {(p["rule"], frozenset(entity[c["uid"]] for c in p["contracts"])) for p in proposals}
    for group in truth["consolidation_groups"]:
        # A planted member already ended on the date cannot be proposed (that
        # is the date constraint); the rest of its group still must be.
        members = frozenset(entity[uid] for uid in group["members"] if uid in in_force)
        if len(members) < 2:
            continue
        assert (group["rule"], members) in found, f"{group['id']} ({group['rule']}) not recovered"
    decoys = {d["uid"]: d["why"] for d in truth["decoys"]}
    decoy_entities = {entity[uid] for uid in decoys}
    for proposal in proposals:
        for contract in proposal["contracts"]:
            assert contract["uid"] not in decoys, (proposal["id"], decoys.get(contract["uid"]))
            assert entity[contract["uid"]] not in decoy_entities, proposal["id"]
    # Each real contract is in a proposal once per rule, whichever copy stands for it.
    for rule in {p["rule"] for p in proposals}:
        seen = [entity[c["uid"]] for p in proposals if p["rule"] == rule for c in p["contracts"]]
        assert len(seen) == len(set(seen)), rule


def test_what_propose_returns_is_what_it_stored(
    session: Session, loaded_sample: dict[str, Any]
) -> None:
    """The run's read model (built from drafts and columns) and the stored rows read
    back through the ORM give the same proposals, field by field."""
    as_at = dt.date.fromisoformat(loaded_sample["as_at"])
    run = propose(session, on=as_at, footprint=loaded_sample["footprint"])
    session.flush()
    session.expunge_all()
    returned = sorted((proposal_json(p) for p in run.proposals), key=lambda p: p["id"])
    stored = sorted((proposal_json(p) for p in list_proposals(session)), key=lambda p: p["id"])
    assert len(returned) > 10
    assert returned == stored
    again = propose(session, on=as_at, footprint=loaded_sample["footprint"])
    assert sorted((proposal_json(p) for p in again.proposals), key=lambda p: p["id"]) == stored
