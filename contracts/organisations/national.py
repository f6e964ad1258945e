"""Builds the national reference data shipped in ``contracts/data/organisations/``.

Every CCG 2013-2022 with its merger successor and STP/ICB, the 42 ICBs, NHS
trusts (2016 and 2025 ODS lists, with mergers), NHS hospital sites as
spellings of their trust, English local authorities with GSS code and tier,
and NHS England, merged with the hand-made Essex entries of
:mod:`contracts.organisations.reference`, which win where they overlap.

The tool reads only the files this writes, never the sources; run it again
to refresh from newer ODS/ONS files::

    python -m contracts.organisations.national --sources ../shared/data/real

Output is deterministic: the same sources give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from contracts.organisations.names import normalise_name
from contracts.organisations.national_links import (
    CCG_ABOLISHED,
    COUNCIL_NAMES,
    COUNCIL_REORGANISATIONS,
    ICB_ESTABLISHED,
    PLANNED_FROM,
    TRUST_LINKS_FROM_NOTES,
)
from contracts.organisations.national_sources import (
    read_csv,
    read_hospitals,
    read_ods,
    title_case,
)
from contracts.organisations.reference import REFERENCE_ORGANISATIONS

DATA_DIR = Path(__file__).parents[1] / "data" / "organisations"
DEFAULT_SOURCES = Path(__file__).parents[2] / ".." / "shared" / "data" / "real"
ORGANISATION_COLUMNS = (
    "key",
    "name",
    "kind",
    "tier",
    "ods_code",
    "gss_code",
    "commissioner",
    "footprint",
    "open_date",
    "close_date",
    "successor",
    "parent",
    "source",
)
ALIAS_COLUMNS = ("key", "alias", "source")
_KIND_ORDER = ("NHS England", "ICB", "CCG", "local authority", "NHS trust", "NHS foundation trust")
_TIERS = {
    "E10": "county",
    "E06": "unitary",
    "E08": "metropolitan district",
    "E09": "London borough",
    "E07": "district",
}
# Rank of a spelling when two organisations claim it: the lower wins, a tie drops it.
HAND, NAME, OTHER_NAME, SITE = 0, 1, 2, 3


@dataclass
class Org:
    key: str
    name: str
    kind: str
    source: str
    tier: str = ""
    ods_code: str = ""
    gss_code: str = ""
    commissioner: bool = False
    footprint: str = ""
    open_date: dt.date | None = None
    close_date: dt.date | None = None
    successor: str = ""
    parent: str = ""
    aliases: list[tuple[str, str, int]] = field(default_factory=list)  # text, source, rank

    def alias(self, text: str, source: str, rank: int = OTHER_NAME) -> None:
        if text and text.strip():
            self.aliases.append((" ".join(text.split()), source, rank))


class Builder:
    """Reads the sources once and assembles one :class:`Org` per body."""

    def __init__(self, sources: Path) -> None:
        self.orgs_dir = sources / "organisations"
        self.ods_dir = sources / "ods"
        self.orgs: dict[str, Org] = {}
        self.dropped: list[str] = []  # spellings left out because two bodies claim them

    def build(self) -> dict[str, Org]:
        self.icbs()
        self.ccgs()
        self.nhs_england()
        self.trusts()
        self.sites()
        self.councils()
        self.hand_made()
        return self.orgs

    # --- NHS commissioners ---------------------------------------------------

    def icbs(self) -> None:
        for row in read_csv(self.orgs_dir / "ons_icb_names_codes_dec2024.csv"):
            code = row["ICB24CDH"]
            org = Org(code, row["ICB24NM"], "ICB", "ONS ICB Dec 2024", commissioner=True)
            org.ods_code, org.gss_code, org.open_date = code, row["ICB24CD"], ICB_ESTABLISHED
            org.alias(row["ICB24NM"].replace("Integrated Care Board", "ICB"), "ONS ICB Dec 2024")
            self.orgs[code] = org
        for row in read_csv(self.orgs_dir / "ons_stp20_names_codes_apr2020.csv"):
            org = self.orgs[row["STP20CDH"]]  # STP and ICB share the ODS code (not the GSS)
            org.alias(row["STP20NM"], "ONS STP Apr 2020 (STP name)")
            if row["STP20CD"] != org.gss_code:
                org.alias(row["STP20CD"], "ONS STP Apr 2020 (GSS code)")
        mapping = self._ccg_mapping()
        for row in mapping.values():
            self.orgs[row["STP21CDH"]].alias(row["STP21NM"], "NHS Digital CCG mapping 2021")
        for record in read_ods(self.orgs_dir / "ods_eccg_2025.csv"):
            if record.role == "RO327":  # a sub-ICB reporting entity: part of its ICB
                icb = self.orgs[record.geography]
                icb.alias(record.name, "ODS eccg 2025 (sub-ICB reporting entity)")
                icb.alias(record.code, "ODS eccg 2025 (sub-ICB reporting entity)")

    def _ccg_mapping(self) -> dict[str, dict[str, str]]:
        rows = read_csv(self.orgs_dir / "ccg_to_ccg21_stp21_nhser21_mapping.csv")
        return {r["CCG_UNMAPPED"]: r for r in rows if r["CCG_UNMAPPED"] != "Unknown"}

    def ccgs(self) -> None:
        mapping = self._ccg_mapping()
        ons: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # code → (year, name, gss)
        for year, file in (
            ("2017", "ons_ccg17_stp17_lookup_apr2017.csv"),
            ("2018", "ons_ccg18_stp18_lookup_apr2018.csv"),
            ("2019", "ons_ccg19_stp19_lookup_apr2019.csv"),
            ("2020", "ons_ccg20_stp20_lookup_apr2020.csv"),
        ):
            prefix = f"CCG{year[2:]}"
            for row in read_csv(self.orgs_dir / file):
                ons[row[f"{prefix}CDH"]].append((year, row[f"{prefix}NM"], row[f"{prefix}CD"]))
        for record in read_ods(self.orgs_dir / "ods_eccg_2025.csv"):
            if record.role not in ("", "RO319", "RO319|RO326"):
                continue
            code, mapped = record.code, mapping.get(record.code)
            named = sorted(ons.get(code, []))
            if named:
                name, gss, source = named[-1][1], named[-1][2], f"ONS CCG Apr {named[-1][0]}"
            elif mapped and mapped["CCG21CDH"] == code:
                name, gss, source = title_case(mapped["CCG21NM"]), mapped["CCG21CD"], "CCG map 2021"
            else:
                name, gss, source = title_case(record.name), "", "ODS eccg 2025"
            org = Org(code, name, "CCG", source, ods_code=code, gss_code=gss, commissioner=True)
            org.open_date, org.close_date = record.open_date, record.close_date
            for year, other, other_gss in named:
                org.alias(other, f"ONS CCG Apr {year}")
                if other_gss != gss:
                    org.alias(other_gss, f"ONS CCG Apr {year} (GSS code)")
            # Open codes are now sub-ICB locations ("NHS MID AND SOUTH ESSEX ICB - 99E").
            org.alias(record.name, "ODS eccg 2025")
            if mapped:
                org.parent = mapped["STP21CDH"]
                if mapped["CCG21CDH"] != code:
                    org.successor = mapped["CCG21CDH"]  # merged 2018-2021
                else:
                    org.successor, org.close_date = mapped["STP21CDH"], CCG_ABOLISHED
            else:
                # Closed before April 2018: no file links it to a successor; its
                # area is column 4 of the ODS extract (ICB code; assumed meaning).
                org.parent = record.geography
            self.orgs[code] = org

    def nhs_england(self) -> None:
        org = Org("NHSE", "NHS England", "NHS England", "reference.py", commissioner=True)
        org.ods_code = "X24"
        self.orgs["NHSE"] = org
        for row in read_csv(self.orgs_dir / "ons_nhser19_names_codes_apr2019.csv"):
            org.alias(f"NHS England {row['NHSER19NM']}", "ONS NHS region Apr 2019")
            org.alias(row["NHSER19CDH"], "ONS NHS region Apr 2019 (code)")
        for row in read_csv(self.orgs_dir / "ons_ccg18_nhsrlo18_nhser18_lookup_apr2018.csv"):
            org.alias(row["NHSRLO18NM"], "ONS NHS region local office Apr 2018")
        for record in read_ods(self.orgs_dir / "ods_eccg_2025.csv"):
            if record.role == "RO218":  # NHS England commissioning hubs
                org.alias(record.name, "ODS eccg 2025 (commissioning hub)")
                org.alias(record.code, "ODS eccg 2025 (commissioning hub)")

    # --- NHS trusts ----------------------------------------------------------

    def trusts(self) -> None:
        old = {
            r.code: r
            for r in read_ods(self.ods_dir / "etr_2016-17_jah-photoshop_nhsparse.csv")
            if r.open_date  # R0A, R0B were appended later without dates: not of this release
        }
        new = {
            r.code: r
            for r in read_ods(self.ods_dir / "etr_2025_folakeobalakun_NHS-AE-RTT-Analysis.csv")
        }
        for code in sorted(set(old) | set(new)):
            latest = new.get(code) or old[code]
            org = Org(code, title_case(latest.name), _trust_kind(latest.name), "")
            org.ods_code, org.open_date, org.close_date = code, latest.open_date, latest.close_date
            org.source = "+".join(
                s for s, d in (("ODS etr 2016", old), ("ODS etr 2025", new)) if code in d
            )
            if code in old and old[code].name != latest.name:
                org.alias(title_case(old[code].name), "ODS etr 2016")
            self.orgs[code] = org
        for predecessor, successor, date, source in self._successions():
            org = self.orgs[predecessor]
            org.successor = successor
            org.close_date = org.close_date or date - dt.timedelta(days=1)
            org.source += f"; successor: {source}"

    def _successions(self) -> list[tuple[str, str, dt.date, str]]:
        found: dict[str, dict[str, tuple[dt.date, set[str]]]] = defaultdict(dict)
        for row in read_csv(self.orgs_dir / "trust_mergers_2020_2021_epiforecasts.csv"):
            date = dt.date.fromisoformat(row["from_date"])
            found[row["trust_code_old"]].setdefault(row["trust_code_new"], (date, set()))[1].add(
                "epiforecasts"
            )
        notes = ""
        for row in read_csv(self.orgs_dir / "trust_successions_rcpch.csv"):
            notes += row["notes"] + "\n"
            new, old = row["successor_ods_code"], row["predecessor_ods_code"]
            for name, code in (
                (row["successor_name"], new),
                (row["successor_pre_merger_name"], new),
            ):
                if code in self.orgs:
                    self.orgs[code].alias(title_case(name) if name.isupper() else name, "rcpch")
            if old and old not in self.orgs:  # closed before the 2016 list
                org = Org(
                    old, row["predecessor_name"], _trust_kind(row["predecessor_name"]), "rcpch"
                )
                self.orgs[old] = org
                org.ods_code = old
            elif old:
                self.orgs[old].alias(row["predecessor_name"], "rcpch")
            date = dt.date.fromisoformat(row["succession_date"])
            if not old or date >= PLANNED_FROM:  # 2026 rows were planned when written
                continue
            found[old].setdefault(new, (date, set()))[1].add("rcpch")
        for old, new, date, quote in TRUST_LINKS_FROM_NOTES:
            if quote not in notes:
                raise ValueError(f"the rcpch notes no longer say {quote!r}; check {old} → {new}")
            found[old].setdefault(new, (date, set()))[1].add("rcpch notes")
        links = []
        for old, candidates in sorted(found.items()):
            agreed = [n for n, (_, s) in candidates.items() if len(s) > 1 or "epiforecasts" in s]
            if len(candidates) > 1 and len(agreed) != 1:
                raise ValueError(f"{old} has several successors {sorted(candidates)}; pick one")
            new = agreed[0] if len(candidates) > 1 else next(iter(candidates))
            date, sources = candidates[new]
            links.append((old, new, date, "+".join(sorted(sources))))
        return links

    def sites(self) -> None:
        lists = [
            read_hospitals(self.orgs_dir / "nhschoices_hospitals_jan2020_tilde.csv"),
            read_hospitals(self.orgs_dir / "nhschoices_hospitals_jan2018_notsign.csv"),
        ]
        for site in lists[0] + lists[1]:  # NHS care trusts (T codes) are parents only here
            parent = site.parent_code
            if parent not in self.orgs and "NHS" in site.parent_name and parent[:1] in "RT":
                org = Org(parent, site.parent_name, _trust_kind(site.parent_name), "NHS Choices")
                org.ods_code = parent
                self.orgs[parent] = org
        parents: dict[str, str] = {}
        for site in lists[1] + lists[0]:  # 2020 after 2018
            if site.parent_code not in self.orgs:
                continue
            earlier = parents.get(site.code)
            # Keep the 2018 trust when the 2020 one succeeded it: names resolve by date.
            if earlier is None or site.parent_code not in self._chain(earlier):
                parents[site.code] = site.parent_code
        for site in lists[0] + lists[1]:
            if site.code not in parents:
                continue
            org = self.orgs[parents[site.code]]
            org.alias(site.code, "NHS Choices hospital site code", SITE)
            if (
                site.sector == "NHS Sector"
            ):  # some trust sites are labelled otherwise, e.g. "Private Hospitals"
                org.alias(site.name, f"NHS Choices site {site.code}", SITE)
                if site.city and site.city.lower() not in site.name.lower():
                    org.alias(f"{site.name}, {site.city}", f"NHS Choices site {site.code}", SITE)

    def _chain(self, key: str) -> list[str]:
        chain = [key]
        while self.orgs[chain[-1]].successor and self.orgs[chain[-1]].successor not in chain:
            chain.append(self.orgs[chain[-1]].successor)
        return chain

    # --- councils ------------------------------------------------------------

    def councils(self) -> None:
        names: dict[str, str] = {}
        parents: dict[str, str] = {}
        for row in read_csv(self.orgs_dir / "ons_ltla19_utla19_lookup_apr2019.csv"):
            names[row["LTLA19CD"]] = row["LTLA19NM"]
            names[row["UTLA19CD"]] = row["UTLA19NM"]
            if row["UTLA19CD"].startswith("E10"):
                parents[row["LTLA19CD"]] = row["UTLA19CD"]
        for row in read_csv(self.orgs_dir / "ons_counties_names_codes_apr2020.csv"):
            names[row["CTY20CD"]] = row["CTY20NM"]
        for row in read_csv(self.orgs_dir / "ons_lad20_cty20_lookup_apr2020.csv"):
            if row["CTY20CD"].startswith("E10"):
                parents[row["LAD20CD"]] = row["CTY20CD"]
        latest: set[str] = set()
        for file, code, name in (
            ("ons_lad20_names_codes_apr2020.csv", "LAD20CD", "LAD20NM"),
            ("ons_lad23_dec2023_boundary_attributes.csv", "LAD23CD", "LAD23NM"),
        ):
            for row in read_csv(self.orgs_dir / file):
                names[row[code]] = row[name]
                latest = latest | {row[code]} if code == "LAD23CD" else latest
        for gss in sorted(names):
            tier = _TIERS.get(gss[:3])
            if tier is None:
                continue  # Wales, Scotland, Northern Ireland; metropolitan counties (E11)
            org = Org(
                gss,
                COUNCIL_NAMES.get(gss) or _council_name(names[gss], tier),
                "local authority",
                "ONS",
            )
            org.tier, org.gss_code, org.commissioner, org.parent = (
                tier,
                gss,
                True,
                parents.get(gss, ""),
            )
            self.orgs[gss] = org
        for date, successor, predecessors, order in COUNCIL_REORGANISATIONS:
            stale = [c for c in predecessors if c in latest or c not in names]
            if stale or (successor and successor not in latest):
                raise ValueError(f"the ONS lists contradict {order}: {stale or successor}")
            if successor:
                self.orgs[successor].open_date = date
                self.orgs[successor].source += f"; {order}"
            for gss in predecessors:
                org = self.orgs[gss]
                org.close_date, org.successor = date - dt.timedelta(days=1), successor
                org.source += f"; {order}"

    # --- the hand-made Essex entries -------------------------------------------

    def hand_made(self) -> None:
        for ref in REFERENCE_ORGANISATIONS:
            code = ref.ods_code or ref.gss_code
            org = next(
                (o for o in self.orgs.values() if code and code in (o.ods_code, o.gss_code)), None
            )
            if org is None:
                org = self.orgs.setdefault(
                    ref.key, Org(ref.key, ref.name, ref.kind, "reference.py")
                )
            elif org.name != ref.name:
                org.alias(org.name, org.source.split(";")[0])
            org.name, org.kind, org.commissioner, org.footprint = (
                ref.name,
                ref.kind,
                ref.is_commissioner,
                ref.footprint,
            )
            org.ods_code, org.gss_code = ref.ods_code or org.ods_code, ref.gss_code or org.gss_code
            org.open_date = ref.open_date or org.open_date
            org.close_date = ref.close_date or org.close_date
            org.successor = ref.successor or org.successor
            org.source = "reference.py" + (
                f"; {org.source}" if org.source != "reference.py" else ""
            )
            org.aliases = [
                (a, "reference.py", HAND) for a in (ref.name, *ref.aliases)
            ] + org.aliases


def _trust_kind(name: str) -> str:
    return "NHS foundation trust" if "FOUNDATION TRUST" in name.upper() else "NHS trust"


def _council_name(area: str, tier: str) -> str:
    """The council's name from the ONS area name ("Bristol, City of" → "Bristol City Council")."""
    if area.endswith(", City of"):
        return f"{area.removesuffix(', City of')} City Council"
    area = area.removesuffix(", County of")
    if tier == "county":
        return f"{area} County Council"
    if tier == "London borough":
        return f"London Borough of {area}"
    return f"{area} Council"


