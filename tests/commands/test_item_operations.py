"""ItemOperations on PIM items: Fetch with BodyPreference, EmptyFolderContents, and the honest
answers for what the server does not hold (attachments, search results, document libraries)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from airsync.commands import item_operations, sync
from airsync.wbxml import Element, decode, encode, ns
from tests.schemas import validate_response

AS, C, ASB, IO, SEARCH = ns.AirSync, ns.Calendar, ns.AirSyncBase, ns.ItemOperations, ns.Search
CALENDAR = "7"


async def _sync(
    make_context: Callable[..., Any], device: str, key: str, *children: Element
) -> Element | None:
    ctx = await make_context("14.1", device_id=device, cmd="Sync")
    return await sync.handle(
        ctx, AS.Sync(AS.Collections(AS.Collection(AS.SyncKey(key), AS.CollectionId(CALENDAR), *children)))
    )


def _key(response: Element | None) -> str:
    assert response is not None
    return response.find("Collections").find("Collection").findtext("SyncKey")


async def _event(make_context: Callable[..., Any]) -> tuple[str, str]:
    """Device DEV1 adds an event: (its ServerId, DEV1's sync key after the Add)."""
    key = _key(await _sync(make_context, "DEV1", "0"))
    response = await _sync(
        make_context,
        "DEV1",
        key,
        AS.Commands(
            AS.Add(
                AS.ClientId("c1"),
                AS.ApplicationData(
                    C.StartTime("20261201T090000Z"),
                    C.EndTime("20261201T100000Z"),
                    C.Subject("Review"),
                    C.UID("uid-review-1"),
                    ASB.Body(ASB.Type("1"), ASB.Data("A long agenda " * 20)),
                ),
            )
        ),
    )
    added = response.find("Collections").find("Collection").find("Responses").find("Add")
    return added.findtext("ServerId"), _key(response)


async def _run(make_context: Callable[..., Any], *ops: Element) -> Element:
    ctx = await make_context("14.1", device_id="DEV1", cmd="ItemOperations")
    response = decode(encode(await item_operations.handle(ctx, IO.ItemOperations(*ops))))
    validate_response(response)
    return response


async def test_fetch_with_body_preference(make_context: Callable[..., Any]) -> None:
    server_id, _ = await _event(make_context)
    response = await _run(
        make_context,
        IO.Fetch(
            IO.Store("Mailbox"),
            AS.CollectionId(CALENDAR),
            AS.ServerId(server_id),
            IO.Options(ASB.BodyPreference(ASB.Type("1"), ASB.TruncationSize("20"))),
        ),
    )
    fetch = response.find("Response").find("Fetch")
    assert fetch.findtext("Status") == "1" and fetch.findtext("AirSync:Class") == "Calendar"
    props = fetch.find("Properties")
    assert props.findtext("Calendar:Subject") == "Review"
    body = props.find("AirSyncBase:Body")
    assert body.findtext("Truncated") == "1" and len(body.findtext("Data")) == 20
    whole = await _run(
        make_context,
        IO.Fetch(IO.Store("Mailbox"), AS.CollectionId(CALENDAR), AS.ServerId(server_id)),
    )
    data = whole.find("Response").find("Fetch").find("Properties").find("AirSyncBase:Body").findtext("Data")
    assert data == "A long agenda " * 20


async def test_what_the_server_does_not_hold(make_context: Callable[..., Any]) -> None:
    response = await _run(
        make_context,
        IO.Fetch(IO.Store("Mailbox"), AS.CollectionId(CALENDAR), AS.ServerId("999999")),
        IO.Fetch(IO.Store("Mailbox"), ASB.FileReference("1:2")),
        IO.Fetch(IO.Store("Mailbox"), SEARCH.LongId("RgAAAAD")),
        IO.Fetch(IO.Store("DocumentLibrary"), ns.DocumentLibrary.LinkId("\\\\server\\share\\file.txt")),
    )
    assert [f.findtext("Status") for f in response.find("Response").findall("Fetch")] == ["6", "15", "6", "9"]


async def test_empty_folder_contents_reaches_other_devices(make_context: Callable[..., Any]) -> None:
    server_id, own_key = await _event(make_context)
    other = _key(await _sync(make_context, "DEV2", "0"))
    got = await _sync(make_context, "DEV2", other)
    assert (
        got.find("Collections").find("Collection").find("Commands").find("Add").findtext("ServerId")
        == server_id
    )
    other = _key(got)
    response = await _run(make_context, IO.EmptyFolderContents(AS.CollectionId(CALENDAR)))
    assert response.find("Response").find("EmptyFolderContents").findtext("Status") == "1"
    deleted = await _sync(make_context, "DEV2", other)
    assert (
        deleted.find("Collections").find("Collection").find("Commands").find("Delete").findtext("ServerId")
        == server_id
    )
    # The device that emptied the folder is not told to delete what it deleted itself.
    assert await _sync(make_context, "DEV1", own_key) is None


async def test_bad_requests(make_context: Callable[..., Any]) -> None:
    ctx = await make_context("14.1", device_id="DEV1", cmd="ItemOperations")
    response = await item_operations.handle(ctx, IO.ItemOperations())
    assert response.findtext("Status") == "2"
    response = await _run(make_context, IO.Fetch(IO.Store("Mailbox"), AS.CollectionId(CALENDAR)))
    assert response.find("Response").find("Fetch").findtext("Status") == "2"
