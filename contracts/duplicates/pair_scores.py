"""Which candidate pairs may link: the comparisons as array operations, cheapest first.

:func:`contracts.duplicates.compare.compare` scores one pair and says why, field by
field; running it for every candidate pair costs a Python call per field per
pair, most of it on pairs that are plainly not copies. Here each field's level
is worked out for a chunk of pairs at once on the register's columns
(:mod:`contracts.duplicates.columns`): dates as day numbers, money as integer
pence, strings as codes, relations between codes (providers, commissioners,
categories) decided once per distinct pair of codes, titles through rapidfuzz's
``process.cpdist``. The cheap fields go first; a pair that cannot reach the
threshold even with the best level of every field still to come is dropped
before the titles are compared. Only the pairs left are compared one by one,
so the links and their reasons are exactly :func:`compare`'s.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from contracts.duplicates.columns import (
    MISSING,
    Bools,
    Ints,
    RecordColumns,
    RegisterColumns,
    pair_levels,
)

__all__ = ["PairScorer", "RecordColumns", "could_link", "log_odds"]
from contracts.duplicates.compare import (
    ADJACENT_MAX_GAP_DAYS,
    ROUNDING_MAX_SHARE,
    ROUNDING_UNITS,
    provider_level,
)
from contracts.duplicates.weights import FIELD_LEVELS, Weights
from contracts.vocabulary import category_relation

Floats = NDArray[np.float64]
# Ties with the threshold are decided by compare() itself, never by float rounding here.
_TIE = 1e-9
# The fields in the order they are worked out: arithmetic first (at 100,000 contracts
# reference, period and values leave a quarter of the pairs), relations next, titles last.
_CHEAPEST_FIRST = (
    "reference",
    "period",
    "annual_value",
    "total_value",
    "commissioners",
    "service_category",
    "provider",
    "title",
)


def _level_index(field: str) -> dict[str, int]:
    return {name: index for index, name in enumerate(FIELD_LEVELS[field])}


def _reference(c: RegisterColumns, a: Ints, b: Ints) -> Ints:
    level = _level_index("reference")
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


def _period(c: RegisterColumns, a: Ints, b: Ints) -> Ints:
    level = _level_index("period")
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
    level = _level_index(field)
    x, y = amounts[a], amounts[b]
    found = np.where(known[a] & known[b], level["different"], level["missing"])
    found[(found == level["different"]) & (x == y)] = level["equal"]
    # Rounding and 5% only where both are known and differ: most pairs are settled above.
    open_ = np.flatnonzero(found == level["different"])
    x, y = x[open_], y[open_]
    largest = np.maximum(np.abs(x), np.abs(y))
    rounded = np.zeros(len(open_), dtype=np.bool_)
    share = int(ROUNDING_MAX_SHARE)
    for pounds in ROUNDING_UNITS:
        unit = int(pounds) * 100
        small = unit * share <= largest
        if not small.any():
            break
        for one, other in ((x, y), (y, x)):
            rounded |= small & (one % unit == 0) & (_round_half_up(other, unit) == one)
    close = ~rounded & (np.abs(x - y) * 20 <= largest)
    found[open_[rounded]] = level["within_rounding"]
    found[open_[close]] = level["within_5_percent"]
    return found.astype(np.int64)


def needed_log_odds(threshold: float) -> float:
    if threshold <= 0.0:
        return -math.inf
    if threshold >= 1.0:
        return math.inf
    return math.log2(threshold / (1.0 - threshold))


class PairScorer:
    """Decides, a chunk of candidate pairs at a time, which may reach ``threshold``."""

    def __init__(self, columns: RegisterColumns, weights: Weights, threshold: float) -> None:
        self.columns, self.weights = columns, weights
        self.needed = needed_log_odds(threshold)
        self.tables = {
            field: np.array([weights.levels[field][name] for name in names], dtype=np.float64)
            for field, names in FIELD_LEVELS.items()
        }
        self._relations = {
            "provider": self._decider("provider", self._provider),
            "commissioners": self._decider("commissioners", self._commissioners),
            "service_category": self._decider("service_category", self._category),
        }

    # --- relations between codes, each decided once a run -----------------------

    @staticmethod
    def _decider(field: str, decide: Callable[[int, int], str]) -> Callable[[int, int], int]:
        level = _level_index(field)
        return functools.cache(lambda x, y: level[decide(x, y)])

    def _provider(self, x: int, y: int) -> str:
        table = self.columns.provider_table
        return provider_level(table[x], table[y])[0]

    def _commissioners(self, x: int, y: int) -> str:
        if x == MISSING or y == MISSING:
            return "missing"
        if x == y:
            return "same_party_set"
        sets = self.columns.commissioner_sets
        return "overlapping" if sets[x] & sets[y] else "disjoint"

    def _category(self, x: int, y: int) -> str:
        names = self.columns.category_names
        return category_relation(
            names[x] if x != MISSING else None, names[y] if y != MISSING else None
        )

    def _title(self, a: Ints, b: Ints) -> Ints:
        level = _level_index("title")
        cuts = self.weights.title_cuts
        sorted_words = self.columns.title_sorted
        # token_sort_ratio is ratio on each title's words in order: sorted once a contract.
        similarity = process.cpdist(
            [sorted_words[i] for i in a.tolist()],
            [sorted_words[i] for i in b.tolist()],
            scorer=fuzz.ratio,
            dtype=np.float64,
            score_cutoff=cuts["similar"],
        )
        return np.select(
            [
                similarity >= cuts["near_identical"],
                similarity >= cuts["very_similar"],
                similarity >= cuts["similar"],
            ],
            [level["near_identical"], level["very_similar"], level["similar"]],
            level["different"],
        ).astype(np.int64)

    def levels(self, field: str, a: Ints, b: Ints) -> Ints:
        """Each pair's level (its index in FIELD_LEVELS[field]) of one field."""
        c = self.columns
        if field == "period":
            return _period(c, a, b)
        if field == "annual_value":
            return _value(field, c.annual, c.annual_known, a, b)
        if field == "total_value":
            return _value(field, c.total, c.total_known, a, b)
        if field == "reference":
            return _reference(c, a, b)
        if field == "title":
            return self._title(a, b)
        codes = {
            "provider": c.provider_index,
            "commissioners": c.commissioners,
            "service_category": c.category,
        }[field]
        return pair_levels(codes[a], codes[b], self._relations[field])

    # --- the decision -------------------------------------------------------------

    def log_odds(self, a: Ints, b: Ints) -> Floats:
        """Each pair's log2 odds (the prior plus every field's weight), every field worked
        out; -inf where a definite rule says the two can never be copies."""
        total = np.full(len(a), self.weights.prior, dtype=np.float64)
        for field in FIELD_LEVELS:
            total += self.tables[field][self.levels(field, a, b)]
        return np.where(self._definite(a, b), -np.inf, total)

    def _definite(self, a: Ints, b: Ints) -> Bools:
        """One register, one reference: the same row, never a duplicate."""
        c = self.columns
        same = (c.source[a] == c.source[b]) & (c.reference[a] != MISSING)
        return same & (c.reference[a] == c.reference[b])

    def could_link(self, a: Ints, b: Ints) -> Bools:
        """Which pairs (positions) may reach the threshold: exactly decided by compare()
        for these. A definite rule (one register, one reference) rules a pair out."""
        if len(a) == 0:
            return np.zeros(0, dtype=np.bool_)
        if self.needed == -math.inf:
            return np.ones(len(a), dtype=np.bool_)
        alive = np.flatnonzero(~self._definite(a, b))
        partial = np.full(len(alive), self.weights.prior, dtype=np.float64)
        to_come = sum(float(self.tables[f].max()) for f in _CHEAPEST_FIRST)
        found: dict[str, Ints] = {}
        for field in _CHEAPEST_FIRST:
            levels = self.levels(field, a[alive], b[alive])
            partial += self.tables[field][levels]
            to_come -= float(self.tables[field].max())
            # Twice the tie: the bound is summed in another order than the total below.
            keep = partial + to_come >= self.needed - 2 * _TIE
            alive, partial = alive[keep], partial[keep]
            found = {f: v[keep] for f, v in found.items()}
            found[field] = levels[keep]
        # The total as compare() sums it: the prior, then the fields in report order.
        total = np.full(len(alive), self.weights.prior, dtype=np.float64)
        for field in FIELD_LEVELS:
            total += self.tables[field][found[field]]
        likely = np.zeros(len(a), dtype=np.bool_)
        likely[alive[total >= self.needed - _TIE]] = True
        return likely


def log_odds(columns: RegisterColumns, a: Ints, b: Ints, weights: Weights) -> Floats:
    """Each pair's log2 odds; -inf where a definite rule rules the pair out."""
    return PairScorer(columns, weights, weights.threshold).log_odds(a, b)


def could_link(
    columns: RegisterColumns, a: Ints, b: Ints, weights: Weights, threshold: float
) -> Bools:
    """Which pairs may reach ``threshold`` (exactly decided by compare() for these)."""
    return PairScorer(columns, weights, threshold).could_link(a, b)
