"""Tables kept as data in ``contracts/data/``, read into frozen dataclasses.

The reference organisations, the sample's register layouts and providers are
facts, not logic: they live in TOML beside the other shipped data (package-data
``data/*.toml``) and become the same frozen dataclasses here. A key the
dataclass does not know is an error, never silently dropped.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

DATA_DIR = Path(__file__).parent / "data"

T = TypeVar("T")


def _frozen(value: Any) -> Any:
    """TOML arrays as tuples, so the rows stay hashable and immutable."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def read_table(file_name: str) -> dict[str, Any]:
    """The TOML file ``file_name`` in contracts/data/, with its arrays as tuples."""
    with (DATA_DIR / file_name).open("rb") as handle:
        table: dict[str, Any] = _frozen(tomllib.load(handle))
    return table


def read_rows(file_name: str, key: str, row_type: type[T]) -> tuple[T, ...]:
    """Each ``[[key]]`` table of ``file_name`` as a ``row_type``, in file order."""
    return tuple(row_type(**row) for row in read_table(file_name)[key])
