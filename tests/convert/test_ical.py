"""iCalendar <-> EAS Calendar dict: the spec's examples, recurrence types, all-day events,
carry-over of what EAS does not model, and generated round trips at every protocol version."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from airsync.convert.ical import client_uid_of, eas_to_event, event_to_eas, summary_range, uid_of
from airsync.convert.timezone import blob_for_zone, zone_for_blob
from airsync.protocol.versions import (
    SUPPORTED_VERSIONS,
    V2_5,
    V12_0,
    V14_0,
    V14_1,
    V16_0,
    V16_1,
    ProtocolVersion,
)
from airsync.schema.calendar import CALENDAR
from airsync.schema.fields import decode_fields, encode_fields
from airsync.wbxml import E, decode, encode

BERLIN = ZoneInfo("Europe/Berlin")
LA = ZoneInfo("America/Los_Angeles")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def vevent(ics: str, index: int = 0):
    return [c for c in Calendar.from_ical(ics).walk("VEVENT")][index]


# MS-ASCAL 4.2: a weekly series (Fridays, 3 occurrences) with a deleted occurrence ----------------

SEED_42 = {
    "Timezone": blob_for_zone(LA, 2009),
    "DtStamp": utc(2009, 4, 15, 16, 58, 11),
    "StartTime": utc(2009, 4, 17, 17, 0),
    "Subject": "Recurring appointment test",
    "UID": "040000008200E00074C5B7101A82E00800000000B0CD1F52EBBDC901"
    "000000000000000010000000B05E442FCB2CA443BF3D99B51A729FE6",
    "OrganizerName": "Rajesh M. Patel",
    "OrganizerEmail": "rajeshpatel@contoso.com",
    "Location": "My office",
    "EndTime": utc(2009, 4, 17, 18, 0),
    "Recurrence": {"Type": 1, "Interval": 1, "Occurrences": 3, "DayOfWeek": 32},
    "Sensitivity": 0,
    "BusyStatus": 2,
    "AllDayEvent": False,
    "Reminder": 15,
    "Exceptions": [{"Deleted": True, "ExceptionStartTime": utc(2009, 4, 24, 17, 0)}],
    "MeetingStatus": 0,
    "ResponseRequested": True,
    "ResponseType": 1,
}


def test_seed_weekly_series_with_deleted_occurrence() -> None:
    ics = eas_to_event(SEED_42, V14_1)
    event = vevent(ics)
    assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert event.decoded("DTSTART") == datetime(2009, 4, 17, 10, 0, tzinfo=LA)
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=3;INTERVAL=1;BYDAY=FR"
    assert [d.dt for d in event["EXDATE"].dts] == [datetime(2009, 4, 24, 10, 0, tzinfo=LA)]
    assert "BEGIN:VTIMEZONE" in ics and "TZID:America/Los_Angeles" in ics
    assert event_to_eas(ics, V14_1) == SEED_42


def test_seed_series_at_16_uses_instance_id() -> None:
    data = {k: v for k, v in SEED_42.items() if k not in ("Location", "Exceptions")}
    data["Exceptions"] = [{"Deleted": True, "InstanceId": utc(2009, 4, 24, 17, 0)}]
    data["Location"] = {"DisplayName": "My office"}
    assert event_to_eas(eas_to_event(data, V16_1), V16_1) == data
    # and the same stored event seen by a 14.1 device
    old = event_to_eas(eas_to_event(data, V16_1), V14_1)
    assert old["Exceptions"] == [{"Deleted": True, "ExceptionStartTime": utc(2009, 4, 24, 17, 0)}]
    assert old["Location"] == "My office"


# MS-ASCAL 4.3: attendee status from the server, 0 -> 3 -------------------------------------------

SEED_43 = {
    "Timezone": blob_for_zone(LA, 2005),
    "DtStamp": utc(2005, 11, 3, 1, 5, 9),
    "StartTime": utc(2005, 11, 3, 23, 0),
    "Subject": "test meeting",
    "UID": "0400000082-test-meeting",
    "Attendees": [
        {"Email": "rich@adventure-works.com", "Name": "Rich Haddock", "AttendeeStatus": 0, "AttendeeType": 1}
    ],
    "OrganizerName": "Administrator",
    "OrganizerEmail": "Administrator@adventure-works.com",
    "Location": "34/1123",
    "EndTime": utc(2005, 11, 4, 0, 0),
    "Body": {"Type": 1, "EstimatedDataSize": 4, "Data": "body"},
    "NativeBodyType": 1,
    "Sensitivity": 0,
    "BusyStatus": 2,
    "AllDayEvent": False,
    "Reminder": 15,
    "MeetingStatus": 1,
}


def test_seed_attendee_accepts() -> None:
    ics = eas_to_event(SEED_43, V12_0)
    assert event_to_eas(ics, V12_0) == SEED_43
    # A reply arrives (or a CalDAV client edits): only PARTSTAT changes, our X- parameter stays.
    cal = Calendar.from_ical(ics)
    cal.walk("VEVENT")[0]["ATTENDEE"].params["PARTSTAT"] = "ACCEPTED"
    accepted = cal.to_ical().decode()
    assert event_to_eas(accepted, V12_0)["Attendees"][0]["AttendeeStatus"] == 3
    # 2.5 has no AttendeeStatus/AttendeeType
    assert event_to_eas(ics, V2_5)["Attendees"] == [
        {"Email": "rich@adventure-works.com", "Name": "Rich Haddock"}
    ]


def test_organizer_listed_as_chair_is_not_an_attendee() -> None:
    ics = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:x
BEGIN:VEVENT
UID:m1
DTSTAMP:20240101T000000Z
DTSTART:20240301T100000Z
DTEND:20240301T110000Z
ORGANIZER;CN=Boss:mailto:boss@x
ATTENDEE;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:boss@x
ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=DECLINED;CN=Al:mailto:al@x
ATTENDEE;CUTYPE=ROOM:mailto:room@x
END:VEVENT
END:VCALENDAR
"""
    data = event_to_eas(ics, V14_1, owner="al@x")
    assert data["Attendees"] == [
        {"Email": "al@x", "Name": "Al", "AttendeeStatus": 4, "AttendeeType": 2},
        {"Email": "room@x", "Name": "", "AttendeeType": 3},
    ]
    assert data["MeetingStatus"] == 3  # received: the owner is not the organizer
    assert event_to_eas(ics, V14_1, owner="boss@x")["MeetingStatus"] == 1
    assert data["Timezone"] == blob_for_zone(ZoneInfo("UTC"), 2024)


