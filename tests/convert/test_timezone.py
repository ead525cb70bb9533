"""The EAS TimeZone blob (MS-ASDTYPE 2.7.4) to and from zones, across DST in both hemispheres."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from airsync.convert.timezone import (
    BLOB_SIZE,
    EasTimezone,
    SystemTime,
    TimeZoneInformation,
    blob_for_zone,
    info_for_zone,
    zone_for_blob,
)

# MS-ASCAL 4.3's Pacific blob (2005, before the US rules changed in 2007: DST from the first Sunday
# of April to the last Sunday of October, 02:00). The seed's copy is OCR-damaged; the structure is
# rebuilt here from its readable parts ("Pacific Standard Time", month 10 week 5, month 4 week 1).
PACIFIC_2005 = TimeZoneInformation(
    bias=480,
    standard_name="Pacific Standard Time",
    standard_date=SystemTime(0, 10, 0, 5, 2),
    daylight_name="Pacific Daylight Time",
    daylight_date=SystemTime(0, 4, 0, 1, 2),
    daylight_bias=-60,
)
# MS-ASCAL 4.1 (2008): the rules from 2007 on, second Sunday of March to first Sunday of November.
PACIFIC_2008 = TimeZoneInformation(
    bias=480,
    standard_name="Pacific Standard Time",
    standard_date=SystemTime(0, 11, 0, 1, 2),
    daylight_name="Pacific Daylight Time",
    daylight_date=SystemTime(0, 3, 0, 2, 2),
    daylight_bias=-60,
)
# The seed's damaged text: it does not decode to 172 bytes.
SEED_BLOB = (
    "4AEAAFAAYQBjAGkAZgBpAGMAIABTAHQAYQBjAGQAYQBjAGQA IABUAGkA bQBlAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAIAAAAAAAAAAAAAAAAAAFAAYQBjAGkAZgBpAGMA IABEAGEAeQBsaGkAZwBoAHQAIABUAGkAbQBlAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMAAACAAIAAAAAAAAAxP//w=="
)

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "UTC",
    "Pacific/Chatham",
    "Europe/London",
]


def test_layout_is_172_bytes_little_endian() -> None:
    data = PACIFIC_2005.pack()
    assert len(data) == BLOB_SIZE
    assert data[:4] == (480).to_bytes(4, "little", signed=True)
    assert data[4:48].decode("utf-16-le") == "Pacific Standard Time\0"
    assert data[68:84] == bytes.fromhex("0000 0a00 0000 0500 0200 0000 0000 0000".replace(" ", ""))
    assert data[-4:] == (-60).to_bytes(4, "little", signed=True)
    assert base64.b64encode(data).decode().startswith("4AEAAFAAYQBjAGkAZgBpAGMAIABTAHQAYQBuAGQAYQByAGQA")


def test_the_seed_blob_prefix_matches_ours() -> None:
    # The undamaged head of the seed's blob is the same Bias and StandardName.
    assert PACIFIC_2008.to_base64().startswith(SEED_BLOB[:34])


def test_damaged_seed_blob_gives_utc_with_a_warning(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        assert zone_for_blob(SEED_BLOB) == ZoneInfo("UTC")
    assert "TimeZone blob" in caplog.text


@pytest.mark.parametrize("blob", ["", "!!!", "AAAA", base64.b64encode(b"\xff" * 172).decode()])
def test_garbage_gives_utc(blob) -> None:
    assert zone_for_blob(blob) == ZoneInfo("UTC")


def test_spec_pacific_blob_matches_los_angeles_in_its_year() -> None:
    assert zone_for_blob(PACIFIC_2008.to_base64(), 2008) == ZoneInfo("America/Los_Angeles")
    assert zone_for_blob(PACIFIC_2005.to_base64(), 2005) == ZoneInfo("America/Los_Angeles")


def test_old_rule_in_a_later_year_gets_its_own_zone() -> None:
    zone = zone_for_blob(PACIFIC_2005.to_base64(), 2024)
    assert isinstance(zone, EasTimezone)
    # First Sunday of April 2024 is April 7: still standard time on the 6th, daylight on the 8th.
    assert datetime(2024, 4, 6, 12, tzinfo=zone).utcoffset() == timedelta(hours=-8)
    assert datetime(2024, 4, 8, 12, tzinfo=zone).utcoffset() == timedelta(hours=-7)
    assert datetime(2024, 10, 28, 12, tzinfo=zone).utcoffset() == timedelta(hours=-8)


@pytest.mark.parametrize("key", ZONES)
@pytest.mark.parametrize("year", [2005, 2012, 2024])
def test_zone_round_trips_through_its_blob(key, year) -> None:
    zone = ZoneInfo(key)
    blob = blob_for_zone(zone, year)
    assert len(base64.b64decode(blob)) == BLOB_SIZE
    back = zone_for_blob(blob, year)
    # Same offsets all year round (checked every 6 hours).
    instant = datetime(year, 1, 1, tzinfo=UTC)
    while instant.year == year:
        assert instant.astimezone(back).utcoffset() == instant.astimezone(zone).utcoffset(), instant
        instant += timedelta(hours=6)


def test_berlin_rule_is_last_sunday() -> None:
    info = info_for_zone(ZoneInfo("Europe/Berlin"), 2023)  # 26 March 2023 is the 4th and last Sunday
    assert info.bias == -60 and info.daylight_bias == -60
    assert info.daylight_date == SystemTime(0, 3, 0, 5, 2)
    assert info.standard_date == SystemTime(0, 10, 0, 5, 3)
    assert info.standard_name == "W. Europe Standard Time"


def test_new_york() -> None:
    info = info_for_zone(ZoneInfo("America/New_York"), 2024)
    assert info.bias == 300
    assert info.daylight_date == SystemTime(0, 3, 0, 2, 2)
    assert info.standard_date == SystemTime(0, 11, 0, 1, 2)


def test_southern_hemisphere_sydney() -> None:
    info = info_for_zone(ZoneInfo("Australia/Sydney"), 2024)
    assert info.bias == -600
    assert info.daylight_date == SystemTime(0, 10, 0, 1, 2)  # DST starts in October
    assert info.standard_date == SystemTime(0, 4, 0, 1, 3)  # and ends in April
    zone = EasTimezone(info)
    assert datetime(2024, 1, 15, 12, tzinfo=zone).utcoffset() == timedelta(hours=11)
    assert datetime(2024, 7, 15, 12, tzinfo=zone).utcoffset() == timedelta(hours=10)


def test_sao_paulo_historic_and_today() -> None:
    info = info_for_zone(ZoneInfo("America/Sao_Paulo"), 2012)
    assert info.bias == 180 and info.has_dst
    assert info.daylight_date.month == 10 and info.standard_date.month == 2
    assert info.daylight_date.hour == 0  # Brazil switched at midnight
    assert not info_for_zone(ZoneInfo("America/Sao_Paulo"), 2024).has_dst  # abolished in 2019


def test_zones_without_dst_have_zero_dates() -> None:
    for key, bias in (("Asia/Kolkata", -330), ("UTC", 0)):
        info = info_for_zone(ZoneInfo(key), 2024)
        assert info.bias == bias
        assert info.standard_date == SystemTime() and info.daylight_date == SystemTime()
        assert info.daylight_bias == 0


def test_chatham_quarter_hours() -> None:
    info = info_for_zone(ZoneInfo("Pacific/Chatham"), 2024)
    assert info.bias == -765
    assert info.daylight_date.minute == 45 and info.standard_date.minute == 45


def test_fixed_offsets() -> None:
    blob = blob_for_zone(timezone(timedelta(hours=5, minutes=45)), 2024)
    assert TimeZoneInformation.from_base64(blob).bias == -345
    assert zone_for_blob(blob, 2024).utcoffset(datetime(2024, 1, 1)) == timedelta(hours=5, minutes=45)
    assert zone_for_blob(blob_for_zone(timezone(timedelta(hours=-3)), 2024), 2024) is not None


def test_windows_name_wins_among_equal_rules() -> None:
    # Berlin, Paris, Rome... share one rule: the blob's name picks Romance -> Paris.
    info = info_for_zone(ZoneInfo("Europe/Berlin"), 2024)
    renamed = TimeZoneInformation(**{**info.__dict__, "standard_name": "Romance Standard Time"})
    assert zone_for_blob(renamed.to_base64(), 2024) == ZoneInfo("Europe/Paris")


def test_eas_timezone_fold_and_fromutc() -> None:
    zone = EasTimezone(info_for_zone(ZoneInfo("Europe/Berlin"), 2024))
    berlin = ZoneInfo("Europe/Berlin")
    instant = datetime(2024, 10, 26, 22, tzinfo=UTC)
    while instant < datetime(2024, 10, 27, 4, tzinfo=UTC):
        ours, theirs = instant.astimezone(zone), instant.astimezone(berlin)
        assert ours.replace(tzinfo=None) == theirs.replace(tzinfo=None)
        assert ours.fold == theirs.fold and ours.utcoffset() == theirs.utcoffset()
        assert ours.astimezone(UTC) == instant
        instant += timedelta(minutes=30)


@settings(max_examples=60, deadline=None)
@given(
    key=st.sampled_from(
        [*ZONES, "Australia/Lord_Howe", "America/Santiago", "Pacific/Auckland", "Asia/Tehran"]
    ),
    year=st.integers(2000, 2030),
)
def test_property_blob_rules_agree_with_the_zone(key, year) -> None:
    zone = ZoneInfo(key)
    # One EAS blob holds one yearly rule: years in which a zone gained or dropped DST (Sao Paulo
    # 2019, Tehran 2022) have one transition, or a changed one, and cannot be expressed.
    offsets = [datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=d) for d in range(366)]
    changes = sum(
        1 for a, b in pairwise(offsets) if a.astimezone(zone).utcoffset() != b.astimezone(zone).utcoffset()
    )
    assume(
        changes in (0, 2)
        and offsets[0].astimezone(zone).utcoffset() == offsets[-1].astimezone(zone).utcoffset()
    )
    fallback = EasTimezone(info_for_zone(zone, year))
    for month in range(1, 13):
        instant = datetime(year, month, 15, 12, tzinfo=UTC)
        assert instant.astimezone(fallback).utcoffset() == instant.astimezone(zone).utcoffset()
