"""Data flows one way: file → rows → store → duplicates → proposals → workbook, and the
commands sit on top. Every import in the product code is read (functions and
TYPE_CHECKING blocks too) and none may reach a higher layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. A module may import its own layer and any below it. The store and
# the organisations are one layer (the store resolves names while it writes), with
# the small shared modules at the top of contracts/.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "contracts.store",
        "contracts.organisations",
        "contracts.errors",
        "contracts.findings",
        "contracts.gate",
        "contracts.graphs",
        "contracts.vocabulary",
        "contracts.contract_forms",
        "contracts.data_tables",
    ),
    ("importers",),
    ("contracts.duplicates",),
    ("contracts.proposals",),
    ("contracts.workbook",),
    ("contracts.sample",),
    ("contracts",),  # the package itself: the public API
    ("contracts.commands",),
    ("cli",),
)
MAX_LINES = 500


def _layer(module: str) -> int:
    """The layer of ``module``: the longest matching prefix wins."""
    best, depth = -1, -1
    for number, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and prefix.count(".") > depth:
                best, depth = number, prefix.count(".")
    return best


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _product_files() -> list[Path]:
    return [
        *sorted((ROOT / "contracts").rglob("*.py")),
        *sorted((ROOT / "importers").rglob("*.py")),
        ROOT / "cli.py",
    ]


def _imports(path: Path) -> set[str]:
    """The modules ``path`` imports; ``from contracts import gate`` is contracts.gate."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                as_path = ROOT.joinpath(*candidate.split("."))
                is_module = as_path.with_suffix(".py").exists() or as_path.is_dir()
                found.add(candidate if is_module else node.module)
    return {name for name in found if _layer(name) >= 0}


def test_every_product_module_has_a_layer() -> None:
    unplaced = [_module_name(p) for p in _product_files() if _layer(_module_name(p)) < 0]
    assert unplaced == []


def test_no_module_imports_a_higher_layer() -> None:
    upward = sorted(
        f"{_module_name(path)} imports {target}"
        for path in _product_files()
        for target in _imports(path)
        if _layer(target) > _layer(_module_name(path))
    )
    assert upward == []


@pytest.mark.parametrize("package", ["contracts.store", "contracts.organisations"])
def test_the_store_reads_nothing_built_on_it(package: str) -> None:
    above = ("contracts.duplicates", "contracts.proposals", "contracts.workbook", "importers")
    found = sorted(
        f"{_module_name(path)} imports {target}"
        for path in (ROOT.joinpath(*package.split("."))).rglob("*.py")
        for target in _imports(path)
        if target.startswith((*above, "contracts.commands", "contracts.sample", "cli"))
    )
    assert found == []


def test_the_layer_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The walk itself works: a store module importing a command is caught."""
    assert _layer("contracts.store.summary") < _layer("contracts.commands.render")
    assert _layer("contracts.sample.demo") < _layer("contracts.commands.timeline")
    sample = tmp_path / "sample.py"
    sample.write_text("from contracts.commands import render\nimport cli\n", encoding="utf-8")
    assert _imports(sample) == {"contracts.commands.render", "cli"}


def test_no_module_is_over_500_lines() -> None:
    long = {
        _module_name(p): n
        for p in _product_files()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
