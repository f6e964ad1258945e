"""The national reference data: shipped files, the builder, and the real sources they come from."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from contracts.errors import ContractsError
from contracts.organisations.names import normalise_name
from contracts.organisations.national import build
from contracts.organisations.national_data import DATA_DIR, NationalOrganisation, read_national
from contracts.organisations.national_sources import read_hospitals, title_case
from contracts.organisations.reference import REFERENCE_ORGANISATIONS

SOURCES = Path(__file__).parents[3] / ".." / "shared" / "data" / "real"
ORGS = SOURCES / "organisations"
needs_sources = pytest.mark.skipif(
    not (ORGS / "ods_eccg_2025.csv").is_file(), reason=f"real reference sources not at {SOURCES}"
)


@pytest.fixture(scope="module")
def national() -> dict[str, NationalOrganisation]:
    return {o.key: o for o in read_national()}


def _by_spelling(national: dict[str, NationalOrganisation]) -> dict[str, str]:
    found = {}
    for org in national.values():
        for text in (org.name, *org.aliases, org.ods_code or "", org.gss_code or ""):
            if text:
                found.setdefault(normalise_name(text), org.key)
    return found


@needs_sources
def test_shipped_files_are_what_the_builder_makes_from_the_sources(tmp_path: Path) -> None:
    build(SOURCES, tmp_path)
    for name in ("organisations.csv", "aliases.csv"):
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


@needs_sources
def test_the_42_icbs_with_ods_and_gss_codes(national: dict[str, NationalOrganisation]) -> None:
    with (ORGS / "ons_icb_names_codes_dec2024.csv").open(encoding="utf-8") as handle:
        source = list(csv.DictReader(handle))
    icbs = {k: o for k, o in national.items() if o.kind == "ICB"}
    assert len(source) == len(icbs) == 42
    for row in source:
        icb = icbs[row["ICB24CDH"]]
        assert (icb.name, icb.gss_code, icb.is_commissioner) == (
            row["ICB24NM"],
            row["ICB24CD"],
            True,
        )
    assert national["QH8"].name == "NHS Mid and South Essex Integrated Care Board"
    assert "Mid and South Essex" in national["QH8"].aliases  # its STP name


@needs_sources
def test_every_ccg_code_of_the_ods_extract_is_a_ccg(
    national: dict[str, NationalOrganisation],
) -> None:
    with (ORGS / "ods_eccg_2025.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.reader(handle) if r[13] in ("", "RO319", "RO319|RO326")]
    ccgs = {k for k, o in national.items() if o.kind == "CCG"}
    assert ccgs == {r[0] for r in rows}
    assert len(ccgs) == 248
    for row in rows:
        assert national[row[0]].open_date == dt.datetime.strptime(row[10], "%Y%m%d").date()


def test_99e_becomes_part_of_mid_and_south_essex_icb(
    national: dict[str, NationalOrganisation],
) -> None:
    ccg = national["99E"]
    assert ccg.name == "NHS Basildon and Brentwood CCG"  # the hand-made name wins
    assert (ccg.close_date, ccg.successor, ccg.parent) == (dt.date(2022, 6, 30), "QH8", "QH8")
    assert ccg.gss_code == "E38000007"
    spellings = _by_spelling(national)
    assert spellings[normalise_name("NHS MID AND SOUTH ESSEX ICB - 99E")] == "99E"
    assert spellings[normalise_name("BBCCG")] == "99E"  # a hand-made alias


def test_merged_ccgs_chain_to_their_2020_ccg_then_the_icb(
    national: dict[str, NationalOrganisation],
) -> None:
    darlington = national["00C"]
    assert (darlington.close_date, darlington.successor) == (dt.date(2020, 3, 31), "16C")
    tees = national["16C"]
    assert (tees.name, tees.successor) == ("NHS Tees Valley CCG", "QHM")


def test_ccgs_closed_before_april_2018_have_no_invented_successor(
    national: dict[str, NationalOrganisation],
) -> None:
    unlinked = {k for k, o in national.items() if o.kind == "CCG" and o.successor is None}
    assert unlinked
    for key in unlinked:
        org = national[key]
        assert org.close_date is not None and org.close_date < dt.date(2018, 4, 1), key
        assert org.parent in national and national[org.parent].kind == "ICB"
    assert {"00F", "02V", "10G"} <= unlinked


def test_trusts_with_their_mergers(national: dict[str, NationalOrganisation]) -> None:
    for old in ("RDD", "RQ8"):
        assert (national[old].successor, national[old].close_date) == ("RAJ", dt.date(2020, 3, 31))
    assert national["RRD"].successor == national["RWN"].successor == "R1L"
    assert national["RGQ"].successor == "RDE"
    assert national["RW6"].successor == "RM3"  # the one both sources agree on
    assert national["RVJ"].successor is None  # planned for 2026 when the source was written
    assert national["RAJ"].kind == "NHS foundation trust"
    assert national["RQ8"].kind == "NHS trust"


@needs_sources
def test_both_ods_trust_lists_are_in(national: dict[str, NationalOrganisation]) -> None:
    codes = set()
    for name in (
        "etr_2016-17_jah-photoshop_nhsparse.csv",
        "etr_2025_folakeobalakun_NHS-AE-RTT-Analysis.csv",
    ):
        with (SOURCES / "ods" / name).open(encoding="utf-8") as handle:
            codes |= {row[0] for row in csv.reader(handle)}
    assert codes <= set(national)
    assert all(national[c].kind in ("NHS trust", "NHS foundation trust") for c in codes)


@needs_sources
def test_hospital_sites_name_their_trust(national: dict[str, NationalOrganisation]) -> None:
    spellings = _by_spelling(national)
    assert spellings[normalise_name("RDEE4")] == "RDE"
    assert spellings[normalise_name("Colchester General Hospital")] == "RDE"
    assert spellings[normalise_name("Queen's Hospital, Romford")] == "RF4"
    assert spellings[normalise_name("Broomfield Hospital")] == "RQ8"
    # A name two trusts' sites share names neither.
    assert normalise_name("St Michael's Hospital") not in spellings
    sites = read_hospitals(ORGS / "nhschoices_hospitals_jan2020_tilde.csv")
    for site in sites:
        if site.parent_code in national and site.code in spellings:
            org = spellings[site.code.lower()]
            chain = [site.parent_code]
            while national[chain[-1]].successor:
                chain.append(national[chain[-1]].successor or "")
            assert org in chain or national[org].successor in chain, site.code


@needs_sources
def test_councils_with_gss_code_and_tier(national: dict[str, NationalOrganisation]) -> None:
    norfolk = national["E10000020"]
    assert (norfolk.name, norfolk.tier, norfolk.gss_code) == (
        "Norfolk County Council",
        "county",
        "E10000020",
    )
    tiers = Counter(o.tier for o in national.values() if o.kind == "local authority")
    assert tiers == {
        "district": 192,
        "unitary": 63,
        "metropolitan district": 36,
        "London borough": 33,
        "county": 26,
    }
    assert national["E07000066"].parent == "E10000012"  # Basildon, in Essex
    assert national["E10000023"].successor == "E06000065"  # North Yorkshire, 2023
    assert national["E10000021"].successor is None  # Northamptonshire was split in two
    assert national["E10000021"].close_date == dt.date(2021, 3, 31)
    with (ORGS / "ons_lad23_dec2023_boundary_attributes.csv").open(encoding="utf-8-sig") as f:
        current = {r["LAD23CD"] for r in csv.DictReader(f) if r["LAD23CD"].startswith("E")}
    assert current <= set(national)
    assert all(national[c].close_date is None for c in current)


def test_hand_made_entries_win_where_they_overlap(
    national: dict[str, NationalOrganisation],
) -> None:
    spellings = _by_spelling(national)
    for ref in REFERENCE_ORGANISATIONS:
        key = ref.ods_code or ref.gss_code or ref.key
        org = next(o for o in national.values() if key in (o.ods_code, o.gss_code, o.key))
        assert (org.name, org.kind, org.footprint) == (ref.name, ref.kind, ref.footprint)
        assert org.successor == (ref.successor or org.successor)
        for alias in ref.aliases:
            assert spellings[normalise_name(alias)] == org.key, alias


def test_each_spelling_names_one_body_and_links_are_sound(
    national: dict[str, NationalOrganisation],
) -> None:
    keys = Counter(normalise_name(a) for o in national.values() for a in o.aliases)
    assert [k for k, n in keys.items() if n > 1] == []
    for org in national.values():
        seen = {org.key}
        node = org
        while node.successor:
            assert node.successor not in seen, f"loop through {org.key}"
            seen.add(node.successor)
            node = national[node.successor]


@pytest.mark.parametrize(
    ("upper", "expected"),
    [
        ("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", "Guy's and St Thomas' NHS Foundation Trust"),
        (
            "THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST",
            "The Newcastle upon Tyne Hospitals NHS Foundation Trust",
        ),
        ("NHS CENTRAL LONDON (WESTMINSTER) CCG", "NHS Central London (Westminster) CCG"),
        ("2GETHER NHS FOUNDATION TRUST", "2gether NHS Foundation Trust"),
        ("STOKE-ON-TRENT", "Stoke-on-Trent"),
    ],
)
def test_title_case(upper: str, expected: str) -> None:
    assert title_case(upper) == expected


def test_a_broken_data_directory_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ContractsError, match="missing"):
        read_national(tmp_path)
    (tmp_path / "organisations.csv").write_text(
        "key,name,kind,ods_code,gss_code,commissioner,successor\nX1,X,CCG,X1,,1,NOPE\n",
        encoding="utf-8",
    )
    (tmp_path / "aliases.csv").write_text("key,alias,source\n", encoding="utf-8")
    with pytest.raises(ContractsError, match="successor 'NOPE' is not listed"):
        read_national(tmp_path)
