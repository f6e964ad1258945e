"""Importing one register file: read → find the table → validate → hand the rows to the store.

This module reads, maps and validates; it yields valid records (and the keys
of rejected rows) as they stream, and the findings go into the report. The
store (:class:`contracts.store.import_batch.RegisterImport`) writes them, the
batch and the audit entry, inside a SAVEPOINT of the caller's transaction that
is kept only when the file imports: not if any row is invalid (unless
``skip_invalid``), for a dry run, or when nothing changed — so a file imports
whole or not at all, and an identical file leaves no trace.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, nullcontext
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from contracts.errors import InputRejected
from contracts.findings import Finding, codes
from contracts.organisations.index import OrganisationIndex
from contracts.store.import_batch import ImportedFile, RegisterImport, Rejected, Tally
from contracts.store.imports import ImportedRow, NewProvider
from contracts.store.models import Organisation
from contracts.store.sources import sources_holding
from importers.columns import REQUIRED_FIELDS, parse_mapping
from importers.date_order import decide_date_orders
from importers.explain import (
    absent_fields,
    column_findings,
    missing_columns,
    no_header_refusal,
    payments_refusal,
    renamed_register_refusal,
)
from importers.ledger import KeyLedger
from importers.place import Place
from importers.reading import RegisterFile, Row, SheetRows, open_register
from importers.rejects import RejectedRow, write_rejects
from importers.report import ImportReport, SheetReport
from importers.sheet_checks import check_totals, not_a_contract_check, shared_references
from importers.table import Table, find_table, is_blank, is_grand_total, is_totals_row
from importers.validate import RowValidator

if TYPE_CHECKING:  # rich is loaded only for a progress bar on a terminal
    from rich.progress import Progress

# Rows read ahead to decide whether a date column is day- or month-first.
DATE_LOOKAHEAD_ROWS = 5000
# Files at least this big get a progress bar (on a terminal only).
PROGRESS_MIN_ROWS = 2000
# A new source with at least this many contracts, most of them another source's by
# reference, is taken for that register renamed (one shared contract is a duplicate).
RENAMED_MIN_CONTRACTS = 2


def import_file(
    session: Session,
    path: Path | str,
    *,
    source: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | list[str] | tuple[str, ...] | None = None,
    commissioner: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    rejects: Path | str | None = None,
    imported_by: str | None = None,
    show_progress: bool = False,
    as_new: bool = False,
) -> ImportReport:
    """Import one register into the store (the caller's transaction commits it).

    Raises :class:`InputRejected` for a file refused as a whole (format,
    empty, unreadable, unknown ``--commissioner``, or a new source whose
    contracts are mostly another source's, unless ``as_new``); row problems
    are findings in the returned report, and then nothing is written unless
    ``skip_invalid``.
    """
    path = Path(path)
    user_mapping = parse_mapping(mapping)
    source = (source or path.stem).strip()
    report = ImportReport(file=path.name, source=source, dry_run=dry_run, skip_invalid=skip_invalid)
    with open_register(path) as register:
        report.encoding = register.encoding_label
        if sheet is not None and register.kind == "xlsx" and sheet not in register.sheet_names:
            raise InputRejected(
                f"{path.name} has no sheet '{sheet}'; its sheets are "
                + ", ".join(f"'{name}'" for name in register.sheet_names)
            )
        stored = RegisterImport(
            session,
            ImportedFile(
                source=source,
                file_name=register.name,
                content_hash=register.content_hash,
                encoding=register.encoding,
                imported_by=imported_by,
            ),
        )
        index = OrganisationIndex.load(session)
        default_commissioner = _resolve_option(index, commissioner)
        if stored.previous is not None and stored.identical_to_previous:
            report.identical_to = f"on {stored.previous.imported_at:%Y-%m-%d %H:%M}"
        sheets_in_scope = {sheet} if sheet and register.kind == "xlsx" else None
        with stored.writing(index, sheets_in_scope):
            _run(
                stored,
                register,
                report,
                index=index,
                sheet=sheet,
                mapping=user_mapping,
                default_commissioner=default_commissioner,
                rejects=Path(rejects) if rejects else None,
                show_progress=show_progress,
                as_new=as_new,
            )
    _in_tense(report)
    return report


def _resolve_option(index: OrganisationIndex, text: str | None) -> Organisation | None:
    if not text:
        return None
    found = index.resolve(text)
    if found is not None:
        return found
    hint = index.hint(text, commissioners_only=True)
    raise InputRejected(f"--commissioner '{text}' is not a known organisation{hint}")


class _FileState:
    """What one file's sheets share: identities seen, new providers, rejects, progress."""

    def __init__(self, progress: Progress | None, ledger: KeyLedger) -> None:
        self.ledger = ledger  # every row's key and where it was first seen, on disk
        self.new_providers: dict[str, NewProvider] = {}
        self.rejected_rows: list[RejectedRow] = []
        self.progress = progress
        self.stop_writing = False


def _progress_for(register: RegisterFile, show: bool) -> AbstractContextManager[Progress | None]:
    if not show or register.expected_rows < PROGRESS_MIN_ROWS:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("importing {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _run(
    stored: RegisterImport,
    register: RegisterFile,
    report: ImportReport,
    *,
    index: OrganisationIndex,
    sheet: str | None,
    mapping: dict[str, str],
    default_commissioner: Organisation | None,
    rejects: Path | None,
    show_progress: bool,
    as_new: bool,
) -> None:
    skipped: list[Table] = []
    payments: list[Table] = []
    heads: list[tuple[str, tuple[Row, ...]]] = []  # sheets with no header row found
    ledger = KeyLedger()
    with _progress_for(register, show_progress) as progress, closing(ledger):
        state = _FileState(progress, ledger)
        for sheet_rows in register.sheets():
            if sheet and register.kind == "xlsx" and sheet_rows.name != sheet:
                continue
            found = find_table(sheet_rows, mapping)
            if not isinstance(found, Table):
                heads.append((sheet_rows.name, tuple(found)))
                _release(sheet_rows)
                continue
            if found.schema is not None and found.schema.payments and not _maps_title(mapping):
                payments.append(found)
                _release(sheet_rows)
                continue
            if not (found.looks_like_register or sheet or register.kind == "csv"):
                skipped.append(found)
                _release(sheet_rows)
                continue
            stored.write(
                _sheet_rows(found, register, report, state, index, default_commissioner, mapping)
            )
            _release(sheet_rows)
        # the keys live in the ledger until it closes: look now, refuse once the file is read
        renamed = _renamed_from(stored, ledger) if stored.previous is None and not as_new else None
    if not report.sheets and not report.file_level_error:
        if payments:
            raise payments_refusal(register.name, payments[0])
        if not skipped:
            raise no_header_refusal(register.name, heads)
        best = max(skipped, key=lambda t: t.columns.score)
        place = _place(register, best.sheet.name)
        missing = {"title", "provider"} - set(best.columns.fields)
        report.findings.extend(missing_columns(best, place, missing))
        report.file_level_error = True
        return
    passed_over = [(t.sheet.name, t in payments) for t in [*skipped, *payments]]
    for name, is_payments in [*passed_over, *((name, False) for name, _ in heads)]:
        report.findings.append(
            codes.SHEET_SKIPPED.finding(
                variant="payments" if is_payments else None,
                name=name,
                file=register.name,
                sheet=name,
            )
        )
    if state.rejected_rows and rejects is not None:
        write_rejects(rejects, state.rejected_rows)
        report.rejects_path = str(rejects)
    if report.failed:
        return
    if renamed is not None:
        raise renamed_register_refusal(register.name, *renamed)
    result = stored.finish(
        Tally(report.rows_read, report.rejected, report.not_contracts),
        [s.name for s in report.sheets],
        dry_run=report.dry_run,
    )
    rows = result.rows
    report.created, report.updated = rows.created, rows.updated
    report.unchanged, report.missing = rows.unchanged, len(rows.missing)
    report.new_organisations = [o.name for o in rows.new_organisations]
    for gone in rows.missing:
        where = f"{gone.sheet}!row {gone.row}" if register.kind == "xlsx" else f"line {gone.row}"
        report.findings.append(
            codes.NOT_IN_REGISTER.finding(
                variant="dry-run" if report.dry_run else None,
                title=gone.title,
                file=register.name,
                cell=f"{where} (last import)",
                value=gone.source_key,
            )
        )
    report.written = result.written


def _renamed_from(stored: RegisterImport, ledger: KeyLedger) -> tuple[str, int, int] | None:
    """A new source whose contracts are mostly another source's is that register saved
    under a new file name, and importing it would count every contract twice: that
    source, how many of the file's contracts it holds, and how many the file has."""
    keys = ledger.keys()
    if len(keys) < RENAMED_MIN_CONTRACTS:
        return None
    held = sources_holding(stored.session, keys, other_than=stored.file.source)
    if held and held[0][1] * 2 > len(keys):  # most of them
        return held[0][0], held[0][1], len(keys)
    return None


class _BelowTotal:
    """Rows typed under a sheet's grand total: complete contracts are imported, anything
    else (a note, a signature, another total) is left out, and the report says which."""

    def __init__(self) -> None:
        self.imported: list[int] = []
        self.left_out: list[int] = []
        self.rejected = 0

    def findings(self, place: Place) -> list[Finding]:
        found = []
        for kind, numbers in (
            (codes.BELOW_TOTALS_IMPORTED, self.imported),
            (codes.BELOW_TOTALS, self.left_out),
        ):
            if numbers:
                shown = ", ".join(map(str, numbers[:20])) + (" …" if len(numbers) > 20 else "")
                found.append(
                    place.finding(kind, count=len(numbers), shown=shown, cell=place.row(numbers[0]))
                )
        return found


# Findings worded as done ("was imported") that a dry run or a refused file has not done.
_NOT_YET = {"hidden-sheet", "hidden-rows", "hidden-column", "below-totals-imported"}


def _in_tense(report: ImportReport) -> None:
    """Say what happened: a new provider was added once the import wrote it, and what a dry
    run or a refused file would do is not said to be done."""
    added = set(report.new_organisations) if report.written else set()
    not_yet = report.dry_run or report.failed
    for number, finding in enumerate(report.findings):
        if finding.code == "new-provider" and str(finding.params.get("name"))[:200] in added:
            variant = "added-near" if finding.variant == "near" else "added"
            report.findings[number] = finding.reworded(variant)
        elif not_yet and finding.code in _NOT_YET:
            report.findings[number] = finding.reworded("not-yet")


def _maps_title(mapping: dict[str, str]) -> bool:
    return "title" in mapping.values()


def _release(sheet: SheetRows) -> None:
    """Close a sheet's rows once done with them, so its cells are freed before the next."""
    close = getattr(sheet.rows, "close", None)
    if close is not None:
        close()
    sheet.again = None  # it holds the sheet's cells


def _place(register: RegisterFile, sheet_name: str) -> Place:
    return Place(register.name, sheet_name, register.kind == "csv")


def _sheet_rows(
    table: Table,
    register: RegisterFile,
    report: ImportReport,
    state: _FileState,
    index: OrganisationIndex,
    default_commissioner: Organisation | None,
    mapping: dict[str, str],
) -> Iterator[ImportedRow | Rejected]:
    """One sheet's valid records and rejected rows' keys, as they stream; its findings
    and counts go into ``report``."""
    place = _place(register, table.sheet.name)
    columns = table.columns
    required = set(REQUIRED_FIELDS) - ({"commissioner"} if default_commissioner else set())
    # a code column names the organisation as well as a name column does
    present = set(columns.fields) | {f.removesuffix("_code") for f in columns.fields}
    missing = required - present
    if missing:
        report.findings.extend(missing_columns(table, place, missing))
        report.file_level_error = True
        return
    if table.sheet.hidden:
        report.findings.append(place.finding(codes.HIDDEN_SHEET, name=table.sheet.name))
    report.findings.extend(column_findings(table, place))
    report.findings.extend(absent_fields(table, place))
    sheet_report = SheetReport(
        table.sheet.name,
        table.header_rows,
        {
            name: columns.headers[column]
            for name, column in sorted(columns.fields.items(), key=lambda i: i[1])
        },
        schema=table.schema.name if table.schema else None,
    )
    report.sheets.append(sheet_report)
    not_a_contract = not_a_contract_check(table)
    lookahead = list(itertools.islice(table.data, DATE_LOOKAHEAD_ROWS))
    orders, order_findings = decide_date_orders(
        [row for row in lookahead if not is_blank(row[1])], columns, place, table.header_row
    )
    report.findings.extend(order_findings)
    validator = RowValidator(
        place=place,
        columns=columns,
        index=index,
        default_commissioner=default_commissioner,
        date_orders=orders,
        seen_keys=state.ledger,
        new_providers=state.new_providers,
    )
    if "reference" in columns.fields and "provider" in columns.fields:
        validator.shared_references = shared_references(
            table, validator, place, report, state.ledger
        )
    task = None
    if state.progress is not None:
        task = state.progress.add_task(
            table.sheet.name, total=table.sheet.expected_rows or register.expected_rows or None
        )
    sums: dict[str, Decimal] = {"annual_value": Decimal(0), "total_value": Decimal(0)}
    unknown_values = 0
    totals_row: tuple[int, tuple[Any, ...]] | None = None
    below_total = _BelowTotal()
    rejected_before = report.rejected  # the totals check is about this sheet's rows alone
    hidden_rows = set(table.sheet.hidden_rows)
    hidden: list[int] = []  # hidden rows that hold data
    rows: Iterator[tuple[int, tuple[Any, ...]]] = itertools.chain(lookahead, table.data)
    for number, values in rows:
        if task is not None and number % 500 == 0:
            state.progress.update(task, completed=number)  # type: ignore[union-attr]
        if is_blank(values):
            continue
        below = totals_row is not None and is_grand_total(totals_row[1])
        if below and (is_totals_row(values) or not validator.is_complete(values)):
            below_total.left_out.append(number)  # a note, a signature, another total
            continue
        if below:
            below_total.imported.append(number)
        elif is_totals_row(values):
            totals_row = (number, values)
            continue
        if number in hidden_rows:
            hidden.append(number)
        sheet_report.rows_read += 1
        if not_a_contract is not None:
            reason = not_a_contract(values)
            if reason is not None:
                report.not_contracts += 1
                report.findings.append(
                    place.finding(codes.NOT_A_CONTRACT, reason=reason, cell=place.row(number))
                )
                continue
        result = validator.validate(number, values)
        report.findings.extend(result.findings)
        if result.record is not None:
            if result.record.annual_value is None and not below:
                unknown_values += 1
            for name in sums:
                amount = getattr(result.record, name)
                sums[name] += 0 if below else amount or 0  # the totals row sums what is above
            if not state.stop_writing:
                yield result.record
            continue
        report.rejected += 1
        below_total.rejected += below
        state.rejected_rows.append(
            RejectedRow(
                table.sheet.name, number, result.raw, [f for f in result.findings if f.is_error]
            )
        )
        if result.source_key is not None:
            yield Rejected(result.source_key)
        if not report.skip_invalid:
            state.stop_writing = True  # the file will be refused; stop spending effort
    report.rows_read += sheet_report.rows_read
    if hidden:
        shown = ", ".join(str(n) for n in hidden[:20]) + (" …" if len(hidden) > 20 else "")
        report.findings.append(
            place.finding(
                codes.HIDDEN_ROWS, count=len(hidden), shown=shown, cell=place.row(hidden[0])
            )
        )
    if totals_row is not None:
        report.findings.append(
            check_totals(
                totals_row,
                columns,
                sums,
                unknown_values,
                report.rejected - rejected_before - below_total.rejected,
                place,
            )
        )
    report.findings.extend(below_total.findings(place))
