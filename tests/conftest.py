"""Shared fixtures: a migrated database (SQLite by default; PostgreSQL for the storage tests that
ask for ``any_db``), the services, and request contexts for calling handlers directly."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from airsync.commands.context import RequestContext, Services
from airsync.config import Config
from airsync.devices.policy import PolicyProvider
from airsync.devices.registry import DeviceRegistry
from airsync.protocol.versions import ProtocolVersion
from airsync.store.accounts import Accounts
from airsync.store.db import Database

POSTGRES_ADMIN_URL = os.environ.get(
    "AIRSYNC_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database.open(None, tmp_path)
    await db.migrate()
    yield db
    await db.close()


@pytest.fixture
async def postgresql_db(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh PostgreSQL database per test (dropped afterwards)."""
    name = f"airsync_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database.open(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", tmp_path)
    try:
        await db.migrate()
        yield db
    finally:
        await db.close()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The storage tests run on both databases."""
    return request.getfixturevalue(f"{request.param}_db")


def make_services(db: Database, config: Config | None = None) -> Services:
    config = config or Config(
        data_dir=(db.engine.url.database and Path(db.engine.url.database).parent) or Path(".")
    )
    return Services(
        config=config,
        db=db,
        accounts=Accounts(db),
        devices=DeviceRegistry(db),
        policy=PolicyProvider(config.policy, required=config.policy_required),
    )


@pytest.fixture
async def services(sqlite_db: Database) -> Services:
    return make_services(sqlite_db)


@pytest.fixture
def make_context(services: Services) -> Callable[..., Any]:
    """``await make_context("14.1", user="alice", device_id="DEV1")`` -> a RequestContext for a user
    (created on first use, password "secret") and a device (created on first use)."""

    async def factory(
        version: str = "14.1",
        *,
        cmd: str = "Test",
        user: str = "alice",
        device_id: str = "DEV1",
        device_type: str = "TestDevice",
        policy_key: int | None = None,
        params: dict[str, str] | None = None,
    ) -> RequestContext:
        account = await services.accounts.get(user)
        if account is None:
            account = await services.accounts.add(user, "secret", email=f"{user}@example.test")
        device = await services.devices.touch(
            account.id, device_id, device_type, user_agent="pytest", protocol_version=version
        )
        return RequestContext(
            services=services,
            cmd=cmd,
            version=ProtocolVersion.parse(version),
            user=account,
            device=device,
            policy_key=policy_key,
            params=params or {},
        )

    return factory
