"""The weights of the duplicate finder: defaults shipped in the package, overridable.

The defaults live in ``contracts/data/duplicate_weights.toml`` so that a
commissioning lead can read (and a team can change) exactly what the score is
made of. A user's file may override any subset of keys; anything it names that
the defaults do not know is an error naming that key, so a typo never passes
silently.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts import gate
from contracts.errors import InputRejected, WeightsFileError

DEFAULT_WEIGHTS_PATH = Path(__file__).parents[1] / "data" / "duplicate_weights.toml"

# Every field compared, in the order reports show them, with its levels.
FIELD_LEVELS: dict[str, tuple[str, ...]] = {
    "reference": ("exact", "normalised_equal", "different", "different_same_register", "missing"),
    "provider": (
        "same_organisation",
        "same_successor_group",
        "names_alike",
        "different",
        "different_bodies",
        "missing",
    ),
    "commissioners": ("same_party_set", "overlapping", "disjoint", "missing"),
    "service_category": ("same", "close", "different", "missing"),
    "title": ("near_identical", "very_similar", "similar", "different"),
    "period": (
        "identical",
        "same_start_or_end",
        "contained",
        "overlapping",
        "adjacent",
        "disjoint",
        "missing",
    ),
    "annual_value": ("equal", "within_rounding", "within_5_percent", "different", "missing"),
    "total_value": ("equal", "within_rounding", "within_5_percent", "different", "missing"),
}

_SCALARS = ("prior", "threshold", "strong")
_BLOCKING = ("block_cap", "window", "rare_token_max")
_TITLE_CUTS = ("near_identical", "very_similar", "similar")


DEFAULT_ORIGIN = "default"


@dataclass(frozen=True)
class Weights:
    """Everything that decides a score, as read from the TOML file(s) and the store."""

    prior: float
    threshold: float
    strong: float
    block_cap: int
    window: int
    rare_token_max: int
    title_cuts: dict[str, float]
    levels: dict[str, dict[str, float]]
    source: str
    # Where each level's weight came from: "default", learned from decisions, or a file.
    origins: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)

    def origin(self, name: str, level: str) -> str:
        return self.origins.get(name, {}).get(level, DEFAULT_ORIGIN)


@dataclass(frozen=True)
class Learned:
    """A weight re-estimated from this store's decisions.

    See :mod:`contracts.duplicates.learned_weights`.
    """

    weight: float
    origin: str  # e.g. "learned from 12 confirmed and 30 rejected pairs (2026-12-01)"


def _default_text() -> str:
    return DEFAULT_WEIGHTS_PATH.read_text(encoding="utf-8")


def _number(value: Any, key: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WeightsFileError(f"{where}: '{key}' must be a number, not {value!r}")
    return float(value)


def _merge(base: dict[str, Any], override: dict[str, Any], where: str, prefix: str = "") -> None:
    for key, value in override.items():
        name = f"{prefix}{key}"
        if key not in base:
            raise WeightsFileError(
                f"{where}: unknown key '{name}'; see contracts/data/duplicate_weights.toml "
                "for the keys a weights file may set"
            )
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise WeightsFileError(f"{where}: '{name}' must be a table like [{name}]")
            _merge(base[key], value, where, f"{name}.")
        else:
            base[key] = value


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise WeightsFileError(
            f"{where} is not valid TOML ({error}); fix the line named"
        ) from error


def load_weights(
    path: Path | str | None = None,
    learned: dict[tuple[str, str], Learned] | None = None,
) -> Weights:
    """The default weights, with weights ``learned`` from the store's decisions over them
    and ``path``'s keys over both when given."""
    data = _parse(_default_text(), "the default weights file")
    where = "the default weights file"
    origins: dict[str, dict[str, str]] = {f: {} for f in FIELD_LEVELS}
    for (name, level), found in sorted((learned or {}).items()):
        if level in FIELD_LEVELS.get(name, ()):
            data["weights"][name][level] = found.weight
            origins[name][level] = found.origin
    if path is not None:
        where = str(path)
        try:
            gate.check_input(path, "the weights file", gate.MAX_TEXT_FILE_BYTES)
            text = Path(path).read_text(encoding="utf-8")
        except InputRejected as refused:
            raise WeightsFileError(str(refused)) from None
        except OSError as error:
            raise WeightsFileError(
                f"cannot read weights file {path}: {error.strerror}; check the path"
            ) from error
        override = _parse(text, where)
        _merge(data, override, where)
        for name, table in override.get("weights", {}).items():
            for level in table:
                origins[name][level] = f"weights file {path}"
    weights = _validate(data, where)
    object.__setattr__(weights, "origins", origins)
    return weights


def _validate(data: dict[str, Any], where: str) -> Weights:
    scalars = {key: _number(data.get(key), key, where) for key in _SCALARS}
    for key in ("threshold", "strong"):
        if not 0.0 <= scalars[key] <= 1.0:
            raise WeightsFileError(f"{where}: '{key}' must be between 0 and 1")
    blocking: dict[str, int] = {}
    for key in _BLOCKING:
        value = data.get("blocking", {}).get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise WeightsFileError(f"{where}: 'blocking.{key}' must be a whole number above 0")
        blocking[key] = value
    cuts = {
        key: _number(data.get("title_similarity", {}).get(key), f"title_similarity.{key}", where)
        for key in _TITLE_CUTS
    }
    if not 100 >= cuts["near_identical"] >= cuts["very_similar"] >= cuts["similar"] >= 0:
        raise WeightsFileError(
            f"{where}: 'title_similarity' cut-offs must run near_identical ≥ very_similar "
            "≥ similar, between 0 and 100"
        )
    levels: dict[str, dict[str, float]] = {}
    tables = data.get("weights", {})
    for field, names in FIELD_LEVELS.items():
        table = tables.get(field)
        if not isinstance(table, dict):
            raise WeightsFileError(f"{where}: the table [weights.{field}] is missing")
        levels[field] = {
            name: _number(table.get(name), f"weights.{field}.{name}", where) for name in names
        }
    return Weights(
        prior=scalars["prior"],
        threshold=scalars["threshold"],
        strong=scalars["strong"],
        block_cap=blocking["block_cap"],
        window=blocking["window"],
        rare_token_max=blocking["rare_token_max"],
        title_cuts=cuts,
        levels=levels,
        source=where,
    )
