"""Does a device have changes waiting in a collection? For Ping and GetItemEstimate.

Counts the items changed after the partnership's watermark that the device does not already hold
at that version (its own changes) and, for deletions, only items it holds.
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from airsync.store.tables import items, sync_collections, sync_items


async def pending_count(
    conn: AsyncConnection, user_id: int, device_pk: int, collection_id: str
) -> int | None:
    """None when the device has no partnership on the collection (Sync key 0 not done)."""
    row = (
        await conn.execute(
            select(sync_collections.c.id, sync_collections.c.watermark).where(
                sync_collections.c.device_pk == device_pk, sync_collections.c.collection_id == collection_id
            )
        )
    ).first()
    if row is None:
        return None
    held = sync_items.alias("held")
    query = (
        select(func.count())
        .select_from(
            items.outerjoin(
                held, and_(held.c.partnership_id == row.id, held.c.server_id == items.c.server_id)
            )
        )
        .where(
            items.c.user_id == user_id,
            items.c.folder_id == collection_id,
            items.c.version > row.watermark,
            or_(
                and_(
                    items.c.deleted.is_(False),
                    or_(held.c.version.is_(None), held.c.version != items.c.version),
                ),
                and_(items.c.deleted.is_(True), held.c.version.is_not(None)),
            ),
        )
    )
    return int((await conn.execute(query)).scalar_one())
