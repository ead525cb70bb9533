"""The Calendar class (MS-ASCAL 2.2.2): the children of ApplicationData for a calendar item.

Order follows Calendar.xsd's ``AllProps`` group, with the AirSyncBase elements the class uses placed
where the spec's examples put them (MS-ASCAL 4.1). Dates in the Calendar namespace are Compact
DateTime in every version (MS-ASCAL 2.2.2.20/.42/.18/.47/.23/.2; SPEC_MAP 5).

Two elements change namespace and shape across versions, and share one dict key:
  * ``Location``: a string (calendar:Location, 2.5-14.1) or a dict (airsyncbase:Location, 16.x).
  * ``Body``: a string with ``BodyTruncated`` (calendar:Body, 2.5) or a dict (airsyncbase:Body, 12.0+).

Ghosting (MS-ASCMD 2.2.3.179; MS-ASCAL 3.1.5.3): ``ghosted_properties`` says which omitted
properties of a Sync Change keep their value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from airsync.protocol.versions import V12_0, V14_0, V14_1, V16_0, V16_1, ProtocolVersion
from airsync.schema.fields import Field, Kind

CAL: Final = "Calendar"
BASE: Final = "AirSyncBase"
MR: Final = "MeetingResponse"

# AirSyncBase:Body as the Calendar class uses it (MS-ASCAL 2.2.2.7.1, MS-ASAIRS 2.2.2.9).
BODY: Final = Field(
    BASE,
    "Body",
    Kind.CONTAINER,
    first=V12_0,
    ghostable=True,  # MS-ASCAL 2.2.2.7.1
    children=(
        Field(BASE, "Type", Kind.INTEGER, first=V12_0),
        Field(BASE, "EstimatedDataSize", Kind.INTEGER, first=V12_0),
        Field(BASE, "Truncated", Kind.BOOLEAN, first=V12_0),
        Field(BASE, "Data", Kind.STRING, first=V12_0),
        Field(BASE, "Preview", Kind.STRING, first=V14_0),
    ),
)

# AirSyncBase:Location (MS-ASAIRS 2.2.2.27, 16.0+): replaces calendar:Location.
LOCATION: Final = Field(
    BASE,
    "Location",
    Kind.CONTAINER,
    first=V16_0,
    children=tuple(
        Field(BASE, tag, Kind.STRING, first=V16_0)
        for tag in (
            "DisplayName",
            "Annotation",
            "Street",
            "City",
            "State",
            "Country",
            "PostalCode",
            "Latitude",  # doubles, kept as their text so that nothing is lost to float formatting
            "Longitude",
            "Accuracy",
            "Altitude",
            "AltitudeAccuracy",
            "LocationUri",
        )
    ),
)

# AirSyncBase:Attachments on calendar items and exceptions (MS-ASCAL 2.2.2.21, 16.0+), read-only
# towards the client: declared so they decode and encode; conversion to ATTACH is the store's job.
ATTACHMENTS: Final = Field(
    BASE,
    "Attachments",
    Kind.LIST,
    first=V16_0,
    item="Attachment",
    children=(
        Field(BASE, "DisplayName", first=V16_0),
        Field(BASE, "FileReference", first=V16_0),
        Field(BASE, "Method", Kind.INTEGER, first=V16_0),
        Field(BASE, "EstimatedDataSize", Kind.INTEGER, first=V16_0),
        Field(BASE, "ContentId", first=V16_0),
        Field(BASE, "ContentLocation", first=V16_0),
        Field(BASE, "IsInline", Kind.BOOLEAN, first=V16_0),
        Field(BASE, "ContentType", first=V16_0),
    ),
)

ATTENDEES: Final = Field(
    CAL,
    "Attendees",
    Kind.LIST,
    ghostable=True,  # MS-ASCAL 2.2.2.4
    item="Attendee",
    children=(
        Field(CAL, "Email"),
        Field(CAL, "Name"),
        Field(CAL, "AttendeeStatus", Kind.INTEGER, first=V12_0),  # MS-ASWBXML 2.1.2.1.5
        Field(CAL, "AttendeeType", Kind.INTEGER, first=V12_0),
        # Calendar.xsd Attendee; the MeetingResponse tokens exist from 16.1 (MS-ASWBXML 2.1.2.1.9).
        Field(MR, "ProposedStartTime", Kind.COMPACT_DATETIME, first=V16_1),
        Field(MR, "ProposedEndTime", Kind.COMPACT_DATETIME, first=V16_1),
    ),
)

CATEGORIES: Final = Field(CAL, "Categories", Kind.LIST, ghostable=True, item="Category")

RECURRENCE: Final = Field(
    CAL,
    "Recurrence",
    Kind.CONTAINER,
    ghostable=True,
    children=(
        Field(
            CAL, "Type", Kind.INTEGER
        ),  # 0 daily, 1 weekly, 2 monthly, 3 monthly Nth, 5 yearly, 6 yearly Nth
        Field(CAL, "Occurrences", Kind.INTEGER),
        Field(CAL, "Interval", Kind.INTEGER),
        Field(CAL, "WeekOfMonth", Kind.INTEGER),  # 1-5, 5 = last
        Field(CAL, "DayOfWeek", Kind.INTEGER),  # bitmask: 1 Sunday .. 64 Saturday, 127 = day
        Field(CAL, "MonthOfYear", Kind.INTEGER),
        Field(CAL, "Until", Kind.COMPACT_DATETIME),
        Field(CAL, "DayOfMonth", Kind.INTEGER),
        Field(CAL, "CalendarType", Kind.INTEGER, first=V14_0),
        Field(CAL, "IsLeapMonth", Kind.BOOLEAN, first=V14_0),
        Field(CAL, "FirstDayOfWeek", Kind.INTEGER, first=V14_1),
    ),
)

#: Children of calendar:Exception (MS-ASCAL 2.2.2.21; versions per element section).
EXCEPTION: Final[tuple[Field, ...]] = (
    Field(CAL, "Deleted", Kind.BOOLEAN),
    Field(CAL, "ExceptionStartTime", Kind.COMPACT_DATETIME, last=V14_1),
    Field(CAL, "Subject"),
    Field(CAL, "StartTime", Kind.COMPACT_DATETIME),
    Field(CAL, "EndTime", Kind.COMPACT_DATETIME),
    Field(BASE, "Body", Kind.CONTAINER, first=V12_0, children=BODY.children),
    Field(CAL, "Location", last=V14_1),
    Field(BASE, "Location", Kind.CONTAINER, first=V16_0, children=LOCATION.children),
    Field(BASE, "Attachments", Kind.LIST, first=V16_0, item="Attachment", children=ATTACHMENTS.children),
    Field(CAL, "Categories", Kind.LIST, item="Category"),
    Field(CAL, "Sensitivity", Kind.INTEGER),
    Field(CAL, "BusyStatus", Kind.INTEGER),
    Field(CAL, "AllDayEvent", Kind.BOOLEAN),
    Field(CAL, "Reminder", Kind.INTEGER),
    Field(CAL, "DtStamp", Kind.COMPACT_DATETIME),
    Field(BASE, "InstanceId", Kind.COMPACT_DATETIME, first=V16_0),  # SPEC_MAP 5: compact
    Field(CAL, "MeetingStatus", Kind.INTEGER, first=V12_0),  # not in 2.5 exceptions (MS-ASCAL 2.2.2.28)
    Field(CAL, "Attendees", Kind.LIST, first=V14_0, item="Attendee", children=ATTENDEES.children),
    Field(CAL, "AppointmentReplyTime", Kind.COMPACT_DATETIME, first=V14_0),
    Field(CAL, "ResponseType", Kind.INTEGER, first=V14_0),
    Field(CAL, "OnlineMeetingConfLink", first=V14_1),
    Field(CAL, "OnlineMeetingExternalLink", first=V14_1),
)

EXCEPTIONS: Final = Field(CAL, "Exceptions", Kind.LIST, ghostable=True, item="Exception", children=EXCEPTION)

#: The Calendar class, in wire order.
CALENDAR: Final[tuple[Field, ...]] = (
    Field(CAL, "Timezone", ghostable=True),  # base64 TIME_ZONE_INFORMATION (MS-ASDTYPE 2.7.4)
    Field(CAL, "AllDayEvent", Kind.BOOLEAN, ghostable=True),
    Field(CAL, "Body", last=ProtocolVersion(2, 5)),  # legacy inline body (MS-ASWBXML page 4, 0x0B)
    Field(CAL, "BodyTruncated", Kind.BOOLEAN, last=ProtocolVersion(2, 5)),
    Field(CAL, "Rtf", last=ProtocolVersion(2, 5)),  # base64 compressed RTF, 2.5 only (Z-Push, Horde)
    BODY,
    Field(CAL, "BusyStatus", Kind.INTEGER, ghostable=True),
    Field(CAL, "OrganizerName", ghostable=True),
    Field(CAL, "OrganizerEmail", ghostable=True),
    Field(CAL, "DtStamp", Kind.COMPACT_DATETIME, ghostable=True),
    Field(CAL, "EndTime", Kind.COMPACT_DATETIME, ghostable=True),
    # MS-ASCAL 2.2.2.27: "The top-level Location element cannot be ghosted" (although MS-ASCMD
    # 2.2.3.179 lists it as a required child of Supported, and Calendar.xsd in GhostingProps).
    Field(CAL, "Location", last=V14_1),
    LOCATION,
    Field(CAL, "Reminder", Kind.INTEGER, ghostable=True),
    Field(CAL, "Sensitivity", Kind.INTEGER, ghostable=True),
    Field(CAL, "Subject", ghostable=True),
    Field(CAL, "StartTime", Kind.COMPACT_DATETIME, ghostable=True),
    Field(CAL, "UID", ghostable=True),
    Field(CAL, "MeetingStatus", Kind.INTEGER, ghostable=True),
    ATTENDEES,
    CATEGORIES,
    RECURRENCE,
    EXCEPTIONS,
    ATTACHMENTS,
    Field(BASE, "NativeBodyType", Kind.INTEGER, first=V12_0),
    Field(CAL, "ResponseRequested", Kind.BOOLEAN, first=V14_0, ghostable=True),
    Field(CAL, "AppointmentReplyTime", Kind.COMPACT_DATETIME, first=V14_0, ghostable=True),
    Field(CAL, "ResponseType", Kind.INTEGER, first=V14_0, ghostable=True),
    Field(CAL, "DisallowNewTimeProposal", Kind.BOOLEAN, first=V14_0, ghostable=True),
    Field(CAL, "OnlineMeetingConfLink", first=V14_1, ghostable=True),
    Field(CAL, "OnlineMeetingExternalLink", first=V14_1, ghostable=True),
    Field(CAL, "ClientUid", first=V16_0),
)


def _named(names: Iterable[str]) -> set[str]:
    """Supported children as qualified names; a bare tag means the Calendar namespace."""
    return {name if ":" in name else f"{CAL}:{name}" for name in names}


def ghosted_properties(version: ProtocolVersion, supported: list[str] | None) -> set[str]:
    """The qualified names (``"Calendar:Subject"``) of properties that keep their stored value when a
    Sync Change omits them.

    ``supported`` is what the client sent in airsync:Supported with SyncKey 0 for the folder: None
    when it sent no Supported element, a list (possibly empty) of its children otherwise.
    MS-ASCMD 2.2.3.179: no Supported -> nothing ghosted; empty Supported -> everything ghostable is
    ghosted; otherwise the ghostable elements not named are ghosted. MS-ASCAL 3.1.5.3: in 16.0 and
    16.1 every top-level Calendar class element is ghosted when not present, Supported or not.
    """
    defined = [f for f in CALENDAR if f.defined_in(version)]
    if version >= V16_0:
        return {f.qname for f in defined}
    if supported is None:
        return set()
    named = _named(supported)
    return {f.qname for f in defined if f.ghostable and f.qname not in named}
