"""Published layouts recognised as a whole, where the synonyms alone would guess wrong.

The Local Government Transparency Code's contracts schema calls the buyer
"Organisation name", the whole-life value "Contract value" and has an
"Effective Date" that is when the register was published; a Contracts
Finder export lists notices, most of them opportunities with no supplier
yet; a spending file lists payments. A schema is recognised from a few of
its headers; its columns then take precedence over the synonym list (a
``--map`` still wins), and the report names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from importers.columns import IGNORE, mapping_key

Cells = Callable[[str], Any]  # a row's cell under a header (as published), or None


@dataclass(frozen=True)
class Schema:
    name: str
    columns: dict[str, str]  # header as published -> canonical field
    signature: tuple[str, ...]  # headers that, together, identify the layout
    min_signature: int
    # why a row is not a contract (an opportunity, a payment), or None when it is one
    not_a_contract: Callable[[Cells], str | None] | None = None
    payments: bool = False  # each row is a payment: refused unless the user maps a title
    keys: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "keys", {mapping_key(h): target for h, target in self.columns.items()}
        )

    def matches(self, labels: list[str | None]) -> int:
        """How many of the signature headers are among ``labels``."""
        present = {mapping_key(label) for label in labels if label}
        return sum(mapping_key(h) in present for h in self.signature)


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _finder_not_a_contract(cells: Cells) -> str | None:
    if _text(cells("Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]")):
        return None
    kind = _text(cells("Notice Type")) or "a"
    status = _text(cells("Status"))
    state = f" (status {status})" if status else ""
    return f"a {kind} notice{state} with no supplier awarded: an opportunity, not a contract"


TRANSPARENCY_CODE = Schema(
    name="Local Government Transparency Code contracts schema",
    columns={
        "Organisation name": "commissioner",
        "Organisation Code": "commissioner_code",
        "Contract Reference number / ID": "reference",
        "Reference Number": "reference",
        "Title of the Agreement": "title",
        "Description of goods and services": "notes",
        "Contract type": "contract_form",
        "Service Category label": "service_category",
        "Contract start date": "start_date",
        "Start date": "start_date",
        "End date": "end_date",
        "Contract end date": "end_date",
        "Contract value": "total_value",
        "Value of contract": "total_value",
        "Supplier name": "provider",
    },
    signature=(
        "Title of the Agreement",
        "Contract Reference number / ID",
        "Directorate / service responsible",
        "Description of goods and services",
        "Irrecoverable VAT",
        "VAT not recoverable",
        "Review date",
        "SME supplier",
        "VCSE supplier",
        "Supplier registered company number",
        "Supplier registered charity number",
        "Effective Date",
        "Contract value",
    ),
    min_signature=4,
)

CONTRACTS_FINDER = Schema(
    name="Contracts Finder notices export",
    columns={
        "Notice Identifier": "reference",
        "Organisation Name": "commissioner",
        "Title": "title",
        "Description": "notes",
        "Status": "status",
        "Contract start date": "start_date",
        "Contract end date": "end_date",
        "Awarded Value": "total_value",
        "Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]": "provider",
        "Value Low": IGNORE,
        "Value High": IGNORE,
    },
    signature=(
        "Notice Identifier",
        "Notice Type",
        "Published Date",
        "Cpv Codes",
        "Suitable for SME",
        "Suitable for VCO",
        "Awarded Date",
        "Awarded Value",
        "OJEU Contract Type",
        "OJEU Procedure Type",
        "Value Low",
        "Value High",
    ),
    min_signature=4,
    not_a_contract=_finder_not_a_contract,
)

PAYMENTS = Schema(
    name="list of payments (spending data)",
    columns={},
    signature=(
        "Transaction Number",
        "Transaction Reference",
        "Transaction ID",
        "Date Paid",
        "Payment Date",
        "Expense Type",
        "Expense Area",
        "Expenses Area",
        "Expenditure Category",
        "Department Family",
        "AP Amount",
        "Supplier Classification",
    ),
    min_signature=2,
    payments=True,
)

SCHEMAS: tuple[Schema, ...] = (TRANSPARENCY_CODE, CONTRACTS_FINDER, PAYMENTS)


def detect_schema(labels: list[str | None]) -> Schema | None:
    """The published layout these headers follow, if any (the one most of whose
    signature headers are present)."""
    best, best_count = None, 0
    for schema in SCHEMAS:
        count = schema.matches(labels)
        if count >= schema.min_signature and count > best_count:
            best, best_count = schema, count
    return best
