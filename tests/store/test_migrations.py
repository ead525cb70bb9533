"""The Alembic migrations build exactly the schema of airsync.store.tables, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from airsync.store.db import Database
from airsync.store.tables import metadata


async def test_migrations_match_tables(any_db: Database) -> None:
    async with any_db.engine.connect() as conn:
        diff = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
    assert diff == []


async def test_migrating_twice_is_harmless(any_db: Database) -> None:
    await any_db.migrate()
    async with any_db.engine.connect() as conn:
        version = await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
    assert version == "0002"
