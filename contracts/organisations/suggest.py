"""Pairs of organisations in the store that are probably one body, with the evidence.

Imports add a provider for every name they cannot resolve, so one provider
can end up as several organisations ("Acme Care Ltd", "ACME CARE LIMTED",
"Acme Care Servi" cut by a finance system). This finds such pairs for a
person to settle with ``orgs merge`` or ``orgs alias``; it never merges
anything itself. Every suggestion says why, and two bodies of the reference
data (each with its own official code) are never suggested: "West Sussex
County Council" is not a spelling of "Essex County Council".
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from contracts.organisations.names import normalise_name, simplify
from contracts.store.models import Contract, Organisation

# A pair is listed from this whole-name similarity (0..100) of normalised names
# up, and only if the words that differ look like misspellings of each other.
NAME_SCORE = 88.0
WORD_SCORE = 80.0
TRUNCATED_MIN_LENGTH = 20
# A code set off at the end of a name: "Mid & South Essex FT - RAJ", "Provide (NQA)".
_CODE = re.compile(r"(?:\s[-–]\s*|\(\s*|\[\s*)([A-Za-z0-9]{3,9})\s*[)\]]?\s*$")


@dataclass
class PairSuggestion:
    """Two organisations that are probably one, how sure, and why."""

    first: Organisation
    second: Organisation
    score: float
    evidence: list[str] = field(default_factory=list)

    @property
    def command(self) -> str:
        """The command that settles it: the first gives way to the second."""
        keep, other = self.second, self.first
        return f'contracts orgs merge "{other.name}" ' + (keep.code or f'"{keep.name}"')

    def as_dict(self) -> dict[str, object]:
        return {
            "score": round(self.score, 1),
            "organisation": self.first.name,
            "organisation_code": self.first.code,
            "same_as": self.second.name,
            "same_as_code": self.second.code,
            "evidence": self.evidence,
            "command": self.command,
        }


def _spellings(org: Organisation) -> list[str]:
    return [org.name, *(a.alias for a in org.aliases)]


def _words_differ_by_misspelling(a: str, b: str) -> bool:
    """Whether every word one name has and the other lacks is a near-spelling of one it has."""
    left = [w for w in a.split() if w not in b.split()]
    right = [w for w in b.split() if w not in a.split()]
    if len(left) != len(right):
        return False
    return all(any(fuzz.ratio(word, other) >= WORD_SCORE for other in right) for word in left)


def _is_reference(org: Organisation) -> bool:
    return org.origin == "reference" and bool(org.ods_code or org.gss_code)


def suggest_pairs(session: Session, *, limit: int | None = None) -> list[PairSuggestion]:
    """Likely pairs, best first: each with a score (0..100) and its evidence."""
    orgs = list(
        session.scalars(
            select(Organisation)
            .options(selectinload(Organisation.aliases))
            .order_by(Organisation.id)
        )
    )
    keys = [normalise_name(o.name) for o in orgs]
    by_code = {c.lower(): o for o in orgs for c in (o.ods_code, o.gss_code) if c}
    found: dict[tuple[int, int], PairSuggestion] = {}

    def note(a: Organisation, b: Organisation, score: float, evidence: str) -> None:
        if a.id == b.id or (_is_reference(a) and _is_reference(b)):
            return
        # The second is the one to keep: the reference body, else the fuller name, else the older.
        if (_is_reference(a), len(a.name), -a.id) > (_is_reference(b), len(b.name), -b.id):
            a, b = b, a
        pair = found.setdefault((a.id, b.id), PairSuggestion(a, b, 0.0))
        pair.score = max(pair.score, score)
        if evidence not in pair.evidence:
            pair.evidence.append(evidence)

    # Names: every organisation not from the reference data against all others.
    candidates = [i for i, o in enumerate(orgs) if not _is_reference(o)]
    for i in candidates:
        close = process.extract(
            keys[i], keys, scorer=fuzz.ratio, score_cutoff=NAME_SCORE, limit=None
        )
        for _, score, j in close:
            a, b = orgs[i], orgs[j]
            if keys[i] == keys[j]:
                note(a, b, 100.0, f"the same name once normalised ('{keys[i]}')")
            elif _words_differ_by_misspelling(keys[i], keys[j]):
                note(a, b, score, f"names {score:.0f}% alike, differing only by misspelt words")
    # A name cut short by a finance system, and codes written into names.
    simple = sorted((simplify(s), o.id) for o in orgs for s in _spellings(o))
    by_id = {o.id: o for o in orgs}
    for i in candidates:
        org = orgs[i]
        cut = simplify(org.name)
        if len(cut) >= TRUNCATED_MIN_LENGTH:
            longer = set()
            for s, oid in simple[bisect.bisect_left(simple, (cut, -1)) :]:
                if not s.startswith(cut):
                    break
                if len(s) > len(cut):
                    longer.add(oid)
            if len(longer - {org.id}) == 1:
                other = by_id[next(iter(longer - {org.id}))]
                note(org, other, 95.0, f"'{org.name}' is the start of '{other.name}' (cut short)")
        for spelling in _spellings(org):
            for code in _CODE.findall(spelling):
                coded = by_code.get(code.lower())
                if coded is not None:
                    note(org, coded, 98.0, f"'{spelling}' carries the code {coded.code}")
    _contracts_alike(session, found, by_id, note)
    ranked = sorted(found.values(), key=lambda p: (-p.score, p.first.name, p.second.name))
    return ranked[:limit] if limit else ranked


def _contracts_alike(
    session: Session,
    found: dict[tuple[int, int], PairSuggestion],
    by_id: dict[int, Organisation],
    note: Callable[[Organisation, Organisation, float, str], None],
) -> None:
    """Evidence from the register: the two providers hold contracts with one reference."""
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    rows = session.execute(
        select(
            Contract.provider_id, func.lower(Contract.reference), func.lower(Contract.title)
        ).where(Contract.provider_id.is_not(None), Contract.reference.is_not(None))
    )
    for provider_id, reference, title in rows:
        holders[(reference, title)].add(provider_id)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for providers in holders.values():
        if 1 < len(providers) <= 5:
            ordered = sorted(providers)
            for n, a in enumerate(ordered):
                for b in ordered[n + 1 :]:
                    shared[(a, b)] += 1
    for (a, b), count in shared.items():
        pair = found.get((a, b)) or found.get((b, a))
        evidence = f"{count} contract(s) with the same reference and title under each"
        if pair is not None:
            pair.score = min(100.0, pair.score + 2.0)
            pair.evidence.append(evidence)
        else:
            note(by_id[a], by_id[b], 70.0, evidence)
