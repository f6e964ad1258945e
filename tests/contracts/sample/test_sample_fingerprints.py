"""The samples' seeded draws never move: every file of a few samples matches its recorded print.

The quality bench, the demo and many tests are scored against these samples, so a
refactor of ``contracts/sample/`` must write exactly the same registers. Each
sample's print is a SHA-256 over its files: CSV and truth.json byte for byte, an
xlsx by the typed value of every cell of every sheet (the zip around them carries
timestamps). When a change means to move the draws, rewrite the record with
``python -m tests.contracts.sample.test_sample_fingerprints`` and say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from contracts.sample.generate import write_sample
from contracts.sample.other import write_other_sample

RECORD = Path(__file__).with_name("sample_fingerprints.json")
# (style, seed, contracts): the defaults, other seeds, and a size that plants more of each kind.
SAMPLES = [
    ("own", 1, 320),
    ("own", 7, 500),
    ("own", 42, 2000),
    ("other", 1, 320),
    ("other", 7, 500),
    ("other", 42, 2000),
]


def fingerprint(folder: Path) -> str:
    """One digest over every file in ``folder``, in name order."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        digest.update(f"file {path.name}\n".encode())
        if path.suffix == ".xlsx":
            workbook = load_workbook(path, read_only=True)
            try:
                for sheet in workbook.worksheets:
                    digest.update(f"sheet {sheet.title}\n".encode())
                    for row in sheet.iter_rows(values_only=True):
                        digest.update((repr(row) + "\n").encode())
            finally:
                workbook.close()
        else:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def write(folder: Path, style: str, seed: int, contracts: int) -> Path:
    if style == "other":
        write_other_sample(folder, seed=seed, contracts=contracts)
    else:
        write_sample(folder, seed=seed, contracts=contracts)
    return folder


def _key(style: str, seed: int, contracts: int) -> str:
    return f"{style} seed {seed} contracts {contracts}"


@pytest.mark.parametrize(("style", "seed", "contracts"), SAMPLES)
def test_the_sample_writes_what_it_always_wrote(
    tmp_path: Path, style: str, seed: int, contracts: int
) -> None:
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    folder = write(tmp_path / "sample", style, seed, contracts)
    assert fingerprint(folder) == recorded[_key(style, seed, contracts)]


def test_the_print_sees_a_changed_cell(tmp_path: Path) -> None:
    folder = write(tmp_path / "sample", "own", 1, 320)
    before = fingerprint(folder)
    xlsx = next(p for p in sorted(folder.iterdir()) if p.suffix == ".xlsx")
    workbook = load_workbook(xlsx)
    sheet = workbook.worksheets[0]
    sheet.cell(row=sheet.max_row, column=1).value = "changed"
    workbook.save(xlsx)
    assert fingerprint(folder) != before


if __name__ == "__main__":  # rewrite the record, on purpose only
    import tempfile

    prints = {}
    for style, seed, contracts in SAMPLES:
        with tempfile.TemporaryDirectory() as tmp:
            prints[_key(style, seed, contracts)] = fingerprint(
                write(Path(tmp), style, seed, contracts)
            )
    RECORD.write_text(json.dumps(prints, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RECORD}")
