"""A proposal's members: its stable ID, their hash, and counting each contract once.

Shared by the grouping, the stored proposals, the plan, the summary and the
workbook, so each computes IDs, re-review hashes and "contracts after" the
same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from contracts.graphs import UnionFind


def proposal_id(rule_name: str, uids: Iterable[str]) -> str:
    """Stable from the rule and its members, so a re-run finds the same proposal."""
    text = "\n".join([rule_name, *sorted(uids)])
    return "P-" + hashlib.sha1(text.encode()).hexdigest()[:10]


def members_hash(
    items: Iterable[tuple[str, Decimal | None, dt.date | None, dt.date | None]],
) -> str:
    """Hash of members' identities, annual values and dates: changes mean re-review."""
    lines = sorted(
        f"{uid}|{'' if value is None else f'{value:.2f}'}|{start or ''}|{end or ''}"
        for uid, value, start, end in items
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def overlap_groups(member_sets: dict[str, set[int]]) -> list[list[str]]:
    """Proposal IDs grouped where proposals share contracts (directly or through others).

    Proposals that share a contract cannot both be signed as they stand, so a
    group of overlapping proposals becomes one contract after: each contract
    is counted once.
    """
    union = UnionFind(sorted(member_sets))
    holder: dict[int, str] = {}
    for key in sorted(member_sets):
        for member in member_sets[key]:
            if member in holder:
                union.union(key, holder[member])
            else:
                holder[member] = key
    return sorted(union.groups().values())


def count_once(member_sets: Iterable[set[int]]) -> tuple[set[int], int]:
    """Contracts covered by any proposal, and how many contracts they become."""
    sets = {str(n): members for n, members in enumerate(member_sets) if members}
    covered = set().union(*sets.values()) if sets else set()
    return covered, len(overlap_groups(sets))
