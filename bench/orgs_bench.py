"""What resolving organisation names costs inside an import, against the whole import.

Writes a CSV register of 100,000 rows (and 10,000) whose providers and
commissioners are spelt as registers from anywhere in England spell them:
national trust names in capitals and with "NHS FT", hospital sites, ODS and
GSS codes, CCG and council names, misspelt and unknown providers (about 2,000
new ones, each needing a "did you mean"). Imports it into a fresh SQLite
database holding the national reference data and times the whole import; then,
on a second fresh database, times the same name resolution alone: the index
built once from the store, and every row's provider, commissioner and
associates resolved through the importer's own `Parties`, each new provider
joining the index as the import's writer adds it (no timer in the import's hot
loop to inflate either figure). Target (issue 12): resolution ≤ 10% of the import.

    .venv/bin/python bench/orgs_bench.py            # 10,000 and 100,000 rows
    .venv/bin/python bench/orgs_bench.py 100000     # one size
"""

from __future__ import annotations

import csv
import datetime as dt
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADERS = ["Contract Ref", "Contract title", "Commissioner", "Associate commissioners",
           "Supplier", "Start date", "End date", "Annual value"]  # fmt: skip


def spellings(rng: random.Random) -> tuple[list[str], list[str]]:
    """Provider and commissioner spellings, as varied as real registers write them."""
    from contracts.organisations.national_data import read_national

    national = read_national()
    trusts = [o for o in national if "trust" in o.kind]
    providers: list[str] = []
    for org in trusts:
        providers += [
            org.name,
            org.name.upper(),
            org.name.replace("NHS Foundation Trust", "NHS FT"),
        ]
        providers += [org.ods_code or org.name, *org.aliases[:3]]
    stems = ["Care", "Home Care", "Support", "Wellbeing", "Therapy", "Transport", "Advocacy"]
    places = ["Basildon", "Norwich", "Leeds", "Truro", "Carlisle", "Luton", "Hull", "Bath"]
    for n in range(2_000):  # new providers, some misspelt versions of known names
        name = f"{rng.choice(places)} {rng.choice(stems)} {n} Ltd"
        providers += [name, name.replace("Ltd", "Limited")]
    providers += [f"{t.name[:-3]}xyz" for t in rng.sample(trusts, 50)]
    commissioners: list[str] = []
    for org in national:
        if org.is_commissioner and org.kind in ("CCG", "local authority", "ICB"):
            commissioners += [org.name, org.name.upper(), org.ods_code or org.gss_code or org.name]
    return providers, commissioners


def write_register(path: Path, rows: int, seed: int = 12) -> None:
    rng = random.Random(seed)
    providers, commissioners = spellings(rng)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n in range(rows):
            start = dt.date(2014, 4, 1) + dt.timedelta(days=rng.randrange(0, 3_000))
            writer.writerow(
                [
                    f"REF-{n:06d}",
                    f"Service {n % 997} for locality {n % 13}",
                    rng.choice(commissioners),
                    rng.choice(commissioners) if n % 10 == 0 else "",
                    rng.choice(providers),
                    start.strftime("%d/%m/%Y"),
                    (start + dt.timedelta(days=1_094)).strftime("%d/%m/%Y"),
                    f"£{rng.randrange(10_000, 5_000_000):,}",
                ]
            )


def _rows(path: Path) -> list[tuple[str, str, str, dt.date]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [
            (row[2], row[3], row[4], dt.datetime.strptime(row[5], "%d/%m/%Y").date())
            for row in reader
        ]


def resolve_only(database: Path, path: Path) -> float:
    """Seconds to do what the import does for names: build the index, resolve every row."""
    from contracts.findings import Severity
    from contracts.organisations.index import OrganisationIndex
    from contracts.store import db
    from contracts.store.models import Organisation
    from importers.parties import Parties

    rows = _rows(path)
    engine = db.open_database(f"sqlite:///{database}")
    findings: list[str] = []

    def emit(code: str, _severity: Severity, message: str, _field: str, _value: object) -> None:
        findings.append(code)

    with db.session_factory(engine)() as session:
        started = time.perf_counter()
        index = OrganisationIndex.load(session)
        parties = Parties(index, None, {})
        for commissioner, associates, provider, start in rows:
            known = len(parties.new_providers)
            found = parties.provider(provider, None, start, emit)
            if found is not None and len(parties.new_providers) > known:  # as the writer does
                index.add(Organisation(name=found.name, kind="other"))
            parties.commissioner(commissioner, None, start, emit)
            parties.associates(associates or None, start, emit)
        seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def whole_import(database: Path, path: Path) -> tuple[float, int]:
    from contracts.store import db
    from importers import import_file

    engine = db.open_database(f"sqlite:///{database}")
    started = time.perf_counter()
    with db.session_factory(engine).begin() as session:
        report = import_file(session, path, skip_invalid=True, rejects=path.with_suffix(".rej.csv"))
    seconds = time.perf_counter() - started
    engine.dispose()
    assert report.rows_read == len(_rows(path)), report.render_text()[:2000]
    return seconds, len(report.new_organisations)


def measure(rows: int, folder: Path) -> tuple[float, float, int]:
    """The whole import, and (on a second fresh database) its name resolution alone."""
    from contracts.store import db

    path = folder / f"register-{rows}.csv"
    write_register(path, rows)
    for name in ("import.db", "resolve.db"):  # created at head, national data loaded
        db.open_database(f"sqlite:///{folder / name}").dispose()
    total, new = whole_import(folder / "import.db", path)
    resolving = resolve_only(folder / "resolve.db", path)
    return total, resolving, new


def main(sizes: list[int]) -> None:
    print(f"orgs bench on {platform.machine()}, Python {platform.python_version()}, SQLite")
    print(f"{'rows':>8} {'import s':>9} {'resolving s':>12} {'share':>6} {'new providers':>14}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            total, resolving, new = measure(size, Path(folder))
        print(f"{size:>8} {total:>9.2f} {resolving:>12.2f} {resolving / total:>6.1%} {new:>14}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
