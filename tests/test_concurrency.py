"""Many users at once: imports and proposes run side by side, each in its own process
(the installed `contracts` command), lose nothing and never trace back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from contracts.sample.generate import write_sample
from contracts.store.models import Contract, Organisation, Proposal
from tests.importers.helpers import HEADERS, write_csv

CONTRACTS = str(Path(sys.executable).with_name("contracts"))
TIMEOUT_SECONDS = 240
PERIOD = ("01/04/2016", "31/03/2019")


def _start(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [CONTRACTS, "--database", url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=TIMEOUT_SECONDS)
        assert "Traceback" not in out + err, err
        results.append((process.returncode, out + err))
    return results


def _count(url: str, query: object) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        value = connection.scalar(query) or 0  # type: ignore[call-overload]
    engine.dispose()
    return int(value)


def test_imports_that_bring_the_same_new_provider_at_once_lose_nothing(
    database_url: str, tmp_path: Path
) -> None:
    paths = [
        write_csv(
            tmp_path / f"team-{n}.csv",
            [
                HEADERS,
                [f"T{n}-1", "Home care", "Mid Essex CCG", "Brand New Care Ltd", *PERIOD, "1"],
                [f"T{n}-2", "Day care", "Mid Essex CCG", f"Only In Team {n} CIC", *PERIOD, "2"],
            ],
        )
        for n in range(8)
    ]
    results = _finish([_start(database_url, "import", str(path)) for path in paths])
    assert [code for code, _ in results] == [0] * len(paths), results
    assert _count(database_url, select(func.count()).select_from(Contract)) == 16
    named = select(func.count()).where(Organisation.name == "Brand New Care Ltd")
    assert _count(database_url, named) == 1


def test_the_sample_imported_all_at_once_then_proposed_twice_at_once(
    database_url: str, tmp_path: Path
) -> None:
    write_sample(tmp_path / "sample", seed=1)
    truth = json.loads((tmp_path / "sample" / "truth.json").read_text())
    processes = []
    for entry in truth["files"]:
        option = entry["commissioner_option"]
        args = ["import", str(tmp_path / "sample" / entry["path"])]
        processes.append(_start(database_url, *args, *(["--commissioner", option] * bool(option))))
    results = _finish(processes)
    assert [code for code, _ in results] == [0] * len(truth["files"]), results
    imported = _count(database_url, select(func.count()).select_from(Contract))
    assert imported == len(truth["contracts"])

    proposes = [_start(database_url, "propose", "--on", "2016-04-01") for _ in range(3)]
    results = _finish(proposes)
    assert [code for code, _ in results] == [0, 0, 0], results
    stored = _count(database_url, select(func.count()).select_from(Proposal))
    assert stored > 0
    # a fourth, alone, finds the same proposals: the three at once stored one run's worth
    assert _finish([_start(database_url, "propose", "--on", "2016-04-01")])[0][0] == 0
    assert _count(database_url, select(func.count()).select_from(Proposal)) == stored


@pytest.mark.postgres
def test_a_propose_waiting_too_long_stops_with_busy(
    database_url: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's busy timeout is the write lock's own")
    from sqlalchemy import text

    from contracts.commands.proposals import PROPOSE_LOCK
    from contracts.store import locks

    engine = create_engine(database_url)
    with engine.begin() as holder:
        holder.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": locks.lock_key(PROPOSE_LOCK)}
        )
        monkeypatch.setattr(locks, "LOCK_TIMEOUT_SECONDS", 1)
        from click.testing import CliRunner

        from cli import main

        result = CliRunner().invoke(
            main, ["--database", database_url, "propose", "--on", "2016-04-01"]
        )
    engine.dispose()
    assert result.exit_code == 1, result.output
    assert "is busy" in result.output and "Traceback" not in result.output
