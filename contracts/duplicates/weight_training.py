"""Weights learned from people's decisions: m and u per level, the defaults as priors.

A Fellegi–Sunter weight is log2(m/u): m is how often two copies of one
contract land on a level, u how often two different contracts do. Each pair a
person confirmed is a copy, each pair rejected is not, so counting their
levels estimates m and u for the registers of this store. With few decisions
the counts say little, so each field's estimate starts from the shipped
weights read as m and u (a Dirichlet prior worth ``PRIOR_PAIRS`` decisions of
each kind) and moves towards what people decided as decisions accumulate.
"Missing" levels keep weight 0: that a register left a field empty says
nothing about the pair.

Pure functions over comparisons, so the estimate can be tested without a store.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from contracts.duplicates.compare import PairComparison

# How many decisions of each kind the shipped weights count as.
PRIOR_PAIRS = 100.0
NEUTRAL = "missing"


@dataclass(frozen=True)
class LevelEstimate:
    field: str
    level: str
    prior_weight: float
    weight: float
    m: float
    u: float
    matches: int  # confirmed pairs on this level
    non_matches: int  # rejected pairs on this level


def prior_m_u(weights: dict[str, float]) -> tuple[dict[str, float], dict[str, float]] | None:
    """The m and u distributions whose log2 ratios are exactly ``weights``.

    Among u ∝ 2^(-λw), m ∝ 2^((1-λ)w), the λ in [0, 1] where both sum alike makes
    m/u = 2^w for every level. None when no λ does: a field whose weights are all
    of one sign cannot be split into two distributions.
    """
    levels = [level for level in weights if level != NEUTRAL]
    values = [weights[level] for level in levels]
    if len(levels) < 2:
        return None

    def gap(lam: float) -> float:
        z_u = sum(2.0 ** (-lam * w) for w in values)
        z_m = sum(2.0 ** ((1.0 - lam) * w) for w in values)
        return math.log(z_u) - math.log(z_m)

    low, high = 0.0, 1.0
    if gap(low) > 0 or gap(high) < 0:
        return None
    for _ in range(200):
        middle = (low + high) / 2
        if gap(middle) < 0:
            low = middle
        else:
            high = middle
    lam = (low + high) / 2
    z = sum(2.0 ** (-lam * w) for w in values)
    u = {level: 2.0 ** (-lam * w) / z for level, w in zip(levels, values, strict=True)}
    m = {level: u[level] * 2.0 ** weights[level] for level in levels}
    total = sum(m.values())
    return {level: value / total for level, value in m.items()}, u


def estimate(
    levels: dict[str, dict[str, float]],
    decided: Iterable[tuple[PairComparison, bool]],
    *,
    prior_pairs: float = PRIOR_PAIRS,
) -> list[LevelEstimate]:
    """Every level's weight re-estimated from ``decided`` (comparison, is a copy)."""
    matches: dict[tuple[str, str], int] = {}
    non_matches: dict[tuple[str, str], int] = {}
    total_matches: dict[str, int] = {}
    total_non: dict[str, int] = {}
    for comparison, is_copy in decided:
        for evidence in comparison.fields:
            if evidence.level == NEUTRAL:
                continue
            key = (evidence.field, evidence.level)
            if is_copy:
                matches[key] = matches.get(key, 0) + 1
                total_matches[evidence.field] = total_matches.get(evidence.field, 0) + 1
            else:
                non_matches[key] = non_matches.get(key, 0) + 1
                total_non[evidence.field] = total_non.get(evidence.field, 0) + 1
    found: list[LevelEstimate] = []
    for field, weights in levels.items():
        priors = prior_m_u(weights)
        for level, prior_weight in weights.items():
            key = (field, level)
            count_m, count_u = matches.get(key, 0), non_matches.get(key, 0)
            if level == NEUTRAL or priors is None:
                found.append(
                    LevelEstimate(
                        field, level, prior_weight, prior_weight, 0.0, 0.0, count_m, count_u
                    )
                )
                continue
            m0, u0 = priors
            m = (count_m + prior_pairs * m0[level]) / (total_matches.get(field, 0) + prior_pairs)
            u = (count_u + prior_pairs * u0[level]) / (total_non.get(field, 0) + prior_pairs)
            weight = round(math.log2(m / u), 2)
            found.append(LevelEstimate(field, level, prior_weight, weight, m, u, count_m, count_u))
    return found
