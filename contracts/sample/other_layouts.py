"""How the other publishers keep their registers: one layout per commissioner.

Nothing here is chosen to suit the importer or the matcher: headers, category
spellings (NHS Standard Contract codes and names, upper case, "&"), provider
names (ODS codes in a column of their own, hospital sites, legal forms),
titles with provider and year prefixes, registers without a contract-form
column, money in £000 or "£12.3m", CSV in UTF-8 with a BOM or Windows-1252.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.sample.layouts import RegisterFile
from contracts.sample.other_world import (
    COUNCIL_LINES,
    GRANT,
    LA_CONTRACT,
    NHS_CATEGORIES,
    NHS_SC,
    NHS_SHORT,
    SERVICES,
)

COMMISSIONER_NAMES: dict[str, tuple[str, ...]] = {
    "99E": ("NHS Basildon and Brentwood CCG", "Basildon & Brentwood CCG", "BB CCG"),
    "99F": ("NHS Castle Point and Rochford CCG", "Castle Point & Rochford CCG", "CPR CCG"),
    "06Q": ("NHS Mid Essex CCG", "Mid Essex CCG", "Mid Essex Clinical Commissioning Group"),
    "99G": ("NHS Southend CCG", "Southend CCG", "Southend Clinical Commissioning Group"),
    "07G": ("NHS Thurrock CCG", "Thurrock CCG", "Thurrock Clinical Commissioning Group"),
    "06T": ("NHS North East Essex CCG", "North East Essex CCG", "NEE CCG"),
    "07H": ("NHS West Essex CCG", "West Essex CCG", "WE CCG"),
    "E10000012": ("Essex County Council", "Essex CC", "ECC"),
    "E06000033": ("Southend-on-Sea Borough Council", "Southend Borough Council", "SBC"),
    "E06000034": ("Thurrock Council", "Thurrock Borough Council", "Thurrock BC"),
}
# contract form -> how a register with a form column writes it, by style
FORM_WORDS: dict[str, dict[str, str]] = {
    "nhs": {
        NHS_SC: "NHS Standard Contract - Full Length",
        NHS_SHORT: "NHS Standard Contract - Shorter Form",
        LA_CONTRACT: "Contract",
        GRANT: "Grant",
    },
    "brief": {
        NHS_SC: "Full length",
        NHS_SHORT: "Shorter form",
        LA_CONTRACT: "Contract",
        GRANT: "Grant",
    },
    "council": {
        NHS_SC: "NHS Contract",
        NHS_SHORT: "NHS Contract",
        LA_CONTRACT: "Contract",
        GRANT: "Grant Agreement",
    },
}


def category_text(service: str, style: str) -> str:
    """How a register writes the category of ``service``."""
    code, plain = SERVICES[service]
    name = NHS_CATEGORIES.get(code) or COUNCIL_LINES.get(code) or plain
    if code == "PC":
        name = "Primary Medical Services"
    if style == "code":
        return code if code in NHS_CATEGORIES or code in COUNCIL_LINES else name
    if style == "name":
        return name
    if style == "upper":
        return name.removesuffix(" Services").upper()
    if style == "amp":
        return name.removesuffix(" Services").replace(" and ", " & ")
    if style == "code_name":
        return f"{code} - {name}" if code in NHS_CATEGORIES else name
    if style == "council":
        return COUNCIL_LINES.get(code, plain)
    return plain.lower()  # "plain": the service itself, as people say it


@dataclass(frozen=True)
class OtherLayout(RegisterFile):
    commissioner: str
    file_name: str
    columns: tuple[tuple[str, str], ...]  # (field, header); fields beyond the canonical ones too
    ref: str  # str.format with n and year
    sheet: str | None = None
    title_rows: tuple[str, ...] = ()
    category: str = "name"
    form: str = "nhs"
    provider: str = "name"  # name | alias | site | upper | legal | code
    renamed: bool = False  # writes a merged trust under its successor's name
    titles: str = "plain"  # plain | provider | year | code | provider_year | upper
    dates: str = "excel"  # excel | dmy | iso | long | mon
    money: str = "number"  # number | text | thousands | millions
    commissioner_style: int = 0  # index into COMMISSIONER_NAMES, or -1 for the code
    commissioner_option: str | None = None
    encoding: str = "utf-8-sig"
    separator: str = ", "


OTHER_LAYOUTS: tuple[OtherLayout, ...] = (
    OtherLayout(
        "99E",
        "bbccg-contract-register-2018-19.xlsx",
        (
            ("reference", "Contract ID"),
            ("title", "Contract Title"),
            ("provider_code", "Provider Code"),
            ("provider", "Provider"),
            ("commissioner", "Commissioner"),
            ("associate_commissioners", "Associate Commissioners"),
            ("service_category", "Service Category"),
            ("start_date", "Start Date"),
            ("end_date", "End Date"),
            ("annual_value", "Annual Contract Value"),
        ),
        "BB-{year}-{n:03d}",
        sheet="2018-19",
        title_rows=("Basildon and Brentwood CCG", "Contract Register 2018/19"),
        category="code",
        form="",
        renamed=True,
        titles="provider",
        commissioner_style=-1,
    ),
    OtherLayout(
        "99F",
        "castle-point-rochford-contracts-2018.csv",
        (
            ("reference", "Reference"),
            ("title", "Service Name"),
            ("provider", "Provider Name"),
            ("provider_code", "ODS Code"),
            ("commissioner", "Lead Commissioner"),
            ("service_category", "Category"),
            ("contract_form", "Contract Type"),
            ("start_date", "Start"),
            ("end_date", "End"),
            ("annual_value", "Value p.a."),
        ),
        "CPR/{n:04d}",
        category="upper",
        form="nhs",
        provider="alias",
        titles="year",
        dates="dmy",
        money="text",
        commissioner_style=1,
    ),
    OtherLayout(
        "06Q",
        "mid-essex-ccg-register.xlsx",
        (
            ("reference", "Ref"),
            ("title", "Description"),
            ("provider", "Supplier"),
            ("provider_code", "Supplier ODS"),
            ("service_category", "Service Category"),
            ("start_date", "Contract Start"),
            ("end_date", "Contract End"),
            ("annual_value", "Annual Value (£000)"),
        ),
        "ME{year}{n:04d}",
        sheet="Register",
        title_rows=("Mid Essex CCG contracts, April 2018",),
        category="code_name",
        form="",
        provider="site",
        dates="long",
        money="thousands",
        commissioner_option="06Q",
    ),
    OtherLayout(
        "99G",
        "southend-ccg-contracts.xlsx",
        (
            ("reference", "Contract Reference"),
            ("title", "Contract Title"),
            ("provider", "Provider"),
            ("commissioner", "Commissioner"),
            ("associate_commissioners", "Associates"),
            ("service_category", "Service Type"),
            ("contract_form", "Contract Form"),
            ("start_date", "Start Date"),
            ("end_date", "End Date"),
            ("annual_value", "Annual Value"),
            ("total_value", "Total Value"),
        ),
        "SCCG-{n:04d}",
        sheet="Contracts",
        category="plain",
        form="brief",
        provider="legal",
        titles="code",
        dates="iso",
        commissioner_style=2,
        separator="; ",
    ),
    OtherLayout(
        "07G",
        "thurrock-ccg-contracts.csv",
        (
            ("reference", "Contract No"),
            ("title", "Contract Name"),
            ("provider", "Supplier"),
            ("commissioner", "Commissioning Organisation"),
            ("service_category", "Service Line"),
            ("start_date", "Start"),
            ("end_date", "Expiry"),
            ("annual_value", "Value (£)"),
            ("notes", "Notes"),
        ),
        "TH{n:05d}",
        category="amp",
        form="",
        provider="upper",
        renamed=True,
        titles="provider_year",
        dates="mon",
        money="millions",
        commissioner_style=1,
        encoding="cp1252",
    ),
    OtherLayout(
        "E10000012",
        "essex-cc-contracts-register.xlsx",
        (
            ("reference", "Contract Reference"),
            ("title", "Contract Title"),
            ("provider", "Supplier Name"),
            ("service_category", "Service Area"),
            ("start_date", "Start Date"),
            ("end_date", "End Date"),
            ("review_date", "Review Date"),
            ("annual_value", "Annual Value"),
            ("sme", "SME"),
        ),
        "ECC{n:06d}",
        sheet="Contracts",
        title_rows=(
            "Essex County Council - Contracts Register (Local Government Transparency Code)",
        ),
        category="council",
        form="",
        provider="legal",
        dates="dmy",
        commissioner_option="E10000012",
    ),
    OtherLayout(
        "E06000033",
        "southend-council-contracts.csv",
        (
            ("reference", "Ref"),
            ("title", "Contract Title"),
            ("provider", "Supplier"),
            ("service_category", "Service Area"),
            ("procurement", "Procurement Route"),
            ("start_date", "Start Date"),
            ("end_date", "End Date"),
            ("annual_value", "Annual Value"),
        ),
        "SBC{n:05d}",
        category="council",
        form="",
        provider="legal",
        dates="dmy",
        money="text",
        commissioner_option="E06000033",
        encoding="utf-8",
    ),
    OtherLayout(
        "E06000034",
        "thurrock-council-contracts.xlsx",
        (
            ("reference", "Contract Ref"),
            ("title", "Contract Name"),
            ("provider", "Contractor"),
            ("service_category", "Category"),
            ("contract_form", "Contract Type"),
            ("start_date", "Commencement Date"),
            ("end_date", "Expiry Date"),
            ("annual_value", "Value per annum"),
        ),
        "TC/{year}/{n:03d}",
        sheet="Register",
        category="council",
        form="council",
        provider="upper",
        commissioner_option="E06000034",
    ),
    OtherLayout(
        "06T",
        "north-east-essex-ccg-contracts.xlsx",
        (
            ("reference", "Contract Number"),
            ("title", "Contract Title"),
            ("provider", "Provider"),
            ("commissioner", "Lead Commissioner"),
            ("service_category", "NHS Standard Contract Category"),
            ("contract_form", "Contract Type"),
            ("start_date", "Start Date"),
            ("end_date", "End Date"),
            ("annual_value", "Annual Value"),
        ),
        "NEE-{n:04d}",
        sheet="Contracts",
        category="name",
        form="nhs",
        provider="alias",
        titles="year",
    ),
    OtherLayout(
        "07H",
        "west-essex-ccg-contracts.csv",
        (
            ("reference", "Reference"),
            ("title", "Title"),
            ("provider", "Provider"),
            ("commissioner", "CCG"),
            ("service_category", "Service Category"),
            ("start_date", "Start Date"),
            ("end_date", "End Date"),
            ("annual_value", "Annual Value"),
        ),
        "WE{n:04d}",
        category="code_name",
        form="",
        provider="site",
        dates="dmy",
    ),
)
