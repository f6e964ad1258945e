"""The catalogue of finding codes: each with its default severity, title and message.

As frictionless keeps its errors (``frictionless/errors/``: a type, a title and
a message template each), every finding the tool reports is one of these. Call
sites name the code (``codes.END_BEFORE_START.finding(...)``) and give the
template's values; the README's table of codes is made from this list
(``python -m contracts.findings.codes``) and a test keeps the two the same.
"""

from __future__ import annotations

import sys

from contracts.findings.model import CATALOGUE, FindingCode, Severity

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# --- a cell's value (the message follows the column's header) ----------------

BAD_MONEY = FindingCode(
    "bad-money",
    ERROR,
    "Not an amount of money",
    "'{raw}' is not an amount of money (write it like £1,234.50)",
    {
        "quoted": "'{raw}' is not an amount of money",
        "plain": "{raw} is not an amount of money",
        "repr": "{raw!r} is not an amount of money",
        "too-large": "{raw} is implausibly large for a contract value",
    },
)
FOREIGN_CURRENCY = FindingCode(
    "foreign-currency",
    ERROR,
    "Money in another currency",
    "'{raw}' is in {currency}; the register holds pounds only: convert it to £ or leave "
    "the cell blank",
)
BAD_DATE = FindingCode(
    "bad-date",
    ERROR,
    "Not a date",
    "'{raw}' is not a date (write it like 01/04/2016)",
    {
        "not-real": "'{raw}' is not a real date",
        "not-real-in-order": "'{raw}' is not a real date when read {order} (as this column is)",
        "plain": "{raw} is not a date",
        "number": "{raw} is a number, not a date",
        "time": "{raw} is a time (or an Excel serial of 0 or below), not a date",
        "before-1900": "{day:%d/%m/%Y} is before 1 March 1900, an Excel serial of 60 or less "
        "(where Excel's calendar is wrong), not a contract date; write the real date",
    },
)
CONTROL_CHARACTER = FindingCode(
    "control-character",
    ERROR,
    "A control character in text",
    "the text holds the control character U+{point:04X}, which no register means; remove it",
)
TEXT_TOO_LONG = FindingCode(
    "text-too-long",
    ERROR,
    "Text longer than the store keeps",
    "{length:,} characters, more than the {limit:,} the store keeps; shorten it",
)
PLACEHOLDER_DATE = FindingCode(
    "placeholder-date",
    WARNING,
    "A date that stands for 'not known'",
    "{header}: {day:%d/%m/%Y} stands for a date not known; stored as unknown",
)
UNKNOWN_CATEGORY = FindingCode(
    "unknown-category",
    WARNING,
    "A service category the tool does not know",
    "'{word}' is not a service category the tool knows; kept as written (the nearest known "
    "is '{nearest}', {alike}% alike; see `contracts template` for the list)",
)
UNKNOWN_CONTRACT_FORM = FindingCode(
    "unknown-contract-form",
    WARNING,
    "A contract form the tool does not know",
    "'{word}' is not a contract form the tool knows; inferred from the parties where it can "
    "be, else kept as written (see `contracts template` for the list)",
)

# --- a row ----------------------------------------------------------------------

