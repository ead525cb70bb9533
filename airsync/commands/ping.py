"""Ping: wait for changes in a set of folders (MS-ASCMD 2.2.1.13; sequence 3.1.5.8).

The request is held as a waiting coroutine on the change bus: no thread, no database connection
while it waits. An empty Ping repeats the last one's folders and interval, which are kept per device.
A newer Ping or Sync of the same device ends a waiting one with Status 1.
"""

from __future__ import annotations

import asyncio
import time
from enum import IntEnum

from airsync.protocol.versions import V14_0
from airsync.push.bus import HIERARCHY, Superseded
from airsync.store.folders import CLASS_OF_TYPE, get_folder
from airsync.sync.pending import pending_count
from airsync.wbxml import Element, ns

from .context import RequestContext

P = ns.Ping

MAX_FOLDERS = 300
SETTLE = 0.15  # seconds between a wake-up and the look at what changed
VALID_CLASSES = {"Email", "Calendar", "Contacts", "Tasks", "Notes"}


class Status(IntEnum):
    """MS-ASCMD 2.2.3.177.11 Status (Ping)."""

    Expired = 1  #: The heartbeat interval expired before any changes occurred.
    Changes = 2  #: Changes occurred in at least one of the monitored folders.
    MissingParameters = 3  #: The Ping command request omitted required parameters.
    SyntaxError = 4  #: Syntax error in Ping command request.
    InvalidHeartbeat = 5  #: The specified heartbeat interval is outside the allowed range.
    TooManyFolders = 6  #: The Ping command request specified more than the allowed number of folders.
    FolderSyncRequired = 7  #: Folder hierarchy sync required.
    ServerError = 8  #: An error occurred on the server.


async def handle(ctx: RequestContext, request: Element | None) -> Element:
    cached = ctx.device.ping_request or {}
    interval_text = request.findtext("HeartbeatInterval") if request is not None else None
    folders_el = request.find("Folders") if request is not None else None
    if interval_text is None and folders_el is None and not cached:
        return P.Ping(P.Status(Status.MissingParameters))
    interval = cached.get("interval") if interval_text is None else _number(interval_text)
    if interval is None:
        ctx.log.info("Ping without a usable HeartbeatInterval")
        return P.Ping(P.Status(Status.MissingParameters if interval_text is None else Status.SyntaxError))
    # The bounds are the operator's (Exchange documents 60 to 3540 s, our defaults); a proxy in
    # front may need a lower maximum (FIELD_NOTES 12).
    low, high = ctx.services.config.heartbeat_min, ctx.services.config.heartbeat_max
    if interval < low or interval > high:
        limit = low if interval < low else high
        return P.Ping(P.Status(Status.InvalidHeartbeat), P.HeartbeatInterval(limit))
    if folders_el is not None:
        folders = []
        for folder in folders_el.findall("Folder"):
            folder_id, folder_class = folder.findtext("Id"), folder.findtext("Class")
            if (
                not folder_id
                or folder_class not in VALID_CLASSES
                or (folder_class == "Notes" and ctx.version < V14_0)
            ):
                ctx.log.info("Ping folder %r of class %r refused", folder_id, folder_class)
                return P.Ping(P.Status(Status.SyntaxError))
            folders.append(folder_id)
    else:
        folders = list(cached.get("folders") or [])
    if not folders:
        return P.Ping(P.Status(Status.MissingParameters))
    if len(folders) > MAX_FOLDERS:
        return P.Ping(P.Status(Status.TooManyFolders), P.MaxFolders(MAX_FOLDERS))
    if interval_text is not None or folders_el is not None:
        await ctx.services.devices.update(
            ctx.device.id, ping_request={"interval": interval, "folders": folders}
        )
    ctx.log_fields["heartbeat"] = interval
    return await _wait(ctx, folders, interval)


async def _wait(ctx: RequestContext, folders: list[str], interval: int) -> Element:
    deadline = time.monotonic() + interval
    bus = ctx.services.bus
    with bus.subscribe(ctx.user.id, (ctx.user.id, ctx.device.device_id), folders) as waiter:
        while True:
            try:
                changed = await _changed(ctx, folders)
            except _HierarchyChanged:
                return P.Ping(P.Status(Status.FolderSyncRequired))
            if changed:
                return P.Ping(P.Status(Status.Changes), P.Folders(P.Folder(f) for f in changed))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return P.Ping(P.Status(Status.Expired))
            try:
                woken = await bus.wait(waiter, remaining)
            except Superseded:
                return P.Ping(P.Status(Status.Expired))
            if HIERARCHY in woken:
                return P.Ping(P.Status(Status.FolderSyncRequired))
            if woken:
                # Another device's Sync commits its collections one after the other: let the rest of
                # it land, so the answer names every folder it changed, not only the first.
                await asyncio.sleep(SETTLE)


class _HierarchyChanged(Exception):
    pass


async def _changed(ctx: RequestContext, folders: list[str]) -> list[str]:
    changed = []
    async with ctx.services.db.read() as conn:
        for folder_id in folders:
            folder = await get_folder(conn, ctx.user.id, folder_id)
            if folder is None:
                raise _HierarchyChanged(folder_id)
            if CLASS_OF_TYPE.get(folder.type) not in VALID_CLASSES:
                continue
            # A folder the device never synced (no partnership) has nothing to report: telling it
            # "changed" would only loop a device that pings folders it does not sync.
            count = await pending_count(conn, ctx.user.id, ctx.device.id, folder_id)
            if count:
                changed.append(folder_id)
    return changed


def _number(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None
