"""iCalendar VTODO (RFC 5545) <-> the Tasks dict, with the icalendar library.

Mapping: Subject SUMMARY; Body DESCRIPTION (``X-AIRSYNC-BODYTYPE`` when not plain text) and RTF in
``X-AIRSYNC-RTF``; Importance PRIORITY (2 high -> 1, 1 normal -> 5, 0 low -> 9; any other value
is kept in ``X-AIRSYNC-IMPORTANCE`` and echoed, MS-ASTASK 2.2.2.14); StartDate/UtcStartDate DTSTART
and DueDate/UtcDueDate DUE; Categories CATEGORIES; Complete STATUS (COMPLETED / NEEDS-ACTION) and
DateCompleted COMPLETED; Sensitivity CLASS (PUBLIC, X-PERSONAL, PRIVATE, CONFIDENTIAL); ReminderSet
and ReminderTime a VALARM with an absolute TRIGGER; Recurrence RRULE, with the parts iCalendar has
no word for (Start when it is not DTSTART, Regenerate, DeadOccur, CalendarType, IsLeapMonth) in
``X-AIRSYNC-*`` properties; OrdinalDate/SubOrdinalDate in ``X-AIRSYNC-*``.

EAS gives a task's dates twice: StartDate is the local wall-clock time written with a "Z", and
UtcStartDate the real instant. A date at local midnight (what Outlook and phones send for a task
"due Friday") becomes a DATE; otherwise the UTC instant is stored. The other value of the pair is
kept in a parameter (``X-AIRSYNC-UTC`` / ``X-AIRSYNC-LOCAL``, ``NONE`` when the client sent only one)
when it cannot be derived, so what a device sent comes back unchanged. Tasks written elsewhere
derive the missing half from their TZID, or from ``tz`` (the user's zone) when given.

With ``previous``, the stored calendar is edited in place: properties EAS does not model stay as
they were, and a mapped property whose EAS value did not change is not touched.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from icalendar import Alarm, Calendar, Todo, vRecur, vText

from airsync.protocol.versions import V12_0, V16_1, ProtocolVersion
from airsync.schema.fields import FieldError, format_compact, parse_datetime
from airsync.schema.tasks import RECURRENCE, TASKS

_FIELDS = {f.tag: f for f in TASKS}
_REC_FIELDS = {f.tag: f for f in RECURRENCE.children}
_PRIORITY = {2: 1, 1: 5, 0: 9}
_CLASS = {0: "PUBLIC", 1: "X-PERSONAL", 2: "PRIVATE", 3: "CONFIDENTIAL"}
_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # bit i of DayOfWeek; FirstDayOfWeek i
_NONE = "NONE"

#: MS-ASTASK 3.2.5.3.1/3.2.5.3.2: a Change without these keeps the stored value.
_KEPT_WHEN_ABSENT = {"Importance", "ReminderSet", "ReminderTime"}


# Parsing --------------------------------------------------------------------------------------------


def _parse(ics: str) -> tuple[Calendar, Todo]:
    try:
        calendar = Calendar.from_ical(ics)
    except ValueError as exc:
        raise FieldError(f"not an iCalendar object: {exc}") from None
    todos = calendar.walk("VTODO")
    if not todos:
        raise FieldError("no VTODO in the calendar object")
    return calendar, todos[0]


def uid_of(ics: str) -> str | None:
    uid = _parse(ics)[1].get("UID")
    return str(uid) if uid is not None else None


def is_complete(ics: str) -> bool:
    """For FilterType 8 (incomplete tasks only, MS-ASCMD 2.2.3.69.2)."""
    return bool(_complete(_parse(ics)[1]))


def _complete(todo: Todo) -> bool:
    status = todo.get("STATUS")
    if status is not None:
        return str(status).upper() == "COMPLETED"
    return todo.get("COMPLETED") is not None


def _x(todo: Todo, name: str) -> str | None:
    """An X- property's text: icalendar hands unknown properties back still escaped."""
    value = todo.get(name)
    if value is None:
        return None
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], str(value))


def _add_x(todo: Todo, name: str, value: str) -> None:
    todo.add(name, vText(value))


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _wall(value: datetime) -> datetime:
    """A wall-clock time as EAS writes local times: the same digits, marked UTC."""
    return value.replace(tzinfo=UTC)


