"""The workbook's Summary sheet: headline figures and tables as live formulas, and a chart.

Each figure is a formula over the Proposals, Contracts and Duplicates sheets,
so finance can click any number and see where it comes from. The tool works
out the same figures in Python (:mod:`contracts.workbook.summary_figures`) as it streams the
rows, so a test can hold a spreadsheet application's results against them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

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
    Column,
    Formula,
    Styles,
    lines_needed,
    pixels,
    set_lines,
    set_print_settings,
    write_value,
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
    """Writes the Summary a row at a time; ``row`` is the last row written, counted from 1."""

    def __init__(self, ws: Worksheet, styles: Styles) -> None:
        self.ws = ws
        self.styles = styles
        self.row = 0
        self.figures: dict[str, Decimal | int] = {}

    def append(self, values: Sequence[Any] = (), formats: Sequence[Format | None] = ()) -> int:
        """One row of values (text stays text); ``formats`` dresses the first few."""
        self.row += 1
        for col, value in enumerate(values):
            cell_format = formats[col] if col < len(formats) else None
            write_value(self.ws, self.row - 1, col, value, cell_format)
        return self.row

    def header(self, titles: list[str]) -> int:
        lines = max(lines_needed(t, w) for t, w in zip(titles, SUMMARY_WIDTHS, strict=False))
        set_lines(self.ws, self.row, lines)
        return self.append(titles, [self.styles.header] * len(titles))

    def formula_row(
        self, label: str, formulas: list[tuple[str, Decimal | int, str]], note: str | None = None
    ) -> int:
        """A row of ``(formula, expected value, number format)`` cells after a label."""
        row = self.row + 1
        values: list[Any] = [label]
        formats: list[Format | None] = [None]
        for index, (formula, expected, number_format) in enumerate(formulas):
            values.append(Formula(formula))
            formats.append(self.styles.get(number_format))
            self.figures[f"{SUMMARY_SHEET}!{chr(ord('B') + index)}{row}"] = expected
        if note:
            values.append(note)
        return self.append(values, formats)


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
    rows = {
        "register": out.append(
            [
                "Contracts in the register",
                figures.register_contracts,
                "counted in the store when the workbook was exported",
            ],
            [None, out.styles.get(COUNT_FORMAT)],
        )
    }
    unknown = f" ({plan.unknown_values} unknown, counted as nothing)" if plan.unknown_values else ""
    # (figure, label, formula, how it is counted): a formula names earlier rows by figure.
    lines = [
        (
            "extra_copies",
            "Copies of a contract recorded more than once",
            f"=SUM({whole_column(DUPLICATES_SHEET, DUPLICATE_COLUMNS, 'Extra copy')})",
            "the Extra copy column of Duplicates",
        ),
        (
            "contracts_counted_once",
            "Contracts, each duplicate counted once (before the plan)",
            "=B{register}-B{extra_copies}",
            "contracts in the register less the extra copies",
        ),
        (
            "contracts_covered",
            "Contracts the plan replaces",
            f"=COUNT({whole_column(PLAN_SHEET, PLAN_COLUMNS, 'Contract ID')})",
            "rows of the Plan sheet: no contract is in two planned proposals",
        ),
        (
            "replaced_by",
            "New contracts the plan forms",
            f"=MAX({whole_column(PLAN_SHEET, PLAN_COLUMNS, 'Step')})",
            "the last Step on the Plan sheet: one new contract per step",
        ),
        (
            "contracts_after",
            "Contracts after the plan",
            "=B{contracts_counted_once}-B{contracts_covered}+B{replaced_by}",
            "before, less the contracts replaced, plus the new ones",
        ),
        (
            "value_covered",
            "Annual value the plan covers",
            f"=SUM({whole_column(PLAN_SHEET, PLAN_COLUMNS, 'Annual value')})",
            "known annual values on the Plan sheet" + unknown,
        ),
        (
            "proposals",
            "Proposals in this workbook",
            f"=COUNTA({whole_column(PROPOSALS_SHEET, PROPOSAL_COLUMNS, 'Proposal ID')})-1",
            "rows of the Proposals sheet",
        ),
        (
            "alternatives",
            "Alternatives left out of the plan",
            f"=COUNTA({whole_column(PROPOSALS_SHEET, PROPOSAL_COLUMNS, 'Alternative to')})-1",
            "candidates sharing a contract with a planned one: not added to any figure",
        ),
    ]
    for figure, label, formula, note in lines:
        number_format = GBP_FORMAT if figure == "value_covered" else COUNT_FORMAT
        rows[figure] = out.formula_row(
            label, [(formula.format(**rows), expected[figure], number_format)], note
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


def _chart(
    workbook: Workbook, ws: Worksheet, header: int, first: int, last: int, anchor: int
) -> None:
    """The plan by rule: new contracts formed and contracts they replace (rows from 1)."""
    chart = workbook.add_chart({"type": "column"})
    for col in (2, 3):  # In the plan, Contracts the plan replaces
        chart.add_series(
            {
                "name": [ws.name, header - 1, col],
                "categories": [ws.name, first - 1, 0, last - 1, 0],
                "values": [ws.name, first - 1, col, last - 1, col],
            }
        )
    chart.set_title({"name": "The plan by rule: new contracts and the contracts they replace"})
    chart.set_y_axis({"name": "Contracts"})
    chart.set_x_axis({"name": "Rule"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": pixels(24), "height": pixels(10)})
    ws.insert_chart(anchor - 1, 0, chart)


def write_summary(
    workbook: Workbook,
    ws: Worksheet,
    styles: Styles,
    figures: SummaryFigures,
    described: dict[str, str],
    plan: PlanSheetTotals | None = None,
) -> dict[str, Decimal | int]:
    """Write the Summary sheet; returns each formula cell with the value it must show."""
    plan = plan or PlanSheetTotals()
    for col, width in enumerate(SUMMARY_WIDTHS):
        ws.set_column(col, col, width)
    # One or two A4 pages: fit the columns to the page width (they are readable at it).
    set_print_settings(ws, header_rows=0, width=sum(SUMMARY_WIDTHS), pages_tall=2)
    out = _SummaryWriter(ws, styles)
    out.append(["Consolidation plan for finance review"], [styles.get(bold=True, size=14)])
    for label, value in described.items():
        out.append([label, value])
    out.append()
    _headline(out, figures, plan)
    out.append()
    statuses = [s.value for s in ProposalStatus]
    _proposal_table(
        out, "Proposals by status", "Status", figures.by_status, statuses, figures.proposal_rows + 1
    )
    out.append([NOTE])
    out.append()
    rules = _proposal_table(
        out,
        "Proposals by rule",
        "Rule",
        figures.by_rule,
        sorted(figures.by_rule),
        figures.proposal_rows + 1,
    )
    out.append()
    _by_commissioner(out, figures)
    if rules:
        # The chart starts a page of its own, so it is never split.
        ws.set_h_pagebreaks([out.row])
        out.append()
        _chart(workbook, ws, *rules, anchor=out.row + 1)
    return out.figures


NOTE = (
    "Each contract is counted once: in the plan, or not at all. Alternatives overlap a "
    "planned proposal and add to no figure."
)
