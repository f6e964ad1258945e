"""JSON on stdout: Decimals as two-place strings, dates ISO, long lists written as read.

``json.dump`` writes each token separately (seconds at 25,000 proposals) and
``json.dumps`` holds the whole text (100 MB at national scale), so the text is
written in batches of tokens, and a list given as an iterator (a listing read from
the store a chunk at a time) is written an item at a time, in the same text.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TextIO


def to_json(data: Any, out: TextIO | None = None) -> None:
    """Write ``data`` as JSON (Decimals as two-place strings, dates ISO)."""

    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(f"cannot write {type(value).__name__} as JSON")

    # Streamed in batches of tokens: json.dump writes each token separately (seconds at
    # 25,000 proposals) and json.dumps holds the whole text (100 MB at national scale).
    target = out or sys.stdout
    encoder = json.JSONEncoder(indent=2, default=default, ensure_ascii=False)
    if isinstance(data, Iterator):  # a list read as it is written: one item at a time
        for text in _lazy_list(encoder, data, ""):
            target.write(text)
        target.write("\n")
        return
    if _has_lazy(data):  # each item written as it is encoded: one item's text at a time
        for text in _lazy_tokens(encoder, data):
            target.write(text)
        target.write("\n")
        return
    batch: list[str] = []
    for token in encoder.iterencode(data):
        batch.append(token)
        if len(batch) >= 8192:
            target.write("".join(batch))
            batch.clear()
    batch.append("\n")
    target.write("".join(batch))


def _has_lazy(data: Any) -> bool:
    return isinstance(data, dict) and any(isinstance(v, Iterator) for v in data.values())


def _lazy_tokens(encoder: json.JSONEncoder, data: dict[str, Any]) -> Iterator[str]:
    """The text ``encoder`` would give for ``data``, whose iterator values (a command's
    thousands of items) are encoded one item at a time, never held as one list."""
    yield "{"
    for n, (key, value) in enumerate(data.items()):
        yield ("," if n else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": "
        if not isinstance(value, Iterator):
            yield encoder.encode(value).replace("\n", "\n  ")
            continue
        yield from _lazy_list(encoder, value, "  ")
    yield "\n}" if data else "}"


def _lazy_list(encoder: json.JSONEncoder, items: Iterator[Any], indent: str) -> Iterator[str]:
    """The text ``encoder`` would give for ``list(items)`` at ``indent``, an item at a time."""
    inner = "\n" + indent + "  "
    empty = True
    for item in items:
        yield ("[" if empty else ",") + inner + encoder.encode(item).replace("\n", inner)
        empty = False
    yield "[]" if empty else "\n" + indent + "]"
