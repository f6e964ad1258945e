"""The streamed sheet writer's shortcuts give what the general helpers give."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.workbook.style import (
    MAX_CELL_TEXT,
    Column,
    SheetWriter,
    Styles,
    clean_text,
    lines_needed,
    new_workbook,
    set_lines,
)

XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@given(st.text(st.characters(max_codepoint=0x2FFF)))
def test_clean_text_drops_exactly_the_characters_xml_cannot_hold(text: str) -> None:
    assert clean_text(text) == XML_ILLEGAL.sub("", text)[:MAX_CELL_TEXT]


def test_clean_text_cuts_text_at_excels_limit() -> None:
    assert clean_text("a\x01" * MAX_CELL_TEXT) == "a" * MAX_CELL_TEXT


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["abc ", "de", "fghij "]), max_size=30).map("".join)
        | st.lists(st.sampled_from(["abc ", "de", "\n"]), max_size=30).map("".join)
        | st.none()
        | st.integers(0, 99),
        min_size=1,
        max_size=6,
    )
)
def test_row_height_is_what_lines_needed_says(
    tmp_path_factory: pytest.TempPathFactory, texts: list[object]
) -> None:
    path: Path = tmp_path_factory.mktemp("style") / "rows.xlsx"
    workbook = new_workbook(path)
    columns = [Column(f"c{n}", 10 + 7 * n, wrap=True) for n in range(len(texts))]
    writer = SheetWriter(workbook.add_worksheet("S"), columns, Styles(workbook), table_name="S")
    try:
        writer.append(texts)
        lines = max(
            [1]
            + [
                lines_needed(t, c.width)
                for t, c in zip(texts, columns, strict=True)
                if isinstance(t, str)
            ]
        )
        expected = workbook.add_worksheet("Expected")
        set_lines(expected, 1, lines)
        assert writer.ws.row_info.get(1) == expected.row_info.get(1)
        assert (lines > 1) == (1 in writer.ws.row_info)
    finally:
        workbook.close()


def test_dates_are_written_as_dates(tmp_path: Path) -> None:
    path = tmp_path / "dates.xlsx"
    workbook = new_workbook(path)
    columns = [Column("Early", 12, "date"), Column("Late", 12, "date")]
    writer = SheetWriter(workbook.add_worksheet("S"), columns, Styles(workbook), table_name="S")
    writer.append([dt.date(1900, 1, 5), dt.date(2026, 12, 2)])
    writer.finish()
    workbook.close()
    row = next(openpyxl.load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    assert row == (dt.datetime(1900, 1, 5), dt.datetime(2026, 12, 2))
