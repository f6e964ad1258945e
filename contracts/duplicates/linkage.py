"""From records to duplicate sets: block, compare, honour decisions, join into sets.

Pure (no database), so property tests can shuffle and extend the input freely.
A pair is linked when a person confirmed it, or when no definite rule forbids
it, nobody rejected it and its score reaches the threshold. Sets are the
connected components of the links, built strongest link first (Kruskal), so a
set's score is its weakest necessary link; a register records a contract once,
so a link that would put two records of one register in one set is held apart.
A link that alone holds a set together (a bridge) and scores below ``strong``
is flagged as a weak link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from contracts.duplicates.blocking import (
    _LOW,
    _SHIFT,
    BlockingResult,
    Pair,
    block,
    encode_pair,
    sorted_unique,
)
from contracts.duplicates.columns import RegisterColumns
from contracts.duplicates.compare import MatchRecord, PairComparison, compare
from contracts.duplicates.pair_scores import PairScorer
from contracts.duplicates.weights import Weights
from contracts.graphs import UnionFind

CONFIRMED = "confirmed"
REJECTED = "rejected"
CONFIRMED_RULE = "confirmed by a person"
# Candidate pairs scored together: enough to keep NumPy busy, few enough to keep memory flat.
_CHUNK = 200_000


@dataclass(frozen=True)
class Decision:
    decision: str  # CONFIRMED or REJECTED
    decided_by: str | None = None


def uid_pair(a: str, b: str) -> tuple[str, str]:
    """Decisions key on the two uids, smaller first."""
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class Link:
    a_id: int
    b_id: int
    comparison: PairComparison
    confirmed_by: str | None = None
    confirmed: bool = False

    @property
    def strength(self) -> float:
        return 1.0 if self.confirmed else self.comparison.score

    @property
    def reasons(self) -> list[str]:
        if not self.confirmed:
            return self.comparison.reasons
        who = f" by {self.confirmed_by}" if self.confirmed_by else ""
        return [f"confirmed as a duplicate{who}", *self.comparison.reasons]


@dataclass
class LinkedSet:
    member_ids: list[int]
    tree: list[Link]  # the links that join the set, strongest first
    links: list[Link]  # every link inside the set
    weak_link: bool

    @property
    def weakest(self) -> Link:
        return min(self.tree, key=lambda link: (link.strength, link.a_id, link.b_id))


@dataclass
class Linkage:
    sets: list[LinkedSet]
    blocking: BlockingResult
    pairs_compared: int
    rejected_within: dict[int, list[Pair]] = field(default_factory=dict)
    # Links not followed: they would have put two records of one register in one set.
    held_apart: list[Link] = field(default_factory=list)


def _bridges(nodes: Sequence[int], links: Sequence[Link]) -> set[Pair]:
    """Links whose removal splits the set (Tarjan, iterative)."""
    adjacent: dict[int, list[tuple[int, Pair]]] = defaultdict(list)
    for link in links:
        key = (link.a_id, link.b_id)
        adjacent[link.a_id].append((link.b_id, key))
        adjacent[link.b_id].append((link.a_id, key))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    bridges: set[Pair] = set()
    for start in nodes:
        if start in order:
            continue
        order[start] = low[start] = len(order)
        stack: list[tuple[int, Pair | None, int]] = [(start, None, 0)]
        while stack:
            node, via, index = stack[-1]
            if index < len(adjacent[node]):
                stack[-1] = (node, via, index + 1)
                neighbour, key = adjacent[node][index]
                if key == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, key, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent] and via is not None:
                        bridges.add(via)
    return bridges


def link_records(
    records: Sequence[MatchRecord],
    weights: Weights,
    decisions: Mapping[tuple[str, str], Decision] | None = None,
    *,
    min_score: float | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Linkage:
    """Duplicate sets among ``records``, honouring people's decisions."""
    columns = RegisterColumns.from_records(records)
    return link_columns(columns, weights, decisions, min_score=min_score, on_progress=on_progress)


def _decided(
    columns: RegisterColumns, decisions: Mapping[tuple[str, str], Decision]
) -> tuple[dict[Pair, str | None], set[Pair]]:
    """People's decisions on contracts in the register, as pairs of ids: the confirmed
    ones (with who confirmed them) and the rejected ones."""
    wanted = {uid for pair in decisions for uid in pair}
    by_uid = {uid: int(columns.ids[i]) for i, uid in enumerate(columns.uids) if uid in wanted}
    confirmed: dict[Pair, str | None] = {}
    rejected: set[Pair] = set()
    for (uid_a, uid_b), decision in decisions.items():
        a, b = by_uid.get(uid_a), by_uid.get(uid_b)
        if a is None or b is None or a == b:
            continue
        pair = (a, b) if a < b else (b, a)
        if decision.decision == CONFIRMED:
            confirmed[pair] = decision.decided_by
        else:
            rejected.add(pair)
    return confirmed, rejected


