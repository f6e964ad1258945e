"""Values as registers publish them: a whole-life value with a period, one reference for
several suppliers, placeholder dates, money in another currency."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cli import main
from contracts.organisations.names import normalise_name
from contracts.store.models import Contract
from importers import import_file
from tests.importers.helpers import write_csv

HEADER = ["Ref", "Title", "Supplier", "Start date", "End date", "Contract value"]


def contracts(session: Session) -> dict[str, Contract]:
    return {c.source_key: c for c in session.scalars(select(Contract))}


def test_a_whole_life_value_gives_a_derived_annual_value(session: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "whole-life.csv",
        [
            HEADER,
            ["W-1", "Three years", "EPUT", "01/04/2016", "31/03/2019", "£3,000,000"],
            ["W-2", "Six months", "EPUT", "01/04/2016", "30/09/2016", "50000"],
            ["W-3", "No period", "EPUT", "", "", "90000"],
        ],
    )
    report = import_file(session, path, commissioner="99E")
    assert not report.has_errors, report.render_text()
    found = contracts(session)
    assert found["W-1"].total_value == Decimal("3000000.00")
    assert found["W-1"].annual_value == Decimal("1000000.00")
    assert found["W-2"].annual_value == Decimal("50000.00")  # it runs less than a year
    assert found["W-3"].annual_value is None
    derived = {f.value: f for f in report.findings if f.code == "annual-value-derived"}
    assert set(derived) == {"1000000.00", "50000.00"}
    assert derived["1000000.00"].cell == "F2" and derived["1000000.00"].severity == "info"
    assert "over 36 months" in derived["1000000.00"].message


def test_a_given_annual_value_is_never_replaced(session: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "both.csv",
        [
            [*HEADER, "Annual value"],
            ["B-1", "Given", "EPUT", "01/04/2016", "31/03/2019", "3000000", "900000"],
            ["B-2", "Unreadable", "EPUT", "01/04/2016", "31/03/2019", "3000000", "lots"],
        ],
    )
    report = import_file(
        session, path, commissioner="99E", skip_invalid=True, rejects=tmp_path / "r.csv"
    )
    assert (report.created, report.rejected) == (1, 1)
    assert contracts(session)["B-1"].annual_value == Decimal("900000.00")
    assert "annual-value-derived" not in [f.code for f in report.findings]


def test_the_summary_counts_the_derived_value(database_url: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "whole-life.csv",
        [HEADER, ["S-1", "Two years", "EPUT", "01/04/2016", "31/03/2018", "500000"]],
    )
    runner = CliRunner()
    imported = runner.invoke(
        main, ["--database", database_url, "import", str(path), "--commissioner", "99E"]
    )
    assert imported.exit_code == 0, imported.output
    summary = runner.invoke(main, ["--database", database_url, "summary", "--format", "json"])
    assert summary.exit_code == 0, summary.output
    figures = json.loads(summary.stdout)
    assert "250000.00" in json.dumps(figures)


FRAMEWORK = [
    ["Ref", "Title", "Supplier", "Annual value"],
    ["FW-1", "Home care framework", "Acme Care Ltd", "100"],
    ["FW-2", "Podiatry", "EPUT", "5"],
    ["FW-1", "Home care framework", "Beta Homecare", "200"],
    ["FW-1", "Home care framework", "Gamma Care", "300"],
]


def test_one_reference_for_several_suppliers_is_a_contract_each(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "framework.csv", FRAMEWORK)
    with sessions.begin() as session:
        report = import_file(session, path, commissioner="99E")
        assert not report.has_errors, report.render_text()
        found = contracts(session)
        suppliers = ("Acme Care Ltd", "Beta Homecare", "Gamma Care")
        keys = {"FW-2", *(f"FW-1/{normalise_name(name)}" for name in suppliers)}
        assert set(found) == keys
        assert {c.reference for c in found.values()} == {"FW-1", "FW-2"}
        (shared,) = [f for f in report.findings if f.code == "shared-reference"]
        assert shared.value == "FW-1" and shared.cell == "line 2" and shared.severity == "info"
        assert "3 suppliers" in shared.message
    # the same register in another order: the same contracts, nothing changed
    (tmp_path / "v2").mkdir()
    reordered = write_csv(
        tmp_path / "v2" / "framework.csv", [FRAMEWORK[0], *reversed(FRAMEWORK[1:])]
    )
    with sessions.begin() as session:
        again = import_file(session, reordered, commissioner="99E")
        assert (again.created, again.updated, again.missing) == (0, 0, 0), again.render_text()
        assert set(contracts(session)) == keys


def test_one_reference_twice_for_one_supplier_is_still_an_error(
    session: Session, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "twice.csv", [*FRAMEWORK, ["FW-1", "Again", "Beta Homecare", "1"]])
    report = import_file(session, path, commissioner="99E")
    (duplicate,) = [f for f in report.findings if f.code == "duplicate-reference"]
    assert duplicate.cell == "line 6" and "for the same supplier" in duplicate.message


def test_placeholder_dates_are_flagged_and_stored_as_unknown(
    session: Session, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "placeholders.csv",
        [
            ["Ref", "Title", "Supplier", "Start date", "End date"],
            ["P-1", "Open ended", "EPUT", "01/01/1900", "31/12/2099"],
            ["P-2", "Real", "EPUT", "01/04/2016", "31/03/2019"],
        ],
    )
    report = import_file(session, path, commissioner="99E")
    assert not report.has_errors
    found = contracts(session)
    assert (found["P-1"].start_date, found["P-1"].end_date) == (None, None)
    assert found["P-2"].start_date == dt.date(2016, 4, 1)
    flagged = [(f.cell, f.value) for f in report.findings if f.code == "placeholder-date"]
    assert flagged == [("D2", "01/01/1900"), ("E2", "31/12/2099")]


def test_money_in_another_currency_is_refused_per_cell(session: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "currency.csv",
        [
            ["Ref", "Title", "Supplier", "Annual value"],
            ["M-1", "Pounds", "EPUT", "£1,000"],
            ["M-2", "Dollars", "EPUT", "$1,000"],
            ["M-3", "Euros", "EPUT", "1.000 EUR"],
        ],
    )
    report = import_file(
        session, path, commissioner="99E", skip_invalid=True, rejects=tmp_path / "r.csv"
    )
    assert (report.created, report.rejected) == (1, 2)
    refused = [(f.cell, f.severity) for f in report.findings if f.code == "foreign-currency"]
    assert refused == [("D3", "error"), ("D4", "error")]
