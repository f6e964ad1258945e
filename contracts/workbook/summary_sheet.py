"""The workbook's Summary sheet: headline figures and tables as live formulas, and a chart.

Each figure is a formula over the Proposals, Contracts and Duplicates sheets,
so finance can click any number and see where it comes from. The tool works
out the same figures in Python (:class:`SummaryFigures`) as it streams the
rows, so a test can hold a spreadsheet application's results against them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from contracts.store.models import ProposalStatus
from contracts.workbook.layout import (
    CONTRACT_COLUMNS,
    CONTRACTS_SHEET,
    DUPLICATE_COLUMNS,
    DUPLICATES_SHEET,
    PROPOSAL_COLUMNS,
    PROPOSALS_SHEET,
    SUMMARY_SHEET,
    letter,
    whole_column,
)
from contracts.workbook.style import (
    COUNT_FORMAT,
    GBP_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    Column,
    set_print_settings,
    text_cell,
)

# Characters that COUNTIFS/SUMIFS read as wildcards or comparison operators.
_CRITERIA_SPECIAL = set("*?~<>=")


@dataclass
class _Group:
    count: int = 0
    value: Decimal = Decimal(0)
    counted: int = 0
    before: int = 0
    after: int = 0
    led: int = 0


@dataclass
class SummaryFigures:
    """What the Summary's formulas must come to, tallied while the rows are written."""

    register_contracts: int
    extra_copies: int = 0
    contract_rows: int = 0
    proposal_rows: int = 0
    by_proposal: dict[str, _Group] = field(default_factory=lambda: defaultdict(_Group))
    by_commissioner: dict[str, _Group] = field(default_factory=lambda: defaultdict(_Group))
    by_rule: dict[str, _Group] = field(default_factory=lambda: defaultdict(_Group))
    by_status: dict[str, _Group] = field(default_factory=lambda: defaultdict(_Group))
    counted: int = 0
    value_covered: Decimal = Decimal(0)
    replaced_by: int = 0

    def add_member(
        self, proposal_id: str, *, commissioner: str, annual_value: Decimal | None, counts: int
    ) -> None:
        self.contract_rows += 1
        value = annual_value if annual_value is not None else Decimal(0)
        proposal = self.by_proposal[proposal_id]
        proposal.count += 1
        proposal.value += value
        group = self.by_commissioner[commissioner]
        group.count += 1
        group.value += value
        group.counted += counts
        self.counted += counts
        if counts:
            self.value_covered += value

    def proposal_totals(self, proposal_id: str) -> tuple[int, Decimal]:
        group = self.by_proposal.get(proposal_id, _Group())
        return group.count, group.value

    def add_proposal(
        self,
        proposal_id: str,
        *,
        rule: str,
        status: str,
        lead: str | None,
        before: int,
        after: int,
        new_contracts: int,
    ) -> None:
        self.proposal_rows += 1
        # Its rows are all written by now: drop its tally, so memory stays flat.
        _, value = self.proposal_totals(proposal_id)
        self.by_proposal.pop(proposal_id, None)
        for group in (self.by_rule[rule], self.by_status[status]):
            group.count += 1
            group.before += before
            group.after += after
            group.value += value
        if lead is not None:
            self.by_commissioner[lead].led += 1
        self.replaced_by += new_contracts

    def headline(self) -> dict[str, Decimal | int]:
        distinct = self.register_contracts - self.extra_copies
        return {
            "register_contracts": self.register_contracts,
            "extra_copies": self.extra_copies,
            "contracts_counted_once": distinct,
            "contracts_covered": self.counted,
            "replaced_by": self.replaced_by,
            "contracts_after": distinct - self.counted + self.replaced_by,
            "value_covered": self.value_covered,
            "proposals": self.proposal_rows,
        }


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
        cells = []
        for title in titles:
            cell = text_cell(self.ws, title)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
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


def _headline(out: _SummaryWriter, figures: SummaryFigures) -> None:
    expected = figures.headline()
    out.header(["Headline", "Figure", "How it is worked out"])
    register = out.append(
        [
            text_cell(out.ws, "Contracts in the register"),
            out.cell(figures.register_contracts, COUNT_FORMAT),
            text_cell(out.ws, "counted in the store when the workbook was exported"),
        ]
    )
    extra_range = whole_column(DUPLICATES_SHEET, DUPLICATE_COLUMNS, "Extra copy")
    counts_range = whole_column(CONTRACTS_SHEET, CONTRACT_COLUMNS, "Counts in headline")
    value_range = whole_column(CONTRACTS_SHEET, CONTRACT_COLUMNS, "Annual value")
    id_range = whole_column(PROPOSALS_SHEET, PROPOSAL_COLUMNS, "Proposal ID")
    copies = out.formula_row(
        "Copies of a contract recorded more than once",
        [(f"=SUM({extra_range})", expected["extra_copies"], COUNT_FORMAT)],
        "the Extra copy column of Duplicates",
    )
    distinct = out.formula_row(
        "Contracts, each duplicate counted once",
        [(f"=B{register}-B{copies}", expected["contracts_counted_once"], COUNT_FORMAT)],
        "contracts in the register less the extra copies",
    )
    covered = out.formula_row(
        "Contracts in accepted or candidate proposals",
        [(f"=SUM({counts_range})", expected["contracts_covered"], COUNT_FORMAT)],
        "the Counts in headline column of Contracts: each contract once, "
        "however many proposals or copies it is in",
    )
    new_range = whole_column(PROPOSALS_SHEET, PROPOSAL_COLUMNS, "New contracts in headline")
    replaced = out.formula_row(
        "Single contracts that would replace them",
        [(f"=SUM({new_range})", expected["replaced_by"], COUNT_FORMAT)],
        "one per group of accepted or candidate proposals that share contracts "
        "(the Overlap group column of Proposals)",
    )
    out.formula_row(
        "Contracts after all accepted and candidate proposals",
        [(f"=B{distinct}-B{covered}+B{replaced}", expected["contracts_after"], COUNT_FORMAT)],
    )
    out.formula_row(
        "Annual value covered by accepted and candidate proposals",
        [(f"=SUMIFS({value_range},{counts_range},1)", expected["value_covered"], GBP_FORMAT)],
        "annual values of the contracts counted above (unknown values count as nothing)",
    )
    out.formula_row(
        "Proposals in this workbook",
        [(f"=COUNTA({id_range})-1", expected["proposals"], COUNT_FORMAT)],
    )


