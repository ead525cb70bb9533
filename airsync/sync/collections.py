"""Collection sync state per (device, collection): the partnership that Sync key 0 opens.

Opening a partnership (Sync key 0) and recording the options a device sends; everything that
happens at later keys is airsync.sync.engine's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncConnection

from airsync.store.tables import sync_collections

from . import keys


async def open_partnership(
    conn: AsyncConnection,
    device_pk: int,
    collection_id: str,
    folder_class: str,
    options: dict[str, Any],
    supported: list[str] | None,
) -> str:
    """Sync key 0: forget whatever the device held for this collection and start over. Returns the
    partnership's first key."""
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
    return key


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
