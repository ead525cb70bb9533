"""The folder hierarchy sync state of a device (FolderSync, MS-ASCMD 2.2.1.5 and 3.1.5.3).

For each sync key the device may present we keep the snapshot of the hierarchy as the device holds
it after that key: {ServerId: change number}. A FolderSync diffs the presented snapshot against the
user's folders now. The newest key and the one before it are kept, so when a response is lost the
device's retry with the older key gets the same changes again, and nothing is lost or doubled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from airsync.protocol.versions import V14_0, ProtocolVersion
from airsync.store.folders import FolderType, list_folders
from airsync.store.records import Folder
from airsync.store.tables import hierarchy_states

from . import keys

Snapshot = dict[str, int]

#: Folder types a version of the protocol does not know. Notes (and the RI cache) arrived in 14.0.
_HIDDEN_BEFORE_14 = frozenset({FolderType.Notes, FolderType.UserNotes, FolderType.RecipientInformationCache})


def visible(folder: Folder, version: ProtocolVersion) -> bool:
    return version >= V14_0 or folder.type not in _HIDDEN_BEFORE_14


@dataclass
class HierarchyChanges:
    adds: list[Folder] = field(default_factory=list)
    updates: list[Folder] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.adds or self.updates or self.deletes)


class UnknownSyncKey(Exception):
    pass


async def load_snapshot(conn: AsyncConnection, device_pk: int, sync_key: str) -> Snapshot:
    """The snapshot for a key the device presented; UnknownSyncKey when it is not one of ours."""
    if sync_key == keys.INITIAL:
        return {}
    if not keys.is_valid(sync_key):
        raise UnknownSyncKey(sync_key)
    row = (
        await conn.execute(
            select(hierarchy_states.c.snapshot).where(
                hierarchy_states.c.device_pk == device_pk, hierarchy_states.c.sync_key == sync_key
            )
        )
    ).first()
    if row is None:
        raise UnknownSyncKey(sync_key)
    return {str(k): int(v) for k, v in row.snapshot.items()}


def diff(
    snapshot: Snapshot, folders: list[Folder], version: ProtocolVersion
) -> tuple[HierarchyChanges, Snapshot]:
    """What the device must be told, and the snapshot once it has been told."""
    current = {f.server_id: f for f in folders if not f.deleted and visible(f, version)}
    changes = HierarchyChanges()
    for server_id, folder in current.items():
        if server_id not in snapshot:
            changes.adds.append(folder)
        elif snapshot[server_id] != folder.changed_seq:
            changes.updates.append(folder)
    changes.deletes = [sid for sid in snapshot if sid not in current]
    changes.adds = _parents_first(changes.adds)
    return changes, {sid: f.changed_seq for sid, f in current.items()}


def _parents_first(adds: list[Folder]) -> list[Folder]:
    """A device can only place a folder under a parent it already knows."""
    pending = {f.server_id: f for f in adds}
    ordered: list[Folder] = []
    placed: set[str] = set()

    def place(folder: Folder, depth: int = 0) -> None:
        if folder.server_id in placed:
            return
        parent = pending.get(folder.parent_id)
        if parent is not None and depth < 64:
            place(parent, depth + 1)
        placed.add(folder.server_id)
        ordered.append(folder)

    for folder in adds:
        place(folder)
    return ordered


async def save_snapshot(conn: AsyncConnection, device_pk: int, presented_key: str, snapshot: Snapshot) -> str:
    """Store ``snapshot`` under a new key and keep only it and the presented key."""
    new_key = keys.first_key() if presented_key == keys.INITIAL else keys.next_key(presented_key)
    keep = [new_key] if presented_key == keys.INITIAL else [new_key, presented_key]
    await conn.execute(
        delete(hierarchy_states).where(
            hierarchy_states.c.device_pk == device_pk, hierarchy_states.c.sync_key.not_in(keep[1:] or [""])
        )
    )
    await conn.execute(
        hierarchy_states.insert().values(
            device_pk=device_pk, sync_key=new_key, snapshot=snapshot, created_at=datetime.now(UTC)
        )
    )
    return new_key


async def folder_sync(
    conn: AsyncConnection, user_id: int, device_pk: int, sync_key: str, version: ProtocolVersion
) -> tuple[str, HierarchyChanges]:
    """The FolderSync state transition: (new key, changes). Raises UnknownSyncKey."""
    snapshot = await load_snapshot(conn, device_pk, sync_key)
    folders = await list_folders(conn, user_id)
    changes, new_snapshot = diff(snapshot, folders, version)
    if not changes and sync_key != keys.INITIAL:
        # Nothing new: the device keeps its key, and no state is written.
        return sync_key, changes
    return await save_snapshot(conn, device_pk, sync_key, new_snapshot), changes


async def apply_own_change(
    conn: AsyncConnection,
    device_pk: int,
    sync_key: str,
    *,
    changed: Folder | None = None,
    removed: list[str] | None = None,
) -> str:
    """After FolderCreate/Update/Delete by this device: the device knows its own change, so the new
    key's snapshot records it, while other pending changes still reach it at the next FolderSync."""
    snapshot = await load_snapshot(conn, device_pk, sync_key)
    if changed is not None:
        snapshot[changed.server_id] = changed.changed_seq
    for server_id in removed or ():
        snapshot.pop(server_id, None)
    return await save_snapshot(conn, device_pk, sync_key, snapshot)


async def device_change(
    conn: AsyncConnection,
    device_pk: int,
    sync_key: str,
    change: Callable[[AsyncConnection], Awaitable[Folder | list[str]]],
) -> tuple[str, Folder | list[str]]:
    """FolderCreate, FolderUpdate, FolderDelete: check the key the device presented (0 is not valid
    here), make the change (a changed folder, or the ids of removed ones) and give the new key."""
    if sync_key == keys.INITIAL:
        raise UnknownSyncKey(sync_key)
    await load_snapshot(conn, device_pk, sync_key)
    result = await change(conn)
    if isinstance(result, list):
        return await apply_own_change(conn, device_pk, sync_key, removed=result), result
    return await apply_own_change(conn, device_pk, sync_key, changed=result), result


async def reset(conn: AsyncConnection, device_pk: int) -> None:
    await conn.execute(delete(hierarchy_states).where(hierarchy_states.c.device_pk == device_pk))


async def current_key_known(conn: AsyncConnection, device_pk: int) -> bool:
    row = (
        await conn.execute(select(hierarchy_states.c.id).where(hierarchy_states.c.device_pk == device_pk))
    ).first()
    return row is not None
