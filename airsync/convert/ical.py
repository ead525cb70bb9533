"""Calendar items: iCalendar (what we store, DESIGN decision 1) <-> the EAS Calendar dict.

One VCALENDAR holds one event: a VEVENT series master and its RECURRENCE-ID overrides, plus the
VTIMEZONEs they use. ``event_to_eas`` computes the EAS view for a protocol version;
``eas_to_event`` writes a client's dict back, carrying over what EAS does not model from the
``previous`` stored text. What iCalendar cannot say natively goes into ``X-AIRSYNC-*`` properties.

Decisions where the spec leaves room:
* Times are UTC instants; a timed event keeps its zone as DTSTART;TZID (from the Timezone blob,
  matched to an IANA zone). The client's blob itself is kept in X-AIRSYNC-TIMEZONE (with the TZID
  it was stored for) and sent back as is while that TZID is unchanged.
* All-day events are DATE values in iCalendar. Up to 14.1 they are sent as midnight in the event's
  zone (the stored blob's, else ``default_tz``, else UTC) with that zone's Timezone (MS-ASCAL
  2.2.2.1: midnight to midnight); in 16.x as 00:00Z of the date without Timezone (MS-ASCAL 2.2.2.1,
  16.0/16.1 behaviour). Until of an all-day series is the last day, in the same form.
* MeetingStatus: the client's value is kept in X-AIRSYNC-MEETINGSTATUS, its cancelled bit follows
  STATUS:CANCELLED. Without one it is derived: no attendees -> 0; attendees -> 1 (organizer) or 3
  (``owner`` given and not the organizer); plus 4 when cancelled.
* Ghosting is the sync engine's job: it merges ghosted properties into ``data`` before calling
  ``eas_to_event``; here an absent property means no value.
"""

from __future__ import annotations

import base64
import html
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Alarm, Calendar, Component, Event, Timezone, vCalAddress, vRecur, vText

from airsync.convert.timezone import (
    EasTimezone,
    blob_for_zone,
    info_for_zone,
    zone_for_blob,
)
from airsync.protocol.versions import V12_0, V14_0, V16_0, ProtocolVersion
from airsync.schema.calendar import CALENDAR
from airsync.schema.fields import Field, Kind, format_compact, parse_datetime

PRODID: Final = "-//airsync//Exchange ActiveSync//EN"
X: Final = "X-AIRSYNC-"
_UTC_ZONE: Final = ZoneInfo("UTC")

# EAS <-> iCalendar value tables ----------------------------------------------------------------

_PARTSTAT: Final = {2: "TENTATIVE", 3: "ACCEPTED", 4: "DECLINED", 5: "NEEDS-ACTION", 0: "NEEDS-ACTION"}
_STATUS_OF: Final = {"TENTATIVE": 2, "ACCEPTED": 3, "DECLINED": 4, "NEEDS-ACTION": 5}
_CLASS: Final = {0: "PUBLIC", 1: "X-PERSONAL", 2: "PRIVATE", 3: "CONFIDENTIAL"}
_SENSITIVITY_OF: Final = {v: k for k, v in _CLASS.items()}
_CDO: Final = {-1: "UNKNOWN", 0: "FREE", 1: "TENTATIVE", 2: "BUSY", 3: "OOF", 4: "WORKINGELSEWHERE"}
_BUSY_OF: Final = {v: k for k, v in _CDO.items()}
_DAYS: Final = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # bit i of DayOfWeek is _DAYS[i]
_LOCATION_PARTS: Final = (
    "Annotation",
    "Street",
    "City",
    "State",
    "Country",
    "PostalCode",
    "Latitude",
    "Longitude",
    "Accuracy",
    "Altitude",
    "AltitudeAccuracy",
    "LocationUri",
)
#: Exception children that override the master's value (MS-ASCAL 2.2.2.21).
_OVERRIDABLE: Final = (
    "Subject",
    "Body",
    "Location",
    "Categories",
    "Sensitivity",
    "BusyStatus",
    "AllDayEvent",
    "Reminder",
    "DtStamp",
    "MeetingStatus",
    "Attendees",
    "AppointmentReplyTime",
    "ResponseType",
    "OnlineMeetingConfLink",
    "OnlineMeetingExternalLink",
)
#: Properties this module writes; everything else on a stored VEVENT is carried over untouched.
_MODELED: Final = frozenset(
    {
        "DTSTART",
        "DTEND",
        "DURATION",
        "SUMMARY",
        "DESCRIPTION",
        "X-ALT-DESC",
        "LOCATION",
        "CLASS",
        "TRANSP",
        "X-MICROSOFT-CDO-BUSYSTATUS",
        "X-MICROSOFT-DISALLOW-COUNTER",
        "ORGANIZER",
        "ATTENDEE",
        "CATEGORIES",
        "RRULE",
        "EXDATE",
        "UID",
        "DTSTAMP",
        "STATUS",
        "SEQUENCE",
        "RECURRENCE-ID",
    }
)
#: EAS property -> the iCalendar properties that hold it: when the client sends the same value
#: the stored event yields, the stored properties are kept as they were (a CalDAV client's RRULE,
#: attendee parameters or HTML body survive a round trip through a phone).
_KEEP_IF_UNCHANGED: Final = {
    "Recurrence": ("RRULE", "X-AIRSYNC-CALENDARTYPE", "X-AIRSYNC-ISLEAPMONTH"),
    "Body": ("DESCRIPTION", "X-ALT-DESC", "X-AIRSYNC-BODY-RTF"),
    "Attendees": ("ATTENDEE",),
}


