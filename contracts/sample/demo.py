"""The whole job in one command, on the embedded mid and south Essex sample.

``run_demo`` writes the default sample into a folder, imports every register
into a fresh database there, prints the duplicate report and the
consolidation proposals as at 1 April 2016, writes the finance workbook and
ends with the headline. Each step calls the same library function as the
command it stands for, so the demo shows what the commands do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from contracts.duplicates.finder import find_duplicates
from contracts.duplicates.stored_run import remember
from contracts.proposals.plan import make_plan
from contracts.proposals.stored import propose
from contracts.proposals.timeline import LEGEND, headline, proposal_lines
from contracts.sample.generate import SampleResult, load_truth, write_sample
from contracts.sample.world import AS_AT
from contracts.store import db
from contracts.store.models import Contract
from contracts.store.money import format_gbp
from contracts.workbook.export import export_workbook

DEFAULT_OUT = "demo-output"
DATABASE_FILE = "contracts.db"
WORKBOOK_FILE = "consolidation-proposals.xlsx"
# How many duplicate sets and proposals the demo prints; the rest are summarised.
SHOWN = 8
PLAN_SHOWN = 2
AS_AT_TEXT = f"{AS_AT.day} April {AS_AT.year}"

Echo = Callable[[str], Any]


@dataclass
class DemoResult:
    out_dir: Path
    database: Path
    sample: SampleResult | None = None
    contracts_in_register: int = 0
    duplicate_copies: int = 0  # copies beyond the first of each duplicate set
    contracts_after: int = 0
    proposals: int = 0
    value_covered: Decimal = Decimal("0.00")
    planned: int = 0  # new contracts in the plan
    left_out: int = 0  # proposals left out of it as alternatives
    workbook: Path | None = None
    import_errors: list[str] = field(default_factory=list)

    @property
    def headline(self) -> str:
        distinct = self.contracts_in_register - self.duplicate_copies
        once = f" ({distinct} once duplicates are counted once)" if self.duplicate_copies else ""
        return (
            f"{self.contracts_in_register} contracts in the register{once} → "
            f"{self.contracts_after} after the plan's {self.planned} new contracts "
            f"(of {self.proposals} proposals; {self.left_out} left out as alternatives); "
            f"annual value covered {format_gbp(self.value_covered)}"
        )


class _Demo:
    """State shared by the steps of one run."""

    def __init__(self, out_dir: Path, echo: Echo) -> None:
        self.out_dir = out_dir
        self.echo = echo
        self.result = DemoResult(out_dir=out_dir, database=out_dir / DATABASE_FILE)
        self.engine: Engine | None = None
        self.truth: dict[str, Any] = {}
        self.proposal_run: Any = None

    def session(self) -> AbstractContextManager[Session]:
        assert self.engine is not None
        return db.session_factory(self.engine).begin()


# --- the steps ------------------------------------------------------------------


def import_sample(
    sessions: sessionmaker[Session], sample_dir: Path, truth: dict[str, Any]
) -> Iterator[tuple[str, Any]]:
    """Import every register of a sample, each in its own transaction, as a user would.

    Yields each file name with its import report. Registers without a
    commissioner column get the ``--commissioner`` that ``truth.json`` names.
    """
    from importers import import_file

    for entry in truth["files"]:
        with sessions.begin() as session:
            report = import_file(
                session,
                sample_dir / entry["path"],
                commissioner=entry["commissioner_option"],
                imported_by="demo",
            )
        yield entry["path"], report


def _import_step(demo: _Demo) -> None:
    assert demo.engine is not None
    files = demo.truth["files"]
    width = max(len(f["path"]) for f in files)
    sessions = db.session_factory(demo.engine)
    for path, report in import_sample(sessions, demo.out_dir, demo.truth):
        demo.echo(f"  {path:<{width}}  {_import_line(report)}")
        if report.has_errors:
            demo.result.import_errors.append(path)
            for finding in [f for f in report.findings if f.is_error][:3]:
                demo.echo(f"      {finding.line()}")
    with demo.session() as session:
        demo.result.contracts_in_register = _count_contracts(session)
    demo.result.contracts_after = demo.result.contracts_in_register


def _import_line(report: Any) -> str:
    if report.has_errors:
        errors = sum(1 for f in report.findings if f.is_error)
        return f"REJECTED: {errors} errors, nothing imported"
    warnings = Counter(
        f.code for f in report.findings if not f.is_error and f.severity == "warning"
    )
    notes = ", ".join(f"{count} {code}" for code, count in sorted(warnings.items()))
    return f"{report.created} contracts imported" + (f"; warnings: {notes}" if notes else "")


def _duplicates_step(demo: _Demo) -> None:
    with demo.session() as session:
        report = find_duplicates(session)
        remember(session, report)  # so the proposals step need not look again
        sets = report.sets
        demo.result.duplicate_copies = sum(len(s.contract_ids) - 1 for s in sets)
        demo.result.contracts_after -= demo.result.duplicate_copies
        copies = sum(len(s.contract_ids) for s in sets)
        demo.echo(
            f"  {len(sets)} contracts are recorded more than once ({copies} copies in all); "
            "largest value at stake first:"
        )
        for duplicate in sets[:SHOWN]:
            first = duplicate.members[0]
            where = ", ".join(f"{m.source}:{m.reference}" for m in duplicate.members)
            demo.echo(f"  - {first.title} ({first.provider}), score {duplicate.score:.2f}")
            demo.echo(f"      {where}")
            demo.echo(f"      {'; '.join(duplicate.reasons)}")
        if len(sets) > SHOWN:
            demo.echo(f"  … and {len(sets) - SHOWN} more: contracts duplicates")


def _proposals_step(demo: _Demo) -> None:
    with demo.session() as session:
        run = propose(session, on=AS_AT)
        covered, after = run.counts()
        demo.result.proposals = len(run.proposals)
        ranked = sorted(run.proposals, key=lambda p: (-(p.annual_value or 0), p.id))
        demo.echo(
            f"  {len(run.proposals)} proposals as at {AS_AT_TEXT}: "
            f"{covered} contracts → {after}; largest first:"
        )
        for proposal in ranked[:SHOWN]:
            demo.echo(
                f"  - {proposal.id}  {proposal.title}  "
                f"[{proposal.rule}; {proposal.contracts_before} → {proposal.contracts_after}; "
                f"{format_gbp(proposal.annual_value)}]"
            )
        if len(ranked) > SHOWN:
            demo.echo(f"  … and {len(ranked) - SHOWN} more: contracts proposals list")
    demo.echo(
        "  Some share contracts (alternatives, e.g. the three hospitals or one hospital's "
        "acute services); step 5 chooses between them."
    )


def _export_step(demo: _Demo) -> None:
    path = demo.out_dir / WORKBOOK_FILE
    with demo.session() as session:
        export_workbook(session, path)
    demo.result.workbook = path
    demo.echo(f"  wrote {path} (Summary, Plan, Proposals, Contracts, Duplicates)")


def _plan_step(demo: _Demo) -> None:
    """The plan `contracts plan` prints; the headline is its figures, which the
    workbook's Summary shows too, so the demo, the plan and the workbook agree."""
    with demo.session() as session:
        plan = make_plan(session)
    largest = sorted(plan.proposals, key=lambda p: (-p.removes, -p.annual_value, p.id))
    shown = {p.id for p in largest[:PLAN_SHOWN]}
    demo.echo(
        f"  {len(plan.proposals)} new contracts, in go-live order; the {len(shown)} largest "
        "drawn (all: contracts plan):"
    )
    for number, proposal in enumerate(plan.proposals, 1):
        if proposal.id in shown:
            for line in proposal_lines(number, proposal, plan.on):
                demo.echo(f"  {line}")
    demo.echo(f"  {LEGEND}")
    demo.echo(f"  {headline(plan)}")
    demo.result.contracts_after = plan.contracts_after
    demo.result.value_covered = plan.annual_value
    demo.result.planned = len(plan.proposals)
    demo.result.left_out = len(plan.left_out)


