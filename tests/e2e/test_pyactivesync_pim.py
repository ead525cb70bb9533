"""Interoperability for calendar and contacts: pyactivesync 0.17.0 (protocol 16.1, its own WBXML
writer and reader, over requests) and our EASClient (14.1) as two devices of one user.

* pyactivesync adds a contact with its public ``create_contact`` and an event with the plumbing
  behind it (``Client._sync_add``: its public API has no calendar writer, so the event's
  ApplicationData is built with its own ``wtag``); our 14.1 device sees both, field by field.
* Our 14.1 device adds an event; pyactivesync's ``sync_folder`` shows it with the right subject,
  times and location.

The run-time adjustments are those of tests/e2e/test_pyactivesync.py (the plain-http base URL; the
code pages pyactivesync lacks, Calendar among them, completed from ours), undone by monkeypatch.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pyactivesync import Client, Contact, FolderType
from pyactivesync._wbxml import find, text_of, wtag

from airsync.convert.timezone import blob_for_zone
from airsync.protocol.versions import V14_1
from tests.e2e.conftest import Server
from tests.e2e.test_pim_sync import CALENDAR, CONTACTS, Device, shared_http  # noqa: F401
from tests.e2e.test_pyactivesync import complete_code_pages, exchanges, parsed  # noqa: F401

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2030, 6, 3, 7, 30, tzinfo=UTC)  # 09:30 in Berlin
END = START + timedelta(minutes=45)


def compact(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def pyactivesync_client(server: Server, monkeypatch: pytest.MonkeyPatch, user: str, device_id: str) -> Client:
    assert "Calendar" in complete_code_pages(monkeypatch)
    client = Client("unused.invalid", user, "secret", device_id=device_id, device_type="pyactivesync")
    monkeypatch.setattr(client._transport, "base_url", f"{server.url}/Microsoft-Server-ActiveSync")
    return client


def folder_ids(client: Client) -> dict[FolderType, str]:
    return {f.type: f.id for f in client.list_folders()}


async def test_pyactivesync_adds_event_and_contact_our_client_sees_them(
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
    exchanges: list[tuple[str, Any, bytes]],  # noqa: F811
) -> None:
    ours = await Device.start(server, "alice", "OURS-PIM-1", "14.1", [CALENDAR, CONTACTS])
    with pyactivesync_client(server, monkeypatch, "alice", "PYAS-PIM-1") as client:

        def pyactivesync_side() -> tuple[str, str]:
            ids = folder_ids(client)
            assert (ids[FolderType.CALENDAR], ids[FolderType.CONTACTS]) == (CALENDAR, CONTACTS)
            key = client.sync_folder(CALENDAR).sync_key
            event = [
                wtag("Calendar", "Timezone", text=blob_for_zone(BERLIN, 2030)),
                wtag("Calendar", "AllDayEvent", text="0"),
                wtag("Calendar", "BusyStatus", text="2"),
                wtag("Calendar", "EndTime", text=compact(END)),
                wtag(
                    "AirSyncBase",
                    "Location",
                    children=[wtag("AirSyncBase", "DisplayName", text="Café Kranzler")],
                ),
                wtag("Calendar", "Reminder", text="10"),
                wtag("Calendar", "Sensitivity", text="0"),
                wtag("Calendar", "Subject", text="Coffee with Bob ☕"),
                wtag("Calendar", "StartTime", text=compact(START)),
                wtag("Calendar", "MeetingStatus", text="0"),
                wtag("Calendar", "Categories", children=[wtag("Calendar", "Category", text="Personal")]),
            ]
            _key, status, event_id = client._sync_add(CALENDAR, key, event, "pyas-event-1")
            assert status == "1" and event_id, status
            assert text_of(find(parsed(exchanges[-1][2]), "AirSync.Status")) == "1"
            contact = Contact(
                first_name="Grace",
                last_name="Hopper",
                company_name="US Navy",
                job_title="Rear Admiral",
                email1_address="grace@example.test",
                mobile_phone_number="+1 555 0100",
                business_address_city="Arlington",
                birthday="1906-12-09T11:59:00.000Z",
                categories=("Heroes",),
            )
            key = client.sync_folder(CONTACTS).sync_key
            added = client.create_contact(CONTACTS, key, contact, client_id="pyas-contact-1")
            assert added.status == "1" and added.server_id, added
            return event_id, added.server_id

        event_id, contact_id = await asyncio.to_thread(pyactivesync_side)

    got = await ours.drain([CALENDAR, CONTACTS])
    assert sorted((c.collection_id, [x[:2] for x in c.commands]) for c in got if c.commands) == [
        (CALENDAR, [("Add", event_id)]),
        (CONTACTS, [("Add", contact_id)]),
    ]
    event = ours.view[CALENDAR][event_id]
    assert event["Subject"] == "Coffee with Bob ☕"
    assert (event["StartTime"], event["EndTime"]) == (START, END)
    assert event["Location"] == "Café Kranzler"  # calendar:Location at 14.1
    assert (event["BusyStatus"], event["Reminder"], event["AllDayEvent"]) == (2, 10, False)
    assert event["Categories"] == ["Personal"]
    assert event["Timezone"] == blob_for_zone(BERLIN, 2030)
    assert event.get("UID"), "the server gives a 16.1 client's event a UID"
    contact = ours.view[CONTACTS][contact_id]
    assert {k: contact.get(k) for k in ("FirstName", "LastName", "CompanyName", "JobTitle")} == {
        "FirstName": "Grace",
        "LastName": "Hopper",
        "CompanyName": "US Navy",
        "JobTitle": "Rear Admiral",
    }
    assert contact["Email1Address"] == "grace@example.test"
    assert contact["MobilePhoneNumber"] == "+1 555 0100"
    assert contact["BusinessAddressCity"] == "Arlington"
    assert contact["Birthday"] == datetime(1906, 12, 9, 11, 59, tzinfo=UTC)
    assert contact["Categories"] == ["Heroes"]


async def test_our_event_shows_up_in_pyactivesync(
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
    exchanges: list[tuple[str, Any, bytes]],  # noqa: F811
) -> None:
    ours = await Device.start(server, "bob", "OURS-PIM-2", "14.1", [CALENDAR])
    assert ours.version == V14_1
    with pyactivesync_client(server, monkeypatch, "bob", "PYAS-PIM-2") as client:
        key = await asyncio.to_thread(lambda: (folder_ids(client), client.sync_folder(CALENDAR).sync_key)[1])
        start = datetime(2030, 7, 1, 16, 0, tzinfo=UTC)
        sent = {
            "Timezone": blob_for_zone(BERLIN, 2030),
            "AllDayEvent": False,
            "StartTime": start,
            "EndTime": start + timedelta(hours=2),
            "Subject": "Release party 🎉",
            "Location": "Roof terrace",
            "BusyStatus": 2,
            "Sensitivity": 0,
            "MeetingStatus": 0,
            "UID": "ours-release-party",
            "DtStamp": datetime(2030, 6, 1, tzinfo=UTC),
            "Body": {"Type": 1, "Data": "Bring snacks."},
        }
        ids = await ours.add({CALENDAR: sent})
        result = await asyncio.to_thread(client.sync_folder, CALENDAR, key)
    assert result.deleted == [] and result.changed == []
    (item,) = result.added
    assert item.server_id == ids[CALENDAR]
    fields = item.fields
    assert fields["Calendar.Subject"] == "Release party 🎉"
    assert fields["Calendar.StartTime"] == "20300701T160000Z"
    assert fields["Calendar.EndTime"] == "20300701T180000Z"
    assert fields["AirSyncBase.DisplayName"] == "Roof terrace"  # airsyncbase:Location at 16.1
    assert fields["Calendar.UID"] == "ours-release-party"
    assert fields["AirSyncBase.Data"] == "Bring snacks."
    # pyactivesync's reader named every tag of the response.
    parsed(exchanges[-1][2])