def _read_pair(todo: Todo, name: str, tz: tzinfo | None) -> tuple[datetime | None, datetime | None]:
    """(local, utc) for DTSTART or DUE."""
    prop = todo.get(name)
    if prop is None:
        return None, None
    value = prop.dt
    params = prop.params
    if isinstance(value, datetime) and value.tzinfo is not None:
        utc = _utc(value)
        if "X-AIRSYNC-LOCAL" in params:
            local = _param_time(params["X-AIRSYNC-LOCAL"])
        elif value.utcoffset() != timedelta(0) or "TZID" in params:
            local = _wall(value.replace(tzinfo=None))
        elif tz is not None:
            local = _wall(utc.astimezone(tz).replace(tzinfo=None))
        else:
            local = utc
        return local, utc
    local = _wall(value if isinstance(value, datetime) else datetime.combine(value, time(0)))
    if "X-AIRSYNC-UTC" in params:
        return local, _param_time(params["X-AIRSYNC-UTC"])
    if tz is not None:
        return local, _utc(local.replace(tzinfo=tz))
    return local, local


def _param_time(text: str) -> datetime | None:
    return None if str(text).upper() == _NONE else parse_datetime(str(text))


def _read_alarm(todo: Todo, start: datetime | None, due: datetime | None) -> datetime | None:
    for alarm in todo.walk("VALARM"):
        trigger = alarm.get("TRIGGER")
        if trigger is None:
            continue
        value = trigger.dt
        if isinstance(value, datetime):
            return _utc(value)
        if isinstance(value, timedelta):
            related = str(trigger.params.get("RELATED", "START")).upper()
            anchor = due if related == "END" else start
            anchor = anchor or due or start
            if anchor is not None:
                return anchor + value
    return None


def _read_recurrence(
    todo: Todo, start_local: datetime | None, version: ProtocolVersion
) -> dict[str, Any] | None:
    """The Recurrence of an RRULE; ``start_local`` anchors it (DTSTART, else DUE as Apple writes)."""
    rule = todo.get("RRULE")
    if rule is None:
        return None
    if isinstance(rule, list):
        rule = rule[0]
    freq = (rule.get("FREQ") or ["DAILY"])[0].upper()
    byday = [str(d).upper() for d in rule.get("BYDAY", [])]
    setpos = rule.get("BYSETPOS", [])
    ordinal = int(setpos[0]) if setpos else None
    days = 0
    for day in byday:
        prefix, code = day[:-2], day[-2:]
        if prefix and prefix not in ("+", "-"):
            ordinal = int(prefix)
        if code in _DAYS:
            days |= 1 << _DAYS.index(code)
    out: dict[str, Any] = {}
    if freq == "DAILY":
        out["Type"] = 0
    elif freq == "WEEKLY":
        out["Type"] = 1
        if not days and start_local is not None:
            days = 1 << ((start_local.weekday() + 1) % 7)
    elif freq == "MONTHLY":
        out["Type"] = 3 if days else 2
    elif freq == "YEARLY":
        out["Type"] = 6 if days else 5
    else:
        raise FieldError(f"RRULE FREQ={freq} has no EAS recurrence type")
    start_x = _x(todo, "X-AIRSYNC-RECURRENCE-START")
    start = parse_datetime(start_x) if start_x else start_local
    if start is not None:
        out["Start"] = start
    if rule.get("UNTIL"):
        until = rule["UNTIL"][0]
        out["Until"] = _utc(until) if isinstance(until, datetime) else _wall(datetime.combine(until, time(0)))
    if rule.get("COUNT"):
        out["Occurrences"] = int(rule["COUNT"][0])
    if rule.get("INTERVAL"):
        out["Interval"] = int(rule["INTERVAL"][0])
    if days:
        out["DayOfWeek"] = days
    if out["Type"] in (2, 5):
        monthday = rule.get("BYMONTHDAY")
        if monthday:
            out["DayOfMonth"] = int(monthday[0])
        elif start is not None:
            out["DayOfMonth"] = start.day
    if out["Type"] in (3, 6):
        out["WeekOfMonth"] = 5 if (ordinal or 1) < 0 else (ordinal or 1)
    if out["Type"] in (5, 6):
        month = rule.get("BYMONTH")
        if month:
            out["MonthOfYear"] = int(month[0])
        elif start is not None:
            out["MonthOfYear"] = start.month
    for tag, name in (("Regenerate", "X-AIRSYNC-REGENERATE"), ("IsLeapMonth", "X-AIRSYNC-ISLEAPMONTH")):
        if _x(todo, name) is not None:
            out[tag] = _x(todo, name) == "1"
    for tag, name in (("DeadOccur", "X-AIRSYNC-DEADOCCUR"), ("CalendarType", "X-AIRSYNC-CALENDARTYPE")):
        if _x(todo, name) is not None:
            out[tag] = int(_x(todo, name) or 0)
    if rule.get("WKST"):
        out["FirstDayOfWeek"] = _DAYS.index(str(rule["WKST"][0]).upper())
    elif out["Type"] == 1:
        out["FirstDayOfWeek"] = 1  # MS-ASTASK 2.2.2.13: weekly MUST carry one; iCalendar's default is MO
    return {k: v for k, v in out.items() if _REC_FIELDS[k].defined_in(version)}


