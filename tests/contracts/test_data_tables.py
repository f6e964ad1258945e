"""The tables read from contracts/data/ and ship with the package."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from contracts import data_tables as tables
from contracts.sample.layouts import LAYOUTS, Layout
from contracts.sample.other_layouts import OTHER_LAYOUTS

ROOT = Path(__file__).parents[2]


@dataclass(frozen=True)
class _Row:
    name: str
    pairs: tuple[tuple[str, int], ...] = ()


def test_rows_come_back_as_frozen_tuples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "t.toml").write_text('[[row]]\nname = "a"\npairs = [["x", 1], ["y", 2]]\n')
    monkeypatch.setattr(tables, "DATA_DIR", tmp_path)
    assert tables.read_rows("t.toml", "row", _Row) == (_Row("a", (("x", 1), ("y", 2))),)


def test_an_unknown_key_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "t.toml").write_text('[[row]]\nname = "a"\ncolour = "red"\n')
    monkeypatch.setattr(tables, "DATA_DIR", tmp_path)
    with pytest.raises(TypeError, match="colour"):
        tables.read_rows("t.toml", "row", _Row)


def test_layouts_load_one_per_commissioner() -> None:
    for layouts in (LAYOUTS, OTHER_LAYOUTS):
        assert len({layout.commissioner for layout in layouts}) == len(layouts) == 10
        assert all(isinstance(layout.columns, tuple) for layout in layouts)
    assert isinstance(LAYOUTS[0], Layout)


def test_every_data_file_is_package_data() -> None:
    """A non-editable install carries contracts/data/ only through these globs."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        globs = tomllib.load(handle)["tool"]["setuptools"]["package-data"]["contracts"]
    package = ROOT / "contracts"
    shipped = {path for pattern in globs for path in package.glob(pattern)}
    for path in (package / "data").rglob("*"):
        if path.is_file() and path.suffix in {".toml", ".csv"}:
            assert path in shipped, path
