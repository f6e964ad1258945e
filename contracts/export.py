"""The finance workbook: proposals, their contracts and the duplicates, for review in Excel.

Finance staff review consolidation proposals without the tool installed, so
the workbook has to reconcile on sight: every total is a live formula over
the rows beneath it, text from the registers stays text (no formula
injection), and a hidden review key per proposal lets ``contracts review``
refuse a workbook from another database or one whose proposals have changed
since. Sheets are streamed (openpyxl write-only mode) so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from rich.progress import track
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from contracts import audit
from contracts.consolidation import overlap_groups
from contracts.duplicates import DuplicateReport, find_duplicates
from contracts.errors import ContractsError
from contracts.models import (
    Contract,
    ContractParty,
    Organisation,
    Proposal,
    ProposalCommissioner,
    ProposalMember,
    ProposalStatus,
)
from contracts.money import format_gbp
from contracts.proposals import proposal_member_hash
from contracts.workbook_layout import (
    CONTRACT_COLUMNS,
    CONTRACTS_SHEET,
    DECISION,
    DECISIONS,
    DUPLICATE_COLUMNS,
    DUPLICATES_SHEET,
    PROPOSAL_COLUMNS,
    PROPOSALS_SHEET,
    SUMMARY_SHEET,
    letter,
    whole_column,
)
from contracts.workbook_style import Formula, SheetWriter
from contracts.workbook_summary import SummaryFigures, write_summary

# Proposals whose contracts count towards "contracts after" and "value covered".
ACTIVE_STATUSES = (ProposalStatus.ACCEPTED.value, ProposalStatus.CANDIDATE.value)
DECISION_FOR_STATUS = {
    ProposalStatus.ACCEPTED.value: "Accept",
    ProposalStatus.REJECTED.value: "Reject",
    ProposalStatus.DEFERRED.value: "Defer",
}
EXPORT_ACTION = "export"
EXPORT_ENTITY = "workbook"
KEY_SEPARATOR = "|"


class ExportError(ContractsError):
    """The workbook could not be written where the user asked."""


def review_key(proposal_id: str, member_hash: str, export_id: str) -> str:
    """The hidden key of one proposal row: what review checks the row against."""
    return KEY_SEPARATOR.join((proposal_id, member_hash, export_id))


def parse_review_key(text: str) -> tuple[str, str, str] | None:
    """(proposal ID, member hash, export ID), or None for text that is no key."""
    parts = text.rsplit(KEY_SEPARATOR, 2)
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


@dataclass
class ExportResult:
    path: Path
    export_id: str
    proposals: int = 0
    contract_rows: int = 0
    duplicate_sets: int = 0
    # Every formula the workbook holds, by "Sheet!B7", with the value the tool
    # computed for it: what a spreadsheet application must show.
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


def _names(orgs: Iterable[Organisation | None]) -> str:
    return "; ".join(o.name for o in orgs if o is not None)


def _load_proposals(
    session: Session, statuses: Iterable[str] | None, footprint: str | None
) -> list[Proposal]:
    statement = (
        select(Proposal)
        .options(
            selectinload(Proposal.members)
            .selectinload(ProposalMember.contract)
            .options(
                selectinload(Contract.provider),
                selectinload(Contract.parties).selectinload(ContractParty.organisation),
            ),
            selectinload(Proposal.commissioners).selectinload(ProposalCommissioner.organisation),
            selectinload(Proposal.provider),
            selectinload(Proposal.lead_commissioner),
            selectinload(Proposal.decisions),
        )
        .order_by(Proposal.rule, Proposal.id)
    )
    wanted = sorted({s.strip().lower() for s in statuses or ()})
    known = {s.value for s in ProposalStatus}
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise ContractsError(
            f"'{unknown[0]}' is not a proposal status; use one of {', '.join(sorted(known))}"
        )
    if wanted:
        statement = statement.where(Proposal.status.in_(wanted))
    if footprint:
        statement = statement.where(func.lower(Proposal.footprint) == footprint.strip().lower())
    return list(session.scalars(statement))


COMMISSIONER_INDEX = [c.header for c in CONTRACT_COLUMNS].index("Commissioner")


def _contract_cells(
    proposal: Proposal, contract: Contract, counted_as: int, counts: int
) -> list[Any]:
    lead = contract.lead_commissioner
    return [
        proposal.id,
        proposal.status,
        contract.id,
        contract.reference,
        contract.source,
        contract.title,
        lead.name if lead else "(none)",
        _names(contract.associate_commissioners) or None,
        contract.provider.name if contract.provider else None,
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


def _latest_notes(proposal: Proposal) -> str | None:
    return proposal.decisions[-1].notes if proposal.decisions else None


def _counts_once(contract: Contract, stands_for: int, counted: set[int]) -> bool:
    """Whether a member adds to the headline: each contract of the register once, and
    an extra copy of a duplicate set never (its set is counted through its representative),
    as `contracts summary` counts them."""
    return contract.in_register and stands_for == contract.id and contract.id not in counted


def _overlap_groups(
    proposals: list[Proposal], representatives: dict[int, int]
) -> dict[str, tuple[str, int]]:
    """For each accepted or candidate proposal: its overlap group and whether it is the
    group's one new contract (1) or merged into it (0)."""
    member_sets = {
        p.id: {
            m.contract_id
            for m in p.members
            if m.contract.in_register
            and representatives.get(m.contract_id, m.contract_id) == m.contract_id
        }
        for p in proposals
        if p.status in ACTIVE_STATUSES
    }
    grouped: dict[str, tuple[str, int]] = {}
    for group in overlap_groups({pid: ids for pid, ids in member_sets.items() if ids}):
        for pid in group:
            grouped[pid] = (group[0], 1 if pid == group[0] else 0)
    return grouped


