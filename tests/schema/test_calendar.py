"""The Calendar field table against Calendar.xsd, the ghosting rule, and WBXML round trips."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from airsync.protocol.versions import SUPPORTED_VERSIONS, V2_5, V12_1, V14_0, V14_1, V16_0, V16_1
from airsync.schema.calendar import CALENDAR, EXCEPTION, ghosted_properties
from airsync.schema.fields import Field, Kind, decode_fields, encode_fields
from airsync.wbxml import CODE_PAGES, E, decode, encode
from tests.data import XSD_DIR as _XSD_DIR

XSD = _XSD_DIR / "Calendar.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"


def _xsd_group(name: str) -> list[str]:
    root = ET.parse(XSD).getroot()
    group = next(g for g in root.iter(f"{XS}group") if g.get("name") == name)
    return [el.get("ref") or el.get("name") for el in group.iter(f"{XS}element")]


def _xsd_children(element: str) -> set[str]:
    root = ET.parse(XSD).getroot()
    top = next(e for e in root.findall(f"{XS}element") if e.get("name") == element)
    return {el.get("ref") or el.get("name") for el in top.iter(f"{XS}element") if el is not top}


def _names(fields: tuple[Field, ...]) -> set[str]:
    return {f.tag if f.ns == "Calendar" else f"{f.ns.lower()}:{f.tag}" for f in fields}


def test_every_xsd_property_is_in_the_table() -> None:
    table = _names(CALENDAR)
    missing = [name for name in _xsd_group("AllProps") if name not in table]
    assert not missing, missing


def test_exception_children_match_the_xsd() -> None:
    xsd = {name.replace("airsyncbase:", "airsyncbase:") for name in _xsd_children("Exceptions")} - {
        "Exception"
    }
    assert xsd <= _names(EXCEPTION), xsd - _names(EXCEPTION)


def test_recurrence_and_attendee_children_match_the_xsd() -> None:
    recurrence = next(f for f in CALENDAR if f.tag == "Recurrence")
    assert _xsd_children("Recurrence") == {f.tag for f in recurrence.children}
    attendees = next(f for f in CALENDAR if f.tag == "Attendees")
    assert _xsd_children("Attendees") - {"Attendee"} == {
        f.tag if f.ns == "Calendar" else f"{f.ns}:{f.tag}" for f in attendees.children
    }


def test_calendar_namespace_times_are_compact() -> None:
    def walk(fields: tuple[Field, ...]):
        for f in fields:
            yield f
            yield from walk(f.children)

    times = {
        f.tag: f.kind for f in walk(CALENDAR) if f.tag.endswith(("Time", "Stamp", "Until", "InstanceId"))
    }
    assert set(times.values()) == {Kind.COMPACT_DATETIME}, times


def test_every_tag_exists_on_its_code_page_in_the_versions_we_declare() -> None:
    pages = {ns: {t.name: t for t in tags.values()} for ns, tags in CODE_PAGES.values()}

    def walk(fields: tuple[Field, ...]):
        for f in fields:
            yield f
            yield from walk(f.children)

    for f in walk(CALENDAR):
        tag = pages[f.ns][f.tag]
        if tag.versions:  # None = all versions
            assert str(f.first) in tag.versions, (f.qname, f.first, tag.versions)


def test_location_and_body_change_namespace_by_version() -> None:
    def defined(version):
        return {f.qname for f in CALENDAR if f.defined_in(version)}

    assert "Calendar:Location" in defined(V14_1) and "AirSyncBase:Location" not in defined(V14_1)
    assert "AirSyncBase:Location" in defined(V16_0) and "Calendar:Location" not in defined(V16_0)
    assert "Calendar:Body" in defined(V2_5) and "AirSyncBase:Body" not in defined(V2_5)
    assert "AirSyncBase:Body" in defined(V12_1) and "Calendar:Body" not in defined(V12_1)
    assert "Calendar:ClientUid" in defined(V16_1) and "Calendar:ClientUid" not in defined(V14_1)


# Ghosting (MS-ASCMD 2.2.3.179, MS-ASCAL 3.1.5.3) ------------------------------------------------


def test_no_supported_element_means_nothing_is_ghosted() -> None:
    assert ghosted_properties(V14_1, None) == set()


def test_empty_supported_means_everything_ghostable_is_ghosted() -> None:
    ghosted = ghosted_properties(V14_1, [])
    assert {"Calendar:Subject", "Calendar:Attendees", "Calendar:Exceptions", "AirSyncBase:Body"} <= ghosted
    assert "Calendar:Location" not in ghosted  # MS-ASCAL 2.2.2.27: cannot be ghosted
    assert "Calendar:ClientUid" not in ghosted


def test_named_elements_are_not_ghosted() -> None:
    ghosted = ghosted_properties(V12_1, ["Subject", "Calendar:StartTime", "AirSyncBase:Body"])
    assert "Calendar:Subject" not in ghosted
    assert "Calendar:StartTime" not in ghosted
    assert "AirSyncBase:Body" not in ghosted
    assert "Calendar:Attendees" in ghosted
    assert "Calendar:ResponseRequested" not in ghosted  # 14.0+ only


@pytest.mark.parametrize("version", [V16_0, V16_1])
@pytest.mark.parametrize("supported", [None, [], ["Subject"]])
def test_everything_is_ghosted_in_16(version, supported) -> None:
    ghosted = ghosted_properties(version, supported)
    assert {"Calendar:Subject", "AirSyncBase:Location", "Calendar:ClientUid"} <= ghosted


# WBXML round trips --------------------------------------------------------------------------

RICH = {
    "Timezone": base64.b64encode((-60).to_bytes(4, "little", signed=True) + bytes(168)).decode(),  # UTC+1
    "AllDayEvent": False,
    "Body": {"Type": 1, "EstimatedDataSize": 5, "Data": "hello", "Preview": "hel"},
    "BusyStatus": 2,
    "OrganizerName": "Rajesh M. Patel",
    "OrganizerEmail": "rajeshpatel@contoso.com",
    "DtStamp": datetime(2009, 4, 15, 16, 58, 11, tzinfo=UTC),
    "EndTime": datetime(2009, 4, 17, 18, 0, tzinfo=UTC),
    "Location": "My office",
    "Reminder": 15,
    "Sensitivity": 0,
    "Subject": "Recurring appointment test",
    "StartTime": datetime(2009, 4, 17, 17, 0, tzinfo=UTC),
    "UID": "040000008200E00074C5B7101A82E00800000000B0CD1F52EBBDC901",
    "MeetingStatus": 1,
    "Attendees": [
        {"Email": "rich@adventure-works.com", "Name": "Rich", "AttendeeStatus": 0, "AttendeeType": 1}
    ],
    "Categories": ["Red", "Blue"],
    "Recurrence": {"Type": 1, "Interval": 1, "Occurrences": 3, "DayOfWeek": 32, "FirstDayOfWeek": 1},
    "Exceptions": [
        {"Deleted": True, "ExceptionStartTime": datetime(2009, 4, 24, 17, 0, tzinfo=UTC)},
        {
            "ExceptionStartTime": datetime(2009, 5, 1, 17, 0, tzinfo=UTC),
            "StartTime": datetime(2009, 5, 1, 18, 0, tzinfo=UTC),
            "EndTime": datetime(2009, 5, 1, 19, 0, tzinfo=UTC),
            "Subject": "moved",
            "Attendees": [{"Email": "x@y", "Name": "X", "AttendeeStatus": 3, "AttendeeType": 2}],
        },
    ],
    "NativeBodyType": 1,
    "ResponseRequested": True,
    "AppointmentReplyTime": datetime(2009, 4, 16, 10, 0, tzinfo=UTC),
    "ResponseType": 1,
    "DisallowNewTimeProposal": False,
    "OnlineMeetingConfLink": "https://meet/x",
    "OnlineMeetingExternalLink": "https://meet/y",
}


def _defined(fields, data, version):
    out = {}
    for tag, value in data.items():
        field = next((f for f in fields if f.tag == tag and f.defined_in(version)), None)
        if field is None:
            continue
        if field.kind is Kind.CONTAINER:
            value = _defined(field.children, value, version)
        elif field.kind is Kind.LIST and field.children:
            value = [_defined(field.children, item, version) for item in value]
        out[tag] = value
    return out


def _for_version(version):
    data = dict(RICH)
    if version >= V16_0:
        data["Location"] = {"DisplayName": "My office", "City": "Redmond", "Latitude": "47.64"}
        data["ClientUid"] = "client-1"
        data["Exceptions"] = [
            {"Deleted": True, "InstanceId": datetime(2009, 4, 24, 17, 0, tzinfo=UTC)},
        ]
    if version == V2_5:
        data["Body"] = "hello"
        data["BodyTruncated"] = False
    return _defined(CALENDAR, data, version)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
def test_wbxml_round_trip(version) -> None:
    data = _for_version(version)
    tree = E("AirSync:ApplicationData", encode_fields(CALENDAR, data, version))
    back = decode_fields(CALENDAR, decode(encode(tree)), version, strict=True)
    assert back == data


def test_version_gates_leave_elements_out() -> None:
    elements = encode_fields(CALENDAR, RICH, V2_5)
    qnames = {e.qname for e in elements}
    assert "Calendar:ResponseRequested" not in qnames
    assert "AirSyncBase:Body" not in qnames
    attendee = next(e for e in elements if e.tag == "Attendees").children[0]
    assert [c.tag for c in attendee] == ["Email", "Name"]  # AttendeeStatus/Type are 12.0+
    assert V14_0  # imported for the table's sake


@pytest.mark.parametrize("version", [V14_1, V16_1], ids=str)
def test_application_data_is_valid_under_the_xsd(version) -> None:
    schemas = pytest.importorskip("tests.schemas")
    data = _for_version(version)
    data.pop("ClientUid", None)  # request-only (MS-ASCAL 2.2.2.13); not in the response schema
    tree = E(
        "AirSync:Sync",
        [
            E(
                "AirSync:Collections",
                [
                    E(
                        "AirSync:Collection",
                        [
                            E("AirSync:SyncKey", "2"),
                            E("AirSync:CollectionId", "1"),
                            E("AirSync:Status", "1"),
                            E(
                                "AirSync:Commands",
                                [
                                    E(
                                        "AirSync:Add",
                                        [
                                            E("AirSync:ServerId", "1:1"),
                                            E(
                                                "AirSync:ApplicationData",
                                                encode_fields(CALENDAR, data, version),
                                            ),
                                        ],
                                    )
                                ],
                            ),
                        ],
                    )
                ],
            )
        ],
    )
    schemas.validate_response(tree)
