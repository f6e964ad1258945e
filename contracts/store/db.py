"""Engines, sessions and schema checks for SQLite and PostgreSQL.

The caller owns the transaction (``with sessions.begin() as session:``);
library functions take a ``Session`` and never commit.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, column, create_engine, event, inspect, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SAWarning
from sqlalchemy.orm import Session, sessionmaker

import migrations
from contracts.errors import DatabaseError, SchemaOutOfDate, SchemaTooNew
from contracts.store.defaults import DEFAULT_URL as DEFAULT_URL
from contracts.store.defaults import ENV_VAR as ENV_VAR

if TYPE_CHECKING:
    from alembic.config import Config

# alembic is imported where it is used: a store already at migrations.HEAD is opened
# without it, so every command starts quickly.

MIGRATIONS_DIR = Path(migrations.__file__).parent
# How long a SQLite writer waits for another import to finish before giving up.
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def database_url(explicit: str | None = None) -> str:
    """The URL to use: the option, else the environment, else ./contracts.db."""
    return explicit or os.environ.get(ENV_VAR) or DEFAULT_URL


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return "<unparseable database URL>"


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _plain_engine(url: str) -> Engine:
    # A URL SQLAlchemy would use while warning (an argument the driver ignores) is
    # refused like one it cannot use, so a typo is never silently dropped.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SAWarning)
            if _is_sqlite(url):
                return create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
            return create_engine(url)
    except (ArgumentError, ImportError, ValueError, TypeError, SAWarning) as error:
        problem = str(error).split("(Background on")[0].strip().rstrip(".")
        raise DatabaseError(f"cannot use database {safe_url(url)}: {problem}") from error


def create_app_engine(url: str) -> Engine:
    """An engine for the application: SQLite with foreign keys and write locks up front."""
    engine = _plain_engine(url)
    if _is_sqlite(url):
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # Taking the write lock at BEGIN makes a second concurrent import wait for
    # the busy timeout instead of failing half-way with "database is locked".
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(url: str) -> Config:
    """Alembic's configuration for ``url``, independent of the working directory."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision among the migration scripts (alembic reads them all)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(DEFAULT_URL)).get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return head


def current_revision(url: str) -> str | None:
    """The revision the database is at; None for a database alembic never touched."""
    from alembic.runtime.migration import MigrationContext

    engine = _plain_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except DBAPIError as error:  # unreachable host, bad port, an option the driver refuses
        problem = str(error.orig).strip()
        raise DatabaseError(f"cannot open database {safe_url(url)}: {problem}") from error
    finally:
        engine.dispose()


def _migrate(url: str, step: Callable[[Config, str], None], revision: str) -> None:
    """Run one alembic command on a connection of our own, in one transaction."""
    engine = _plain_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            step(config, revision)
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` (what ``contracts db upgrade`` does)."""
    from alembic import command

    try:
        _migrate(url, command.upgrade, revision)
    except OperationalError as error:
        raise DatabaseError(f"cannot upgrade {safe_url(url)}: {error.orig}") from error


def downgrade(url: str, revision: str) -> None:
    from alembic import command

    _migrate(url, command.downgrade, revision)


def _is_empty(url: str) -> bool:
    engine = _plain_engine(url)
    try:
        with engine.connect() as connection:
            return not inspect(connection).get_table_names()
    finally:
        engine.dispose()


# alembic's own bookkeeping table, as far as reading the revision needs it.
_ALEMBIC_VERSION = table("alembic_version", column("version_num"))


def _stored_revision(url: str) -> str | None:
    """The revision recorded in ``alembic_version``, read with one plain query; None when
    there is no such table or it cannot be read (the full check then says why)."""
    engine = _plain_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            rows = connection.execute(select(_ALEMBIC_VERSION.c.version_num)).all()
    except DBAPIError:
        return None
    finally:
        engine.dispose()
    return rows[0][0] if len(rows) == 1 else None


def open_database(url: str) -> Engine:
    """An application engine for a database at the newest schema.

    A new, empty database is created at head on first use; one behind head
    raises :class:`SchemaOutOfDate`, one ahead :class:`SchemaTooNew`.
    """
    _refuse_unknown_sqlite_arguments(url)
    if _stored_revision(url) == migrations.HEAD:
        return create_app_engine(url)
    current = current_revision(url)
    head = head_revision()
    if current is None and _is_empty(url):
        upgrade(url)
        current = head
    if current != head:
        from alembic.script import ScriptDirectory

        known = {
            script.revision
            for script in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()
        }
        if current is None or current in known:
            raise SchemaOutOfDate(
                f"the database {safe_url(url)} is at schema revision {current or 'none'}, "
                f"behind this version of the tool ({head}); run 'contracts db upgrade'"
            )
        raise SchemaTooNew(
            f"the database {safe_url(url)} is at schema revision {current}, which this "
            "version of the tool does not know; upgrade essex-contracts"
        )
    return create_app_engine(url)


# What pysqlite takes from a URL's query (SQLAlchemy's own and SQLite's URI options).
SQLITE_QUERY_ARGUMENTS = frozenset(
    {"timeout", "check_same_thread", "isolation_level", "detect_types", "uri", "mode",
     "cache", "nolock", "immutable", "vfs", "modeof"}
)  # fmt: skip


def _refuse_unknown_sqlite_arguments(url: str) -> None:
    """SQLAlchemy 2.0 ignores an unknown SQLite query argument; a typo should not pass."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return  # create_app_engine words that refusal
    if not parsed.drivername.startswith("sqlite"):
        return
    unknown = sorted(set(parsed.query) - SQLITE_QUERY_ARGUMENTS)
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown)
        raise DatabaseError(
            f"the query argument(s) {names} are not accepted by SQLite, in the database "
            f"URL {safe_url(url)}; remove them"
        )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