def _canonical(todo: Todo, tz: tzinfo | None) -> dict[str, Any]:
    """Everything the VTODO says in EAS terms, before version filtering."""
    out: dict[str, Any] = {}
    if todo.get("SUMMARY") is not None:
        out["Subject"] = str(todo["SUMMARY"])
    description = todo.get("DESCRIPTION")
    if description is not None and str(description):
        out["Notes"] = (int(description.params.get("X-AIRSYNC-BODYTYPE", 1)), str(description))
    if _x(todo, "X-AIRSYNC-RTF"):
        out["Rtf"] = _x(todo, "X-AIRSYNC-RTF")
    if _x(todo, "X-AIRSYNC-IMPORTANCE") is not None:
        out["Importance"] = int(_x(todo, "X-AIRSYNC-IMPORTANCE") or 0)
    elif todo.get("PRIORITY") is not None and int(todo["PRIORITY"]):
        priority = int(todo["PRIORITY"])
        out["Importance"] = 2 if priority < 5 else 1 if priority == 5 else 0
    out["StartDate"], out["UtcStartDate"] = _read_pair(todo, "DTSTART", tz)
    out["DueDate"], out["UtcDueDate"] = _read_pair(todo, "DUE", tz)
    categories: list[str] = []
    raw = todo.get("CATEGORIES")
    for entry in raw if isinstance(raw, list) else [raw] if raw is not None else []:
        categories.extend(str(c) for c in entry.cats)
    if categories:
        out["Categories"] = categories
    out["Complete"] = _complete(todo)
    if todo.get("COMPLETED") is not None:
        out["DateCompleted"] = _utc(todo["COMPLETED"].dt)
    elif out["Complete"] and todo.get("DTSTAMP") is not None:
        out["DateCompleted"] = _utc(todo["DTSTAMP"].dt)  # MS-ASTASK 2.2.2.8: MUST come with Complete
    klass = todo.get("CLASS")
    if klass is not None:
        names = {v: k for k, v in _CLASS.items()}
        out["Sensitivity"] = names.get(str(klass).upper(), 2)  # unknown classes are private (RFC 5545)
    reminder = _read_alarm(todo, out["UtcStartDate"], out["UtcDueDate"])
    out["ReminderSet"] = reminder is not None
    stored = _x(todo, "X-AIRSYNC-REMINDERTIME")
    if reminder is not None or stored:
        out["ReminderTime"] = reminder or parse_datetime(stored or "")
    if _x(todo, "X-AIRSYNC-ORDINALDATE"):
        out["OrdinalDate"] = parse_datetime(_x(todo, "X-AIRSYNC-ORDINALDATE") or "")
    if _x(todo, "X-AIRSYNC-SUBORDINALDATE") is not None:
        out["SubOrdinalDate"] = _x(todo, "X-AIRSYNC-SUBORDINALDATE")
    return {k: v for k, v in out.items() if v is not None}


def task_to_eas(ics: str, version: ProtocolVersion, *, tz: tzinfo | None = None) -> dict[str, Any]:
    """The Tasks ApplicationData dict for ``version`` (fields it does not define are absent)."""
    _, todo = _parse(ics)
    values = _canonical(todo, tz)
    recurrence = _read_recurrence(todo, values.get("StartDate") or values.get("DueDate"), version)
    if recurrence is not None:
        values["Recurrence"] = recurrence
    notes, rtf = values.pop("Notes", None), values.pop("Rtf", None)
    if version >= V12_0:
        if notes:
            values["Body"] = {"Type": notes[0], "EstimatedDataSize": len(notes[1].encode()), "Data": notes[1]}
        elif rtf:
            values["Body"] = {"Type": 3, "EstimatedDataSize": len(rtf), "Data": rtf}
        else:
            values["Body"] = {"Type": 1, "EstimatedDataSize": 0}  # MS-ASAIRS 2.2.2.9: always a Body
    else:
        if notes:
            values["Body"] = notes[1]
        if rtf:
            values["Rtf"] = rtf
    return {k: v for k, v in values.items() if k == "Body" or _FIELDS[k].defined_in(version)}


