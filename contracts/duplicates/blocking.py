"""Candidate pairs by blocking, so the cost grows with the register, not its square.

Two copies of one contract share something cheap to index: the provider, the
provider's successor group, a rare word of the title, or the annual value.
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

from contracts.duplicates.compare import Record, same_successor_chain

Pair = tuple[int, int]
# A pair travels as one int, (smaller id << 32) | larger id: a set of ints takes
# a fraction of the memory of a set of tuples at millions of pairs.
_SHIFT = 32
_LOW = (1 << _SHIFT) - 1

BLOCK_RULES = ("same provider", "same successor group", "rare title word", "same annual value")


@dataclass
class BlockingResult:
    """The candidate pairs, and how many each rule produced (before overlaps are removed)."""

    pairs: set[int] = field(default_factory=set)  # encoded, see encode_pair
    produced: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BLOCK_RULES, 0))
    capped: list[str] = field(default_factory=list)


def encode_pair(a: int, b: int) -> int:
    return (a << _SHIFT) | b if a < b else (b << _SHIFT) | a


def decode_pair(code: int) -> Pair:
    return code >> _SHIFT, code & _LOW


def _title_order(record: Record) -> tuple[Any, ...]:
    return (" ".join(sorted(record.title_key.split())), record.id)


def _value_order(record: Record) -> tuple[Any, ...]:
    value = record.annual_value if record.annual_value is not None else Decimal(-1)
    # An unknown start sorts first: a date must be compared with a date, never with text.
    return (value, record.start_date or dt.date.min, record.id)


ORDERS: tuple[Callable[[Record], tuple[Any, ...]], ...] = (_title_order, _value_order)


def _block_pairs(
    members: Sequence[Record],
    cap: int,
    window: int,
    allow: Callable[[Record, Record], bool] | None = None,
) -> Iterable[int]:
    """All pairs of a small block; sorted-neighbourhood pairs of a large one."""
    if len(members) <= cap:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if allow is None or allow(a, b):
                    yield encode_pair(a.id, b.id)
        return
    for order in ORDERS:
        ranked = sorted(members, key=order)
        for i, a in enumerate(ranked):
            for b in ranked[i + 1 : i + 1 + window]:
                if allow is None or allow(a, b):
                    yield encode_pair(a.id, b.id)


def _groups(
    records: Iterable[Record], key: Callable[[Record], Hashable | None]
) -> list[list[Record]]:
    grouped: dict[Hashable, list[Record]] = defaultdict(list)
    for record in records:
        value = key(record)
        if value is not None:
            grouped[value].append(record)
    # Sorted so the pairs (and any capped-block windows) do not depend on input order.
    return [sorted(g, key=lambda r: r.id) for g in grouped.values() if len(g) > 1]


def title_words(record: Record) -> set[str]:
    """Title words long enough to mean something (numbers and initials are too common)."""
    return {w for w in record.title_key.split() if len(w) > 2 and not w.isdigit()}


def candidate_pairs(
    records: Sequence[Record], *, block_cap: int, window: int, rare_token_max: int
) -> BlockingResult:
    """The pairs worth comparing, with per-rule counts and notes on capped blocks."""
    result = BlockingResult()
    capped: Counter[str] = Counter()
    capped_members: Counter[str] = Counter()

    def run(
        rule: str, blocks: list[list[Record]], allow: Callable[[Record, Record], bool] | None = None
    ) -> None:
        for block in blocks:
            if len(block) > block_cap:
                capped[rule] += 1
                capped_members[rule] += len(block)
            for pair in _block_pairs(block, block_cap, window, allow):
                result.produced[rule] += 1
                result.pairs.add(pair)

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

    words_of = {r.id: title_words(r) for r in records}
    frequency: Counter[str] = Counter(w for words in words_of.values() for w in words)
    by_word: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        for word in words_of[record.id]:
            if 1 < frequency[word] <= rare_token_max:
                by_word[word].append(record)
    common = sum(1 for n in frequency.values() if n > rare_token_max)
    run("rare title word", [sorted(g, key=lambda r: r.id) for g in by_word.values()])
    run("same annual value", _groups(records, lambda r: r.annual_value))

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
