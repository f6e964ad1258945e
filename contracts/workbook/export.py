"""The finance workbook: proposals, their contracts and the duplicates, for review in Excel.

Finance staff review consolidation proposals without the tool installed, so
the workbook has to reconcile on sight: every total is a live formula over
the rows beneath it, text from the registers stays text (no formula
injection), and a hidden review key per proposal lets ``contracts review``
refuse a workbook from another database or one whose proposals have changed
since. The store is read a chunk of proposals at a time
(:mod:`contracts.export_rows`), the duplicate sets come from the stored run
(:mod:`contracts.duplicate_snapshot`) and the sheets are streamed (XlsxWriter
in constant-memory mode), so memory stays flat however large the register.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from rich.progress import Progress
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook

from contracts import gate
from contracts.duplicates.stored_run import (
    SetMemberRow,
    current_run,
    set_count,
    set_members,
)
from contracts.duplicates.stored_run import representatives as stored_representatives
from contracts.errors import ContractsError
from contracts.proposals.plan import make_plan
from contracts.store import audit
from contracts.store.models import Contract, ProposalStatus
from contracts.store.money import format_gbp
from contracts.workbook import layout
from contracts.workbook.layout import CONTRACT_COLUMNS, PROPOSAL_COLUMNS, letter, whole_column
from contracts.workbook.plan_sheet import write_plan_sheet
from contracts.workbook.review_key import make_key, new_secret
from contracts.workbook.rows import (
    MemberRow,
    ProposalRow,
    count_proposals,
    proposal_chunks,
)
from contracts.workbook.style import Column, Formula, SheetWriter, Styles, new_workbook
from contracts.workbook.summary_figures import SummaryFigures
from contracts.workbook.summary_sheet import write_summary

T = TypeVar("T")

DECISION_FOR_STATUS = {
    ProposalStatus.ACCEPTED.value: "Accept",
    ProposalStatus.REJECTED.value: "Reject",
    ProposalStatus.DEFERRED.value: "Defer",
}
EXPORT_ACTION = "export"
EXPORT_ENTITY = "workbook"


class ExportError(ContractsError):
    """The workbook could not be written where the user asked."""


@dataclass
class ExportResult:
    path: Path
    export_id: str
    proposals: int = 0
    contract_rows: int = 0
    duplicate_sets: int = 0
    # The Summary's formulas, by "Sheet!B7", with the value the tool computed for
    # each: what a spreadsheet application must show. With ``row_figures`` also
    # every Proposals row's (memory then grows with the proposals).
    figures: dict[str, Decimal | int] = field(default_factory=dict)
    headline: dict[str, Decimal | int] = field(default_factory=dict)
    # Wall-clock seconds spent reading the store and writing the file (bench/export_bench.py).
    seconds: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "export_id": self.export_id,
            "proposals": self.proposals,
            "contract_rows": self.contract_rows,
            "duplicate_sets": self.duplicate_sets,
            "headline": {
                k: f"{v:.2f}" if isinstance(v, Decimal) else v for k, v in self.headline.items()
            },
        }

    def render_text(self) -> str:
        value = self.headline.get("value_covered", Decimal(0))
        return (
            f"Wrote {self.path}: {self.proposals} proposals, {self.contract_rows} contract rows, "
            f"{self.duplicate_sets} duplicate sets; annual value covered "
            f"{format_gbp(Decimal(value))} (export {self.export_id})"
        )


COMMISSIONER_INDEX = [c.header for c in CONTRACT_COLUMNS].index("Commissioner")
# What each Proposals row's Members and Annual value formulas refer to.
_MEMBERS_RANGE = whole_column(layout.CONTRACTS_SHEET, CONTRACT_COLUMNS, layout.PROPOSAL_ID)
_VALUE_RANGE = whole_column(layout.CONTRACTS_SHEET, CONTRACT_COLUMNS, "Annual value")
_ID_COLUMN = letter(PROPOSAL_COLUMNS, layout.PROPOSAL_ID)
_COUNTS_RANGE = whole_column(layout.CONTRACTS_SHEET, CONTRACT_COLUMNS, layout.COUNTS_IN_PLAN)


def _joined(names: Iterable[str]) -> str | None:
    return "; ".join(names) or None


def _contract_cells(
    proposal: ProposalRow, contract: MemberRow, counted_as: int, counts: int
) -> list[Any]:
    return [
        proposal.id,
        proposal.status,
        contract.id,
        contract.reference,
        contract.source,
        contract.title,
        contract.lead or "(none)",
        _joined(contract.associates),
        contract.provider,
        contract.service_category,
        contract.contract_form,
        contract.start_date,
        contract.end_date,
        contract.annual_value,
        contract.total_value,
        counted_as,
        counts,
        contract.source_file,
        contract.source_sheet,
        contract.source_row,
    ]


@dataclass
class _Sheets:
    """The three row sheets being streamed, and what their rows add up to."""

    proposals: SheetWriter
    contracts: SheetWriter
    duplicates: SheetWriter
    figures: SummaryFigures
    representatives: dict[int, int]
    # The plan's proposals with the member contracts it counts (each contract once),
    # and for each candidate it leaves out, the planned one it overlaps.
    planned: dict[str, set[int]]
    alternative_to: dict[str, str]
    export_id: str
    key_secret: str
    row_figures: bool

    def write_members(self, proposal: ProposalRow) -> None:
        """One Contracts row per member; only the plan's contracts count, each once."""
        counted = self.planned.get(proposal.id, set())
        for contract in proposal.members:
            stands_for = self.representatives.get(contract.id, contract.id)
            counts = int(contract.id in counted)
            cells = _contract_cells(proposal, contract, stands_for, counts)
            self.contracts.append(cells)
            self.figures.add_member(
                proposal.id,
                commissioner=cells[COMMISSIONER_INDEX],
                annual_value=contract.annual_value,
                counts=counts,
            )

    def write_proposal(self, proposal: ProposalRow, result: ExportResult) -> str:
        """One Proposals row, after its members are written; returns its review key."""
        row = self.proposals.last_row + 1
        in_plan = int(proposal.id in self.planned)
        key = make_key(proposal.id, proposal.member_hash, self.export_id, self.key_secret)
        self.proposals.append(
            [
                proposal.id,
                proposal.rule,
                proposal.title,
                proposal.lead,
                _joined(proposal.associates),
                proposal.provider,
                Formula(f"=COUNTIFS({_MEMBERS_RANGE},{_ID_COLUMN}{row})"),
                proposal.contracts_before,
                proposal.contracts_after,
                in_plan,
                Formula(f"=SUMIFS({_COUNTS_RANGE},{_MEMBERS_RANGE},{_ID_COLUMN}{row})"),
                Formula(
                    f"=SUMIFS({_VALUE_RANGE},{_MEMBERS_RANGE},{_ID_COLUMN}{row},{_COUNTS_RANGE},1)"
                ),
                self.alternative_to.get(proposal.id),
                Formula(f"=SUMIFS({_VALUE_RANGE},{_MEMBERS_RANGE},{_ID_COLUMN}{row})"),
                proposal.earliest_start,
                _joined(str(f) for f in proposal.flags or []),
                _joined(str(r) for r in proposal.reasons or []),
                proposal.status,
                "yes" if proposal.needs_review else None,
                DECISION_FOR_STATUS.get(proposal.status),
                proposal.notes,
                key,
            ]
        )
        members, value, counted, plan_value = self.figures.proposal_totals(proposal.id)
        if self.row_figures:
            for header, figure in (
                ("Members", members),
                ("Annual value", value),
                ("Contracts in plan", counted),
                ("Value in plan", plan_value),
            ):
                column = letter(PROPOSAL_COLUMNS, header)
                result.figures[f"{layout.PROPOSALS_SHEET}!{column}{row}"] = figure
        self.figures.add_proposal(
            proposal.id,
            rule=proposal.rule,
            status=proposal.status,
            lead=proposal.lead,
            before=proposal.contracts_before,
            after=proposal.contracts_after,
            in_plan=in_plan,
            alternative=int(proposal.id in self.alternative_to),
        )
        return key

    def add_decision_list(self) -> None:
        if not self.proposals.rows_written:
            return
        col = [c.header for c in PROPOSAL_COLUMNS].index(layout.DECISION)
        self.proposals.ws.data_validation(
            1,
            col,
            self.proposals.last_row - 1,
            col,
            {
                "validate": "list",
                "source": list(layout.DECISIONS),
                "ignore_blank": True,
                "show_error": True,
                "error_title": "Decision",
                "error_message": "Choose Accept, Reject or Defer (or leave it blank).",
            },
        )

    def write_duplicates(self, rows: Iterable[SetMemberRow]) -> None:
        """One row per copy; every copy but the one that stands for its set is an extra copy."""
        for member in rows:
            extra = 0 if member.contract_id == member.representative_id else 1
            self.duplicates.append(
                [
                    member.set_id,
                    member.score,
                    "yes" if member.weak_link else None,
                    _joined(member.reasons or []),
                    member.contract_id,
                    member.reference,
                    member.source,
                    member.title,
                    member.commissioner,
                    member.provider,
                    member.start_date,
                    member.end_date,
                    member.annual_value,
                    member.representative_id,
                    extra,
                ]
            )
            self.figures.extra_copies += extra