# Small helpers ---------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    """Unknown X- properties come back raw (icalendar's vUnknown): undo RFC 5545 text escaping."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _xtext(component: Component, name: str) -> str | None:
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    return _unescape(str(value)) if not isinstance(value, vText) else str(value)


def _set_x(component: Component, name: str, value: Any, params: dict[str, str] | None = None) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        value = "1" if value else "0"
    elif isinstance(value, datetime):
        value = format_compact(value)
    component.add(name, vText(str(value)), parameters=params)


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _email(address: Any) -> str:
    text = str(address)
    return text[7:] if text.lower().startswith("mailto:") else text


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _set_cn(address: vCalAddress, name: str) -> None:
    """CN, working around icalendar writing a backslash unquoted and then misreading it: such a name
    is written with slashes, the exact one kept base64-encoded in X-AIRSYNC-CN."""
    if "\\" in name:
        address.params[X + "CN"] = base64.b64encode(name.encode("utf-8")).decode("ascii")
        name = name.replace("\\", "/")
    address.params["CN"] = name


def _get_cn(params: Mapping[str, Any]) -> str:
    name = str(params.get("CN", ""))
    exact = params.get(X + "CN")
    if exact:
        try:
            decoded = base64.b64decode(str(exact)).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return name
        if decoded.replace("\\", "/") == name:  # not stale: nobody renamed the person since
            return decoded
    return name


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style).*?</\1>", "", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup)).strip()


@dataclass(frozen=True)
class _Ctx:
    """How one event maps between local values and EAS UTC instants."""

    version: ProtocolVersion
    zone: tzinfo  # of DTSTART (timed), or the zone all-day midnights are computed in (<= 14.1)

    def to_utc(self, value: date | datetime, *, end_of_day: bool = False) -> datetime:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=self.zone)
            return value.astimezone(UTC)
        if end_of_day:  # a DATE UNTIL on a timed series: the whole day counts
            return datetime.combine(value, time(23, 59, 59), self.zone).astimezone(UTC)
        if self.version >= V16_0:
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        return datetime(value.year, value.month, value.day, tzinfo=self.zone).astimezone(UTC)

    def day_of(self, value: datetime) -> date:
        """The date an all-day instant stands for."""
        if self.version >= V16_0:
            return _utc(value).date()
        return _utc(value).astimezone(self.zone).date()

    def local(self, value: datetime) -> datetime:
        """``value`` as a local time in the zone, or as UTC when the local time is ambiguous (a
        repeated hour loses its fold in iCalendar text) or the zone is UTC."""
        value = _utc(value)
        if self.zone in (UTC, _UTC_ZONE):
            return value
        local = value.astimezone(self.zone)
        if local.replace(fold=1 - local.fold).astimezone(UTC) != value:
            return value
        return local


def _label(component: Component) -> str:
    """What DTSTART is written in: a TZID, UTC, DATE or FLOATING."""
    prop = component.get("DTSTART")
    if prop is None:
        return "FLOATING"
    value = prop.dt
    if not isinstance(value, datetime):
        return "DATE"
    if value.tzinfo is None:
        return "FLOATING"
    tzid = prop.params.get("TZID")
    if tzid:
        return str(tzid)
    return "UTC"


def _tzid(zone: tzinfo) -> str:
    if zone in (UTC, _UTC_ZONE):
        return "UTC"
    return str(getattr(zone, "key", None) or zone.tzname(None) or "UTC")


# iCalendar -> EAS -----------------------------------------------------------------------------


def _parse(ics: str) -> tuple[Calendar, Event, list[Event]]:
    cal = Calendar.from_ical(ics)
    events = [c for c in cal.walk("VEVENT")]
    if not events:
        raise ValueError("no VEVENT in calendar object")
    masters = [e for e in events if e.get("RECURRENCE-ID") is None]
    master = masters[0] if masters else events[0]
    overrides = [e for e in events if e is not master and e.get("RECURRENCE-ID") is not None]
    return cal, master, overrides


def _context(master: Event, version: ProtocolVersion, default_tz: tzinfo | None) -> tuple[_Ctx, str | None]:
    """The context and the Timezone blob to send (None: none)."""
    label = _label(master)
    stored = master.get(X + "TIMEZONE")
    blob = None
    if stored is not None and stored.params.get("X-TZID", "") == label:
        blob = _xtext(master, X + "TIMEZONE")
    start = master.decoded("DTSTART")
    year = start.year
    if isinstance(start, datetime) and start.tzinfo is not None:
        zone: tzinfo = start.tzinfo
    elif blob:
        zone = zone_for_blob(blob, year)
    else:
        zone = default_tz or _UTC_ZONE
    if blob is None:
        blob = blob_for_zone(zone, year)
    return _Ctx(version, zone), blob


def _end(component: Event, start: date | datetime) -> date | datetime:
    if component.get("DTEND") is not None:
        return component.decoded("DTEND")
    if component.get("DURATION") is not None:
        return start + component.decoded("DURATION")
    return start + timedelta(days=1) if not isinstance(start, datetime) else start


def _reminder(component: Event, start: date | datetime, end: date | datetime, ctx: _Ctx) -> int | None:
    for alarm in component.subcomponents:
        if alarm.name != "VALARM" or alarm.get("TRIGGER") is None:
            continue
        trigger = alarm.decoded("TRIGGER")
        if isinstance(trigger, datetime):
            minutes = (ctx.to_utc(start) - _utc(trigger)).total_seconds() / 60
        else:
            related = str(alarm["TRIGGER"].params.get("RELATED", "START")).upper()
            if related == "END":
                trigger = trigger + (ctx.to_utc(end) - ctx.to_utc(start))
            minutes = -trigger.total_seconds() / 60
        if minutes >= 0:
            return int(minutes)
    return None


