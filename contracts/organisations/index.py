"""Organisations: resolving the many spellings of a name, aliases, mergers.

Registers name organisations by code, full name, abbreviation, in capitals,
or cut to 30 characters by a finance system. :class:`OrganisationIndex`
resolves all of these in memory, so an import of 100,000 rows does not ask
the database once per row.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contracts.errors import ContractsError, OrganisationNotFound
from contracts.graphs import successor_chain
from contracts.organisations.names import normalise_name, simplify
from contracts.organisations.national_data import read_national
from contracts.organisations.national_load import LoadReport, load_national, renormalise_aliases
from contracts.store import audit
from contracts.store.models import Organisation, OrganisationAlias, OrganisationKind

# Finance systems cut names at 30 characters; a name at least this long that
# is the start of exactly one known name is taken to be that name, cut short.
TRUNCATED_MIN_LENGTH = 20
# Below this rapidfuzz score a suggestion is more noise than help.
SUGGESTION_MIN_SCORE = 70.0
# A part of a name this long or longer may match on its own ("Basildn and Thurock").
PARTIAL_MIN_LENGTH = 8


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    score: float  # 0..100


class OrganisationIndex:
    """Every organisation's names and codes, normalised, for fast lookups.

    Built once per import (or command) from one query; every lookup after that
    is a dictionary hit, a binary search (a name cut short) or one pass of
    rapidfuzz's C scorers (a "did you mean"), so resolving 100,000 rows costs
    little more than their distinct spellings.
    """

    def __init__(
        self,
        organisations: list[Organisation],
        aliases: dict[int, list[str]] | None = None,
    ) -> None:
        self._by_key: dict[str, Organisation] = {}
        self._simple: list[tuple[str, int]] = []  # (simplified name, id(org)), kept sorted
        self._sorted = False
        self._objects: dict[int, Organisation] = {}
        self._by_id: dict[int, Organisation] = {}
        # Keys a "did you mean" compares against, kept up to date as organisations are
        # added: (all, commissioners only) × (every key, names without codes, long keys).
        self._choices: dict[tuple[bool, str], list[str]] = defaultdict(list)
        # Names without codes, shortest first, with their lengths alongside for bisect.
        self._by_length: dict[bool, tuple[list[int], list[str]]] = {
            False: ([], []),
            True: ([], []),
        }
        # "Did you mean" texts already worked out: one misspelling on every row of a
        # large register is looked up once, not once a row.
        self._hints: dict[tuple[str, bool], str] = {}
        for organisation in organisations:
            known = None if aliases is None else aliases.get(organisation.id, [])
            self.add(organisation, aliases=known)
        self._simple.sort()
        self._sorted = True

    @classmethod
    def load(cls, session: Session) -> OrganisationIndex:
        """Two plain queries: the organisations, and every alias as (organisation, text)."""
        organisations = list(session.scalars(select(Organisation)))
        aliases: dict[int, list[str]] = defaultdict(list)
        for organisation_id, alias in session.execute(
            select(OrganisationAlias.organisation_id, OrganisationAlias.alias)
        ):
            aliases[organisation_id].append(alias)
        return cls(organisations, aliases)

    def add(
        self,
        organisation: Organisation,
        *spellings: str,
        aliases: list[str] | None = None,
    ) -> None:
        """Index an organisation under its name, codes, aliases and ``spellings``.

        ``aliases`` stands for ``organisation.aliases`` when the caller read them
        already, so a large index never loads them one organisation at a time.
        """
        self._hints.clear()
        if organisation.id is not None:
            self._by_id[organisation.id] = organisation
        self._objects[id(organisation)] = organisation
        if aliases is None:
            aliases = [a.alias for a in organisation.aliases]
        names = [organisation.name, *spellings, *aliases]
        codes = [c for c in (organisation.ods_code, organisation.gss_code) if c]
        for text in [*names, *codes]:
            key = normalise_name(text)
            if key not in self._by_key:
                self._by_key[key] = organisation
                self._choose(key, organisation)
        for text in names:
            entry = (simplify(text), id(organisation))
            if self._sorted:  # one more provider during an import: insert in place
                bisect.insort(self._simple, entry)
            else:
                self._simple.append(entry)

    @property
    def organisations(self) -> list[Organisation]:
        unique = {id(o): o for o in self._by_key.values()}
        return sorted(unique.values(), key=lambda o: o.name)

    def get(self, organisation_id: int) -> Organisation | None:
        return self._by_id.get(organisation_id)

    def resolve(self, text: str | None, on: dt.date | None = None) -> Organisation | None:
        """The organisation ``text`` names (code, spelling or truncation), or None.

        With ``on``, a body that had closed by then gives way to its successor
        open on that date: "Basildon Hospital" is RDD in 2016 and RAJ in 2021.
        """
        if not text or not text.strip():
            return None
        key = normalise_name(text)
        found = self._by_key.get(key)
        if found is None:
            found = self._without_legal_ending(key)
        if found is None:
            found = self._truncated(simplify(text))
        if found is not None and on is not None:
            return self.on_date(found, on)
        return found

    def _without_legal_ending(self, key: str) -> Organisation | None:
        """A trust or council named without what it is: "Norfolk and Norwich University
        Hospitals" (NHS FT), "Norfolk CC" (county or city council)."""
        if key.endswith(" cc"):
            stem = key[:-3]
            return self._by_key.get(f"{stem} county council") or self._by_key.get(f"{stem} council")
        return self._by_key.get(f"{key} ft") or self._by_key.get(f"{key} trust")

    def _truncated(self, simple: str) -> Organisation | None:
        """The one organisation with a name that starts with ``simple``, a name cut short."""
        if len(simple) < TRUNCATED_MIN_LENGTH:
            return None
        start = bisect.bisect_left(self._simple, (simple, -1))
        owners = set()
        for name, owner in itertools.islice(self._simple, start, None):
            if not name.startswith(simple):
                break
            owners.add(owner)
            if len(owners) > 1:
                return None
        return self._objects[owners.pop()] if owners else None

    def on_date(self, organisation: Organisation, on: dt.date) -> Organisation:
        """``organisation``, or the successor that carried on its work by ``on``."""

        def carried_on_by(org: Organisation) -> Organisation | None:
            closed = org.close_date is not None and org.close_date < on
            return self._by_id.get(org.successor_id or -1) if closed else None

        return successor_chain(organisation, carried_on_by)[-1]

    def suggest(
        self,
        text: str,
        *,
        commissioners_only: bool = False,
        parts: bool = True,
        min_score: float = SUGGESTION_MIN_SCORE,
    ) -> Suggestion | None:
        """The nearest known name, for "did you mean …?" messages.

        ``parts=False`` compares whole names only (a tenth of the time): enough
        to warn that a new name looks like a misspelling of a known one.
        """
        if not text.strip():
            return None
        query = normalise_name(text)
        keys = self._choices[(commissioners_only, "all")]
        if not parts:
            keys = self._length_band(commissioners_only, len(query), min_score)
        long_keys = self._choices[(commissioners_only, "long")]
        if not keys:
            return None
        # name_similarity, computed with rapidfuzz's C scorers over all names at once.
        best = process.extractOne(query, keys, scorer=fuzz.ratio, score_cutoff=min_score)
        if parts and len(query) >= PARTIAL_MIN_LENGTH and long_keys:
            partial = process.extractOne(query, long_keys, scorer=fuzz.partial_ratio)
            if partial is not None and (best is None or 0.9 * partial[1] > best[1]):
                best = (partial[0], 0.9 * partial[1], partial[2])
        if best is None or best[1] < min_score:
            return None
        return Suggestion(self._by_key[best[0]], float(best[1]))

    def _length_band(self, commissioners_only: bool, length: int, min_score: float) -> list[str]:
        """Names long or short enough to reach ``min_score`` by fuzz.ratio at all.

        ratio = 2·matches / (len a + len b), so a name more than about a third
        longer or a quarter shorter cannot reach 85: no need to compare it.
        """
        lengths, keys = self._by_length[commissioners_only]
        share = max(min_score, 1.0) / 100
        low = math.ceil(length * share / (2 - share))
        high = math.floor(length * (2 - share) / share)
        return keys[bisect.bisect_left(lengths, low) : bisect.bisect_right(lengths, high)]

    def _choose(self, key: str, organisation: Organisation) -> None:
        code_like = " " not in key and any(c.isdigit() for c in key)
        for commissioners in {False, bool(organisation.is_commissioner)}:
            self._choices[(commissioners, "all")].append(key)
            if not code_like:
                lengths, keys = self._by_length[commissioners]
                at = bisect.bisect_right(lengths, len(key))
                lengths.insert(at, len(key))
                keys.insert(at, key)
            if len(key) >= PARTIAL_MIN_LENGTH:
                self._choices[(commissioners, "long")].append(key)

    def hint(self, text: str, *, commissioners_only: bool = False) -> str:
        """ "; did you mean 'X'?" for an error message about ``text``, or ""."""
        key = (text, commissioners_only)
        if key not in self._hints:
            suggestion = self.suggest(text, commissioners_only=commissioners_only)
            name = suggestion.organisation.name if suggestion else None
            self._hints[key] = f"; did you mean '{name}'?" if name else ""
        return self._hints[key]