MISSING_TITLE = FindingCode("missing-title", ERROR, "No title", "the contract has no title")
DUPLICATE_REFERENCE = FindingCode(
    "duplicate-reference",
    ERROR,
    "A reference used twice",
    "reference '{reference}' is also used at {first}; each contract needs its own reference",
    {
        "same-supplier": "reference '{reference}' is also used at {first} for the same "
        "supplier; each contract needs its own reference",
    },
)
DUPLICATE_ROW = FindingCode(
    "duplicate-row",
    ERROR,
    "A row that repeats another",
    "this row repeats {first} (same title, provider, commissioner and start); remove one or "
    "give them references",
    {"proposal": "{proposal} is also on {first}; keep one row per proposal"},
)
END_BEFORE_START = FindingCode(
    "end-before-start",
    ERROR,
    "Ends before it starts",
    "the contract ends ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y})",
)
NEGATIVE_VALUE = FindingCode(
    "negative-value",
    ERROR,
    "A value below zero",
    "{header} is negative; a contract value cannot be below zero",
)
TOTAL_BELOW_ANNUAL = FindingCode(
    "total-below-annual",
    WARNING,
    "A total value below the annual value",
    "the total value ({total:,.2f}) is below the annual value ({annual:,.2f}) for a contract "
    "of more than a year; check both",
)
ANNUAL_VALUE_DERIVED = FindingCode(
    "annual-value-derived",
    INFO,
    "Annual value worked out from the whole-life value",
    "annual value £{annual:,.2f} derived from the whole-life value: £{total:,.2f} over "
    "{months} months ({start:%d/%m/%Y} to {end:%d/%m/%Y})",
    {
        "a-year": "annual value £{annual:,.2f} derived from the whole-life value: the total, "
        "as it runs a year or less ({start:%d/%m/%Y} to {end:%d/%m/%Y})",
    },
)
NOT_A_CONTRACT = FindingCode(
    "not-a-contract",
    INFO,
    "A row that is not a contract (an opportunity, a payment)",
    "{reason}",
)

# --- the parties -----------------------------------------------------------------

MISSING_PROVIDER = FindingCode(
    "missing-provider", ERROR, "No provider", "the contract has no provider"
)
MISSING_COMMISSIONER = FindingCode(
    "missing-commissioner",
    ERROR,
    "No commissioner",
    "the contract has no commissioner (or use --commissioner for a one-commissioner register)",
)
UNKNOWN_COMMISSIONER = FindingCode(
    "unknown-commissioner",
    ERROR,
    "A commissioner the tool does not know",
    "{what} '{name}' is not a known organisation{hint}",
)
UNKNOWN_CODE = FindingCode(
    "unknown-code",
    ERROR,
    "An ODS or GSS code the tool does not know",
    "{what} code '{code}' is not a code the tool knows",
    {
        "by-name": "{what} code '{code}' is not a code the tool knows; the {what} was "
        "matched by its name",
    },
)
NAME_BY_CODE = FindingCode(
    "name-by-code",
    INFO,
    "A name the tool does not know, beside a code it knows",
    "{what} '{name}' is not a known name; code {code} is {known}",
)
PROVIDER_CODE_MISMATCH = FindingCode(
    "provider-code-mismatch",
    WARNING,
    "A provider code and name that name two bodies",
    "provider code '{code}' is {by_code} but the name '{name}' is {by_name}; the code was used",
)
COMMISSIONER_CODE_MISMATCH = FindingCode(
    "commissioner-code-mismatch",
    WARNING,
    "A commissioner code and name that name two bodies",
    "commissioner code '{code}' is {by_code} but the name '{name}' is {by_name}; the code was used",
)
SUCCESSOR_BY_DATE = FindingCode(
    "successor-by-date",
    INFO,
    "A body closed before the contract started: its successor is used",
    "{name} closed on {closed}; contracts starting after that are with its successor {successor}",
)
NEW_PROVIDER = FindingCode(
    "new-provider",
    INFO,
    "A provider new to the tool",
    "new provider '{name}' will be added",
    {
        "near": "new provider '{name}' will be added; the nearest known name is '{known}' — "
        "if it is that one, run {command}",
        "added": "new provider '{name}' added",
        "added-near": "new provider '{name}' added; the nearest known name is '{known}' — "
        "if it is that one, run {command}",
    },
)

# --- the columns and the sheet ----------------------------------------------------

