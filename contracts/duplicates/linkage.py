"""From records to duplicate sets: block, compare, honour decisions, join into sets.

Pure (no database), so property tests can shuffle and extend the input freely.
A pair is linked when a person confirmed it, or when no definite rule forbids
it, nobody rejected it and its score reaches the threshold. Sets are the
connected components of the links, built strongest link first (Kruskal), so a
set's score is its weakest necessary link. A link that alone holds a set
together (a bridge) and scores below ``strong`` is flagged as a weak link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from contracts.duplicates.blocking import (
    BlockingResult,
    Pair,
    candidate_pairs,
    decode_pair,
    encode_pair,
)
from contracts.duplicates.compare import PairComparison, Record, ScoreBound, compare
from contracts.duplicates.weights import Weights

CONFIRMED = "confirmed"
REJECTED = "rejected"
CONFIRMED_RULE = "confirmed by a person"


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


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


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
    records: Sequence[Record],
    weights: Weights,
    decisions: Mapping[tuple[str, str], Decision] | None = None,
    *,
    min_score: float | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Linkage:
    """Duplicate sets among ``records``, honouring people's decisions."""
    decisions = decisions or {}
    threshold = weights.threshold if min_score is None else min_score
    by_id = {r.id: r for r in records}
    blocking = candidate_pairs(
        records,
        block_cap=weights.block_cap,
        window=weights.window,
        rare_token_max=weights.rare_token_max,
    )
    by_uid = {r.uid: r.id for r in records}
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
    blocking.pairs.update(encode_pair(a, b) for a, b in confirmed)
    pairs = sorted(blocking.pairs)
    blocking.pairs = set()  # the sorted list is all that is needed from here on
    blocking.produced[CONFIRMED_RULE] = len(confirmed)
    bound = ScoreBound(weights, threshold)

    links: list[Link] = []
    for done, code in enumerate(pairs, start=1):
        a, b = decode_pair(code)
        if (a, b) in confirmed:
            comparison = compare(by_id[a], by_id[b], weights)
            links.append(Link(a, b, comparison, confirmed[(a, b)], confirmed=True))
        elif (a, b) not in rejected and bound.could_link(by_id[a], by_id[b]):
            comparison = compare(by_id[a], by_id[b], weights)
            if comparison.definite is None and comparison.score >= threshold:
                links.append(Link(a, b, comparison))
        if on_progress is not None and done % 20000 == 0:
            on_progress(done, len(pairs))
    if on_progress is not None:
        on_progress(len(pairs), len(pairs))

    sets = _components(links, weights.strong)
    rejected_within: dict[int, list[Pair]] = {}
    member_set = {m: i for i, s in enumerate(sets) for m in s.member_ids}
    for a, b in sorted(rejected):
        if a in member_set and member_set[a] == member_set.get(b):
            rejected_within.setdefault(member_set[a], []).append((a, b))
    return Linkage(sets, blocking, len(pairs), rejected_within)


def _components(links: list[Link], strong: float) -> list[LinkedSet]:
    union = _UnionFind()
    tree: list[Link] = []
    for link in sorted(links, key=lambda link: (-link.strength, link.a_id, link.b_id)):
        if union.union(link.a_id, link.b_id):
            tree.append(link)
    members: dict[int, list[int]] = defaultdict(list)
    for node in union.parent:
        members[union.find(node)].append(node)
    tree_by_root: dict[int, list[Link]] = defaultdict(list)
    for link in tree:
        tree_by_root[union.find(link.a_id)].append(link)
    links_by_root: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        links_by_root[union.find(link.a_id)].append(link)
    sets = []
    for root, ids in members.items():
        ids.sort()
        inside = links_by_root[root]
        bridges = _bridges(ids, inside)
        weak = any((link.a_id, link.b_id) in bridges and link.strength < strong for link in inside)
        sets.append(LinkedSet(ids, tree_by_root[root], inside, weak))
    sets.sort(key=lambda s: s.member_ids)
    return sets
