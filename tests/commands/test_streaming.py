"""`list` and `proposals list` stream: read a chunk, write it, read the next.

Two things are proved without a clock. Chunked output is the output of one
read (the demo's register is smaller than a chunk, so the default size prints
as the listings always did; a chunk of two or three rows must print the same
text, byte for byte). And rows are written before the store is read to the end:
the store is made to fail on its last chunk, and the rows of the chunks before
it are already out, which a listing that reads everything first cannot do.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, event

from cli import main
from contracts.commands import render, table_stream
from contracts.proposals import listing as proposal_listing
from contracts.store import listing as contract_listing
from tests.commands.conftest import WIDTHS

LISTINGS = [
    ["list"],
    ["list", "--sort", "title"],
    ["list", "--sort", "value", "--wide"],
    ["list", "--active-on", "01/04/2016", "--ending-before", "01/04/2018"],
    ["proposals", "list"],
    ["proposals", "list", "--sort", "lead", "--columns", "id,title,annual_value"],
]


def _invoke(url: str, width: int, *args: str) -> Any:
    return CliRunner().invoke(main, ["--database", url, *args], env={"COLUMNS": str(width)})


def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contract_listing, "CHUNK", 3)
    monkeypatch.setattr(proposal_listing, "CHUNK", 2)
    monkeypatch.setattr(table_stream, "CHUNK", 2)


@pytest.mark.parametrize(
    ("args", "fmt", "width"),
    [(args, "table", width) for args in LISTINGS for width in WIDTHS]
    + [(args, fmt, 80) for args in LISTINGS[::3] for fmt in ("csv", "json")],
    ids=str,
)
def test_chunks_print_what_one_read_prints(
    demo_url: str, monkeypatch: pytest.MonkeyPatch, args: list[str], fmt: str, width: int
) -> None:
    whole = _invoke(demo_url, width, *args, "--format", fmt)
    assert whole.exit_code == 0, whole.output
    assert len(whole.output.splitlines()) > 8  # more rows than a small chunk
    _small_chunks(monkeypatch)
    chunked = _invoke(demo_url, width, *args, "--format", fmt)
    assert chunked.exit_code == 0, chunked.output
    assert chunked.output == whole.output


def _chunk_query(statement: str) -> bool:
    """A query of one chunk of contracts or proposals (ids named in an IN list)."""
    heads = ("FROM contracts LEFT OUTER JOIN", "FROM proposals LEFT OUTER JOIN")
    return any(head in statement for head in heads) and " IN (" in statement


class _FailOn:
    """Counts the chunk queries; with ``fail_at``, the store fails on that one."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.seen = 0
        self.fail_at = fail_at

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not _chunk_query(statement):
            return
        self.seen += 1
        if self.seen == self.fail_at:
            raise RuntimeError("the store failed on this chunk")


def _run_counting(url: str, args: list[str], counter: _FailOn) -> Any:
    event.listen(Engine, "before_cursor_execute", counter)
    try:
        return _invoke(url, 100, *args)
    finally:
        event.remove(Engine, "before_cursor_execute", counter)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
@pytest.mark.parametrize("command", [["list"], ["proposals", "list"]], ids=" ".join)
def test_rows_are_written_before_the_last_chunk_is_read(
    demo_url: str, monkeypatch: pytest.MonkeyPatch, command: list[str], fmt: str
) -> None:
    _small_chunks(monkeypatch)
    args = [*command, "--format", fmt]
    counted = _FailOn()
    whole = _run_counting(demo_url, args, counted)
    assert whole.exit_code == 0 and counted.seen > 4
    failed = _run_counting(demo_url, args, _FailOn(fail_at=counted.seen))
    assert isinstance(failed.exception, RuntimeError)
    written = failed.stdout_bytes.decode()
    # Every row but the last chunk's is already out, in the order of the whole listing.
    assert len(written) > len(whole.output) // 2
    assert whole.output.startswith(written)


def test_the_table_layout_is_measured_in_one_pass() -> None:
    """layout() reads its rows once: a listing hands it a generator, not a list."""
    from contracts.commands.tables import layout

    rows = [{"id": n, "title": "word " * n} for n in range(1, 30)]
    columns = render.CONTRACT_TABLE[:1] + render.CONTRACT_TABLE[3:4]
    assert layout(columns, iter(rows), width=80) == layout(columns, rows, width=80)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(st.lists(st.dictionaries(st.text(), JSON_VALUES, max_size=4), max_size=5))
def test_a_streamed_json_list_is_the_list_written_whole(items: list[dict[str, Any]]) -> None:
    streamed, whole = _Buffer(), _Buffer()
    render.to_json(iter(items), streamed)
    render.to_json(items, whole)
    assert "".join(streamed.parts) == "".join(whole.parts)
    assert json.loads("".join(streamed.parts)) == items


@given(JSON_VALUES)
def test_json_is_written_as_the_standard_library_indents_it(value: Any) -> None:
    """orjson writes it, in the text json.dumps(indent=2) gives (its fallback included:
    integers beyond 64 bits, lone surrogates)."""
    written = _Buffer()
    render.to_json(value, written)
    assert "".join(written.parts) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_a_value_json_cannot_write_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="cannot write object as JSON"):
        render.to_json({"x": object()}, _Buffer())


class _Buffer:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def __iter__(self) -> Iterator[str]:
        return iter(self.parts)
