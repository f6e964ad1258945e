"""How the other publishers keep their registers: one layout per commissioner.

Nothing here is chosen to suit the importer or the matcher: headers, category
spellings (NHS Standard Contract codes and names, upper case, "&"), provider
names (ODS codes in a column of their own, hospital sites, legal forms),
titles with provider and year prefixes, registers without a contract-form
column, money in £000 or "£12.3m", CSV in UTF-8 with a BOM or Windows-1252.
The layouts are data, in ``contracts/data/sample_other_layouts.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.data_tables import read_rows
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


OTHER_LAYOUTS: tuple[OtherLayout, ...] = read_rows(
    "sample_other_layouts.toml", "layout", OtherLayout
)
