"""The EAS TimeZone blob (MS-ASDTYPE 2.7.4) to and from IANA zones.

The blob is base64 of a 172-byte little-endian Windows TIME_ZONE_INFORMATION:

    Bias int32          minutes WEST of UTC (UTC = local + Bias), so UTC-8 -> 480
    StandardName        32 WCHARs (UTF-16-LE, zero padded)
    StandardDate        SYSTEMTIME: when DST ends, in local daylight time
    StandardBias int32  added to Bias during standard time (0 in practice)
    DaylightName        32 WCHARs
    DaylightDate        SYSTEMTIME: when DST starts, in local standard time
    DaylightBias int32  added to Bias during DST (-60 in practice)

SYSTEMTIME is eight uint16: wYear, wMonth, wDayOfWeek (0 Sunday), wDay, wHour, wMinute, wSecond,
wMilliseconds. With wYear 0 it is a yearly rule: wDay is the week of the month, 1-5, 5 = last.
wMonth 0 means no DST. A blob describes one rule, so ``blob_for_zone`` takes the year whose
transitions it should describe (FIELD_NOTES 5: rules are not always "last Sunday").
"""

from __future__ import annotations

import base64
import binascii
import calendar
import logging
import re
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

BLOB_SIZE: Final = 172
_LAYOUT: Final = struct.Struct("<i64s8Hi64s8Hi")
assert _LAYOUT.size == BLOB_SIZE

#: Windows time zone name -> IANA zone (CLDR windowsZones, territory 001). Also the well-known
#: candidate list for matching a blob to a zone, in this order.
WINDOWS_ZONES: Final[dict[str, str]] = {
    "UTC": "UTC",
    "GMT Standard Time": "Europe/London",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "GTB Standard Time": "Europe/Bucharest",
    "FLE Standard Time": "Europe/Kiev",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Russian Standard Time": "Europe/Moscow",
    "Turkey Standard Time": "Europe/Istanbul",
    "Israel Standard Time": "Asia/Jerusalem",
    "Egypt Standard Time": "Africa/Cairo",
    "South Africa Standard Time": "Africa/Johannesburg",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "E. Africa Standard Time": "Africa/Nairobi",
    "Morocco Standard Time": "Africa/Casablanca",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "Azores Standard Time": "Atlantic/Azores",
    "Cape Verde Standard Time": "Atlantic/Cape_Verde",
    "Arab Standard Time": "Asia/Riyadh",
    "Arabian Standard Time": "Asia/Dubai",
    "Arabic Standard Time": "Asia/Baghdad",
    "Iran Standard Time": "Asia/Tehran",
    "Afghanistan Standard Time": "Asia/Kabul",
    "Pakistan Standard Time": "Asia/Karachi",
    "India Standard Time": "Asia/Kolkata",
    "Sri Lanka Standard Time": "Asia/Colombo",
    "Nepal Standard Time": "Asia/Kathmandu",
    "Bangladesh Standard Time": "Asia/Dhaka",
    "Myanmar Standard Time": "Asia/Yangon",
    "SE Asia Standard Time": "Asia/Bangkok",
    "China Standard Time": "Asia/Shanghai",
    "Singapore Standard Time": "Asia/Singapore",
    "Taipei Standard Time": "Asia/Taipei",
    "W. Australia Standard Time": "Australia/Perth",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Korea Standard Time": "Asia/Seoul",
    "Cen. Australia Standard Time": "Australia/Adelaide",
    "AUS Central Standard Time": "Australia/Darwin",
    "E. Australia Standard Time": "Australia/Brisbane",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "Tasmania Standard Time": "Australia/Hobart",
    "Lord Howe Standard Time": "Australia/Lord_Howe",
    "West Pacific Standard Time": "Pacific/Port_Moresby",
    "Central Pacific Standard Time": "Pacific/Guadalcanal",
    "New Zealand Standard Time": "Pacific/Auckland",
    "Chatham Islands Standard Time": "Pacific/Chatham",
    "Fiji Standard Time": "Pacific/Fiji",
    "Tonga Standard Time": "Pacific/Tongatapu",
    "Samoa Standard Time": "Pacific/Apia",
    "Line Islands Standard Time": "Pacific/Kiritimati",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time": "America/Los_Angeles",
    "US Mountain Standard Time": "America/Phoenix",
    "Mountain Standard Time": "America/Denver",
    "Central Standard Time": "America/Chicago",
    "Canada Central Standard Time": "America/Regina",
    "Central Standard Time (Mexico)": "America/Mexico_City",
    "Central America Standard Time": "America/Guatemala",
    "Eastern Standard Time": "America/New_York",
    "SA Pacific Standard Time": "America/Bogota",
    "Venezuela Standard Time": "America/Caracas",
    "Atlantic Standard Time": "America/Halifax",
    "SA Western Standard Time": "America/La_Paz",
    "Pacific SA Standard Time": "America/Santiago",
    "Paraguay Standard Time": "America/Asuncion",
    "Newfoundland Standard Time": "America/St_Johns",
    "E. South America Standard Time": "America/Sao_Paulo",
    "Argentina Standard Time": "America/Buenos_Aires",
    "SA Eastern Standard Time": "America/Cayenne",
    "Greenland Standard Time": "America/Godthab",
    "Montevideo Standard Time": "America/Montevideo",
    "UTC-02": "Etc/GMT+2",
    "UTC-11": "Etc/GMT+11",
    "Dateline Standard Time": "Etc/GMT+12",
    "UTC+12": "Etc/GMT-12",
}
_IANA_TO_WINDOWS: Final = {iana: name for name, iana in WINDOWS_ZONES.items()}


