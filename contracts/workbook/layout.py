"""The columns of the finance workbook's sheets, shared by export and review.

Formulas in one sheet refer to columns of another by header, so the layout
lives in one place and a moved column cannot leave a formula pointing at the
wrong data.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from contracts.workbook.style import Column

SUMMARY_SHEET = "Summary"
PROPOSALS_SHEET = "Proposals"
CONTRACTS_SHEET = "Contracts"
DUPLICATES_SHEET = "Duplicates"

PROPOSAL_ID = "Proposal ID"
DECISION = "Decision"
REVIEWER_NOTES = "Reviewer notes"
REVIEW_KEY = "Review key"
DECISIONS = ("Accept", "Reject", "Defer")

PROPOSAL_COLUMNS = (
    Column(PROPOSAL_ID, 16),
    Column("Rule", 26),
    Column("Title", 48),
    Column("Lead commissioner", 32),
    Column("Associate commissioners", 40),
    Column("Provider", 36),
    Column("Members", 10, "formula-count"),
    Column("Contracts before", 10, "count"),
    Column("Contracts after", 10, "count"),
    # Proposals that share a contract cannot both be signed as they stand: a
    # group of them becomes one contract, as `contracts summary` counts it.
    Column("Overlap group", 16),
    Column("New contracts in headline", 12, "count"),
    Column("Annual value", 18, "formula-money"),
    Column("Earliest start", 13, "date"),
    Column("Flags", 30),
    Column("Reasons", 60),
    Column("Status", 12),
    Column("Needs review", 10),
    Column(DECISION, 12),
    Column(REVIEWER_NOTES, 40),
    # proposal ID | hash of its members | export ID: lets review spot a
    # workbook from another database or one exported before the members changed.
    Column(REVIEW_KEY, 30, hidden=True),
)

CONTRACT_COLUMNS = (
    Column(PROPOSAL_ID, 16),
    Column("Proposal status", 12),
    Column("Contract ID", 10, "count"),
    Column("Reference", 16),
    Column("Source register", 24),
    Column("Title", 48),
    Column("Commissioner", 32),
    Column("Associate commissioners", 32),
    Column("Provider", 36),
    Column("Service category", 20),
    Column("Contract form", 22),
    Column("Start date", 12, "date"),
    Column("End date", 12, "date"),
    Column("Annual value", 18, "money"),
    Column("Total value", 18, "money"),
    Column("Counted as contract", 12, "count"),
    Column("Counts in headline", 10, "count"),
    Column("Source file", 30),
    Column("Source sheet", 16),
    Column("Source row", 10, "count"),
)

DUPLICATE_COLUMNS = (
    Column("Duplicate set", 16),
    Column("Score", 8, "score"),
    Column("Weak link", 10),
    Column("Reasons", 50),
    Column("Contract ID", 10, "count"),
    Column("Reference", 16),
    Column("Source register", 24),
    Column("Title", 48),
    Column("Commissioner", 32),
    Column("Provider", 36),
    Column("Start date", 12, "date"),
    Column("End date", 12, "date"),
    Column("Annual value", 18, "money"),
    Column("Counted as contract", 12, "count"),
    Column("Extra copy", 10, "count"),
)


def letter(columns: tuple[Column, ...], header: str) -> str:
    """The column letter of ``header`` in a sheet laid out as ``columns``."""
    for index, column in enumerate(columns, start=1):
        if column.header == header:
            return get_column_letter(index)
    raise KeyError(header)


def whole_column(sheet: str, columns: tuple[Column, ...], header: str) -> str:
    """An absolute whole-column reference such as ``Contracts!$N:$N``.

    Whole columns keep working when a reviewer sorts, filters or adds rows.
    """
    col = letter(columns, header)
    return f"{sheet}!${col}:${col}"