def _register_count(session: Session) -> int:
    statement = select(func.count()).select_from(Contract).where(Contract.in_register.is_(True))
    return int(session.scalar(statement) or 0)


class _ReadingClock:
    """Seconds spent waiting for the store, while its rows are streamed into the sheets."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds

    def timed(self, items: Iterable[T]) -> Iterator[T]:
        iterator = iter(items)
        while True:
            started = time.perf_counter()
            try:
                item = next(iterator)
            except StopIteration:
                return
            finally:
                self.seconds += time.perf_counter() - started
            yield item


@contextmanager
def _progress(total: int, show: bool) -> Iterator[Callable[[int], None]]:
    if not show:
        yield lambda done: None
        return
    with Progress(transient=True) as progress:
        task = progress.add_task("Writing the workbook", total=total)
        yield lambda done: progress.advance(task, done)


def export_workbook(
    session: Session,
    path: Path | str,
    *,
    statuses: Iterable[str] | None = None,
    footprint: str | None = None,
    show_progress: bool = False,
    row_figures: bool = False,
) -> ExportResult:
    """Write the finance workbook to ``path`` and record the export in the audit log.

    ``statuses`` limits the proposals (e.g. ``["candidate"]``); ``footprint``
    keeps only proposals made for that footprint. The audit entry holds the
    export ID and the secret that seals each row's review key, which
    ``contracts review`` checks the workbook against. ``row_figures`` adds each Proposals row's
    formula values to ``ExportResult.figures`` (what tests compare a spreadsheet
    application's results with). The store is read in chunks of proposals and
    the sheets are streamed, so memory stays flat however large the register.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path}: the folder {path.parent} does not exist")
    if path.suffix.lower() != ".xlsx":
        raise ExportError(f"cannot write {path}: give the workbook a name ending in .xlsx")
    gate.check_output(path, "the workbook")
    began = time.perf_counter()
    proposals = count_proposals(session, statuses, footprint)
    # The sets the duplicates report shows, each counted once as its representative;
    # stored by the last detection, looked for again only if the store has changed.
    run_id = current_run(session, show_progress=show_progress)
    representatives = stored_representatives(session, run_id)
    # The plan `contracts plan` prints: the Plan sheet, and what the Summary counts.
    plan = make_plan(session, representatives=lambda _session: representatives)
    planned = plan.counted_members()
    alternative_to = {o.id: o.conflicts_with for o in plan.left_out}
    export_id = uuid.uuid4().hex
    result = ExportResult(path=path, export_id=export_id, proposals=proposals)
    clock = _ReadingClock(time.perf_counter() - began)

    # Every key written, hashed in sheet order: the audit entry's fingerprint of the rows.
    keys = hashlib.sha256()
    key_secret = new_secret()
    with _written_to(path) as workbook:
        styles = Styles(workbook)
        summary_ws = workbook.add_worksheet(layout.SUMMARY_SHEET)
        plan_ws = workbook.add_worksheet(layout.PLAN_SHEET)
        plan_totals = write_plan_sheet(workbook, plan_ws, styles, plan)
        del plan  # its members are written: the rows to come need only what it counts
        sheets = _Sheets(
            proposals=_sheet(workbook, styles, layout.PROPOSALS_SHEET, PROPOSAL_COLUMNS),
            contracts=_sheet(workbook, styles, layout.CONTRACTS_SHEET, CONTRACT_COLUMNS),
            duplicates=_sheet(workbook, styles, layout.DUPLICATES_SHEET, layout.DUPLICATE_COLUMNS),
            figures=SummaryFigures(register_contracts=_register_count(session)),
            representatives=representatives,
            planned=planned,
            alternative_to=alternative_to,
            export_id=export_id,
            key_secret=key_secret,
            row_figures=row_figures,
        )
        with _progress(proposals, show_progress) as advance:
            for chunk in clock.timed(proposal_chunks(session, statuses, footprint)):
                for proposal in chunk:
                    sheets.write_members(proposal)  # first: the proposal row needs their totals
                    keys.update(sheets.write_proposal(proposal, result).encode() + b"\n")
                advance(len(chunk))
        sheets.add_decision_list()
        sheets.write_duplicates(clock.timed(set_members(session, run_id)))
        result.duplicate_sets = set_count(session, run_id)
        result.contract_rows = sheets.contracts.rows_written
        for writer in (sheets.proposals, sheets.contracts, sheets.duplicates):
            writer.finish()
        exported_at = dt.datetime.now().replace(microsecond=0)
        described = {
            "Exported": exported_at.isoformat(sep=" "),
            "Export ID": export_id,
            "Proposals with status": ", ".join(sorted(set(statuses or ()))) or "all",
            "Footprint": footprint or "all",
        }
        figures = write_summary(
            workbook, summary_ws, styles, sheets.figures, described, plan_totals
        )
        result.figures.update(figures)
        result.headline = sheets.figures.headline(plan_totals)
    result.seconds["reading"] = clock.seconds
    result.seconds["writing"] = time.perf_counter() - began - clock.seconds
    audit.record(
        session,
        action=EXPORT_ACTION,
        entity_type=EXPORT_ENTITY,
        entity_id=export_id,
        after={
            "file": path.name,
            "exported_at": exported_at.isoformat(),
            "statuses": sorted(set(statuses or ())),
            "footprint": footprint,
            "proposals": proposals,
            "key_secret": key_secret,
            "keys_sha256": keys.hexdigest(),
        },
    )
    return result


def _sheet(
    workbook: Workbook, styles: Styles, name: str, columns: tuple[Column, ...]
) -> SheetWriter:
    """One of the row sheets, as an Excel table named after it."""
    return SheetWriter(workbook.add_worksheet(name), columns, styles, table_name=name)


@contextmanager
def _written_to(path: Path) -> Iterator[Workbook]:
    """A workbook written next to ``path`` and renamed over it once whole, so a failed
    export never leaves half a file."""
    try:
        handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
        os.close(handle)
    except OSError as error:
        raise _cannot_write(path, error) from error
    try:
        workbook = new_workbook(temporary)
        try:
            yield workbook
        finally:
            # After a failure too: closing removes the rows' own temporary files.
            try:
                workbook.close()
            except FileCreateError as error:
                raise _cannot_write(path, error.args[0]) from error
        try:
            os.replace(temporary, path)
        except OSError as error:
            raise _cannot_write(path, error) from error
    finally:
        Path(temporary).unlink(missing_ok=True)  # gone already once renamed


def _cannot_write(path: Path, error: OSError) -> ExportError:
    reason = error.strerror or error
    return ExportError(f"cannot write {path}: {reason}; close it if it is open in Excel")
