"""Candidate pairs by blocking, so the cost grows with the register, not its square.

Two copies of one contract share something cheap to index: the provider, the
provider's successor group, the provider's name without its legal form, a rare
word of the title, or the annual value.
Only contracts that share a block are compared (as splink and recordlinkage
do). A block bigger than ``block_cap`` would go quadratic, so its members are
compared only with their ``window`` nearest neighbours in two sort orders
(title, then value): the sorted-neighbourhood method. Blocks capped that way
are reported, never skipped silently.

Blocks are worked out on the register's columns (:mod:`contracts.duplicates.columns`):
a sort by key and id, then every small block's pairs at once for all blocks of
one size.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from contracts.duplicates.columns import MISSING, Bools, Ints, RegisterColumns, pair_levels
from contracts.duplicates.compare import MatchRecord, same_successor_chain

Pair = tuple[int, int]
Codes = NDArray[np.int64]
# A pair travels as one int, (smaller id << 32) | larger id: an array of them takes
# a fraction of the memory of tuples at millions of pairs.
_SHIFT = 32
_LOW = (1 << _SHIFT) - 1
# What an unknown annual value and an unknown start sort as in a capped block's value
# order: -£1, and the first day there is.
_NO_VALUE_PENCE = -100
_NO_START_DAY = 1

BLOCK_RULES = (
    "same provider",
    "same successor group",
    "provider names alike",
    "rare title word",
    "same annual value",
)


@dataclass
class BlockingResult:
    """The candidate pairs, and how many each rule produced (before overlaps are removed)."""

    # Encoded (see encode_pair), sorted and each pair once.
    pairs: Codes = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    produced: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BLOCK_RULES, 0))
    capped: list[str] = field(default_factory=list)


def sorted_unique(codes: Codes) -> Codes:
    """The codes sorted, each once (by sorting: NumPy's hashing unique is slower here)."""
    codes = np.sort(codes)
    if len(codes):
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    return codes


def encode_pair(a: int, b: int) -> int:
    return (a << _SHIFT) | b if a < b else (b << _SHIFT) | a


def encode_pairs(a: Ints, b: Ints) -> Codes:
    return (np.minimum(a, b) << _SHIFT) | np.maximum(a, b)


def decode_pair(code: int) -> Pair:
    return code >> _SHIFT, code & _LOW


@dataclass
class _Blocks:
    """Blocks of two or more: members (positions) by key then id, each block's start and size."""

    members: Ints
    starts: Ints
    sizes: Ints

    @classmethod
    def of(cls, keys: Ints, positions: Ints, ids: Ints) -> _Blocks:
        order = np.lexsort((ids[positions], keys))
        members, keys = positions[order], keys[order]
        edges = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        starts = np.concatenate(([0], edges)).astype(np.int64)
        sizes = np.diff(np.concatenate((starts, [len(keys)]))).astype(np.int64)
        several = sizes > 1
        return cls(members, starts[several], sizes[several])

    def where(self, keep: Bools) -> _Blocks:
        return _Blocks(self.members, self.starts[keep], self.sizes[keep])

    def mixed(self, values: Ints) -> Bools:
        """Which blocks hold more than one distinct value of ``values``."""
        if not len(self.starts):
            return np.zeros(0, dtype=np.bool_)
        ordered = values[self.members]
        lowest = np.minimum.reduceat(ordered, self.starts)
        highest = np.maximum.reduceat(ordered, self.starts)
        return lowest != highest


def _all_pairs(blocks: _Blocks) -> Iterator[tuple[Ints, Ints]]:
    """Every pair within each block, for all the blocks of one size at once."""
    for size in np.unique(blocks.sizes).tolist():
        at = blocks.starts[blocks.sizes == size]
        i, j = np.triu_indices(size, 1)
        yield blocks.members[(at[:, None] + i).ravel()], blocks.members[(at[:, None] + j).ravel()]


def _window_pairs(block: Ints, columns: RegisterColumns, window: int) -> tuple[Ints, Ints]:
    """Each member with its ``window`` nearest neighbours by title, then by value (and
    start, and id: an unknown value or start sorts first)."""
    ids = columns.ids[block]
    value = np.where(columns.annual_known[block], columns.annual[block], _NO_VALUE_PENCE)
    start = np.where(columns.start[block] == MISSING, _NO_START_DAY, columns.start[block])
    firsts, seconds = [], []
    for keys in ((ids, columns.title_rank[block]), (ids, start, value)):
        ranked = block[np.lexsort(keys)]
        for offset in range(1, min(window, len(block) - 1) + 1):
            firsts.append(ranked[:-offset])
            seconds.append(ranked[offset:])
    return np.concatenate(firsts), np.concatenate(seconds)


Allow = Callable[[Ints, Ints], Bools]


class _Blocker:
    """Runs the rules one after another, counting what each produced and capped."""

    def __init__(self, columns: RegisterColumns, cap: int, window: int) -> None:
        self.columns, self.cap, self.window = columns, cap, window
        self.result = BlockingResult()
        self.capped: Counter[str] = Counter()
        self.capped_members: Counter[str] = Counter()
        self.found: list[Codes] = []

    def run(self, rule: str, blocks: _Blocks, allow: Allow | None = None) -> None:
        """The rule's pairs, a batch at a time (one size of small block, or one capped
        block), each kept only as its codes: 8 bytes a pair at 3 million pairs."""
        over = blocks.sizes > self.cap
        self.capped[rule] += int(over.sum())
        self.capped_members[rule] += int(blocks.sizes[over].sum())
        capped = zip(blocks.starts[over].tolist(), blocks.sizes[over].tolist(), strict=True)
        windows = (
            _window_pairs(blocks.members[start : start + size], self.columns, self.window)
            for start, size in capped
        )
        for first, second in itertools.chain(_all_pairs(blocks.where(~over)), windows):
            if allow is not None and len(first):
                keep = allow(first, second)
                first, second = first[keep], second[keep]
            codes = encode_pairs(self.columns.ids[first], self.columns.ids[second])
            self.result.produced[rule] += len(codes)
            self.found.append(codes)

    def pairs(self) -> Codes:
        """Every pair found, sorted and each once (sorted in place: the found lists go first)."""
        codes = np.concatenate([np.zeros(0, dtype=np.int64), *self.found])
        self.found.clear()
        codes.sort()
        if len(codes):
            codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
        return codes

    def notes(self) -> list[str]:
        return [
            f"{rule}: {self.capped[rule]} blocks over {self.cap} contracts "
            f"({self.capped_members[rule]} contracts) compared with their {self.window} "
            "nearest neighbours by title and by value instead of all pairs"
            for rule in BLOCK_RULES
            if self.capped[rule]
        ]


def _succeeded(columns: RegisterColumns) -> Allow:
    """Pairs of two providers one of which succeeded the other (decided once per pair of
    providers): siblings in a later merger are different providers."""
    table = columns.provider_table

    def succeeded(x: int, y: int) -> int:
        a, b = table[x], table[y]
        return int(a.provider_id != b.provider_id and same_successor_chain(a, b))

    def allow(first: Ints, second: Ints) -> Bools:
        index = columns.provider_index
        return pair_levels(index[first], index[second], succeeded).astype(np.bool_)

    return allow


def _rare_words(columns: RegisterColumns, most: int) -> tuple[_Blocks, int]:
    """A block per title word found in 2 to ``most`` contracts; and how many words were
    in more (too common to say anything). Words long enough to mean something only:
    numbers and initials are too common."""
    numbers: dict[str, int] = {}
    words: list[int] = []
    owners: list[int] = []
    for position, key in enumerate(columns.title_sorted):
        for word in {w for w in key.split() if len(w) > 2 and not w.isdigit()}:
            words.append(numbers.setdefault(word, len(numbers)))
            owners.append(position)
    codes = np.array(words, dtype=np.int64)
    frequency = np.bincount(codes, minlength=len(numbers))
    chosen = ((frequency > 1) & (frequency <= most))[codes]
    positions = np.array(owners, dtype=np.int64)[chosen]
    return _Blocks.of(codes[chosen], positions, columns.ids), int((frequency > most).sum())


def _keyed(columns: RegisterColumns, keys: Ints, known: Bools) -> _Blocks:
    positions = np.flatnonzero(known)
    return _Blocks.of(keys[positions], positions, columns.ids)


def block(
    columns: RegisterColumns, *, block_cap: int, window: int, rare_token_max: int
) -> BlockingResult:
    """The pairs worth comparing, with per-rule counts and notes on capped blocks."""
    blocker = _Blocker(columns, block_cap, window)
    provider = columns.provider
    blocker.run("same provider", _keyed(columns, provider, provider != MISSING))
    groups = _keyed(columns, columns.group, columns.group != MISSING)
    # Pairs of one provider came from the rule above.
    blocker.run("same successor group", groups.where(groups.mixed(provider)), _succeeded(columns))

    # Two provider records whose names differ only in legal form or case ("… Ltd"): the
    # store may hold one body twice, and their contracts' copies must meet. A block of one
    # provider gives no pair (but still counts as capped when it is large).
    named = (columns.provider_key != MISSING) & ~columns.coded
    alike = _keyed(columns, columns.provider_key, named)
    mixed = alike.mixed(provider)
    over = alike.sizes > block_cap
    blocker.capped["provider names alike"] += int((over & ~mixed).sum())
    blocker.capped_members["provider names alike"] += int(alike.sizes[over & ~mixed].sum())
    blocker.run("provider names alike", alike.where(mixed), lambda a, b: provider[a] != provider[b])

    rare, common = _rare_words(columns, rare_token_max)
    blocker.run("rare title word", rare)
    blocker.run("same annual value", _keyed(columns, columns.annual, columns.annual_known))

    result = blocker.result
    result.pairs = blocker.pairs()
    result.capped = blocker.notes()
    if common:
        result.capped.append(
            f"rare title word: {common} title words in more than {rare_token_max} "
            "contracts were too common to make a block"
        )
    return result


def candidate_pairs(
    records: Sequence[MatchRecord], *, block_cap: int, window: int, rare_token_max: int
) -> BlockingResult:
    """:func:`block` for records already built."""
    return block(
        RegisterColumns.from_records(records),
        block_cap=block_cap,
        window=window,
        rare_token_max=rare_token_max,
    )
