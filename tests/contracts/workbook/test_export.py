"""The finance workbook: layout, formulas that reconcile, and no formula injection."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from cli import main
from contracts.errors import ContractsError
from contracts.proposals.plan import make_plan
from contracts.proposals.stored import proposal_member_hash
from contracts.store.models import AuditEntry, Contract, Organisation, Proposal
from contracts.workbook.export import export_workbook
from contracts.workbook.layout import PROPOSAL_COLUMNS, letter
from contracts.workbook.review_key import ReviewKey, is_genuine, parse_key
from contracts.workbook.rows import proposal_chunks
from contracts.workbook.style import DATE_FORMAT, GBP_FORMAT
from tests.contracts.workbook.workbook_helpers import (
    COMMISSIONERS,
    PROVIDERS,
    FormulaEvaluator,
    add_contract,
    add_proposal,
    sheet_rows,
)

ACTIVE = ("candidate", "accepted")
PROBES = ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x", '=HYPERLINK("http://x")')
# Our own formulas only ever start with these.
OWN_FORMULAS = (
    "=COUNTIFS(",
    "=SUMIFS(",
    "=SUM(",
    "=COUNTA(",
    "=COUNT(",
    "=MAX(",
    "=SUMPRODUCT(",
    "=B",
)


def _two_proposals(session: Session) -> None:
    a = add_contract(session, reference="A1", annual_value=Decimal("1234.56"), row=2)
    b = add_contract(
        session,
        reference="B2",
        source="south-register",
        commissioner="99F",
        annual_value=Decimal("-10.01"),
        row=3,
    )
    c = add_contract(session, reference="C3", commissioner="06Q", annual_value=None, row=4)
    d = add_contract(session, reference="D4", provider="RAJ", annual_value=Decimal("5.00"))
    add_proposal(session, "P-0000000001", [a, b, c])
    add_proposal(session, "P-0000000002", [d, a], rule="three-hospitals", status="accepted")


def test_export_writes_the_four_sheets_with_formats(session: Session, tmp_path: Path) -> None:
    _two_proposals(session)
    out = tmp_path / "finance.xlsx"
    result = export_workbook(session, out)

    assert result.proposals == 2 and result.contract_rows == 5
    workbook = load_workbook(out)
    try:
        assert workbook.sheetnames == ["Summary", "Plan", "Proposals", "Contracts", "Duplicates"]
        proposals = workbook["Proposals"]
        header = [c.value for c in proposals[1]]
        for name in ("Proposal ID", "Decision", "Reviewer notes", "Review key", "Annual value"):
            assert name in header
        value_cell = proposals.cell(2, header.index("Annual value") + 1)
        assert value_cell.value.startswith("=SUMIFS(Contracts!")
        assert value_cell.number_format == GBP_FORMAT
        start = proposals.cell(2, header.index("Earliest start") + 1)
        assert start.value == dt.datetime(2018, 4, 1) and start.number_format == DATE_FORMAT
        key_letter = proposals.cell(1, header.index("Review key") + 1).column_letter
        assert proposals.column_dimensions[key_letter].hidden
        assert proposals.freeze_panes == "B2"
        assert proposals.print_title_rows == "$1:$1"
        assert proposals.page_setup.orientation == "landscape"
        # Too wide for one readable page: printed at 70%, across pages, ID column repeated.
        assert not proposals.sheet_properties.pageSetUpPr.fitToPage
        assert proposals.page_setup.scale == 70
        assert proposals.print_title_cols == "$A:$A"
        plan = workbook["Plan"]
        assert plan.sheet_properties.pageSetUpPr.fitToPage  # narrow enough for one page wide
        assert plan.page_setup.fitToWidth == 1
        assert plan.print_title_rows == "$1:$1"
        (table,) = proposals.tables.values()
        assert table.ref == "A1:V3" and table.tableStyleInfo.name.startswith("TableStyle")
        (validation,) = proposals.data_validations.dataValidation
        assert validation.formula1 == '"Accept,Reject,Defer"'
        decision_letter = proposals.cell(1, header.index("Decision") + 1).column_letter
        assert str(validation.sqref) == f"{decision_letter}2:{decision_letter}3"
        assert len(workbook["Summary"]._charts) == 1
        contracts = workbook["Contracts"]
        contract_header = [c.value for c in contracts[1]]
        money = contracts.cell(2, contract_header.index("Annual value") + 1)
        assert money.number_format == GBP_FORMAT
    finally:
        workbook.close()

    # The accepted proposal shows its decision, ready for review to leave alone.
    rows = {r["Proposal ID"]: r for r in sheet_rows(out, "Proposals")}
    assert rows["P-0000000002"]["Decision"] == "Accept"
    assert rows["P-0000000001"]["Decision"] is None


def test_a_failed_save_is_a_clear_error_and_leaves_no_file_behind(
    session: Session, tmp_path: Path
) -> None:
    _two_proposals(session)
    (tmp_path / "finance.xlsx").mkdir()  # something that is not a file is in the way
    with pytest.raises(ContractsError, match="cannot write"):
        export_workbook(session, tmp_path / "finance.xlsx")
    assert [p.name for p in tmp_path.glob("*.xlsx")] == ["finance.xlsx"]  # no temp file left


def test_the_store_is_read_in_chunks_that_add_up_to_the_whole(session: Session) -> None:
    """Chunk boundaries change nothing: each proposal once, in sheet order, with all of
    its members and the same member hash the ORM computes."""
    _two_proposals(session)
    extra = add_contract(session, reference="E5", commissioner="99F", annual_value=Decimal("7"))
    add_proposal(session, "P-0000000003", [extra], status="deferred")
    session.flush()

    whole = [p for chunk in proposal_chunks(session, None, None) for p in chunk]
    one_by_one = [p for chunk in proposal_chunks(session, None, None, size=1) for p in chunk]
    pairs = [p for chunk in proposal_chunks(session, None, None, size=2) for p in chunk]

    assert [p.id for p in whole] == ["P-0000000001", "P-0000000003", "P-0000000002"]
    assert whole == one_by_one == pairs
    accepted = [p for chunk in proposal_chunks(session, ["accepted"], None, size=1) for p in chunk]
    assert [p.id for p in accepted] == ["P-0000000002"]
    for row in whole:
        stored = session.get(Proposal, row.id)
        assert row.member_hash == proposal_member_hash(stored)
        assert sorted(m.id for m in row.members) == sorted(m.contract_id for m in stored.members)
        assert [m.lead for m in row.members] == [
            session.get(Contract, m.id).lead_commissioner.name for m in row.members
        ]


def test_export_is_recorded_in_the_audit_log_with_each_key(
    session: Session, tmp_path: Path
) -> None:
    _two_proposals(session)
    result = export_workbook(session, tmp_path / "finance.xlsx")

    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.entity_id == result.export_id
    rows = sheet_rows(result.path, "Proposals")
    keys = [parse_key(r["Review key"]) for r in rows]
    assert entry.after["proposals"] == 2
    assert (
        entry.after["keys_sha256"]
        == hashlib.sha256("".join(r["Review key"] + "\n" for r in rows).encode()).hexdigest()
    )
    assert [k.proposal_id for k in keys if k] == [r["Proposal ID"] for r in rows]
    assert {k.export_id for k in keys if k} == {result.export_id}
    for key in keys:
        assert key is not None and is_genuine(key, entry.after)
        # Any edit to the proposal, its hash or the export breaks the seal.
        for forged in (
            key._replace(proposal_id="P-9999999999"),
            key._replace(member_hash="0" * 64),
            key._replace(export_id="f" * 32),
            key._replace(seal=None),
        ):
            assert not is_genuine(forged, entry.after)
        # The seal is checked against this export's secret, not any other's.
        assert not is_genuine(key, {**entry.after, "key_secret": "another export"})


def test_keys_written_before_they_were_sealed_are_still_checked() -> None:
    """Exports from before sealed keys listed each proposal's member hash instead."""
    recorded = {"proposals": {"P-0000000001": "a" * 64}}
    old = parse_key("P-0000000001|" + "a" * 64 + "|" + "e" * 32)
    assert old == ReviewKey("P-0000000001", "a" * 64, "e" * 32, None)
    assert is_genuine(old, recorded)
    assert not is_genuine(old._replace(member_hash="b" * 64), recorded)
    assert parse_key("not a key") is None