# Recurrence types -----------------------------------------------------------------------------

BASE = {
    "Timezone": blob_for_zone(BERLIN, 2024),
    "AllDayEvent": False,
    "StartTime": utc(2024, 1, 9, 9, 0),
    "EndTime": utc(2024, 1, 9, 10, 0),
    "Subject": "Series",
    "UID": "series-1",
    "DtStamp": utc(2024, 1, 1),
    "MeetingStatus": 0,
}

RECURRENCES = [
    ({"Type": 0, "Interval": 2, "Occurrences": 10}, "FREQ=DAILY;COUNT=10;INTERVAL=2"),
    ({"Type": 0, "DayOfWeek": 62}, "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"),
    (
        {"Type": 1, "Interval": 1, "DayOfWeek": 4 | 16, "Until": utc(2024, 3, 1, 8, 0)},
        "FREQ=WEEKLY;UNTIL=20240301T080000Z;INTERVAL=1;BYDAY=TU,TH",
    ),
    ({"Type": 2, "Interval": 1, "DayOfMonth": 9}, "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=9"),
    ({"Type": 3, "Interval": 1, "WeekOfMonth": 2, "DayOfWeek": 4}, "FREQ=MONTHLY;INTERVAL=1;BYDAY=2TU"),
    ({"Type": 3, "WeekOfMonth": 5, "DayOfWeek": 4}, "FREQ=MONTHLY;BYDAY=-1TU"),  # last Tuesday
    ({"Type": 3, "WeekOfMonth": 5, "DayOfWeek": 62}, "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
    (
        {"Type": 5, "Interval": 2, "MonthOfYear": 1, "DayOfMonth": 9},
        "FREQ=YEARLY;INTERVAL=2;BYMONTHDAY=9;BYMONTH=1",
    ),
    ({"Type": 6, "WeekOfMonth": 2, "DayOfWeek": 4, "MonthOfYear": 1}, "FREQ=YEARLY;BYDAY=2TU;BYMONTH=1"),
]


@pytest.mark.parametrize(("recurrence", "rrule"), RECURRENCES)
def test_recurrence_types(recurrence: dict[str, Any], rrule: str) -> None:
    data = {**BASE, "Recurrence": recurrence}
    ics = eas_to_event(data, V14_1)
    assert vevent(ics)["RRULE"].to_ical().decode() == rrule
    assert event_to_eas(ics, V14_1) == data


def test_first_day_of_week_and_calendar_type_by_version() -> None:
    data = {
        **BASE,
        "Recurrence": {
            "Type": 1,
            "DayOfWeek": 2,
            "FirstDayOfWeek": 1,
            "CalendarType": 1,
            "IsLeapMonth": False,
        },
    }
    ics = eas_to_event(data, V14_1)
    assert "WKST=MO" in vevent(ics)["RRULE"].to_ical().decode()
    assert event_to_eas(ics, V14_1) == data
    assert event_to_eas(ics, V14_0)["Recurrence"] == {
        "Type": 1,
        "DayOfWeek": 2,
        "CalendarType": 1,
        "IsLeapMonth": False,
    }
    assert event_to_eas(ics, V12_0)["Recurrence"] == {"Type": 1, "DayOfWeek": 2}


def test_caldav_rrule_survives_a_device_round_trip() -> None:
    ics = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:caldav
BEGIN:VEVENT
UID:c1
DTSTAMP:20240101T000000Z
DTSTART;TZID=Europe/Berlin:20240105T100000
DTEND;TZID=Europe/Berlin:20240105T110000
RRULE:FREQ=MONTHLY;BYMONTHDAY=-1
SUMMARY:last day
SEQUENCE:4
CREATED:20231201T000000Z
ATTACH:https://example.org/agenda.pdf
X-CUSTOM-THING;X-P=1:kept
ATTENDEE;CN=A;PARTSTAT=ACCEPTED;RSVP=TRUE;DELEGATED-FROM="mailto:z@x":mailto:a@x
BEGIN:VALARM
ACTION:AUDIO
TRIGGER;RELATED=END:-PT5M
END:VALARM
END:VEVENT
BEGIN:VTODO
UID:t1
SUMMARY:unrelated
END:VTODO
END:VCALENDAR
"""
    data = event_to_eas(ics, V14_1)
    data["Subject"] = "renamed"
    out = eas_to_event(data, V14_1, previous=ics)
    event = vevent(out)
    assert str(event["SUMMARY"]) == "renamed"
    assert event["RRULE"].to_ical() == b"FREQ=MONTHLY;BYMONTHDAY=-1"  # unchanged, so kept verbatim
    assert str(event["X-CUSTOM-THING"]) == "kept" and event["X-CUSTOM-THING"].params["X-P"] == "1"
    assert str(event["ATTACH"]) == "https://example.org/agenda.pdf"
    assert event.decoded("CREATED") == utc(2023, 12, 1)
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert [a["ACTION"] for a in event.walk("VALARM")] == ["AUDIO"]
    assert event["SEQUENCE"] == 4  # time not changed
    assert "BEGIN:VTODO" in out
    assert "BEGIN:VTIMEZONE" in out


def test_sequence_increments_when_a_meeting_moves() -> None:
    ics = eas_to_event({**SEED_43}, V14_1)
    moved = {
        **event_to_eas(ics, V14_1),
        "StartTime": utc(2005, 11, 4, 23, 0),
        "EndTime": utc(2005, 11, 5, 0, 0),
    }
    assert vevent(eas_to_event(moved, V14_1, previous=ics))["SEQUENCE"] == 1
    same = event_to_eas(ics, V14_1)
    assert vevent(eas_to_event(same, V14_1, previous=ics)).get("SEQUENCE") is None


def test_modified_and_deleted_exceptions() -> None:
    data = {
        **BASE,
        "Location": "Room 1",
        "Categories": ["Work"],
        "Recurrence": {"Type": 1, "DayOfWeek": 4, "Occurrences": 5},
        "Exceptions": [
            {"Deleted": True, "ExceptionStartTime": utc(2024, 1, 16, 9, 0)},
            {
                "ExceptionStartTime": utc(2024, 1, 23, 9, 0),
                "StartTime": utc(2024, 1, 23, 12, 0),
                "EndTime": utc(2024, 1, 23, 13, 0),
                "Subject": "moved",
                "Location": "",  # MS-ASCAL 3.1.5.3.1: removes the inherited location
                "Categories": [],
            },
        ],
    }
    ics = eas_to_event(data, V14_1)
    override = vevent(ics, 1)
    assert override.decoded("RECURRENCE-ID") == datetime(2024, 1, 23, 10, 0, tzinfo=BERLIN)
    assert override.get("LOCATION") is None
    assert event_to_eas(ics, V14_1) == data
    later = event_to_eas(ics, V16_0)
    assert later["Exceptions"][0] == {"Deleted": True, "InstanceId": utc(2024, 1, 16, 9, 0)}
    assert later["Exceptions"][1]["Location"] == {}


# All-day events (FIELD_NOTES 5) ---------------------------------------------------------------

ALL_DAY_ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:x
BEGIN:VEVENT
UID:holiday
DTSTAMP:20240101T000000Z
DTSTART;VALUE=DATE:20241224
DTEND;VALUE=DATE:20241227
SUMMARY:Holidays
END:VEVENT
END:VCALENDAR
"""


def test_all_day_event_up_to_14_is_local_midnight_with_timezone() -> None:
    ny = ZoneInfo("America/New_York")
    data = event_to_eas(ALL_DAY_ICS, V14_1, default_tz=ny)
    assert data["AllDayEvent"] is True
    assert data["StartTime"] == datetime(2024, 12, 24, tzinfo=ny).astimezone(UTC)  # not a day early
    assert data["EndTime"] == datetime(2024, 12, 27, tzinfo=ny).astimezone(UTC)  # not a day short
    assert zone_for_blob(data["Timezone"], 2024) == ny
    back = vevent(eas_to_event(data, V14_1))
    assert back.decoded("DTSTART") == date(2024, 12, 24) and back.decoded("DTEND") == date(2024, 12, 27)


def test_all_day_event_in_16_has_no_timezone_and_no_time() -> None:
    data = event_to_eas(ALL_DAY_ICS, V16_1, default_tz=BERLIN)
    assert "Timezone" not in data
    assert data["StartTime"] == utc(2024, 12, 24) and data["EndTime"] == utc(2024, 12, 27)
    back = vevent(eas_to_event(data, V16_1))
    assert back.decoded("DTSTART") == date(2024, 12, 24)


def test_all_day_series_until_is_the_last_day() -> None:
    sydney = ZoneInfo("Australia/Sydney")
    blob = blob_for_zone(sydney, 2024)
    start = datetime(2024, 1, 26, tzinfo=sydney).astimezone(UTC)
    data = {
        "Timezone": blob,
        "AllDayEvent": True,
        "StartTime": start,
        "EndTime": datetime(2024, 1, 27, tzinfo=sydney).astimezone(UTC),
        "Subject": "Yearly",
        "UID": "y1",
        "DtStamp": utc(2024, 1, 1),
        "MeetingStatus": 0,
        "Recurrence": {
            "Type": 5,
            "MonthOfYear": 1,
            "DayOfMonth": 26,
            "Until": datetime(2030, 1, 26, tzinfo=sydney).astimezone(UTC),
        },
    }
    ics = eas_to_event(data, V14_1)
    rule = vevent(ics)["RRULE"]
    assert rule["UNTIL"] == [date(2030, 1, 26)]
    assert event_to_eas(ics, V14_1) == data
    first, last = summary_range(ics)
    assert first <= start and last is not None and last >= datetime(2030, 1, 27, tzinfo=sydney)


def test_client_all_day_times_a_bit_off_are_normalised() -> None:
    data = {
        "AllDayEvent": True,
        "StartTime": utc(2024, 5, 1, 0, 0),
        "EndTime": utc(2024, 5, 1, 0, 0),
        "UID": "x",
    }
    event = vevent(eas_to_event(data, V16_0))
    assert event.decoded("DTSTART") == date(2024, 5, 1) and event.decoded("DTEND") == date(2024, 5, 2)


# Bodies, locations, other fields ------------------------------------------------------------


def test_html_body_keeps_html_and_a_plain_description() -> None:
    data = {
        **BASE,
        "Body": {"Type": 2, "EstimatedDataSize": 22, "Data": "<p>Hello &amp; bye</p>"},
        "NativeBodyType": 2,
    }
    ics = eas_to_event(data, V14_1)
    assert str(vevent(ics)["DESCRIPTION"]) == "Hello & bye"
    assert event_to_eas(ics, V14_1) == data


def test_legacy_25_body() -> None:
    data = {**BASE, "Body": "plain text", "BodyTruncated": False}
    ics = eas_to_event(data, V2_5)
    assert event_to_eas(ics, V2_5) == data
    assert event_to_eas(ics, V12_0)["Body"] == {"Type": 1, "EstimatedDataSize": 10, "Data": "plain text"}


def test_structured_location_in_16() -> None:
    location = {
        "DisplayName": "HQ",
        "Street": "1 Main St",
        "City": "Town",
        "Latitude": "47.6",
        "Longitude": "-122.1",
    }
    data = {**BASE, "Location": location}
    ics = eas_to_event(data, V16_0)
    assert str(vevent(ics)["LOCATION"]) == "HQ"
    assert event_to_eas(ics, V16_0) == data
    assert event_to_eas(ics, V14_1)["Location"] == "HQ"


def test_busy_status_16_values_are_mapped_down() -> None:
    ics = eas_to_event({**BASE, "BusyStatus": 4}, V16_1)
    assert event_to_eas(ics, V16_1)["BusyStatus"] == 4
    assert event_to_eas(ics, V14_1)["BusyStatus"] == 0
    assert "BusyStatus" not in event_to_eas(eas_to_event({**BASE, "BusyStatus": -1}, V16_1), V14_1)


def test_cancelled_meeting_status_follows_status() -> None:
    ics = eas_to_event({**SEED_43, "MeetingStatus": 5}, V14_1)
    assert str(vevent(ics)["STATUS"]) == "CANCELLED"
    assert event_to_eas(ics, V14_1)["MeetingStatus"] == 5
    uncancelled = ics.replace("STATUS:CANCELLED\r\n", "")
    assert event_to_eas(uncancelled, V14_1)["MeetingStatus"] == 1


def test_uid_client_uid_and_range() -> None:
    data = {**BASE, "ClientUid": "phone-42", "Recurrence": {"Type": 0}}
    del data["UID"]
    ics = eas_to_event(data, V16_0)
    assert len(uid_of(ics)) == 36
    assert client_uid_of(ics) == "phone-42"
    assert "ClientUid" not in event_to_eas(ics, V16_0)  # request-only, MS-ASCAL 2.2.2.13
    assert summary_range(ics) == (utc(2024, 1, 9, 9, 0), None)
    counted = eas_to_event({**BASE, "Recurrence": {"Type": 1, "Occurrences": 3}}, V14_1)
    assert summary_range(counted) == (utc(2024, 1, 9, 9, 0), utc(2024, 1, 23, 10, 0))
    single = eas_to_event(BASE, V14_1)
    assert summary_range(single) == (utc(2024, 1, 9, 9, 0), utc(2024, 1, 9, 10, 0))


def test_ambiguous_local_time_is_written_in_utc() -> None:
    # 02:30 local happens twice in Berlin on 27 October 2024; the second one is 01:30Z.
    data = {**BASE, "StartTime": utc(2024, 10, 27, 1, 30), "EndTime": utc(2024, 10, 27, 2, 30)}
    assert event_to_eas(eas_to_event(data, V14_1), V14_1) == data


# Generated round trips ------------------------------------------------------------------------

ROUND_TRIP_ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
]
texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=20
).filter(lambda s: s.strip() == s and s)
multiline = st.lists(texts, min_size=1, max_size=3).map("\n".join)
emails = st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.(org|com)", fullmatch=True)
seconds = st.integers(0, 59)
instants = st.datetimes(datetime(2000, 1, 1), datetime(2035, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC)
)
MEETING_STATUS = [0, 1, 3, 5, 7, 9, 11, 13, 15]


