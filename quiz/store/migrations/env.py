"""Alembic's entry point: migrate the connection `quiz.db.migrate` hands over, or a URL given to alembic."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from quiz.store.tables import metadata

config = context.config


def run() -> None:
    """Run migrations on the given connection, or on a fresh one to sqlalchemy.url."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    with create_engine(config.get_main_option("sqlalchemy.url") or "").begin() as conn:
        _migrate(conn)


def _migrate(connection: Connection) -> None:
    # render_as_batch lets later migrations alter SQLite tables (copy-and-move), as SQLite cannot ALTER much.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