def _attendees(component: Event, version: ProtocolVersion) -> list[dict[str, Any]]:
    organizer = component.get("ORGANIZER")
    organizer_email = _email(organizer).lower() if organizer is not None else None
    out = []
    for prop in _as_list(component.get("ATTENDEE")):
        params = prop.params
        email = _email(prop)
        if organizer_email and email.lower() == organizer_email and params.get("ROLE") == "CHAIR":
            continue  # MS-ASCAL 4.3: the organizer is not in the attendee list
        entry: dict[str, Any] = {"Email": email, "Name": _get_cn(params)}
        if version >= V12_0:
            partstat = params.get("PARTSTAT")
            stale = partstat is not None and str(partstat).upper() != "NEEDS-ACTION"
            if params.get(X + "ATTENDEESTATUS") is not None and not stale:
                entry["AttendeeStatus"] = _int(params.get(X + "ATTENDEESTATUS")) or 0
            elif partstat is not None:
                entry["AttendeeStatus"] = _STATUS_OF.get(str(partstat).upper(), 0)
            role, cutype = params.get("ROLE"), params.get("CUTYPE")
            if cutype is not None and str(cutype).upper() in ("RESOURCE", "ROOM"):
                entry["AttendeeType"] = 3
            elif role is not None:
                entry["AttendeeType"] = (
                    2 if str(role).upper() in ("OPT-PARTICIPANT", "NON-PARTICIPANT") else 1
                )
            for key, tag in (("PROPOSEDSTART", "ProposedStartTime"), ("PROPOSEDEND", "ProposedEndTime")):
                if params.get(X + key):
                    entry[tag] = parse_datetime(str(params[X + key]))
        out.append(entry)
    return out


def _body(component: Event, version: ProtocolVersion) -> dict[str, Any]:
    out: dict[str, Any] = {}
    description = component.get("DESCRIPTION")
    text = str(description) if description is not None else None
    alt = None
    for prop in _as_list(component.get("X-ALT-DESC")):
        if str(prop.params.get("FMTTYPE", "")).lower() == "text/html":
            alt = _unescape(str(prop)) if not isinstance(prop, vText) else str(prop)
    rtf = _xtext(component, X + "BODY-RTF")
    if version < V12_0:
        if text is not None:
            out["Body"] = text
            out["BodyTruncated"] = False
        if rtf is not None:
            out["Rtf"] = rtf
        return out
    if alt is not None:
        kind, data = 2, alt
    elif text is not None:
        kind, data = 1, text
    elif rtf is not None:
        kind, data = 3, rtf
    else:
        return out
    out["Body"] = {"Type": kind, "EstimatedDataSize": len(data.encode("utf-8")), "Data": data}
    out["NativeBodyType"] = kind
    return out


def _meeting_status(component: Event, attendees: list[Any], owner: str | None) -> int:
    cancelled = str(component.get("STATUS", "")).upper() == "CANCELLED"
    stored = _int(_xtext(component, X + "MEETINGSTATUS"))
    if stored is not None:
        return (stored & ~4) | (4 if cancelled else 0)
    if not attendees:
        return 0
    organizer = component.get("ORGANIZER")
    received = owner is not None and organizer is not None and _email(organizer).lower() != owner.lower()
    return 1 | (2 if received else 0) | (4 if cancelled else 0)


def _properties(component: Event, ctx: _Ctx, owner: str | None) -> dict[str, Any]:
    """The overridable properties and times of one VEVENT (master or override)."""
    version = ctx.version
    out: dict[str, Any] = {}
    start = component.decoded("DTSTART")
    end = _end(component, start)
    all_day = not isinstance(start, datetime)
    out["AllDayEvent"] = all_day
    out["StartTime"] = ctx.to_utc(start)
    out["EndTime"] = ctx.to_utc(end)
    if component.get("SUMMARY") is not None:
        out["Subject"] = str(component["SUMMARY"])
    out.update(_body(component, version))
    location = str(component["LOCATION"]) if component.get("LOCATION") is not None else None
    if version >= V16_0:
        structured = {"DisplayName": location} if location is not None else {}
        for part in _LOCATION_PARTS:
            value = _xtext(component, f"{X}LOCATION-{part.upper()}")
            if value is not None:
                structured[part] = value
        if structured:
            out["Location"] = structured
    elif location is not None:
        out["Location"] = location
    categories = [str(c) for prop in _as_list(component.get("CATEGORIES")) for c in prop.cats]
    if categories:
        out["Categories"] = categories
    if component.get("CLASS") is not None:
        cls = str(component["CLASS"]).upper()
        out["Sensitivity"] = _SENSITIVITY_OF.get(cls, 2)  # RFC 5545: unknown classes are PRIVATE
    cdo = _xtext(component, "X-MICROSOFT-CDO-BUSYSTATUS")
    if cdo is not None and cdo.upper() in _BUSY_OF:
        busy: int | None = _BUSY_OF[cdo.upper()]
    elif component.get("TRANSP") is not None:
        busy = 0 if str(component["TRANSP"]).upper() == "TRANSPARENT" else 2
    else:
        busy = None
    if busy is not None and version < V16_0 and busy not in (0, 1, 2, 3):
        busy = 0 if busy == 4 else None  # MS-ASCAL 2.2.2.9: 4 and -1 are 16.x values
    if busy is not None:
        out["BusyStatus"] = busy
    reminder = _reminder(component, start, end, ctx)
    if reminder is not None:
        out["Reminder"] = reminder
    if component.get("DTSTAMP") is not None:
        out["DtStamp"] = _utc(component.decoded("DTSTAMP"))
    attendees = _attendees(component, version)
    if attendees:
        out["Attendees"] = attendees
    out["MeetingStatus"] = _meeting_status(component, attendees, owner)
    reply = _xtext(component, X + "APPOINTMENTREPLYTIME")
    if reply:
        out["AppointmentReplyTime"] = parse_datetime(reply)
    for tag in ("ResponseType", "OnlineMeetingConfLink", "OnlineMeetingExternalLink"):
        value = _xtext(component, X + tag.upper())
        if value is not None:
            out[tag] = _int(value) if tag == "ResponseType" else value
    return out


