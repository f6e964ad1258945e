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
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from contracts.errors import InputRejected
from contracts.findings import Finding, Severity
from contracts.organisations.index import OrganisationIndex
from contracts.store.import_batch import ImportedFile, RegisterImport, Rejected, Tally
from contracts.store.imports import ImportedRow, NewProvider
from contracts.store.models import Organisation
from importers.columns import REQUIRED_FIELDS, parse_mapping
from importers.date_order import decide_date_orders
from importers.explain import (
    column_findings,
    missing_columns,
    no_header_refusal,
    payments_refusal,
)
from importers.ledger import KeyLedger
from importers.place import Place
from importers.reading import RegisterFile, Row, SheetRows, open_register
from importers.rejects import RejectedRow, write_rejects
from importers.report import ImportReport, SheetReport
from importers.sheet_checks import check_totals, not_a_contract_check, shared_references
from importers.table import Table, find_table, is_blank, is_grand_total, is_totals_row
from importers.validate import RowValidator

# Rows read ahead to decide whether a date column is day- or month-first.
DATE_LOOKAHEAD_ROWS = 5000
# Files at least this big get a progress bar (on a terminal only).
PROGRESS_MIN_ROWS = 2000


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
) -> ImportReport:
    """Import one register into the store (the caller's transaction commits it).

    Raises :class:`InputRejected` for a file refused as a whole (format,
    empty, unreadable, unknown ``--commissioner``); row problems are findings
    in the returned report, and then nothing is written unless ``skip_invalid``.
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
            )
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
        why = (
            "lists payments, not contracts; skipped (name its title column with --map to import it)"
            if is_payments
            else "does not look like a contract register; skipped (use --sheet to import it)"
        )
        report.findings.append(
            Finding(
                "sheet-skipped",
                Severity.INFO,
                f"sheet '{name}' {why}",
                file=register.name,
                sheet=name,
            )
        )
    if state.rejected_rows and rejects is not None:
        write_rejects(rejects, state.rejected_rows)
        report.rejects_path = str(rejects)
    if report.failed:
        return
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
            Finding(
                "not-in-register",
                Severity.WARNING,
                f"'{gone.title}' is no longer in this register; marked as not in the "
                "register (it is kept, not deleted)",
                file=register.name,
                cell=f"{where} (last import)",
                value=gone.source_key,
            )
        )
    report.written = result.written


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
        report.findings.append(
            place.finding(
                "hidden-sheet",
                Severity.WARNING,
                f"sheet '{table.sheet.name}' is hidden in Excel but looks like a register; "
                "it was imported",
            )
        )
    report.findings.extend(column_findings(table, place))
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
    ignored_below_total = 0
    rejected_before = report.rejected  # the totals check is about this sheet's rows alone
    hidden_rows = set(table.sheet.hidden_rows)
    hidden: list[int] = []  # hidden rows that hold data
    rows: Iterator[tuple[int, tuple[Any, ...]]] = itertools.chain(lookahead, table.data)
    for number, values in rows:
        if task is not None and number % 500 == 0:
            state.progress.update(task, completed=number)  # type: ignore[union-attr]
        if is_blank(values):
            continue
        if totals_row is not None and is_grand_total(totals_row[1]):
            ignored_below_total += 1
            continue
        if is_totals_row(values):
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
                    place.finding("not-a-contract", Severity.INFO, reason, cell=place.row(number))
                )
                continue
        result = validator.validate(number, values)
        report.findings.extend(result.findings)
        if result.record is not None:
            if result.record.annual_value is None:
                unknown_values += 1
            for name in sums:
                amount = getattr(result.record, name)
                sums[name] += amount or 0
            if not state.stop_writing:
                yield result.record
            continue
        report.rejected += 1
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
                "hidden-rows",
                Severity.WARNING,
                f"{len(hidden)} row(s) are hidden in Excel but were imported: rows {shown}",
                cell=place.row(hidden[0]),
            )
        )
    if totals_row is not None:
        report.findings.append(
            check_totals(
                totals_row, columns, sums, unknown_values, report.rejected - rejected_before, place
            )
        )
    if ignored_below_total:
        report.findings.append(
            place.finding(
                "below-totals",
                Severity.INFO,
                f"{ignored_below_total} non-blank row(s) below the totals row were taken as "
                "notes and not imported",
                cell=place.row(totals_row[0]) if totals_row else None,
            )
        )