@st.composite
def eas_events(draw: st.DrawFn, version: ProtocolVersion) -> dict[str, Any]:
    v16 = version >= V16_0
    zone = ZoneInfo(draw(st.sampled_from(ROUND_TRIP_ZONES)))
    all_day = draw(st.booleans())
    data: dict[str, Any] = {"AllDayEvent": all_day}
    if all_day:
        day = draw(st.dates(date(2000, 1, 1), date(2035, 12, 1)))
        length = draw(st.integers(1, 5))
        tz = UTC if v16 else zone
        if not v16:
            data["Timezone"] = blob_for_zone(zone, day.year)
            tz = zone_for_blob(data["Timezone"], day.year)
        data["StartTime"] = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
        end = day + timedelta(days=length)
        data["EndTime"] = datetime(end.year, end.month, end.day, tzinfo=tz).astimezone(UTC)
    else:
        start = draw(instants)
        data["Timezone"] = blob_for_zone(zone, start.year)
        data["StartTime"] = start
        data["EndTime"] = start + timedelta(minutes=15 * draw(st.integers(0, 300)))
    data["UID"] = draw(st.from_regex(r"[A-Za-z0-9-]{1,40}", fullmatch=True))
    data["DtStamp"] = draw(instants)
    data["MeetingStatus"] = draw(st.sampled_from(MEETING_STATUS))
    optional: dict[str, st.SearchStrategy[Any]] = {
        "Subject": texts,
        "Sensitivity": st.integers(0, 3),
        "BusyStatus": st.integers(-1, 4) if v16 else st.integers(0, 3),
        "Reminder": st.integers(0, 20000),
        "Categories": st.lists(texts, min_size=1, max_size=3),
        "OrganizerName": texts,
        "OrganizerEmail": emails,
    }
    if version == V2_5:
        optional["Body"] = multiline
    if version >= V14_0:
        optional |= {
            "ResponseRequested": st.booleans(),
            "AppointmentReplyTime": instants,
            "ResponseType": st.integers(0, 5),
            "DisallowNewTimeProposal": st.booleans(),
        }
    if version >= V14_1:
        optional |= {"OnlineMeetingConfLink": texts, "OnlineMeetingExternalLink": texts}
    for tag, strategy in optional.items():
        if draw(st.booleans()):
            data[tag] = draw(strategy)
    if version == V2_5 and "Body" in data:
        data["BodyTruncated"] = False
    if version >= V12_0 and draw(st.booleans()):
        kind = draw(st.sampled_from([1, 2]))
        body = draw(multiline) if kind == 1 else "<p>" + draw(texts) + "</p>"
        data["Body"] = {"Type": kind, "EstimatedDataSize": len(body.encode()), "Data": body}
        data["NativeBodyType"] = kind
    if draw(st.booleans()):
        if v16:
            location = {"DisplayName": draw(texts)}
            for part in draw(
                st.lists(st.sampled_from(["Street", "City", "Latitude", "LocationUri"]), unique=True)
            ):
                location[part] = draw(texts)
            data["Location"] = location
        else:
            data["Location"] = draw(texts)
    if draw(st.booleans()):
        attendees = []
        for email in draw(st.lists(emails, min_size=1, max_size=3, unique=True)):
            entry: dict[str, Any] = {"Email": email, "Name": draw(st.one_of(st.just(""), texts))}
            if version >= V12_0:
                if draw(st.booleans()):
                    entry["AttendeeStatus"] = draw(st.sampled_from([0, 2, 3, 4, 5]))
                if draw(st.booleans()):
                    entry["AttendeeType"] = draw(st.sampled_from([1, 2, 3]))
            if version >= V16_1 and draw(st.booleans()):
                entry["ProposedStartTime"] = draw(instants)
            attendees.append(entry)
        data["Attendees"] = attendees
    if draw(st.booleans()):
        data["Recurrence"] = draw(recurrences(version, data, zone))
        if not all_day and draw(st.booleans()):
            data["Exceptions"] = draw(exceptions(version, data))
    return data


