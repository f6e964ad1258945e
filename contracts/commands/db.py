"""`contracts db`: apply the migrations, show the schema revision."""

from __future__ import annotations

import click

from contracts.commands.context import store
from contracts.store import db


@click.group("db")
def db_group() -> None:
    """The database schema: apply migrations, show the revision."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply every alembic migration the database lacks.

    Example: contracts --database sqlite:///team.db db upgrade
    """
    url = store(ctx).url
    db.upgrade(url)
    click.echo(f"{db.safe_url(url)} is at revision {db.current_revision(url)} (head)")


@db_group.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Show the schema revision of the database and the newest this tool knows.

    Example: contracts db current
    """
    url = store(ctx).url
    current = db.current_revision(url)
    head = db.head_revision()
    state = "up to date" if current == head else "run 'contracts db upgrade'"
    click.echo(f"{db.safe_url(url)}: revision {current or 'none'} (head {head}; {state})")