# The structure --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SystemTime:
    year: int = 0
    month: int = 0
    day_of_week: int = 0  #: 0 Sunday .. 6 Saturday
    day: int = 0  #: week of month 1-5 (5 = last) when year is 0, else the day of the month
    hour: int = 0
    minute: int = 0
    second: int = 0
    milliseconds: int = 0

    def as_tuple(self) -> tuple[int, ...]:
        return (
            self.year,
            self.month,
            self.day_of_week,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.milliseconds,
        )

    def resolve(self, year: int) -> datetime:
        """The naive local date-time this rule (or absolute date) gives in ``year``."""
        month = self.month
        if self.year:
            day = min(max(self.day, 1), calendar.monthrange(year, month)[1])
        else:
            first_dow = (calendar.weekday(year, month, 1) + 1) % 7  # 0 Sunday
            day = 1 + (self.day_of_week - first_dow) % 7 + (min(max(self.day, 1), 5) - 1) * 7
            while day > calendar.monthrange(year, month)[1]:
                day -= 7
        return datetime(year, month, day) + timedelta(
            hours=self.hour, minutes=self.minute, seconds=self.second, milliseconds=self.milliseconds
        )


NO_DATE: Final = SystemTime()


@dataclass(frozen=True)
class TimeZoneInformation:
    bias: int = 0
    standard_name: str = ""
    standard_date: SystemTime = field(default=NO_DATE)
    standard_bias: int = 0
    daylight_name: str = ""
    daylight_date: SystemTime = field(default=NO_DATE)
    daylight_bias: int = 0

    @property
    def has_dst(self) -> bool:
        return self.standard_date.month != 0 and self.daylight_date.month != 0

    @property
    def standard_offset(self) -> timedelta:
        return timedelta(minutes=-(self.bias + self.standard_bias))

    @property
    def daylight_offset(self) -> timedelta:
        return timedelta(minutes=-(self.bias + self.daylight_bias))

    def pack(self) -> bytes:
        return _LAYOUT.pack(
            self.bias,
            _wchars(self.standard_name),
            *self.standard_date.as_tuple(),
            self.standard_bias,
            _wchars(self.daylight_name),
            *self.daylight_date.as_tuple(),
            self.daylight_bias,
        )

    def to_base64(self) -> str:
        return base64.b64encode(self.pack()).decode("ascii")

    @classmethod
    def unpack(cls, data: bytes) -> TimeZoneInformation:
        if len(data) != BLOB_SIZE:
            raise ValueError(f"a TimeZone blob has {BLOB_SIZE} bytes, not {len(data)}")
        values = _LAYOUT.unpack(data)
        return cls(
            bias=values[0],
            standard_name=_unwchars(values[1]),
            standard_date=SystemTime(*values[2:10]),
            standard_bias=values[10],
            daylight_name=_unwchars(values[11]),
            daylight_date=SystemTime(*values[12:20]),
            daylight_bias=values[20],
        )

    @classmethod
    def from_base64(cls, blob: str) -> TimeZoneInformation:
        try:
            data = base64.b64decode("".join(blob.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"not base64: {exc}") from None
        info = cls.unpack(data)
        info.check()
        return info

    def check(self) -> None:
        """Raise ValueError for values no Windows zone can have."""
        if not -24 * 60 <= self.bias <= 24 * 60:
            raise ValueError(f"Bias {self.bias} out of range")
        for bias in (self.standard_bias, self.daylight_bias):
            if not -24 * 60 <= bias <= 24 * 60:
                raise ValueError(f"bias {bias} out of range")
        for date in (self.standard_date, self.daylight_date):
            if date.month == 0:
                continue
            if not (
                1 <= date.month <= 12
                and 0 <= date.day_of_week <= 6
                and 1 <= date.day <= 31
                and 0 <= date.hour <= 24
                and 0 <= date.minute <= 59
                and 0 <= date.second <= 59
                and 0 <= date.milliseconds <= 999
            ):
                raise ValueError(f"impossible SYSTEMTIME {date}")
            if date.year == 0 and date.day > 5:
                raise ValueError(f"week of month {date.day} out of range")

    def transitions(self, year: int) -> tuple[datetime, datetime] | None:
        """(DST starts, in local standard time; DST ends, in local daylight time) for ``year``."""
        if not self.has_dst:
            return None
        return self.daylight_date.resolve(year), self.standard_date.resolve(year)


def _wchars(name: str) -> bytes:
    data = name.encode("utf-16-le")[:62]  # 31 WCHARs and a terminating zero at least
    return data.ljust(64, b"\0")


def _unwchars(data: bytes) -> str:
    text = data.decode("utf-16-le", errors="replace")
    return text.split("\0", 1)[0]


# From a zone ----------------------------------------------------------------------------------


def _offset(tz: tzinfo, instant: datetime) -> timedelta:
    return instant.astimezone(tz).utcoffset() or timedelta(0)


def _transitions_in(tz: tzinfo, year: int) -> list[tuple[datetime, timedelta, timedelta]]:
    """(UTC instant, offset before, offset after) of every offset change in ``year`` (UTC)."""
    found = []
    day = datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=1)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    before = _offset(tz, day)
    while day < end:
        nxt = day + timedelta(days=1)
        after = _offset(tz, nxt)
        if after != before:
            low, high = day, nxt  # offset(low) == before, offset(high) == after
            while high - low > timedelta(minutes=1):
                mid = low + (high - low) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid <= low:
                    mid = low + timedelta(minutes=1)
                if _offset(tz, mid) == before:
                    low = mid
                else:
                    high = mid
            if high.year == year:
                found.append((high, before, after))
        before = after
        day = nxt
    return found


