"""Calendar, Contacts, Tasks and Notes between two devices of one user, over real HTTP.

* Push: device 2 waits in Ping on the four folders; device 1 adds, changes and deletes one item of
  each class; Ping wakes within a second and device 2's Sync shows exactly that change.
* Round trips: a rich item (every field the version defines) sent by device 1 reaches device 2
  with every field equal, but for the few the server computes or keeps to itself (``SERVER_FIELDS``;
  the fields a client cannot send are in ``NOT_SENT``).
* The MS-ASCAL examples (seed 001, section 4): a weekly series with a deleted occurrence; the
  attendee's status going from 0 to 3 as a Change.
* A seeded random replay run: both devices edit, device 2 loses responses and repeats its request;
  every repeat gets the identical bytes, and at the end each device's view is the server's store.

The tests use accounts of their own (``users``: push, rich, replay), made in the server's store, so
the ServerIds of the default folders are known and no other module's items get in the way. Devices
are ``Device``s: an EASClient (every response checked by libwbxml and Microsoft's schemas) with
its sync keys and its view of each folder, built only from what the server sent.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from airsync.convert.timezone import blob_for_zone
from airsync.protocol.versions import V12_0, V14_0, V14_1, V16_0, ProtocolVersion
from airsync.schema.fields import decode_fields, encode_fields
from airsync.sync.classes import CLASSES
from airsync.wbxml import Element, ns
from tests.convert.test_ical import SEED_42, SEED_43
from tests.e2e.conftest import Server
from tests.easclient import EASClient, Reply

AS, ASB, FH, PING = ns.AirSync, ns.AirSyncBase, ns.FolderHierarchy, ns.Ping

TASKS, CALENDAR, CONTACTS, NOTES = "6", "7", "8", "9"  # DEFAULT_FOLDERS order, ServerIds "1".."10"
CLASS_OF = {CALENDAR: "Calendar", CONTACTS: "Contacts", TASKS: "Tasks", NOTES: "Notes"}
BERLIN = ZoneInfo("Europe/Berlin")
_users = itertools.count(1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def folders_for(*versions: str) -> list[str]:
    """The PIM folders every one of ``versions`` knows: Notes only from 14.0."""
    old = any(ProtocolVersion.parse(v) < V14_0 for v in versions)
    return [CALENDAR, CONTACTS, TASKS] if old else [CALENDAR, CONTACTS, TASKS, NOTES]


USERS = ("push", "rich", "replay")


@pytest.fixture(scope="module")
def users(server: Server) -> dict[str, str]:
    """A fresh account per kind of test, made in parallel, their first (slow) login done."""
    return make_users(server, USERS)


def make_users(server: Server, stems: tuple[str, ...]) -> dict[str, str]:
    """Accounts made in this process through the store's Accounts (what ``airsync user add`` does,
    without a Python start-up per account), then each logged in once: the server's first check of
    a password is the slow one."""
    from airsync.store.accounts import Accounts
    from airsync.store.db import Database

    names = {stem: f"{stem}{next(_users)}" for stem in stems}

    async def make() -> None:
        db = Database.open(None, server.data_dir)
        try:
            accounts = Accounts(db)
            for name in names.values():
                await accounts.add(name, "secret", email=f"{name}@example.test")
        finally:
            await db.close()
        async with httpx.AsyncClient(timeout=30) as http:
            for name in names.values():
                response = await http.options(
                    f"{server.url}/Microsoft-Server-ActiveSync", auth=(name, "secret")
                )
                assert response.status_code == 200, response

    asyncio.run(make())
    return names


# A device ------------------------------------------------------------------------------------------

_HTTP: httpx.AsyncClient | None = None


@pytest.fixture(autouse=True)
async def shared_http() -> AsyncIterator[None]:
    """One connection pool per test for FastClient."""
    global _HTTP
    async with httpx.AsyncClient(timeout=60) as http:
        _HTTP = http
        yield
    _HTTP = None


class FastClient(EASClient):
    """EASClient over the test's connection pool: a new httpx client per request, as EASClient makes,
    costs ~40 ms of TLS set-up even for plain http, which dominates a test of hundreds of requests.
    Same request in every other respect (plain query form only; anything else goes to EASClient)."""

    async def raw(
        self,
        cmd: str,
        body: bytes,
        *,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        query: str | None = None,
    ) -> httpx.Response:
        if _HTTP is None or self.base64_query or query is not None:
            return await super().raw(cmd, body, params=params, headers=headers, query=query)
        hdrs = {
            "Authorization": self._auth(),
            "User-Agent": "airsync-tests/1.0",
            **self.extra_headers,
            "MS-ASProtocolVersion": self.version,
        }
        if body:
            hdrs["Content-Type"] = "application/vnd.ms-sync.wbxml"
        if self.policy_key is not None:
            hdrs["X-MS-PolicyKey"] = str(self.policy_key)
        hdrs.update(headers or {})
        query = str(
            httpx.QueryParams(
                {
                    "Cmd": cmd,
                    "User": self.user,
                    "DeviceId": self.device_id,
                    "DeviceType": self.device_type,
                    **(params or {}),
                }
            )
        )
        return await _HTTP.post(
            f"{self.base_url}/Microsoft-Server-ActiveSync?{query}", content=body, headers=hdrs
        )


@dataclass
class Collection:
    """One collection of a Sync response, decoded."""

    collection_id: str
    status: str
    sync_key: str | None
    commands: list[tuple[str, str, dict[str, Any] | None]]  #: (Add|Change|Delete|SoftDelete, ServerId, data)
    responses: list[Element]
    more: bool
    element: Element


@dataclass
class Device:
    """An EAS client with its sync keys, its view of each folder (ServerId -> decoded data), and
    the ClientIds it has used."""

    eas: EASClient
    keys: dict[str, str] = field(default_factory=dict)
    view: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    body_type: int = 1
    _client_ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def version(self) -> ProtocolVersion:
        return ProtocolVersion.parse(self.eas.version)

    @classmethod
    async def start(
        cls,
        server: Server,
        user: str,
        device_id: str,
        version: str,
        folders: list[str],
        *,
        body_type: int = 1,
    ) -> Device:
        device = cls(
            FastClient(server.url, user, "secret", device_id=device_id, version=version), body_type=body_type
        )
        await device.eas.provision()
        hierarchy = await device.eas.send("FolderSync", FH.FolderSync(FH.SyncKey("0")))
        names = {a.findtext("ServerId"): a.findtext("DisplayName") for a in hierarchy.tree.find("Changes")}
        assert {f: names.get(f) for f in CLASS_OF} == {
            TASKS: "Tasks",
            CALENDAR: "Calendar",
            CONTACTS: "Contacts",
            NOTES: "Notes" if device.version >= V14_0 else None,
        }
        opened = await device.eas.send(
            "Sync", AS.Sync(AS.Collections(device._collection(f, "0", initial=True) for f in folders))
        )
        for c in opened.tree.find("Collections"):
            assert c.findtext("Status") == "1", opened.tree
            device.keys[c.findtext("CollectionId")] = c.findtext("SyncKey")
        for f in folders:
            device.view[f] = {}
        await device.drain(folders)
        return device

    def _collection(
        self,
        folder: str,
        key: str,
        *,
        initial: bool = False,
        commands: list[Element] | None = None,
        window: int | None = None,
    ) -> Element:
        children: list[Element | None] = []
        if self.version == ProtocolVersion(2, 5):
            children.append(AS.Class(CLASS_OF[folder]))
        children += [AS.SyncKey(key), AS.CollectionId(folder)]
        if window is not None:
            children.append(AS.WindowSize(str(window)))
        if initial:
            if self.version >= V12_0:
                children.append(
                    AS.Options(AS.FilterType("0"), ASB.BodyPreference(ASB.Type(str(self.body_type))))
                )
            else:
                children.append(AS.Options(AS.FilterType("0"), AS.Truncation("9")))
        if commands:
            children.append(AS.Commands(commands))
        return AS.Collection(children)

    def request(
        self, commands: dict[str, list[Element]] | None = None, folders: list[str] | None = None, **kw: Any
    ) -> Element:
        commands = commands or {}
        wanted = folders if folders is not None else list(commands)
        return AS.Sync(
            AS.Collections(self._collection(f, self.keys[f], commands=commands.get(f), **kw) for f in wanted)
        )

    async def send(self, request: Element) -> tuple[Reply, list[Collection]]:
        reply = await self.eas.send("Sync", request)
        assert reply.status == 200, reply
        return reply, self.parse(reply)

    def parse(self, reply: Reply) -> list[Collection]:
        if not reply.body:
            return []
        assert reply.tree.find("Status") is None, reply.tree
        out = []
        for c in reply.tree.find("Collections"):
            folder = c.findtext("CollectionId")
            fields = CLASSES[CLASS_OF[folder]].fields
            commands = []
            for command in c.find("Commands") or ():
                data_el = command.find("ApplicationData")
                data = None if data_el is None else decode_fields(fields, data_el, self.version, strict=True)
                commands.append((command.tag, command.findtext("ServerId"), data))
            out.append(
                Collection(
                    folder,
                    c.findtext("Status"),
                    c.findtext("SyncKey"),
                    commands,
                    list(c.find("Responses") or ()),
                    c.find("MoreAvailable") is not None,
                    c,
                )
            )
        return out

    def apply(self, collections: list[Collection]) -> None:
        """Take a response in: new keys, the server's commands into the view, Add responses."""
        for c in collections:
            assert c.status == "1", c.element
            self.keys[c.collection_id] = c.sync_key
            view = self.view[c.collection_id]
            for kind, server_id, data in c.commands:
                if kind == "Add":
                    assert server_id not in view, f"Add of {server_id}, which the device has already"
                    view[server_id] = data
                elif kind == "Change":
                    assert server_id in view, f"Change of {server_id}, which the device does not have"
                    view[server_id] = data
                else:
                    assert server_id in view, f"{kind} of {server_id}, which the device does not have"
                    del view[server_id]

    async def sync(
        self, commands: dict[str, list[Element]] | None = None, folders: list[str] | None = None, **kw: Any
    ) -> list[Collection]:
        _reply, collections = await self.send(self.request(commands, folders, **kw))
        self.apply(collections)
        return collections

    async def drain(self, folders: list[str], **kw: Any) -> list[Collection]:
        """Sync until the server has nothing more to say; everything it said."""
        said = []
        while True:
            got = await self.sync(folders=folders, **kw)
            said += got
            if not any(c.more for c in got):
                return said

    def client_id(self) -> str:
        return f"c{next(self._client_ids)}"

    def encode(self, folder: str, data: dict[str, Any]) -> Element:
        return AS.ApplicationData(encode_fields(CLASSES[CLASS_OF[folder]].fields, data, self.version))

    async def add(self, items: dict[str, dict[str, Any]]) -> dict[str, str]:
        """One Sync adding one item per folder; ServerIds by folder."""
        ids = {f: self.client_id() for f in items}
        got = await self.sync(
            {f: [AS.Add(AS.ClientId(ids[f]), self.encode(f, data))] for f, data in items.items()}
        )
        server_ids = {}
        for c in got:
            assert not c.commands, c.element
            (response,) = c.responses
            assert response.tag == "Add" and response.findtext("Status") == "1", response
            assert response.findtext("ClientId") == ids[c.collection_id]
            server_ids[c.collection_id] = response.findtext("ServerId")
            self.view[c.collection_id][server_ids[c.collection_id]] = items[c.collection_id]
        assert set(server_ids) == set(items)
        return server_ids

    async def change(self, items: dict[str, tuple[str, dict[str, Any]]]) -> None:
        got = await self.sync(
            {f: [AS.Change(AS.ServerId(sid), self.encode(f, data))] for f, (sid, data) in items.items()}
        )
        for c in got:  # success: no Responses entry, and nothing echoed back
            assert not c.commands and not c.responses, c.element
        for f, (sid, data) in items.items():
            self.view[f][sid] = data

    async def delete(self, items: dict[str, str]) -> None:
        got = await self.sync({f: [AS.Delete(AS.ServerId(sid))] for f, sid in items.items()})
        for c in got:
            assert not c.commands and not c.responses, c.element
        for f, sid in items.items():
            del self.view[f][sid]

    def ping(self, folders: list[str], heartbeat: int = 120) -> Element:
        return PING.Ping(
            PING.HeartbeatInterval(str(heartbeat)),
            PING.Folders(PING.Folder(PING.Id(f), PING.Class(CLASS_OF[f])) for f in folders),
        )