def _recurrence(master: Event, ctx: _Ctx, all_day: bool) -> dict[str, Any] | None:
    prop = master.get("RRULE")
    if prop is None:
        return None
    rule = _as_list(prop)[0]
    freq = str(rule.get("FREQ", [""])[0]).upper()
    days = [str(d).upper() for d in rule.get("BYDAY", [])]
    setpos = [int(p) for p in rule.get("BYSETPOS", [])]
    mask = 0
    nth: int | None = None
    for day in days:
        match = re.fullmatch(r"([+-]?\d+)?([A-Z]{2})", day)
        if not match or match.group(2) not in _DAYS:
            continue
        mask |= 1 << _DAYS.index(match.group(2))
        if match.group(1):
            nth = int(match.group(1))
    if nth is None and setpos:
        nth = setpos[0]
    week = None if nth is None else (5 if nth < 0 else min(nth, 5))
    months = [int(m) for m in rule.get("BYMONTH", [])]
    monthdays = [int(d) for d in rule.get("BYMONTHDAY", [])]
    out: dict[str, Any] = {}
    if freq == "DAILY":
        out["Type"] = 0
    elif freq == "WEEKLY":
        out["Type"] = 1
    elif freq == "MONTHLY":
        out["Type"] = 3 if mask and week else 2
    elif freq == "YEARLY":
        out["Type"] = 6 if mask and week else 5
    else:
        out["Type"] = 0  # HOURLY and finer have no EAS form; a daily series is the nearest
    count = rule.get("COUNT")
    if count:
        out["Occurrences"] = int(count[0])
    if rule.get("INTERVAL"):
        out["Interval"] = int(rule["INTERVAL"][0])
    if out["Type"] in (3, 6) and week:
        out["WeekOfMonth"] = week
    if mask:
        out["DayOfWeek"] = mask
    if out["Type"] in (5, 6) and months:
        out["MonthOfYear"] = months[0]
    until = rule.get("UNTIL")
    if until:
        value = until[0]
        if all_day:
            day = value.date() if isinstance(value, datetime) else value
            out["Until"] = ctx.to_utc(day)
        else:
            out["Until"] = ctx.to_utc(value, end_of_day=True)
    if out["Type"] in (2, 5) and monthdays:
        out["DayOfMonth"] = monthdays[0]
    if ctx.version >= V14_0:
        calendar_type = _int(_xtext(master, X + "CALENDARTYPE"))
        if calendar_type is not None:
            out["CalendarType"] = calendar_type
        leap = _xtext(master, X + "ISLEAPMONTH")
        if leap is not None:
            out["IsLeapMonth"] = leap == "1"
    if ctx.version >= ProtocolVersion(14, 1) and rule.get("WKST"):
        wkst = str(rule["WKST"][0]).upper()
        if wkst in _DAYS:
            out["FirstDayOfWeek"] = _DAYS.index(wkst)
    return out


def _occurrence_start(value: date | datetime, ctx: _Ctx) -> datetime:
    return ctx.to_utc(value)


def _exceptions(
    master: Event, overrides: list[Event], base: dict[str, Any], ctx: _Ctx, owner: str | None
) -> list[dict[str, Any]]:
    key = "InstanceId" if ctx.version >= V16_0 else "ExceptionStartTime"
    found: dict[datetime, dict[str, Any]] = {}
    for prop in _as_list(master.get("EXDATE")):
        for value in prop.dts:
            instant = _occurrence_start(value.dt, ctx)
            found[instant] = {"Deleted": True, key: instant}
    for override in overrides:
        instant = _occurrence_start(override.decoded("RECURRENCE-ID"), ctx)
        props = _properties(override, ctx, owner)
        entry: dict[str, Any] = {key: instant}
        for tag in _OVERRIDABLE:
            if tag in props and props[tag] != base.get(tag):
                entry[tag] = props[tag]
            elif tag not in props and tag in base:
                if isinstance(base[tag], str):
                    entry[tag] = ""  # MS-ASCAL 3.1.5.3.1: an empty element removes the inherited value
                elif isinstance(base[tag], list):
                    entry[tag] = []
                elif isinstance(base[tag], dict):
                    entry[tag] = {}
        entry["StartTime"] = props["StartTime"]
        entry["EndTime"] = props["EndTime"]
        if (
            str(override.get("STATUS", "")).upper() == "CANCELLED"
            and _xtext(override, X + "MEETINGSTATUS") is None
        ):
            entry = {"Deleted": True, key: instant}
        found[instant] = entry
    return [found[k] for k in sorted(found)]