UNKNOWN_COLUMN = FindingCode(
    "unknown-column",
    INFO,
    "A column not recognised",
    "column '{header}' was not recognised and was not imported (or --map '{header}=ignore')",
    {
        "near": "column '{header}' was not recognised and was not imported; if it is the "
        "{words}, use --map '{header}={field}' (or --map '{header}=ignore')",
    },
)
DUPLICATE_COLUMN = FindingCode(
    "duplicate-column",
    INFO,
    "A column passed over for a better one",
    "column '{header}' also fits the {words}; {reason}",
)
VALUES_SCALED = FindingCode(
    "values-scaled",
    INFO,
    "Money in thousands or millions, scaled to pounds",
    "'{header}' is in {scale}; its values were multiplied by {multiplier:,}",
)
HIDDEN_COLUMN = FindingCode(
    "hidden-column",
    WARNING,
    "A hidden column, imported",
    "column '{header}' is hidden in Excel but was imported",
    {"not-yet": "column '{header}' is hidden in Excel but will be imported"},
)
MISSING_COLUMN = FindingCode(
    "missing-column",
    ERROR,
    "A required column is missing",
    "no column holds the {words}; the headers found in row {row} are {headers}; name one "
    "with --map 'Header={field}'",
    {
        "commissioner": "no column holds the {words}; the headers found in row {row} are "
        "{headers}; name one with --map 'Header={field}' or give --commissioner",
    },
)
NO_COLUMN = FindingCode(
    "no-column",
    INFO,
    "A useful field no column holds (category, form, dates, value)",
    "no column holds the {words}: {outcome} (if one does, name it with --map 'Header={field}')",
    {
        "value": "no column holds the annual value or the total value: {outcome} (if one "
        "does, name it with --map 'Header=annual_value' or 'Header=total_value')",
    },
)
DATE_ORDER = FindingCode(
    "date-order",
    INFO,
    "How a date column's text dates were read",
    "column '{header}' has only dates that read either way; read day-first (UK style)",
    {
        "proven": "column '{header}' read month-first (US style) because of '{raw}'",
        "follows": "column '{header}' has only dates that read either way; read month-first "
        "like column '{other}' ('{raw}')",
    },
)
MIXED_DATE_ORDER = FindingCode(
    "mixed-date-order",
    WARNING,
    "A date column that mixes day-first and month-first",
    "column '{header}' mixes day-first and month-first dates; it was read day-first, so "
    "dates like this one are errors",
)
SHARED_REFERENCE = FindingCode(
    "shared-reference",
    INFO,
    "A reference several suppliers share (a framework, or lots)",
    "reference '{reference}' is used by {count} suppliers (a framework or lots): each "
    "supplier's row was taken as its own contract",
)
TOTALS_ROW = FindingCode(
    "totals-row",
    INFO,
    "A totals row, checked and not imported",
    "the totals row matches the rows above ({checked}); it was not imported",
    {
        "unknown-values": "the totals row matches the rows above ({checked}); {unknown} row(s) "
        "have no annual value; it was not imported",
        "no-value": "skipped the totals row; it holds no value to check (perhaps a formula "
        "Excel never calculated)",
    },
)
TOTALS_MISMATCH = FindingCode(
    "totals-mismatch",
    WARNING,
    "A totals row that does not match the rows above",
    "the totals row says {stated} for {header} but the rows above add up to {summed}; the "
    "totals row was not imported",
    {
        "rejected": "the totals row says {stated} for {header} but the rows above add up to "
        "{summed} ({rejected} rejected row(s) are not in the sum); the totals row was not "
        "imported",
    },
)
BELOW_TOTALS = FindingCode(
    "below-totals",
    WARNING,
    "Rows below the totals row that are not complete contracts, left out",
    "{count} row(s) below the totals row were left out: they are not complete contracts (a "
    "title, a provider, a commissioner and a date or value); rows {shown}",
)
BELOW_TOTALS_IMPORTED = FindingCode(
    "below-totals-imported",
    INFO,
    "Complete contracts typed below the totals row, imported",
    "{count} complete contract row(s) below the totals row were imported like the rows above "
    "(they are not in the totals row's sum); rows {shown}",
    {
        "not-yet": "{count} complete contract row(s) below the totals row will be imported "
        "like the rows above (they are not in the totals row's sum); rows {shown}",
    },
)
HIDDEN_ROWS = FindingCode(
    "hidden-rows",
    WARNING,
    "Hidden rows, imported",
    "{count} row(s) are hidden in Excel but were imported: rows {shown}",
    {"not-yet": "{count} row(s) are hidden in Excel but will be imported: rows {shown}"},
)
HIDDEN_SHEET = FindingCode(
    "hidden-sheet",
    WARNING,
    "A hidden sheet, imported",
    "sheet '{name}' is hidden in Excel but looks like a register; it was imported",
    {"not-yet": "sheet '{name}' is hidden in Excel but looks like a register; it will be imported"},
)
SHEET_SKIPPED = FindingCode(
    "sheet-skipped",
    INFO,
    "A sheet passed over",
    "sheet '{name}' does not look like a contract register; skipped (use --sheet to import it)",
    {
        "payments": "sheet '{name}' lists payments, not contracts; skipped (name its title "
        "column with --map to import it)",
    },
)
NOT_IN_REGISTER = FindingCode(
    "not-in-register",
    WARNING,
    "A contract no longer in the register",
    "'{title}' is no longer in this register; marked as not in the register (it is kept, "
    "not deleted)",
    {
        "dry-run": "'{title}' is no longer in this register; it will be marked as not in the "
        "register (kept, not deleted)",
    },
)