def name_similarity(a: str, b: str, **_: object) -> float:
    """0..100: whole-name similarity, or a slightly discounted match of a part.

    The partial match lets "Basildn and Thurock" find the long trust name it
    misspells, where a plain ratio prefers a short name of similar length.
    """
    partial = 0.9 * fuzz.partial_ratio(a, b) if min(len(a), len(b)) >= PARTIAL_MIN_LENGTH else 0.0
    return max(fuzz.ratio(a, b), partial)


def successor_root(organisation: Organisation) -> Organisation:
    """The organisation at the end of the successor chain (itself if none)."""
    return successor_chain(organisation, lambda org: org.successor)[-1]


def find_organisation(session: Session, text: str) -> Organisation:
    """The organisation ``text`` names, or an error that suggests the nearest one."""
    index = OrganisationIndex.load(session)
    found = index.resolve(text)
    if found is not None:
        return found
    hint = index.hint(text)
    raise OrganisationNotFound(f"no organisation is called or coded '{text}'{hint}")


def list_organisations(session: Session) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .options(
                selectinload(Organisation.aliases),
                selectinload(Organisation.successor),
                selectinload(Organisation.parent),
            )
            .order_by(Organisation.is_commissioner.desc(), Organisation.name)
        )
    )


def add_alias(session: Session, alias: str, organisation_text: str) -> OrganisationAlias:
    """Teach the tool another spelling or code of an organisation."""
    organisation = find_organisation(session, organisation_text)
    key = normalise_name(alias)
    if not key:
        raise ContractsError("an alias needs at least one letter or digit")
    existing = session.scalar(select(OrganisationAlias).where(OrganisationAlias.normalised == key))
    if existing is not None:
        if existing.organisation_id == organisation.id:
            return existing
        raise ContractsError(
            f"'{alias}' already names '{existing.organisation.name}'; "
            "an alias can name one organisation only"
        )
    clash = OrganisationIndex.load(session).resolve(alias)
    if clash is not None and clash.id != organisation.id:
        raise ContractsError(f"'{alias}' already names '{clash.name}'")
    created = OrganisationAlias(organisation=organisation, alias=alias, normalised=key)
    session.add(created)
    audit.record(
        session,
        action="alias added",
        entity_type="organisation",
        entity_id=organisation.id,
        after={"alias": alias},
    )
    return created


