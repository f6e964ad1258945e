"""The workbook's Summary sheet: headline figures and tables as live formulas, and a chart.

Each figure is a formula over the Proposals, Contracts and Duplicates sheets,
so finance can click any number and see where it comes from. The tool works
out the same figures in Python (:mod:`contracts.workbook.summary_figures`) as it streams the
rows, so a test can hold a spreadsheet application's results against them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break

from contracts.store.models import ProposalStatus
from contracts.workbook.layout import (
    CONTRACT_COLUMNS,
    CONTRACTS_SHEET,
    COUNTS_IN_PLAN,
    DUPLICATE_COLUMNS,
    DUPLICATES_SHEET,
    IN_PLAN,
    PLAN_SHEET,
    PROPOSAL_COLUMNS,
    PROPOSALS_SHEET,
    SUMMARY_SHEET,
    letter,
    whole_column,
)
from contracts.workbook.plan_sheet import PLAN_COLUMNS, PlanSheetTotals
from contracts.workbook.style import (
    COUNT_FORMAT,
    GBP_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    WRAP,
    Column,
    lines_needed,
    set_height,
    set_print_settings,
    text_cell,
)
from contracts.workbook.summary_figures import SummaryFigures, Tally

SUMMARY_WIDTHS = (46, 14, 14, 14, 18, 14)
# Characters that COUNTIFS/SUMIFS read as wildcards or comparison operators.
_CRITERIA_SPECIAL = set("*?~<>=")


def _criteria_safe(names: Iterable[str]) -> set[str]:
    """Names that COUNTIFS matches exactly: no wildcards, no operators, no case twins."""
    names = list(names)
    folded: dict[str, int] = defaultdict(int)
    for name in names:
        folded[name.casefold()] += 1
    return {
        n
        for n in names
        if not (_CRITERIA_SPECIAL & set(n)) and folded[n.casefold()] == 1 and n == n.strip()
    }


class _SummaryWriter:
    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self.row = 0
        self.figures: dict[str, Decimal | int] = {}

    def cell(self, value: Any, number_format: str | None = None, *, bold: bool = False) -> Any:
        if isinstance(value, str) and not value.startswith("="):
            cell = text_cell(self.ws, value)
        else:
            cell = WriteOnlyCell(self.ws, value=value)
        if number_format:
            cell.number_format = number_format
        if bold:
            cell.font = HEADER_FONT
        return cell

    def append(self, cells: list[Any]) -> int:
        self.ws.append(cells)
        self.row += 1
        return self.row

    def header(self, titles: list[str]) -> int:
        set_height(
            self.ws,
            self.row + 1,
            max(lines_needed(t, w) for t, w in zip(titles, SUMMARY_WIDTHS, strict=False)),
        )
        cells = []
        for title in titles:
            cell = text_cell(self.ws, title)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = WRAP
            cells.append(cell)
        return self.append(cells)

    def formula_row(
        self, label: str, formulas: list[tuple[str, Decimal | int, str]], note: str | None = None
    ) -> int:
        """A row of ``(formula, expected value, number format)`` cells after a label."""
        row = self.row + 1
        cells = [text_cell(self.ws, label)]
        for index, (formula, expected, number_format) in enumerate(formulas):
            cells.append(self.cell(formula, number_format))
            self.figures[f"{SUMMARY_SHEET}!{chr(ord('B') + index)}{row}"] = expected
        if note:
            cells.append(text_cell(self.ws, note))
        return self.append(cells)


def _tally(
    sheet: str,
    columns: tuple[Column, ...],
    criteria_header: str,
    criteria_cell: str,
    *,
    value_header: str | None = None,
    last_row: int,
    exact: bool,
) -> str:
    """COUNTIFS/SUMIFS on one criterion; SUMPRODUCT(EXACT(...)) for text COUNTIFS would misread."""
    if not exact:
        criteria = whole_column(sheet, columns, criteria_header)
        if value_header is None:
            return f"=COUNTIFS({criteria},{criteria_cell})"
        values = whole_column(sheet, columns, value_header)
        return f"=SUMIFS({values},{criteria},{criteria_cell})"
    criteria = _bounded(sheet, columns, criteria_header, last_row)
    if value_header is None:
        return f"=SUMPRODUCT(--EXACT({criteria},{criteria_cell}))"
    values = _bounded(sheet, columns, value_header, last_row)
    return f"=SUMPRODUCT(EXACT({criteria},{criteria_cell})*{values})"


def _bounded(sheet: str, columns: tuple[Column, ...], header: str, last_row: int) -> str:
    col = letter(columns, header)
    return f"{sheet}!${col}$2:${col}${max(last_row, 2)}"


def _headline(out: _SummaryWriter, figures: SummaryFigures, plan: PlanSheetTotals) -> None:
    expected = figures.headline(plan)
    out.header(["The plan, each contract counted once", "Figure", "How it is counted"])
    register = out.append(
        [
            text_cell(out.ws, "Contracts in the register"),
            out.cell(figures.register_contracts, COUNT_FORMAT),
            text_cell(out.ws, "counted in the store when the workbook was exported"),
        ]
    )
    extra_range = whole_column(DUPLICATES_SHEET, DUPLICATE_COLUMNS, "Extra copy")
    plan_ids = whole_column(PLAN_SHEET, PLAN_COLUMNS, "Contract ID")
    plan_steps = whole_column(PLAN_SHEET, PLAN_COLUMNS, "Step")
    plan_values = whole_column(PLAN_SHEET, PLAN_COLUMNS, "Annual value")
    id_range = whole_column(PROPOSALS_SHEET, PROPOSAL_COLUMNS, "Proposal ID")
    alternatives = whole_column(PROPOSALS_SHEET, PROPOSAL_COLUMNS, "Alternative to")
    copies = out.formula_row(
        "Copies of a contract recorded more than once",
        [(f"=SUM({extra_range})", expected["extra_copies"], COUNT_FORMAT)],
        "the Extra copy column of Duplicates",
    )
    distinct = out.formula_row(
        "Contracts, each duplicate counted once (before the plan)",
        [(f"=B{register}-B{copies}", expected["contracts_counted_once"], COUNT_FORMAT)],
        "contracts in the register less the extra copies",
    )
    covered = out.formula_row(
        "Contracts the plan replaces",
        [(f"=COUNT({plan_ids})", expected["contracts_covered"], COUNT_FORMAT)],
        "rows of the Plan sheet: no contract is in two planned proposals",
    )
    replaced = out.formula_row(
        "New contracts the plan forms",
        [(f"=MAX({plan_steps})", expected["replaced_by"], COUNT_FORMAT)],
        "the last Step on the Plan sheet: one new contract per step",
    )
    out.formula_row(
        "Contracts after the plan",
        [(f"=B{distinct}-B{covered}+B{replaced}", expected["contracts_after"], COUNT_FORMAT)],
        "before, less the contracts replaced, plus the new ones",
    )
    out.formula_row(
        "Annual value the plan covers",
        [(f"=SUM({plan_values})", expected["value_covered"], GBP_FORMAT)],
        "known annual values on the Plan sheet"
        + (f" ({plan.unknown_values} unknown, counted as nothing)" if plan.unknown_values else ""),
    )
    out.formula_row(
        "Proposals in this workbook",
        [(f"=COUNTA({id_range})-1", expected["proposals"], COUNT_FORMAT)],
        "rows of the Proposals sheet",
    )
    out.formula_row(
        "Alternatives left out of the plan",
        [(f"=COUNTA({alternatives})-1", expected["alternatives"], COUNT_FORMAT)],
        "candidates sharing a contract with a planned one: not added to any figure",
    )


def _alternatives(criteria_header: str, cell: str, last_row: int, exact: bool) -> str:
    """Proposals of one rule or status that the plan leaves out as alternatives."""
    if not exact:
        criteria = whole_column(PROPOSALS_SHEET, PROPOSAL_COLUMNS, criteria_header)
        others = whole_column(PROPOSALS_SHEET, PROPOSAL_COLUMNS, "Alternative to")
        return f'=COUNTIFS({criteria},{cell},{others},"<>")'
    criteria = _bounded(PROPOSALS_SHEET, PROPOSAL_COLUMNS, criteria_header, last_row)
    others = _bounded(PROPOSALS_SHEET, PROPOSAL_COLUMNS, "Alternative to", last_row)
    return f"=SUMPRODUCT(EXACT({criteria},{cell})*(LEN({others})>0))"


def _proposal_table(
    out: _SummaryWriter,
    title: str,
    criteria_header: str,
    groups: dict[str, Tally],
    names: list[str],
    last_row: int,
) -> tuple[int, int, int] | None:
    """Proposals per rule or status: how many the plan carries out, the contracts and value
    it counts (each contract once), and how many are left out as alternatives."""
    header = out.header(
        [
            title,
            "Proposals",
            "In the plan",
            "Contracts the plan replaces",
            "Annual value in the plan",
            "Alternatives left out",
        ]
    )
    safe = _criteria_safe(names)
    for name in names:
        row = out.row + 1
        group = groups.get(name, Tally())
        cell = f"$A{row}"

        def tally(value_header: str | None, name: str = name, cell: str = cell) -> str:
            return _tally(
                PROPOSALS_SHEET,
                PROPOSAL_COLUMNS,
                criteria_header,
                cell,
                value_header=value_header,
                last_row=last_row,
                exact=name not in safe,
            )

        out.formula_row(
            name,
            [
                (tally(None), group.count, COUNT_FORMAT),
                (tally(IN_PLAN), group.in_plan, COUNT_FORMAT),
                (tally("Contracts in plan"), group.counted, COUNT_FORMAT),
                (tally("Value in plan"), group.plan_value, GBP_FORMAT),
                (
                    _alternatives(criteria_header, cell, last_row, name not in safe),
                    group.alternatives,
                    COUNT_FORMAT,
                ),
            ],
        )
    if not names:
        return None
    first, last = header + 1, out.row
    totals = [groups.get(n, Tally()) for n in names]
    out.formula_row(
        "Total",
        [
            (f"=SUM(B{first}:B{last})", sum(g.count for g in totals), COUNT_FORMAT),
            (f"=SUM(C{first}:C{last})", sum(g.in_plan for g in totals), COUNT_FORMAT),
            (f"=SUM(D{first}:D{last})", sum(g.counted for g in totals), COUNT_FORMAT),
            (
                f"=SUM(E{first}:E{last})",
                sum((g.plan_value for g in totals), Decimal(0)),
                GBP_FORMAT,
            ),
            (f"=SUM(F{first}:F{last})", sum(g.alternatives for g in totals), COUNT_FORMAT),
        ],
    )
    return header, first, last


def _by_commissioner(out: _SummaryWriter, figures: SummaryFigures) -> None:
    header = out.header(
        [
            "The plan by commissioner of the contracts",
            "Contracts the plan replaces",
            "Annual value in the plan",
            "New contracts it leads",
        ]
    )
    names = sorted(figures.by_commissioner)
    safe = _criteria_safe(names)
    counts = whole_column(CONTRACTS_SHEET, CONTRACT_COLUMNS, COUNTS_IN_PLAN)
    for name in names:
        row = out.row + 1
        group = figures.by_commissioner[name]
        exact = name not in safe

        def contracts(value_header: str, row: int = row, exact: bool = exact) -> str:
            return _tally(
                CONTRACTS_SHEET,
                CONTRACT_COLUMNS,
                "Commissioner",
                f"$A{row}",
                value_header=value_header,
                last_row=figures.contract_rows + 1,
                exact=exact,
            )

        if exact:
            bounded = _bounded(
                CONTRACTS_SHEET, CONTRACT_COLUMNS, COUNTS_IN_PLAN, figures.contract_rows + 1
            )
            value = contracts("Annual value")[:-1] + f"*{bounded})"
        else:
            value = contracts("Annual value")[:-1] + f",{counts},1)"
        led = _tally(
            PROPOSALS_SHEET,
            PROPOSAL_COLUMNS,
            "Lead commissioner",
            f"$A{row}",
            value_header=IN_PLAN,
            last_row=figures.proposal_rows + 1,
            exact=exact,
        )
        out.formula_row(
            name,
            [
                (contracts(COUNTS_IN_PLAN), group.counted, COUNT_FORMAT),
                (value, group.plan_value, GBP_FORMAT),
                (led, group.led, COUNT_FORMAT),
            ],
        )
    if names:
        first, last = header + 1, out.row
        groups = [figures.by_commissioner[n] for n in names]
        out.formula_row(
            "Total",
            [
                (f"=SUM(B{first}:B{last})", sum(g.counted for g in groups), COUNT_FORMAT),
                (
                    f"=SUM(C{first}:C{last})",
                    sum((g.plan_value for g in groups), Decimal(0)),
                    GBP_FORMAT,
                ),
                (f"=SUM(D{first}:D{last})", sum(g.led for g in groups), COUNT_FORMAT),
            ],
        )


def _chart(ws: WriteOnlyWorksheet, header: int, first: int, last: int, anchor: int) -> None:
    """The plan by rule: new contracts formed and contracts they replace."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "The plan by rule: new contracts and the contracts they replace"
    chart.y_axis.title = "Contracts"
    chart.x_axis.title = "Rule"
    # openpyxl 3.1 hides both axes unless told otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    data = Reference(ws, min_col=3, max_col=4, min_row=header, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.width = 24
    chart.height = 10
    chart.legend.position = "b"
    ws.add_chart(chart, f"A{anchor}")


