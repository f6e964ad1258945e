"""The duplicate finder against the generated sample's truth.json.

The sample generator plants copies of contracts across the commissioners'
registers (other references, spellings and roundings) and near misses
(successive contracts, the same service for another commissioner). After a real
import of every file, the pairs found must match the planted pairs closely.
The bench (`bench/quality_bench.py`) checks five seeds; this test one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from contracts.duplicates.finder import find_duplicates

sample = pytest.importorskip(
    "contracts.sample.generate", reason="the sample generator is not there yet"
)
importers = pytest.importorskip("importers", reason="the importer is not there yet")
if not hasattr(importers, "import_file"):  # pragma: no cover
    pytest.skip("importers.import_file is not there yet", allow_module_level=True)


def import_sample(session: Session, folder: Path, seed: int) -> dict:
    result = sample.write_sample(folder, seed=seed)
    truth = json.loads(result.truth_path.read_text(encoding="utf-8"))
    for entry in truth["files"]:
        for sheet in entry.get("sheets") or [None]:
            importers.import_file(
                session,
                folder / entry["path"],
                source=entry["source"],
                sheet=sheet,
                commissioner=entry.get("commissioner_option"),
            )
    return truth


def pairs_of(member_uids: list[list[str]]) -> set[tuple[str, str]]:
    return {
        (a, b)
        for members in member_uids
        for i, a in enumerate(sorted(members))
        for b in sorted(members)[i + 1 :]
    }


def test_planted_duplicates_are_found_with_high_precision_and_recall(
    session: Session, tmp_path: Path
) -> None:
    truth = import_sample(session, tmp_path / "sample", seed=1)
    report = find_duplicates(session)
    found = pairs_of([[m.uid for m in s.members] for s in report.sets])
    planted = {tuple(sorted(pair)) for pair in truth["duplicate_pairs"]}
    assert planted, "the sample should plant some duplicates"
    true_positives = len(found & planted)
    precision = true_positives / len(found) if found else 0.0
    recall = true_positives / len(planted)
    assert precision >= 0.9, sorted(found - planted)
    assert recall >= 0.9, sorted(planted - found)
    # Near misses (successive contracts and the like) are never reported as copies.
    near_misses = {tuple(sorted(n["pair"])) for n in truth.get("near_misses", [])}
    assert not found & near_misses
