"""The embedded store on SQLite and on PostgreSQL: accounts, folders, devices, hierarchy state."""

from __future__ import annotations

import pytest

from airsync.devices.registry import DeviceRegistry
from airsync.protocol.versions import V12_1, V14_1
from airsync.store.accounts import AccountError, Accounts
from airsync.store.db import Database
from airsync.store.folders import (
    DEFAULT_FOLDERS,
    FolderError,
    FolderType,
    create_folder,
    delete_folder,
    list_folders,
    update_folder,
)
from airsync.sync import hierarchy


async def test_accounts(any_db: Database) -> None:
    accounts = Accounts(any_db)
    alice = await accounts.add("Alice", "pw1", email="alice@example.test", display_name="Alice A")
    assert alice.name == "alice"
    with pytest.raises(AccountError):
        await accounts.add("alice", "x")
    for login in ("alice", "ALICE", "EXAMPLE\\alice", "alice@example.test", "Alice@Example.Test"):
        user = await accounts.authenticate(login, "pw1")
        assert user is not None and user.id == alice.id, login
    assert await accounts.authenticate("alice", "wrong") is None
    assert await accounts.authenticate("nobody", "pw1") is None
    await accounts.set_password("alice", "pw2")
    assert await accounts.authenticate("alice", "pw1") is None
    assert await accounts.authenticate("alice", "pw2") is not None
    assert [u.name for u in await accounts.list()] == ["alice"]
    await accounts.remove("alice")
    assert await accounts.get("alice") is None


async def test_default_folders_are_stable(any_db: Database) -> None:
    accounts = Accounts(any_db)
    alice = await accounts.add("alice", "pw")
    bob = await accounts.add("bob", "pw")
    async with any_db.read() as conn:
        a = await list_folders(conn, alice.id)
        b = await list_folders(conn, bob.id)
    assert [(f.server_id, f.display_name, f.type) for f in a] == [
        (str(i + 1), name, int(kind)) for i, (name, kind) in enumerate(DEFAULT_FOLDERS)
    ]
    assert [f.server_id for f in a] == [f.server_id for f in b]


async def test_folder_rules(any_db: Database) -> None:
    alice = await Accounts(any_db).add("alice", "pw")
    async with any_db.begin() as conn:
        projects = await create_folder(conn, alice.id, "1", "Projects", FolderType.UserMail)
        assert projects.server_id == "11"
        with pytest.raises(FolderError) as err:
            await create_folder(conn, alice.id, "1", "projects", FolderType.UserMail)
        assert err.value.kind == "exists"
        with pytest.raises(FolderError) as err:
            await create_folder(conn, alice.id, "999", "X", FolderType.UserMail)
        assert err.value.kind == "parent_not_found"
        with pytest.raises(FolderError) as err:
            await create_folder(conn, alice.id, "0", "Inbox2", FolderType.Inbox)
        assert err.value.kind == "invalid_type"
        with pytest.raises(FolderError) as err:
            await update_folder(conn, alice.id, "1", "0", "Renamed Inbox")
        assert err.value.kind == "special"
        with pytest.raises(FolderError) as err:
            await delete_folder(conn, alice.id, "7")
        assert err.value.kind == "special"
        child = await create_folder(conn, alice.id, projects.server_id, "2026", FolderType.UserMail)
        with pytest.raises(FolderError):
            await update_folder(conn, alice.id, projects.server_id, child.server_id, "Loop")
        assert await delete_folder(conn, alice.id, projects.server_id) == [
            projects.server_id,
            child.server_id,
        ]
        with pytest.raises(FolderError) as err:
            await delete_folder(conn, alice.id, projects.server_id)
        assert err.value.kind == "not_found"


