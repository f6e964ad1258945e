"""How each commissioner keeps its register: headers, habits and spellings.

Plain data for :mod:`contracts.sample_files`: which header each register uses
for each canonical field, where its title rows and totals are, how it writes
money, dates, organisations, service categories and contract forms. Every
spelling here is one that ``contracts.vocabulary`` and the organisation
aliases map back, so the importer reads the registers as the truth says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


_LEAD_COLUMNS = (("commissioner", "Lead Commissioner"), ("associate_commissioners", "Associates"))

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "99E",
        "basildon-brentwood-ccg-contracts.xlsx",
        (
            ("reference", "Contract Ref"),
            ("title", "Contract Title"),
            ("provider", "Provider Name"),
            ("commissioner", "Lead Commissioner"),
            ("associate_commissioners", "Associate Commissioners"),
            ("service_category", "Service Category"),
            ("contract_form", "Contract Type"),
            ("start_date", "Start Date"),
            ("end_date", "End Date"),
            ("annual_value", "Annual Contract Value (£)"),
            ("total_value", "Total Contract Value (£)"),
            ("payment_mechanism", "Payment Mechanism"),
        ),
        "BBCCG/{year}/{n:03d}",
        sheet="Contracts Register",
        title_rows=(
            "NHS Basildon and Brentwood Clinical Commissioning Group",
            "Contracts Register as at 1 April 2016",
        ),
        commissioner_spelling=1,
        totals_label="Total",
    ),
    Layout(
        "99F",
        "castle-point-rochford-ccg-contracts.csv",
        (
            ("reference", "Ref No."),
            ("title", "Contract Name"),
            ("provider", "Supplier"),
            *_LEAD_COLUMNS,
            ("service_category", "Service Line"),
            ("contract_form", "Contract Form"),
            ("start_date", "Commencement Date"),
            ("end_date", "Expiry"),
            ("annual_value", "Value p.a."),
            ("payment_mechanism", "Payment Mechanism"),
        ),
        "CPR{n:04d}",
        title_rows=("Castle Point and Rochford CCG – Contracts Register 2016/17",),
        date_style="dmy",
        money_style="gbp",
        provider_style="mixed",
        commissioner_spelling=2,
        category_style="short",
        form_style="short",
        row_order="reference",
    ),
    Layout(
        "06Q",
        "mid-essex-ccg-contract-register.xlsx",
        (
            ("reference", "Ref"),
            ("title", "Contract Description"),
            ("provider", "Contractor"),
            ("service_category", "Category"),
            ("contract_form", "Form of Contract"),
            ("start_date", "Start"),
            ("end_date", "End"),
            ("annual_value", "Annual Value"),
            ("total_value", "Total Value"),
            ("status", "Status"),
        ),
        "MECCG-{n:04d}",
        sheet="Register 2016-17",
        title_rows=(
            "Mid Essex Clinical Commissioning Group",
            "Contract register – live and recently ended contracts",
        ),
        date_format="d mmm yyyy",
        money_format="#,##0",
        provider_style="mixed",
        category_style="plain",
        form_style="plain",
        row_order="reference",
        commissioner_option="06Q",
    ),
    Layout(
        "99G",
        "southend-ccg-contracts.xlsx",
        (
            ("reference", "Contract Ref"),
            ("title", "Contract Title"),
            ("provider", "Provider"),
            ("commissioner", "Lead Commissioner"),
            ("associate_commissioners", "Associate Commissioners"),
            ("service_category", "Service Type"),
            ("contract_form", "Contract Type"),
            ("start_date", "Start Date"),
            ("end_date", "End Date"),
            ("annual_value", "Annual Value"),
            ("total_value", "Total Value"),
        ),
        "SCCG/C/{n:03d}",
        sheet="Contracts",
        title_rows=("NHS Southend CCG – Contract Database",),
        header_groups=(
            ("", 2),
            ("Parties", 3),
            ("", 2),
            ("Contract Dates", 2),
            ("Contract Value (£)", 2),
        ),
        date_format="dd-mmm-yy",
        provider_style="mixed",
        commissioner_spelling=3,
        row_order="random",
    ),
    Layout(
        "07G",
        "thurrock-ccg-contracts.xlsx",
        (
            ("reference", "Contract Reference"),
            ("title", "Contract Title"),
            ("provider", "Provider"),
            ("commissioner", "Commissioner"),
            ("associate_commissioners", "Associate Commissioners"),
            ("service_category", "Service Type"),
            ("contract_form", "Contract Type"),
            ("start_date", "Start Date"),
            ("end_date", "End Date"),
            ("annual_value", "Value p.a."),
            ("total_value", "Total Value"),
        ),
        "TCCG{n:04d}",
        sheet="Thurrock CCG",
        title_rows=("THURROCK CCG CONTRACTS",),
        date_style="dmy",
        money_format="#,##0.00",
        provider_style="caps",
        commissioner_spelling=1,
        category_style="plain",
        totals_label="TOTAL",
        separator=", ",
    ),
    Layout(
        "E10000012",
        "essex-county-council-contracts.xlsx",
        (
            ("reference", "Contract Ref"),
            ("title", "Contract Name"),
            ("provider", "Supplier"),
            ("service_category", "Category"),
            ("contract_form", "Contract Type"),
            ("start_date", "Contract Start"),
            ("end_date", "Contract End"),
            ("annual_value", "Annual Value"),
            ("total_value", "Total Contract Value"),
            ("status", "Status"),
        ),
        "ECC-ASC-{n:05d}",
        sheet="Current Contracts",
        expired_sheet="Expired",
        title_rows=(
            "Essex County Council",
            "Adult Social Care and Health – Contracts Register",
            "Exported 04/04/2016",
        ),
        totals_label="Total",
        commissioner_option="E10000012",
    ),
    Layout(
        "E06000033",
        "southend-borough-council-contracts.xlsx",
        (
            ("reference", "Ref No."),
            ("title", "Description"),
            ("provider", "Supplier Name"),
            ("service_category", "Service Area"),
            ("contract_form", "Agreement Type"),
            ("start_date", "Start Date"),
            ("end_date", "End Date"),
            ("annual_value", "Yearly Value"),
        ),
        "SBC/{year}/{n:04d}",
        sheet="Sheet1",
        date_style="long",
        money_style="gbp",
        provider_style="truncate",
        form_style="short",
        row_order="reference",
        commissioner_option="E06000033",
    ),
    Layout(
        "E06000034",
        "thurrock-council-contracts.xlsx",
        (
            ("reference", "Contract Ref"),
            ("title", "Contract Title"),
            ("provider", "Contractor"),
            ("service_category", "Service Line"),
            ("contract_form", "Contract Form"),
            ("start_date", "Commencement Date"),
            ("end_date", "Expiry"),
            ("annual_value", "Value p.a."),
        ),
        "TC-{n:05d}",
        sheet="Register",
        title_rows=("Thurrock Council – Commissioning Contracts",),
        date_style="mon",
        money_style="short",
        category_style="short",
        commissioner_option="E06000034",
    ),
    Layout(
        "06T",
        "north-east-essex-ccg-contracts.xlsx",
        (
            ("reference", "Reference"),
            ("title", "Title"),
            ("provider", "Provider"),
            ("service_category", "Service Category"),
            ("contract_form", "Contract Form"),
            ("start_date", "Start Date"),
            ("end_date", "End Date"),
            ("annual_value", "Annual Value (£)"),
        ),
        "NEE{n:04d}",
        sheet="Contracts",
        commissioner_option="06T",
    ),
    Layout(
        "07H",
        "west-essex-ccg-contracts.xlsx",
        (
            ("reference", "Contract No."),
            ("title", "Contract Name"),
            ("provider", "Service Provider"),
            ("commissioner", "Commissioner"),
            ("service_category", "Service Type"),
            ("contract_form", "Contract Type"),
            ("start_date", "Start"),
            ("end_date", "End"),
            ("annual_value", "Annual Contract Value"),
        ),
        "WE-{n:04d}",
        sheet="Contracts 2016",
        title_rows=("West Essex CCG contracts",),
        provider_style="mixed",
        category_style="short",
        row_order="random",
    ),
)
