"""VTODO <-> Tasks: lossless round trips at every version, real-world tasks, recurrence, FilterType 8."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from airsync.convert.vtodo import eas_to_task, is_complete, task_to_eas, uid_of
from airsync.protocol.versions import SUPPORTED_VERSIONS, V2_5, V12_0, V14_0, V14_1, V16_1, ProtocolVersion
from airsync.schema.fields import FieldError
from airsync.schema.tasks import RECURRENCE, TASKS
from tests.schema._tables import defined

FIXTURES = Path(__file__).parent / "fixtures"
REAL_WORLD = ["thunderbird_todo.ics", "apple_reminder.ics", "nextcloud_todo.ics"]


def same_ics(a: str, b: str) -> bool:
    return Calendar.from_ical(a).to_ical() == Calendar.from_ical(b).to_ical()


# Strategies -------------------------------------------------------------------------------------

texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), include_characters="\n"),
    min_size=1,
    max_size=24,
)
moments = st.datetimes(datetime(1971, 1, 1), datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC)
)
midnights = moments.map(lambda d: datetime.combine(d.date(), time(0), UTC))
instants = st.one_of(moments, midnights)
b64 = st.binary(min_size=1, max_size=200).map(lambda b: base64.b64encode(b).decode())


@st.composite
def recurrences(draw: st.DrawFn, version: ProtocolVersion) -> dict:
    kind = draw(st.sampled_from([0, 1, 2, 3, 5, 6]))
    rec: dict = {"Type": kind, "Start": draw(instants)}
    days = st.integers(1, 127)
    if kind == 0 and draw(st.booleans()):
        rec["DayOfWeek"] = draw(days)
    if kind in (1, 3, 6):
        rec["DayOfWeek"] = draw(days)
    if kind in (2, 5):
        rec["DayOfMonth"] = draw(st.integers(1, 31))
    if kind in (3, 6):
        rec["WeekOfMonth"] = draw(st.integers(1, 5))
    if kind in (5, 6):
        rec["MonthOfYear"] = draw(st.integers(1, 12))
    optional = {
        "Until": moments,
        "Occurrences": st.integers(1, 255),
        "Interval": st.integers(1, 999),
        "Regenerate": st.booleans(),
        "DeadOccur": st.integers(0, 255),
        "CalendarType": st.integers(0, 20),
        "IsLeapMonth": st.booleans(),
        "FirstDayOfWeek": st.integers(0, 6),
    }
    rec |= draw(st.fixed_dictionaries({}, optional=optional))
    fields = {f.tag: f for f in RECURRENCE.children}
    return {k: v for k, v in rec.items() if fields[k].defined_in(version)}


@st.composite
def tasks(draw: st.DrawFn, version: ProtocolVersion) -> dict:
    optional: dict = {
        "Subject": texts,
        "Importance": st.one_of(st.integers(0, 2), st.integers(3, 255)),
        "StartDate": instants,
        "UtcStartDate": instants,
        "DueDate": instants,
        "UtcDueDate": instants,
        "Categories": st.lists(texts, min_size=1, max_size=3),
        "Recurrence": recurrences(version),
        "Sensitivity": st.integers(0, 3),
        "OrdinalDate": moments,
        "SubOrdinalDate": texts,
    }
    if version >= V12_0:
        optional["Body"] = st.one_of(
            st.fixed_dictionaries({"Type": st.sampled_from([1, 2]), "Data": texts}),
            st.fixed_dictionaries({"Type": st.just(3), "Data": b64}),
        )
    else:
        optional["Body"] = texts
        optional["Rtf"] = b64
    task = draw(st.fixed_dictionaries({}, optional=optional))
    if draw(st.booleans()):
        task["Complete"] = True
        task["DateCompleted"] = draw(moments)
    elif draw(st.booleans()):
        task["Complete"] = False
    if draw(st.booleans()):
        task["ReminderSet"] = True
        task["ReminderTime"] = draw(moments)
    elif draw(st.booleans()):
        task["ReminderTime"] = draw(moments)
    return defined(TASKS, task, version)


def expected(data: dict, version: ProtocolVersion) -> dict:
    out = defined(TASKS, data, version)
    out.setdefault("Complete", False)
    out.setdefault("ReminderSet", False)
    rec = out.get("Recurrence")
    if rec is not None:
        rec = dict(rec)
        if "Occurrences" in rec:
            rec.pop("Until", None)
        if rec["Type"] == 1 and version >= V14_1:
            rec.setdefault("FirstDayOfWeek", 1)  # MS-ASTASK 2.2.2.13: weekly always carries one
        out["Recurrence"] = rec
    if version >= V12_0:
        body = out.get("Body") or {"Type": 1, "Data": ""}
        size = len(body["Data"].encode()) if body["Type"] != 3 else len(body["Data"])
        out["Body"] = {"Type": body["Type"], "EstimatedDataSize": size}
        if body["Data"]:
            out["Body"]["Data"] = body["Data"]
    return out


# Round trips ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_dict_to_vtodo_to_dict_is_lossless(version: ProtocolVersion, data: st.DataObject) -> None:
    task = data.draw(tasks(version))
    ics = eas_to_task(task, version)
    assert task_to_eas(ics, version) == expected(task, version)
    assert same_ics(eas_to_task(task_to_eas(ics, version), version, ics), ics)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_change_replaces_what_the_client_can_send(version: ProtocolVersion, data: st.DataObject) -> None:
    before, after = data.draw(tasks(version)), data.draw(tasks(version))
    ics = eas_to_task(after, version, eas_to_task(before, version))
    want = dict(after)
    # MS-ASTASK 3.2.5.3.1/3.2.5.3.2: Importance and the reminder stay when left out; so do the notes.
    for group in (("Importance",), ("ReminderSet",), ("ReminderTime",), ("Body", "Rtf")):
        if not any(tag in after for tag in group):
            want |= {tag: before[tag] for tag in group if tag in before}
    assert task_to_eas(ics, version) == expected(want, version)


def test_fields_a_version_does_not_define_are_kept() -> None:
    rec = {"Type": 1, "Start": datetime(2024, 1, 1, tzinfo=UTC), "DayOfWeek": 2, "CalendarType": 1}
    ordinal = datetime(2024, 1, 1, tzinfo=UTC)
    ics = eas_to_task({"Subject": "a", "Recurrence": rec, "OrdinalDate": ordinal}, V16_1)
    without_type = {k: v for k, v in rec.items() if k != "CalendarType"}
    changed = eas_to_task({"Subject": "b", "Recurrence": without_type | {"DayOfWeek": 4}}, V12_0, ics)
    data = task_to_eas(changed, V16_1)
    assert data["Recurrence"]["DayOfWeek"] == 4 and data["Recurrence"]["CalendarType"] == 1  # 14.0+
    assert "OrdinalDate" not in data  # 12.0 defines it: left out means deleted
    old = eas_to_task({"Subject": "c", "Recurrence": without_type}, V2_5, ics)
    assert task_to_eas(old, V16_1)["OrdinalDate"] == ordinal  # 2.5 does not


# Real-world tasks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REAL_WORLD)
@pytest.mark.parametrize("version", [V2_5, V14_1, V16_1], ids=str)
def test_real_world_task_survives_unchanged(name: str, version: ProtocolVersion) -> None:
    ics = (FIXTURES / name).read_text()
    assert same_ics(eas_to_task(task_to_eas(ics, version), version, ics), ics)


def test_thunderbird_task() -> None:
    ics = (FIXTURES / "thunderbird_todo.ics").read_text()
    data = task_to_eas(ics, V14_1)
    assert data["StartDate"] == datetime(2024, 4, 15, 9, 0, tzinfo=UTC)  # Berlin wall clock
    assert data["UtcStartDate"] == datetime(2024, 4, 15, 7, 0, tzinfo=UTC)
    assert data["Importance"] == 2 and data["Sensitivity"] == 2 and data["Complete"] is False
    assert data["ReminderSet"] and data["ReminderTime"] == datetime(2024, 5, 30, 15, 0, tzinfo=UTC)
    data["Subject"] = "Submit tax return (signed)"
    data["Complete"] = True
    data["DateCompleted"] = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    out = eas_to_task(data, V14_1, ics)
    todo = Calendar.from_ical(out).walk("VTODO")[0]
    assert str(todo["SUMMARY"]) == "Submit tax return (signed)"
    assert todo["X-MOZ-GENERATION"] == "3"  # unknown properties stay
    assert str(todo["DTSTART"].params["TZID"]) == "Europe/Berlin"  # untouched dates stay as they were
    assert todo["LAST-MODIFIED"].dt > datetime(2024, 4, 10, 8, 17, tzinfo=UTC)
    assert is_complete(out) and not is_complete(ics)


def test_apple_reminder_recurs_from_its_due_date() -> None:
    ics = (FIXTURES / "apple_reminder.ics").read_text()
    data = task_to_eas(ics, V16_1)
    assert data["Recurrence"] == {
        "Type": 1,
        "Start": datetime(2024, 3, 2, tzinfo=UTC),
        "DayOfWeek": 64,
        "FirstDayOfWeek": 1,
    }
    assert data["Complete"] and data["DateCompleted"] == datetime(2024, 3, 2, 10, 10, 10, tzinfo=UTC)
    assert uid_of(ics) == "B1F0F4AE-6B43-4D2A-9E7F-5C2D4E1A9B00"


def test_nextcloud_task() -> None:
    data = task_to_eas((FIXTURES / "nextcloud_todo.ics").read_text(), V14_0)
    assert data["Importance"] == 0 and data["Categories"] == ["Home", "Garden"]
    assert data["UtcDueDate"] == datetime(2024, 5, 5, 8, 0, tzinfo=UTC)


def test_date_only_task_with_the_users_zone() -> None:
    ics = (FIXTURES / "apple_reminder.ics").read_text()
    data = task_to_eas(ics, V14_1, tz=ZoneInfo("Europe/Berlin"))
    assert data["DueDate"] == datetime(2024, 3, 2, tzinfo=UTC)
    assert data["UtcDueDate"] == datetime(2024, 3, 1, 23, 0, tzinfo=UTC)


# Recurrence -----------------------------------------------------------------------------------------


def rrule(data: dict) -> str:
    todo = Calendar.from_ical(eas_to_task(data, V16_1)).walk("VTODO")[0]
    return todo["RRULE"].to_ical().decode()


def test_rrules() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    assert rrule({"Recurrence": {"Type": 1, "Start": start, "DayOfWeek": 2 | 32, "Interval": 2}}) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR"
    )
    last_friday = {"Type": 3, "Start": start, "DayOfWeek": 32, "WeekOfMonth": 5, "Occurrences": 4}
    assert rrule({"Recurrence": last_friday}) == "FREQ=MONTHLY;COUNT=4;BYDAY=FR;BYSETPOS=-1"
    yearly = {
        "Type": 5,
        "Start": start,
        "DayOfMonth": 24,
        "MonthOfYear": 12,
        "Until": datetime(2030, 1, 1, tzinfo=UTC),
    }
    assert rrule({"Recurrence": yearly}) == "FREQ=YEARLY;UNTIL=20300101T000000Z;BYMONTHDAY=24;BYMONTH=12"


def test_occurrences_win_over_until() -> None:  # MS-ASTASK 3.2.5.3.4
    rec = {
        "Type": 0,
        "Start": datetime(2024, 1, 1, tzinfo=UTC),
        "Occurrences": 3,
        "Until": datetime(2025, 1, 1, tzinfo=UTC),
    }
    assert "UNTIL" not in rrule({"Recurrence": rec})


@pytest.mark.parametrize("rec", [{"Type": 1, "DayOfWeek": 2}, {"Start": datetime(2024, 1, 1, tzinfo=UTC)}])
def test_recurrence_without_start_or_type_is_status_6(rec: dict) -> None:  # MS-ASTASK 3.2.5.3.3, 2.2.2.29
    with pytest.raises(FieldError):
        eas_to_task({"Recurrence": rec}, V14_1)


def test_not_a_task() -> None:
    with pytest.raises(FieldError):
        task_to_eas("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", V16_1)