# Items ------------------------------------------------------------------------------------------


def simple_items(version: ProtocolVersion, tag: str) -> dict[str, dict[str, Any]]:
    """One small item per class, labelled ``tag``, as ``version`` writes it."""
    start = utc(2030, 5, 6, 9, 0)
    event: dict[str, Any] = {
        "Timezone": blob_for_zone(BERLIN, 2030),
        "AllDayEvent": False,
        "StartTime": start,
        "EndTime": start + timedelta(hours=1),
        "Subject": f"Event {tag}",
        "Sensitivity": 0,
        "BusyStatus": 2,
        "MeetingStatus": 0,
        "UID": f"uid-{tag}",
        "DtStamp": utc(2030, 1, 1, 0, 0),
    }
    event["Location"] = {"DisplayName": f"Room {tag}"} if version >= V16_0 else f"Room {tag}"
    contact = {"FirstName": "Ada", "LastName": f"Contact {tag}", "Email1Address": f"ada.{tag}@example.test"}
    task = {
        "Subject": f"Task {tag}",
        "Importance": 2,
        "UtcDueDate": utc(2030, 5, 10, 15, 0),
        "DueDate": utc(2030, 5, 10, 17, 0),
        "Complete": False,
    }
    note = {
        "Subject": f"Note {tag}",
        "MessageClass": "IPM.StickyNote",
        "Body": {"Type": 1, "Data": f"text {tag}"},
    }
    return {CALENDAR: event, CONTACTS: contact, TASKS: task, NOTES: note}