def merge_organisations(session: Session, old_text: str, new_text: str) -> Organisation:
    """Record that ``new`` succeeds ``old``; nothing is deleted or re-pointed."""
    old = find_organisation(session, old_text)
    new = find_organisation(session, new_text)
    if old.id == new.id:
        raise ContractsError(f"'{old.name}' cannot succeed itself")
    if successor_root(new).id == old.id:
        raise ContractsError(f"'{new.name}' already leads to '{old.name}'; that would be a loop")
    before = {"successor": old.successor.name if old.successor else None}
    old.successor = new
    audit.record(
        session,
        action="organisation merged",
        entity_type="organisation",
        entity_id=old.id,
        before=before,
        after={"successor": new.name},
    )
    return old


# The fields an organisation's JSON gives as they are, before its dates and links.
_PLAIN = ("id", "name", "kind", "ods_code", "gss_code", "code", "is_commissioner", "footprint")


def organisation_json(organisation: Organisation) -> dict[str, Any]:
    return {
        **{name: getattr(organisation, name) for name in _PLAIN},
        "open_date": organisation.open_date.isoformat() if organisation.open_date else None,
        "close_date": organisation.close_date.isoformat() if organisation.close_date else None,
        "successor": organisation.successor.name if organisation.successor else None,
        "successor_code": organisation.successor.code if organisation.successor else None,
        "tier": organisation.tier,
        "part_of": organisation.parent.name if organisation.parent else None,
        "part_of_code": organisation.parent.code if organisation.parent else None,
        "origin": organisation.origin,
        "aliases": sorted(a.alias for a in organisation.aliases),
    }


