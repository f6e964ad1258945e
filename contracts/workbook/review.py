"""Finance decisions from an edited workbook back into the store.

The reviewer may have sorted, filtered or moved the columns, so the header
row and the ``Proposal ID``, ``Decision``, ``Reviewer notes`` and hidden
``Review key`` columns are found by name. Every row is checked before any is
applied: a workbook from another database, a row whose proposal changed since
the export, an unknown ID, a decision not in the list or two rows for one
proposal are findings, and nothing is applied unless all rows are valid (or
``skip_invalid``). Decisions go through :func:`contracts.proposals.set_decision`,
which keeps who, when and the previous status in the audit log.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contracts import gate
from contracts.errors import InputRejected
from contracts.findings import Finding, FindingCode, Severity, codes, ordered
from contracts.proposals.decisions import DECISION_WORDS, set_decision, would_change
from contracts.proposals.packing import Option, accepted_conflicts
from contracts.proposals.stored import proposal_member_hash
from contracts.store.models import AuditEntry, Proposal, ProposalMember, ProposalStatus
from contracts.workbook.export import EXPORT_ACTION, EXPORT_ENTITY
from contracts.workbook.layout import (
    DECISION,
    PROPOSAL_ID,
    PROPOSALS_SHEET,
    REVIEW_KEY,
    REVIEWER_NOTES,
)
from contracts.workbook.review_key import is_genuine, parse_key

# How far down a sheet to look for the header row (title rows may sit above it).
HEADER_SEARCH_ROWS = 30


@dataclass
class _Row:
    number: int
    proposal_id: str | None
    decision: str | None
    notes: str | None
    key: str | None


@dataclass
class _Columns:
    sheet: str
    header_row: int
    proposal_id: int
    decision: int
    notes: int | None
    key: int

    def cell(self, index: int, row: int) -> str:
        return f"{self.sheet}!{get_column_letter(index + 1)}{row}"


@dataclass
class ReviewChange:
    proposal_id: str
    previous: str
    decision: str
    notes: str | None
    cell: str

    def line(self) -> str:
        notes = f" ({self.notes})" if self.notes else ""
        same = " (notes updated)" if self.previous == self.decision else ""
        return f"{self.proposal_id}: {self.previous} → {self.decision}{same}{notes}  [{self.cell}]"

    def as_json(self) -> dict[str, Any]:
        return {
            "proposal": self.proposal_id,
            "previous_status": self.previous,
            "status": self.decision,
            "notes": self.notes,
            "cell": self.cell,
        }


@dataclass
class ReviewResult:
    path: Path
    dry_run: bool
    skip_invalid: bool
    findings: list[Finding] = field(default_factory=list)
    changes: list[ReviewChange] = field(default_factory=list)
    unchanged: int = 0
    undecided: int = 0
    skipped: int = 0
    applied: bool = False

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)

    @property
    def blocked(self) -> bool:
        """Errors stop the whole review unless the reviewer chose to skip invalid rows."""
        return self.has_errors and not self.skip_invalid

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "dry_run": self.dry_run,
            "applied": self.applied,
            "changes": [c.as_json() for c in self.changes],
            "unchanged": self.unchanged,
            "undecided": self.undecided,
            "skipped": self.skipped,
            "findings": [f.as_dict() for f in ordered(self.findings)],
        }

    def render_text(self) -> str:
        lines = [f.line() for f in ordered(self.findings)]
        if self.blocked:
            errors = sum(1 for f in self.findings if f.is_error)
            lines.append(
                f"Nothing applied: {errors} problem(s) in {self.path.name}; correct them, "
                "or use --skip-invalid to apply the valid rows"
            )
            return "\n".join(lines)
        verb = "Would apply" if self.dry_run else "Applied"
        lines += [c.line() for c in self.changes]
        if self.changes:
            lines.append(
                f"{verb} {len(self.changes)} decision(s); {self.unchanged} unchanged, "
                f"{self.undecided} without a decision"
                + (f", {self.skipped} invalid row(s) skipped" if self.skipped else "")
            )
        else:
            lines.append(
                f"Nothing changed: every decision in {self.path.name} is already in the store "
                f"({self.unchanged} unchanged, {self.undecided} without a decision"
                + (f", {self.skipped} invalid row(s) skipped)" if self.skipped else ")")
            )
        return "\n".join(lines)


# What a damaged or hostile workbook makes openpyxl raise, at opening or mid-sheet.
_UNREADABLE = (InvalidFileException, LookupError, OSError, ValueError, TypeError, *gate.DAMAGE)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _find_columns(ws: ReadOnlyWorksheet) -> _Columns | None:
    for number, row in enumerate(
        ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1
    ):
        names = {(_text(v) or "").casefold(): i for i, v in enumerate(row)}
        if PROPOSAL_ID.casefold() in names and DECISION.casefold() in names:
            key = names.get(REVIEW_KEY.casefold())
            if key is None:
                raise InputRejected(
                    f"sheet '{ws.title}' has no '{REVIEW_KEY}' column (hidden after "
                    f"'{REVIEWER_NOTES}'); review a workbook written by 'contracts export' "
                    "and keep that column"
                )
            return _Columns(
                sheet=ws.title,
                header_row=number,
                proposal_id=names[PROPOSAL_ID.casefold()],
                decision=names[DECISION.casefold()],
                notes=names.get(REVIEWER_NOTES.casefold()),
                key=key,
            )
    return None


def _read_rows(path: Path) -> tuple[_Columns, list[_Row]]:
    gate.check_input(path, "the workbook to review")
    gate.check_zip(path, "the workbook to review")
    try:
        # openpyxl's UserWarnings (an extension it skips) say nothing a reviewer can act on
        with path.open("rb") as handle, warnings.catch_warnings(action="ignore"):
            return _read_sheets(path, handle)
    except _UNREADABLE as error:
        raise InputRejected(
            f"cannot review {path}: it is not an Excel workbook (.xlsx) written by "
            f"'contracts export' ({type(error).__name__})"
        ) from error


def _read_sheets(path: Path, handle: BinaryIO) -> tuple[_Columns, list[_Row]]:
    workbook = load_workbook(handle, read_only=True, data_only=True)
    try:
        sheets = sorted(workbook.worksheets, key=lambda ws: ws.title != PROPOSALS_SHEET)
        for ws in sheets:
            if not isinstance(ws, ReadOnlyWorksheet):
                continue
            columns = _find_columns(ws)
            if columns is None:
                continue
            rows = []
            cells = ws.iter_rows(min_row=columns.header_row + 1, values_only=True)
            for number, values in enumerate(cells, start=columns.header_row + 1):

                def get(index: int | None, values: tuple[Any, ...] = values) -> str | None:
                    if index is None or index >= len(values):
                        return None
                    return _text(values[index])

                row = _Row(
                    number=number,
                    proposal_id=get(columns.proposal_id),
                    decision=get(columns.decision),
                    notes=get(columns.notes),
                    key=get(columns.key),
                )
                if row.proposal_id or row.decision or row.key:
                    rows.append(row)
            return columns, rows
    finally:
        workbook.close()
    raise InputRejected(
        f"cannot review {path}: no sheet has the columns '{PROPOSAL_ID}' and '{DECISION}'; "
        f"review the '{PROPOSALS_SHEET}' sheet of a workbook written by 'contracts export'"
    )


def _exports(session: Session, export_ids: set[str]) -> dict[str, dict[str, Any]]:
    """Each export recorded in this database, as its audit entry describes it."""
    if not export_ids:
        return {}
    entries = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == EXPORT_ACTION,
            AuditEntry.entity_type == EXPORT_ENTITY,
            AuditEntry.entity_id.in_(sorted(export_ids)),
        )
    )
    return {e.entity_id: dict(e.after or {}) for e in entries}


class _Checker:
    """Validates rows one by one, collecting findings with the cell they are about."""

    def __init__(self, session: Session, path: Path, columns: _Columns, rows: list[_Row]):
        self.path = path
        self.columns = columns
        self.findings: list[Finding] = []
        self.invalid: set[int] = set()
        keys = [parse_key(r.key) for r in rows if r.key]
        self.exports = _exports(session, {k.export_id for k in keys if k})
        ids = sorted({r.proposal_id for r in rows if r.proposal_id})
        # Every row's proposal is looked up, but only those with a decision are loaded
        # with their members (a whole national workbook as objects took 500 MB).
        self.known = set(session.scalars(select(Proposal.id).where(Proposal.id.in_(ids))))
        decided = sorted({r.proposal_id for r in rows if r.proposal_id and r.decision})
        self.proposals = {
            p.id: p
            for p in session.scalars(
                select(Proposal)
                .where(Proposal.id.in_(decided))
                .options(
                    selectinload(Proposal.members).selectinload(ProposalMember.contract),
                    selectinload(Proposal.decisions),
                )
            )
        }

    def problem(
        self,
        row: _Row,
        column: int,
        kind: FindingCode,
        *,
        error: bool = True,
        variant: str | None = None,
        **params: Any,
    ) -> None:
        value = {
            self.columns.proposal_id: row.proposal_id,
            self.columns.decision: row.decision,
            self.columns.key: row.key,
        }.get(column)
        self.findings.append(
            kind.finding(
                severity=Severity.ERROR if error else Severity.WARNING,
                variant=variant,
                file=self.path.name,
                sheet=self.columns.sheet,
                cell=self.columns.cell(column, row.number),
                value=value,
                **params,
            )
        )
        if error:
            self.invalid.add(row.number)

    def check(self, row: _Row) -> None:
        c = self.columns
        if not row.proposal_id:
            self.problem(row, c.proposal_id, codes.MISSING_ID)
            return
        if row.decision and row.decision.lower() not in DECISION_WORDS:
            self.problem(row, c.decision, codes.BAD_DECISION, decision=row.decision)
        key = parse_key(row.key) if row.key else None
        if key is None:
            self.problem(row, c.key, codes.MISSING_KEY)
            return
        key_id, key_hash, export_id, _ = key
        if key_id != row.proposal_id:
            self.problem(row, c.proposal_id, codes.ID_EDITED, exported=key_id)
            return
        recorded = self.exports.get(export_id)
        if recorded is None:
            self.problem(row, c.key, codes.UNKNOWN_EXPORT, export=export_id[:8])
            return
        if not is_genuine(key, recorded):
            self.problem(row, c.key, codes.KEY_ALTERED, export=export_id[:8], exported=key_id)
            return
        if row.proposal_id not in self.known:
            self.problem(row, c.proposal_id, codes.UNKNOWN_PROPOSAL, proposal=row.proposal_id)
            return
        proposal = self.proposals.get(row.proposal_id)
        if proposal is not None and proposal_member_hash(proposal) != key_hash:
            self.problem(
                row,
                c.decision,
                codes.PROPOSAL_CHANGED,
                error=self._would_change(proposal, row),
                proposal=proposal.id,
            )

    @staticmethod
    def _would_change(proposal: Proposal, row: _Row) -> bool:
        return would_change(proposal, DECISION_WORDS.get((row.decision or "").lower()), row.notes)

    def check_conflicts(self, session: Session, rows: list[_Row]) -> None:
        """Two proposals that would both be accepted after this workbook but share a
        contract: no plan can carry out both, so neither row is applied."""
        decided = {
            r.proposal_id: r
            for r in rows
            if r.number not in self.invalid and r.proposal_id in self.proposals and r.decision
        }
        final = {pid: DECISION_WORDS.get((r.decision or "").lower()) for pid, r in decided.items()}
        members: dict[str, set[int]] = defaultdict(set)
        for pid, contract_id in session.execute(
            select(ProposalMember.proposal_id, ProposalMember.contract_id)
            .join(Proposal, Proposal.id == ProposalMember.proposal_id)
            .where(Proposal.status == ProposalStatus.ACCEPTED)
        ):
            if pid not in final:  # the workbook leaves it accepted
                members[pid].add(contract_id)
        for pid, status in final.items():
            if status == ProposalStatus.ACCEPTED:
                members[pid] = {m.contract_id for m in self.proposals[pid].members}
        accepted = [Option(p, frozenset(c), 0, ProposalStatus.ACCEPTED) for p, c in members.items()]
        references = {
            m.contract_id: m.contract.reference or m.contract_uid
            for p in self.proposals.values()
            for m in p.members
        }
        for first, second, shared in accepted_conflicts(accepted):
            if first not in decided and second not in decided:
                continue  # both were accepted before this workbook: not its doing
            named = ", ".join(references.get(c, f"#{c}") for c in sorted(shared))
            for pid in (first, second):
                if pid in decided:
                    self.problem(
                        decided[pid],
                        self.columns.decision,
                        codes.CONFLICT,
                        first=first,
                        second=second,
                        noun="contracts" if len(shared) > 1 else "contract",
                        named=named,
                    )

    def check_duplicates(self, rows: list[_Row]) -> None:
        by_id: dict[str, list[_Row]] = defaultdict(list)
        for row in rows:
            if row.proposal_id:
                by_id[row.proposal_id].append(row)
        for proposal_id, same in by_id.items():
            if len(same) < 2:
                continue
            first = self.columns.cell(self.columns.proposal_id, same[0].number)
            for row in same:
                self.invalid.add(row.number)
            for row in same[1:]:
                self.problem(
                    row,
                    self.columns.proposal_id,
                    codes.DUPLICATE_ROW,
                    variant="proposal",
                    proposal=proposal_id,
                    first=first,
                )


def _via(path: Path, row: _Row) -> str:
    key = parse_key(row.key or "")
    export = f" (export {key.export_id[:8]})" if key else ""
    return f"workbook {path.name}{export}"[:200]


def review_workbook(
    session: Session,
    path: Path | str,
    *,
    dry_run: bool = False,
    reviewer: str | None = None,
    skip_invalid: bool = False,
) -> ReviewResult:
    """Check the decisions in an exported workbook and apply them to the store.

    Nothing is applied if any row is invalid, unless ``skip_invalid``; with
    ``dry_run`` the changes are worked out and reported but not kept.
    """
    path = Path(path)
    columns, rows = _read_rows(path)
    result = ReviewResult(path=path, dry_run=dry_run, skip_invalid=skip_invalid)
    checker = _Checker(session, path, columns, rows)
    for row in rows:
        checker.check(row)
    checker.check_duplicates(rows)
    checker.check_conflicts(session, rows)
    result.findings = checker.findings
    result.skipped = len({r.number for r in rows} & checker.invalid)
    if result.blocked:
        return result
    valid = [r for r in rows if r.number not in checker.invalid]
    result.undecided = sum(1 for r in valid if not r.decision)
    savepoint = session.begin_nested() if dry_run else None
    for row in valid:
        if not row.decision or row.proposal_id is None:
            continue
        previous = str(checker.proposals[row.proposal_id].status)
        decided = set_decision(
            session,
            checker.proposals[row.proposal_id],  # loaded once by the checker
            row.decision,
            notes=row.notes,
            reviewer=reviewer,
            via=_via(path, row),
        )
        if decided is None:
            result.unchanged += 1
            continue
        result.changes.append(
            ReviewChange(
                proposal_id=row.proposal_id,
                previous=previous,
                decision=str(decided.decision),
                notes=decided.notes,
                cell=columns.cell(columns.decision, row.number),
            )
        )
    if savepoint is not None:
        savepoint.rollback()
    result.applied = not dry_run and bool(result.changes)
    return result
