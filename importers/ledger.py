"""Every row's keys for one import: in memory for an ordinary register, on disk beyond.

Duplicate references and repeated rows are found by remembering each row's
key and where it was first seen, and shared references by each reference's
first supplier. Up to :data:`IN_MEMORY` entries (about 30 MiB) they are kept in
dictionaries, a lookup costing a hash; past that the ledger moves them into a
private SQLite database in a temporary file (SQLite keeps a 2 MiB page cache),
one short statement per row from then on, so an import's memory stops growing
with its rows.
"""

from __future__ import annotations

import sqlite3

# Entries (keys and references together) kept in memory before the ledger spills to
# disk: about 30 MiB of Python strings, and about three times the rows of any register
# we have seen, so only a national-scale file pays for statements.
IN_MEMORY = 150_000


class KeyLedger:
    """Keys seen so far in one file, and where; close it when the file is done."""

    def __init__(self, in_memory: int = IN_MEMORY) -> None:
        self._limit = in_memory
        self._keys: dict[str, str] = {}
        self._refs: dict[tuple[str, str], tuple[str, int]] = {}
        self._db: sqlite3.Connection | None = None

    def first_seen(self, key: str, place: str) -> str | None:
        """Where ``key`` was first seen; if this is the first time, None (and ``place``
        is remembered for it)."""
        if self._db is None:
            first = self._keys.get(key)
            if first is None:
                self._keys[key] = place
                self._spill_if_full()
            return first
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
        if self._db is None:
            known = self._refs.get((sheet, reference))
            if known is None:
                self._refs[sheet, reference] = (supplier, row)
                self._spill_if_full()
            return known
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
        if self._db is None:
            return list(self._keys)
        return [str(key) for (key,) in self._db.execute("SELECT key FROM keys")]

    @property
    def on_disk(self) -> bool:
        return self._db is not None

    def _spill_if_full(self) -> None:
        if len(self._keys) + len(self._refs) <= self._limit:
            return
        db = sqlite3.connect("", isolation_level=None)  # "": a private temporary file
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-2048"):
            db.execute(f"PRAGMA {pragma}")
        db.execute("CREATE TABLE keys (key TEXT PRIMARY KEY, place TEXT) WITHOUT ROWID")
        db.execute(
            "CREATE TABLE refs (sheet TEXT, reference TEXT, supplier TEXT, row INTEGER, "
            "PRIMARY KEY (sheet, reference)) WITHOUT ROWID"
        )
        db.execute("BEGIN")
        db.executemany("INSERT INTO keys VALUES (?, ?)", self._keys.items())
        db.executemany(
            "INSERT INTO refs VALUES (?, ?, ?, ?)",
            ((sheet, ref, supplier, row) for (sheet, ref), (supplier, row) in self._refs.items()),
        )
        self._keys, self._refs, self._db = {}, {}, db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
