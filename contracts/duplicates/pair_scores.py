"""Every candidate pair's log-odds at once: the comparisons as array operations.

:func:`contracts.duplicates.compare.compare` scores one pair and says why, field by
field; running it for every candidate pair costs a Python call per field per
pair, most of it on pairs that are plainly not copies. Here the records are
laid out as columns (ids, dates as day numbers, money as integer pence,
strings as codes) and each field's level is worked out for all pairs in a
few NumPy operations, titles and provider names through rapidfuzz's
``process.cpdist``. Only pairs whose log-odds reach the threshold are then
compared one by one, so the links and their reasons are exactly
:func:`compare`'s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from contracts.duplicates.compare import (
    ADJACENT_MAX_GAP_DAYS,
    PROVIDER_ALIKE,
    ROUNDING_MAX_SHARE,
    ROUNDING_UNITS,
    MatchRecord,
)
from contracts.duplicates.weights import FIELD_LEVELS, Weights
from contracts.vocabulary import category_relation

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
MISSING = -1
# Ties with the threshold are decided by compare() itself, never by float rounding here.
_TIE = 1e-9


def _codes(values: Sequence[Hashable | None]) -> Ints:
    """Each value's number among the distinct values; MISSING for None."""
    numbers: dict[Hashable, int] = {}
    return np.array(
        [MISSING if v is None else numbers.setdefault(v, len(numbers)) for v in values],
        dtype=np.int64,
    )


def _pence(values: Sequence[object]) -> tuple[Ints, Bools]:
    amounts = np.zeros(len(values), dtype=np.int64)
    known = np.zeros(len(values), dtype=np.bool_)
    for i, value in enumerate(values):
        if value is not None:
            amounts[i] = int(value * 100)  # type: ignore[operator]
            known[i] = True
    return amounts, known


class RecordColumns:
    """The records' fields as arrays, indexed by position."""

    def __init__(self, records: Sequence[MatchRecord]) -> None:
        self.records = records
        self.position = {r.id: i for i, r in enumerate(records)}
        self.source = _codes([r.source for r in records])
        self.reference = _codes([r.reference or None for r in records])
        self.reference_stripped = _codes(
            [r.reference.strip() if r.reference else None for r in records]
        )
        self.reference_key = _codes([r.reference_key or None for r in records])
        self.provider = np.array(
            [MISSING if r.provider_id is None else r.provider_id for r in records], dtype=np.int64
        )
        self.group = np.array(
            [MISSING if r.provider_group is None else r.provider_group for r in records],
            dtype=np.int64,
        )
        self.coded = np.array([r.provider_coded for r in records], dtype=np.bool_)
        self.commissioners = _codes([r.commissioners or None for r in records])
        self.category = _codes([r.category_key for r in records])
        self.start = np.array(
            [MISSING if r.start_date is None else r.start_date.toordinal() for r in records],
            dtype=np.int64,
        )
        self.end = np.array(
            [MISSING if r.end_date is None else r.end_date.toordinal() for r in records],
            dtype=np.int64,
        )
        self.title_keys = np.array([r.title_key for r in records], dtype=object)
        self.annual, self.annual_known = _pence([r.annual_value for r in records])
        self.total, self.total_known = _pence([r.total_value for r in records])