STEPS: tuple[tuple[str, Callable[[_Demo], None]], ...] = (
    ("Importing the registers", _import_step),
    ("Contracts recorded more than once", _duplicates_step),
    ("Consolidation proposals", _proposals_step),
    ("The finance workbook", _export_step),
    ("The plan: which single contracts to form, and when", _plan_step),
)


# --- the run ----------------------------------------------------------------------


def _fresh_database(path: Path) -> str:
    """A new SQLite database at ``path``, replacing the one an earlier demo left."""
    for leftover in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _count_contracts(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Contract).where(Contract.in_register.is_(True))
        )
        or 0
    )


def run_demo(out_dir: Path | str, *, echo: Echo = print) -> DemoResult:
    """Generate the sample in ``out_dir``, run every step, return the headline."""
    out_dir = Path(out_dir)
    demo = _Demo(out_dir, echo)
    result = demo.result
    sample = write_sample(out_dir)
    result.sample = sample
    demo.truth = load_truth(sample.truth_path)
    echo(f"essex-contracts demo: mid and south Essex contracts as at {AS_AT_TEXT}")
    echo(
        f"Sample: {len(sample.files)} registers, {sample.contracts} contracts "
        f"(seed {sample.seed}) written to {out_dir}/, with the known answers in truth.json"
    )
    demo.engine = db.open_database(_fresh_database(result.database))
    try:
        for number, (title, run_step) in enumerate(STEPS, start=1):
            echo("")
            echo(f"{number}. {title}")
            run_step(demo)
    finally:
        demo.engine.dispose()
    echo("")
    echo(f"Headline: {result.headline}")
    files = [f"{out_dir}/ (the {len(sample.files)} registers and truth.json)", str(result.database)]
    if result.workbook is not None:
        files.append(str(result.workbook))
    echo("Files: " + "; ".join(files))
    echo(f"Explore: contracts --database sqlite:///{result.database} plan")
    return result
