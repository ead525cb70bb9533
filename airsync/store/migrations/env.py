"""Alembic environment. The server passes its open connection in ``config.attributes``;
``alembic`` on the command line is not needed to run airsync (``airsync serve`` migrates)."""

from __future__ import annotations

from alembic import context

from airsync.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through airsync (Database.migrate), which passes a connection")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
