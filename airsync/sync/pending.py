"""Does a device have changes waiting in a collection? For Ping and GetItemEstimate.

Counts the items changed after the partnership's watermark that the device does not already hold
at that version (its own changes) and, for deletions, only items it holds.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from airsync.store.tables import items, sync_collections, sync_items

from .classes import INCOMPLETE_TASKS, PAST


async def pending_count(
    conn: AsyncConnection, user_id: int, device_pk: int, collection_id: str, filter_type: int | None = None
) -> int | None:
    """None when the device has no partnership on the collection (Sync key 0 not done).
    ``filter_type`` (default: the one the device last synced with) leaves out what its window
    excludes, as Sync would."""
    row = (
        await conn.execute(
            select(sync_collections.c.id, sync_collections.c.watermark, sync_collections.c.options).where(
                sync_collections.c.device_pk == device_pk, sync_collections.c.collection_id == collection_id
            )
        )
    ).first()
    if row is None:
        return None
    if filter_type is None:
        options = row.options or {}
        block = options.get(row_class(options)) or options.get("") or {}
        try:
            filter_type = int(block.get("FilterType") or 0)
        except (TypeError, ValueError):
            filter_type = 0
    held = sync_items.alias("held")
    in_window = []
    if filter_type in PAST:
        cutoff = datetime.now(UTC) - PAST[filter_type]
        in_window.append(
            or_(items.c.end_utc.is_(None), items.c.end_utc >= cutoff, items.c.item_class != "Calendar")
        )
    elif filter_type == INCOMPLETE_TASKS:
        in_window.append(or_(items.c.complete.is_not(True), items.c.item_class != "Tasks"))
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
                    # Outside the window only what the device holds counts (it leaves as SoftDelete).
                    or_(held.c.version.is_not(None), *in_window) if in_window else true(),
                ),
                and_(items.c.deleted.is_(True), held.c.version.is_not(None)),
            ),
        )
    )
    return int((await conn.execute(query)).scalar_one())


def row_class(options: dict[str, object]) -> str:
    """The Options block of the folder's own class: the one without a Class, or the only one."""
    named = [k for k in options if k and isinstance(options.get(k), dict)]
    return "" if "" in options or len(named) != 1 else named[0]