def _rule(instant: datetime, before: timedelta) -> SystemTime:
    local = (instant + before).replace(tzinfo=None)
    month_length = calendar.monthrange(local.year, local.month)[1]
    week = 5 if local.day + 7 > month_length else (local.day - 1) // 7 + 1
    return SystemTime(
        0, local.month, (local.weekday() + 1) % 7, week, local.hour, local.minute, local.second, 0
    )


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _name(tz: tzinfo, instant: datetime) -> str:
    return instant.astimezone(tz).tzname() or ""


@lru_cache(maxsize=1024)
def _info_for_zone(tz: tzinfo, year: int) -> TimeZoneInformation:
    windows = _IANA_TO_WINDOWS.get(getattr(tz, "key", ""))
    changes = _transitions_in(tz, year)
    to_dst = next((c for c in changes if c[2] > c[1]), None)
    to_std = next((c for c in changes if c[2] < c[1]), None)
    if to_dst is None or to_std is None:
        # No DST (a permanent change of standard offset counts as none): the offset at year end.
        instant = datetime(year, 12, 31, 12, tzinfo=UTC)
        offset = _offset(tz, instant)
        name = windows or _name(tz, instant)
        return TimeZoneInformation(bias=-_minutes(offset), standard_name=name, daylight_name=name)
    standard, daylight = to_std[2], to_dst[2]
    if windows:
        std_name, dst_name = windows, windows.replace("Standard", "Daylight")
    else:
        std_name, dst_name = _name(tz, to_std[0]), _name(tz, to_dst[0])
    return TimeZoneInformation(
        bias=-_minutes(standard),
        standard_name=std_name,
        standard_date=_rule(to_std[0], to_std[1]),
        standard_bias=0,
        daylight_name=dst_name,
        daylight_date=_rule(to_dst[0], to_dst[1]),
        daylight_bias=-_minutes(daylight - standard),
    )


def info_for_zone(tz: tzinfo, year: int) -> TimeZoneInformation:
    """The TIME_ZONE_INFORMATION describing ``tz``'s rule in ``year``."""
    if isinstance(tz, EasTimezone):
        return tz.info
    return _info_for_zone(tz, year)


def blob_for_zone(tz: ZoneInfo | timezone | tzinfo, year: int) -> str:
    """The base64 TimeZone blob for ``tz``, derived from its actual transitions in ``year``.

    Any tzinfo works (zoneinfo, fixed offsets, zones built from a VTIMEZONE): only its offsets at
    UTC instants are read. Zones without DST in that year get zero dates.
    """
    return info_for_zone(tz, year).to_base64()


# To a zone ------------------------------------------------------------------------------------


