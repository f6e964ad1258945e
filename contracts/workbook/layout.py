"""The columns of the finance workbook's sheets, shared by export and review.

Formulas in one sheet refer to columns of another by header, so the layout
lives in one place and a moved column cannot leave a formula pointing at the
wrong data.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

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

PLAN_SHEET = "Plan"
IN_PLAN = "In plan"
COUNTS_IN_PLAN = "Counts in plan"

# Widths fit the content, long text wraps: the sheets print legibly on A4 (see
# ``workbook.style.set_print_settings``), the first column repeated on each page across.
PROPOSAL_COLUMNS = (
    Column(PROPOSAL_ID, 14),
    Column("Rule", 16, wrap=True),
    Column("Title", 36, wrap=True),
    Column("Lead commissioner", 22, wrap=True),
    Column("Associate commissioners", 26, wrap=True),
    Column("Provider", 22, wrap=True),
    Column("Members", 9, "formula-count"),
    Column("Contracts before", 9, "count"),
    Column("Contracts after", 9, "count"),
    # 1 if `contracts plan` carries the proposal out; proposals that share a
    # contract are alternatives, and the plan takes at most one of them.
    Column(IN_PLAN, 7, "count"),
    Column("Contracts in plan", 9, "formula-count"),
    Column("Value in plan", 16, "formula-money"),
    Column("Alternative to", 14),
    Column("Annual value", 16, "formula-money"),
    Column("Earliest start", 11, "date"),
    Column("Flags", 36, wrap=True),
    Column("Reasons", 44, wrap=True),
    Column("Status", 11),
    Column("Needs review", 8),
    Column(DECISION, 11),
    Column(REVIEWER_NOTES, 30, wrap=True),
    # proposal ID | hash of its members | export ID: lets review spot a
    # workbook from another database or one exported before the members changed.
    Column(REVIEW_KEY, 30, hidden=True),
)

CONTRACT_COLUMNS = (
    Column(PROPOSAL_ID, 14),
    Column("Proposal status", 11),
    Column("Contract ID", 9, "count"),
    Column("Reference", 15, wrap=True),
    Column("Source register", 20, wrap=True),
    Column("Title", 32, wrap=True),
    Column("Commissioner", 22, wrap=True),
    Column("Associate commissioners", 22, wrap=True),
    Column("Provider", 22, wrap=True),
    Column("Service category", 14, wrap=True),
    Column("Contract form", 16, wrap=True),
    Column("Start date", 11, "date"),
    Column("End date", 11, "date"),
    Column("Annual value", 16, "money"),
    Column("Total value", 16, "money"),
    Column("Counted as contract", 10, "count"),
    # 1 for each contract of a proposal the plan carries out: every contract once.
    Column(COUNTS_IN_PLAN, 8, "count"),
    Column("Source file", 24, wrap=True),
    Column("Source sheet", 12, wrap=True),
    Column("Source row", 8, "count"),
)


def _as_on_contracts(*headers: str) -> tuple[Column, ...]:
    """Columns shown as on the Contracts sheet: the same width and kind."""
    by_header = {column.header: column for column in CONTRACT_COLUMNS}
    return tuple(by_header[header] for header in headers)


DUPLICATE_COLUMNS = (
    Column("Duplicate set", 13),
    Column("Score", 7, "score"),
    Column("Weak link", 7),
    Column("Reasons", 36, wrap=True),
    *_as_on_contracts(
        "Contract ID",
        "Reference",
        "Source register",
        "Title",
        "Commissioner",
        "Provider",
        "Start date",
        "End date",
        "Annual value",
        "Counted as contract",
    ),
    Column("Extra copy", 7, "count"),
)


def letter(columns: tuple[Column, ...], header: str) -> str:
    """The column letter of ``header`` in a sheet laid out as ``columns``."""
    for index, column in enumerate(columns):
        if column.header == header:
            return xl_col_to_name(index)
    raise KeyError(header)


def whole_column(sheet: str, columns: tuple[Column, ...], header: str) -> str:
    """An absolute whole-column reference such as ``Contracts!$N:$N``.

    Whole columns keep working when a reviewer sorts, filters or adds rows.
    """
    col = letter(columns, header)
    return f"{sheet}!${col}:${col}"