def _proposal_table(
    out: _SummaryWriter,
    title: str,
    criteria_header: str,
    groups: dict[str, _Group],
    names: list[str],
    last_row: int,
) -> tuple[int, int, int] | None:
    """Proposals, contracts before/after and value per rule or status, with a total."""
    header = out.header([title, "Proposals", "Contracts before", "Contracts after", "Annual value"])
    safe = _criteria_safe(names)
    for name in names:
        row = out.row + 1
        group = groups.get(name, _Group())
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
                (tally("Contracts before"), group.before, COUNT_FORMAT),
                (tally("Contracts after"), group.after, COUNT_FORMAT),
                (tally("Annual value"), group.value, GBP_FORMAT),
            ],
        )
    if not names:
        return None
    first, last = header + 1, out.row
    totals = [groups.get(n, _Group()) for n in names]
    out.formula_row(
        "Total",
        [
            (f"=SUM(B{first}:B{last})", sum(g.count for g in totals), COUNT_FORMAT),
            (f"=SUM(C{first}:C{last})", sum(g.before for g in totals), COUNT_FORMAT),
            (f"=SUM(D{first}:D{last})", sum(g.after for g in totals), COUNT_FORMAT),
            (f"=SUM(E{first}:E{last})", sum((g.value for g in totals), Decimal(0)), GBP_FORMAT),
        ],
    )
    return header, first, last


def _by_commissioner(out: _SummaryWriter, figures: SummaryFigures) -> None:
    header = out.header(
        [
            "By commissioner of the member contracts",
            "Member contracts",
            "Annual value",
            "Counted in headline",
            "Proposals led",
        ]
    )
    names = sorted(figures.by_commissioner)
    safe = _criteria_safe(names)
    for name in names:
        row = out.row + 1
        group = figures.by_commissioner[name]
        exact = name not in safe

        def contracts(value_header: str | None, row: int = row, exact: bool = exact) -> str:
            return _tally(
                CONTRACTS_SHEET,
                CONTRACT_COLUMNS,
                "Commissioner",
                f"$A{row}",
                value_header=value_header,
                last_row=figures.contract_rows + 1,
                exact=exact,
            )

        led = _tally(
            PROPOSALS_SHEET,
            PROPOSAL_COLUMNS,
            "Lead commissioner",
            f"$A{row}",
            last_row=figures.proposal_rows + 1,
            exact=exact,
        )
        out.formula_row(
            name,
            [
                (contracts(None), group.count, COUNT_FORMAT),
                (contracts("Annual value"), group.value, GBP_FORMAT),
                (contracts("Counts in headline"), group.counted, COUNT_FORMAT),
                (led, group.led, COUNT_FORMAT),
            ],
        )
    if names:
        first, last = header + 1, out.row
        groups = [figures.by_commissioner[n] for n in names]
        out.formula_row(
            "Total",
            [
                (f"=SUM(B{first}:B{last})", sum(g.count for g in groups), COUNT_FORMAT),
                (f"=SUM(C{first}:C{last})", sum((g.value for g in groups), Decimal(0)), GBP_FORMAT),
                (f"=SUM(D{first}:D{last})", sum(g.counted for g in groups), COUNT_FORMAT),
                (f"=SUM(E{first}:E{last})", sum(g.led for g in groups), COUNT_FORMAT),
            ],
        )


def _chart(ws: WriteOnlyWorksheet, header: int, first: int, last: int) -> None:
    """Contracts before and after, by rule: the message of the workbook at a glance."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "Contracts before and after, by rule"
    chart.y_axis.title = "Contracts"
    chart.x_axis.title = "Rule"
    # openpyxl 3.1 hides both axes unless told otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    data = Reference(ws, min_col=3, max_col=4, min_row=header, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.width = 18
    chart.height = 9
    ws.add_chart(chart, "H4")


def write_summary(
    ws: WriteOnlyWorksheet, figures: SummaryFigures, described: dict[str, str]
) -> dict[str, Decimal | int]:
    """Write the Summary sheet; returns each formula cell with the value it must show."""
    for col, width in zip("ABCDE", (56, 16, 16, 16, 20), strict=True):
        ws.column_dimensions[col].width = width
    out = _SummaryWriter(ws)
    title = text_cell(ws, "Consolidation proposals for finance review")
    title.font = TITLE_FONT
    out.append([title])
    for label, value in described.items():
        out.append([text_cell(ws, label), text_cell(ws, value)])
    out.append([])
    _headline(out, figures)
    out.append([])
    statuses = [s.value for s in ProposalStatus]
    _proposal_table(
        out, "Proposals by status", "Status", figures.by_status, statuses, figures.proposal_rows + 1
    )
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
        _chart(ws, *rules)
    set_print_settings(ws, header_rows=None)
    return out.figures
