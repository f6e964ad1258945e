"""`duplicates train`: weights learned from people's decisions, kept for the store, explained."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cli import main
from contracts.duplicates.learned_weights import forget, learned_weights, store_weights
from contracts.duplicates.pair import explain_pair, record_decision
from contracts.duplicates.stored_run import inputs_digest
from contracts.duplicates.training import train
from contracts.store.models import AuditEntry, LearnedWeight
from tests.contracts.duplicates.test_duplicates import three_registers


def decided(session: Session) -> dict[str, int]:
    """Three registers, with people's verdicts on four pairs."""
    made = three_registers(session)
    record_decision(session, made["lead"].id, made["bb"].id, "confirmed")
    record_decision(session, made["lead"].id, made["th"].id, "confirmed")
    record_decision(session, made["lead"].id, made["other_ccg"].id, "rejected")
    record_decision(session, made["lead"].id, made["provide"].id, "rejected")
    return {name: contract.id for name, contract in made.items()}


def test_training_counts_the_decisions_and_keeps_the_estimates(session: Session) -> None:
    ids = decided(session)
    digest = inputs_digest(session)
    result = train(session)
    assert (result.confirmed, result.rejected, result.skipped) == (2, 2, [])
    disjoint = next(e for e in result.levels if (e.field, e.level) == ("commissioners", "disjoint"))
    assert (disjoint.matches, disjoint.non_matches) == (0, 1)  # the other CCG's contract
    assert disjoint.weight < disjoint.prior_weight  # one more different contract there
    # Few decisions: every weight stays near its default.
    assert all(abs(e.weight - e.prior_weight) < 1.5 for e in result.levels)
    kept = learned_weights(session)
    assert kept[("commissioners", "disjoint")].weight == disjoint.weight
    assert "from 0 confirmed and 1 rejected pairs" in kept[("commissioners", "disjoint")].origin
    assert ("title", "missing") not in kept  # "missing" is never learned
    weights = store_weights(session)
    assert weights.levels["commissioners"]["disjoint"] == disjoint.weight
    # Detection in this store now uses them, so the stored run is no longer trusted.
    assert inputs_digest(session) != digest
    explained = explain_pair(session, ids["lead"], ids["other_ccg"])
    origins = {f.field: f.origin for f in explained.comparison.fields}
    assert origins["commissioners"].startswith("learned ")
    assert origins["total_value"] == "default"  # missing on both: a level never learned
    actions = session.scalars(select(AuditEntry.action)).all()
    assert "duplicate weights trained" in actions


def test_a_dry_run_keeps_nothing_and_reset_forgets(session: Session) -> None:
    decided(session)
    train(session, dry_run=True)
    assert session.scalar(select(func.count()).select_from(LearnedWeight)) == 0
    train(session)
    assert forget(session) > 0
    assert learned_weights(session) == {}
    assert store_weights(session).origin("commissioners", "disjoint") == "default"


def test_a_weights_file_still_has_the_last_word(session: Session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    decided(session)
    train(session)
    path = tmp_path / "w.toml"
    path.write_text("[weights.commissioners]\ndisjoint = -6.0\n", encoding="utf-8")
    weights = store_weights(session, path)
    assert weights.levels["commissioners"]["disjoint"] == -6.0
    assert weights.origin("commissioners", "disjoint") == f"weights file {path}"
    assert weights.origin("title", "near_identical").startswith("learned ")


def test_the_train_command(
    runner: CliRunner, database_url: str, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        ids = decided(session)
    result = runner.invoke(main, ["--database", database_url, "duplicates", "train"])
    assert result.exit_code == 0, result.output
    assert "Weights from 2 confirmed and 2 rejected pairs" in result.output
    assert "kept for this store" in result.output
    data = json.loads(
        runner.invoke(
            main,
            ["--database", database_url, "duplicates", "train", "--dry-run", "--format", "json"],
        ).output
    )
    assert (data["confirmed_pairs"], data["rejected_pairs"], data["dry_run"]) == (2, 2, True)
    explained = json.loads(
        runner.invoke(
            main,
            [
                "--database",
                database_url,
                "duplicates",
                "explain",
                str(ids["lead"]),
                str(ids["bb"]),
                "--format",
                "json",
            ],
        ).output
    )
    assert any(f["weight_from"].startswith("learned ") for f in explained["fields"])
    reset = runner.invoke(main, ["--database", database_url, "duplicates", "train", "--reset"])
    assert reset.exit_code == 0 and "shipped defaults" in reset.output