def body_text(data: dict[str, Any]) -> str | None:
    body = data.get("Body")
    return body.get("Data") if isinstance(body, dict) else body


#: What identifies each class's simple item on any version.
def essentials(folder: str, data: dict[str, Any]) -> dict[str, Any]:
    if folder == CALENDAR:
        location = data.get("Location")
        if isinstance(location, dict):
            location = location.get("DisplayName")
        return {
            "Subject": data.get("Subject"),
            "StartTime": data.get("StartTime"),
            "EndTime": data.get("EndTime"),
            "Location": location,
            "UID": data.get("UID"),
            "BusyStatus": data.get("BusyStatus"),
        }
    if folder == CONTACTS:
        return {k: data.get(k) for k in ("FirstName", "LastName", "Email1Address")}
    if folder == TASKS:
        return {k: data.get(k) for k in ("Subject", "Importance", "UtcDueDate", "DueDate", "Complete")}
    return {"Subject": data.get("Subject"), "Body": body_text(data)}


# Push: Ping wakes on each change of another device --------------------------------------------------

PAIRS = [
    ("2.5", "2.5"),
    ("12.1", "12.1"),
    ("14.1", "14.1"),
    ("16.1", "16.1"),
    ("14.1", "16.1"),
    ("16.1", "2.5"),
]
WAKE_LIMIT = 1.0  # seconds from device 1's request to device 2's Ping answer


