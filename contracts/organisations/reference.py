"""The Essex organisations every database starts with.

Plain data, so a migration can insert it without importing the ORM models.
NHS bodies carry ODS codes, councils ONS GSS codes. Trust names and open
dates were checked against the ODS trust extracts in
``shared/data/real/ods`` (2016 and 2025 releases); mergers are recorded as
successors with the closing date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

MSE = "mid and south Essex"
NEE = "north east Essex"
WE = "west Essex"
OTHER = "other"


@dataclass(frozen=True)
class ReferenceOrganisation:
    key: str  # the code, or a short name for bodies without one
    name: str
    kind: str
    footprint: str = OTHER
    is_commissioner: bool = False
    ods_code: str | None = None
    gss_code: str | None = None
    open_date: dt.date | None = None
    close_date: dt.date | None = None
    successor: str | None = None  # key of the successor organisation
    aliases: tuple[str, ...] = field(default_factory=tuple)


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


REFERENCE_ORGANISATIONS: tuple[ReferenceOrganisation, ...] = (
    # Clinical commissioning groups
    ReferenceOrganisation(
        "99E",
        "NHS Basildon and Brentwood CCG",
        "CCG",
        MSE,
        True,
        ods_code="99E",
        open_date=_d("2013-04-01"),
        aliases=(
            "Basildon and Brentwood CCG",
            "Basildon & Brentwood CCG",
            "Basildon and Brentwood Clinical Commissioning Group",
            "NHS Basildon and Brentwood Clinical Commissioning Group",
            "BB CCG",
            "BBCCG",
        ),
    ),
    ReferenceOrganisation(
        "99F",
        "NHS Castle Point and Rochford CCG",
        "CCG",
        MSE,
        True,
        ods_code="99F",
        open_date=_d("2013-04-01"),
        aliases=(
            "Castle Point and Rochford CCG",
            "Castle Point & Rochford CCG",
            "Castle Point and Rochford Clinical Commissioning Group",
            "NHS Castle Point and Rochford Clinical Commissioning Group",
            "CPR CCG",
            "CPRCCG",
        ),
    ),
    ReferenceOrganisation(
        "06Q",
        "NHS Mid Essex CCG",
        "CCG",
        MSE,
        True,
        ods_code="06Q",
        open_date=_d("2013-04-01"),
        aliases=(
            "Mid Essex CCG",
            "Mid Essex Clinical Commissioning Group",
            "NHS Mid Essex Clinical Commissioning Group",
            "MECCG",
            "ME CCG",
        ),
    ),
    ReferenceOrganisation(
        "99G",
        "NHS Southend CCG",
        "CCG",
        MSE,
        True,
        ods_code="99G",
        open_date=_d("2013-04-01"),
        aliases=(
            "Southend CCG",
            "Southend Clinical Commissioning Group",
            "NHS Southend Clinical Commissioning Group",
            "SCCG",
        ),
    ),
    ReferenceOrganisation(
        "07G",
        "NHS Thurrock CCG",
        "CCG",
        MSE,
        True,
        ods_code="07G",
        open_date=_d("2013-04-01"),
        aliases=(
            "Thurrock CCG",
            "Thurrock Clinical Commissioning Group",
            "NHS Thurrock Clinical Commissioning Group",
            "TCCG",
        ),
    ),
    ReferenceOrganisation(
        "06T",
        "NHS North East Essex CCG",
        "CCG",
        NEE,
        True,
        ods_code="06T",
        open_date=_d("2013-04-01"),
        aliases=(
            "North East Essex CCG",
            "North East Essex Clinical Commissioning Group",
            "NHS North East Essex Clinical Commissioning Group",
            "NEE CCG",
            "NEECCG",
        ),
    ),
    ReferenceOrganisation(
        "07H",
        "NHS West Essex CCG",
        "CCG",
        WE,
        True,
        ods_code="07H",
        open_date=_d("2013-04-01"),
        aliases=(
            "West Essex CCG",
            "West Essex Clinical Commissioning Group",
            "NHS West Essex Clinical Commissioning Group",
            "WE CCG",
            "WECCG",
        ),
    ),
    # Local authorities
    ReferenceOrganisation(
        "E10000012",
        "Essex County Council",
        "local authority",
        MSE,
        True,
        gss_code="E10000012",
        aliases=("Essex CC", "ECC", "Essex Council"),
    ),
    ReferenceOrganisation(
        "E06000033",
        "Southend-on-Sea Borough Council",
        "local authority",
        MSE,
        True,
        gss_code="E06000033",
        aliases=(
            "Southend on Sea Borough Council",
            "Southend Borough Council",
            "Southend-on-Sea BC",
            "Southend Council",
            "SBC",
        ),
    ),
    ReferenceOrganisation(
        "E06000034",
        "Thurrock Council",
        "local authority",
        MSE,
        True,
        gss_code="E06000034",
        aliases=("Thurrock Borough Council", "Thurrock BC"),
    ),
    ReferenceOrganisation(
        "NHSE",
        "NHS England",
        "NHS England",
        OTHER,
        True,
        ods_code="X24",
        open_date=_d("2013-04-01"),
        aliases=(
            "NHS England Specialised Commissioning",
            "NHSE Specialised Commissioning",
            "NHS England (Specialised Commissioning)",
            "NHSE",
            "NHS Commissioning Board",
        ),
    ),
    # Providers
    ReferenceOrganisation(
        "RAJ",
        "Mid and South Essex NHS Foundation Trust",
        "NHS foundation trust",
        MSE,
        ods_code="RAJ",
        open_date=_d("1991-04-01"),
        aliases=(
            "Southend University Hospital NHS Foundation Trust",
            "Southend University Hospital NHS FT",
            "Southend University Hospital",
            "Southend Hospital",
            "SUHFT",
            "SUH",
            "MSEFT",
            "MSE FT",
            "Mid & South Essex NHS FT",
        ),
    ),
    ReferenceOrganisation(
        "RDD",
        "Basildon and Thurrock University Hospitals NHS Foundation Trust",
        "NHS foundation trust",
        MSE,
        ods_code="RDD",
        open_date=_d("1992-04-01"),
        close_date=_d("2020-03-31"),
        successor="RAJ",
        aliases=(
            "Basildon and Thurrock University Hospitals NHS FT",
            "Basildon & Thurrock UHFT",
            "Basildon and Thurrock University Hospitals",
            "Basildon and Thurrock Univ. Hospitals NHS FT",
            "Basildon Hospital",
            "BTUH",
            "BTUHFT",
        ),
    ),
    ReferenceOrganisation(
        "RQ8",
        "Mid Essex Hospital Services NHS Trust",
        "NHS trust",
        MSE,
        ods_code="RQ8",
        open_date=_d("1995-04-01"),
        close_date=_d("2020-03-31"),
        successor="RAJ",
        aliases=(
            "Mid Essex Hospital Services",
            "Mid Essex Hospitals NHS Trust",
            "Mid Essex Hospital",
            "Broomfield Hospital",
            "MEHT",
            "MEHST",
        ),
    ),
    ReferenceOrganisation(
        "RYC",
        "East of England Ambulance Service NHS Trust",
        "NHS trust",
        OTHER,
        ods_code="RYC",
        open_date=_d("2006-07-01"),
        aliases=(
            "East of England Ambulance Service",
            "East of England Ambulance Trust",
            "EEAST",
            "EoE Ambulance Service",
        ),
    ),
    ReferenceOrganisation(
        "RAT",
        "NELFT NHS Foundation Trust",
        "NHS foundation trust",
        OTHER,
        ods_code="RAT",
        open_date=_d("2001-04-01"),
        aliases=(
            "North East London NHS Foundation Trust",
            "North East London NHS FT",
            "NELFT",
            "NELFT NHS FT",
        ),
    ),
    ReferenceOrganisation(
        "R1L",
        "Essex Partnership University NHS Foundation Trust",
        "NHS foundation trust",
        MSE,
        ods_code="R1L",
        open_date=_d("2017-04-01"),
        aliases=("Essex Partnership University NHS FT", "EPUT", "EPUFT"),
    ),
    ReferenceOrganisation(
        "RRD",
        "North Essex Partnership University NHS Foundation Trust",
        "NHS foundation trust",
        NEE,
        ods_code="RRD",
        open_date=_d("2001-04-01"),
        close_date=_d("2017-03-31"),
        successor="R1L",
        aliases=(
            "North Essex Partnership University NHS FT",
            "North Essex Partnership NHS FT",
            "North Essex Partnership",
            "NEP",
            "NEPFT",
        ),
    ),
    ReferenceOrganisation(
        "RWN",
        "South Essex Partnership University NHS Foundation Trust",
        "NHS foundation trust",
        MSE,
        ods_code="RWN",
        open_date=_d("2000-04-01"),
        close_date=_d("2017-03-31"),
        successor="R1L",
        aliases=(
            "South Essex Partnership University NHS FT",
            "South Essex Partnership NHS FT",
            "South Essex Partnership Trust",
            "SEPT",
            "SEPFT",
        ),
    ),
    ReferenceOrganisation(
        "RDE",
        "Colchester Hospital University NHS Foundation Trust",
        "NHS foundation trust",
        NEE,
        ods_code="RDE",
        open_date=_d("1992-04-01"),
        aliases=(
            "Colchester Hospital University NHS FT",
            "East Suffolk and North Essex NHS Foundation Trust",
            "East Suffolk and North Essex NHS FT",
            "Colchester Hospital",
            "CHUFT",
            "ESNEFT",
        ),
    ),
    ReferenceOrganisation(
        "RQW",
        "The Princess Alexandra Hospital NHS Trust",
        "NHS trust",
        WE,
        ods_code="RQW",
        open_date=_d("1995-04-01"),
        aliases=("Princess Alexandra Hospital NHS Trust", "Princess Alexandra Hospital", "PAH"),
    ),
    ReferenceOrganisation(
        "PROVIDE",
        "Provide Community Interest Company",
        "voluntary/community",
        MSE,
        aliases=("Provide", "Provide CIC", "Provide Community Interest Co"),
    ),
)

# The three acute hospitals of mid and south Essex, by ODS code: the
# "one contract for the three hospitals" rule looks for them and their successor.
THREE_HOSPITALS: tuple[str, ...] = ("RDD", "RQ8", "RAJ")