async def test_devices(any_db: Database) -> None:
    accounts = Accounts(any_db)
    alice = await accounts.add("alice", "pw")
    bob = await accounts.add("bob", "pw")
    registry = DeviceRegistry(any_db)
    # One device shared by two users, and one user with two devices.
    d1 = await registry.touch(alice.id, "SHARED", "iPad", user_agent="iOS/17", protocol_version="16.1")
    d2 = await registry.touch(bob.id, "SHARED", "iPad", user_agent="iOS/17", protocol_version="14.1")
    d3 = await registry.touch(alice.id, "PHONE", "Android", user_agent=None, protocol_version="12.1")
    assert len({d1.id, d2.id, d3.id}) == 3
    again = await registry.touch(alice.id, "SHARED", "iPad", user_agent="iOS/18", protocol_version="16.1")
    assert again.id == d1.id and again.user_agent == "iOS/18" and again.last_seen >= d1.last_seen
    await registry.merge_device_info(d1.id, {"Model": "iPad13,1"})
    await registry.merge_device_info(d1.id, {"OS": "iPadOS 18"})
    assert (await registry.get(alice.id, "SHARED")).device_info == {"Model": "iPad13,1", "OS": "iPadOS 18"}
    assert await registry.request_wipe(alice.id, "SHARED")
    assert (await registry.get(alice.id, "SHARED")).wipe_state == "requested"
    assert (await registry.get(bob.id, "SHARED")).wipe_state == "none"
    assert [(u, d.device_id) for u, d in await registry.list()] == [
        ("alice", "PHONE"),
        ("alice", "SHARED"),
        ("bob", "SHARED"),
    ]


async def test_hierarchy_keys_and_replay(any_db: Database) -> None:
    alice = await Accounts(any_db).add("alice", "pw")
    device = await DeviceRegistry(any_db).touch(alice.id, "D", "T", user_agent=None, protocol_version="14.1")
    async with any_db.begin() as conn:
        key1, changes = await hierarchy.folder_sync(conn, alice.id, device.id, "0", V14_1)
        assert len(changes.adds) == 10 and not changes.updates and not changes.deletes
        # Nothing changed: same key, nothing to say.
        same, changes = await hierarchy.folder_sync(conn, alice.id, device.id, key1, V14_1)
        assert same == key1 and not changes
        folder = await create_folder(conn, alice.id, "0", "Projects", FolderType.UserMail)
        key2, changes = await hierarchy.folder_sync(conn, alice.id, device.id, key1, V14_1)
        assert [f.server_id for f in changes.adds] == [folder.server_id]
        # The response never arrived: the device asks again with key1 and gets the same Add.
        key2b, replay = await hierarchy.folder_sync(conn, alice.id, device.id, key1, V14_1)
        assert key2b == key2 and [f.server_id for f in replay.adds] == [folder.server_id]
        await update_folder(conn, alice.id, folder.server_id, "1", "Projects 2026")
        key3, changes = await hierarchy.folder_sync(conn, alice.id, device.id, key2, V14_1)
        assert [f.display_name for f in changes.updates] == ["Projects 2026"]
        await delete_folder(conn, alice.id, folder.server_id)
        key4, changes = await hierarchy.folder_sync(conn, alice.id, device.id, key3, V14_1)
        assert changes.deletes == [folder.server_id]
        # Keys older than the previous one are gone.
        with pytest.raises(hierarchy.UnknownSyncKey):
            await hierarchy.folder_sync(conn, alice.id, device.id, key2, V14_1)
        with pytest.raises(hierarchy.UnknownSyncKey):
            await hierarchy.folder_sync(conn, alice.id, device.id, "12345", V14_1)
        assert key4 != key3


async def test_notes_hidden_before_14(any_db: Database) -> None:
    alice = await Accounts(any_db).add("alice", "pw")
    device = await DeviceRegistry(any_db).touch(alice.id, "D", "T", user_agent=None, protocol_version="12.1")
    async with any_db.begin() as conn:
        _, changes = await hierarchy.folder_sync(conn, alice.id, device.id, "0", V12_1)
    assert "Notes" not in [f.display_name for f in changes.adds] and len(changes.adds) == 9
