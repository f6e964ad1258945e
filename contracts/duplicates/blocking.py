"""Candidate pairs by blocking, so the cost grows with the register, not its square.

Two copies of one contract share something cheap to index: the provider, the
provider's successor group, the provider's name without its legal form, a rare
word of the title, or the annual value.
Only contracts that share a block are compared (as splink and recordlinkage
do). A block bigger than ``block_cap`` would go quadratic, so its members are
compared only with their ``window`` nearest neighbours in two sort orders
(title, then value): the sorted-neighbourhood method. Blocks capped that way
are reported, never skipped silently.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from contracts.duplicates.compare import MatchRecord, same_successor_chain

Pair = tuple[int, int]
Codes = NDArray[np.int64]
# A pair travels as one int, (smaller id << 32) | larger id: an array of them takes
# a fraction of the memory of tuples at millions of pairs.
_SHIFT = 32
_LOW = (1 << _SHIFT) - 1

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


def decode_pair(code: int) -> Pair:
    return code >> _SHIFT, code & _LOW


def _title_order(record: MatchRecord) -> tuple[Any, ...]:
    return (" ".join(sorted(record.title_key.split())), record.id)


def _value_order(record: MatchRecord) -> tuple[Any, ...]:
    value = record.annual_value if record.annual_value is not None else Decimal(-1)
    # An unknown start sorts first: a date must be compared with a date, never with text.
    return (value, record.start_date or dt.date.min, record.id)


ORDERS: tuple[Callable[[MatchRecord], tuple[Any, ...]], ...] = (_title_order, _value_order)


def _block_pairs(
    members: Sequence[MatchRecord],
    cap: int,
    window: int,
    allow: Callable[[MatchRecord, MatchRecord], bool] | None = None,
) -> Codes:
    """All pairs of a small block; sorted-neighbourhood pairs of a large one (encoded)."""
    count = len(members)
    if count <= cap:
        first, second = np.triu_indices(count, 1)
    else:
        firsts, seconds = [], []
        for order in ORDERS:
            ranked = np.array(sorted(range(count), key=lambda k: order(members[k])))
            for offset in range(1, min(window, count - 1) + 1):
                firsts.append(ranked[:-offset])
                seconds.append(ranked[offset:])
        first, second = np.concatenate(firsts), np.concatenate(seconds)
    if allow is not None:
        keep = np.array(
            [
                allow(members[i], members[j])
                for i, j in zip(first.tolist(), second.tolist(), strict=True)
            ],
            dtype=np.bool_,
        )
        first, second = first[keep], second[keep]
    ids = np.array([m.id for m in members], dtype=np.int64)
    a, b = ids[first], ids[second]
    return (np.minimum(a, b) << _SHIFT) | np.maximum(a, b)


def _groups(
    records: Iterable[MatchRecord], key: Callable[[MatchRecord], Hashable | None]
) -> list[list[MatchRecord]]:
    grouped: dict[Hashable, list[MatchRecord]] = defaultdict(list)
    for record in records:
        value = key(record)
        if value is not None:
            grouped[value].append(record)
    # Sorted so the pairs (and any capped-block windows) do not depend on input order.
    return [sorted(g, key=lambda r: r.id) for g in grouped.values() if len(g) > 1]


def title_words(record: MatchRecord) -> set[str]:
    """Title words long enough to mean something (numbers and initials are too common)."""
    return {w for w in record.title_key.split() if len(w) > 2 and not w.isdigit()}


def candidate_pairs(
    records: Sequence[MatchRecord], *, block_cap: int, window: int, rare_token_max: int
) -> BlockingResult:
    """The pairs worth comparing, with per-rule counts and notes on capped blocks."""
    result = BlockingResult()
    capped: Counter[str] = Counter()
    capped_members: Counter[str] = Counter()
    found: list[Codes] = []

    def run(
        rule: str,
        blocks: list[list[MatchRecord]],
        allow: Callable[[MatchRecord, MatchRecord], bool] | None = None,
    ) -> None:
        for block in blocks:
            if len(block) > block_cap:
                capped[rule] += 1
                capped_members[rule] += len(block)
            codes = _block_pairs(block, block_cap, window, allow)
            result.produced[rule] += len(codes)
            found.append(codes)

    run("same provider", _groups(records, lambda r: r.provider_id))
    run(
        "same successor group",
        [
            group
            for group in _groups(records, lambda r: r.provider_group)
            if len({r.provider_id for r in group}) > 1
        ],
        # Pairs of one provider came from the rule above; siblings in a later
        # merger are different providers.
        allow=lambda a, b: a.provider_id != b.provider_id and same_successor_chain(a, b),
    )

    # Two provider records whose names differ only in legal form or case ("… Ltd"): the
    # store may hold one body twice, and their contracts' copies must meet.
    run(
        "provider names alike",
        _groups(records, lambda r: r.provider_key or None if not r.provider_coded else None),
        allow=lambda a, b: a.provider_id != b.provider_id,
    )

    words_of = {r.id: title_words(r) for r in records}
    frequency: Counter[str] = Counter(w for words in words_of.values() for w in words)
    by_word: dict[str, list[MatchRecord]] = defaultdict(list)
    for record in records:
        for word in words_of[record.id]:
            if 1 < frequency[word] <= rare_token_max:
                by_word[word].append(record)
    common = sum(1 for n in frequency.values() if n > rare_token_max)
    run("rare title word", [sorted(g, key=lambda r: r.id) for g in by_word.values()])
    run("same annual value", _groups(records, lambda r: r.annual_value))

    if found:
        result.pairs = sorted_unique(np.concatenate(found))
    for rule in BLOCK_RULES:
        if capped[rule]:
            result.capped.append(
                f"{rule}: {capped[rule]} blocks over {block_cap} contracts "
                f"({capped_members[rule]} contracts) compared with their {window} nearest "
                "neighbours by title and by value instead of all pairs"
            )
    if common:
        result.capped.append(
            f"rare title word: {common} title words in more than {rare_token_max} "
            "contracts were too common to make a block"
        )
    return result
