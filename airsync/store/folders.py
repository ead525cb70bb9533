"""The folder hierarchy of a user (MS-ASCMD 2.2.3.186.3 folder types) and its change counter."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .records import Folder
from .tables import folders, users


class FolderType(IntEnum):
    """MS-ASCMD 2.2.3.186.3 (Type of FolderSync Add/Update)."""

    UserGeneric = 1  #: User-created folder (generic)
    Inbox = 2  #: Default Inbox folder
    Drafts = 3  #: Default Drafts folder
    DeletedItems = 4  #: Default Deleted Items folder
    SentItems = 5  #: Default Sent Items folder
    Outbox = 6  #: Default Outbox folder
    Tasks = 7  #: Default Tasks folder
    Calendar = 8  #: Default Calendar folder
    Contacts = 9  #: Default Contacts folder
    Notes = 10  #: Default Notes folder
    Journal = 11  #: Default Journal folder
    UserMail = 12  #: User-created Mail folder
    UserCalendar = 13  #: User-created Calendar folder
    UserContacts = 14  #: User-created Contacts folder
    UserTasks = 15  #: User-created Tasks folder
    UserJournal = 16  #: User-created Journal folder
    UserNotes = 17  #: User-created Notes folder
    Unknown = 18  #: Unknown folder type
    RecipientInformationCache = 19  #: Recipient information cache (14.0+)


#: The hierarchy every new user gets, in the order of their ServerIds ("1" to "10").
DEFAULT_FOLDERS: tuple[tuple[str, FolderType], ...] = (
    ("Inbox", FolderType.Inbox),
    ("Drafts", FolderType.Drafts),
    ("Deleted Items", FolderType.DeletedItems),
    ("Sent Items", FolderType.SentItems),
    ("Outbox", FolderType.Outbox),
    ("Tasks", FolderType.Tasks),
    ("Calendar", FolderType.Calendar),
    ("Contacts", FolderType.Contacts),
    ("Notes", FolderType.Notes),
    ("Journal", FolderType.Journal),
)

#: Types a client may create (FolderCreate, MS-ASCMD 2.2.3.186.2).
CREATABLE_TYPES = frozenset(
    {
        FolderType.UserGeneric,
        FolderType.UserMail,
        FolderType.UserCalendar,
        FolderType.UserContacts,
        FolderType.UserTasks,
        FolderType.UserJournal,
        FolderType.UserNotes,
    }
)

#: The item class each folder type holds (Sync Class, Ping Folder Class).
CLASS_OF_TYPE: dict[int, str] = {
    FolderType.UserGeneric: "Email",
    FolderType.Inbox: "Email",
    FolderType.Drafts: "Email",
    FolderType.DeletedItems: "Email",
    FolderType.SentItems: "Email",
    FolderType.Outbox: "Email",
    FolderType.Tasks: "Tasks",
    FolderType.Calendar: "Calendar",
    FolderType.Contacts: "Contacts",
    FolderType.Notes: "Notes",
    FolderType.Journal: "Journal",
    FolderType.UserMail: "Email",
    FolderType.UserCalendar: "Calendar",
    FolderType.UserContacts: "Contacts",
    FolderType.UserTasks: "Tasks",
    FolderType.UserJournal: "Journal",
    FolderType.UserNotes: "Notes",
}


def is_special(folder_type: int) -> bool:
    """Default folders cannot be renamed, moved or deleted."""
    return folder_type not in CREATABLE_TYPES


class FolderError(Exception):
    """A hierarchy change that cannot be made; ``kind`` names why, the command picks the Status."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # "exists" | "parent_not_found" | "not_found" | "special" | "invalid_type"


async def _bump(conn: AsyncConnection, user_id: int, *, new_id: bool) -> tuple[int, str | None]:
    """Take the next hierarchy change number (and a new ServerId). Runs inside the caller's write
    transaction, so concurrent changes for one user serialise on the users row."""
    values: dict[str, Any] = {"hierarchy_seq": users.c.hierarchy_seq + 1}
    if new_id:
        values["next_folder_id"] = users.c.next_folder_id + 1
    await conn.execute(update(users).where(users.c.id == user_id).values(**values))
    row = (
        await conn.execute(select(users.c.hierarchy_seq, users.c.next_folder_id).where(users.c.id == user_id))
    ).one()
    return row.hierarchy_seq, (str(row.next_folder_id - 1) if new_id else None)


async def create_default_folders(conn: AsyncConnection, user_id: int) -> None:
    for name, folder_type in DEFAULT_FOLDERS:
        seq, server_id = await _bump(conn, user_id, new_id=True)
        await conn.execute(
            folders.insert().values(
                user_id=user_id,
                server_id=server_id,
                parent_id="0",
                display_name=name,
                type=int(folder_type),
                changed_seq=seq,
                deleted=False,
            )
        )


def _row(row: Any) -> Folder:
    return Folder(
        server_id=row.server_id,
        parent_id=row.parent_id,
        display_name=row.display_name,
        type=row.type,
        changed_seq=row.changed_seq,
        deleted=bool(row.deleted),
    )


