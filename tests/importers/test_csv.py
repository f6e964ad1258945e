"""CSV by RFC 4180: quoted cells keep their delimiters, line breaks and doubled quotes,
in every encoding Excel saves, and every record is numbered by the line it starts on."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import InputRejected
from contracts.store.models import Contract
from importers import import_file
from importers.csvfile import choose_delimiter
from importers.reading import open_register

REGISTERS = Path(__file__).parents[2] / ".." / "shared" / "data" / "real" / "registers"
FINDER = REGISTERS / "contracts-finder-notices-export-2025-11.csv"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read(path: Path) -> list[tuple[int, tuple[str, ...]]]:
    with open_register(path) as register:
        (sheet,) = list(register.sheets())
        return list(sheet.rows)


def expected_starts(rows: list[list[str]]) -> list[int]:
    """The line each record starts on, counting line breaks as a text editor does."""
    starts, line = [], 1
    for row in rows:
        starts.append(line)
        line += 1 + sum(len(_LINE_BREAK.findall(cell)) for cell in row)
    return starts


@pytest.mark.skipif(not FINDER.exists(), reason=f"real export not found at {FINDER}")
def test_a_contracts_finder_export_reads_as_852_notices() -> None:
    rows = read(FINDER)
    assert len(rows) == 853  # the header and 852 notices
    assert rows[0][1][:3] == ("Notice Identifier", "Notice Type", "Organisation Name")
    # every record starts where the file says: its line begins with its first cell
    lines = _LINE_BREAK.split(FINDER.read_bytes().decode("utf-8-sig"))
    for start, cells in rows:
        line = lines[start - 1]
        first = cells[0]
        assert line.startswith(first) or line.startswith('"' + first.replace('"', '""')[:50])
    spanning = [cells for _, cells in rows if any("\n" in c for c in cells)]
    quoted = [cells for _, cells in rows if any('"' in c for c in cells)]
    assert len(spanning) > 500 and len(quoted) > 50
    assert {len(cells) for _, cells in rows} <= {42, 43}


def test_doubled_quotes_and_line_breaks_stay_inside_their_cell(
    session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "quotes.csv"
    path.write_bytes(
        b"Ref,Title,Provider,Annual value\r\n"
        b'Q-1,"The ""Big"" Review, phase 2","EPUT",100\r\n'
        b'Q-2,"Two\nline title","Provide CIC\r\n(community)",200\r\n'
        b'Q-3,Plain,"EPUT","n/a"\r\n'
        b'Q-4,"Bad value",EPUT,lots\r\n'
    )
    report = import_file(
        session, path, commissioner="99E", skip_invalid=True, rejects=tmp_path / "r.csv"
    )
    assert (report.rows_read, report.created, report.rejected) == (4, 3, 1)
    titles = {c.reference: c.title for c in session.scalars(select(Contract))}
    assert titles["Q-1"] == 'The "Big" Review, phase 2'
    assert titles["Q-2"] == "Two line title"  # spaces collapsed, the text kept
    (bad,) = [f for f in report.findings if f.code == "bad-money"]
    assert bad.cell == "D7"  # Q-4 starts on line 7: Q-2 spans lines 3 to 5
    contract = session.scalars(select(Contract).where(Contract.reference == "Q-3")).one()
    assert contract.source_row == 6


def test_excel_unicode_text_utf16_tab_separated(session: Session, tmp_path: Path) -> None:
    rows = [
        ["Contract Ref", "Title", "Provider", "Start", "Annual value"],
        ["U-1", "Café outreach – adults", "Trust Links", "01/04/2016", "£12,000"],
        ["U-2", 'Say "hello"\tthere', "EPUT", "01/04/2016", "1,000"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    path = tmp_path / "unicode.csv"
    path.write_bytes(buffer.getvalue().encode("utf-16"))  # with a BOM, as Excel writes
    report = import_file(session, path, commissioner="99E")
    assert not report.has_errors, report.render_text()
    assert report.encoding == "UTF-16 (Excel Unicode Text)"
    titles = {c.reference: c.title for c in session.scalars(select(Contract))}
    assert titles == {"U-1": "Café outreach – adults", "U-2": 'Say "hello" there'}


def test_utf16_without_a_bom_and_mixed_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    text = 'Ref;Title;Value\r\nA-1;"x\ny";1,5\nA-2;z;2\rA-3;w;3\r\n'
    path.write_bytes(text.encode("utf-16-le"))
    assert read(path) == [
        (1, ("Ref", "Title", "Value")),
        (2, ("A-1", "x\ny", "1,5")),
        (4, ("A-2", "z", "2")),
        (5, ("A-3", "w", "3")),
    ]


def test_a_quote_that_never_closes_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "runaway.csv"
    body = "".join(f"R-{n},Title {n},EPUT,{n}\r\n" for n in range(3, 20_000))
    path.write_text(f'Ref,Title,Provider,Value\r\nR-1,"Open quote,EPUT,1\r\n{body}')
    with pytest.raises(InputRejected, match=r"^runaway\.csv line 2 opens a quoted cell"):
        read(path)


def test_a_csv_that_says_utf16_but_is_not_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"\xff\xfeR\x00e\x00f\x00\x00\xd8")  # a lone surrogate
    with pytest.raises(InputRejected, match="says it is UTF-16"):
        read(path)


@pytest.mark.parametrize(
    ("sample", "delimiter"),
    [
        ("Ref;Title;Value\nA;B;1,5\nC;D;2,25\n", ";"),  # decimal commas
        ('Ref,Title\nA,"semi; colon; here"\nB,"x; y"\n', ","),
        ("Ref\tTitle\tValue\nA\tB, C\t1\n", "\t"),
        ("Ref|Title\nA|B\n", "|"),
        ("just one column\nvalue\n", ","),
    ],
)
def test_the_delimiter_is_the_one_that_splits_records_consistently(
    sample: str, delimiter: str
) -> None:
    assert choose_delimiter(sample, truncated=False) == delimiter


# --- round trips ------------------------------------------------------------------------

DELIMITERS = [",", ";", "\t", "|"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]


def _cells(delimiter: str, encoding: str, ending: str) -> st.SearchStrategy[str]:
    others = "".join(d for d in DELIMITERS if d != delimiter)
    if ending == "\n":
        others += "\r"  # csv.writer only quotes the characters of its own line ending
    alphabet: st.SearchStrategy[str]
    if encoding == "cp1252":
        # ASCII and "£": text that cannot also be read as UTF-8
        alphabet = st.sampled_from([chr(c) for c in range(32, 127)] + ["£", "\n", "\r", '"'])
    else:  # any character that encodes (no lone surrogates), but NUL
        alphabet = st.characters(codec="utf-8", blacklist_characters="\x00\u2028\u2029\x85")
    return st.text(alphabet, max_size=12).map(lambda s: "".join(c for c in s if c not in others))


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, str, str, list[list[str]]]:
    delimiter = draw(st.sampled_from(DELIMITERS))
    encoding = draw(st.sampled_from(ENCODINGS))
    ending = draw(st.sampled_from(["\r\n", "\n"]))
    width = draw(st.integers(2, 5))
    cell = _cells(delimiter, encoding, ending)
    header = [f"Column {n}" for n in range(width)]
    body = draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=8))
    return delimiter, encoding, ending, [header, *body]


@settings(max_examples=150, deadline=None)
@given(csv_files())
def test_any_csv_written_by_csv_writer_reads_back_as_written(
    case: tuple[str, str, str, list[list[str]]],
) -> None:
    delimiter, encoding, ending, rows = case
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=ending).writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "round.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        with open_register(path) as register:
            (sheet,) = list(register.sheets())
            got = list(sheet.rows)
            assert register.delimiter == delimiter
    assert [list(cells) for _, cells in got] == rows
    assert [start for start, _ in got] == expected_starts(rows)
