"""The workbook's Plan sheet: the new contracts in go-live order, a row per member
contract with what it needs (an extension or an early end), and a Gantt-style chart
of the members' remaining terms.

Its rows are the plan :func:`contracts.plan_store.make_plan` chose, so the
Summary's plan figures (formulas over this sheet) are the ones `contracts plan`
prints. Every contract appears once: the plan never holds a contract twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from contracts.proposals.plan import Plan, PlannedMember, PlannedProposal, needs
from contracts.workbook.style import (
    DATE_FORMAT,
    Column,
    SheetWriter,
    Styles,
    clean_text,
    pixels,
    serial,
)

PLAN_COLUMNS = (
    Column("Step", 6, "count"),
    Column("Proposal ID", 14),
    Column("New contract", 30, wrap=True),
    Column("Lead commissioner", 22, wrap=True),
    Column("Go-live", 11, "date"),
    Column("Contract ID", 9, "count"),
    Column("Reference", 14, wrap=True),
    Column("Contract title", 26, wrap=True),
    Column("Start date", 11, "date"),
    Column("End date", 11, "date"),
    Column("Months to go-live", 9, "count"),
    Column("What it needs", 22, wrap=True),
    Column("Annual value", 15, "money"),
)
# A chart with more bars than this no longer fits a printed page legibly.
CHART_BARS = 24


@dataclass
class PlanSheetTotals:
    """What the Plan sheet's rows add up to: the Summary's formulas must show the same."""

    steps: int = 0
    contracts: int = 0
    annual_value: Decimal = Decimal("0.00")
    unknown_values: int = 0


def _member_row(step: int, proposal: PlannedProposal, member: PlannedMember) -> list[object]:
    return [
        step,
        proposal.id,
        proposal.title,
        proposal.lead_commissioner,
        proposal.go_live,
        member.id,
        member.reference,
        member.title,
        member.start_date,
        member.end_date,
        member.extension.months,
        needs(member),
        member.annual_value,
    ]


def write_plan_sheet(
    workbook: Workbook, ws: Worksheet, styles: Styles, plan: Plan
) -> PlanSheetTotals:
    """Write the Plan sheet: one row per member of each planned proposal, then the chart."""
    writer = SheetWriter(ws, PLAN_COLUMNS, styles, table_name="Plan")
    totals = PlanSheetTotals(steps=len(plan.proposals))
    for step, proposal in enumerate(plan.proposals, 1):
        for member in proposal.members:
            writer.append(_member_row(step, proposal, member))
            totals.contracts += 1
            if member.annual_value is None:
                totals.unknown_values += 1
            else:
                totals.annual_value += member.annual_value
    writer.finish()
    _gantt(workbook, ws, styles, plan, writer.last_row)
    return totals


def _chart_proposals(plan: Plan) -> list[PlannedProposal]:
    """The largest new contracts whose members fit on the chart, in go-live order."""
    chosen: list[PlannedProposal] = []
    bars = 0
    for proposal in sorted(plan.proposals, key=lambda p: (-p.removes, -p.annual_value, p.id)):
        if bars + len(proposal.members) <= CHART_BARS:
            chosen.append(proposal)
            bars += len(proposal.members)
    order = {p.id: n for n, p in enumerate(plan.proposals)}
    return sorted(chosen, key=lambda p: order[p.id])


def _gantt(
    workbook: Workbook, ws: Worksheet, styles: Styles, plan: Plan, table_last_row: int
) -> None:
    """Below the table: the chart's data (days from the plan's date) and the chart itself,
    on a page of its own so it prints whole."""
    proposals = _chart_proposals(plan)
    if not proposals:
        return
    bold = styles.get(bold=True)
    # Rows counted from 0 from here on, as XlsxWriter counts them: two blank rows, the note.
    note_row = table_last_row + 2
    ws.write_string(
        note_row,
        0,
        f"Chart data: the members of the {len(proposals)} largest new contracts "
        f"(of {len(plan.proposals)}), in days from {plan.on:%d/%m/%Y}",
        bold,
    )
    header_row = note_row + 1
    headers = ["Contract", "Term starts", "Current term", "Extension needed", "Ended early"]
    for col, header in enumerate(headers):
        ws.write_string(header_row, col, header, bold)
    start_serial = serial(plan.on)
    latest = start_serial + 1
    date_format = styles.get(DATE_FORMAT)
    row = header_row
    for proposal in proposals:
        for member in proposal.members:
            ext = member.extension
            begin = max(member.start_date or plan.on, plan.on)
            end = member.end_date or begin
            new_end = ext.new_end or end
            kept = max(min(end, new_end) - begin, dt.timedelta(0)).days
            extension = max(new_end - end, dt.timedelta(0)).days
            cut = max(end - max(new_end, begin), dt.timedelta(0)).days
            latest = max(latest, serial(max(end, new_end)))
            row += 1
            ws.write_string(row, 0, clean_text(f"{proposal.id} · {member.reference or member.id}"))
            ws.write_number(row, 1, serial(begin), date_format)
            for col, days in enumerate((kept, extension, cut), start=2):
                ws.write_number(row, col, days)
    # The break after the data (1-based, as the sheet numbers rows): the chart's own page.
    ws.set_h_pagebreaks([row + 2])
    chart = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    for col, colour in zip(range(1, 5), (None, "#2F5597", "#F4B183", "#D9D9D9"), strict=True):
        series: dict[str, object] = {
            "name": [ws.name, header_row, col],
            "categories": [ws.name, header_row + 1, 0, row, 0],
            "values": [ws.name, header_row + 1, col, row, col],
            "gap": 40,
            "overlap": 100,
        }
        if colour is None:  # the invisible offset from the plan's date to the term's start
            series.update(fill={"none": True}, border={"none": True})
        else:
            series["fill"] = {"color": colour}
        chart.add_series(series)
    chart.set_title({"name": "Members' remaining terms and what they need to reach the go-live"})
    chart.set_y_axis({"reverse": True})  # the categories: the first row at the top
    chart.set_x_axis(
        {
            "min": start_serial,
            "max": latest + 30,
            "num_format": "mmm yyyy",
            "major_unit": 365,
            "major_gridlines": {"visible": False},
        }
    )
    chart.set_legend({"position": "bottom", "delete_series": [0]})
    bars = row - header_row
    chart.set_size({"width": pixels(26), "height": pixels(4 + 0.55 * bars)})
    ws.insert_chart(row + 3, 0, chart)