@st.composite
def recurrences(
    draw: st.DrawFn, version: ProtocolVersion, data: dict[str, Any], zone: ZoneInfo
) -> dict[str, Any]:
    kind = draw(st.sampled_from([0, 1, 2, 3, 5, 6]))
    out: dict[str, Any] = {"Type": kind}
    end = draw(st.sampled_from(["none", "count", "until"]))
    if end == "count":
        out["Occurrences"] = draw(st.integers(1, 500))
    if draw(st.booleans()):
        out["Interval"] = draw(st.integers(1, 999))
    if kind in (3, 6):
        out["WeekOfMonth"] = draw(st.integers(1, 5))
    if kind in (0, 1, 3, 6) and (kind in (3, 6) or draw(st.booleans())):
        out["DayOfWeek"] = draw(st.integers(1, 127))
    if kind in (5, 6):
        out["MonthOfYear"] = draw(st.integers(1, 12))
    if end == "until":
        if data["AllDayEvent"]:
            day = draw(st.dates(date(2000, 1, 1), date(2036, 12, 31)))
            tz = UTC if version >= V16_0 else zone_for_blob(data["Timezone"], data["StartTime"].year)
            out["Until"] = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
        else:
            out["Until"] = draw(instants)
    if kind in (2, 5) and draw(st.booleans()):
        out["DayOfMonth"] = draw(st.integers(1, 31))
    if version >= V14_0 and draw(st.booleans()):
        out["CalendarType"] = draw(st.integers(0, 23))
        out["IsLeapMonth"] = draw(st.booleans())
    if version >= V14_1 and draw(st.booleans()):
        out["FirstDayOfWeek"] = draw(st.integers(0, 6))
    return out