def link_columns(
    columns: RegisterColumns,
    weights: Weights,
    decisions: Mapping[tuple[str, str], Decision] | None = None,
    *,
    min_score: float | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Linkage:
    """Duplicate sets among the register's contracts, honouring people's decisions."""
    threshold = weights.threshold if min_score is None else min_score
    blocking = block(
        columns,
        block_cap=weights.block_cap,
        window=weights.window,
        rare_token_max=weights.rare_token_max,
    )
    confirmed, rejected = _decided(columns, decisions or {})
    pairs = blocking.pairs
    if confirmed:
        extra = np.array([encode_pair(a, b) for a, b in confirmed], dtype=np.int64)
        pairs = sorted_unique(np.concatenate([pairs, extra]))
    blocking.produced[CONFIRMED_RULE] = len(confirmed)
    position = columns.positions()
    records: dict[int, MatchRecord] = {}

    def record(contract_id: int) -> MatchRecord:
        found = records.get(contract_id)
        if found is None:
            found = records[contract_id] = columns.record(int(position[contract_id]))
        return found

    links = [
        Link(a, b, compare(record(a), record(b), weights), confirmed[(a, b)], confirmed=True)
        for a, b in sorted(confirmed)
    ]
    decided = np.array(
        sorted(encode_pair(a, b) for a, b in (*confirmed, *rejected)), dtype=np.int64
    )
    scorer = PairScorer(columns, weights, threshold)
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start : start + _CHUNK]
        if len(decided):
            chunk = chunk[~np.isin(chunk, decided)]
        a_ids, b_ids = chunk >> _SHIFT, chunk & _LOW
        likely = scorer.could_link(position[a_ids], position[b_ids])
        for a, b in zip(a_ids[likely].tolist(), b_ids[likely].tolist(), strict=True):
            comparison = compare(record(a), record(b), weights)
            if comparison.definite is None and comparison.score >= threshold:
                links.append(Link(a, b, comparison))
        if on_progress is not None:
            on_progress(min(start + _CHUNK, len(pairs)), len(pairs))

    sources = {i: record(i).source for link in links for i in (link.a_id, link.b_id)}
    sets, held_apart = _components(links, weights.strong, sources)
    rejected_within: dict[int, list[Pair]] = {}
    member_set = {m: i for i, s in enumerate(sets) for m in s.member_ids}
    for a, b in sorted(rejected):
        if a in member_set and member_set[a] == member_set.get(b):
            rejected_within.setdefault(member_set[a], []).append((a, b))
    return Linkage(sets, blocking, len(pairs), rejected_within, held_apart)


def _components(
    links: list[Link], strong: float, source_of: Mapping[int, str]
) -> tuple[list[LinkedSet], list[Link]]:
    """Sets joined strongest link first, each register at most once per set.

    A register records a contract once, so a link that would put two records of
    one register into one set is not followed (unless a person confirmed it):
    it is the weaker evidence against a stronger one. Returns the sets and the
    links held apart.
    """
    union: UnionFind[int] = UnionFind()
    sources: dict[int, set[str]] = {}
    tree: list[Link] = []
    held_apart: list[Link] = []
    for link in sorted(links, key=lambda link: (-link.strength, link.a_id, link.b_id)):
        ra, rb = union.find(link.a_id), union.find(link.b_id)
        if ra == rb:
            continue
        in_a = sources.pop(ra, {source_of[link.a_id]})
        in_b = sources.pop(rb, {source_of[link.b_id]})
        if in_a & in_b and not link.confirmed:
            sources[ra], sources[rb] = in_a, in_b
            held_apart.append(link)
            continue
        union.union(link.a_id, link.b_id)
        sources[union.find(link.a_id)] = in_a | in_b
        tree.append(link)
    members = union.groups()
    tree_by_root: dict[int, list[Link]] = defaultdict(list)
    for link in tree:
        tree_by_root[union.find(link.a_id)].append(link)
    links_by_root: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        root = union.find(link.a_id)
        if root == union.find(link.b_id):
            links_by_root[root].append(link)
    sets = []
    for root, ids in members.items():
        if len(ids) < 2:  # touched only by a link held apart
            continue
        ids.sort()
        inside = links_by_root[root]
        bridges = _bridges(ids, inside)
        weak = any((link.a_id, link.b_id) in bridges and link.strength < strong for link in inside)
        sets.append(LinkedSet(ids, tree_by_root[root], inside, weak))
    sets.sort(key=lambda s: s.member_ids)
    return sets, held_apart