def write_summary(
    ws: WriteOnlyWorksheet,
    figures: SummaryFigures,
    described: dict[str, str],
    plan: PlanSheetTotals | None = None,
) -> dict[str, Decimal | int]:
    """Write the Summary sheet; returns each formula cell with the value it must show."""
    plan = plan or PlanSheetTotals()
    for col, width in zip("ABCDEF", SUMMARY_WIDTHS, strict=True):
        ws.column_dimensions[col].width = width
    # One or two A4 pages: fit the columns to the page width (they are readable at it).
    set_print_settings(ws, header_rows=None, width=sum(SUMMARY_WIDTHS), pages_tall=2)
    out = _SummaryWriter(ws)
    title = text_cell(ws, "Consolidation plan for finance review")
    title.font = TITLE_FONT
    out.append([title])
    for label, value in described.items():
        out.append([text_cell(ws, label), text_cell(ws, value)])
    out.append([])
    _headline(out, figures, plan)
    out.append([])
    statuses = [s.value for s in ProposalStatus]
    _proposal_table(
        out, "Proposals by status", "Status", figures.by_status, statuses, figures.proposal_rows + 1
    )
    out.append([text_cell(ws, NOTE)])
    out.append([])
    rules = _proposal_table(
        out,
        "Proposals by rule",
        "Rule",
        figures.by_rule,
        sorted(figures.by_rule),
        figures.proposal_rows + 1,
    )
    out.append([])
    _by_commissioner(out, figures)
    if rules:
        # The chart starts a page of its own, so it is never split.
        ws.row_breaks.append(Break(id=out.row))
        out.append([])
        _chart(ws, *rules, anchor=out.row + 1)
    return out.figures


NOTE = (
    "Each contract is counted once: in the plan, or not at all. Alternatives overlap a "
    "planned proposal and add to no figure."
)
