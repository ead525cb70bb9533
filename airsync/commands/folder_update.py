"""FolderUpdate: rename or move a user folder (MS-ASCMD 2.2.1.6)."""

from __future__ import annotations

from enum import IntEnum

from airsync.store.folders import FolderError, update_folder
from airsync.sync import hierarchy
from airsync.wbxml import Element, ns

from .context import RequestContext

FH = ns.FolderHierarchy


class Status(IntEnum):
    """MS-ASCMD 2.2.3.177.6 Status (FolderUpdate)."""

    Success = 1  #: Success.
    FolderExistsOrSpecial = 2  #: A folder with that name already exists, or it is a special folder.
    RecipientInformationFolder = 3  #: The specified folder is the Recipient information folder.
    NotFound = 4  #: The specified folder does not exist.
    ParentNotFound = 5  #: The specified parent folder was not found.
    ServerError = 6  #: An error occurred on the server.
    InvalidSyncKey = 9  #: Synchronization key mismatch or invalid synchronization key.
    MalformedRequest = 10  #: Incorrectly formatted request.
    UnknownError = 11  #: An unknown error occurred.


_BY_KIND = {
    "exists": Status.FolderExistsOrSpecial,
    "special": Status.FolderExistsOrSpecial,
    "not_found": Status.NotFound,
    "parent_not_found": Status.ParentNotFound,
    "invalid_name": Status.MalformedRequest,
}


async def handle(ctx: RequestContext, request: Element | None) -> Element:
    assert request is not None
    sync_key = request.findtext("SyncKey")
    server_id = request.findtext("ServerId")
    parent_id = request.findtext("ParentId")
    name = request.findtext("DisplayName")
    if sync_key is None or server_id is None or parent_id is None or name is None:
        ctx.log.warning("FolderUpdate needs SyncKey, ServerId, ParentId and DisplayName")
        return FH.FolderUpdate(FH.Status(Status.MalformedRequest))
    async with ctx.services.db.begin() as conn:
        try:
            new_key, _folder = await hierarchy.device_change(
                conn,
                ctx.device.id,
                sync_key,
                lambda c: update_folder(c, ctx.user.id, server_id, parent_id, name),
            )
        except hierarchy.UnknownSyncKey:
            ctx.log.info("FolderUpdate with unknown hierarchy key %r", sync_key[:64])
            return FH.FolderUpdate(FH.Status(Status.InvalidSyncKey))
        except FolderError as exc:
            ctx.log.info("FolderUpdate refused: %s", exc)
            return FH.FolderUpdate(FH.Status(_BY_KIND[exc.kind]))
    return FH.FolderUpdate(FH.Status(Status.Success), FH.SyncKey(new_key))