def _only_defined(
    fields: Iterable[Field], data: Mapping[str, Any], version: ProtocolVersion
) -> dict[str, Any]:
    """``data`` without what ``version`` does not define, recursively through the table."""
    by_tag: dict[str, list[Field]] = {}
    for f in fields:
        by_tag.setdefault(f.tag, []).append(f)
    out: dict[str, Any] = {}
    for tag, value in data.items():
        defined = [f for f in by_tag.get(tag, ()) if f.defined_in(version)]
        if not defined:
            continue
        field = defined[0]
        if field.kind is Kind.CONTAINER and isinstance(value, Mapping):
            out[tag] = _only_defined(field.children, value, version)
        elif field.kind is Kind.LIST and field.children and isinstance(value, list):
            out[tag] = [_only_defined(field.children, item, version) for item in value]
        else:
            out[tag] = value
    return out


def event_to_eas(
    ics: str,
    version: ProtocolVersion,
    *,
    default_tz: tzinfo | None = None,
    owner: str | None = None,
) -> dict[str, Any]:
    """The EAS Calendar dict of a stored event for ``version``.

    ``default_tz`` is the zone for floating times and all-day events without a stored client zone
    (the user's zone, when known; FIELD_NOTES 5). ``owner`` is the account's address: it tells a
    received meeting (MeetingStatus 3) from an organized one.
    """
    _cal, master, overrides = _parse(ics)
    ctx, blob = _context(master, version, default_tz)
    props = _properties(master, ctx, owner)
    all_day = props["AllDayEvent"]
    out: dict[str, Any] = {}
    if not (all_day and version >= V16_0):
        out["Timezone"] = blob  # 16.x: no Timezone on all-day events (MS-ASCAL 2.2.2.1)
    out.update(props)
    organizer = master.get("ORGANIZER")
    if organizer is not None:
        if organizer.params.get("CN") is not None:
            out["OrganizerName"] = _get_cn(organizer.params)
        if _email(organizer):
            out["OrganizerEmail"] = _email(organizer)
    elif _xtext(master, X + "ORGANIZERNAME") is not None:
        out["OrganizerName"] = _xtext(master, X + "ORGANIZERNAME")
    if master.get("UID") is not None:
        out["UID"] = str(master["UID"])
    recurrence = _recurrence(master, ctx, all_day)
    if recurrence is not None:
        out["Recurrence"] = recurrence
        exceptions = _exceptions(master, overrides, props, ctx, owner)
        if exceptions:
            out["Exceptions"] = exceptions
    requested = _xtext(master, X + "RESPONSEREQUESTED")
    if requested is not None:
        out["ResponseRequested"] = requested == "1"
    disallow = _xtext(master, "X-MICROSOFT-DISALLOW-COUNTER")
    if disallow is not None:
        out["DisallowNewTimeProposal"] = disallow.upper() in ("TRUE", "1")
    # ClientUid is request-only (MS-ASCAL 2.2.2.13): kept in X-AIRSYNC-CLIENTUID, see client_uid_of.
    return _only_defined(CALENDAR, out, version)


# EAS -> iCalendar -----------------------------------------------------------------------------


def _write_time(event: Event, name: str, value: datetime, ctx: _Ctx, all_day: bool) -> None:
    if all_day:
        event.add(name, ctx.day_of(value))
        return
    local = ctx.local(value)
    if local.tzinfo in (UTC, _UTC_ZONE) or local.tzinfo is not ctx.zone:
        event.add(name, _utc(value))
    else:
        event.add(name, local, parameters={"TZID": _tzid(ctx.zone)})


def _write_properties(event: Event, data: Mapping[str, Any], ctx: _Ctx, *, master: bool) -> None:
    all_day = bool(data.get("AllDayEvent"))
    start = data.get("StartTime")
    if start is None:
        raise ValueError("a calendar item needs a StartTime")
    _write_time(event, "DTSTART", start, ctx, all_day)
    end = data.get("EndTime") or start
    if all_day:
        first, last = ctx.day_of(start), ctx.day_of(end)
        event.add("DTEND", last if last > first else first + timedelta(days=1))
    else:
        _write_time(event, "DTEND", max(_utc(end), _utc(start)), ctx, False)
    if data.get("Subject") not in (None, ""):
        event.add("SUMMARY", data["Subject"])
    _write_body(event, data.get("Body"), data.get("Rtf"))
    location = data.get("Location")
    if isinstance(location, Mapping):
        if location.get("DisplayName") not in (None, ""):
            event.add("LOCATION", location["DisplayName"])
        for part in _LOCATION_PARTS:
            _set_x(event, f"{X}LOCATION-{part.upper()}", location.get(part))
    elif location not in (None, ""):
        event.add("LOCATION", location)
    if data.get("Categories"):
        event.add("CATEGORIES", list(data["Categories"]))
    if data.get("Sensitivity") is not None:
        event.add("CLASS", _CLASS.get(int(data["Sensitivity"]), "PRIVATE"))
    busy = data.get("BusyStatus")
    if busy is not None:
        event.add("TRANSP", "TRANSPARENT" if int(busy) in (0, 4) else "OPAQUE")
        event.add("X-MICROSOFT-CDO-BUSYSTATUS", vText(_CDO.get(int(busy), "BUSY")))
    if data.get("Reminder") is not None:
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", "Reminder")
        alarm.add("TRIGGER", timedelta(minutes=-int(data["Reminder"])))
        event.add_component(alarm)
    if data.get("DtStamp") is not None:
        event.add("DTSTAMP", _utc(data["DtStamp"]))
    elif master:
        event.add("DTSTAMP", datetime.now(UTC).replace(microsecond=0))
    for attendee in data.get("Attendees") or ():
        event.add("ATTENDEE", _attendee(attendee))
    status = data.get("MeetingStatus")
    if status is not None:
        _set_x(event, X + "MEETINGSTATUS", int(status))
        if int(status) & 4:
            event.add("STATUS", "CANCELLED")
    _set_x(event, X + "APPOINTMENTREPLYTIME", data.get("AppointmentReplyTime"))
    for tag in ("ResponseType", "OnlineMeetingConfLink", "OnlineMeetingExternalLink"):
        _set_x(event, X + tag.upper(), data.get(tag))


