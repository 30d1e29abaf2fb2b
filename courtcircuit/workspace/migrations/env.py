"""Alembic environment: migrations run on the connection the store hands over (store.migrate)."""

from alembic import context

from courtcircuit.workspace.models import Base

connection = context.config.attributes["connection"]
# Batch mode: SQLite cannot ALTER most things; Alembic rebuilds the table there instead.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