# --- a finance workbook sent back (contracts review) ------------------------------

MISSING_ID = FindingCode("missing-id", ERROR, "No Proposal ID", "the row has no Proposal ID")
BAD_DECISION = FindingCode(
    "bad-decision",
    ERROR,
    "Not a decision",
    "'{decision}' is not a decision; choose Accept, Reject or Defer",
)
MISSING_KEY = FindingCode(
    "missing-key",
    ERROR,
    "No review key",
    "the row has no review key (was it typed in or pasted from elsewhere?); review only rows "
    "that 'contracts export' wrote",
)
ID_EDITED = FindingCode(
    "id-edited",
    ERROR,
    "A Proposal ID changed by hand",
    "the Proposal ID was changed: this row was exported for {exported}; put it back",
)
UNKNOWN_EXPORT = FindingCode(
    "unknown-export",
    ERROR,
    "A workbook exported from another database",
    "this workbook was not exported from this database (export {export} is not recorded "
    "here); review it against the database it came from",
)
KEY_ALTERED = FindingCode(
    "key-altered",
    ERROR,
    "A review key that does not match its row",
    "the review key does not match what export {export} wrote for {exported}; the row was altered",
)
UNKNOWN_PROPOSAL = FindingCode(
    "unknown-proposal",
    ERROR,
    "A proposal no longer in the store",
    "no proposal {proposal} in the store (removed by a later 'contracts propose'?); export a "
    "new workbook",
)
PROPOSAL_CHANGED = FindingCode(
    "proposal-changed",
    ERROR,
    "A proposal changed since the workbook was exported",
    "{proposal} has changed since this workbook was exported (its member contracts or their "
    "values or dates are different now); its decision is refused: export a new workbook and "
    "decide on the proposal as it is",
)
CONFLICT = FindingCode(
    "conflict",
    ERROR,
    "Two accepted proposals that share a contract",
    "{first} and {second} would both be accepted but share {noun} {named}, so no plan can "
    "carry out both; accept one and reject the other",
)


def markdown_table() -> str:
    """The catalogue as the README's table: code, severity, title."""
    lines = ["| code | severity | what it means |", "|---|---|---|"]
    lines += [f"| `{c.code}` | {c.severity.value} | {c.title} |" for c in CATALOGUE.values()]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - prints the README's table
    sys.stdout.write(markdown_table() + "\n")
