"""The stored duplicate run: the same answer as detection, until anything it rests on changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from contracts.duplicates.finder import find_duplicates, record_decision
from contracts.duplicates.stored_run import (
    current_run,
    duplicate_representatives,
    representatives,
    set_count,
    set_members,
)
from contracts.store.models import (
    Contract,
    ContractParty,
    DuplicateRun,
    Organisation,
    PartyRole,
    StoredDuplicateSet,
)
from contracts.workbook.export import export_workbook
from tests.contracts.duplicates.duplicate_factory import add_contract, org
from tests.contracts.duplicates.test_duplicates import three_registers


def fresh_representatives(session: Session) -> dict[int, int]:
    report = find_duplicates(session)
    return {cid: s.representative_id for s in report.sets for cid in s.contract_ids}


def runs(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(DuplicateRun)) or 0)


def test_stored_run_lists_what_detection_finds(session: Session) -> None:
    three_registers(session)
    for source, reference, title in (
        ("basildon", "BB-1", "Wheelchair service"),
        ("thurrock", "T-1", "Wheelchair services"),
    ):
        add_contract(
            session,
            source=source,
            reference=reference,
            title=title,
            provider="RQ8",
            category="wheelchairs",
            annual="86000.00",
        )
    report = find_duplicates(session)
    assert len(report.sets) == 2

    run = current_run(session)

    assert representatives(session, run) == fresh_representatives(session)
    assert set_count(session, run) == len(report.sets)
    stored = [(m.set_id, m.contract_id, m.reasons, m.weak_link) for m in set_members(session, run)]
    expected = [
        (s.id, member.id, s.reasons, s.weak_link)
        for s in report.sets
        for member in sorted(s.members, key=lambda m: m.id)
    ]
    assert stored == expected
    by_id = {m.id: m for s in report.sets for m in s.members}
    for row in set_members(session, run):
        member = by_id[row.contract_id]
        assert (row.reference, row.source, row.title) == (
            member.reference,
            member.source,
            member.title,
        )
        assert (row.commissioner, row.provider) == (member.commissioner, member.provider)
        assert (row.start_date, row.end_date, row.annual_value) == (
            member.start_date,
            member.end_date,
            member.annual_value,
        )


def test_an_unchanged_store_reuses_its_run(session: Session) -> None:
    three_registers(session)
    first = current_run(session)
    assert current_run(session) == first
    duplicate_representatives(session)
    assert current_run(session) == first
    assert runs(session) == 1


def _new_copy(session: Session, made: dict[str, Contract]) -> None:
    number = session.scalar(select(func.count()).select_from(Contract))
    add_contract(
        session,
        source="southend",
        reference=f"SE-{number}",
        title="Community services adults",
        lead="99G",
    )


def _leaves_register(session: Session, made: dict[str, Contract]) -> None:
    made["bb"].in_register = False


def _rejected_by_a_person(session: Session, made: dict[str, Contract]) -> None:
    record_decision(session, made["lead"].id, made["bb"].id, "rejected", decided_by="tester")


def _value_changed(session: Session, made: dict[str, Contract]) -> None:
    made["th"].annual_value = made["th"].annual_value * 3


def _provider_renamed(session: Session, made: dict[str, Contract]) -> None:
    session.execute(
        update(Organisation).where(Organisation.id == made["bb"].provider_id).values(name="Renamed")
    )


def _associate_added(session: Session, made: dict[str, Contract]) -> None:
    """Thurrock's copy names one more associate (while any commissioner is left to name)."""
    named = {party.organisation_id for party in made["th"].parties}
    for code in ("99E", "99F", "07G", "06T", "07H"):
        organisation = org(session, code)
        if organisation.id not in named:
            made["th"].parties.append(
                ContractParty(organisation=organisation, role=PartyRole.ASSOCIATE)
            )
            return


CHANGES: list[Callable[[Session, dict[str, Contract]], None]] = [
    _new_copy,
    _leaves_register,
    _rejected_by_a_person,
    _value_changed,
    _provider_renamed,
    _associate_added,
]


def test_any_change_detection_reads_makes_the_next_caller_look_again(session: Session) -> None:
    made = three_registers(session)
    run = current_run(session)
    for change in CHANGES:
        change(session, made)
        session.flush()
        again = current_run(session)
        assert again != run, change.__name__
        assert runs(session) == 1, change.__name__
        assert representatives(session, again) == fresh_representatives(session), change.__name__
        run = again


def test_a_rejected_pair_leaves_the_stored_sets_at_once(session: Session) -> None:
    made = three_registers(session)
    before = duplicate_representatives(session)
    assert before[made["bb"].id] == made["lead"].id
    record_decision(session, made["lead"].id, made["bb"].id, "rejected", decided_by="tester")
    record_decision(session, made["th"].id, made["bb"].id, "rejected", decided_by="tester")
    session.flush()
    assert made["bb"].id not in duplicate_representatives(session)


def test_another_threshold_is_never_answered_from_the_store(session: Session) -> None:
    made = three_registers(session)
    current_run(session)
    strict = duplicate_representatives(session, min_score=1.0)
    assert made["bb"].id in duplicate_representatives(session)
    assert made["bb"].id not in strict


def test_export_uses_the_stored_run(session: Session, tmp_path: Path) -> None:
    made = three_registers(session)
    run = current_run(session)
    set_pk = session.scalar(select(StoredDuplicateSet.id).where(StoredDuplicateSet.run_id == run))

    result = export_workbook(session, tmp_path / "out.xlsx")

    assert current_run(session) == run
    assert session.scalar(select(StoredDuplicateSet.id)) == set_pk
    assert result.duplicate_sets == 1
    workbook = load_workbook(result.path, read_only=True)
    rows = list(workbook["Duplicates"].iter_rows(min_row=2, values_only=True))
    workbook.close()
    assert sorted(r[4] for r in rows) == sorted(made[k].id for k in ("lead", "bb", "th"))
    assert result.headline["extra_copies"] == 2


OPERATIONS = st.lists(st.tuples(st.sampled_from(CHANGES), st.booleans()), min_size=1, max_size=4)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=OPERATIONS)
def test_the_store_never_answers_differently_from_a_fresh_look(
    session: Session, operations: list[tuple[Callable[..., None], bool]]
) -> None:
    savepoint = session.begin_nested()
    try:
        made = three_registers(session)
        for change, ask_between in operations:
            if ask_between:
                duplicate_representatives(session)
            change(session, made)
            session.flush()
        assert duplicate_representatives(session) == fresh_representatives(session)
    finally:
        savepoint.rollback()
