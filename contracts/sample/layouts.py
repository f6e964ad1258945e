"""How each commissioner keeps its register: headers, habits and spellings.

Plain data for :mod:`contracts.sample_files`: which header each register uses
for each canonical field, where its title rows and totals are, how it writes
money, dates, organisations, service categories and contract forms. Every
spelling here is one that ``contracts.vocabulary`` and the organisation
aliases map back, so the importer reads the registers as the truth says. The
layouts themselves are data, in ``contracts/data/sample_layouts.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contracts.data_tables import read_rows
from contracts.sample.world import GRANT, LA_CONTRACT, NHS_SC, NHS_SHORT, SLA

# canonical service category -> how each style of register writes it (all known
# to contracts.vocabulary, so the importer maps them back).
CATEGORY_SPELLINGS: dict[str, dict[str, str]] = {
    "formal": {
        "acute": "Acute Services",
        "a&e": "Accident and Emergency",
        "ambulance": "Ambulance Services",
        "community": "Community Services",
        "mental health": "Mental Health Services",
        "continuing healthcare": "Continuing Health Care",
        "diagnostics": "Diagnostic Services",
        "nhs 111": "NHS 111",
        "patient transport": "Non Emergency Patient Transport",
        "urgent care": "Urgent Care",
        "end of life care": "End of Life Care",
        "primary care": "Primary Medical Services",
        "learning disabilities": "Learning Disabilities",
        "social care": "Adult Social Care",
        "residential care": "Residential and Nursing Care",
        "public health": "Public Health",
        "voluntary sector support": "Voluntary Sector Support",
    },
    "short": {
        "acute": "Acute",
        "a&e": "A&E",
        "ambulance": "999",
        "community": "Community",
        "mental health": "MH",
        "continuing healthcare": "CHC",
        "diagnostics": "Diagnostics",
        "nhs 111": "111",
        "patient transport": "PTS",
        "urgent care": "OOH",
        "end of life care": "Palliative Care",
        "primary care": "GP Services",
        "learning disabilities": "LD",
        "social care": "Home Care",
        "residential care": "Care Homes",
        "public health": "Public Health",
        "voluntary sector support": "Voluntary Sector Support",
    },
    "plain": {
        "acute": "ACUTE",
        "a&e": "A and E",
        "ambulance": "Emergency Ambulance",
        "community": "COMMUNITY HEALTH",
        "mental health": "MENTAL HEALTH",
        "continuing healthcare": "NHS CONTINUING HEALTHCARE",
        "diagnostics": "IMAGING",
        "nhs 111": "NHS111",
        "patient transport": "NEPTS",
        "urgent care": "URGENT CARE",
        "end of life care": "HOSPICE",
        "primary care": "GENERAL PRACTICE",
        "learning disabilities": "LEARNING DISABILITY",
        "social care": "DOMICILIARY CARE",
        "residential care": "NURSING HOMES",
        "public health": "PUBLIC HEALTH",
        "voluntary sector support": "CARERS SUPPORT",
    },
}
FORM_SPELLINGS: dict[str, dict[str, str]] = {
    "formal": {
        NHS_SC: "NHS Standard Contract",
        NHS_SHORT: "NHS Standard Contract (Shorter Form)",
        LA_CONTRACT: "Council Contract",
        GRANT: "Grant Agreement",
        SLA: "Service Level Agreement",
    },
    "short": {
        NHS_SC: "NHS SC",
        NHS_SHORT: "Shorter Form",
        LA_CONTRACT: "Spot Purchase",
        GRANT: "Grant",
        SLA: "SLA",
    },
    "plain": {
        NHS_SC: "Full Length",
        NHS_SHORT: "Short Form",
        LA_CONTRACT: "Council Contract",
        GRANT: "Grant Funding",
        SLA: "SLA",
    },
}
# Abbreviations associates use when they copy a lead's contract into their register.
ABBREVIATIONS = (
    ("Accident and Emergency", "A&E"),
    ("Mental Health", "MH"),
    ("Services", "Svcs"),
    ("Service", "Svc"),
    ("Hospital", "Hosp"),
    ("Community", "Comm"),
    ("Emergency", "Emerg"),
    ("Patient Transport", "Pt Transport"),
    (" and ", " & "),
)
# Spelled out, so the text does not depend on the machine's locale.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class RegisterFile:
    """What every sample register's layout says through its columns and file name."""

    file_name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for f, _ in self.columns)

    @property
    def is_csv(self) -> bool:
        return self.file_name.endswith(".csv")

    @property
    def source(self) -> str:
        return Path(self.file_name).stem


@dataclass(frozen=True)
class Layout(RegisterFile):
    """How one commissioner keeps its register."""

    commissioner: str
    file_name: str
    columns: tuple[tuple[str, str], ...]  # (canonical field, header as written)
    ref_pattern: str  # str.format with n and year
    sheet: str | None = None  # None for CSV
    expired_sheet: str | None = None
    title_rows: tuple[str, ...] = ()
    header_groups: tuple[tuple[str, int], ...] = ()  # two-row header: (label, columns)
    date_style: str = "excel"  # excel | dmy | long | mon
    date_format: str = "dd/mm/yyyy"
    money_style: str = "number"  # number | gbp | short
    money_format: str = "£#,##0.00"
    provider_style: str = "full"  # full | mixed | caps | truncate
    commissioner_spelling: int = 0  # index into (name, *aliases)
    category_style: str = "formal"
    form_style: str = "formal"
    totals_label: str | None = None  # the totals row's label, in the title column
    row_order: str = "provider"  # provider | reference | random
    separator: str = "; "
    commissioner_option: str | None = None  # for registers without a commissioner column


LAYOUTS: tuple[Layout, ...] = read_rows("sample_layouts.toml", "layout", Layout)
