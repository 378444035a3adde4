"""Alembic's entry point: migrate the connection `quiz.store.database.migrate` hands over.

Migrations describe the schema as it was when they were written and import nothing from the app, so what they
do never changes; tests/test_store.py checks that they build exactly what `quiz/store/tables.py` declares.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

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
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


run()
