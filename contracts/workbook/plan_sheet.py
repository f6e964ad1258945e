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

from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break

from contracts.proposals.plan import Plan, PlannedMember, PlannedProposal, needs
from contracts.workbook.style import (
    DATE_FORMAT,
    HEADER_FONT,
    Column,
    SheetWriter,
    text_cell,
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
_EPOCH = dt.date(1899, 12, 30)  # day 0 of spreadsheet date serials


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


def write_plan_sheet(ws: WriteOnlyWorksheet, plan: Plan) -> PlanSheetTotals:
    """Write the Plan sheet: one row per member of each planned proposal, then the chart."""
    writer = SheetWriter(ws, PLAN_COLUMNS, table_name="Plan")
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
    _gantt(ws, plan, writer.last_row)
    return totals


def _serial(day: dt.date) -> int:
    return (day - _EPOCH).days


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


def _gantt(ws: WriteOnlyWorksheet, plan: Plan, table_last_row: int) -> None:
    """Below the table: the chart's data (days from the plan's date) and the chart itself,
    on a page of its own so it prints whole."""
    proposals = _chart_proposals(plan)
    if not proposals:
        return
    ws.append([])
    ws.append([])
    note = text_cell(
        ws,
        f"Chart data: the members of the {len(proposals)} largest new contracts "
        f"(of {len(plan.proposals)}), in days from {plan.on:%d/%m/%Y}",
    )
    note.font = HEADER_FONT
    ws.append([note])
    headers = ["Contract", "Term starts", "Current term", "Extension needed", "Ended early"]
    header_row = table_last_row + 4
    ws.append([_bold(ws, h) for h in headers])
    start_serial = _serial(plan.on)
    latest = start_serial + 1
    for proposal in proposals:
        for member in proposal.members:
            ext = member.extension
            begin = max(member.start_date or plan.on, plan.on)
            end = member.end_date or begin
            new_end = ext.new_end or end
            kept = max(min(end, new_end) - begin, dt.timedelta(0)).days
            extension = max(new_end - end, dt.timedelta(0)).days
            cut = max(end - max(new_end, begin), dt.timedelta(0)).days
            latest = max(latest, _serial(max(end, new_end)))
            label = f"{proposal.id} · {member.reference or member.id}"
            ws.append([text_cell(ws, label), _date(ws, begin), kept, extension, cut])
    last = header_row + sum(len(p.members) for p in proposals)
    ws.row_breaks.append(Break(id=last + 1))
    for _ in range(2):
        ws.append([])
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = "Members' remaining terms and what they need to reach the go-live"
    data = Reference(ws, min_col=2, max_col=5, min_row=header_row, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last))
    chart.series[0].graphicalProperties = GraphicalProperties(noFill=True)
    chart.series[0].graphicalProperties.line.noFill = True
    for series, colour in zip(chart.series[1:], ("2F5597", "F4B183", "D9D9D9"), strict=True):
        series.graphicalProperties = GraphicalProperties(solidFill=colour)
    chart.x_axis.scaling.orientation = "maxMin"  # the first row at the top
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.scaling.min = start_serial
    chart.y_axis.scaling.max = latest + 30
    chart.y_axis.number_format = "mmm yyyy"
    chart.y_axis.majorUnit = 365
    chart.y_axis.majorGridlines = None
    chart.legend.position = "b"
    chart.legend.legendEntry = [LegendEntry(idx=0, delete=True)]  # the invisible offset
    chart.width = 26
    chart.height = 4 + 0.55 * (last - header_row)
    ws.add_chart(chart, f"A{last + 3}")


def _bold(ws: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = text_cell(ws, text)
    cell.font = HEADER_FONT
    return cell


def _date(ws: WriteOnlyWorksheet, day: dt.date) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=day)
    cell.number_format = DATE_FORMAT
    return cell
