"""FolderSync: synchronize the folder hierarchy (MS-ASCMD 2.2.1.5; client sequence 3.1.5.3).

Key 0 gives every folder; a later key gives the Adds, Updates and Deletes since the device last
synchronized; an unknown key gets Status 9 and the device starts over at 0. Folder ServerIds never
change, so a device that starts over finds the same ids (required from 16.1 on).
"""

from __future__ import annotations

from enum import IntEnum

from airsync.sync import hierarchy
from airsync.wbxml import Element, ns

from .context import RequestContext

FH = ns.FolderHierarchy


class Status(IntEnum):
    """MS-ASCMD 2.2.3.177.5 Status (FolderSync)."""

    Success = 1  #: Server successfully completed command.
    ServerError = 6  #: An error occurred on the server.
    InvalidSyncKey = 9  #: Synchronization key mismatch or invalid synchronization key.
    MalformedRequest = 10  #: Incorrectly formatted request.
    UnknownError = 11  #: An unknown error occurred.
    CodeUnknown = 12  #: Code unknown.


async def handle(ctx: RequestContext, request: Element | None) -> Element:
    assert request is not None
    sync_key = request.findtext("SyncKey")
    if sync_key is None:
        ctx.log.warning("FolderSync without SyncKey")
        return FH.FolderSync(FH.Status(Status.MalformedRequest))
    async with ctx.services.db.begin() as conn:
        try:
            new_key, changes = await hierarchy.folder_sync(
                conn, ctx.user.id, ctx.device.id, sync_key.strip(), ctx.version
            )
        except hierarchy.UnknownSyncKey:
            ctx.log.info("FolderSync with unknown key %r: the device must start over", sync_key[:64])
            return FH.FolderSync(FH.Status(Status.InvalidSyncKey))
    ctx.log_fields["changes"] = len(changes.adds) + len(changes.updates) + len(changes.deletes)
    return FH.FolderSync(
        FH.Status(Status.Success),
        FH.SyncKey(new_key),
        FH.Changes(
            FH.Count(len(changes.adds) + len(changes.updates) + len(changes.deletes)),
            [_folder(FH.Update, f) for f in changes.updates],
            [FH.Delete(FH.ServerId(sid)) for sid in changes.deletes],
            [_folder(FH.Add, f) for f in changes.adds],
        ),
    )


def _folder(kind, folder) -> Element:  # type: ignore[no-untyped-def]
    return kind(
        FH.ServerId(folder.server_id),
        FH.ParentId(folder.parent_id),
        FH.DisplayName(folder.display_name),
        FH.Type(folder.type),
    )
