"""Sync: synchronize the items of collections (MS-ASCMD 2.2.1.21).

First step of the command: it opens partnerships (SyncKey 0) on any folder, validates keys and
collections with the spec's statuses, and records the options and the Supported list a device
declares, so the sync engine can take over the same state. There are no items on the server yet,
so a valid non-zero key has nothing to report: 12.1 and later get the empty response of MS-ASCMD
2.2.1.21.1; 2.5 to 12.0 get the collection back with an unchanged key. Item changes sent by a
device are refused with Status 5 (retry later), so the device keeps them: nothing is lost.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from airsync.protocol import quirks
from airsync.protocol.versions import V12_1
from airsync.store.folders import CLASS_OF_TYPE, get_folder
from airsync.sync import collections, keys
from airsync.wbxml import Element, ns

from .context import RequestContext

AS = ns.AirSync


class Status(IntEnum):
    """MS-ASCMD 2.2.3.177.17 Status (Sync)."""

    Success = 1  #: Success.
    InvalidSyncKey = 3  #: Invalid or mismatched synchronization key; the client returns to key 0.
    ProtocolError = 4  #: There was a semantic error in the synchronization request.
    ServerError = 5  #: Server misconfiguration, temporary system issue, or bad item; retry.
    ClientConversionError = 6  #: Error in client/server conversion (item).
    Conflict = 7  #: Conflict matching the client and server object (item).
    ObjectNotFound = 8  #: Object not found (item).
    CannotComplete = 9  #: The Sync command cannot be completed (item).
    FolderHierarchyChanged = 12  #: The folder hierarchy has changed; FolderSync and retry.
    RequestIncomplete = 13  #: Empty or partial request and no cached request to complete it.
    InvalidWaitOrHeartbeat = 14  #: Wait or HeartbeatInterval out of range.
    TooManyCollections = 15  #: Too many collections are included in the Sync request.
    Retry = 16  #: Something on the server caused a retriable error.


class _BadRequest(Exception):
    pass


async def handle(ctx: RequestContext, request: Element | None) -> Element | None:
    if request is None:
        # An empty request repeats the cached one (12.1+); no request is cached before the engine's
        # cache lands, so the device is told to send it in full (MS-ASCMD 2.2.3.177.17, Status 13).
        ctx.log.info("empty Sync request and no cached request: Status 13")
        return AS.Sync(AS.Status(Status.RequestIncomplete))
    if request.find("Wait") is not None and request.find("HeartbeatInterval") is not None:
        ctx.log.warning("Sync with both Wait and HeartbeatInterval")
        return AS.Sync(AS.Status(Status.ProtocolError))
    collections_el = request.find("Collections")
    if collections_el is None:
        if request.find("Partial") is not None:
            return AS.Sync(AS.Status(Status.RequestIncomplete))
        ctx.log.warning("Sync without Collections")
        return AS.Sync(AS.Status(Status.ProtocolError))
    results: list[Element] = []
    for collection in collections_el.findall("Collection"):
        try:
            result = await _collection(ctx, collection)
        except _BadRequest as exc:
            ctx.log.warning("Sync request refused: %s", exc)
            return AS.Sync(AS.Status(Status.ProtocolError))
        if result is not None:
            results.append(result)
    if not results:
        return None if ctx.version >= V12_1 else AS.Sync(AS.Collections())
    return AS.Sync(AS.Collections(results))


async def _collection(ctx: RequestContext, request: Element) -> Element | None:
    sync_key = request.findtext("SyncKey")
    collection_id = request.findtext("CollectionId")
    if sync_key is None or collection_id is None:
        raise _BadRequest("a Collection needs SyncKey and CollectionId")
    sync_key = sync_key.strip()
    async with ctx.services.db.begin() as conn:
        folder = await get_folder(conn, ctx.user.id, collection_id)
        if folder is None:
            ctx.log.info("Sync on unknown collection %r: Status 12", collection_id[:64])
            return _reply(ctx, None, collection_id, None, Status.FolderHierarchyChanged)
        folder_class = CLASS_OF_TYPE.get(folder.type, "Email")
        options = _options(request)
        if sync_key == keys.INITIAL:
            quirks.getchanges_at_key_zero(request)
            supported_el = request.find("Supported")
            supported = None if supported_el is None else [c.qname for c in supported_el]
            partnership = await collections.open_partnership(
                conn, ctx.device.id, collection_id, folder_class, options, supported
            )
            return _reply(ctx, folder_class, collection_id, partnership.sync_key, Status.Success)
        try:
            partnership = await collections.check_key(conn, ctx.device.id, collection_id, sync_key)
        except collections.KeyMismatch:
            ctx.log.info(
                "Sync key %r for collection %s is not current: Status 3", sync_key[:64], collection_id
            )
            return _reply(ctx, folder_class, collection_id, "0", Status.InvalidSyncKey)
        if options:
            await collections.update_options(conn, ctx.device.id, collection_id, options)
    commands = request.find("Commands")
    if commands is not None and any(True for _ in commands):
        ctx.log.warning(
            "collection %s: the device sent item changes; this server does not store items yet: Status 5",
            collection_id,
        )
        return _reply(ctx, folder_class, collection_id, partnership.sync_key, Status.ServerError)
    if ctx.version >= V12_1:
        return None  # nothing changed: the collection is left out of the response
    return _reply(ctx, folder_class, collection_id, partnership.sync_key, Status.Success)


def _reply(
    ctx: RequestContext, folder_class: str | None, collection_id: str, sync_key: str | None, status: Status
) -> Element:
    ctx.log_fields.setdefault("collections", []).append(f"{collection_id}:{int(status)}")
    return AS.Collection(
        AS.SyncKey(sync_key) if sync_key is not None else None,
        AS.CollectionId(collection_id),
        AS.Status(status),
    )


def _options(request: Element) -> dict[str, Any]:
    """What the device asked for, kept for the sync engine: FilterType, Conflict, MIMESupport,
    MIMETruncation, BodyPreference... Per class (14.0+ allows an SMS Options block beside the
    folder's own)."""
    options: dict[str, Any] = {}
    for block in request.findall("Options"):
        cls = block.findtext("Class") or ""
        entry: dict[str, Any] = {}
        for child in block:
            if child.tag == "Class":
                continue
            if child.tag in ("BodyPreference", "BodyPartPreference"):
                entry.setdefault(child.tag, []).append({c.tag: c.text for c in child})
            else:
                entry[child.tag] = child.text
        options[cls] = entry
    for tag in ("DeletesAsMoves", "GetChanges", "WindowSize", "ConversationMode"):
        value = request.find(tag)
        if value is not None:
            options[tag] = value.text or "1"
    return options
