"""Workbooks written part by part, as Excel, LibreOffice and Google Sheets write them.

openpyxl always writes inline-free shared strings, a correct ``<dimension>``,
no cached formula results and the 1900 date system; real files differ. These
builders write the XML parts themselves (with zipfile), so a test can hold
exactly the structure it is about.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_TYPE = f"{REL}/worksheet"


@dataclass
class Part:
    """One worksheet: its name, state and the XML inside ``<sheetData>``."""

    name: str
    sheet_data: str
    state: str = "visible"  # or "hidden", "veryHidden"
    cols: str = ""  # the <col> elements, if any
    dimension: str | None = None  # None: no <dimension> at all
    prefix: str = ""  # "x" writes <x:worksheet xmlns:x=...> as some generators do


@dataclass
class Book:
    sheets: list[Part]
    shared_strings: list[str] = field(default_factory=list)  # raw <si> inner XML
    date1904: bool = False


def cell(ref: str, value: object, *, kind: str | None = None, style: int | None = None) -> str:
    """A ``<c>`` element: kind "s" (shared string index), "inlineStr", "str", "e", "b"."""
    attrs = f'r="{ref}"' + (f' t="{kind}"' if kind else "") + (f' s="{style}"' if style else "")
    if kind == "inlineStr":
        return f"<c {attrs}><is><t>{escape(str(value))}</t></is></c>"
    return f"<c {attrs}><v>{escape(str(value))}</v></c>"


def formula(ref: str, text: str, cached: object, *, kind: str | None = None) -> str:
    attrs = f'r="{ref}"' + (f' t="{kind}"' if kind else "")
    return f"<c {attrs}><f>{escape(text)}</f><v>{escape(str(cached))}</v></c>"


def row(number: int, *cells: str, hidden: bool = False) -> str:
    flag = ' hidden="1"' if hidden else ""
    return f'<row r="{number}"{flag}>{"".join(cells)}</row>'


def _prefixed(xml: str, prefix: str) -> str:
    if not prefix:
        return xml
    return re.sub(r"<(/?)(?=[a-zA-Z])", rf"<\1{prefix}:", xml)


def _sheet_xml(part: Part) -> str:
    dimension = f'<dimension ref="{part.dimension}"/>' if part.dimension else ""
    cols = f"<cols>{part.cols}</cols>" if part.cols else ""
    body = f"{dimension}{cols}<sheetData>{part.sheet_data}</sheetData>"
    if part.prefix:
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<{part.prefix}:worksheet xmlns:{part.prefix}="{MAIN}" xmlns:r="{REL}">'
            f"{_prefixed(body, part.prefix)}</{part.prefix}:worksheet>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">{body}</worksheet>'
    )


# Style 1 is a date (built-in format 14, "dd/mm/yyyy" in a UK locale).
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)
DATE_STYLE = 1


def write_book(path: Path, book: Book) -> Path:
    """Write ``book`` as an .xlsx with the parts Excel writes (in a different folder
    layout than openpyxl's, to prove the reader follows the relationships)."""
    sheets = "".join(
        f'<sheet name="{escape(s.name)}" sheetId="{n}" r:id="rId{n}"'
        + (f' state="{s.state}"' if s.state != "visible" else "")
        + "/>"
        for n, s in enumerate(book.sheets, start=1)
    )
    pr = '<workbookPr date1904="1"/>' if book.date1904 else "<workbookPr/>"
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">{pr}<sheets>{sheets}</sheets></workbook>'
    )
    count = len(book.sheets)
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{WORKSHEET_TYPE}" Target="sheets/data{n}.xml"/>'
        for n in range(1, count + 1)
    )
    rels += (
        f'<Relationship Id="rId{count + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{count + 2}" Type="{REL}/sharedStrings" '
        'Target="sharedStrings.xml"/>'
    )
    overrides = "".join(
        f'<Override PartName="/xl/sheets/data{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        f"{overrides}</Types>"
    )
    strings = "".join(f"<si>{s}</si>" for s in book.shared_strings)
    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{MAIN}" count="{len(book.shared_strings)}" '
        f'uniqueCount="{len(book.shared_strings)}">{strings}</sst>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG}">{rels}</Relationships>',
        )
        archive.writestr("xl/styles.xml", STYLES)
        archive.writestr("xl/sharedStrings.xml", shared)
        for n, sheet in enumerate(book.sheets, start=1):
            archive.writestr(f"xl/sheets/data{n}.xml", _sheet_xml(sheet))
    return path
