"""Opening the database: SQLite (embedded default, WAL) or PostgreSQL, and running migrations."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(url: str | None, data_dir: Path) -> str:
    """The async SQLAlchemy URL for ``url`` (``postgresql://...``, ``sqlite:///...``) or the default
    SQLite file in the data directory."""
    if not url:
        return f"sqlite+aiosqlite:///{(data_dir / 'airsync.sqlite3').resolve()}"
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif driver == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


class Database:
    """The engine plus the two kinds of transaction the code uses."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"

    @classmethod
    def open(cls, url: str | None, data_dir: Path, *, echo: bool = False) -> Database:
        full = database_url(url, data_dir)
        kwargs: dict[str, Any] = {"echo": echo}
        if full.startswith("sqlite"):
            data_dir.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30, "isolation_level": None}
            # WAL lets many readers work beside the one writer; a burst of reconnecting devices
            # (thousands of Pings after a network blip) needs more than the default five.
            kwargs["pool_size"] = 20
            kwargs["max_overflow"] = 80
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["pool_size"] = 10
            kwargs["max_overflow"] = 20
        if ":memory:" in full:
            kwargs["poolclass"] = NullPool
            kwargs.pop("pool_size", None)
            kwargs.pop("max_overflow", None)
        engine = create_async_engine(full, **kwargs)
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
        return cls(engine)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A read-write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE), so
        two writers queue on the busy timeout instead of failing when a reader upgrades."""
        async with self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only transaction (on SQLite a deferred one, which does not block writers in WAL)."""
        async with self.engine.connect() as conn:
            if self.is_sqlite:
                conn.info["read_only"] = True
            async with conn.begin():
                yield conn

    async def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        async with self.engine.connect() as conn:
            await conn.run_sync(_upgrade)
            await conn.commit()

    async def close(self) -> None:
        await self.engine.dispose()


def _upgrade(connection: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # pysqlite's own transaction handling is off (isolation_level=None); we issue BEGIN ourselves.
        if conn.info.pop("read_only", False):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
