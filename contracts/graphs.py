"""The two graph walks the domains share: joining sets, and following successors.

Duplicate sets are records joined by links, overlapping proposals are proposals
joined by a shared contract: both are one :class:`UnionFind`. An organisation's
successors (a merger, a rename) are followed by :func:`successor_chain` wherever
the chain matters: resolving names, footprints, duplicate blocking, the rules.
Plain Python with no imports from the rest of the tool, so every layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, Generic, Protocol, TypeVar


class _Ordered(Hashable, Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Ordered)
T = TypeVar("T")


class UnionFind(Generic[K]):
    """Disjoint sets of keys. The smallest key of a set is its root, so roots (and
    anything keyed on them) do not depend on the order the sets were joined in."""

    def __init__(self, items: Iterable[K] = ()) -> None:
        self.parent: dict[K, K] = {item: item for item in items}

    def __iter__(self) -> Iterator[K]:
        """Every key seen, in the order first seen."""
        return iter(list(self.parent))

    def find(self, item: K) -> K:
        """The root of ``item``'s set (a key seen for the first time is a set of its own)."""
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: K, b: K) -> bool:
        """Join the sets of ``a`` and ``b``; False if they were one already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True

    def groups(self) -> dict[K, list[K]]:
        """Each set by its root, members in the order first seen."""
        found: dict[K, list[K]] = {}
        for item in self:
            found.setdefault(self.find(item), []).append(item)
        return found


def successor_chain(start: T, successor: Callable[[T], T | None]) -> list[T]:
    """``start`` and what succeeded it, in order, as far as ``successor`` leads.

    A loop in the data (A → B → A) stops the walk at the first repeat, so bad
    reference data can never hang a lookup.
    """
    chain = [start]
    node = successor(start)
    while node is not None and node not in chain:
        chain.append(node)
        node = successor(node)
    return chain