def _write_body(event: Event, body: Any, rtf: Any) -> None:
    if isinstance(body, Mapping):
        data = body.get("Data")
        kind = int(body.get("Type", 1))
        if data is not None:
            if kind == 2:
                event.add("DESCRIPTION", _html_to_text(data))
                event.add("X-ALT-DESC", vText(data), parameters={"FMTTYPE": "text/html"})
            elif kind == 3:
                _set_x(event, X + "BODY-RTF", data)
            else:
                event.add("DESCRIPTION", data)
    elif body is not None:
        event.add("DESCRIPTION", str(body))
    if rtf is not None:
        _set_x(event, X + "BODY-RTF", rtf)


def _attendee(entry: Mapping[str, Any]) -> vCalAddress:
    address = vCalAddress(f"mailto:{entry.get('Email', '')}")
    if entry.get("Name"):
        _set_cn(address, entry["Name"])
    status = entry.get("AttendeeStatus")
    if status is not None:
        address.params["PARTSTAT"] = _PARTSTAT.get(int(status), "NEEDS-ACTION")
        if int(status) not in (2, 3, 4, 5):
            address.params[X + "ATTENDEESTATUS"] = str(int(status))
    kind = entry.get("AttendeeType")
    if kind is not None:
        if int(kind) == 3:
            address.params["CUTYPE"] = "RESOURCE"
            address.params["ROLE"] = "NON-PARTICIPANT"
        else:
            address.params["ROLE"] = "OPT-PARTICIPANT" if int(kind) == 2 else "REQ-PARTICIPANT"
    for key, tag in (("PROPOSEDSTART", "ProposedStartTime"), ("PROPOSEDEND", "ProposedEndTime")):
        if entry.get(tag) is not None:
            address.params[X + key] = format_compact(entry[tag])
    return address


def _write_recurrence(event: Event, recurrence: Mapping[str, Any], ctx: _Ctx, all_day: bool) -> None:
    kind = int(recurrence.get("Type", 0))
    rule: dict[str, Any] = {"FREQ": {0: "DAILY", 1: "WEEKLY", 2: "MONTHLY", 3: "MONTHLY"}.get(kind, "YEARLY")}
    if recurrence.get("Until") is not None:
        until = recurrence["Until"]
        rule["UNTIL"] = ctx.day_of(until) if all_day else _utc(until)
    elif recurrence.get("Occurrences") is not None:
        rule["COUNT"] = int(recurrence["Occurrences"])
    if recurrence.get("Interval") is not None:
        rule["INTERVAL"] = int(recurrence["Interval"])
    mask = int(recurrence.get("DayOfWeek") or 0)
    days = [_DAYS[i] for i in range(7) if mask & (1 << i)]
    week = recurrence.get("WeekOfMonth")
    if kind in (3, 6) and week and days:
        nth = -1 if int(week) == 5 else int(week)
        if len(days) == 1:
            rule["BYDAY"] = [f"{nth}{days[0]}"]
        else:
            rule["BYDAY"] = days
            rule["BYSETPOS"] = [nth]
    elif days:
        rule["BYDAY"] = days
    if kind in (5, 6) and recurrence.get("MonthOfYear") is not None:
        rule["BYMONTH"] = [int(recurrence["MonthOfYear"])]
    if kind in (2, 5) and recurrence.get("DayOfMonth") is not None:
        rule["BYMONTHDAY"] = [int(recurrence["DayOfMonth"])]
    if recurrence.get("FirstDayOfWeek") is not None:
        rule["WKST"] = _DAYS[int(recurrence["FirstDayOfWeek"]) % 7]
    event.add("RRULE", vRecur(rule))
    _set_x(event, X + "CALENDARTYPE", recurrence.get("CalendarType"))
    _set_x(event, X + "ISLEAPMONTH", recurrence.get("IsLeapMonth"))


def _write_zone(
    data: Mapping[str, Any], version: ProtocolVersion, previous: Event | None, default_tz: tzinfo | None
) -> tzinfo:
    start = data.get("StartTime")
    year = start.year if isinstance(start, datetime) else datetime.now(UTC).year
    blob = data.get("Timezone")
    if blob:
        zone = zone_for_blob(blob, year)
        if previous is not None:
            old = previous.decoded("DTSTART")
            old_zone = old.tzinfo if isinstance(old, datetime) else None
            if old_zone is not None and info_for_zone(old_zone, year) == info_for_zone(zone, year):
                return old_zone  # same rule: keep the stored zone (Europe/Zurich stays Zurich)
        return zone
    if data.get("AllDayEvent") and version >= V16_0:
        return _UTC_ZONE
    if previous is not None and not data.get("AllDayEvent"):
        old = previous.decoded("DTSTART")
        if isinstance(old, datetime) and old.tzinfo is not None:
            return old.tzinfo
    return default_tz or _UTC_ZONE


