"""Importers: turn commissioning teams' spreadsheets into rows for ``contracts``.

``import_file(session, path, ...)`` reads one .xlsx/.xlsm/.csv register,
finds its table, validates every row and stores the result whole or not at
all, returning an :class:`ImportReport`.
"""

from importers.pipeline import import_file
from importers.report import ImportReport

__all__ = ["ImportReport", "import_file"]
