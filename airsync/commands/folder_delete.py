"""FolderDelete: delete a user folder and everything under it (MS-ASCMD 2.2.1.4)."""

from __future__ import annotations

from enum import IntEnum

from airsync.store.folders import FolderError, delete_folder
from airsync.sync import hierarchy
from airsync.wbxml import Element, ns

from .context import RequestContext

FH = ns.FolderHierarchy


class Status(IntEnum):
    """MS-ASCMD 2.2.3.177.4 Status (FolderDelete)."""

    Success = 1  #: Success.
    SpecialFolder = 3  #: The specified folder is a special system folder and cannot be deleted.
    NotFound = 4  #: The specified folder does not exist.
    ServerError = 6  #: An error occurred on the server.
    InvalidSyncKey = 9  #: Synchronization key mismatch or invalid synchronization key.
    MalformedRequest = 10  #: Incorrectly formatted request.
    UnknownError = 11  #: An unknown error occurred.


_BY_KIND = {"special": Status.SpecialFolder, "not_found": Status.NotFound}


async def handle(ctx: RequestContext, request: Element | None) -> Element:
    assert request is not None
    sync_key = request.findtext("SyncKey")
    server_id = request.findtext("ServerId")
    if sync_key is None or server_id is None:
        ctx.log.warning("FolderDelete needs SyncKey and ServerId")
        return FH.FolderDelete(FH.Status(Status.MalformedRequest))
    async with ctx.services.db.begin() as conn:
        try:
            new_key, _removed = await hierarchy.device_change(
                conn, ctx.device.id, sync_key, lambda c: delete_folder(c, ctx.user.id, server_id)
            )
        except hierarchy.UnknownSyncKey:
            ctx.log.info("FolderDelete with unknown hierarchy key %r", sync_key[:64])
            return FH.FolderDelete(FH.Status(Status.InvalidSyncKey))
        except FolderError as exc:
            ctx.log.info("FolderDelete refused: %s", exc)
            return FH.FolderDelete(FH.Status(_BY_KIND.get(exc.kind, Status.MalformedRequest)))
    return FH.FolderDelete(FH.Status(Status.Success), FH.SyncKey(new_key))