def _vtimezone(zone: tzinfo, tzid: str) -> Timezone:
    """A VTIMEZONE for one zone: icalendar's for IANA zones, the blob's rule for the others."""
    if isinstance(zone, ZoneInfo):
        return Timezone.from_tzid(zone.key)
    tz = Timezone()
    tz.add("TZID", tzid)
    info = (
        info_for_zone(zone, 1970)
        if isinstance(zone, EasTimezone)
        else info_for_zone(zone, datetime.now(UTC).year)
    )
    std, dst = info.standard_offset, info.daylight_offset
    if not info.has_dst:
        part = Component()
        part.name = "STANDARD"
        part.add("DTSTART", datetime(1970, 1, 1))
        part.add("TZOFFSETFROM", std)
        part.add("TZOFFSETTO", std)
        part.add("TZNAME", info.standard_name or tzid)
        tz.add_component(part)
        return tz
    for name, date_rule, before, after, label in (
        ("STANDARD", info.standard_date, dst, std, info.standard_name),
        ("DAYLIGHT", info.daylight_date, std, dst, info.daylight_name),
    ):
        part = Component()
        part.name = name
        part.add("DTSTART", date_rule.resolve(1970).replace(microsecond=0))
        if not date_rule.year:
            nth = -1 if date_rule.day == 5 else date_rule.day
            part.add(
                "RRULE",
                vRecur(
                    {
                        "FREQ": "YEARLY",
                        "BYMONTH": [date_rule.month],
                        "BYDAY": [f"{nth}{_DAYS[date_rule.day_of_week]}"],
                    }
                ),
            )
        part.add("TZOFFSETFROM", before)
        part.add("TZOFFSETTO", after)
        part.add("TZNAME", label or tzid)
        tz.add_component(part)
    return tz


def _carry(source: Component | None, target: Component) -> None:
    """Copy the properties and subcomponents EAS does not model from ``source`` to ``target``."""
    if source is None:
        return
    for name, value in source.property_items(recursive=False):
        if name in ("BEGIN", "END") or name in _MODELED or name.startswith(X):
            continue
        if name in target:
            continue
        target.add(name, value, encode=False)
    for sub in source.subcomponents:
        if sub.name != "VALARM":
            target.add_component(sub)


def eas_to_event(
    data: Mapping[str, Any],
    version: ProtocolVersion,
    previous: str | None = None,
    *,
    default_tz: tzinfo | None = None,
) -> str:
    """The iCalendar text for a client's Calendar dict (the inverse of ``event_to_eas``).

    With ``previous`` (the stored text), what EAS does not model is carried over unchanged: unknown
    X- properties, ATTACH, CREATED, other components; SEQUENCE is incremented when a meeting's
    time or recurrence changes. The output always holds the VTIMEZONEs its events use.
    """
    prev_cal = prev_master = None
    prev_overrides: dict[datetime, Event] = {}
    prev_eas: dict[str, Any] = {}
    if previous is not None:
        prev_cal, prev_master, overrides = _parse(previous)
        prev_eas = event_to_eas(previous, version, default_tz=default_tz)
        for override in overrides:
            rid = override.decoded("RECURRENCE-ID")
            prev_overrides[_utc(rid) if isinstance(rid, datetime) else datetime.combine(rid, time(), UTC)] = (
                override
            )
    zone = _write_zone(data, version, prev_master, default_tz)
    ctx = _Ctx(version, zone)
    all_day = bool(data.get("AllDayEvent"))

    master = Event()
    uid = data.get("UID") or (
        str(prev_master["UID"]) if prev_master is not None and prev_master.get("UID") else None
    )
    uid = uid or str(uuid.uuid4()).upper()
    master.add("UID", uid)
    _write_properties(master, data, ctx, master=True)
    if data.get("OrganizerEmail"):
        organizer = vCalAddress(f"mailto:{data['OrganizerEmail']}")
        if data.get("OrganizerName"):
            _set_cn(organizer, data["OrganizerName"])
        master.add("ORGANIZER", organizer)
    else:
        _set_x(master, X + "ORGANIZERNAME", data.get("OrganizerName"))
    if data.get("Timezone"):
        _set_x(master, X + "TIMEZONE", data["Timezone"], {"X-TZID": _label(master)})
    if data.get("Recurrence"):
        _write_recurrence(master, data["Recurrence"], ctx, all_day)
    if data.get("ResponseRequested") is not None:
        _set_x(master, X + "RESPONSEREQUESTED", bool(data["ResponseRequested"]))
    if data.get("DisallowNewTimeProposal") is not None:
        master.add(
            "X-MICROSOFT-DISALLOW-COUNTER", vText("TRUE" if data["DisallowNewTimeProposal"] else "FALSE")
        )
    _set_x(master, X + "CLIENTUID", data.get("ClientUid"))

    if prev_master is not None:
        _keep_unchanged(master, prev_master, data, prev_eas)
        sequence = int(prev_master.get("SEQUENCE", 0))
        moved = any(
            data.get(k) != prev_eas.get(k) for k in ("StartTime", "EndTime", "Recurrence", "AllDayEvent")
        )
        if moved and (data.get("Attendees") or prev_eas.get("Attendees")):
            sequence += 1
        if sequence or prev_master.get("SEQUENCE") is not None:
            master.add("SEQUENCE", sequence)
        _carry(prev_master, master)

    overrides = []
    exdates = []
    if data.get("Recurrence"):
        for exception in data.get("Exceptions") or ():
            instant = exception.get("InstanceId") or exception.get("ExceptionStartTime")
            if instant is None:
                continue
            original = ctx.day_of(instant) if all_day else ctx.local(instant)
            if exception.get("Deleted"):
                exdates.append(original)
                continue
            merged = {k: v for k, v in data.items() if k in _OVERRIDABLE or k in ("StartTime", "EndTime")}
            merged.update({k: v for k, v in exception.items() if k in _OVERRIDABLE})
            merged["StartTime"] = exception.get("StartTime") or instant
            merged["EndTime"] = exception.get("EndTime") or (
                _utc(merged["StartTime"]) + (_utc(data["EndTime"]) - _utc(data["StartTime"]))
            )
            override = Event()
            override.add("UID", uid)
            if all_day:
                override.add("RECURRENCE-ID", original)
            elif original.tzinfo is ctx.zone:
                override.add("RECURRENCE-ID", original, parameters={"TZID": _tzid(ctx.zone)})
            else:
                override.add("RECURRENCE-ID", _utc(instant))
            _write_properties(override, merged, ctx, master=True)
            for name in ("ORGANIZER", X + "ORGANIZERNAME", "SEQUENCE"):
                if master.get(name) is not None:
                    override.add(name, master[name], encode=False)
            _carry(
                prev_overrides.get(_utc(instant) if not all_day else datetime.combine(original, time(), UTC)),
                override,
            )
            overrides.append(override)
    if exdates:
        if all_day:
            master.add("EXDATE", exdates)
        else:
            for value in exdates:
                if value.tzinfo is ctx.zone:
                    master.add("EXDATE", value, parameters={"TZID": _tzid(ctx.zone)})
                else:
                    master.add("EXDATE", _utc(value))

    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    if prev_cal is not None:
        for name, value in prev_cal.property_items(recursive=False):
            if name not in ("BEGIN", "END", "PRODID", "VERSION") and name not in cal:
                cal.add(name, value, encode=False)
    used = {_tzid(zone)} if not (all_day or zone in (UTC, _UTC_ZONE)) else set()
    kept = []
    if prev_cal is not None:
        for component in prev_cal.subcomponents:
            if component.name == "VTIMEZONE":
                if str(component.get("TZID")) in used:
                    kept.append(component)
                    used.discard(str(component.get("TZID")))
            elif component.name != "VEVENT":
                kept.append(component)
    for tzid in sorted(used):
        cal.add_component(_vtimezone(zone, tzid))
    for component in kept:
        cal.add_component(component)
    cal.add_component(master)
    for override in overrides:
        cal.add_component(override)
    return cal.to_ical().decode("utf-8")