@pytest.mark.parametrize(("v1", "v2"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
async def test_ping_wakes_and_sync_shows_add_change_delete(
    server: Server, users: dict[str, str], v1: str, v2: str
) -> None:
    user = users["push"]
    folders = folders_for(v1, v2)
    tag = f"{v1}-{v2}".replace(".", "")
    one = await Device.start(server, user, f"PUSH1-{tag}", v1, folders)
    two = await Device.start(server, user, f"PUSH2-{tag}", v2, folders)
    assert all(not items for items in two.view.values())  # the previous pair deleted its items

    async def woken_by(action: Any) -> float:
        """Device 2 waits in Ping; device 1 acts; the seconds until Ping answers Status 2."""
        ping = asyncio.create_task(two.eas.send("Ping", two.ping(folders)))
        await asyncio.sleep(0.2)  # Ping is parked on the change bus by now
        assert not ping.done(), ping.result().tree if not ping.exception() else ping.exception()
        started = time.monotonic()
        await action
        reply = await asyncio.wait_for(ping, 10)
        elapsed = time.monotonic() - started
        assert reply.text("Status") == "2", reply.tree
        assert sorted(f.text for f in reply.tree.find("Folders")) == sorted(folders)
        print(f"{v1} -> {v2}: Ping answered {elapsed * 1000:.0f} ms after device 1's request began")
        return elapsed

    # Add
    added = simple_items(one.version, "A")
    added = {f: added[f] for f in folders}
    server_ids: dict[str, str] = {}

    async def add() -> None:
        server_ids.update(await one.add(added))

    took = await woken_by(add())
    assert took < WAKE_LIMIT, f"Ping answered {took:.3f} s after the Add"
    got = await two.sync(folders=folders)
    assert {c.collection_id for c in got} == set(folders)
    for c in got:
        (command,) = c.commands
        kind, server_id, data = command
        assert (kind, server_id) == ("Add", server_ids[c.collection_id])
        expected = essentials(c.collection_id, added[c.collection_id])
        assert essentials(c.collection_id, data) == expected, (v1, v2, c.collection_id)

    # Change
    changed = simple_items(one.version, "B")
    changed = {f: changed[f] for f in folders}
    took = await woken_by(one.change({f: (server_ids[f], data) for f, data in changed.items()}))
    assert took < WAKE_LIMIT, f"Ping answered {took:.3f} s after the Change"
    got = await two.sync(folders=folders)
    assert {c.collection_id for c in got} == set(folders)
    for c in got:
        (command,) = c.commands
        kind, server_id, data = command
        assert (kind, server_id) == ("Change", server_ids[c.collection_id])
        assert essentials(c.collection_id, data) == essentials(c.collection_id, changed[c.collection_id])

    # Delete
    took = await woken_by(one.delete(server_ids))
    assert took < WAKE_LIMIT, f"Ping answered {took:.3f} s after the Delete"
    got = await two.sync(folders=folders)
    assert {c.collection_id for c in got} == set(folders)
    for c in got:
        assert c.commands == [("Delete", server_ids[c.collection_id], None)], c.element
    assert all(not items for items in two.view.values())

    # Nothing more for either device.
    for device in (one, two):
        assert not any(c.commands for c in await device.drain(folders))


# Round trips of rich items ----------------------------------------------------------------------


def _uncompressed_rtf(rtf: bytes) -> str:
    """MS-OXRTFCP 2.1.3.1: an "uncompressed" compressed-RTF blob (COMPTYPE MELA), base64, as a
    2.5 client sends in Rtf."""
    import base64
    import struct

    header = struct.pack("<II4sI", len(rtf) + 12, len(rtf), b"MELA", 0)
    return base64.b64encode(header + rtf).decode()


RTF = _uncompressed_rtf(rb"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard Agenda \b first\b0 .\par}")
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def rich_event(version: ProtocolVersion) -> dict[str, Any]:
    """A meeting series with everything the Calendar class of ``version`` defines a client may send."""
    v16 = version >= V16_0
    start = utc(2030, 3, 4, 8, 0)  # Monday 09:00 in Berlin
    instance = "InstanceId" if v16 else "ExceptionStartTime"
    moved = start + timedelta(weeks=2)
    exception_full: dict[str, Any] = {
        "Deleted": False,
        instance: moved,
        "Subject": "Planning (moved)",
        "StartTime": moved + timedelta(hours=2),
        "EndTime": moved + timedelta(hours=3),
        "Location": {"DisplayName": "Room 2.01"} if v16 else "Room 2.01",
        "Categories": ["Moved"],
        "Sensitivity": 1,
        "BusyStatus": 1,
        "AllDayEvent": False,
        "Reminder": 5,
        "DtStamp": utc(2030, 2, 2, 10, 0),
        "MeetingStatus": 1,
        "Attendees": [
            {"Email": "bob@example.test", "Name": "Bob Baker", "AttendeeStatus": 0, "AttendeeType": 1}
        ],
        "AppointmentReplyTime": utc(2030, 2, 3, 12, 0),
        "ResponseType": 1,
        "OnlineMeetingConfLink": "https://meet.example.test/conf/42-moved",
        "OnlineMeetingExternalLink": "https://meet.example.test/join/42-moved",
    }
    if version >= V12_0:
        exception_full["Body"] = {"Type": 1, "Data": "Moved to the afternoon."}
    data: dict[str, Any] = {
        "Timezone": blob_for_zone(BERLIN, 2030),
        "AllDayEvent": False,
        "BusyStatus": 2,
        "OrganizerName": "Alice Liddell",
        "OrganizerEmail": "alice@example.test",
        "DtStamp": utc(2030, 2, 1, 9, 30),
        "EndTime": start + timedelta(hours=1, minutes=30),
        "Location": (
            {
                "DisplayName": "Room 4.12",
                "Annotation": "Fourth floor, by the lifts",
                "Street": "Unter den Linden 1",
                "City": "Berlin",
                "State": "Berlin",
                "Country": "Germany",
                "PostalCode": "10117",
                "Latitude": "52.5170365",
                "Longitude": "13.3888599",
                "Accuracy": "10",
                "Altitude": "34",
                "AltitudeAccuracy": "5",
                "LocationUri": "geo:52.5170365,13.3888599",
            }
            if v16
            else "Room 4.12"
        ),
        "Reminder": 15,
        "Sensitivity": 0,
        "Subject": "Quarterly planning \u2013 Größen & <Ziele>",
        "StartTime": start,
        "UID": "rich-event-0001@example.test",
        "MeetingStatus": 1,
        "Attendees": [
            {"Email": "bob@example.test", "Name": "Bob Baker", "AttendeeStatus": 0, "AttendeeType": 1},
            {"Email": "carol@example.test", "Name": "Carol Cole", "AttendeeStatus": 0, "AttendeeType": 2},
            {"Email": "room412@example.test", "Name": "Room 4.12", "AttendeeStatus": 0, "AttendeeType": 3},
        ],
        "Categories": ["Work", "Planning"],
        "Recurrence": {
            "Type": 1,
            "Occurrences": 10,
            "Interval": 1,
            "DayOfWeek": 2,
            "CalendarType": 1,
            "IsLeapMonth": False,
            "FirstDayOfWeek": 1,
        },
        "Exceptions": [{"Deleted": True, instance: start + timedelta(weeks=1)}, exception_full],
        "ResponseRequested": True,
        "AppointmentReplyTime": utc(2030, 2, 1, 9, 45),
        "ResponseType": 1,
        "DisallowNewTimeProposal": True,
        "OnlineMeetingConfLink": "https://meet.example.test/conf/42",
        "OnlineMeetingExternalLink": "https://meet.example.test/join/42",
        "ClientUid": "client-uid-rich-event-0001",
    }
    if version >= V12_0:
        data["Body"] = {"Type": 1, "Data": "Agenda:\n1. Numbers\n2. Plans\n\nBring the “Q2” sheet."}
    else:
        data["Body"] = "Agenda:\n1. Numbers\n2. Plans\n\nBring the “Q2” sheet."
    return data


def rich_contact(version: ProtocolVersion) -> dict[str, Any]:
    data: dict[str, Any] = {
        "Anniversary": utc(2012, 6, 16, 11, 59),
        "AssistantName": "Mary Moneypenny",
        "AssistantPhoneNumber": "+49 30 1234560",
        "Birthday": utc(1985, 4, 12, 11, 59),
        "Business2PhoneNumber": "+49 30 1234562",
        "BusinessAddressCity": "Berlin",
        "BusinessPhoneNumber": "+49 30 1234561",
        "WebPage": "https://ada.example.test/",
        "BusinessAddressCountry": "Germany",
        "Department": "Research",
        "Email1Address": "ada@example.test",
        "Email2Address": "ada.lovelace@example.org",
        "Email3Address": "al@example.net",
        "BusinessFaxNumber": "+49 30 1234569",
        "FileAs": "Lovelace, Ada",
        "FirstName": "Ada",
        "MiddleName": "Augusta",
        "HomeAddressCity": "London",
        "HomeAddressCountry": "United Kingdom",
        "HomeFaxNumber": "+44 20 7946 0999",
        "HomePhoneNumber": "+44 20 7946 0001",
        "Home2PhoneNumber": "+44 20 7946 0002",
        "HomeAddressPostalCode": "W1J 7NT",
        "HomeAddressState": "Greater London",
        "HomeAddressStreet": "12 St James's Square",
        "MobilePhoneNumber": "+49 170 1234567",
        "Suffix": "FRS",
        "CompanyName": "Analytical Engines Ltd.",
        "OtherAddressCity": "Ockham",
        "OtherAddressCountry": "United Kingdom",
        "CarPhoneNumber": "+49 171 7654321",
        "OtherAddressPostalCode": "GU23 6NU",
        "OtherAddressState": "Surrey",
        "OtherAddressStreet": "Ockham Park",
        "PagerNumber": "+49 30 555",
        "Title": "Countess",
        "BusinessAddressPostalCode": "10117",
        "LastName": "Lovelace",
        "Spouse": "William King",
        "BusinessAddressState": "Berlin",
        "BusinessAddressStreet": "Unter den Linden 1\nHaus B",
        "JobTitle": "Mathematician",
        "YomiFirstName": "エイダ",
        "YomiLastName": "ラブレス",
        "YomiCompanyName": "アナリティカル",
        "OfficeLocation": "B 2.07",
        "RadioPhoneNumber": "+49 30 777",
        "Picture": PNG,
        "Categories": ["Friends", "Science"],
        "Children": ["Byron", "Annabella", "Ralph"],
        "CustomerId": "CUST-1815",
        "GovernmentId": "GOV-1852",
        "IMAddress": "xmpp:ada@example.test",
        "IMAddress2": "sip:ada@example.test",
        "IMAddress3": "ada.skype",
        "ManagerName": "Charles Babbage",
        "CompanyMainPhone": "+49 30 1234500",
        "AccountName": "ada",
        "NickName": "Enchantress of Numbers",
        "MMS": "+49 170 1234567",
    }
    if version >= V12_0:
        data["Body"] = {"Type": 1, "Data": "Met at the Difference Engine demo.\nLikes poetry."}
    else:
        data["Body"] = "Met at the Difference Engine demo.\nLikes poetry."
    return data


def rich_task(version: ProtocolVersion) -> dict[str, Any]:
    data: dict[str, Any] = {
        "Subject": "File the quarterly report ✓",
        "Importance": 2,
        "UtcStartDate": utc(2030, 3, 3, 23, 0),
        "StartDate": utc(2030, 3, 4, 0, 0),
        "UtcDueDate": utc(2030, 3, 7, 23, 0),
        "DueDate": utc(2030, 3, 8, 0, 0),
        "Categories": ["Work", "Finance"],
        "Recurrence": {
            "Type": 2,
            "Start": utc(2030, 3, 3, 23, 0),
            "Until": utc(2031, 3, 3, 23, 0),
            "Interval": 3,
            "DayOfMonth": 4,
            "Regenerate": False,
            "DeadOccur": 0,
            "CalendarType": 1,
            "IsLeapMonth": False,
            "FirstDayOfWeek": 1,
        },
        "Complete": True,
        "DateCompleted": utc(2030, 3, 6, 16, 20),
        "Sensitivity": 2,
        "ReminderTime": utc(2030, 3, 7, 8, 0),
        "ReminderSet": True,
        "OrdinalDate": utc(2030, 2, 1, 12, 0),
        "SubOrdinalDate": "412500000000000000000",
    }
    if version >= V12_0:
        data["Body"] = {"Type": 1, "Data": "Numbers from Q1.\nSend to Bob."}
    else:
        data["Body"] = "Numbers from Q1.\nSend to Bob."
    return data


def rich_note(version: ProtocolVersion) -> dict[str, Any]:
    return {
        "Subject": "Shopping \u2013 Wochenmarkt",
        "MessageClass": "IPM.StickyNote.Yellow",
        "LastModifiedDate": utc(2030, 3, 1, 17, 45),
        "Categories": ["Home", "Errands"],
        "Body": {"Type": 1, "Data": "milk\neggs\n6 \u00d7 apples"},
    }


RICH = {CALENDAR: rich_event, CONTACTS: rich_contact, TASKS: rich_task, NOTES: rich_note}


def defined(fields: Any, data: dict[str, Any], version: ProtocolVersion) -> dict[str, Any]:
    """``data`` as ``version`` can carry it (tests.schema._tables.defined)."""
    from tests.schema._tables import defined as _defined

    return _defined(fields, data, version)


#: Fields a round trip may not return as sent, by class, with the reason. Nothing else may differ.
SERVER_FIELDS: dict[str, dict[str, str]] = {
    "Calendar": {
        "ClientUid": "16.x, request-only (MS-ASCAL 2.2.2.13): the server keeps it, never sends it",
        "NativeBodyType": "the server says which body type it stores (MS-ASAIRS 2.2.2.36)",
        "BodyTruncated": "2.5: the server says whether it cut the inline body",
    },
    "Contacts": {
        "BodySize": "2.5: the server gives the size of the notes",
        "BodyTruncated": "2.5: the server says whether it cut the notes",
    },
    "Tasks": {
        "BodySize": "2.5: the server gives the size of the notes",
        "BodyTruncated": "2.5: the server says whether it cut the notes",
    },
    "Notes": {},
}
#: Fields the rich items leave out, with the reason: a client cannot send them.
NOT_SENT: dict[str, dict[str, str]] = {
    "Calendar": {
        "Attachments": "16.x: read-only towards the client in this table (no Add/Delete shape)",
        "Rtf": "2.5: test_legacy_rtf_at_2_5 on its own",
        "NativeBodyType": "set by the server",
        "BodyTruncated": "set by the server",
    },
    "Contacts": {
        "Alias": "recipient information cache responses only (MS-ASCNTC 2.2.2.2)",
        "WeightedRank": "recipient information cache responses only (MS-ASCNTC 2.2.2.64)",
        "Rtf": "2.5: test_legacy_rtf_at_2_5 on its own",
        "BodySize": "set by the server",
        "BodyTruncated": "set by the server",
    },
    "Tasks": {
        "BodySize": "set by the server",
        "BodyTruncated": "set by the server",
        "Rtf": "2.5: test_legacy_rtf_at_2_5 on its own",
    },
    "Notes": {},
}
#: In every airsyncbase:Body the server fills in EstimatedDataSize (MS-ASAIRS 2.2.2.24).
BODY_SERVER_FIELDS = {"EstimatedDataSize"}


def comparable(item_class: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the server's fields; and, in calendar exceptions, without what says nothing
    (MS-ASCAL 2.2.2.21: an exception inherits every element it leaves out from the series, and
    Deleted 0 is the absence of Deleted), so the server may leave those out."""
    out = {k: v for k, v in data.items() if k not in SERVER_FIELDS[item_class]}
    if isinstance(out.get("Body"), dict):
        out["Body"] = {k: v for k, v in out["Body"].items() if k not in BODY_SERVER_FIELDS}
    if out.get("Exceptions"):
        exceptions = []
        for exc in out["Exceptions"]:
            exc = {k: v for k, v in exc.items() if not (k == "Deleted" and v is False)}
            exc = {k: v for k, v in exc.items() if k in ("Deleted",) or k not in out or out[k] != v}
            if isinstance(exc.get("Body"), dict):
                exc["Body"] = {k: v for k, v in exc["Body"].items() if k not in BODY_SERVER_FIELDS}
            exceptions.append(exc)
        out["Exceptions"] = exceptions
    return out


def differences(want: Any, have: Any, path: str) -> list[str]:
    """Where two decoded values differ, down to the leaves."""
    if isinstance(want, dict) and isinstance(have, dict):
        out = []
        for key in [*want, *(k for k in have if k not in want)]:
            if key not in have:
                out.append(f"{path}.{key}: sent {want[key]!r}, not received")
            elif key not in want:
                out.append(f"{path}.{key}: not sent, received {have[key]!r}")
            else:
                out += differences(want[key], have[key], f"{path}.{key}")
        return out
    if isinstance(want, list) and isinstance(have, list) and len(want) == len(have):
        return [
            d
            for i, (a, b) in enumerate(zip(want, have, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    return [] if want == have else [f"{path}: sent {want!r}, received {have!r}"]


ROUND_TRIP_VERSIONS = ["2.5", "12.1", "14.1", "16.1"]


@pytest.mark.parametrize("version", ROUND_TRIP_VERSIONS)
async def test_rich_items_round_trip(server: Server, users: dict[str, str], version: str) -> None:
    user = users["rich"]
    v = ProtocolVersion.parse(version)
    folders = folders_for(version)
    tag = version.replace(".", "")
    one = await Device.start(server, user, f"RICH1-{tag}", version, folders)
    two = await Device.start(server, user, f"RICH2-{tag}", version, folders)
    two.view = {f: {} for f in folders}  # items of the earlier versions' runs are not compared
    sent = {f: RICH[f](v) for f in folders}
    for f in folders:  # the rich items are complete: every field of the version, but for NOT_SENT
        item_class = CLASS_OF[f]
        every = {x.tag for x in CLASSES[item_class].fields if x.defined_in(v)}
        assert every - set(sent[f]) == every & set(NOT_SENT[item_class]), item_class
    server_ids = await one.add(sent)
    got = {c.collection_id: c for c in await two.drain(folders)}
    failures = []
    for f in folders:
        item_class = CLASS_OF[f]
        fields = CLASSES[item_class].fields
        received = two.view[f][server_ids[f]]
        want = comparable(item_class, defined(fields, sent[f], v))
        have = comparable(item_class, received)
        failures += differences(want, have, item_class)
        assert got[f].commands[0][:2] == ("Add", server_ids[f])
    assert not failures, f"{version}:\n" + "\n".join(failures)


async def test_legacy_rtf_at_2_5(server: Server, users: dict[str, str]) -> None:
    """2.5 items with their notes as compressed RTF (the legacy Rtf element, a Z-Push/Horde token
    that MS-ASWBXML does not list): device 2 gets them in a response Microsoft's schemas accept."""
    user = users["rich"]
    folders = folders_for("2.5")
    one = await Device.start(server, user, "RTF1", "2.5", folders)
    two = await Device.start(server, user, "RTF2", "2.5", folders)
    two.view = {f: {} for f in folders}
    sent = {f: {**simple_items(one.version, "rtf")[f], "Rtf": RTF} for f in folders}
    server_ids = await one.add(sent)
    await two.drain(folders)  # every response is validated: Rtf must be accepted or left out
    for f in folders:
        assert two.view[f][server_ids[f]].get("Rtf") in (RTF, None)


# The MS-ASCAL examples (seed 001, section 4) ------------------------------------------------------


@pytest.mark.parametrize("sender", ["14.1", "16.1"])
async def test_seed_weekly_series_with_deleted_occurrence(
    server: Server, users: dict[str, str], sender: str
) -> None:
    """MS-ASCAL 4.2: the weekly series (Fridays, 3 occurrences) without its second Friday, added by a
    14.1 device (ExceptionStartTime) or a 16.1 one (InstanceId, airsyncbase:Location), reaches a
    14.1 device with the same Recurrence and Exceptions, and every other field as sent."""
    user = users["rich"]
    tag = sender.replace(".", "")
    one = await Device.start(server, user, f"SERIES1-{tag}", sender, [CALENDAR])
    two = await Device.start(server, user, f"SERIES2-{tag}", "14.1", [CALENDAR])
    two.view[CALENDAR] = {}
    event = {**SEED_42, "UID": f"{SEED_42['UID']}-{tag}"}
    if sender == "16.1":
        event["Location"] = {"DisplayName": SEED_42["Location"]}
        event["Exceptions"] = [
            {"Deleted": True, "InstanceId": SEED_42["Exceptions"][0]["ExceptionStartTime"]}
        ]
    server_ids = await one.add({CALENDAR: event})
    (got,) = await two.drain([CALENDAR])
    assert [c[:2] for c in got.commands] == [("Add", server_ids[CALENDAR])]
    received = two.view[CALENDAR][server_ids[CALENDAR]]
    assert received["Recurrence"] == {"Type": 1, "Interval": 1, "Occurrences": 3, "DayOfWeek": 32}
    assert received["Exceptions"] == [{"Deleted": True, "ExceptionStartTime": utc(2009, 4, 24, 17, 0)}]
    want = {**SEED_42, "UID": event["UID"]}
    assert differences(comparable("Calendar", want), comparable("Calendar", received), "Calendar") == []


async def test_seed_attendee_status_0_to_3(server: Server, users: dict[str, str]) -> None:
    """MS-ASCAL 4.3: the organizer's meeting shows its attendee's status going from 0 (unknown) to
    3 (accepted) as a Change: once when another device of the organizer sends it, once when the
    reply lands in the store (as the CalDAV side or a mail gateway would write it)."""
    user = users["rich"]
    folders = [CALENDAR]
    organizer = await Device.start(server, user, "ORGANIZER1", "14.1", folders)
    phone = await Device.start(server, user, "ORGANIZER2", "14.1", folders)
    phone.view[CALENDAR] = {}
    events = {
        "device": {**SEED_43, "UID": "0400000082-test-meeting-device"},
        "store": {**SEED_43, "UID": "0400000082-test-meeting-store"},
    }
    ids = {name: (await organizer.add({CALENDAR: data}))[CALENDAR] for name, data in events.items()}
    await phone.drain(folders)
    for name, data in events.items():
        seen = phone.view[CALENDAR][ids[name]]
        assert seen["Attendees"] == SEED_43["Attendees"]
        assert differences(comparable("Calendar", data), comparable("Calendar", seen), name) == []

    def accepted(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "Attendees": [{**data["Attendees"][0], "AttendeeStatus": 3}]}

    # Another device of the organizer says the attendee accepted.
    await organizer.change({CALENDAR: (ids["device"], accepted(events["device"]))})
    (got,) = await phone.sync(folders=folders)
    assert [c[:2] for c in got.commands] == [("Change", ids["device"])]
    seen = phone.view[CALENDAR][ids["device"]]
    assert seen["Attendees"][0]["AttendeeStatus"] == 3
    assert (
        differences(comparable("Calendar", accepted(events["device"])), comparable("Calendar", seen), "d")
        == []
    )

    # The reply lands in the store (PARTSTAT=ACCEPTED) while the phone waits in Ping. The server's
    # poller (every 2 s) notices writes of other processes: Ping answers within two rounds of it.
    ping = asyncio.create_task(phone.eas.send("Ping", phone.ping(folders)))
    await asyncio.sleep(0.2)
    await set_partstat(server, user, ids["store"], "ACCEPTED")
    done, _pending = await asyncio.wait([ping], timeout=5)
    woken = ping in done
    (got,) = await phone.sync(folders=folders)  # a Sync of the device also ends a waiting Ping
    assert [c[:2] for c in got.commands] == [("Change", ids["store"])]
    seen = phone.view[CALENDAR][ids["store"]]
    assert seen["Attendees"][0]["AttendeeStatus"] == 3
    assert (
        differences(comparable("Calendar", accepted(events["store"])), comparable("Calendar", seen), "s")
        == []
    )
    reply = await asyncio.wait_for(ping, 10)
    assert woken, (
        "Ping was not woken within 5 s by the change written to the store 0.2 s after it started "
        f"(it ended only when the next Sync superseded it, with Status {reply.text('Status')})"
    )
    assert reply.text("Status") == "2", reply.tree


async def set_partstat(server: Server, user: str, server_id: str, partstat: str) -> None:
    """Edit the stored iCalendar of an event as another writer of the store would."""
    from icalendar import Calendar
    from sqlalchemy import select

    from airsync.store import items as store
    from airsync.store.db import Database
    from airsync.store.tables import users as users_table

    db = Database.open(None, server.data_dir)
    try:
        async with db.begin() as conn:
            user_id = (
                await conn.execute(select(users_table.c.id).where(users_table.c.name == user))
            ).scalar_one()
            item = await store.get_item(conn, user_id, server_id)
            assert item is not None
            cal = Calendar.from_ical(item.content)
            cal.walk("VEVENT")[0]["ATTENDEE"].params["PARTSTAT"] = partstat
            content = cal.to_ical().decode()
            await store.update_item(conn, user_id, server_id, content, CLASSES["Calendar"].derive(content))
    finally:
        await db.close()


# Replays under random traffic ------------------------------------------------------------------------

SESSIONS, STEPS = 30, 10
REPLAY_SEED = 20260417
LABEL_FIELD = {CALENDAR: "Subject", CONTACTS: "LastName", TASKS: "Subject", NOTES: "Subject"}


def labelled(folder: str, version: ProtocolVersion, label: str) -> dict[str, Any]:
    data = simple_items(version, label)[folder]
    data[LABEL_FIELD[folder]] = label
    return data


@dataclass
class Model:
    """What the server holds after the successful commands: folder -> ServerId -> label."""

    items: dict[str, dict[str, str]]
    labels: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def label(self) -> str:
        return f"L{next(self.labels)}"


def labels_of(device: Device) -> dict[str, dict[str, str]]:
    return {f: {sid: data[LABEL_FIELD[f]] for sid, data in items.items()} for f, items in device.view.items()}


async def store_labels(server: Server, user: str, folders: list[str]) -> dict[str, dict[str, str]]:
    """The server's items, read from its database: folder -> ServerId -> label."""
    from sqlalchemy import select

    from airsync.store import items as store
    from airsync.store.db import Database
    from airsync.store.tables import users as users_table

    db = Database.open(None, server.data_dir)
    try:
        async with db.read() as conn:
            user_id = (
                await conn.execute(select(users_table.c.id).where(users_table.c.name == user))
            ).scalar_one()
            out = {}
            for f in folders:
                item_class = CLASSES[CLASS_OF[f]]
                out[f] = {
                    i.server_id: item_class.to_eas(i.content, V14_1)[LABEL_FIELD[f]]
                    for i in await store.live_items(conn, user_id, f)
                }
            return out
    finally:
        await db.close()


async def random_commands(
    rng: random.Random, device: Device, model: Model, folder: str
) -> tuple[list[Element], dict[str, tuple[str, str, str | None]]]:
    """1-3 random Add/Change/Delete commands on ``folder`` from what ``device`` holds; and what
    each is about: ClientId or ServerId -> (kind, label or None)."""
    commands: list[Element] = []
    intents: dict[str, tuple[str, str, str | None]] = {}
    for _ in range(rng.randint(1, 3)):
        held = [sid for sid in device.view[folder] if sid not in intents]
        kind = rng.choice(["Add", "Add", "Change", "Delete"] if held else ["Add"])
        label = model.label() if kind != "Delete" else None
        if kind == "Add":
            client_id = device.client_id()
            commands.append(
                AS.Add(AS.ClientId(client_id), device.encode(folder, labelled(folder, device.version, label)))
            )
            intents[client_id] = ("Add", folder, label)
        elif kind == "Change":
            sid = rng.choice(held)
            commands.append(
                AS.Change(AS.ServerId(sid), device.encode(folder, labelled(folder, device.version, label)))
            )
            intents[sid] = ("Change", folder, label)
        else:
            sid = rng.choice(held)
            commands.append(AS.Delete(AS.ServerId(sid)))
            intents[sid] = ("Delete", folder, None)
    return commands, intents


def settle(
    device: Device,
    model: Model,
    collections: list[Collection],
    intents: dict[str, tuple[str, str, str | None]],
) -> None:
    """Take in a response to ``intents``: the server's commands first, then the device's own
    commands as the server answered them (an item Status, or silence for a successful Change or
    Delete, MS-ASCMD 2.2.3.177.17)."""
    device.apply(collections)
    answers: dict[str, Element] = {}
    for c in collections:
        for response in c.responses:
            answers[response.findtext("ClientId") or response.findtext("ServerId")] = response
    for key, (kind, folder, label) in intents.items():
        answer = answers.get(key)
        status = answer.findtext("Status") if answer is not None else "1"
        view, truth = device.view[folder], model.items[folder]
        if kind == "Add":
            assert status == "1", answer
            sid = answer.findtext("ServerId")
            assert sid not in truth, f"ServerId {sid} given twice"
            view[sid] = labelled(folder, device.version, label)
            truth[sid] = label
        elif kind == "Change":
            if status == "1":
                assert key in truth, f"Change of {key}, deleted on the server, succeeded"
                view[key] = labelled(folder, device.version, label)
                truth[key] = label
            else:
                # 7: the other device changed it first, the server's version wins and comes in
                # this response or a later one; 8: the other device deleted it.
                assert status in ("7", "8"), answer
                assert (status == "8") == (key not in truth), (status, key)
        else:
            if status == "1":
                assert key in truth, f"Delete of {key}, deleted on the server already, succeeded"
                view.pop(key, None)
                del truth[key]
            else:
                assert status == "8" and key not in truth, answer


async def test_replay_randomized(server: Server, users: dict[str, str]) -> None:
    """Seeded random traffic between two devices; device 2 loses responses and repeats the request.

    A repeated request (same key, same commands) gets the very bytes of the lost response and
    applies nothing twice. After each session (device 1 and device 2 synced to the end) both views,
    the model of what the server accepted and the server's store hold the same items."""
    rng = random.Random(REPLAY_SEED)
    user = users["replay"]
    folders = folders_for("14.1")
    one = await Device.start(server, user, "REPLAY1", "16.1", folders)
    two = await Device.start(server, user, "REPLAY2", "14.1", folders)
    model = Model({f: {} for f in folders})
    replays = losses = 0
    for session in range(SESSIONS):
        for step in range(STEPS):
            device = one if rng.random() < 0.4 else two
            folder = rng.choice(folders)
            if rng.random() < 0.7:
                commands, intents = await random_commands(rng, device, model, folder)
            else:
                commands, intents = [], {}
            window = rng.choice([None, 1, 2, 5])
            request = device.request(
                {folder: commands} if commands else None, folders=[folder], window=window
            )
            reply, collections = await device.send(request)
            while device is two and reply.body and rng.random() < 0.35:
                # Lost on the way back. Maybe device 1 works meanwhile; then device 2 repeats.
                losses += 1
                if rng.random() < 0.5:
                    other, other_intents = await random_commands(rng, one, model, rng.choice(folders))
                    other_folder = next(iter(v[1] for v in other_intents.values()))
                    _r, got = await one.send(one.request({other_folder: other}, folders=[other_folder]))
                    settle(one, model, got, other_intents)
                again, again_collections = await device.send(request)
                replays += 1
                assert again.body == reply.body, (
                    f"session {session} step {step}: the repeat of a lost Sync is not the lost response"
                )
                reply, collections = again, again_collections
            settle(device, model, collections, intents)
        # End of the session: both devices take everything in.
        for device in (two, one, two):
            await device.drain(folders, window=rng.choice([None, 3]))
        assert labels_of(one) == model.items, f"session {session}: device 1"
        assert labels_of(two) == model.items, f"session {session}: device 2"
        if session % 10 == 9:  # reading back every stored item is the slow part: now and then
            assert await store_labels(server, user, folders) == model.items, f"session {session}: store"
    assert losses == replays and replays > 20, replays
    print(f"{SESSIONS} sessions, {replays} repeated requests, {sum(map(len, model.items.values()))} items")
