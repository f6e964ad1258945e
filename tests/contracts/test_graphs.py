"""The shared graph walks: sets joined in any order come out the same; walks never loop."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contracts.graphs import UnionFind, successor_chain

edges = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=40)


def _components(pairs: list[tuple[int, int]]) -> set[frozenset[int]]:
    """Connected components by brute force: grow each set until nothing joins it."""
    sets = [{a, b} for a, b in pairs]
    merged = True
    while merged:
        merged = False
        for i in range(len(sets)):
            for j in range(i + 1, len(sets)):
                if sets[i] & sets[j]:
                    sets[i] |= sets.pop(j)
                    merged = True
                    break
            if merged:
                break
    return {frozenset(s) for s in sets}


@given(edges, st.randoms())
def test_union_find_gives_the_connected_components_whatever_the_order(pairs, rng) -> None:
    shuffled = list(pairs)
    rng.shuffle(shuffled)
    union: UnionFind[int] = UnionFind()
    for a, b in shuffled:
        union.union(a, b)
    groups = union.groups()
    assert {frozenset(g) for g in groups.values()} == _components(pairs)
    assert all(root == min(members) for root, members in groups.items())


def test_successor_chain_follows_to_the_end_and_stops_at_a_loop() -> None:
    assert successor_chain("RDD", {"RDD": "RAJ"}.get) == ["RDD", "RAJ"]
    assert successor_chain("A", {"A": "B", "B": "C", "C": "A"}.get) == ["A", "B", "C"]
    assert successor_chain("X", {}.get) == ["X"]