def resolve_spellings(orgs: dict[str, Org]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Each organisation's spellings, every normalised spelling given to one body only.

    A spelling two bodies claim goes to the one whose claim ranks higher (the
    hand-made entries, then official names, then other names, then hospital
    sites); at equal rank nobody gets it ("St Michael's Hospital" is a site of
    two trusts), and it is listed as dropped.
    """
    claims: dict[str, dict[str, int]] = defaultdict(dict)
    for org in orgs.values():
        spellings = [(org.name, NAME), *((a, r) for a, _, r in org.aliases)]
        spellings += [(c, NAME) for c in (org.ods_code, org.gss_code) if c]
        for text, rank in spellings:
            key = normalise_name(text)
            if key:
                claims[key][org.key] = min(rank, claims[key].get(org.key, rank))
    owner: dict[str, str] = {}
    dropped = []
    for key, by_org in sorted(claims.items()):
        best = min(by_org.values())
        winners = sorted(k for k, r in by_org.items() if r == best)
        if len(winners) == 1:
            owner[key] = winners[0]
        else:
            dropped.append(f"{key!r}: {', '.join(winners)}")
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    hand_first = sorted(orgs.values(), key=lambda o: (not o.source.startswith("reference"), o.key))
    for org in hand_first:
        for text, source, _ in sorted(org.aliases, key=lambda a: (a[2], a[0])):
            key = normalise_name(text)
            if owner.get(key) == org.key and key not in seen and key != normalise_name(org.name):
                seen.add(key)
                rows.append((org.key, text, source))
    return rows, dropped


def write(orgs: dict[str, Org], out: Path) -> list[str]:
    """Write organisations.csv and aliases.csv to ``out``; return the dropped spellings."""
    out.mkdir(parents=True, exist_ok=True)
    ordered = sorted(
        orgs.values(),
        key=lambda o: (_KIND_ORDER.index(o.kind) if o.kind in _KIND_ORDER else 99, o.key),
    )
    with (out / "organisations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ORGANISATION_COLUMNS)
        for o in ordered:
            writer.writerow(
                (o.key, o.name, o.kind, o.tier, o.ods_code, o.gss_code, int(o.commissioner),
                 o.footprint, o.open_date or "", o.close_date or "", o.successor, o.parent,
                 o.source)
            )  # fmt: skip
    aliases, dropped = resolve_spellings(orgs)
    with (out / "aliases.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ALIAS_COLUMNS)
        writer.writerows(aliases)
    return dropped


def build(sources: Path, out: Path) -> list[str]:
    """Build from ``sources`` (the folder holding organisations/ and ods/) into ``out``."""
    return write(Builder(sources).build(), out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--verbose", action="store_true", help="list dropped spellings")
    args = parser.parse_args(argv)
    dropped = build(args.sources, args.out)
    print(f"wrote {args.out}; {len(dropped)} spelling(s) claimed by two bodies were left out")
    if args.verbose:
        print("\n".join(dropped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
