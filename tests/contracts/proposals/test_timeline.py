"""The plan drawn as text: bars from the plan's date to the go-live."""

from __future__ import annotations

import datetime as dt

from contracts.proposals.packing import Objective
from contracts.proposals.plan import (
    Plan,
    PlannedMember,
    PlannedProposal,
    Term,
    co_terminate,
    default_go_live,
    needs,
)
from contracts.proposals.timeline import BAR, CUT, EXTENSION, TERM, headline, timeline

ON = dt.date(2016, 4, 1)


def planned(go_live: dt.date | None = None) -> PlannedProposal:
    terms = [
        Term(1, dt.date(2015, 4, 1), dt.date(2017, 3, 31)),
        Term(2, dt.date(2014, 4, 1), dt.date(2018, 3, 31)),
    ]
    when = go_live or default_go_live(terms)
    extensions = co_terminate(terms, when)
    members = [
        PlannedMember(t.contract, f"R{t.contract}", "reg", t.start, t.end, None, e)
        for t, e in zip(terms, extensions, strict=True)
    ]
    return PlannedProposal(
        "P-1", "rule", "One contract", "candidate", "Lead", "Prov", when, members
    )


def test_bars_show_term_then_extension() -> None:
    plan = Plan(ON, Objective.CONTRACTS, 5, [planned()], [])
    lines = timeline(plan)
    first, second = (line for line in lines if line.strip().startswith("R"))
    assert first.count(TERM) == BAR // 2 and first.count(EXTENSION) == BAR // 2
    assert second.count(TERM) == BAR and EXTENSION not in second
    assert "extend 12 months to 31/03/2018" in first
    assert "ends then" in second


def test_an_early_go_live_cuts_the_longer_term() -> None:
    proposal = planned(go_live=dt.date(2017, 4, 1))
    _, second = proposal.members
    assert needs(second) == "end 12 months early, on 31/03/2017"
    lines = timeline(Plan(ON, Objective.CONTRACTS, 5, [proposal], []))
    bar = next(line for line in lines if line.strip().startswith("R2"))
    assert bar.count(CUT) == BAR // 2


def test_headline_shows_its_arithmetic() -> None:
    plan = Plan(ON, Objective.CONTRACTS, 5, [planned()], [])
    assert "5 contracts → 4" in headline(plan)
    assert "(5 − 1 = 4)" in headline(plan)
    assert "2 with no known value" in headline(plan)
