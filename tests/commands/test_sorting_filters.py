"""--sort and the filters on `proposals list` and `duplicates`, at 80 and 100 columns."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from tests.commands.conftest import WIDTHS, Run


def _json(run: Run, *args: str) -> list[dict]:
    return json.loads(run(80, *args, "--format", "json").output)


def test_proposals_filters_by_rule_status_commissioner_and_provider(run: Run) -> None:
    every = _json(run, "proposals", "list")
    three = _json(run, "proposals", "list", "--rule", "three-hospitals")
    assert three and {p["rule"] for p in three} == {"three-hospitals"}
    assert len(three) == sum(p["rule"] == "three-hospitals" for p in every)
    mid = _json(run, "proposals", "list", "--commissioner", "06Q")
    assert mid and all("NHS Mid Essex CCG" in p["commissioners"] for p in mid)
    assert len(mid) < len(every)
    btuh = _json(run, "proposals", "--provider", "BTUH")  # the group lists too
    assert btuh and len(btuh) < len(every)
    assert _json(run, "proposals", "list", "--status", "accepted") == []


@pytest.mark.parametrize("width", WIDTHS)
def test_proposals_sort_by_start_and_contracts(run: Run, width: int) -> None:
    starts = [p["earliest_start"] for p in _json(run, "proposals", "list", "--sort", "start")]
    known = [s for s in starts if s is not None]
    assert known == sorted(known) and starts[: len(known)] == known  # unknown last
    counts = [p["contracts_before"] for p in _json(run, "proposals", "--sort", "contracts")]
    assert counts == sorted(counts, reverse=True)
    table = run(width, "proposals", "list", "--sort", "start").output
    first = next(p for p in _json(run, "proposals", "list", "--sort", "start"))
    assert first["id"] in table.splitlines()[4]


def test_an_unknown_rule_gets_a_did_you_mean(demo_url: str) -> None:
    result = CliRunner().invoke(
        main, ["--database", demo_url, "proposals", "list", "--rule", "three-hospital"]
    )
    assert result.exit_code == 1
    assert "did you mean 'three-hospitals'" in result.output


def test_duplicates_filter_and_sort(run: Run) -> None:
    every = _json(run, "duplicates")
    values = [float(s["value_at_stake"]) for s in every]
    assert values == sorted(values, reverse=True)  # largest first by default
    basildon = _json(run, "duplicates", "--commissioner", "99E")
    assert basildon and len(basildon) < len(every)
    assert all(
        any(c["commissioner"] == "NHS Basildon and Brentwood CCG" for c in s["contracts"])
        for s in basildon
    )
    by_score = [s["score"] for s in _json(run, "duplicates", "--sort", "score")]
    assert by_score == sorted(by_score, reverse=True)
    table = run(100, "duplicates", "--provider", "RDD").output
    assert "in all; these match the filters" in table


@pytest.mark.parametrize("width", WIDTHS)
def test_list_ending_before_is_the_co_termination_view(run: Run, width: int) -> None:
    args = ("list", "--active-on", "01/04/2016", "--ending-before", "1 April 2017")
    ending = json.loads(run(width, *args, "--format", "json").output)
    in_force = json.loads(
        run(width, "list", "--active-on", "2016-04-01", "--format", "json").output
    )
    ends = [c["end_date"] for c in ending]
    assert ends == sorted(ends)  # soonest first
    assert ending and all("2016-04-01" <= end < "2017-04-01" for end in ends)
    assert len(ending) == sum(
        c["end_date"] is not None and c["end_date"] < "2017-04-01" for c in in_force
    )
    table = run(width, *args).output
    assert f"{len(ending)} contracts" in table and "30/06/2016" in table


def test_list_sort_by_value(run: Run) -> None:
    values = [c["annual_value"] for c in _json(run, "list", "--sort", "value")]
    known = [float(v) for v in values if v is not None]
    assert known == sorted(known, reverse=True) and values[len(known) :] == [None] * (
        len(values) - len(known)
    )
