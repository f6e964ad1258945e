"""The plan as text: each new contract in go-live order, with its members' terms drawn
from the plan's date to the go-live, so a commissioning lead sees at a glance which
contracts need extending (and by how much) and which end early.

Plain lines of text, no terminal: ``contracts plan`` prints them, and so does the demo."""

from __future__ import annotations

import datetime as dt

from contracts.proposals.plan import Plan, PlannedMember, PlannedProposal, needs
from contracts.store.money import format_gbp

TERM, EXTENSION, CUT = "█", "░", "×"
LEGEND = f"{TERM} current term   {EXTENSION} extension needed   {CUT} ended early"
BAR = 40
MIN_BAR = 22  # room for the two dates above the bars
LABEL = 30


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "unknown"


def _bar(member: PlannedMember, start: dt.date, stop: dt.date, bar: int = BAR) -> str:
    span = max((stop - start).days, 1)

    def at(day: dt.date) -> int:
        return min(max(round((day - start).days / span * bar), 0), bar)

    cells = [" "] * bar
    end, new_end = member.end_date, member.extension.new_end
    if end is None or new_end is None:
        return "?" * bar
    begin = at(max(member.start_date or start, start))
    for n in range(begin, at(min(end, new_end))):
        cells[n] = TERM
    for n in range(at(end), at(new_end)):
        cells[n] = EXTENSION
    for n in range(at(new_end), at(end)):
        cells[n] = CUT
    return "".join(cells)


def _label(member: PlannedMember) -> str:
    """The member's reference, whole (it is what people type); its register too if short."""
    reference = member.reference or f"#{member.id}"
    text = f"{reference} ({member.source})"
    return text if len(text) <= LABEL else reference


def _bar_width(labels: int, member_notes: list[str], width: int | None) -> tuple[int, bool]:
    """How long the bars are, and whether each member's note fits after its bar (else it
    goes on the line below): the bar between 22 (room for both dates) and 40."""
    if width is None:
        return BAR, True
    longest = max((len(note) for note in member_notes), default=0)
    room = width - 3 - labels - 2
    if room - 2 - longest >= MIN_BAR:
        return min(BAR, room - 2 - longest), True
    return max(MIN_BAR, min(BAR, room)), False


def proposal_lines(
    number: int, proposal: PlannedProposal, on: dt.date, width: int | None = None
) -> list[str]:
    """One planned contract: what it is, then a bar per member from ``on`` to the go-live,
    the bars shortened to fit ``width`` columns when it is given."""
    value = format_gbp(proposal.annual_value)
    if proposal.unknown_values:
        value += f" (+{proposal.unknown_values} unknown)"
    lines = [
        f"{number}. {proposal.id}  go-live {_fmt(proposal.go_live)}  {proposal.title}",
        f"   {len(proposal.members)} contracts → 1, {value} a year"
        + (f", lead {proposal.lead_commissioner}" if proposal.lead_commissioner else "")
        + f" [{proposal.rule}; {proposal.status}]",
    ]
    ends = [m.end_date for m in proposal.members if m.end_date]
    stop = max([d for d in (proposal.go_live, *ends) if d is not None], default=on)
    stop = max(stop, on + dt.timedelta(days=1))
    labels = {m.id: _label(m) for m in proposal.members}
    label = LABEL if width is None else max(len(text) for text in labels.values())
    notes = {m.id: f"ends {_fmt(m.end_date)}; {needs(m)}" for m in proposal.members}
    bar, inline = _bar_width(label, list(notes.values()), width)
    left, right = _fmt(on), _fmt(stop)
    lines.append(f"   {'':{label}}  {left}{right:>{bar - len(left)}}")
    for member in proposal.members:
        drawn = f"   {labels[member.id]:{label}}  {_bar(member, on, stop, bar)}"
        if inline:
            lines.append(f"{drawn}  {notes[member.id]}")
        else:
            lines += [drawn, f"   {'':{label}}  {notes[member.id]}"]
    return lines


def timeline(plan: Plan, width: int | None = None) -> list[str]:
    """Every planned contract in go-live order, then the legend."""
    lines: list[str] = []
    for number, proposal in enumerate(plan.proposals, 1):
        lines += [*proposal_lines(number, proposal, plan.on, width), ""]
    if plan.proposals:
        lines.append(LEGEND)
    return lines


def headline(plan: Plan) -> str:
    """The plan in one sentence, with its arithmetic."""
    first = "most contracts removed" if plan.objective == "contracts" else "most annual value"
    unknown = f" ({plan.unknown_values} with no known value)" if plan.unknown_values else ""
    return (
        f"Plan as at {plan.on.isoformat()} ({first} first): {plan.contracts_before} contracts → "
        f"{plan.contracts_after}: {len(plan.proposals)} new contracts replace "
        f"{plan.contracts_covered} ({plan.contracts_before} − {plan.contracts_removed} = "
        f"{plan.contracts_after}); {format_gbp(plan.annual_value)} a year covered{unknown}; "
        f"{len(plan.left_out)} overlapping proposals left out as alternatives"
    )