def test_every_formula_evaluates_to_the_tools_figure(session: Session, tmp_path: Path) -> None:
    _two_proposals(session)
    result = export_workbook(session, tmp_path / "finance.xlsx", row_figures=True)
    evaluator = FormulaEvaluator(result.path)

    assert {"Proposals!G2", "Proposals!L2", "Proposals!G3", "Proposals!L3"} <= set(result.figures)
    for address, expected in result.figures.items():
        assert evaluator.cell(address) == expected, address
    # The accepted proposal (A and D) is the plan; the candidate sharing A is its alternative.
    assert result.headline["value_covered"] == Decimal("1239.56")
    # Without row_figures only the Summary's figures are kept (memory stays flat).
    lean = export_workbook(session, tmp_path / "lean.xlsx")
    assert lean.figures == {k: v for k, v in result.figures.items() if k.startswith("Summary!")}
    assert result.headline["contracts_covered"] == 2
    assert result.headline["contracts_after"] == 4 - 2 + 1
    assert result.headline["alternatives"] == 1


def test_status_and_footprint_filters(session: Session, tmp_path: Path) -> None:
    _two_proposals(session)
    only = export_workbook(session, tmp_path / "a.xlsx", statuses=["accepted"])
    assert [r["Proposal ID"] for r in sheet_rows(only.path, "Proposals")] == ["P-0000000002"]
    nowhere = export_workbook(session, tmp_path / "b.xlsx", footprint="west Essex")
    assert nowhere.proposals == 0 and sheet_rows(nowhere.path, "Proposals") == []
    with pytest.raises(ContractsError, match="not a proposal status"):
        export_workbook(session, tmp_path / "c.xlsx", statuses=["maybe"])
    with pytest.raises(ContractsError, match="does not exist"):
        export_workbook(session, tmp_path / "missing" / "d.xlsx")


