"""JSON on stdout: Decimals as two-place strings, dates ISO, long lists written as read.

The standard library's encoder is in C only without ``indent``; with it (the
house's two-space JSON) every token goes through Python, 3 to 4 seconds of
``propose --format json`` at 100,000 contracts. orjson writes the same text in C.
``json.dumps`` of the whole would also hold it all (100 MB at national scale), so a
list given as an iterator (a listing read from the store a chunk at a time) is
written an item at a time, in the same text.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TextIO

import orjson

# Two-space indents as json.dumps(indent=2) writes them; dates and datetimes through
# `_default` (isoformat, exactly as before); dict keys that are not text written as text.
_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _encode(value: Any) -> str:
    try:
        return orjson.dumps(value, default=_default, option=_OPTIONS).decode()
    except orjson.JSONEncodeError:
        # What orjson refuses and json writes (an integer beyond 64 bits, a lone
        # surrogate), or a value neither can write: json then says which, in our words.
        return json.dumps(value, indent=2, default=_default, ensure_ascii=False)


def to_json(data: Any, out: TextIO | None = None) -> None:
    """Write ``data`` as JSON (Decimals as two-place strings, dates ISO)."""
    target = out or sys.stdout
    if isinstance(data, Iterator):  # a list read as it is written: one item at a time
        for text in _lazy_list(data, ""):
            target.write(text)
    elif _has_lazy(data):  # each item written as it is encoded: one item's text at a time
        for text in _lazy_tokens(data):
            target.write(text)
    else:
        target.write(_encode(data))
    target.write("\n")


def _has_lazy(data: Any) -> bool:
    return isinstance(data, dict) and any(isinstance(v, Iterator) for v in data.values())


def _lazy_tokens(data: dict[str, Any]) -> Iterator[str]:
    """The text of ``data``, whose iterator values (a command's thousands of items) are
    encoded one item at a time, never held as one list."""
    yield "{"
    for n, (key, value) in enumerate(data.items()):
        yield ("," if n else "") + "\n  " + _encode(str(key)) + ": "
        if not isinstance(value, Iterator):
            yield _encode(value).replace("\n", "\n  ")
            continue
        yield from _lazy_list(value, "  ")
    yield "\n}" if data else "}"


def _lazy_list(items: Iterator[Any], indent: str) -> Iterator[str]:
    """The text of ``list(items)`` at ``indent``, an item at a time."""
    inner = "\n" + indent + "  "
    empty = True
    for item in items:
        yield ("[" if empty else ",") + inner + _encode(item).replace("\n", inner)
        empty = False
    yield "[]" if empty else "\n" + indent + "]"
