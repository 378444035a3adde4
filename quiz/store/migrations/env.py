"""Alembic's entry point: migrate the connection `quiz.store.database.migrate` hands over, in its transaction.

Migrations describe the schema as it was when they were written and import nothing from the app, so what they
do never changes; tests/test_store.py checks that they build exactly what `quiz/store/tables.py` declares.
"""

from alembic import context

context.configure(connection=context.config.attributes["connection"], target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
