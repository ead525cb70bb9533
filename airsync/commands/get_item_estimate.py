"""GetItemEstimate: how many changes a Sync would bring (MS-ASCMD 2.2.1.9).

In 2.5 to 12.1 the Class and FilterType sit directly in Collection; 14.0 moved them into
airsync:Options. Either shape is read. The estimate counts the server changes the device's next
Sync would bring: changed items it does not hold at their current version, and deletions of items
it holds.
"""

from __future__ import annotations

from enum import IntEnum

from airsync.store.folders import get_folder
from airsync.sync import engine, keys
from airsync.sync.pending import pending_count
from airsync.wbxml import Element, ns

from .context import RequestContext

GIE = ns.GetItemEstimate


class Status(IntEnum):
    """MS-ASCMD 2.2.3.177.7 Status (GetItemEstimate)."""

    Success = 1  #: Success.
    InvalidCollection = 2  #: A collection was invalid or one of the specified collection IDs was invalid.
    NotPrimed = 3  #: The synchronization state has not been primed (no Sync with key 0 yet).
    InvalidSyncKey = 4  #: The specified synchronization key was invalid.


async def handle(ctx: RequestContext, request: Element | None) -> Element:
    assert request is not None
    collections_el = request.find("Collections")
    if collections_el is None:
        ctx.log.warning("GetItemEstimate without Collections")
        return GIE.GetItemEstimate(GIE.Status(Status.InvalidCollection))
    responses = [await _estimate(ctx, c) for c in collections_el.findall("Collection")]
    return GIE.GetItemEstimate(responses)


async def _estimate(ctx: RequestContext, collection: Element) -> Element:
    collection_id = collection.findtext("CollectionId")
    sync_key = collection.findtext("AirSync:SyncKey")
    if not collection_id:
        return GIE.Response(GIE.Status(Status.InvalidCollection))
    async with ctx.services.db.read() as conn:
        folder = await get_folder(conn, ctx.user.id, collection_id)
        if folder is None:
            ctx.log.info("GetItemEstimate on unknown collection %r", collection_id[:64])
            return GIE.Response(
                GIE.Status(Status.InvalidCollection), GIE.Collection(GIE.CollectionId(collection_id))
            )
        partnership = await engine.load(conn, ctx.device.id, collection_id)
        estimate = await pending_count(
            conn, ctx.user.id, ctx.device.id, collection_id, _filter_type(collection)
        )
    if partnership is None or sync_key in (None, keys.INITIAL):
        return GIE.Response(GIE.Status(Status.NotPrimed), GIE.Collection(GIE.CollectionId(collection_id)))
    if sync_key not in (partnership.sync_key, partnership.previous_sync_key):
        return GIE.Response(
            GIE.Status(Status.InvalidSyncKey), GIE.Collection(GIE.CollectionId(collection_id))
        )
    return GIE.Response(
        GIE.Status(Status.Success),
        GIE.Collection(GIE.CollectionId(collection_id), GIE.Estimate(estimate or 0)),
    )


def _filter_type(collection: Element) -> int | None:
    """FilterType of the request: in airsync:Options (14.0+) or straight in Collection (2.5-12.1)."""
    text = None
    for options in collection.findall("AirSync:Options"):
        text = options.findtext("FilterType") or text
    text = text or collection.findtext("AirSync:FilterType")
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