def _keep_unchanged(
    master: Event, prev_master: Event, data: Mapping[str, Any], prev_eas: Mapping[str, Any]
) -> None:
    """Where the client sent what the stored event already says, keep the stored properties."""
    for key, names in _KEEP_IF_UNCHANGED.items():
        if key in data and data.get(key) == prev_eas.get(key):
            for name in names:
                if name in master:
                    del master[name]
                for value in _as_list(prev_master.get(name)):
                    master.add(name, value, encode=False)
    if data.get("Reminder") == prev_eas.get("Reminder"):  # alarms EAS cannot show stay too
        master.subcomponents = [c for c in master.subcomponents if c.name != "VALARM"]
        master.subcomponents.extend(c for c in prev_master.subcomponents if c.name == "VALARM")


# For the sync engine ---------------------------------------------------------------------------


def client_uid_of(ics: str) -> str | None:
    """The ClientUid a 16.x client added the event with (duplicate detection, MS-ASCAL 2.2.2.13)."""
    _cal, master, _ = _parse(ics)
    return _xtext(master, X + "CLIENTUID")


def uid_of(ics: str) -> str:
    """The UID of the event's series."""
    _cal, master, _ = _parse(ics)
    return str(master.get("UID", ""))


_ALL_DAY_SLACK: Final = timedelta(hours=14)  # a floating date is somewhere between UTC-12 and UTC+14


def summary_range(ics: str) -> tuple[datetime, datetime | None]:
    """The UTC instants the series occupies, for FilterType windows: (first start, last end), end
    None when the recurrence never ends. All-day (floating) dates are widened by 14 hours each way,
    since the device's zone is unknown here."""
    _cal, master, overrides = _parse(ics)
    start = master.decoded("DTSTART")
    end = _end(master, start)
    ctx = _Ctx(V16_0, _UTC_ZONE)

    def span(a: date | datetime, b: date | datetime) -> tuple[datetime, datetime]:
        if isinstance(a, datetime):
            return ctx.to_utc(a), ctx.to_utc(b)
        return ctx.to_utc(a) - _ALL_DAY_SLACK, ctx.to_utc(b) + _ALL_DAY_SLACK

    first, last = span(start, end)
    last_end: datetime | None = last
    rule = master.get("RRULE")
    if rule is not None:
        rule = _as_list(rule)[0]
        if not rule.get("COUNT") and not rule.get("UNTIL"):
            last_end = None
        else:
            text = rule.to_ical().decode()
            anchor = start if isinstance(start, datetime) else datetime.combine(start, time())
            if isinstance(anchor, datetime) and anchor.tzinfo is not None and "UNTIL=" in text:
                text = re.sub(r"UNTIL=(\d{8})(;|$)", r"UNTIL=\1T235959Z\2", text)
            elif "UNTIL=" in text:
                text = re.sub(r"UNTIL=(\d{8}T\d{6})Z", r"UNTIL=\1", text)
            occurrences = list(rrulestr(text, dtstart=anchor))
            if occurrences:
                final = occurrences[-1]
                final_start = final if isinstance(start, datetime) else final.date()
                duration = end - start
                last_end = span(final_start, final_start + duration)[1]
    for override in overrides:
        o_start = override.decoded("DTSTART")
        a, b = span(o_start, _end(override, o_start))
        first = min(first, a)
        if last_end is not None:
            last_end = max(last_end, b)
    return first, last_end