def _relation_levels(codes_a: Ints, codes_b: Ints, decide: Callable[[int, int], int]) -> Ints:
    """A level for each pair of codes, ``decide``d once per distinct pair of codes."""
    if len(codes_a) == 0:
        return np.zeros(0, dtype=np.int64)
    width = int(max(codes_a.max(), codes_b.max())) + 2  # codes run from MISSING (-1) up
    keys = (codes_a + 1) * width + (codes_b + 1)
    distinct, inverse = np.unique(keys, return_inverse=True)
    found = np.array(
        [decide(int(k) // width - 1, int(k) % width - 1) for k in distinct], dtype=np.int64
    )
    return found[inverse.reshape(-1)]


def _level_index(field: str, names: Sequence[str]) -> dict[str, int]:
    order = FIELD_LEVELS[field]
    return {name: order.index(name) for name in names}


def _reference(c: RecordColumns, a: Ints, b: Ints) -> Ints:
    level = _level_index("reference", FIELD_LEVELS["reference"])
    missing = (c.reference[a] == MISSING) | (c.reference[b] == MISSING)
    exact = c.reference_stripped[a] == c.reference_stripped[b]
    key = (c.reference_key[a] != MISSING) & (c.reference_key[a] == c.reference_key[b])
    same_register = c.source[a] == c.source[b]
    return np.select(
        [missing, exact, key, same_register],
        [
            level["missing"],
            level["exact"],
            level["normalised_equal"],
            level["different_same_register"],
        ],
        level["different"],
    ).astype(np.int64)


def _provider(c: RecordColumns, a: Ints, b: Ints) -> Ints:
    level = _level_index("provider", FIELD_LEVELS["provider"])
    result = np.full(len(a), level["different"], dtype=np.int64)
    missing = (c.provider[a] == MISSING) | (c.provider[b] == MISSING)
    same = ~missing & (c.provider[a] == c.provider[b])
    result[same] = level["same_organisation"]
    other = ~missing & ~same
    # One succeeded the other: only possible within one successor group.
    for i in np.nonzero(other & (c.group[a] == c.group[b]))[0]:
        ra, rb = c.records[a[i]], c.records[b[i]]
        if ra.provider_id in rb.provider_chain or rb.provider_id in ra.provider_chain:
            result[i] = level["same_successor_group"]
            other[i] = False
    bodies = other & c.coded[a] & c.coded[b]
    result[bodies] = level["different_bodies"]
    named = np.nonzero(other & ~bodies)[0]
    if len(named):
        keys_a = [c.records[a[i]].provider_key for i in named]
        keys_b = [c.records[b[i]].provider_key for i in named]
        alike = process.cpdist(keys_a, keys_b, scorer=fuzz.token_set_ratio, dtype=np.float64)
        empty = np.array([not x or not y for x, y in zip(keys_a, keys_b, strict=True)])
        alike = np.where(empty, 0.0, np.round(alike))
        result[named[alike >= PROVIDER_ALIKE]] = level["names_alike"]
    result[missing] = level["missing"]
    return result


def _commissioners(c: RecordColumns, a: Ints, b: Ints) -> Ints:
    level = _level_index("commissioners", FIELD_LEVELS["commissioners"])
    sets = {int(code): c.records[i].commissioners for i, code in enumerate(c.commissioners)}

    def decide(x: int, y: int) -> int:
        if x == MISSING or y == MISSING:
            return level["missing"]
        if x == y:
            return level["same_party_set"]
        return level["overlapping"] if sets[x] & sets[y] else level["disjoint"]

    return _relation_levels(c.commissioners[a], c.commissioners[b], decide)


def _category(c: RecordColumns, a: Ints, b: Ints) -> Ints:
    level = _level_index("service_category", FIELD_LEVELS["service_category"])
    names = {int(code): c.records[i].category_key for i, code in enumerate(c.category)}

    def decide(x: int, y: int) -> int:
        return level[category_relation(names.get(x), names.get(y))]

    return _relation_levels(c.category[a], c.category[b], decide)


def _title(c: RecordColumns, a: Ints, b: Ints, weights: Weights) -> Ints:
    level = _level_index("title", FIELD_LEVELS["title"])
    similarity = process.cpdist(
        c.title_keys[a].tolist(),
        c.title_keys[b].tolist(),
        scorer=fuzz.token_sort_ratio,
        dtype=np.float64,
    )
    cuts = weights.title_cuts
    return np.select(
        [
            similarity >= cuts["near_identical"],
            similarity >= cuts["very_similar"],
            similarity >= cuts["similar"],
        ],
        [level["near_identical"], level["very_similar"], level["similar"]],
        level["different"],
    ).astype(np.int64)


def _period(c: RecordColumns, a: Ints, b: Ints) -> Ints:
    level = _level_index("period", FIELD_LEVELS["period"])
    sa, ea, sb, eb = c.start[a], c.end[a], c.start[b], c.end[b]
    known = (sa != MISSING) & (ea != MISSING) & (sb != MISSING) & (eb != MISSING)
    a_first = (ea != MISSING) & (sb != MISSING) & (ea < sb)
    b_first = ~a_first & (eb != MISSING) & (sa != MISSING) & (eb < sa)
    gap = np.where(a_first, sb - ea, np.where(b_first, sa - eb, 0))
    before = a_first | b_first
    same_start = (sa != MISSING) & (sa == sb)
    same_end = (ea != MISSING) & (ea == eb)
    contained = known & (((sb <= sa) & (ea <= eb)) | ((sa <= sb) & (eb <= ea)))
    return np.select(
        [
            before & (gap <= ADJACENT_MAX_GAP_DAYS),
            before,
            same_start & same_end,
            same_start | same_end,
            ~known,
            contained,
        ],
        [
            level["adjacent"],
            level["disjoint"],
            level["identical"],
            level["same_start_or_end"],
            level["missing"],
            level["contained"],
        ],
        level["overlapping"],
    ).astype(np.int64)


def _round_half_up(values: Ints, unit: int) -> Ints:
    """Each amount rounded to ``unit`` pence, halves away from zero (Decimal's ROUND_HALF_UP)."""
    magnitude = (np.abs(values) * 2 + unit) // (2 * unit) * unit
    return np.where(values < 0, -magnitude, magnitude)


def _value(field: str, amounts: Ints, known: Bools, a: Ints, b: Ints) -> Ints:
    level = _level_index(field, FIELD_LEVELS[field])
    x, y = amounts[a], amounts[b]
    largest = np.maximum(np.abs(x), np.abs(y))
    rounded = np.zeros(len(a), dtype=np.bool_)
    share = int(ROUNDING_MAX_SHARE)
    for pounds in ROUNDING_UNITS:
        unit = int(pounds) * 100
        small = unit * share <= largest
        if not small.any():
            break
        for one, other in ((x, y), (y, x)):
            rounded |= small & (one % unit == 0) & (_round_half_up(other, unit) == one)
    return np.select(
        [
            ~(known[a] & known[b]),
            x == y,
            rounded,
            np.abs(x - y) * 20 <= largest,
        ],
        [level["missing"], level["equal"], level["within_rounding"], level["within_5_percent"]],
        level["different"],
    ).astype(np.int64)


def log_odds(columns: RecordColumns, a: Ints, b: Ints, weights: Weights) -> NDArray[np.float64]:
    """Each pair's log2 odds (the prior plus every field's weight); -inf where a definite
    rule says the two can never be copies (one register, one reference)."""
    levels = {
        "reference": _reference(columns, a, b),
        "provider": _provider(columns, a, b),
        "commissioners": _commissioners(columns, a, b),
        "service_category": _category(columns, a, b),
        "title": _title(columns, a, b, weights),
        "period": _period(columns, a, b),
        "annual_value": _value("annual_value", columns.annual, columns.annual_known, a, b),
        "total_value": _value("total_value", columns.total, columns.total_known, a, b),
    }
    total = np.full(len(a), weights.prior, dtype=np.float64)
    for field, found in levels.items():
        table = np.array([weights.levels[field][name] for name in FIELD_LEVELS[field]])
        total += table[found]
    definite = (
        (columns.source[a] == columns.source[b])
        & (columns.reference[a] != MISSING)
        & (columns.reference[a] == columns.reference[b])
    )
    return np.where(definite, -np.inf, total)


def needed_log_odds(threshold: float) -> float:
    if threshold <= 0.0:
        return -math.inf
    if threshold >= 1.0:
        return math.inf
    return math.log2(threshold / (1.0 - threshold))


def could_link(
    columns: RecordColumns, a: Ints, b: Ints, weights: Weights, threshold: float
) -> Bools:
    """Which pairs may reach ``threshold`` (exactly decided by compare() for these)."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.bool_)
    needed = needed_log_odds(threshold)
    if needed == -math.inf:
        return np.ones(len(a), dtype=np.bool_)
    return log_odds(columns, a, b, weights) >= needed - _TIE