# Writing --------------------------------------------------------------------------------------------

#: Each group of EAS values and the iCalendar properties it is written to.
_BINDINGS: dict[str, tuple[str, ...]] = {
    "SUMMARY": ("Subject",),
    "NOTES": ("Notes", "Rtf"),
    "PRIORITY": ("Importance",),
    "DTSTART": ("StartDate", "UtcStartDate"),
    "DUE": ("DueDate", "UtcDueDate"),
    "CATEGORIES": ("Categories",),
    "STATUS": ("Complete", "DateCompleted"),
    "CLASS": ("Sensitivity",),
    "ALARM": ("ReminderSet", "ReminderTime"),
    "ORDINAL": ("OrdinalDate", "SubOrdinalDate"),
    "RRULE": ("Recurrence",),
}
_PROPS = {
    "SUMMARY": ("SUMMARY",),
    "NOTES": ("DESCRIPTION", "X-AIRSYNC-RTF"),
    "PRIORITY": ("PRIORITY", "X-AIRSYNC-IMPORTANCE"),
    "DTSTART": ("DTSTART",),
    "DUE": ("DUE",),
    "CATEGORIES": ("CATEGORIES",),
    "STATUS": ("STATUS", "COMPLETED", "PERCENT-COMPLETE"),
    "CLASS": ("CLASS",),
    "ALARM": ("X-AIRSYNC-REMINDERTIME",),
    "ORDINAL": ("X-AIRSYNC-ORDINALDATE", "X-AIRSYNC-SUBORDINALDATE"),
    "RRULE": (
        "RRULE",
        "X-AIRSYNC-RECURRENCE-START",
        "X-AIRSYNC-REGENERATE",
        "X-AIRSYNC-DEADOCCUR",
        "X-AIRSYNC-CALENDARTYPE",
        "X-AIRSYNC-ISLEAPMONTH",
    ),
}