@st.composite
def exceptions(draw: st.DrawFn, version: ProtocolVersion, data: dict[str, Any]) -> list[dict[str, Any]]:
    key = "InstanceId" if version >= V16_0 else "ExceptionStartTime"
    starts = draw(st.lists(st.integers(1, 400), min_size=1, max_size=4, unique=True))
    out = []
    for days in sorted(starts):
        instant = data["StartTime"] + timedelta(days=days)
        if draw(st.booleans()):
            out.append({"Deleted": True, key: instant})
            continue
        moved = instant + timedelta(minutes=15 * draw(st.integers(-20, 20)))
        entry: dict[str, Any] = {key: instant, "StartTime": moved, "EndTime": moved + timedelta(hours=1)}
        subject = draw(texts)
        if subject != data.get("Subject"):
            entry["Subject"] = subject
        out.append(entry)
    return out


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip_through_icalendar(version: ProtocolVersion, data: st.DataObject) -> None:
    event = data.draw(eas_events(version))
    ics = eas_to_event(event, version)
    assert event_to_eas(ics, version) == event


@pytest.mark.parametrize("version", [V2_5, V12_0, V14_1, V16_1], ids=str)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip_through_wbxml_and_icalendar(version: ProtocolVersion, data: st.DataObject) -> None:
    event = data.draw(eas_events(version))
    tree = E("AirSync:ApplicationData", encode_fields(CALENDAR, event, version))
    decoded = decode_fields(CALENDAR, decode(encode(tree)), version, strict=True)
    assert decoded == event
    ics = eas_to_event(decoded, version)
    assert event_to_eas(ics, version) == event
    # Storing again with the stored text as `previous` changes nothing EAS can see.
    assert event_to_eas(eas_to_event(decoded, version, previous=ics), version) == event


def test_v14_0_constant_is_used() -> None:
    assert V14_0 < V14_1 < V16_0
