"""A table's columns by name, for selects of plain rows.

Readers that stream the register as rows (duplicate detection, its stored run)
name the columns they need. Named in one string they read as what they are, a
list of fields, and two readers needing much the same fields do not repeat a
run of ``Contract.x`` lines; other readers may adopt it.
"""

from __future__ import annotations

from typing import Any


def columns_of(entity: Any, names: str) -> list[Any]:
    """``entity``'s columns (a model or an alias of one) named in ``names``, space-separated,
    in that order: ``columns_of(Contract, "id title")``."""
    return [getattr(entity, name) for name in names.split()]