def _eas_to_canonical(data: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    values: dict[str, Any] = {}
    keep: set[str] = set()
    for tag, value in data.items():
        if tag in ("Body", "BodySize", "BodyTruncated", "Rtf"):
            continue
        values[tag] = value
    body = data.get("Body")
    if isinstance(body, Mapping):
        if body.get("Truncated"):
            keep |= {"Notes", "Rtf"}
        elif body.get("Type") == 3:
            values["Rtf"], values["Notes"] = body.get("Data") or None, None
        else:
            text = body.get("Data") or ""
            values["Notes"] = (int(body.get("Type") or 1), text) if text else None
            values["Rtf"] = None
    elif body is not None or "Rtf" in data:
        if data.get("BodyTruncated"):
            keep |= {"Notes", "Rtf"}
        else:
            values["Notes"] = (1, body) if body else None
            values["Rtf"] = data.get("Rtf") or None
    else:
        keep |= {"Notes", "Rtf"}
    recurrence = values.get("Recurrence")
    if recurrence:
        recurrence = dict(recurrence)
        if "Start" not in recurrence:
            raise FieldError("a task Recurrence needs Start (MS-ASTASK 3.2.5.3.3)")
        if "Type" not in recurrence:
            raise FieldError("a task Recurrence needs Type (MS-ASTASK 2.2.2.29)")
        if "Occurrences" in recurrence:
            recurrence.pop("Until", None)  # MS-ASTASK 3.2.5.3.4: Occurrences wins
        values["Recurrence"] = recurrence
    return values, keep


def eas_to_task(
    data: Mapping[str, Any],
    version: ProtocolVersion,
    previous: str | None = None,
    *,
    uid: str | None = None,
    tz: tzinfo | None = None,
) -> str:
    """The iCalendar object for an Add (``previous`` None) or a Change of a stored task."""
    if previous:
        calendar, todo = _parse(previous)
        old = _canonical(todo, tz)
        old_rec = _read_recurrence(todo, old.get("StartDate") or old.get("DueDate"), V16_1)
        if old_rec is not None:
            old["Recurrence"] = old_rec
    else:
        calendar = Calendar()
        calendar.add("VERSION", "2.0")
        calendar.add("PRODID", "-//airsync//airsync//EN")
        todo = Todo()
        todo.add("UID", uid or str(uuid.uuid4()))
        todo.add("DTSTAMP", datetime.now(UTC).replace(microsecond=0))
        calendar.add_component(todo)
        old = {}
    new, keep = _eas_to_canonical(data)
    for tag in {t for tags in _BINDINGS.values() for t in tags}:
        if tag in new:
            continue
        spec = _FIELDS.get(tag)
        if tag in keep or tag in _KEPT_WHEN_ABSENT or (spec is not None and not spec.defined_in(version)):
            new[tag] = old.get(tag)
        else:
            new[tag] = None
    if new.get("Recurrence") and old.get("Recurrence"):
        # Recurrence parts this version cannot carry keep their stored value.
        for tag, value in old["Recurrence"].items():
            if not _REC_FIELDS[tag].defined_in(version) and tag not in new["Recurrence"]:
                new["Recurrence"] = {**new["Recurrence"], tag: value}
    changed = False
    for key, tags in _BINDINGS.items():
        if all(_same(new.get(t), old.get(t)) for t in tags):
            continue
        changed = True
        for name in _PROPS[key]:
            todo.pop(name, None)
        if key == "ALARM":
            todo.subcomponents = [c for c in todo.subcomponents if c.name != "VALARM"]
        _WRITERS[key](todo, new)
    if previous and changed and "LAST-MODIFIED" in todo:
        todo.pop("LAST-MODIFIED")
        todo.add("LAST-MODIFIED", datetime.now(UTC).replace(microsecond=0))
    return calendar.to_ical().decode()


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _same(a: Any, b: Any) -> bool:
    return (None if _empty(a) else a) == (None if _empty(b) else b)


def _write_summary(todo: Todo, new: Mapping[str, Any]) -> None:
    if new.get("Subject") is not None:
        todo.add("SUMMARY", new["Subject"])


def _write_notes(todo: Todo, new: Mapping[str, Any]) -> None:
    notes = new.get("Notes")
    if notes:
        params = {"X-AIRSYNC-BODYTYPE": str(notes[0])} if notes[0] != 1 else None
        todo.add("DESCRIPTION", notes[1], parameters=params)
    if new.get("Rtf"):
        _add_x(todo, "X-AIRSYNC-RTF", new["Rtf"])


def _write_priority(todo: Todo, new: Mapping[str, Any]) -> None:
    importance = new.get("Importance")
    if importance is None:
        return
    if importance in _PRIORITY:
        todo.add("PRIORITY", _PRIORITY[importance])
    else:
        _add_x(todo, "X-AIRSYNC-IMPORTANCE", str(importance))


def _write_pair(todo: Todo, name: str, local: datetime | None, utc: datetime | None) -> None:
    if local is None and utc is None:
        return
    local = local.astimezone(UTC) if local is not None else None
    utc = utc.astimezone(UTC) if utc is not None else None
    if local is not None and local.time() == time(0):
        params = {} if utc == local else {"X-AIRSYNC-UTC": format_compact(utc) if utc else _NONE}
        todo.add(name, local.date(), parameters=params or None)
    elif utc is not None:
        params = {} if local == utc else {"X-AIRSYNC-LOCAL": format_compact(local) if local else _NONE}
        todo.add(name, utc.replace(microsecond=0), parameters=params or None)
    else:
        assert local is not None
        todo.add(name, local.replace(tzinfo=None, microsecond=0), parameters={"X-AIRSYNC-UTC": _NONE})


def _write_start(todo: Todo, new: Mapping[str, Any]) -> None:
    _write_pair(todo, "DTSTART", new.get("StartDate"), new.get("UtcStartDate"))


def _write_due(todo: Todo, new: Mapping[str, Any]) -> None:
    _write_pair(todo, "DUE", new.get("DueDate"), new.get("UtcDueDate"))


def _write_categories(todo: Todo, new: Mapping[str, Any]) -> None:
    if new.get("Categories"):
        todo.add("CATEGORIES", list(new["Categories"]))


def _write_status(todo: Todo, new: Mapping[str, Any]) -> None:
    if new.get("Complete") is not None:
        todo.add("STATUS", "COMPLETED" if new["Complete"] else "NEEDS-ACTION")
        if new["Complete"]:
            todo.add("PERCENT-COMPLETE", 100)
    if new.get("DateCompleted") is not None:
        todo.add("COMPLETED", _utc(new["DateCompleted"]).replace(microsecond=0))


def _write_class(todo: Todo, new: Mapping[str, Any]) -> None:
    if new.get("Sensitivity") is not None:
        todo.add("CLASS", _CLASS.get(new["Sensitivity"], "PRIVATE"))


def _write_alarm(todo: Todo, new: Mapping[str, Any]) -> None:
    when = new.get("ReminderTime")
    if new.get("ReminderSet") and when is not None:
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", new.get("Subject") or "Reminder")
        alarm.add("TRIGGER", _utc(when).replace(microsecond=0), parameters={"VALUE": "DATE-TIME"})
        todo.add_component(alarm)
    elif new.get("ReminderSet"):
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", new.get("Subject") or "Reminder")
        alarm.add("TRIGGER", timedelta(0), parameters={"RELATED": "END"})
        todo.add_component(alarm)
    elif when is not None:
        _add_x(todo, "X-AIRSYNC-REMINDERTIME", format_compact(when))


def _write_ordinal(todo: Todo, new: Mapping[str, Any]) -> None:
    if new.get("OrdinalDate") is not None:
        _add_x(todo, "X-AIRSYNC-ORDINALDATE", format_compact(new["OrdinalDate"]))
    if new.get("SubOrdinalDate") is not None:
        _add_x(todo, "X-AIRSYNC-SUBORDINALDATE", new["SubOrdinalDate"])


def _write_rrule(todo: Todo, new: Mapping[str, Any]) -> None:
    rec = new.get("Recurrence")
    if not rec:
        return
    kind = rec["Type"]
    freq = {0: "DAILY", 1: "WEEKLY", 2: "MONTHLY", 3: "MONTHLY", 5: "YEARLY", 6: "YEARLY"}.get(kind)
    if freq is None:
        raise FieldError(f"task Recurrence Type {kind} is not one of 0, 1, 2, 3, 5, 6")
    rule: dict[str, Any] = {"FREQ": freq}
    if rec.get("Interval"):
        rule["INTERVAL"] = rec["Interval"]
    if rec.get("Occurrences"):
        rule["COUNT"] = rec["Occurrences"]
    elif rec.get("Until"):
        rule["UNTIL"] = _utc(rec["Until"]).replace(microsecond=0)
    days = [_DAYS[i] for i in range(7) if rec.get("DayOfWeek", 0) & (1 << i)]
    if kind in (3, 6):
        week = rec.get("WeekOfMonth") or 1
        rule["BYDAY"] = days or ["SU"]
        rule["BYSETPOS"] = -1 if week == 5 else week
    elif days:
        rule["BYDAY"] = days
    if kind in (2, 5) and rec.get("DayOfMonth"):
        rule["BYMONTHDAY"] = rec["DayOfMonth"]
    if kind in (5, 6) and rec.get("MonthOfYear"):
        rule["BYMONTH"] = rec["MonthOfYear"]
    if rec.get("FirstDayOfWeek") is not None:
        rule["WKST"] = _DAYS[rec["FirstDayOfWeek"] % 7]
    todo.add("RRULE", vRecur(rule))
    if rec.get("Start") is not None:  # the series' own start, kept apart from DTSTART
        _add_x(todo, "X-AIRSYNC-RECURRENCE-START", format_compact(rec["Start"]))
    if rec.get("Regenerate") is not None:
        _add_x(todo, "X-AIRSYNC-REGENERATE", "1" if rec["Regenerate"] else "0")
    if rec.get("DeadOccur") is not None:
        _add_x(todo, "X-AIRSYNC-DEADOCCUR", str(rec["DeadOccur"]))
    if rec.get("CalendarType") is not None:
        _add_x(todo, "X-AIRSYNC-CALENDARTYPE", str(rec["CalendarType"]))
    if rec.get("IsLeapMonth") is not None:
        _add_x(todo, "X-AIRSYNC-ISLEAPMONTH", "1" if rec["IsLeapMonth"] else "0")


_WRITERS = {
    "SUMMARY": _write_summary,
    "NOTES": _write_notes,
    "PRIORITY": _write_priority,
    "DTSTART": _write_start,
    "DUE": _write_due,
    "CATEGORIES": _write_categories,
    "STATUS": _write_status,
    "CLASS": _write_class,
    "ALARM": _write_alarm,
    "ORDINAL": _write_ordinal,
    "RRULE": _write_rrule,
}

__all__ = ["eas_to_task", "is_complete", "task_to_eas", "uid_of"]
