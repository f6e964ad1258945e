"""Every row's keys for one import, kept on disk rather than as Python objects.

Duplicate references and repeated rows are found by remembering each row's
key and where it was first seen, and shared references by each reference's
first supplier. For 100,000 rows that is some 30 MiB of Python strings and
dict slots that grows with the file; here it lives in a private SQLite
database in a temporary file (SQLite keeps a 2 MiB page cache), one short
statement per row, so an import's memory does not grow with its rows.
"""

from __future__ import annotations

import sqlite3


class KeyLedger:
    """Keys seen so far in one file, and where; close it when the file is done."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)  # "": a private temporary file
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-2048"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE keys (key TEXT PRIMARY KEY, place TEXT) WITHOUT ROWID")
        self._db.execute(
            "CREATE TABLE refs (sheet TEXT, reference TEXT, supplier TEXT, row INTEGER, "
            "PRIMARY KEY (sheet, reference)) WITHOUT ROWID"
        )
        self._db.execute("BEGIN")

    def first_seen(self, key: str, place: str) -> str | None:
        """Where ``key`` was first seen; if this is the first time, None (and ``place``
        is remembered for it)."""
        added = self._db.execute("INSERT OR IGNORE INTO keys VALUES (?, ?)", (key, place))
        if added.rowcount == 1:
            return None
        row = self._db.execute("SELECT place FROM keys WHERE key = ?", (key,)).fetchone()
        return str(row[0])

    def first_supplier(
        self, sheet: str, reference: str, supplier: str, row: int
    ) -> tuple[str, int] | None:
        """The supplier and row that first used ``reference`` in ``sheet``; None (and this
        one remembered) if none did before."""
        added = self._db.execute(
            "INSERT OR IGNORE INTO refs VALUES (?, ?, ?, ?)", (sheet, reference, supplier, row)
        )
        if added.rowcount == 1:
            return None
        found = self._db.execute(
            "SELECT supplier, row FROM refs WHERE sheet = ? AND reference = ?", (sheet, reference)
        ).fetchone()
        return str(found[0]), int(found[1])

    def keys(self) -> list[str]:
        """Every key seen so far (for a renamed register's check: a new source only)."""
        return [str(key) for (key,) in self._db.execute("SELECT key FROM keys")]

    def close(self) -> None:
        self._db.close()
