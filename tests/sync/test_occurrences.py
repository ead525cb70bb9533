"""EAS 16.x: one occurrence of a series changed or deleted by InstanceId (MS-ASCMD 2.2.3.88.1)
becomes an exception that older clients see in Exceptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from airsync.commands import sync
from airsync.wbxml import Element, decode, encode, ns

AS, C, ASB = ns.AirSync, ns.Calendar, ns.AirSyncBase
CALENDAR = "7"


class Dev:
    def __init__(self, make_context: Callable[..., Any], device_id: str, version: str) -> None:
        self.make_context, self.device_id, self.version, self.key = make_context, device_id, version, "0"

    async def sync(self, *children: Element) -> Element | None:
        ctx = await self.make_context(self.version, device_id=self.device_id, cmd="Sync")
        response = await sync.handle(
            ctx,
            AS.Sync(
                AS.Collections(AS.Collection(AS.SyncKey(self.key), AS.CollectionId(CALENDAR), *children))
            ),
        )
        if response is None:
            return None
        response = decode(encode(response))
        self.key = response.find("Collections").find("Collection").findtext("SyncKey")
        return response.find("Collections").find("Collection")


async def test_change_and_delete_one_occurrence(make_context: Callable[..., Any]) -> None:
    new, old = Dev(make_context, "NEW", "16.1"), Dev(make_context, "OLD", "14.1")
    await new.sync()
    await old.sync()
    added = await new.sync(
        AS.Commands(
            AS.Add(
                AS.ClientId("s1"),
                AS.ApplicationData(
                    C.StartTime("20261207T090000Z"),
                    C.EndTime("20261207T093000Z"),
                    C.Subject("Weekly"),
                    C.Recurrence(C.Type("1"), C.Interval("1"), C.DayOfWeek("2"), C.Occurrences("5")),
                ),
            )
        )
    )
    server_id = added.find("Responses").find("Add").findtext("ServerId")
    await new.sync(
        AS.Commands(
            AS.Change(
                AS.ServerId(server_id),
                ASB.InstanceId("20261214T090000Z"),
                AS.ApplicationData(
                    C.Subject("Weekly (moved)"),
                    C.StartTime("20261214T100000Z"),
                    C.EndTime("20261214T103000Z"),
                ),
            ),
            AS.Delete(AS.ServerId(server_id), ASB.InstanceId("20261221T090000Z")),
        )
    )
    got = await old.sync()
    data = got.find("Commands").find("Add").find("ApplicationData")
    assert data.findtext("Calendar:Subject") == "Weekly"
    exceptions = data.find("Calendar:Exceptions").findall("Exception")
    by_start = {e.findtext("ExceptionStartTime"): e for e in exceptions}
    assert set(by_start) == {"20261214T090000Z", "20261221T090000Z"}
    assert by_start["20261214T090000Z"].findtext("Subject") == "Weekly (moved)"
    assert by_start["20261214T090000Z"].findtext("StartTime") == "20261214T100000Z"
    assert by_start["20261221T090000Z"].findtext("Deleted") == "1"


async def test_instance_on_a_single_event_is_refused(make_context: Callable[..., Any]) -> None:
    new = Dev(make_context, "NEW", "16.1")
    await new.sync()
    added = await new.sync(
        AS.Commands(
            AS.Add(
                AS.ClientId("e1"),
                AS.ApplicationData(
                    C.StartTime("20261207T090000Z"), C.EndTime("20261207T093000Z"), C.Subject("Once")
                ),
            )
        )
    )
    server_id = added.find("Responses").find("Add").findtext("ServerId")
    result = await new.sync(
        AS.Commands(
            AS.Change(
                AS.ServerId(server_id), ASB.InstanceId("20261207T090000Z"), AS.ApplicationData(C.Subject("x"))
            )
        )
    )
    assert result.find("Responses").find("Change").findtext("Status") == "184"
