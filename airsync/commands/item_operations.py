"""ItemOperations: fetch items, empty folders (MS-ASCMD 2.2.1.10). 12.0 and later.

Fetch takes an item by airsync:CollectionId and airsync:ServerId and returns its properties with
the body as the Options ask (BodyPreference), untruncated unless a TruncationSize says otherwise.
The server holds no attachments, search results or document libraries yet: a FileReference is an
invalid attachment id (15), a LongId names no object (6), a DocumentLibrary store is unsupported
(9). Moving a conversation needs mail; it is refused with a protocol error until mail arrives.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import select

from airsync.push.bus import HIERARCHY
from airsync.store import items as store
from airsync.store.folders import CLASS_OF_TYPE, FolderError, delete_folder, get_folder, list_folders
from airsync.store.tables import sync_collections, sync_items
from airsync.sync.classes import CLASSES
from airsync.sync.engine import application_data
from airsync.wbxml import Element, ns

from .context import RequestContext

IO, AS, ASB, SEARCH = ns.ItemOperations, ns.AirSync, ns.AirSyncBase, ns.Search
MAX_OPERATIONS = 100  # MS-ASCMD 3.1.5.10


class Status(IntEnum):
    """MS-ASCMD 2.2.3.177.8 Status (ItemOperations)."""

    Success = 1  #: Success.
    ProtocolError = 2  #: Protocol error - protocol violation/XML validation error.
    ServerError = 3  #: Server error.
    ObjectNotFound = 6  #: The object was not found or access denied.
    StoreUnknown = 9  #: The store is unknown or unsupported.
    ConversionFailed = 14  #: Mailbox fetch provider - The item failed conversion.
    InvalidAttachment = 15  #: Attachment fetch provider - Attachment or attachment ID is invalid.
    PartialSuccess = 17  #: A Fetch, Move, or EmptyFolderContents operation completed partially.


async def handle(ctx: RequestContext, request: Element | None) -> Element:
    assert request is not None
    operations = list(request)
    if not operations or len(operations) > MAX_OPERATIONS:
        ctx.log.warning("ItemOperations with %d operations", len(operations))
        return IO.ItemOperations(IO.Status(Status.ProtocolError))
    moves: list[Element] = []
    empties: list[Element] = []
    fetches: list[Element] = []
    for op in operations:
        if op.tag == "Fetch":
            fetches.append(await _fetch(ctx, op))
        elif op.tag == "EmptyFolderContents":
            empties.append(await _empty_folder(ctx, op))
        elif op.tag == "Move":
            ctx.log.info("ItemOperations Move of a conversation: no mail store yet")
            moves.append(
                IO.Move(
                    IO.Status(Status.ProtocolError), IO.ConversationId(op.findtext("ConversationId") or "")
                )
            )
        else:
            ctx.log.warning("unknown ItemOperations operation %s", op.qname)
            return IO.ItemOperations(IO.Status(Status.ProtocolError))
    # The response schema groups the operations by kind: Move, EmptyFolderContents, Fetch.
    return IO.ItemOperations(IO.Status(Status.Success), IO.Response(moves, empties, fetches))


async def _fetch(ctx: RequestContext, op: Element) -> Element:
    store_name = (op.findtext("Store") or "").strip()
    if store_name.lower() != "mailbox":
        return IO.Fetch(IO.Status(Status.StoreUnknown))
    file_reference = op.findtext("AirSyncBase:FileReference")
    if file_reference is not None:
        return IO.Fetch(IO.Status(Status.InvalidAttachment), ASB.FileReference(file_reference))
    long_id = op.findtext("Search:LongId")
    if long_id is not None:
        return IO.Fetch(IO.Status(Status.ObjectNotFound), SEARCH.LongId(long_id))
    collection_id = op.findtext("AirSync:CollectionId")
    server_id = op.findtext("AirSync:ServerId")
    if collection_id is None or server_id is None:
        return IO.Fetch(IO.Status(Status.ProtocolError))
    ids = (AS.CollectionId(collection_id), AS.ServerId(server_id))
    async with ctx.services.db.read() as conn:
        folder = await get_folder(conn, ctx.user.id, collection_id)
        item = await store.get_item(conn, ctx.user.id, server_id)
    if folder is None or item is None or item.folder_id != collection_id:
        return IO.Fetch(IO.Status(Status.ObjectNotFound), *ids)
    item_class = CLASSES.get(item.item_class)
    if item_class is None:
        return IO.Fetch(IO.Status(Status.ObjectNotFound), *ids)
    try:
        data = application_data(item_class, item, ctx.version, _options(op.find("Options")))
    except (ValueError, KeyError, TypeError) as exc:
        ctx.log.warning("ItemOperations Fetch of %s failed conversion: %s", server_id, exc)
        return IO.Fetch(IO.Status(Status.ConversionFailed), *ids)
    return IO.Fetch(IO.Status(Status.Success), *ids, AS.Class(item_class.name), IO.Properties(*data))


def _options(options: Element | None) -> dict[str, Any]:
    prefs = []
    for pref in options.findall("AirSyncBase:BodyPreference") if options is not None else ():
        prefs.append({c.tag: c.text for c in pref})
    return {"BodyPreference": prefs}


async def _empty_folder(ctx: RequestContext, op: Element) -> Element:
    collection_id = op.findtext("AirSync:CollectionId")
    if collection_id is None:
        return IO.EmptyFolderContents(IO.Status(Status.ProtocolError), AS.CollectionId(""))
    options = op.find("Options")
    delete_subfolders = options is not None and options.find("DeleteSubFolders") is not None
    changed: set[str] = set()
    async with ctx.services.db.begin() as conn:
        folder = await get_folder(conn, ctx.user.id, collection_id)
        if folder is None or CLASS_OF_TYPE.get(folder.type) is None:
            return IO.EmptyFolderContents(IO.Status(Status.ObjectNotFound), AS.CollectionId(collection_id))
        for item in await store.live_items(conn, ctx.user.id, collection_id):
            await store.delete_item(conn, ctx.user.id, item.server_id)
        # The device emptied the folder itself: it holds nothing there any more.
        partnership = (
            await conn.execute(
                select(sync_collections.c.id).where(
                    sync_collections.c.device_pk == ctx.device.id,
                    sync_collections.c.collection_id == collection_id,
                )
            )
        ).scalar()
        if partnership is not None:
            await conn.execute(sql_delete(sync_items).where(sync_items.c.partnership_id == partnership))
        changed.add(collection_id)
        if delete_subfolders:
            for child in await list_folders(conn, ctx.user.id):
                if child.parent_id == collection_id:
                    try:
                        await delete_folder(conn, ctx.user.id, child.server_id)
                    except FolderError:
                        continue
                    changed.add(HIERARCHY)
    ctx.services.bus.publish(ctx.user.id, changed)
    return IO.EmptyFolderContents(IO.Status(Status.Success), AS.CollectionId(collection_id))