class EasTimezone(tzinfo):
    """A tzinfo following the yearly rule of one TimeZone blob: the fallback when no IANA zone has
    the same offsets and transitions."""

    def __init__(self, info: TimeZoneInformation) -> None:
        self.info = info
        self._std = info.standard_offset
        self._dst = info.daylight_offset

    def __repr__(self) -> str:
        return f"EasTimezone({self.info.standard_name!r}, {self._std}, {self._dst})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EasTimezone) and other.info == self.info

    def __hash__(self) -> int:
        return hash(self.info)

    @property
    def key(self) -> str:
        """A TZID for iCalendar (not an IANA name, so nobody resolves it to one)."""
        total = _minutes(self._std)
        sign = "+" if total >= 0 else "-"
        label = re.sub(r"[^A-Za-z0-9 ._+-]", "", self.info.standard_name).strip() or "Custom"
        return f"EAS {label} UTC{sign}{abs(total) // 60:02d}{abs(total) % 60:02d}"

    def _in_dst_local(self, local: datetime) -> bool:
        bounds = self.info.transitions(local.year)
        if bounds is None:
            return False
        start, end = bounds  # start in standard wall time, end in daylight wall time
        if start < end:
            inside = start <= local < end
        else:
            inside = not (end <= local < start)
        if inside and local.fold and end - (self._dst - self._std) <= local < end:
            return False  # the repeated hour, second time round: standard time
        return inside

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return self._std
        return self._dst if self._in_dst_local(dt.replace(tzinfo=None)) else self._std

    def dst(self, dt: datetime | None) -> timedelta:
        return self.utcoffset(dt) - self._std

    def tzname(self, dt: datetime | None) -> str:
        if dt is not None and self.utcoffset(dt) != self._std:
            return self.info.daylight_name or self.key
        return self.info.standard_name or self.key

    def fromutc(self, dt: datetime) -> datetime:
        utc = dt.replace(tzinfo=None)
        bounds = self.info.transitions(utc.year)
        in_dst = False
        fold = 0
        if bounds is not None:
            start, end = bounds[0] - self._std, bounds[1] - self._dst
            in_dst = start <= utc < end if start < end else not (end <= utc < start)
            if not in_dst and end <= utc < end + (self._dst - self._std):
                fold = 1
        local = utc + (self._dst if in_dst else self._std)
        return local.replace(tzinfo=self, fold=fold)


def _same_rule(a: TimeZoneInformation, b: TimeZoneInformation, year: int) -> bool:
    if a.standard_offset != b.standard_offset:
        return False
    if a.has_dst != b.has_dst:
        return False
    if not a.has_dst:
        return True
    if a.daylight_offset != b.daylight_offset:
        return False
    ta, tb = a.transitions(year), b.transitions(year)
    assert ta is not None and tb is not None
    slack = timedelta(minutes=2)  # Windows writes midnight rules as 23:59:59.999 of the day before
    return all(abs(x - y) <= slack for x, y in zip(ta, tb, strict=True))


@lru_cache(maxsize=64)
def _candidates(year: int) -> tuple[tuple[ZoneInfo, TimeZoneInformation], ...]:
    out = []
    for key in dict.fromkeys(WINDOWS_ZONES.values()):
        try:
            zone = ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        out.append((zone, _info_for_zone(zone, year)))
    return tuple(out)


def _etc_zone(offset: timedelta) -> tzinfo | None:
    minutes = _minutes(offset)
    if minutes % 60 or not -14 * 60 <= minutes <= 12 * 60:
        return None
    hours = minutes // 60
    return ZoneInfo("UTC") if hours == 0 else ZoneInfo(f"Etc/GMT{-hours:+d}")


def zone_for_blob(blob: str, year: int | None = None) -> tzinfo:
    """The zone a TimeZone blob describes; never fails.

    An IANA zone whose rule in ``year`` (default: this year) has the same offsets and transitions,
    trying the zone the blob's Windows name maps to first, then the well-known zones; else, for a
    zone without DST, an ``Etc/GMT`` zone; else an ``EasTimezone`` following the blob's own rule.
    A blob that cannot be read gives UTC and a warning.
    """
    try:
        info = TimeZoneInformation.from_base64(blob)
    except ValueError as exc:
        log.warning("unreadable TimeZone blob (%s), using UTC: %.60r", exc, blob)
        return ZoneInfo("UTC")
    return zone_for_info(info, year)


def zone_for_info(info: TimeZoneInformation, year: int | None = None) -> tzinfo:
    year = year or datetime.now(UTC).year
    if not info.has_dst and info.standard_offset == timedelta(0):
        return ZoneInfo("UTC")
    candidates = list(_candidates(year))
    named = WINDOWS_ZONES.get(info.standard_name)
    if named:
        candidates.sort(key=lambda c: c[0].key != named)
    for zone, rule in candidates:
        if _same_rule(info, rule, year):
            return zone
    if not info.has_dst:
        etc = _etc_zone(info.standard_offset)
        if etc is not None:
            return etc
    return EasTimezone(info)
