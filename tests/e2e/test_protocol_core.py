"""The protocol core over real HTTP, with raw requests, for 2.5, 12.1, 14.1 and 16.1 in both query
forms: provision, FolderSync, a sync partnership on every folder, and the error answers."""

from __future__ import annotations

import base64

import httpx
import pytest

from airsync.wbxml import encode, ns
from tests.e2e.conftest import Server
from tests.easclient import EASClient

AS, FH, GIE, P = ns.AirSync, ns.FolderHierarchy, ns.GetItemEstimate, ns.Provision

CASES = [
    ("2.5", False),
    ("12.1", False),
    ("12.1", True),
    ("14.1", False),
    ("14.1", True),
    ("16.1", True),
]


def client(server: Server, version: str, b64: bool, **kwargs: object) -> EASClient:
    device = f"DEV{version.replace('.', '')}{'B' if b64 else 'P'}"
    return EASClient(
        server.url, "alice", "secret", device_id=device, version=version, base64_query=b64, **kwargs
    )


@pytest.mark.parametrize(("version", "b64"), CASES)
async def test_provision_foldersync_and_open_every_collection(
    server: Server, version: str, b64: bool
) -> None:
    eas = client(server, version, b64)
    # Before provisioning, the device is challenged: 449 up to 12.1, Status 142 from 14.0.
    first = await eas.send("FolderSync", FH.FolderSync(FH.SyncKey("0")))
    if version in ("2.5", "12.1"):
        assert first.status == 449
    else:
        assert first.status == 200 and first.text("Status") == "142"

    await eas.provision()
    reply = await eas.send("FolderSync", FH.FolderSync(FH.SyncKey("0")))
    assert reply.status == 200 and reply.text("Status") == "1"
    adds = reply.tree.find("Changes").findall("Add")
    names = {a.findtext("DisplayName"): a.findtext("ServerId") for a in adds}
    expected = {
        "Inbox",
        "Drafts",
        "Deleted Items",
        "Sent Items",
        "Outbox",
        "Tasks",
        "Calendar",
        "Contacts",
        "Journal",
    }
    if version not in ("2.5", "12.1"):
        expected.add("Notes")
    assert set(names) == expected
    assert reply.text("Changes", "Count") == str(len(expected))
    hierarchy_key = reply.text("SyncKey")

    # The same hierarchy again: nothing new, same key.
    again = await eas.send("FolderSync", FH.FolderSync(FH.SyncKey(hierarchy_key)))
    assert again.text("Status") == "1" and again.text("SyncKey") == hierarchy_key
    assert again.text("Changes", "Count") == "0"

    for name, server_id in names.items():
        opened = await eas.send(
            "Sync",
            AS.Sync(AS.Collections(AS.Collection(AS.SyncKey("0"), AS.CollectionId(server_id)))),
        )
        assert opened.status == 200, name
        collection = opened.tree.find("Collections").find("Collection")
        assert collection.findtext("Status") == "1" and collection.findtext("CollectionId") == server_id
        key = collection.findtext("SyncKey")
        assert key and key != "0"
        estimate = await eas.send("GetItemEstimate", _estimate(version, server_id, key))
        assert estimate.text("Response", "Status") == "1"
        assert estimate.tree.find("Response").find("Collection").findtext("Estimate") == "0"
        follow = await eas.send(
            "Sync", AS.Sync(AS.Collections(AS.Collection(AS.SyncKey(key), AS.CollectionId(server_id))))
        )
        if version == "2.5":
            assert follow.tree.find("Collections").find("Collection").findtext("SyncKey") == key
        else:
            assert follow.status == 200 and follow.body == b""  # nothing to say: an empty 200

    # A key the server never gave gets Status 3; an unknown folder Status 12.
    bad = await eas.send(
        "Sync", AS.Sync(AS.Collections(AS.Collection(AS.SyncKey("42"), AS.CollectionId(names["Calendar"]))))
    )
    assert bad.tree.find("Collections").find("Collection").findtext("Status") == "3"
    unknown = await eas.send(
        "Sync", AS.Sync(AS.Collections(AS.Collection(AS.SyncKey("0"), AS.CollectionId("999"))))
    )
    assert unknown.tree.find("Collections").find("Collection").findtext("Status") == "12"
    stale = await eas.send("FolderSync", FH.FolderSync(FH.SyncKey("31337")))
    assert stale.text("Status") == "9"


