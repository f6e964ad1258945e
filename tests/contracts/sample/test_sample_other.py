"""The other publishers' registers: the second yardstick is sound before it measures anything.

These tests check the generator, not the tool's scores on it: the same seed
writes the same files, truth.json says where every row is and what it holds,
every planted group can legitimately be proposed, and every register imports.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from contracts.sample.other import write_other_sample
from contracts.sample.other_layouts import OTHER_LAYOUTS

importers = pytest.importorskip("importers")


def _truth(folder: Path, seed: int = 201, contracts: int = 320) -> dict[str, Any]:
    _files, truth_path, _count = write_other_sample(folder, seed=seed, contracts=contracts)
    truth: dict[str, Any] = json.loads(truth_path.read_text(encoding="utf-8"))
    return truth


def _cell(folder: Path, entry: dict[str, Any], sheet: str | None, row: int) -> list[Any]:
    path = folder / entry["path"]
    if sheet is None:
        text = path.read_bytes().decode(entry["encoding"])
        return list(csv.reader(text.splitlines()))[row - 1]
    workbook = load_workbook(path, read_only=True)
    try:
        return [c.value for c in next(workbook[sheet].iter_rows(min_row=row, max_row=row))]
    finally:
        workbook.close()


def test_the_same_seed_writes_the_same_registers(tmp_path: Path) -> None:
    first = _truth(tmp_path / "a")
    second = _truth(tmp_path / "b")
    assert first == second
    for entry in first["files"]:
        if entry["path"].endswith(".csv"):
            a = (tmp_path / "a" / entry["path"]).read_bytes()
            assert a == (tmp_path / "b" / entry["path"]).read_bytes()
    assert _truth(tmp_path / "c", seed=202) != first


def test_truth_says_where_each_row_is(tmp_path: Path) -> None:
    truth = _truth(tmp_path)
    files = {f["source"]: f for f in truth["files"]}
    assert len(truth["contracts"]) == 320
    for contract in truth["contracts"][::7]:
        row = _cell(tmp_path, files[contract["source"]], contract["sheet"], contract["row"])
        assert contract["reference"] in [str(v) for v in row]


def test_planted_groups_are_legitimate_and_apart_from_the_decoys(tmp_path: Path) -> None:
    truth = _truth(tmp_path)
    as_at = dt.date.fromisoformat(truth["as_at"])
    by_uid = {c["uid"]: c for c in truth["contracts"]}
    decoys = {d["uid"] for d in truth["decoys"]}
    assert len(truth["consolidation_groups"]) == 12
    for group in truth["consolidation_groups"]:
        members = [by_uid[uid] for uid in group["members"]]
        assert len(members) >= 2
        assert not decoys & set(group["members"])
        for member in members:
            assert dt.date.fromisoformat(member["start_date"]) <= as_at
            assert dt.date.fromisoformat(member["end_date"]) >= as_at
            assert member["contract_form"] != "grant agreement"
    reasons = {d["why"] for d in truth["decoys"]}
    assert reasons == {"outside footprint", "expired", "grant agreement"}
    entities = {c["entity"] for c in truth["contracts"]}
    copies = {pair_uid for pair in truth["duplicate_pairs"] for pair_uid in pair}
    assert copies <= set(by_uid) and len(entities) < len(by_uid)


def test_some_registers_have_no_form_column_and_nhs_categories(tmp_path: Path) -> None:
    truth = _truth(tmp_path)
    without_form = [layout for layout in OTHER_LAYOUTS if "contract_form" not in layout.fields]
    assert len(without_form) >= 4
    for layout in without_form:
        header = " ".join(str(v) for v in _header(tmp_path, layout.file_name, truth))
        assert "Contract Type" not in header and "Form" not in header
    categories = {c["service_category"] for c in truth["contracts"]}
    assert {"A+E", "A", "AM", "MH", "CS", "ELC", "PT", "CHC"} <= categories


def _header(folder: Path, name: str, truth: dict[str, Any]) -> list[Any]:
    entry = next(f for f in truth["files"] if f["path"] == name)
    first = min(c["row"] for c in truth["contracts"] if c["source"] == entry["source"])
    return _cell(folder, entry, entry["sheets"][0] if entry["sheets"] else None, first - 1)


def test_every_register_imports(session: Session, tmp_path: Path) -> None:
    truth = _truth(tmp_path)
    imported = 0
    for entry in truth["files"]:
        report = importers.import_file(
            session, tmp_path / entry["path"], commissioner=entry["commissioner_option"]
        )
        assert not report.has_errors, report.render_text()
        imported += report.created
    assert imported == len(truth["contracts"])


def test_the_sample_command_writes_the_other_style(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import main

    out = tmp_path / "other"
    result = CliRunner().invoke(main, ["sample", str(out), "--style", "other", "--seed", "7"])
    assert result.exit_code == 0, result.output
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert truth["style"] == "other" and truth["as_at"] == "2018-04-01"
    assert "(import with --commissioner 06Q)" in result.output
    assert f"{len(truth['contracts'])} contracts in 10 registers (seed 7)" in result.output