def _write_contracts(
    writer: SheetWriter,
    proposals: list[Proposal],
    representatives: dict[int, int],
    figures: SummaryFigures,
) -> None:
    """One row per member contract; each real contract counts once in the headline."""
    counted: set[int] = set()
    for proposal in proposals:
        active = proposal.status in ACTIVE_STATUSES
        members = sorted(
            (m.contract for m in proposal.members),
            key=lambda c: (c.source, c.reference or "", c.id),
        )
        for contract in members:
            stands_for = representatives.get(contract.id, contract.id)
            counts = 1 if active and _counts_once(contract, stands_for, counted) else 0
            if counts:
                counted.add(contract.id)
            cells = _contract_cells(proposal, contract, stands_for, counts)
            writer.append(cells)
            figures.add_member(
                proposal.id,
                commissioner=cells[COMMISSIONER_INDEX],
                annual_value=contract.annual_value,
                counts=counts,
            )


def _write_proposals(
    writer: SheetWriter,
    proposals: list[Proposal],
    representatives: dict[int, int],
    hashes: dict[str, str],
    export_id: str,
    figures: SummaryFigures,
    result: ExportResult,
) -> None:
    members_range = whole_column(CONTRACTS_SHEET, CONTRACT_COLUMNS, "Proposal ID")
    value_range = whole_column(CONTRACTS_SHEET, CONTRACT_COLUMNS, "Annual value")
    id_col = letter(PROPOSAL_COLUMNS, "Proposal ID")
    members_col = letter(PROPOSAL_COLUMNS, "Members")
    value_col = letter(PROPOSAL_COLUMNS, "Annual value")
    groups = _overlap_groups(proposals, representatives)
    for proposal in proposals:
        row = writer.last_row + 1
        group, new_contracts = groups.get(proposal.id, (None, 0))
        associates = [
            c.organisation
            for c in proposal.commissioners
            if c.organisation_id != proposal.lead_commissioner_id
        ]
        writer.append(
            [
                proposal.id,
                proposal.rule,
                proposal.title,
                proposal.lead_commissioner.name if proposal.lead_commissioner else None,
                _names(associates) or None,
                proposal.provider.name if proposal.provider else None,
                Formula(f"=COUNTIFS({members_range},{id_col}{row})"),
                proposal.contracts_before,
                proposal.contracts_after,
                group,
                new_contracts,
                Formula(f"=SUMIFS({value_range},{members_range},{id_col}{row})"),
                proposal.earliest_start,
                "; ".join(str(f) for f in proposal.flags or []) or None,
                "; ".join(str(r) for r in proposal.reasons or []) or None,
                proposal.status,
                "yes" if proposal.needs_review else None,
                DECISION_FOR_STATUS.get(proposal.status),
                _latest_notes(proposal),
                review_key(proposal.id, hashes[proposal.id], export_id),
            ]
        )
        members, value = figures.proposal_totals(proposal.id)
        result.figures[f"{PROPOSALS_SHEET}!{members_col}{row}"] = members
        result.figures[f"{PROPOSALS_SHEET}!{value_col}{row}"] = value
        figures.add_proposal(
            proposal.id,
            rule=proposal.rule,
            status=proposal.status,
            lead=proposal.lead_commissioner.name if proposal.lead_commissioner else None,
            before=proposal.contracts_before,
            after=proposal.contracts_after,
            new_contracts=new_contracts,
        )
    if writer.rows_written:
        decision_col = letter(PROPOSAL_COLUMNS, DECISION)
        choices = DataValidation(
            type="list",
            formula1='"' + ",".join(DECISIONS) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Decision",
            error="Choose Accept, Reject or Defer (or leave it blank).",
        )
        choices.add(f"{decision_col}2:{decision_col}{writer.last_row}")
        writer.ws.data_validations.append(choices)