COMMISSIONING_KINDS = ("CCG", "ICB", "local authority", "NHS England")
_GSS_CODE = re.compile(r"^[EWSN]\d{8}$")


def add_organisation(
    session: Session,
    name: str,
    kind: str,
    *,
    code: str | None = None,
    commissioner: bool | None = None,
) -> Organisation:
    """A body the reference data lacks; its name and code become spellings of it."""
    name = " ".join(name.split())
    kinds = [k.value for k in OrganisationKind]
    if kind not in kinds:
        listed = ", ".join(f"'{k}'" for k in kinds)
        raise ContractsError(f"'{kind}' is not a kind of organisation; use one of {listed}")
    if not normalise_name(name):
        raise ContractsError("an organisation needs a name with at least one letter or digit")
    index = OrganisationIndex.load(session)
    for text in (name, code):
        clash = index.resolve(text) if text else None
        if clash is not None:
            raise ContractsError(
                f"'{text}' already names '{clash.name}' ({clash.code or 'no code'}); "
                "use contracts orgs alias to add a spelling of it"
            )
    code = code.strip().upper() if code else None
    is_gss = bool(code and _GSS_CODE.match(code))
    organisation = Organisation(
        name=name,
        kind=kind,
        ods_code=None if is_gss else code,
        gss_code=code if is_gss else None,
        is_commissioner=kind in COMMISSIONING_KINDS if commissioner is None else commissioner,
        origin="user",
    )
    session.add(organisation)
    session.flush()
    taken = set(session.scalars(select(OrganisationAlias.normalised)))
    for text in (name, code):
        key = normalise_name(text) if text else ""
        if key and key not in taken:
            taken.add(key)
            session.add(OrganisationAlias(organisation=organisation, alias=text, normalised=key))
    audit.record(
        session,
        action="organisation added",
        entity_type="organisation",
        entity_id=organisation.id,
        after={"name": name, "kind": kind, "code": code},
    )
    return organisation


def load_reference(session: Session, directory: Path | None = None) -> LoadReport:
    """Bring the store up to date with the reference data (the shipped files, or ``directory``)."""
    national = read_national(directory)
    session.flush()  # the upsert reads the tables directly: pending changes first
    connection = session.connection()
    renormalise_aliases(connection)
    report = load_national(connection, national)
    session.expire_all()
    audit.record(
        session,
        action="reference data loaded",
        entity_type="organisations",
        entity_id=str(directory or "shipped"),
        after={"summary": report.summary(), "adopted": report.adopted},
    )
    return report
