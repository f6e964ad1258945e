"""The quality bench runs against the code as it is, and still finds what was planted.

The bench is how the project measures itself on registers it was not tuned on; a
change to a read model once broke it silently (benches are not imported by the
suite). One small seed of each style keeps it running and guards the floor.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "quality_bench.py"


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quality_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["quality_bench"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("style", ["own", "other"])
def test_quality_bench_runs_and_recovers_the_planted_answers(style: str, tmp_path: Path) -> None:
    bench = _load_bench()
    result = bench.run_seed(606, 320, tmp_path, style=style)
    assert result.duplicates_run and result.proposals_run
    assert result.import_errors == 0
    assert result.precision >= 0.95
    assert result.recall >= 0.90
    assert result.recovered == result.groups > 0
    assert result.proposals_with_decoys == 0
