"""Fixtures: a fresh database per test, on SQLite and (when available) PostgreSQL.

Each test gets its own database copied from a template migrated once per run,
so tests are isolated and fast. Set CONTRACTS_TEST_POSTGRES_URL (``.ci/run``
does) to run every database test on PostgreSQL too; without it those cases
skip with a visible reason.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from contracts.store import db

# CI and the team's machines are shared: a per-example time limit fails tests for the
# machine's load (and then as "flaky" when the replay is fast), never for behaviour.
settings.register_profile("contracts", deadline=None)
settings.load_profile("contracts")

POSTGRES_URL = os.environ.get("CONTRACTS_TEST_POSTGRES_URL")
NO_POSTGRES = (
    "PostgreSQL leg not run: CONTRACTS_TEST_POSTGRES_URL is not set "
    "(bash .ci/run starts a throwaway server and sets it)"
)
_counter = itertools.count()


class PostgresServer:
    """Creates and drops throwaway databases on the test server."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.prefix = f"contracts_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self.created: list[str] = []

    def url_for(self, name: str) -> str:
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{next(_counter)}"
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}{clause}"))
        self.created.append(name)
        return self.url_for(name)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in [*self.created, self.template]:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    server = PostgresServer(POSTGRES_URL)
    with server.admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {server.template} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {server.template}"))
    db.upgrade(server.url_for(server.template))
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db.upgrade(f"sqlite:///{path}")
    return path


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new database at the newest schema, with the reference organisations."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "contracts.db"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create(template=server.template)


@pytest.fixture
def empty_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables at all, for migration tests."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return db.session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session in an open transaction; the test may commit through it."""
    with sessions() as session, session.begin():
        yield session


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
