"""Finance decisions back from the workbook: validation, audit trail, stable round trip."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cli import main
from contracts.errors import InputRejected
from contracts.store.models import AuditEntry, Proposal, ProposalDecision
from contracts.workbook.export import export_workbook
from contracts.workbook.review import review_workbook
from tests.contracts.workbook.workbook_helpers import add_contract, add_proposal, sheet_rows

IDS = ("P-00000000a1", "P-00000000b2", "P-00000000c3")


def _proposals(session: Session) -> None:
    a = add_contract(session, reference="A1", annual_value=Decimal("100.00"))
    b = add_contract(session, reference="B2", commissioner="99F", annual_value=Decimal("200.00"))
    c = add_contract(session, reference="C3", provider="RAJ", annual_value=Decimal("300.00"))
    d = add_contract(session, reference="D4", provider="RAJ", commissioner="06Q")
    e = add_contract(session, reference="E5", provider="RYC", annual_value=Decimal("7.77"))
    f = add_contract(session, reference="F6", provider="RYC", commissioner="99G")
    add_proposal(session, IDS[0], [a, b])
    add_proposal(session, IDS[1], [c, d], rule="three-hospitals")
    add_proposal(session, IDS[2], [e, f], rule="nhs-and-council")


def edit(path: Path, change: Callable[[Any, dict[str, int]], None]) -> None:
    """Open the workbook as a reviewer would, change the Proposals sheet, save."""
    workbook = load_workbook(path)
    try:
        ws = workbook["Proposals"]
        columns = {c.value: c.column for c in ws[1]}
        change(ws, columns)
        workbook.save(path)
    finally:
        workbook.close()


def decide(path: Path, decisions: dict[str, tuple[str | None, str | None]]) -> None:
    def change(ws: Any, columns: dict[str, int]) -> None:
        for row in range(2, ws.max_row + 1):
            proposal_id = ws.cell(row, columns["Proposal ID"]).value
            if proposal_id in decisions:
                decision, notes = decisions[proposal_id]
                ws.cell(row, columns["Decision"]).value = decision
                ws.cell(row, columns["Reviewer notes"]).value = notes

    edit(path, change)


def _statuses(session: Session) -> dict[str, str]:
    session.expire_all()
    return {p.id: p.status for p in session.scalars(select(Proposal))}


def _proposal_cells(path: Path) -> list[dict[str, Any]]:
    rows = sheet_rows(path, "Proposals")
    for row in rows:
        row.pop("Review key")  # carries the export's own ID
    return rows


def test_round_trip_applies_audits_and_is_stable(session: Session, tmp_path: Path) -> None:
    _proposals(session)
    first = export_workbook(session, tmp_path / "first.xlsx").path
    decide(first, {IDS[0]: ("Accept", "fits the 2017/18 plan"), IDS[1]: ("Defer", None)})

    result = review_workbook(session, first, reviewer="J. Smith (finance)")

    assert not result.findings and result.applied
    assert {(c.proposal_id, c.previous, c.decision) for c in result.changes} == {
        (IDS[0], "candidate", "accepted"),
        (IDS[1], "candidate", "deferred"),
    }
    assert result.undecided == 1
    assert _statuses(session) == {IDS[0]: "accepted", IDS[1]: "deferred", IDS[2]: "candidate"}
    decision = session.scalars(
        select(ProposalDecision).where(ProposalDecision.proposal_id == IDS[0])
    ).one()
    assert decision.decided_by == "J. Smith (finance)"
    assert decision.notes == "fits the 2017/18 plan"
    assert decision.previous_status == "candidate"
    assert decision.via.startswith("workbook first.xlsx")
    audited = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_id == IDS[0], AuditEntry.entity_type == "proposal"
        )
    ).one()
    assert audited.actor == "J. Smith (finance)"
    assert audited.before == {"status": "candidate"}

    again = review_workbook(session, first, reviewer="J. Smith (finance)")
    assert again.changes == [] and again.unchanged == 2
    assert "Nothing changed" in again.render_text()

    second = export_workbook(session, tmp_path / "second.xlsx").path
    # The new export shows the decisions as the reviewer left them, now as statuses too
    # (a deferred proposal no longer counts towards the headline).
    for new, old in zip(_proposal_cells(second), _proposal_cells(first), strict=True):
        changed = {k for k in new if new[k] != old[k]}
        assert changed <= {"Status", "In plan", "Alternative to"}
        assert new["Decision"] == {"accepted": "Accept", "deferred": "Defer"}.get(new["Status"])
    third = export_workbook(session, tmp_path / "third.xlsx").path
    assert _proposal_cells(third) == _proposal_cells(second)
    assert review_workbook(session, second).changes == []


def test_columns_moved_sorted_and_titled_are_still_read(session: Session, tmp_path: Path) -> None:
    _proposals(session)
    exported = export_workbook(session, tmp_path / "finance.xlsx").path
    workbook = load_workbook(exported)
    try:
        rows = list(workbook["Proposals"].iter_rows(values_only=True))
    finally:
        workbook.close()
    header, body = list(rows[0]), [list(r) for r in rows[1:]]
    order = list(reversed(range(len(header))))  # every column moved
    body.sort(key=lambda r: str(r[0]), reverse=True)  # sorted by the reviewer
    decision = header.index("Decision")
    for row in body:
        row[decision] = {"P-00000000a1": "reject", "P-00000000c3": "Accept"}.get(row[0])
    moved = Workbook()
    ws = moved.active
    ws.title = "Proposals"
    ws.append(["Reviewed by finance, March 2016"])
    ws.append([])
    ws.append([header[i] for i in order])
    for row in body:
        ws.append([row[i] for i in order])
    ws.auto_filter.ref = f"A3:R{ws.max_row}"
    path = tmp_path / "moved.xlsx"
    moved.save(path)
    moved.close()

    result = review_workbook(session, path)

    assert not result.findings
    assert _statuses(session) == {IDS[0]: "rejected", IDS[1]: "candidate", IDS[2]: "accepted"}
    assert {c.cell[:-1] for c in result.changes} == {"Proposals!C"}  # Decision now column C


def _rejected(result: Any, code: str) -> None:
    assert result.blocked and not result.applied and not result.changes
    assert code in {f.code for f in result.findings}, result.render_text()


@pytest.mark.parametrize(
    ("code", "change"),
    [
        ("bad-decision", lambda ws, c: setattr(ws.cell(3, c["Decision"]), "value", "Maybe")),
        ("id-edited", lambda ws, c: setattr(ws.cell(3, c["Proposal ID"]), "value", IDS[2])),
        (
            "unknown-export",
            lambda ws, c: setattr(
                ws.cell(3, c["Review key"]),
                "value",
                "|".join(
                    uuid.uuid4().hex if n == 2 else part
                    for n, part in enumerate(ws.cell(3, c["Review key"]).value.split("|"))
                ),
            ),
        ),
        (
            "key-altered",
            lambda ws, c: setattr(
                ws.cell(3, c["Review key"]),
                "value",
                ws.cell(3, c["Review key"]).value.replace("|", "|0", 1),
            ),
        ),
        ("missing-key", lambda ws, c: setattr(ws.cell(3, c["Review key"]), "value", None)),
        (
            "duplicate-row",
            lambda ws, c: [
                setattr(ws.cell(5, col), "value", ws.cell(2, col).value)
                for col in range(1, ws.max_column + 1)
            ],
        ),
    ],
)
def test_invalid_rows_block_the_whole_review(
    session: Session, tmp_path: Path, code: str, change: Callable[[Any, dict[str, int]], None]
) -> None:
    _proposals(session)
    path = export_workbook(session, tmp_path / "finance.xlsx").path
    decide(path, {i: ("Accept", None) for i in IDS})
    edit(path, change)

    result = review_workbook(session, path)

    _rejected(result, code)
    finding = next(f for f in result.findings if f.code == code)
    assert finding.sheet == "Proposals" and finding.cell and finding.cell.startswith("Proposals!")
    assert finding.file == "finance.xlsx"
    assert set(_statuses(session).values()) == {"candidate"}


def test_skip_invalid_applies_the_valid_rows(session: Session, tmp_path: Path) -> None:
    _proposals(session)
    path = export_workbook(session, tmp_path / "finance.xlsx").path
    decide(path, {IDS[0]: ("Accept", None), IDS[1]: ("Perhaps", None), IDS[2]: ("Reject", "no")})

    result = review_workbook(session, path, skip_invalid=True)

    assert not result.blocked and result.skipped == 1
    assert [f.code for f in result.findings] == ["bad-decision"]
    assert _statuses(session) == {IDS[0]: "accepted", IDS[1]: "candidate", IDS[2]: "rejected"}


def test_unknown_proposal_is_a_finding(session: Session, tmp_path: Path) -> None:
    _proposals(session)
    path = export_workbook(session, tmp_path / "finance.xlsx").path
    session.delete(session.get(Proposal, IDS[2]))
    session.flush()
    decide(path, {IDS[2]: ("Accept", None)})
    _rejected(review_workbook(session, path), "unknown-proposal")


def test_a_proposal_changed_since_the_export_is_refused(session: Session, tmp_path: Path) -> None:
    _proposals(session)
    path = export_workbook(session, tmp_path / "finance.xlsx").path
    proposal = session.get(Proposal, IDS[0])
    proposal.members[0].contract.annual_value = Decimal("150.00")  # a re-import changed it
    session.flush()
    decide(path, {IDS[0]: ("Accept", None), IDS[1]: ("Accept", None)})

    result = review_workbook(session, path)

    _rejected(result, "proposal-changed")
    (finding,) = result.findings
    assert IDS[0] in finding.message and "export a new workbook" in finding.message
    # A fresh export of the proposal as it is now can be decided.
    fresh = export_workbook(session, tmp_path / "fresh.xlsx").path
    decide(fresh, {IDS[0]: ("Accept", None)})
    assert [c.proposal_id for c in review_workbook(session, fresh).changes] == [IDS[0]]


def test_dry_run_reports_but_keeps_nothing(session: Session, tmp_path: Path) -> None:
    _proposals(session)
    path = export_workbook(session, tmp_path / "finance.xlsx").path
    decide(path, {IDS[0]: ("Reject", "too early")})

    result = review_workbook(session, path, dry_run=True)

    assert [(c.proposal_id, c.decision) for c in result.changes] == [(IDS[0], "rejected")]
    assert "Would apply 1 decision" in result.render_text()
    assert _statuses(session)[IDS[0]] == "candidate"
    assert not session.scalars(select(ProposalDecision)).all()


def test_files_that_are_not_exported_workbooks_are_rejected(
    tmp_path: Path, session: Session
) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    with pytest.raises(InputRejected, match="not a readable Excel workbook"):
        review_workbook(session, text)
    other = Workbook()
    other.active.append(["Proposal ID", "Decision", "Reviewer notes"])
    plain = tmp_path / "plain.xlsx"
    other.save(plain)
    other.close()
    with pytest.raises(InputRejected, match="no 'Review key' column"):
        review_workbook(session, plain)
    empty = Workbook()
    blank = tmp_path / "blank.xlsx"
    empty.save(blank)
    empty.close()
    with pytest.raises(InputRejected, match="no sheet has the columns"):
        review_workbook(session, blank)


def test_cli_review(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions.begin() as session:
        _proposals(session)
    path = tmp_path / "finance.xlsx"
    exported = runner.invoke(main, ["--database", database_url, "export", str(path)])
    assert exported.exit_code == 0, exported.output
    decide(path, {IDS[0]: ("Accept", "ok"), IDS[1]: ("Nope", None)})

    refused = runner.invoke(main, ["--database", database_url, "review", str(path)])
    assert refused.exit_code == 1
    assert "bad-decision" in refused.output and "Nothing applied" in refused.output

    decide(path, {IDS[1]: (None, None)})
    applied = runner.invoke(
        main, ["--database", database_url, "review", str(path), "--reviewer", "finance"]
    )
    assert applied.exit_code == 0, applied.output
    assert f"{IDS[0]}: candidate → accepted" in applied.output

    again = runner.invoke(main, ["--database", database_url, "review", str(path)])
    assert again.exit_code == 0 and "Nothing changed" in again.output


OVERLAP = ("P-0000000ov1", "P-0000000ov2", "P-0000000ov3")


def _overlapping(session: Session) -> None:
    """Two proposals sharing contract S1 (alternatives), and one apart."""
    shared = add_contract(session, reference="S1")
    a = add_contract(session, reference="A1", commissioner="99F")
    b = add_contract(session, reference="B1", commissioner="06Q")
    c, d = (add_contract(session, reference=r, provider="RAJ") for r in ("C1", "D1"))
    add_proposal(session, OVERLAP[0], [shared, a])
    add_proposal(session, OVERLAP[1], [shared, b], rule="three-hospitals")
    add_proposal(session, OVERLAP[2], [c, d], rule="nhs-and-council")


def test_accepting_two_overlapping_proposals_is_a_conflict(
    session: Session, tmp_path: Path
) -> None:
    _overlapping(session)
    path = export_workbook(session, tmp_path / "finance.xlsx").path
    decide(
        path,
        {OVERLAP[0]: ("Accept", None), OVERLAP[1]: ("Accept", None), OVERLAP[2]: ("Accept", None)},
    )

    result = review_workbook(session, path)

    _rejected(result, "conflict")
    conflicts = [f for f in result.findings if f.code == "conflict"]
    assert len(conflicts) == 2  # one on each row
    assert all(OVERLAP[0] in f.message and OVERLAP[1] in f.message for f in conflicts)
    assert all("contract S1" in f.message for f in conflicts)
    assert set(_statuses(session).values()) == {"candidate"}, "nothing applied"


def test_no_conflict_when_one_is_rejected_here_or_already(session: Session, tmp_path: Path) -> None:
    _overlapping(session)
    path = export_workbook(session, tmp_path / "finance.xlsx").path
    decide(path, {OVERLAP[0]: ("Accept", None), OVERLAP[1]: ("Reject", "alternative")})
    assert review_workbook(session, path).applied
    assert _statuses(session)[OVERLAP[0]] == "accepted"

    # already accepted in the store: accepting the other one in a new workbook is refused
    path = export_workbook(session, tmp_path / "again.xlsx").path
    decide(path, {OVERLAP[0]: (None, None), OVERLAP[1]: ("Accept", None)})
    result = review_workbook(session, path)
    _rejected(result, "conflict")
    # ...unless the same workbook rejects the one accepted before
    decide(path, {OVERLAP[0]: ("Reject", "changed our mind"), OVERLAP[1]: ("Accept", None)})
    assert review_workbook(session, path).applied
    assert _statuses(session)[OVERLAP[1]] == "accepted"
    assert _statuses(session)[OVERLAP[0]] == "rejected"


def test_skip_invalid_leaves_out_both_conflicting_rows(session: Session, tmp_path: Path) -> None:
    _overlapping(session)
    path = export_workbook(session, tmp_path / "finance.xlsx").path
    decide(
        path,
        {OVERLAP[0]: ("Accept", None), OVERLAP[1]: ("Accept", None), OVERLAP[2]: ("Accept", None)},
    )
    result = review_workbook(session, path, skip_invalid=True)
    assert result.skipped == 2
    assert _statuses(session) == {
        OVERLAP[0]: "candidate",
        OVERLAP[1]: "candidate",
        OVERLAP[2]: "accepted",
    }
