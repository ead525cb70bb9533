"""vCard <-> Contacts: lossless round trips at every version, real-world cards, birthdays."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airsync.convert.vcard import Card, contact_to_eas, date_to_eas, eas_date, eas_to_contact, uid_of
from airsync.protocol.versions import SUPPORTED_VERSIONS, V2_5, V12_0, V14_1, V16_1, ProtocolVersion
from airsync.schema.contacts import CONTACTS, PICTURE_MAX_BASE64, ghosted_properties
from airsync.schema.fields import FieldError, Kind
from tests.schema._tables import defined

FIXTURES = Path(__file__).parent / "fixtures"
REAL_WORLD = ["apple.vcf", "google.vcf", "thunderbird.vcf", "android21.vcf"]


def lines(vcf: str) -> list[str]:
    """The unfolded content lines, the unit of "nothing lost"."""
    return [p.line() for p in Card.parse(vcf).props]


# Strategies -------------------------------------------------------------------------------------

# Realistic text: no control characters but the newline, no lone surrogates.
texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), include_characters="\n"),
    min_size=1,
    max_size=24,
)
days = st.dates(date(1601, 1, 1), date(2200, 12, 31)).map(date_to_eas)
pictures = st.binary(min_size=1, max_size=600).map(lambda b: base64.b64encode(b).decode())


def contacts(version: ProtocolVersion) -> st.SearchStrategy[dict]:
    chosen: dict[str, st.SearchStrategy] = {}
    for field in CONTACTS:
        if not field.defined_in(version) or field.tag in ("BodySize", "BodyTruncated"):
            continue
        if field.tag in ("Birthday", "Anniversary"):
            chosen[field.tag] = days
        elif field.tag == "Picture":
            chosen[field.tag] = pictures
        elif field.tag == "WeightedRank":
            chosen[field.tag] = st.integers(0, 2**31 - 1)
        elif field.kind is Kind.LIST:
            chosen[field.tag] = st.lists(texts, min_size=1, max_size=4)
        elif field.qname == "AirSyncBase:Body":
            chosen[field.tag] = st.one_of(
                st.fixed_dictionaries({"Type": st.sampled_from([1, 2]), "Data": texts}),
                st.fixed_dictionaries({"Type": st.just(3), "Data": pictures}),
            )
        elif field.tag == "Rtf":
            chosen[field.tag] = pictures
        else:
            chosen[field.tag] = texts.filter(lambda t: not t.lower().startswith("tel:"))
    return st.fixed_dictionaries({}, optional=chosen)


def expected(data: dict, version: ProtocolVersion) -> dict:
    """What reading the card back gives: ``data`` as ``version`` defines it, with the Body a
    response always carries from 12.0 on, its EstimatedDataSize filled in."""
    out = defined(CONTACTS, data, version)
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
def test_dict_to_vcard_to_dict_is_lossless(version: ProtocolVersion, data: st.DataObject) -> None:
    contact = data.draw(contacts(version))
    vcf = eas_to_contact(contact, version)
    assert contact_to_eas(vcf, version) == expected(contact, version)
    # and writing the same values back onto the stored card changes nothing
    assert lines(eas_to_contact(contact_to_eas(vcf, version), version, vcf)) == lines(vcf)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_change_replaces_what_the_client_can_send(version: ProtocolVersion, data: st.DataObject) -> None:
    before, after = data.draw(contacts(version)), data.draw(contacts(version))
    vcf = eas_to_contact(after, version, eas_to_contact(before, version))
    want = dict(after)
    for tag in ("Alias", "WeightedRank"):  # filled by the server, never deleted by a client
        if tag not in after and tag in before:
            want[tag] = before[tag]
    if "Body" not in after and "Rtf" not in after:  # MS-ASCNTC 3.1.5.4: no Body keeps the notes
        for tag in ("Body", "Rtf"):
            if tag in before:
                want[tag] = before[tag]
    assert contact_to_eas(vcf, version) == expected(want, version)


def test_fields_a_version_does_not_define_are_kept() -> None:
    vcf = eas_to_contact({"FirstName": "Ann", "Alias": "ann", "Body": {"Type": 1, "Data": "notes"}}, V16_1)
    changed = eas_to_contact({"FirstName": "Anna", "Body": "new notes"}, V2_5, vcf)
    assert contact_to_eas(changed, V16_1)["Alias"] == "ann"
    assert contact_to_eas(changed, V16_1)["Body"]["Data"] == "new notes"


# Real-world cards -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REAL_WORLD)
@pytest.mark.parametrize("version", [V2_5, V14_1, V16_1], ids=str)
def test_real_world_card_survives_unchanged(name: str, version: ProtocolVersion) -> None:
    vcf = (FIXTURES / name).read_text()
    data = contact_to_eas(vcf, version)
    assert lines(eas_to_contact(data, version, vcf)) == lines(vcf)


@pytest.mark.parametrize("name", REAL_WORLD)
def test_real_world_card_edit_touches_one_line(name: str) -> None:
    vcf = (FIXTURES / name).read_text()
    data = contact_to_eas(vcf, V16_1)
    data["MobilePhoneNumber"] = "+1 555 0199"
    new = lines(eas_to_contact(data, V16_1, vcf))
    old = lines(vcf)
    assert len(new) == len(old)
    diff = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(diff) == 1
    assert diff[0][1].startswith("TEL") and diff[0][1].endswith(":+1 555 0199")
    assert contact_to_eas("\r\n".join(["BEGIN:VCARD", *new, "END:VCARD"]), V16_1) == data


def test_apple_card() -> None:
    data = contact_to_eas((FIXTURES / "apple.vcf").read_text(), V16_1)
    assert data["Title"] == "Mr." and data["Suffix"] == "Jr." and data["JobTitle"] == "Engineer"
    assert data["Spouse"] == "Jane Appleseed" and data["Children"] == ["Timmy"]
    assert data["ManagerName"] == "Steve" and data["AssistantPhoneNumber"] == "+1 408 555 0104"
    assert data["Anniversary"].date() == date(2004, 6, 15)
    assert data["Birthday"].date() == date(1604, 5, 2)  # no year: Apple's 1604
    assert data["YomiFirstName"] == "Jonii" and data["IMAddress"] == "skype:johnny.appleseed"
    assert data["Email1Address"] == "johnny@apple.example"  # the preferred one first
    assert data["Body"]["Data"] == "Met at WWDC.\nLikes apples, pears."
    assert data["Picture"].startswith("/9j/")


def test_thunderbird_4_0_card() -> None:
    vcf = (FIXTURES / "thunderbird.vcf").read_text()
    data = contact_to_eas(vcf, V16_1)
    assert data["Spouse"] == "William King"
    assert data["Children"] == ["Byron", "Anne Isabella"]
    assert data["Anniversary"].date() == date(1835, 7, 8)
    data["Spouse"] = "Someone Else"
    data["Children"] = ["Byron"]
    data["Anniversary"] = date_to_eas(date(1835, 7, 9))
    out = lines(eas_to_contact(data, V16_1, vcf))
    assert "RELATED;TYPE=spouse;VALUE=TEXT:Someone Else" in out
    assert [line for line in out if "child" in line] == ["RELATED;TYPE=child;VALUE=text:Byron"]
    assert "ANNIVERSARY;VALUE=date:18350709" in out


def test_android_2_1_quoted_printable() -> None:
    data = contact_to_eas((FIXTURES / "android21.vcf").read_text(), V14_1)
    assert data["LastName"] == "Müller" and data["FirstName"] == "Jürgen"
    assert data["BusinessAddressStreet"] == "Straße 1"
    assert data["MobilePhoneNumber"] == "+49 170 1234567"


def test_google_card_fills_the_slots() -> None:
    data = contact_to_eas((FIXTURES / "google.vcf").read_text(), V14_1)
    assert [data[f"Email{i}Address"] for i in (1, 2, 3)] == [
        "grace@navy.example",
        "grace@home.example",
        "grace@other.example",
    ]  # the fourth stays in the card
    assert data["Home2PhoneNumber"] == "+1 202 555 0145"  # untyped: first free voice slot
    assert data["OtherAddressCity"] == "Wolfeboro"
    assert data["WebPage"] == "http://www.example.com/grace"
    assert data["FileAs"] == "Grace Hopper"  # the card's own display name


def test_unknown_properties_and_parameters_survive_an_edit() -> None:
    vcf = "\r\n".join(
        [
            "BEGIN:VCARD",
            "VERSION:3.0",
            "UID:abc",
            "N:Doe;Jane;;;",
            "FN:Jane Doe",
            "TEL;TYPE=WORK;X-CUSTOM=keep:+1 111",
            "X-UNKNOWN;FOO=bar:something",
            "END:VCARD",
        ]
    )
    data = contact_to_eas(vcf, V14_1)
    data["BusinessPhoneNumber"] = "+1 222"
    data["FirstName"] = "Janet"
    out = lines(eas_to_contact(data, V14_1, vcf))
    assert "X-UNKNOWN;FOO=bar:something" in out
    assert "TEL;TYPE=WORK;X-CUSTOM=keep;X-AIRSYNC-FIELD=BusinessPhoneNumber:+1 222" in out
    assert "FN:Janet Doe" in out and "UID:abc" in out


def test_uid() -> None:
    assert uid_of((FIXTURES / "thunderbird.vcf").read_text()) == "7c9b8f40-5f1e-4c9a-8ed1-5e9f0e3d4a11"
    assert uid_of(eas_to_contact({"FirstName": "A"}, V14_1, uid="given")) == "given"


def test_not_a_vcard() -> None:
    with pytest.raises(FieldError):
        contact_to_eas("hello", V14_1)


# Notes, picture, ghosting ------------------------------------------------------------------------


def test_crlf_notes_come_back_as_sent() -> None:
    text = "line one\r\nline two\r\n"
    vcf = eas_to_contact({"Body": {"Type": 1, "Data": text}}, V14_1)
    assert contact_to_eas(vcf, V14_1)["Body"]["Data"] == text


def test_truncated_body_does_not_replace_notes() -> None:
    vcf = eas_to_contact({"Body": {"Type": 1, "Data": "the whole text"}}, V14_1)
    changed = eas_to_contact({"Body": {"Type": 1, "Truncated": True, "Data": "the wh"}}, V14_1, vcf)
    assert contact_to_eas(changed, V14_1)["Body"]["Data"] == "the whole text"


def test_empty_body_clears_notes() -> None:
    vcf = eas_to_contact({"Body": {"Type": 1, "Data": "text"}}, V14_1)
    changed = eas_to_contact({"Body": {"Type": 1, "Data": ""}}, V14_1, vcf)
    assert "Data" not in contact_to_eas(changed, V14_1)["Body"]


def test_picture_limit() -> None:
    big = "A" * (PICTURE_MAX_BASE64 + 4)
    with pytest.raises(FieldError):  # MS-ASCNTC 2.2.2.58: Status 6
        eas_to_contact({"Picture": big}, V14_1)
    stored = "\r\n".join(
        ["BEGIN:VCARD", "VERSION:3.0", "FN:X", f"PHOTO;ENCODING=b;TYPE=JPEG:{big}", "END:VCARD"]
    )
    assert "Picture" not in contact_to_eas(stored, V14_1)  # too large to send ...
    kept = eas_to_contact({"FirstName": "X"}, V14_1, stored)
    assert big in kept.replace("\r\n ", "")  # ... so its absence from a Change deletes nothing


def test_ghosted_properties_keep_their_value() -> None:
    vcf = eas_to_contact({"FirstName": "Ann", "LastName": "Lee", "NickName": "Annie"}, V14_1)
    ghosted = ghosted_properties(V14_1, ["Contacts:FirstName"])  # LastName and NickName ghosted
    changed = eas_to_contact({"FirstName": "Anna"}, V14_1, vcf, ghosted=ghosted)
    data = contact_to_eas(changed, V14_1)
    assert (data["FirstName"], data["LastName"], data["NickName"]) == ("Anna", "Lee", "Annie")
    not_ghosted = eas_to_contact({"FirstName": "Anna"}, V14_1, vcf, ghosted=ghosted_properties(V14_1, None))
    assert "LastName" not in contact_to_eas(not_ghosted, V14_1)


# Birthdays ------------------------------------------------------------------------------------------

ZONES = [
    "Pacific/Pago_Pago",  # UTC-11
    "Pacific/Honolulu",  # UTC-10
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",  # +5:30
    "Asia/Kathmandu",  # +5:45
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",  # +12, +13 in summer
    "Pacific/Kiritimati",  # +14
]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("day", [date(1980, 5, 2), date(2000, 1, 1), date(1975, 12, 31), date(2024, 2, 29)])
def test_birthday_never_shifts(zone: str, day: date) -> None:
    tz = ZoneInfo(zone)
    sent = datetime.combine(day, time(0), tz).astimezone(UTC)  # what a client in ``zone`` sends
    vcf = eas_to_contact({"Birthday": sent, "Anniversary": sent}, V14_1, tz=tz)
    assert f"BDAY:{day.isoformat()}" in lines(vcf)
    back = contact_to_eas(vcf, V14_1)["Birthday"]
    assert back.date() == day  # a client that reads the UTC date
    offset = tz.utcoffset(datetime.combine(day, time(0)))
    assert offset is not None
    if -11 * 3600 <= offset.total_seconds() <= 12 * 3600:
        assert back.astimezone(tz).date() == day  # a client that converts to local time
        assert eas_date(sent) == day  # and without knowing the zone


def test_berlin_example_and_exchange_noon() -> None:
    assert eas_date(datetime(1980, 5, 1, 22, 0, tzinfo=UTC)) == date(1980, 5, 2)
    assert eas_date(datetime(1980, 5, 2, 11, 59, tzinfo=UTC)) == date(1980, 5, 2)
    assert eas_date(datetime(1980, 5, 2, 4, 0, tzinfo=UTC)) == date(1980, 5, 2)  # New York
    vcf = eas_to_contact({"Birthday": datetime(1980, 5, 1, 22, 0, tzinfo=UTC)}, V16_1)
    assert contact_to_eas(vcf, V16_1)["Birthday"] == datetime(1980, 5, 2, 11, 59, tzinfo=UTC)


def test_vcard_4_birthday_without_year() -> None:
    vcf = "\r\n".join(["BEGIN:VCARD", "VERSION:4.0", "FN:X", "BDAY:--0502", "END:VCARD"])
    data = contact_to_eas(vcf, V14_1)
    assert data["Birthday"].date() == date(1604, 5, 2)
    assert lines(eas_to_contact(data, V14_1, vcf)) == lines(vcf)
    data["Birthday"] = date_to_eas(date(1604, 5, 3))
    assert "BDAY;VALUE=date:--0503" in lines(eas_to_contact(data, V14_1, vcf))
