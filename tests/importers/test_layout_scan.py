"""The sheet-XML scan (hidden rows, the last row, error cells) against a full XML parse.

The scan reads start tags by pattern, in chunks, with a quick path for chunks that
hide nothing: whatever the writer (row numbers or none, a namespace prefix or none,
quotes of either kind) and wherever the chunks are cut, it must agree with
ElementTree reading the same XML.
"""

from __future__ import annotations

import io
from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from importers.xlsx import scan_layout

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


class Trickle(io.RawIOBase):
    """A stream that returns at most ``size`` bytes a read, so the scan's chunks are cut
    anywhere, as a large sheet's are at the scan's own chunk size."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size, self.at = data, size, 0

    def read(self, _: int = -1) -> bytes:  # type: ignore[override]
        piece = self.data[self.at : self.at + self.size]
        self.at += len(piece)
        return piece


rows_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=3),  # rows skipped before this one (with r only)
        st.booleans(),  # written with r="…"
        st.sampled_from([None, "1", "true", "0", "false"]),  # hidden="…"
        st.booleans(),  # an error cell in column B
        st.sampled_from(['"', "'"]),
        st.sampled_from(["Mind", "hidden", "'e'"]),  # text that looks like what is scanned
    ),
    max_size=40,
)


Rows = list[tuple[int, bool, str | None, bool, str, str]]


def sheet_xml(rows: Rows, prefix: str) -> bytes:
    tag = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    parts = [f"<{tag}worksheet {xmlns}><{tag}sheetData>"]
    number = 0
    for skipped, numbered, hidden, error, quote, text in rows:
        number = number + 1 + (skipped if numbered else 0)
        attrs = f" r={quote}{number}{quote}" if numbered else ""
        if hidden is not None:
            attrs += f" hidden={quote}{hidden}{quote}"
        cells = f'<{tag}c r="A{number}" t="inlineStr"><{tag}is><{tag}t>{text}</{tag}t></{tag}is>'
        cells += f"</{tag}c>"
        if error:
            cells += f"<{tag}c r={quote}B{number}{quote} t={quote}e{quote}>"
            cells += f"<{tag}v>#REF!</{tag}v></{tag}c>"
        parts.append(f"<{tag}row{attrs}>{cells}</{tag}row>")
    parts.append(f"</{tag}sheetData></{tag}worksheet>")
    return "".join(parts).encode()


def parsed(xml: bytes) -> tuple[list[int], int, dict[int, dict[int, str]]]:
    """Hidden rows, the last row's number and the error cells, by a full XML parse."""
    hidden: list[int] = []
    errors: dict[int, dict[int, str]] = {}
    last = 0
    for row in ElementTree.fromstring(xml).iter(f"{{{MAIN}}}row"):
        last = int(row.get("r")) if row.get("r") else last + 1
        if row.get("hidden") in ("1", "true"):
            hidden.append(last)
        for cell in row.iter(f"{{{MAIN}}}c"):
            if cell.get("t") == "e":
                value = cell.find(f"{{{MAIN}}}v")
                assert value is not None and value.text is not None
                errors.setdefault(last, {})[1] = value.text
    return hidden, last, errors


@settings(max_examples=300, deadline=None)
@given(
    rows=rows_strategy,
    prefix=st.sampled_from(["", "x"]),
    size=st.integers(min_value=7, max_value=400),
)
def test_the_scan_agrees_with_a_full_parse_wherever_the_chunks_are_cut(
    rows: Rows, prefix: str, size: int
) -> None:
    xml = sheet_xml(rows, prefix)
    layout = scan_layout(Trickle(xml, size))
    hidden, last, errors = parsed(xml)
    assert layout.hidden_rows == hidden
    assert layout.rows == last
    assert layout.errors == errors