@pytest.mark.parametrize("probe", PROBES)
def test_injected_text_stays_text_in_every_text_column(
    session: Session, tmp_path: Path, probe: str
) -> None:
    provider = Organisation(name=f"{probe} provider", origin="import")
    commissioner = Organisation(name=f"{probe} council", is_commissioner=True, ods_code="ZZ1")
    session.add_all([provider, commissioner])
    session.flush()
    contract = add_contract(
        session, reference=probe, title=probe, source=probe, provider=provider, row=7
    )
    contract.contract_form = probe
    contract.service_category = probe
    contract.source_sheet = probe
    add_contract(session, reference="OTHER", commissioner="ZZ1")
    add_proposal(
        session, "P-0000000003", [contract], title=probe, rule=probe, reasons=[probe], flags=[probe]
    )

    result = export_workbook(session, tmp_path / "probe.xlsx", row_figures=True)

    workbook = load_workbook(result.path)
    try:
        found = 0
        for ws in workbook.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        assert str(cell.value).startswith(OWN_FORMULAS), cell.coordinate
                        assert probe.strip() not in str(cell.value)
                    elif isinstance(cell.value, str) and probe.strip() in cell.value:
                        assert cell.data_type == "s"
                        found += 1
        # reference, title, source, category, form, sheet and file, provider on
        # Contracts; title, rule, provider, flags, reasons on Proposals; the rule
        # on Summary.
        assert found >= 12
    finally:
        workbook.close()
    evaluator = FormulaEvaluator(result.path)
    for address, expected in result.figures.items():
        assert evaluator.cell(address) == expected, address