def _estimate(version: str, collection_id: str, key: str):  # type: ignore[no-untyped-def]
    if version in ("2.5", "12.1"):
        collection = GIE.Collection(
            GIE.Class("Email"), GIE.CollectionId(collection_id), AS.FilterType("0"), AS.SyncKey(key)
        )
    else:
        collection = GIE.Collection(
            AS.SyncKey(key), GIE.CollectionId(collection_id), AS.Options(AS.FilterType("0"))
        )
    return GIE.GetItemEstimate(GIE.Collections(collection))


async def test_folder_create_update_delete(server: Server) -> None:
    eas = client(server, "14.1", False)
    eas.device_id = "FOLDERS1"
    await eas.provision()
    key = (await eas.send("FolderSync", FH.FolderSync(FH.SyncKey("0")))).text("SyncKey")
    created = await eas.send(
        "FolderCreate",
        FH.FolderCreate(FH.SyncKey(key), FH.ParentId("1"), FH.DisplayName("Projects"), FH.Type("12")),
    )
    assert created.text("Status") == "1"
    folder_id, key = created.text("ServerId"), created.text("SyncKey")
    dup = await eas.send(
        "FolderCreate",
        FH.FolderCreate(FH.SyncKey(key), FH.ParentId("1"), FH.DisplayName("projects"), FH.Type("12")),
    )
    assert dup.text("Status") == "2"
    assert (
        await eas.send(
            "FolderCreate",
            FH.FolderCreate(FH.SyncKey(key), FH.ParentId("77"), FH.DisplayName("X"), FH.Type("12")),
        )
    ).text("Status") == "5"
    assert (
        await eas.send(
            "FolderCreate",
            FH.FolderCreate(FH.SyncKey("999"), FH.ParentId("0"), FH.DisplayName("X"), FH.Type("12")),
        )
    ).text("Status") == "9"
    # The device knows its own change: the next FolderSync does not send it back.
    after = await eas.send("FolderSync", FH.FolderSync(FH.SyncKey(key)))
    assert after.text("Changes", "Count") == "0"
    renamed = await eas.send(
        "FolderUpdate",
        FH.FolderUpdate(FH.SyncKey(key), FH.ServerId(folder_id), FH.ParentId("0"), FH.DisplayName("Work")),
    )
    assert renamed.text("Status") == "1"
    key = renamed.text("SyncKey")
    special = await eas.send(
        "FolderUpdate",
        FH.FolderUpdate(FH.SyncKey(key), FH.ServerId("1"), FH.ParentId("0"), FH.DisplayName("Mail")),
    )
    assert special.text("Status") == "2"
    assert (await eas.send("FolderDelete", FH.FolderDelete(FH.SyncKey(key), FH.ServerId("7")))).text(
        "Status"
    ) == "3"
    assert (await eas.send("FolderDelete", FH.FolderDelete(FH.SyncKey(key), FH.ServerId("555")))).text(
        "Status"
    ) == "4"
    deleted = await eas.send("FolderDelete", FH.FolderDelete(FH.SyncKey(key), FH.ServerId(folder_id)))
    assert deleted.text("Status") == "1"

    # Another device of the same user learns of the changes by FolderSync.
    other = client(server, "16.1", True)
    other.device_id = "FOLDERS2"
    await other.provision()
    key2 = (await other.send("FolderSync", FH.FolderSync(FH.SyncKey("0")))).text("SyncKey")
    made = await eas.send(
        "FolderCreate",
        FH.FolderCreate(
            FH.SyncKey(deleted.text("SyncKey")), FH.ParentId("0"), FH.DisplayName("Shared"), FH.Type("13")
        ),
    )
    news = await other.send("FolderSync", FH.FolderSync(FH.SyncKey(key2)))
    add = news.tree.find("Changes").find("Add")
    assert add.findtext("ServerId") == made.text("ServerId") and add.findtext("Type") == "13"


