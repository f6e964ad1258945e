"""The catalogue of finding codes: every finding is one of them, and the README lists them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contracts.findings import CATALOGUE, Finding, FindingCode, Severity, codes
from contracts.findings.codes import markdown_table

ROOT = Path(__file__).resolve().parents[2]
README_TABLE = re.compile(
    r"<!-- finding codes: begin .*? -->\n(.*?)\n<!-- finding codes: end -->", re.S
)


def test_a_finding_with_a_code_not_in_the_catalogue_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="'bad-mony' is not a finding code"):
        Finding("bad-mony", Severity.ERROR, "a typo in a code")
    made = codes.BAD_MONEY.finding(column="Value", raw="lots", cell="Sheet!D4", value="lots")
    assert made.code == "bad-money" and made.severity is Severity.ERROR
    assert made.message == "Value: 'lots' is not an amount of money (write it like £1,234.50)"
    assert made.title == "Not an amount of money"


def test_a_code_is_defined_once_and_its_templates_leave_the_place_alone() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        FindingCode("bad-money", Severity.ERROR, "again", "x")
    with pytest.raises(ValueError, match=r"cannot use \['cell'\]"):
        FindingCode("made-up", Severity.INFO, "a template naming a place", "at {cell}")
    assert "made-up" not in CATALOGUE


def test_variants_and_severity_are_chosen_at_the_call_site() -> None:
    near = codes.UNKNOWN_COLUMN.finding(
        variant="near",
        severity=Severity.WARNING,
        header="Expiry dt",
        words="end date",
        field="end_date",
    )
    assert near.severity is Severity.WARNING
    assert near.message == (
        "column 'Expiry dt' was not recognised and was not imported; if it is the end date, "
        "use --map 'Expiry dt=end_date' (or --map 'Expiry dt=ignore')"
    )
    with pytest.raises(KeyError):
        codes.UNKNOWN_COLUMN.message("no-such-variant", header="x")


def test_every_code_is_used_by_the_product_code() -> None:
    """No code sits in the catalogue unused, and no call site names a code outside it."""
    names = {name for name, value in vars(codes).items() if isinstance(value, FindingCode)}
    sources = [
        p.read_text(encoding="utf-8")
        for folder in ("contracts", "importers")
        for p in (ROOT / folder).rglob("*.py")
        if p.name != "codes.py"
    ]
    used = {m for text in sources for m in re.findall(r"\bcodes\.([A-Z_]+)\b", text)}
    assert used <= names, used - names
    assert names <= used, names - used
    assert {CATALOGUE[c.code] for c in CATALOGUE.values()} == set(CATALOGUE.values())


def test_no_finding_is_made_from_a_bare_string() -> None:
    """Findings come from the catalogue's codes, never Finding("some-code", ...)."""
    for folder in ("contracts", "importers"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.parent.name == "findings":
                continue
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"\bFinding\(", text), path


def test_the_readme_lists_every_code_with_its_title() -> None:
    found = README_TABLE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found is not None, "the README has no table of finding codes"
    assert found.group(1) == markdown_table(), (
        "the README's table of finding codes is out of date: "
        "python -m contracts.findings.codes prints it"
    )
    for kind in CATALOGUE.values():
        assert f"| `{kind.code}` | {kind.severity.value} | {kind.title} |" in found.group(1)