money = st.one_of(
    st.none(),
    st.integers(min_value=-(10**9), max_value=10**11).map(lambda p: Decimal(p) / 100),
)
contract_specs = st.lists(
    st.tuples(st.sampled_from(COMMISSIONERS), st.sampled_from(PROVIDERS), money),
    min_size=1,
    max_size=8,
)
proposal_specs = st.lists(
    st.tuples(
        st.lists(st.integers(min_value=0, max_value=7), min_size=1, max_size=4, unique=True),
        st.sampled_from(["candidate", "accepted", "rejected", "deferred"]),
        st.sampled_from(["one-provider-one-service", "three-hospitals", "nhs-and-council"]),
    ),
    max_size=5,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(contracts=contract_specs, proposals=proposal_specs)
def test_summary_totals_reconcile_with_the_rows(
    session: Session,
    tmp_path: Path,
    contracts: list[tuple[str, str, Decimal | None]],
    proposals: list[tuple[list[int], str, str]],
) -> None:
    savepoint = session.begin_nested()
    try:
        made = [
            add_contract(
                session,
                reference=f"R{i}",
                title=f"Service number {i} of {len(contracts)}",
                commissioner=commissioner,
                provider=provider,
                annual_value=value,
                category=f"category {i}",
                start=dt.date(2010 + i, 1, 1),
                row=i + 2,
            )
            for i, (commissioner, provider, value) in enumerate(contracts)
        ]
        stored = []
        for number, (indexes, status, rule) in enumerate(proposals):
            members = [made[i] for i in indexes if i < len(made)]
            if members:
                stored.append(
                    add_proposal(session, f"P-{number:010d}", members, status=status, rule=rule)
                )
        accepted = [{m.contract_id for m in p.members} for p in stored if p.status == "accepted"]
        # two accepted proposals sharing a contract cannot be planned (review refuses them)
        assume(all(not a & b for i, a in enumerate(accepted) for b in accepted[i + 1 :]))
        result = export_workbook(session, tmp_path / "h.xlsx", row_figures=True)

        evaluator = FormulaEvaluator(result.path)
        for address, expected in result.figures.items():
            assert evaluator.cell(address) == expected, address
        # The tool's figures against the data itself, not against the workbook.
        for proposal in stored:
            values = [m.contract.annual_value or Decimal(0) for m in proposal.members]
            row = next(
                r for r in sheet_rows(result.path, "Proposals") if r["Proposal ID"] == proposal.id
            )
            assert parse_key(row["Review key"]).member_hash == proposal_member_hash(proposal)
            assert sum(values, Decimal(0)) == _proposal_value(
                result.figures, result.path, proposal.id
            )
        if result.duplicate_sets == 0:
            plan = make_plan(session)
            assert result.headline["contracts_covered"] == plan.contracts_covered
            assert result.headline["value_covered"] == plan.annual_value
            assert result.headline["contracts_after"] == len(made) - plan.contracts_removed
            assert result.headline["replaced_by"] == len(plan.proposals)
            planned = [c for p in plan.proposals for c in p.members]
            assert len({m.id for m in planned}) == len(planned) <= len(made)
    finally:
        savepoint.rollback()


def _proposal_value(figures: dict[str, Decimal | int], path: Path, proposal_id: str) -> Decimal:
    rows = sheet_rows(path, "Proposals")
    index = next(i for i, r in enumerate(rows) if r["Proposal ID"] == proposal_id)
    column = letter(PROPOSAL_COLUMNS, "Annual value")
    return Decimal(figures[f"Proposals!{column}{index + 2}"])


def test_cli_export(runner, database_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "finance.xlsx"
    result = runner.invoke(main, ["--database", database_url, "export", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: 0 proposals" in result.output
    assert out.exists()
    bad = runner.invoke(main, ["--database", database_url, "export", str(out), "--status", "x"])
    assert bad.exit_code == 2