async def list_folders(conn: AsyncConnection, user_id: int, *, include_deleted: bool = False) -> list[Folder]:
    query = select(folders).where(folders.c.user_id == user_id).order_by(folders.c.id)
    if not include_deleted:
        query = query.where(folders.c.deleted.is_(False))
    return [_row(r) for r in (await conn.execute(query)).all()]


async def get_folder(conn: AsyncConnection, user_id: int, server_id: str) -> Folder | None:
    row = (
        await conn.execute(
            select(folders).where(
                folders.c.user_id == user_id, folders.c.server_id == server_id, folders.c.deleted.is_(False)
            )
        )
    ).first()
    return _row(row) if row else None


async def _check_parent_and_name(
    conn: AsyncConnection, user_id: int, parent_id: str, name: str, *, exclude: str | None = None
) -> None:
    if parent_id != "0":
        parent = await get_folder(conn, user_id, parent_id)
        if parent is None:
            raise FolderError("parent_not_found", f"parent folder {parent_id!r} does not exist")
        if parent.type == FolderType.RecipientInformationCache:
            raise FolderError("special", "folders cannot be created under the recipient information cache")
    siblings = await conn.execute(
        select(folders.c.server_id, folders.c.display_name).where(
            folders.c.user_id == user_id, folders.c.parent_id == parent_id, folders.c.deleted.is_(False)
        )
    )
    for server_id, display_name in siblings.all():
        if server_id != exclude and display_name.casefold() == name.casefold():
            raise FolderError("exists", f"a folder named {name!r} exists under {parent_id!r} already")


async def create_folder(
    conn: AsyncConnection, user_id: int, parent_id: str, name: str, folder_type: int
) -> Folder:
    if folder_type not in CREATABLE_TYPES:
        raise FolderError("invalid_type", f"folders of type {folder_type} cannot be created by a client")
    name = name.strip()
    if not name or len(name) > 255:
        raise FolderError("invalid_name", "the folder name is empty or too long")
    await _check_parent_and_name(conn, user_id, parent_id, name)
    seq, server_id = await _bump(conn, user_id, new_id=True)
    assert server_id is not None
    await conn.execute(
        folders.insert().values(
            user_id=user_id,
            server_id=server_id,
            parent_id=parent_id,
            display_name=name,
            type=int(folder_type),
            changed_seq=seq,
            deleted=False,
        )
    )
    return Folder(server_id, parent_id, name, int(folder_type), seq)


async def update_folder(
    conn: AsyncConnection, user_id: int, server_id: str, parent_id: str, name: str
) -> Folder:
    folder = await get_folder(conn, user_id, server_id)
    if folder is None:
        raise FolderError("not_found", f"folder {server_id!r} does not exist")
    if is_special(folder.type):
        raise FolderError("special", f"folder {server_id!r} is a default folder")
    name = name.strip()
    if not name or len(name) > 255:
        raise FolderError("invalid_name", "the folder name is empty or too long")
    if parent_id == server_id or parent_id in await _descendants(conn, user_id, server_id):
        raise FolderError("parent_not_found", "a folder cannot be moved into itself")
    await _check_parent_and_name(conn, user_id, parent_id, name, exclude=server_id)
    seq, _ = await _bump(conn, user_id, new_id=False)
    await conn.execute(
        update(folders)
        .where(folders.c.user_id == user_id, folders.c.server_id == server_id)
        .values(parent_id=parent_id, display_name=name, changed_seq=seq)
    )
    return Folder(server_id, parent_id, name, folder.type, seq)


async def delete_folder(conn: AsyncConnection, user_id: int, server_id: str) -> list[str]:
    """Delete a folder and its subfolders (tombstones, so devices learn of it). Returns their ids."""
    folder = await get_folder(conn, user_id, server_id)
    if folder is None:
        raise FolderError("not_found", f"folder {server_id!r} does not exist")
    if is_special(folder.type):
        raise FolderError("special", f"folder {server_id!r} is a default folder")
    doomed = [server_id, *await _descendants(conn, user_id, server_id)]
    seq, _ = await _bump(conn, user_id, new_id=False)
    await conn.execute(
        update(folders)
        .where(folders.c.user_id == user_id, folders.c.server_id.in_(doomed))
        .values(deleted=True, changed_seq=seq)
    )
    return doomed


async def _descendants(conn: AsyncConnection, user_id: int, server_id: str) -> list[str]:
    rows = (
        await conn.execute(
            select(folders.c.server_id, folders.c.parent_id).where(
                folders.c.user_id == user_id, folders.c.deleted.is_(False)
            )
        )
    ).all()
    children: dict[str, list[str]] = {}
    for sid, parent in rows:
        children.setdefault(parent, []).append(sid)
    found: list[str] = []
    stack = list(children.get(server_id, []))
    while stack:
        sid = stack.pop()
        found.append(sid)
        stack.extend(children.get(sid, []))
    return found
