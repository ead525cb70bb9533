"""FolderCreate: create a user folder (MS-ASCMD 2.2.1.3)."""

from __future__ import annotations

from enum import IntEnum

from airsync.store.folders import FolderError, create_folder
from airsync.sync import hierarchy
from airsync.wbxml import Element, ns

from .context import RequestContext

FH = ns.FolderHierarchy


class Status(IntEnum):
    """MS-ASCMD 2.2.3.177.3 Status (FolderCreate)."""

    Success = 1  #: Success.
    FolderExists = 2  #: A folder that has this name already exists.
    SpecialParent = 3  #: The specified parent folder is a special system folder.
    ParentNotFound = 5  #: The specified parent folder was not found.
    ServerError = 6  #: An error occurred on the server.
    InvalidSyncKey = 9  #: Synchronization key mismatch or invalid synchronization key.
    MalformedRequest = 10  #: Malformed request (also: an attempt to create a default folder).
    UnknownError = 11  #: An unknown error occurred.


_BY_KIND = {
    "exists": Status.FolderExists,
    "special": Status.SpecialParent,
    "parent_not_found": Status.ParentNotFound,
    "invalid_type": Status.MalformedRequest,
    "invalid_name": Status.MalformedRequest,
}


async def handle(ctx: RequestContext, request: Element | None) -> Element:
    assert request is not None
    sync_key = request.findtext("SyncKey")
    parent_id = request.findtext("ParentId")
    name = request.findtext("DisplayName")
    folder_type = request.findtext("Type")
    if sync_key is None or parent_id is None or name is None or not (folder_type or "").isdigit():
        ctx.log.warning("FolderCreate needs SyncKey, ParentId, DisplayName and a numeric Type")
        return FH.FolderCreate(FH.Status(Status.MalformedRequest))
    async with ctx.services.db.begin() as conn:
        try:
            new_key, folder = await hierarchy.device_change(
                conn,
                ctx.device.id,
                sync_key,
                lambda c: create_folder(c, ctx.user.id, parent_id, name, int(folder_type or 0)),
            )
        except hierarchy.UnknownSyncKey:
            ctx.log.info("FolderCreate with unknown hierarchy key %r", sync_key[:64])
            return FH.FolderCreate(FH.Status(Status.InvalidSyncKey))
        except FolderError as exc:
            ctx.log.info("FolderCreate refused: %s", exc)
            return FH.FolderCreate(FH.Status(_BY_KIND[exc.kind]))
    return FH.FolderCreate(FH.Status(Status.Success), FH.SyncKey(new_key), FH.ServerId(folder.server_id))
