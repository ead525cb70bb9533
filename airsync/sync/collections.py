"""Collection sync state per (device, collection): the partnership that Sync key 0 opens.

This is the first step of the sync engine: a partnership with its keys and options. The item state
(which item at which version the device holds at each key) and the replay of the last response hang
off the same row when the engine lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from airsync.store.tables import sync_collections

from . import keys


@dataclass(frozen=True)
class Partnership:
    collection_id: str
    sync_key: str
    previous_sync_key: str | None
    folder_class: str
    options: dict[str, Any]
    supported: list[str] | None


class KeyMismatch(Exception):
    pass


async def open_partnership(
    conn: AsyncConnection,
    device_pk: int,
    collection_id: str,
    folder_class: str,
    options: dict[str, Any],
    supported: list[str] | None,
) -> Partnership:
    """Sync key 0: forget whatever the device held for this collection and start over."""
    now = datetime.now(UTC)
    await conn.execute(
        delete(sync_collections).where(
            sync_collections.c.device_pk == device_pk, sync_collections.c.collection_id == collection_id
        )
    )
    key = keys.first_key()
    await conn.execute(
        sync_collections.insert().values(
            device_pk=device_pk,
            collection_id=collection_id,
            sync_key=key,
            previous_sync_key=None,
            folder_class=folder_class,
            options=options,
            supported=supported,
            created_at=now,
            updated_at=now,
        )
    )
    return Partnership(collection_id, key, None, folder_class, options, supported)


async def find(conn: AsyncConnection, device_pk: int, collection_id: str) -> Partnership | None:
    row = (
        await conn.execute(
            select(sync_collections).where(
                sync_collections.c.device_pk == device_pk, sync_collections.c.collection_id == collection_id
            )
        )
    ).first()
    if row is None:
        return None
    return Partnership(
        row.collection_id,
        row.sync_key,
        row.previous_sync_key,
        row.folder_class,
        dict(row.options or {}),
        list(row.supported) if row.supported is not None else None,
    )


async def check_key(conn: AsyncConnection, device_pk: int, collection_id: str, sync_key: str) -> Partnership:
    """The partnership for a non-zero key the device presented; KeyMismatch if it is neither the
    current key nor the one before it."""
    partnership = await find(conn, device_pk, collection_id)
    if partnership is None or sync_key not in (partnership.sync_key, partnership.previous_sync_key):
        raise KeyMismatch(sync_key)
    return partnership


async def update_options(
    conn: AsyncConnection,
    device_pk: int,
    collection_id: str,
    options: dict[str, Any],
    *,
    rewind: bool = False,
) -> None:
    values: dict[str, Any] = {"options": options, "updated_at": datetime.now(UTC)}
    if rewind:
        values["watermark"] = 0
    await conn.execute(
        update(sync_collections)
        .where(sync_collections.c.device_pk == device_pk, sync_collections.c.collection_id == collection_id)
        .values(**values)
    )
