"""A1 references worked out without openpyxl agree with openpyxl's own, everywhere."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string, get_column_letter

from importers.place import Place, column_index, column_letter, split_reference


@given(st.integers(min_value=1, max_value=16384))
def test_column_letters_agree_with_openpyxl(index: int) -> None:
    assert column_letter(index) == get_column_letter(index)
    assert (
        column_index(column_letter(index))
        == index
        == column_index_from_string(get_column_letter(index))
    )


@given(st.integers(min_value=1, max_value=16384), st.integers(min_value=1, max_value=1048576))
def test_references_split_back_into_column_and_row(column: int, row: int) -> None:
    reference = f"{get_column_letter(column)}{row}"
    assert split_reference(reference) == (column, row)
    assert split_reference(f"${get_column_letter(column)}${row}") == (column, row)


@pytest.mark.parametrize("bad", ["", "17", "D", "D17:E18", "ABCD1", "1D"])
def test_a_reference_that_is_not_a1_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        split_reference(bad)


@pytest.mark.parametrize("index", [0, 16385, -1])
def test_a_column_outside_a_worksheet_is_refused(index: int) -> None:
    with pytest.raises(ValueError):
        column_letter(index)


def test_places_name_cells_as_findings_show_them() -> None:
    assert Place("r.xlsx", "Contracts", is_csv=False).cell(27, 5) == "Contracts!AB5"
    assert Place("r.csv", "r", is_csv=True).cell(0, 17) == "A17"
