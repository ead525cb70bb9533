"""Items in the embedded store: one row per item in its internet standard, with a version from the
user's change counter and tombstones for deletions (DESIGN decisions 1 and 3).

The change feed of a folder is its rows ordered by version: everything a device has not seen is
``version > watermark``. A change of any kind takes the next version, so an edit, a move or a
delete is one row touched and one index lookup for every device.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .tables import items, users


@dataclass(frozen=True, slots=True)
class Item:
    server_id: str
    folder_id: str
    item_class: str
    uid: str | None
    content_type: str
    content: str
    version: int
    deleted: bool = False
    start_utc: datetime | None = None
    end_utc: datetime | None = None
    complete: bool | None = None


@dataclass(frozen=True, slots=True)
class Derived:
    """What the sync engine derives from an item's content for lookups and filters."""

    uid: str | None = None
    start_utc: datetime | None = None
    end_utc: datetime | None = None
    complete: bool | None = None


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _row(row: Any) -> Item:
    return Item(
        server_id=row.server_id,
        folder_id=row.folder_id,
        item_class=row.item_class,
        uid=row.uid,
        content_type=row.content_type,
        content=row.content,
        version=row.version,
        deleted=bool(row.deleted),
        start_utc=_aware(row.start_utc),
        end_utc=_aware(row.end_utc),
        complete=row.complete,
    )


async def next_version(conn: AsyncConnection, user_id: int) -> int:
    """Take the user's next item version. Inside the caller's write transaction, so concurrent
    writers for one user serialise on the users row."""
    await conn.execute(update(users).where(users.c.id == user_id).values(item_seq=users.c.item_seq + 1))
    return int((await conn.execute(select(users.c.item_seq).where(users.c.id == user_id))).scalar_one())


async def current_version(conn: AsyncConnection, user_id: int) -> int:
    return int((await conn.execute(select(users.c.item_seq).where(users.c.id == user_id))).scalar_one())


async def add_item(
    conn: AsyncConnection,
    user_id: int,
    folder_id: str,
    item_class: str,
    content_type: str,
    content: str,
    derived: Derived,
) -> Item:
    version = await next_version(conn, user_id)
    now = datetime.now(UTC)
    # The first version doubles as the ServerId: unique per user, never reused, and independent of
    # the folder, so it survives moves (EAS 16.1 keeps ServerIds across resyncs).
    server_id = str(version)
    await conn.execute(
        items.insert().values(
            user_id=user_id,
            folder_id=folder_id,
            server_id=server_id,
            item_class=item_class,
            uid=derived.uid,
            content_type=content_type,
            content=content,
            version=version,
            deleted=False,
            start_utc=derived.start_utc,
            end_utc=derived.end_utc,
            complete=derived.complete,
            created_at=now,
            modified_at=now,
        )
    )
    return Item(
        server_id,
        folder_id,
        item_class,
        derived.uid,
        content_type,
        content,
        version,
        False,
        derived.start_utc,
        derived.end_utc,
        derived.complete,
    )


async def update_item(
    conn: AsyncConnection, user_id: int, server_id: str, content: str, derived: Derived
) -> Item | None:
    version = await next_version(conn, user_id)
    result = await conn.execute(
        update(items)
        .where(items.c.user_id == user_id, items.c.server_id == server_id, items.c.deleted.is_(False))
        .values(
            content=content,
            version=version,
            uid=derived.uid,
            start_utc=derived.start_utc,
            end_utc=derived.end_utc,
            complete=derived.complete,
            modified_at=datetime.now(UTC),
        )
    )
    if result.rowcount == 0:
        return None
    return await get_item(conn, user_id, server_id)


async def delete_item(conn: AsyncConnection, user_id: int, server_id: str) -> Item | None:
    """Leave a tombstone (content kept, so an operator can still recover it)."""
    version = await next_version(conn, user_id)
    result = await conn.execute(
        update(items)
        .where(items.c.user_id == user_id, items.c.server_id == server_id, items.c.deleted.is_(False))
        .values(deleted=True, version=version, modified_at=datetime.now(UTC))
    )
    if result.rowcount == 0:
        return None
    return await get_item(conn, user_id, server_id, include_deleted=True)


async def get_item(
    conn: AsyncConnection, user_id: int, server_id: str, *, include_deleted: bool = False
) -> Item | None:
    query = select(items).where(items.c.user_id == user_id, items.c.server_id == server_id)
    if not include_deleted:
        query = query.where(items.c.deleted.is_(False))
    row = (await conn.execute(query)).first()
    return _row(row) if row else None


async def find_by_uid(conn: AsyncConnection, user_id: int, folder_id: str, uid: str) -> Item | None:
    row = (
        await conn.execute(
            select(items).where(
                items.c.user_id == user_id,
                items.c.folder_id == folder_id,
                items.c.uid == uid,
                items.c.deleted.is_(False),
            )
        )
    ).first()
    return _row(row) if row else None


async def changes_since(
    conn: AsyncConnection, user_id: int, folder_id: str, watermark: int, limit: int
) -> list[Item]:
    """Items (and tombstones) of a folder changed after ``watermark``, oldest change first."""
    rows = await conn.execute(
        select(items)
        .where(items.c.user_id == user_id, items.c.folder_id == folder_id, items.c.version > watermark)
        .order_by(items.c.version)
        .limit(limit)
    )
    return [_row(r) for r in rows.all()]


async def count_changes_since(conn: AsyncConnection, user_id: int, folder_id: str, watermark: int) -> int:
    return int(
        (
            await conn.execute(
                select(func.count())
                .select_from(items)
                .where(
                    and_(
                        items.c.user_id == user_id,
                        items.c.folder_id == folder_id,
                        items.c.version > watermark,
                    )
                )
            )
        ).scalar_one()
    )


async def live_items(conn: AsyncConnection, user_id: int, folder_id: str) -> list[Item]:
    rows = await conn.execute(
        select(items)
        .where(items.c.user_id == user_id, items.c.folder_id == folder_id, items.c.deleted.is_(False))
        .order_by(items.c.version)
    )
    return [_row(r) for r in rows.all()]
