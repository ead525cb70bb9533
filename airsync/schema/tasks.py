"""The Task class (MS-ASTASK): Tasks (code page 9) and AirSyncBase:Body.

Order follows the ``AllProps`` group of Tasks.xsd. Versions: MS-ASTASK 2.2.2.x and MS-ASWBXML
2.1.2.1.10; the 2.5-only Tasks:Body/BodySize/BodyTruncated/Rtf tokens gave way to airsyncbase:Body in
12.0; CalendarType and IsLeapMonth came with 14.0, FirstDayOfWeek with 14.1. No Task element can be
ghosted (MS-ASTASK defines none); instead MS-ASTASK 3.2.5.3.1/3.2.5.3.2 say a Change without
Importance or ReminderSet keeps the stored value.

OrdinalDate and SubOrdinalDate are documented as children of email:Flag (MS-ASTASK 2.2.2.19/28),
but Tasks.xsd lists them among a task's properties, so they are here too (12.0+).
"""

from __future__ import annotations

from collections.abc import Iterable

from airsync.protocol.versions import V2_5, V12_0, V14_0, V14_1, ProtocolVersion

from .contacts import BODY
from .fields import Field, Kind

T = "Tasks"

RECURRENCE = Field(
    T,
    "Recurrence",
    Kind.CONTAINER,
    children=(
        Field(T, "Type", Kind.INTEGER),  # 0 daily, 1 weekly, 2 monthly, 3 monthly on the nth day, 5, 6 yearly
        Field(T, "Start", Kind.DATETIME),
        Field(T, "Until", Kind.DATETIME),
        Field(T, "Occurrences", Kind.INTEGER),
        Field(T, "Interval", Kind.INTEGER),
        Field(T, "DayOfWeek", Kind.INTEGER),  # bit mask: Sunday 1 ... Saturday 64
        Field(T, "DayOfMonth", Kind.INTEGER),
        Field(T, "WeekOfMonth", Kind.INTEGER),  # 1-4, 5 = last
        Field(T, "MonthOfYear", Kind.INTEGER),
        Field(T, "Regenerate", Kind.BOOLEAN),
        Field(T, "DeadOccur", Kind.INTEGER),  # unsignedByte, any non-zero value marks a recurring task
        Field(T, "CalendarType", Kind.INTEGER, first=V14_0),
        Field(T, "IsLeapMonth", Kind.BOOLEAN, first=V14_0),
        Field(T, "FirstDayOfWeek", Kind.INTEGER, first=V14_1),  # 0 Sunday ... 6 Saturday
    ),
)

TASKS: tuple[Field, ...] = (
    Field(T, "Subject"),
    # 2.5 only: the notes as plain text, their truncation, and as compressed RTF (base64).
    Field(T, "Body", last=V2_5),
    Field(T, "BodySize", Kind.INTEGER, last=V2_5),
    Field(T, "BodyTruncated", Kind.BOOLEAN, last=V2_5),
    Field(T, "Importance", Kind.INTEGER),  # 0 low, 1 normal, 2 high; others are echoed back
    Field(T, "UtcStartDate", Kind.DATETIME),
    Field(T, "StartDate", Kind.DATETIME),  # local wall-clock time, written with a Z
    Field(T, "UtcDueDate", Kind.DATETIME),
    Field(T, "DueDate", Kind.DATETIME),
    Field(T, "Categories", Kind.LIST, item="Category"),
    RECURRENCE,
    Field(T, "Complete", Kind.BOOLEAN),
    Field(T, "DateCompleted", Kind.DATETIME),
    Field(T, "Sensitivity", Kind.INTEGER),  # 0 normal, 1 personal, 2 private, 3 confidential
    Field(T, "ReminderTime", Kind.DATETIME),
    Field(T, "ReminderSet", Kind.BOOLEAN),
    Field(T, "OrdinalDate", Kind.DATETIME, first=V12_0),
    Field(T, "SubOrdinalDate", first=V12_0),
    Field(T, "Rtf", last=V2_5),
    BODY,
)


def ghosted_properties(version: ProtocolVersion, supported: Iterable[str] | None) -> set[str]:
    """MS-ASCMD 2.2.3.179 for tasks: no Task element is ghostable, so nothing is ever ghosted."""
    return set()


__all__ = ["RECURRENCE", "TASKS", "ghosted_properties"]