async def test_authentication_and_isolation(server: Server) -> None:
    wrong = EASClient(server.url, "alice", "wrong", device_id="AUTH1")
    assert (await wrong.raw("FolderSync", encode(FH.FolderSync(FH.SyncKey("0"))))).status_code == 401
    assert (await wrong.options()).status_code == 401
    nobody = EASClient(server.url, "mallory", "secret", device_id="AUTH1")
    r = await nobody.raw("FolderSync", b"")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic")
    # bob authenticates but claims to be alice: refused, whatever the form of the claim.
    bob = EASClient(server.url, "bob", "secret", device_id="AUTH2")
    for claim in ("alice", "alice@example.test", "EXAMPLE\\alice"):
        r = await bob.raw(
            "FolderSync",
            encode(FH.FolderSync(FH.SyncKey("0"))),
            query=(f"Cmd=FolderSync&User={claim}&DeviceId=AUTH2&DeviceType=T"),
            headers={"MS-ASProtocolVersion": "14.1"},
        )
        assert r.status_code == 403, claim
    # Same DeviceId as alice's device, but bob's own record, never provisioned: alice's key is no use.
    alice = client(server, "14.1", False)
    alice.device_id = "SHAREDDEV"
    alice_key = await alice.provision()
    bob = EASClient(server.url, "bob", "secret", device_id="SHAREDDEV", version="14.1", policy_key=alice_key)
    r = await bob.send("FolderSync", FH.FolderSync(FH.SyncKey("0")))
    assert r.text("Status") == "142"
    # bob cannot open alice's user folders: ServerIds are per user, lookups are scoped.
    await bob.provision()
    sync = await bob.send(
        "Sync", AS.Sync(AS.Collections(AS.Collection(AS.SyncKey("0"), AS.CollectionId("11"))))
    )
    assert sync.tree.find("Collections").find("Collection").findtext("Status") == "12"


async def test_options_and_headers(server: Server) -> None:
    eas = client(server, "14.1", False)
    r = await eas.options()
    assert r.status_code == 200
    assert r.headers["MS-ASProtocolVersions"] == "2.5,12.0,12.1,14.0,14.1,16.0,16.1"
    assert set(r.headers["MS-ASProtocolCommands"].split(",")) == {
        "Provision",
        "FolderSync",
        "FolderCreate",
        "FolderUpdate",
        "FolderDelete",
        "Sync",
        "GetItemEstimate",
        "Settings",
        "Ping",
        "ItemOperations",
    }
    assert "MS-Server-ActiveSync" in r.headers
    # Lower-case path, lower-case header names.
    async with httpx.AsyncClient() as http:
        token = base64.b64encode(b"alice:secret").decode()
        r = await http.options(
            f"{server.url}/microsoft-server-activesync", headers={"authorization": f"Basic {token}"}
        )
        assert r.status_code == 200


@pytest.mark.parametrize("version", ["12.1", "14.1"])
async def test_error_answers_follow_the_version(server: Server, version: str) -> None:
    eas = client(server, version, False)
    eas.device_id = f"ERR{version.replace('.', '')}"
    await eas.provision()
    old = version == "12.1"
    garbage = await eas.raw("FolderSync", b"\x03\x01\x6a\x00\x45\x99\x01")
    assert garbage.status_code == (400 if old else 200)
    wrong_root = await eas.raw("FolderSync", encode(AS.Sync(AS.Collections())))
    assert wrong_root.status_code == (400 if old else 200)
    not_implemented = await eas.raw("Search", b"")
    assert not_implemented.status_code == 501
    bad_version = await eas.raw("FolderSync", b"", headers={"MS-ASProtocolVersion": "13.0"})
    assert bad_version.status_code == 400 and "MS-ASProtocolVersions" in bad_version.headers
    bad_key = await eas.raw(
        "FolderSync", encode(FH.FolderSync(FH.SyncKey("0"))), headers={"X-MS-PolicyKey": "1"}
    )
    if old:
        assert bad_key.status_code == 449
    else:
        from airsync.wbxml import decode

        assert decode(bad_key.content).findtext("Status") == "144"
    missing_body = await eas.raw("FolderSync", b"")
    assert missing_body.status_code == (400 if old else 200)
    too_big = await eas.raw("FolderSync", b"\x00" * (51 * 1024 * 1024))
    assert too_big.status_code == 413


async def test_protocol_log_and_access_log(server: Server) -> None:
    eas = client(server, "14.1", False)
    eas.device_id = "LOGGED1"
    await eas.provision()
    await eas.send("FolderSync", FH.FolderSync(FH.SyncKey("0")))
    folder = server.data_dir / "protocol-log" / "alice" / "LOGGED1"
    logs = sorted(folder.glob("*-FolderSync.log"))
    assert logs, list(folder.parent.glob("*"))
    text = logs[-1].read_text()
    # The request and the response as readable XML, with headers, and never the password.
    assert '<FolderSync xmlns="FolderHierarchy">' in text and "<DisplayName>Calendar</DisplayName>" in text
    assert "ms-asprotocolversion: 14.1" in text.lower() and "HTTP 200" in text
    assert "secret" not in text and "YWxpY2U6c2VjcmV0" not in text
    # One structured access line per request.
    assert any(
        "user=alice" in line
        and "device=LOGGED1" in line
        and "cmd=FolderSync" in line
        and "version=14.1" in line
        and "status=1" in line
        and "duration_ms=" in line
        for line in server.log().splitlines()
    )