def _write_duplicates(
    writer: SheetWriter, report: DuplicateReport, figures: SummaryFigures
) -> None:
    """One row per copy; every copy but the one that stands for its set is an extra copy."""
    for dup_set in report.sets:
        for member in sorted(dup_set.members, key=lambda m: m.id):
            extra = 0 if member.id == dup_set.representative_id else 1
            writer.append(
                [
                    dup_set.id,
                    float(dup_set.score),
                    "yes" if dup_set.weak_link else None,
                    "; ".join(dup_set.reasons) or None,
                    member.id,
                    member.reference,
                    member.source,
                    member.title,
                    member.commissioner,
                    member.provider,
                    member.start_date,
                    member.end_date,
                    member.annual_value,
                    dup_set.representative_id,
                    extra,
                ]
            )
            figures.extra_copies += extra


def _register_count(session: Session) -> int:
    statement = select(func.count()).select_from(Contract).where(Contract.in_register.is_(True))
    return int(session.scalar(statement) or 0)


def _progress(items: list[Proposal], show: bool) -> Iterator[Proposal]:
    if show:
        yield from track(items, description="Writing the workbook", transient=True)
    else:
        yield from items


def export_workbook(
    session: Session,
    path: Path | str,
    *,
    statuses: Iterable[str] | None = None,
    footprint: str | None = None,
    show_progress: bool = False,
) -> ExportResult:
    """Write the finance workbook to ``path`` and record the export in the audit log.

    ``statuses`` limits the proposals (e.g. ``["candidate"]``); ``footprint``
    keeps only proposals made for that footprint. The audit entry holds the
    export ID and each proposal's member hash, which ``contracts review``
    checks the workbook against.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path}: the folder {path.parent} does not exist")
    if path.suffix.lower() != ".xlsx":
        raise ExportError(f"cannot write {path}: give the workbook a name ending in .xlsx")
    started = time.perf_counter()
    proposals = _load_proposals(session, statuses, footprint)
    hashes = {p.id: proposal_member_hash(p) for p in proposals}
    # The same sets the duplicates report shows; each is counted once, as its
    # representative (what duplicate_representatives returns, without a second run).
    duplicates = find_duplicates(session)
    representatives = {cid: s.representative_id for s in duplicates.sets for cid in s.contract_ids}
    export_id = uuid.uuid4().hex
    result = ExportResult(path=path, export_id=export_id, proposals=len(proposals))
    figures = SummaryFigures(register_contracts=_register_count(session))
    result.seconds["reading"] = time.perf_counter() - started
    started = time.perf_counter()

    workbook = Workbook(write_only=True)
    summary_ws = workbook.create_sheet(SUMMARY_SHEET)
    proposals_writer = SheetWriter(
        workbook.create_sheet(PROPOSALS_SHEET), PROPOSAL_COLUMNS, table_name="Proposals"
    )
    contracts_writer = SheetWriter(
        workbook.create_sheet(CONTRACTS_SHEET), CONTRACT_COLUMNS, table_name="Contracts"
    )
    duplicates_writer = SheetWriter(
        workbook.create_sheet(DUPLICATES_SHEET), DUPLICATE_COLUMNS, table_name="Duplicates"
    )
    _write_contracts(
        contracts_writer, list(_progress(proposals, show_progress)), representatives, figures
    )
    _write_proposals(
        proposals_writer, proposals, representatives, hashes, export_id, figures, result
    )
    _write_duplicates(duplicates_writer, duplicates, figures)
    result.duplicate_sets = len(duplicates.sets)
    result.contract_rows = contracts_writer.rows_written
    for writer in (proposals_writer, contracts_writer, duplicates_writer):
        writer.finish()
    exported_at = dt.datetime.now().replace(microsecond=0)
    described = {
        "Exported": exported_at.isoformat(sep=" "),
        "Export ID": export_id,
        "Proposals with status": ", ".join(sorted(set(statuses or ()))) or "all",
        "Footprint": footprint or "all",
    }
    result.figures.update(write_summary(summary_ws, figures, described))
    result.headline = figures.headline()
    _save(workbook, path)
    result.seconds["writing"] = time.perf_counter() - started
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
            "proposals": hashes,
        },
    )
    return result


def _save(workbook: Workbook, path: Path) -> None:
    """Save next to ``path`` and rename, so a failed export never leaves half a file."""
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(
            f"cannot write {path}: {error.strerror or error}; close it if it is open in Excel"
        ) from error
