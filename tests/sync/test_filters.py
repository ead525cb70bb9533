"""FilterType windows: what a device holds, what leaves as SoftDelete, what a wider window brings
back, and GetItemEstimate counting as Sync would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from airsync.commands import get_item_estimate, sync
from airsync.wbxml import Element, decode, encode, ns

AS, C, GIE = ns.AirSync, ns.Calendar, ns.GetItemEstimate
CALENDAR = "7"


def _compact(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


class Dev:
    def __init__(self, make_context: Callable[..., Any], device_id: str) -> None:
        self.make_context, self.device_id, self.key = make_context, device_id, "0"

    async def sync(self, *children: Element) -> Element | None:
        ctx = await self.make_context("14.1", device_id=self.device_id, cmd="Sync")
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

    async def estimate(self, filter_type: str) -> str:
        ctx = await self.make_context("14.1", device_id=self.device_id, cmd="GetItemEstimate")
        request = GIE.GetItemEstimate(
            GIE.Collections(
                GIE.Collection(
                    AS.SyncKey(self.key), GIE.CollectionId(CALENDAR), AS.Options(AS.FilterType(filter_type))
                )
            )
        )
        response = await get_item_estimate.handle(ctx, request)
        return response.find("Response").find("Collection").findtext("Estimate")


def _event(client_id: str, subject: str, start: datetime) -> Element:
    return AS.Add(
        AS.ClientId(client_id),
        AS.ApplicationData(
            C.StartTime(_compact(start)), C.EndTime(_compact(start + timedelta(hours=1))), C.Subject(subject)
        ),
    )


async def test_windows(make_context: Callable[..., Any]) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    writer, phone = Dev(make_context, "WRITER"), Dev(make_context, "PHONE")
    await writer.sync()
    await phone.sync(AS.Options(AS.FilterType("4")))  # two weeks back
    await writer.sync(
        AS.Commands(
            _event("old", "Last year", now - timedelta(days=365)),
            _event("recent", "Last week", now - timedelta(days=7)),
            _event("future", "Next week", now + timedelta(days=7)),
        )
    )
    assert await phone.estimate("4") == "2"
    assert await phone.estimate("0") == "3"
    got = await phone.sync(AS.Options(AS.FilterType("4")))
    subjects = {a.find("ApplicationData").findtext("Calendar:Subject") for a in got.find("Commands")}
    assert subjects == {"Last week", "Next week"}
    # Narrower: the week-old event leaves as a SoftDelete.
    got = await phone.sync(AS.Options(AS.FilterType("1")))
    assert [c.tag for c in got.find("Commands")] == ["SoftDelete"]
    # Wider: everything comes back, and nothing the phone still holds is sent twice.
    got = await phone.sync(AS.Options(AS.FilterType("0")))
    back = {a.find("ApplicationData").findtext("Calendar:Subject") for a in got.find("Commands")}
    assert back == {"Last year", "Last week"}
    assert await phone.sync(AS.Options(AS.FilterType("0"))) is None
