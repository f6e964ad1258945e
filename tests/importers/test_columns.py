"""Headers as publishers write them: normalised, the best column for each field, the
schemas recognised as a whole, and an explicit --map above everything."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import InputRejected
from contracts.store.models import Contract
from importers import import_file
from importers.columns import map_columns, match_header, normalise_header, parse_mapping
from tests.importers.helpers import write_csv

REGISTERS = Path(__file__).parents[2] / ".." / "shared" / "data" / "real" / "registers"
SPEND = Path(__file__).parents[2] / ".." / "shared" / "data" / "real" / "nhs_spend_over_25k"
NORFOLK = REGISTERS / "norfolk-cc-contracts-register-2015.csv"
FINDER = REGISTERS / "contracts-finder-notices-export-2025-11.csv"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("contract_id", "reference"),
        ("CONTRACT_TITLE", "title"),
        ("SupplierName", "provider"),
        ("suppliername", "provider"),
        ("SUPPLIER_NAME", "provider"),
        ("Vendor", "provider"),
        ("Contractor Name", "provider"),
        ("Winning Bidder", "provider"),
        ("Expiry Date", "end_date"),
        ("Expiration date", "end_date"),
        ("CONTRACT_CURRENT_END_DATE", "end_date"),
        ("contractStartDate", "start_date"),
        ("Award Value", "total_value"),
        ("Awarded Amount", "total_value"),
        ("CONTRACT_AWARD_VALUE", "total_value"),
        ("Amount", "annual_value"),
        ("Estimated Annual Value (£k)", "annual_value"),
        ("Contract value", "total_value"),
        ("Provider Code", "provider_code"),
        ("ODS Code", "provider_code"),
        ("Supplier Code", "provider_code"),
        ("Organisation Code", "commissioner_code"),
        ("Commissioner Code", "commissioner_code"),
        ("Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]", "provider"),
    ],
)
def test_headers_as_publishers_write_them(header: str, field: str) -> None:
    assert match_header(header) == field


def test_normalisation() -> None:
    assert normalise_header("SupplierName") == "supplier name"
    assert normalise_header("ODSCode") == "ods code"
    assert normalise_header("contract_end_date") == "contract end date"
    assert normalise_header("Value p.a. (£k)") == "value pa"


def test_each_field_takes_the_best_column_not_the_first() -> None:
    columns = map_columns(["Effective Date", "Title", "Contract start date", "Supplier"], {})
    assert columns.fields["start_date"] == 2
    (passed,) = columns.duplicates
    assert passed.column == 0 and not passed.close
    assert "'Contract start date' was taken" in passed.reason
    assert "'Effective Date' is a general name" in passed.reason


def test_two_columns_that_fit_as_well_take_the_first_and_say_so() -> None:
    columns = map_columns(["Supplier", "Title", "Provider"], {})
    assert columns.fields["provider"] == 0
    (passed,) = columns.duplicates
    assert passed.close and "both fit as well" in passed.reason


def test_an_explicit_map_always_wins() -> None:
    labels = ["Our ref", "Contract Reference", "Title", "Supplier"]
    mapping = parse_mapping(["Our ref=reference"])
    columns = map_columns(labels, mapping)
    assert columns.fields["reference"] == 0
    assert "named by --map" in columns.duplicates[0].reason
    ignored = map_columns(labels, parse_mapping(["Contract Reference=ignore"]))
    assert ignored.fields["reference"] == 0 and not ignored.duplicates


HEADERS = [
    "Effective Date",
    "Contract start date",
    "Start",
    "Title",
    "Description",
    "Supplier name",
    "Vendor",
    "Contract value",
    "Annual value",
    "ODS code",
]


@given(st.permutations(HEADERS))
def test_the_choice_does_not_depend_on_column_order(labels: list[str]) -> None:
    columns = map_columns(list(labels), {})
    chosen = {name: labels[column] for name, column in columns.fields.items()}
    assert chosen["start_date"] == "Contract start date"
    assert chosen["title"] == "Title"
    assert chosen["provider"] == "Supplier name"
    assert chosen["total_value"] == "Contract value"
    assert chosen["annual_value"] == "Annual value"
    assert chosen["provider_code"] == "ODS code"


@pytest.mark.skipif(not NORFOLK.exists(), reason=f"real register not found at {NORFOLK}")
def test_the_transparency_code_schema(session: Session, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    report = import_file(session, NORFOLK, dry_run=True, skip_invalid=True, rejects=rejects)
    (sheet,) = report.sheets
    assert sheet.schema == "Local Government Transparency Code contracts schema"
    assert sheet.columns == {
        "commissioner": "Organisation name",
        "commissioner_code": "Organisation Code",
        "reference": "Contract Reference number / ID",
        "title": "Title of the Agreement",
        "contract_form": "Contract type",
        "service_category": "Service Category label",
        "notes": "Description of goods and services",
        "start_date": "Contract start date",
        "end_date": "End date",
        "total_value": "Contract value",
        "provider": "Supplier name",
    }
    (effective,) = [f for f in report.findings if f.code == "duplicate-column"]
    assert effective.value == "Effective Date" and effective.cell == "C1"
    assert "'Contract start date' was taken" in effective.message
    assert report.rows_read == 5729
    accounted = report.created + report.rejected + report.not_contracts
    assert accounted == report.rows_read
    # Norfolk County Council is known (national reference data): no row fails for it.
    assert not [f for f in report.findings if f.code == "unknown-commissioner"]
    assert report.created > 5000


@pytest.mark.skipif(not FINDER.exists(), reason=f"real export not found at {FINDER}")
def test_a_contracts_finder_export_is_notices_not_contracts(session: Session) -> None:
    report = import_file(session, FINDER, commissioner="99E", dry_run=True)
    assert report.sheets[0].schema == "Contracts Finder notices export"
    assert (report.rows_read, report.not_contracts, report.created) == (852, 852, 0)
    assert not report.has_errors
    notes = [f for f in report.findings if f.code == "not-a-contract"]
    assert len(notes) == 852 and notes[0].cell == "line 2"
    assert "no supplier awarded" in notes[0].message
    assert "none of its 852 rows is a contract" in report.render_text()


def test_an_awarded_notice_in_a_finder_export_is_a_contract(
    session: Session, tmp_path: Path
) -> None:
    header = [
        "Notice Identifier",
        "Notice Type",
        "Organisation Name",
        "Status",
        "Published Date",
        "Title",
        "Description",
        "Start Date",
        "Awarded Date",
        "Awarded Value",
        "Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]",
        "Contract start date",
        "Contract end date",
    ]
    rows = [
        [
            "N-1",
            "Contract",
            "Mid Essex CCG",
            "Awarded",
            "2025-11-01",
            "Falls service",
            "x",
            "01/01/2026",
            "2025-10-01",
            "300000",
            "ACME CARE LTD|1 High St, Chelmsford|COMPANIES_HOUSE|01234567|true|false",
            "01/04/2026",
            "31/03/2029",
        ],
        [
            "N-2",
            "Pipeline",
            "Mid Essex CCG",
            "Open",
            "2025-11-01",
            "Future service",
            "y",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    path = write_csv(tmp_path / "finder.csv", [header, *rows])
    report = import_file(session, path)
    assert (report.created, report.not_contracts) == (1, 1), report.render_text()
    contract = session.scalars(select(Contract)).one()
    assert contract.provider is not None and contract.provider.name == "ACME CARE LTD"
    assert contract.total_value is not None and contract.reference == "N-1"
    (passed,) = [f for f in report.findings if f.code == "duplicate-column"]
    assert passed.value == "Start Date"  # the notice's estimate, not the contract's start


SPEND_FILES = sorted(SPEND.glob("*.csv")) if SPEND.is_dir() else []


@pytest.mark.skipif(not SPEND_FILES, reason=f"real spend files not found at {SPEND}")
@pytest.mark.parametrize("path", SPEND_FILES, ids=lambda p: p.name)
def test_a_list_of_payments_is_refused_in_one_sentence(session: Session, path: Path) -> None:
    with pytest.raises(InputRejected) as refused:
        import_file(session, path, commissioner="99E")
    message = str(refused.value)
    assert message.startswith(f"{path.name} looks like a list of payments")
    assert "--map '" in message and "=title'" in message and "\n" not in message


def test_a_provider_code_column_is_carried_and_resolves_first(
    session: Session, tmp_path: Path
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            ["Ref", "Title", "Supplier", "ODS Code", "Commissioner Code"],
            ["C-1", "Acute block", "Southend Hosp (finance name)", "RAJ", "99G"],
            ["C-2", "Acute block 2", "Unknown Ltd", "ZZZ99", "99G"],
        ]
    )
    path = tmp_path / "codes.csv"
    path.write_text(buffer.getvalue())
    report = import_file(session, path)
    assert not report.has_errors, report.render_text()
    found = {c.reference: c for c in session.scalars(select(Contract))}
    assert found["C-1"].provider is not None and found["C-1"].provider.ods_code == "RAJ"
    assert found["C-1"].lead_commissioner is not None
    assert found["C-1"].lead_commissioner.ods_code == "99G"
    assert found["C-2"].provider is not None and found["C-2"].provider.name == "Unknown Ltd"
    (unknown,) = [f for f in report.findings if f.code == "unknown-code"]
    assert unknown.value == "ZZZ99" and unknown.cell == "D3"
