"""The sync engine through the Sync command, with a minimal item class so the engine's own rules
(keys, replay, windows, ClientIds, conflicts, ghosting, other devices) are tested apart from any
real converter."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from airsync.commands import get_item_estimate, ping, sync
from airsync.protocol.versions import ProtocolVersion
from airsync.schema.fields import Field, Kind
from airsync.store.items import Derived
from airsync.sync import classes
from airsync.sync.classes import ItemClass
from airsync.wbxml import Element, decode, encode, ns

AS, N, GIE, P = ns.AirSync, ns.Notes, ns.GetItemEstimate, ns.Ping
NOTES = "9"  # the default Notes folder's ServerId

FIELDS = (
    Field("Notes", "Subject", Kind.STRING, ghostable=True),
    Field("Notes", "MessageClass", Kind.STRING),
    Field("Notes", "Categories", Kind.LIST, item="Category"),
)


def _to_eas(text: str, version: ProtocolVersion) -> dict[str, Any]:
    return dict(json.loads(text))


def _from_eas(data: dict[str, Any], version: ProtocolVersion, previous: str | None) -> str:
    if "Subject" in data and data["Subject"] == "poison":
        raise ValueError("unconvertible")
    return json.dumps(data, sort_keys=True)


TEST_CLASS = ItemClass(
    name="Notes",
    fields=FIELDS,
    content_type="application/json",
    to_eas=_to_eas,
    from_eas=_from_eas,
    derive=lambda text: Derived(),
    ghosted=lambda version, supported: (
        set() if supported is None else {f.qname for f in FIELDS if f.ghostable and f.qname not in supported}
    ),
)


@pytest.fixture(autouse=True)
def _test_class(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(classes.CLASSES, "Notes", TEST_CLASS)


class Device:
    def __init__(self, make_context: Callable[..., Any], device_id: str, version: str = "14.1") -> None:
        self.make_context = make_context
        self.device_id = device_id
        self.version = version
        self.key = "0"

    async def sync(
        self,
        *children: Element | None,
        key: str | None = None,
        window: int | None = None,
        extra: tuple[Element, ...] = (),
    ) -> Element | None:
        ctx = await self.make_context(self.version, device_id=self.device_id, cmd="Sync")
        collection = AS.Collection(
            AS.SyncKey(key or self.key),
            AS.CollectionId(NOTES),
            AS.WindowSize(window) if window else None,
            *children,
        )
        response = await sync.handle(ctx, AS.Sync(*extra, AS.Collections(collection)))
        if response is not None:
            # Every response must survive the wire.
            response = decode(encode(response))
            cols = response.find("Collections")
            col = cols.find("Collection") if cols is not None else None
            if col is not None and col.findtext("SyncKey") not in (None, "0"):
                self.key = col.findtext("SyncKey")
        return response

    async def open(self, supported: Element | None = None) -> None:
        self.key = "0"
        response = await self.sync(supported)
        assert response.find("Collections").find("Collection").findtext("Status") == "1"


def collection(response: Element | None) -> Element:
    assert response is not None
    return response.find("Collections").find("Collection")


def commands(response: Element | None) -> list[tuple[str, str]]:
    c = collection(response).find("Commands")
    return [(x.tag, x.findtext("ServerId")) for x in (c or ())]


def add(client_id: str, subject: str, *cats: str) -> Element:
    return AS.Add(
        AS.ClientId(client_id),
        AS.ApplicationData(N.Subject(subject), N.Categories(N.Category(c) for c in cats) if cats else None),
    )


async def test_two_devices_add_change_delete(make_context: Callable[..., Any]) -> None:
    one, two = Device(make_context, "ONE"), Device(make_context, "TWO")
    await one.open()
    await two.open()
    r = await one.sync(AS.Commands(add("c1", "Shopping", "Home"), add("c2", "Ideas")))
    responses = collection(r).find("Responses").findall("Add")
    ids = [x.findtext("ServerId") for x in responses]
    assert [x.findtext("Status") for x in responses] == ["1", "1"] and all(ids)
    assert collection(r).find("Commands") is None  # no echo of the device's own adds

    r = await two.sync()
    assert commands(r) == [("Add", ids[0]), ("Add", ids[1])]
    first = collection(r).find("Commands").findall("Add")[0].find("ApplicationData")
    assert first.findtext("Notes:Subject") == "Shopping"
    assert [c.text for c in first.find("Notes:Categories")] == ["Home"]
    assert await two.sync() is None  # nothing new: an empty response

    await one.sync(
        AS.Commands(AS.Change(AS.ServerId(ids[0]), AS.ApplicationData(N.Subject("Shopping list"))))
    )
    await one.sync(AS.Commands(AS.Delete(AS.ServerId(ids[1]))))
    r = await two.sync()
    assert commands(r) == [("Change", ids[0]), ("Delete", ids[1])]
    assert await one.sync() is None


async def test_replay_of_the_previous_key(make_context: Callable[..., Any]) -> None:
    one, two = Device(make_context, "ONE"), Device(make_context, "TWO")
    await one.open()
    await two.open()
    await one.sync(AS.Commands(add("a", "x"), add("b", "y")))
    before = two.key
    first = await two.sync()
    # The response was lost: the device asks again with the key it had.
    again = await two.sync(key=before)
    assert encode(first) == encode(again)
    # And carries on with the key it finally got: nothing is sent twice.
    assert await two.sync() is None
    # Once a newer key exists, the one before the previous is refused.
    await one.sync(AS.Commands(add("c", "z")))
    await two.sync()
    stale = await two.sync(key=before)
    assert collection(stale).findtext("Status") == "3"


async def test_retried_add_creates_nothing_twice(make_context: Callable[..., Any]) -> None:
    one, two = Device(make_context, "ONE"), Device(make_context, "TWO")
    await one.open()
    await two.open()
    key = one.key
    r1 = await one.sync(AS.Commands(add("same", "Once")))
    # A new request with the old key replays; one with the new key and the same ClientId answers
    # with the ServerId the item already has.
    r2 = await one.sync(AS.Commands(add("same", "Once")), key=key)
    assert encode(r1) == encode(r2)
    r3 = await one.sync(AS.Commands(add("same", "Once")))
    first_id = collection(r1).find("Responses").find("Add").findtext("ServerId")
    assert collection(r3).find("Responses").find("Add").findtext("ServerId") == first_id
    assert len(commands(await two.sync())) == 1


async def test_window_and_more_available(make_context: Callable[..., Any]) -> None:
    one, two = Device(make_context, "ONE"), Device(make_context, "TWO")
    await one.open()
    await two.open()
    await one.sync(AS.Commands(add(f"c{i}", f"note {i}") for i in range(5)))
    r = await two.sync(window=2)
    assert len(commands(r)) == 2 and collection(r).find("MoreAvailable") is not None
    r = await two.sync(window=2)
    assert len(commands(r)) == 2 and collection(r).find("MoreAvailable") is not None
    r = await two.sync(window=2)
    assert len(commands(r)) == 1 and collection(r).find("MoreAvailable") is None


async def test_conflict_server_wins_and_client_wins(make_context: Callable[..., Any]) -> None:
    one, two = Device(make_context, "ONE"), Device(make_context, "TWO")
    await one.open()
    await two.open()
    r = await one.sync(AS.Commands(add("a", "v1")))
    item = collection(r).find("Responses").find("Add").findtext("ServerId")
    await two.sync()
    await one.sync(AS.Commands(AS.Change(AS.ServerId(item), AS.ApplicationData(N.Subject("from one")))))
    r = await two.sync(AS.Commands(AS.Change(AS.ServerId(item), AS.ApplicationData(N.Subject("from two")))))
    assert collection(r).find("Responses").find("Change").findtext("Status") == "7"
    change = collection(r).find("Commands").find("Change")
    assert change.find("ApplicationData").findtext("Notes:Subject") == "from one"
    # With Conflict 0 the client wins.
    await one.sync(AS.Commands(AS.Change(AS.ServerId(item), AS.ApplicationData(N.Subject("one again")))))
    r = await two.sync(
        AS.Options(AS.Conflict("0")),
        AS.Commands(AS.Change(AS.ServerId(item), AS.ApplicationData(N.Subject("two wins")))),
    )
    assert collection(r).find("Responses") is None
    r = await one.sync()
    assert (
        collection(r).find("Commands").find("Change").find("ApplicationData").findtext("Notes:Subject")
        == "two wins"
    )


async def test_ghosting_follows_supported(make_context: Callable[..., Any]) -> None:
    plain, ghost = Device(make_context, "PLAIN"), Device(make_context, "GHOST")
    await plain.open()  # no Supported: nothing is ghosted
    await ghost.open(AS.Supported(N.Categories()))  # Subject not listed, so it is ghosted
    r = await plain.sync(AS.Commands(add("a", "Title", "Red")))
    item = collection(r).find("Responses").find("Add").findtext("ServerId")
    await ghost.sync()
    # The ghosting device changes only the categories: the subject stays.
    await ghost.sync(
        AS.Commands(AS.Change(AS.ServerId(item), AS.ApplicationData(N.Categories(N.Category("Blue")))))
    )
    data = collection(await plain.sync()).find("Commands").find("Change").find("ApplicationData")
    assert data.findtext("Notes:Subject") == "Title" and [c.text for c in data.find("Notes:Categories")] == [
        "Blue"
    ]
    # The non-ghosting device leaves the categories out: they are removed.
    await plain.sync(AS.Commands(AS.Change(AS.ServerId(item), AS.ApplicationData(N.Subject("Title 2")))))
    data = collection(await ghost.sync()).find("Commands").find("Change").find("ApplicationData")
    assert data.findtext("Notes:Subject") == "Title 2" and data.find("Notes:Categories") is None


async def test_bad_items_get_item_statuses(make_context: Callable[..., Any]) -> None:
    one = Device(make_context, "ONE")
    await one.open()
    r = await one.sync(
        AS.Commands(
            add("p", "poison"),
            AS.Change(AS.ServerId("424242"), AS.ApplicationData(N.Subject("x"))),
            AS.Delete(AS.ServerId("424242")),
            AS.Fetch(AS.ServerId("424242")),
        )
    )
    responses = collection(r).find("Responses")
    assert [(x.tag, x.findtext("Status")) for x in responses] == [
        ("Add", "6"),
        ("Change", "8"),
        ("Delete", "8"),
        ("Fetch", "8"),
    ]


async def test_fetch(make_context: Callable[..., Any]) -> None:
    one = Device(make_context, "ONE")
    await one.open()
    r = await one.sync(AS.Commands(add("a", "Fetch me")))
    item = collection(r).find("Responses").find("Add").findtext("ServerId")
    r = await one.sync(AS.Commands(AS.Fetch(AS.ServerId(item))))
    fetch = collection(r).find("Responses").find("Fetch")
    assert (
        fetch.findtext("Status") == "1"
        and fetch.find("ApplicationData").findtext("Notes:Subject") == "Fetch me"
    )


async def test_estimate_and_ping_see_other_devices_changes(make_context: Callable[..., Any]) -> None:
    one, two = Device(make_context, "ONE"), Device(make_context, "TWO")
    await one.open()
    await two.open()
    ctx = await make_context("14.1", device_id="TWO", cmd="GetItemEstimate")
    estimate_req = GIE.GetItemEstimate(
        GIE.Collections(GIE.Collection(AS.SyncKey(two.key), GIE.CollectionId(NOTES)))
    )
    r = await get_item_estimate.handle(ctx, estimate_req)
    assert r.find("Response").find("Collection").findtext("Estimate") == "0"

    ping_ctx = await make_context("14.1", device_id="TWO", cmd="Ping")
    pinging = asyncio.create_task(
        ping.handle(
            ping_ctx, P.Ping(P.HeartbeatInterval("60"), P.Folders(P.Folder(P.Id(NOTES), P.Class("Notes"))))
        )
    )
    await asyncio.sleep(0.2)
    assert not pinging.done()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await one.sync(AS.Commands(add("a", "wake up"), add("b", "too")))
    answer = await asyncio.wait_for(pinging, 5)
    assert loop.time() - started < 1.0
    assert answer.findtext("Status") == "2" and [f.text for f in answer.find("Folders")] == [NOTES]
    ctx = await make_context("14.1", device_id="TWO", cmd="GetItemEstimate")
    r = await get_item_estimate.handle(ctx, estimate_req)
    assert r.find("Response").find("Collection").findtext("Estimate") == "2"


async def test_sync_wait_returns_on_change(make_context: Callable[..., Any]) -> None:
    one, two = Device(make_context, "ONE"), Device(make_context, "TWO")
    await one.open()
    await two.open()
    waiting = asyncio.create_task(two.sync(extra=(AS.HeartbeatInterval("120"),)))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    await one.sync(AS.Commands(add("a", "hello")))
    r = await asyncio.wait_for(waiting, 5)
    assert [t for t, _ in commands(r)] == ["Add"]


async def test_sync_limits(make_context: Callable[..., Any]) -> None:
    one = Device(make_context, "ONE")
    await one.open()
    r = await one.sync(extra=(AS.HeartbeatInterval("30"),))
    assert r.findtext("Status") == "14" and r.findtext("Limit") == "60"
    r = await one.sync(extra=(AS.Wait("90"),))
    assert r.findtext("Status") == "14" and r.findtext("Limit") == "59"
    r = await one.sync(extra=(AS.Wait("5"), AS.HeartbeatInterval("300")))
    assert r.findtext("Status") == "4"


async def test_empty_and_partial_requests_reuse_the_cache(make_context: Callable[..., Any]) -> None:
    one, two = Device(make_context, "ONE"), Device(make_context, "TWO")
    ctx = await make_context("14.1", device_id="TWO", cmd="Sync")
    r = await sync.handle(ctx, None)
    assert r.findtext("Status") == "13"  # nothing cached yet
    await one.open()
    await two.open()
    await two.sync()  # a full request: cached
    await one.sync(AS.Commands(add("a", "cached")))
    ctx = await make_context("14.1", device_id="TWO", cmd="Sync")
    r = decode(encode(await sync.handle(ctx, None)))  # empty: the cached request with the current key
    assert [x.tag for x in collection(r).find("Commands")] == ["Add"]
    two.key = collection(r).findtext("SyncKey")
    await one.sync(AS.Commands(add("b", "partial")))
    ctx = await make_context("14.1", device_id="TWO", cmd="Sync")
    r = decode(encode(await sync.handle(ctx, AS.Sync(AS.Partial(), AS.Collections()))))
    assert [x.tag for x in collection(r).find("Commands")] == ["Add"]


async def test_ping_statuses(make_context: Callable[..., Any]) -> None:
    one = Device(make_context, "ONE")
    await one.open()

    async def do(request: Element | None, device: str = "ONE") -> Element:
        ctx = await make_context("14.1", device_id=device, cmd="Ping")
        return await ping.handle(ctx, request)

    assert (await do(None, "FRESH")).findtext("Status") == "3"
    bad = await do(P.Ping(P.HeartbeatInterval("10"), P.Folders(P.Folder(P.Id(NOTES), P.Class("Notes")))))
    assert bad.findtext("Status") == "5" and bad.findtext("HeartbeatInterval") == "60"
    bad = await do(P.Ping(P.HeartbeatInterval("9999"), P.Folders(P.Folder(P.Id(NOTES), P.Class("Notes")))))
    assert bad.findtext("Status") == "5" and bad.findtext("HeartbeatInterval") == "3540"
    many = P.Ping(
        P.HeartbeatInterval("60"), P.Folders(P.Folder(P.Id(str(i)), P.Class("Email")) for i in range(301))
    )
    assert (await do(many)).findtext("Status") == "6"
    gone = await do(P.Ping(P.HeartbeatInterval("60"), P.Folders(P.Folder(P.Id("4242"), P.Class("Email")))))
    assert gone.findtext("Status") == "7"
    odd = await do(P.Ping(P.HeartbeatInterval("60"), P.Folders(P.Folder(P.Id(NOTES), P.Class("SMSish")))))
    assert odd.findtext("Status") == "4"


async def test_empty_ping_reuses_the_last_and_a_newer_request_ends_it(
    make_context: Callable[..., Any],
) -> None:
    one, two = Device(make_context, "ONE"), Device(make_context, "TWO")
    await one.open()
    await two.open()

    async def do(request: Element | None) -> Element:
        ctx = await make_context("14.1", device_id="TWO", cmd="Ping")
        return await ping.handle(ctx, request)

    first = asyncio.create_task(
        do(P.Ping(P.HeartbeatInterval("120"), P.Folders(P.Folder(P.Id(NOTES), P.Class("Notes")))))
    )
    await asyncio.sleep(0.2)
    second = asyncio.create_task(do(None))  # empty Ping: same folders and interval; ends the first
    answer = await asyncio.wait_for(first, 5)
    assert answer.findtext("Status") == "1"
    await asyncio.sleep(0.1)
    await one.sync(AS.Commands(add("a", "x")))
    answer = await asyncio.wait_for(second, 5)
    assert answer.findtext("Status") == "2"
