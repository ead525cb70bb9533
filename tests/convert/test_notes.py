"""Note JSON document <-> Notes: round trips at every version, carry-over, the compact date."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airsync.convert.notes import eas_to_note, note_to_eas, uid_of
from airsync.protocol.versions import SUPPORTED_VERSIONS, V12_1, V14_0, V16_1, ProtocolVersion
from airsync.schema.fields import FieldError, decode_fields, encode_fields
from airsync.schema.notes import NOTES
from airsync.wbxml import E, decode, encode, to_xml

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1
)
notes = st.fixed_dictionaries(
    {},
    optional={
        "Subject": texts,
        "MessageClass": st.sampled_from(["IPM.StickyNote", "IPM.StickyNote.Yellow"]),
        "LastModifiedDate": st.datetimes(datetime(1971, 1, 1), datetime(2099, 1, 1)).map(
            lambda d: d.replace(microsecond=0, tzinfo=UTC)
        ),
        "Categories": st.lists(texts, min_size=1, max_size=4),
        "Body": st.fixed_dictionaries({"Type": st.sampled_from([1, 2, 3]), "Data": texts}),
    },
)


def expected(data: dict, version: ProtocolVersion) -> dict:
    if version < V14_0:
        return {}
    out = dict(data)
    out.setdefault("MessageClass", "IPM.StickyNote")
    out.setdefault("LastModifiedDate", NOW)
    body = out.get("Body") or {"Type": 1, "Data": ""}
    size = len(body["Data"]) if body["Type"] == 3 else len(body["Data"].encode())
    out["Body"] = {"Type": body["Type"], "EstimatedDataSize": size} | (
        {"Data": body["Data"]} if body["Data"] else {}
    )
    return out


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
@settings(max_examples=60, deadline=None)
@given(note=notes)
def test_round_trip(version: ProtocolVersion, note: dict) -> None:
    doc = eas_to_note(note, V14_0, now=NOW)
    assert note_to_eas(doc, version) == expected(note, version)


@settings(max_examples=40, deadline=None)
@given(before=notes, after=notes)
def test_a_change_keeps_body_and_message_class_and_extras(before: dict, after: dict) -> None:
    doc = json.loads(eas_to_note(before, V16_1, now=NOW))
    doc["extra"] = {"color": "yellow"}
    doc["x-importer"] = {"source": "evernote"}
    changed = eas_to_note(after, V16_1, json.dumps(doc), now=NOW)
    want = dict(after)
    for tag in ("Body", "MessageClass"):
        if tag not in after and tag in before:
            want[tag] = before[tag]
    assert note_to_eas(changed, V16_1) == expected(want, V16_1)
    stored = json.loads(changed)
    assert stored["extra"] == {"color": "yellow"} and stored["x-importer"] == {"source": "evernote"}


def test_truncated_body_keeps_the_whole_one() -> None:
    doc = eas_to_note({"Body": {"Type": 1, "Data": "the whole note"}}, V14_0)
    changed = eas_to_note({"Body": {"Type": 1, "Truncated": True, "Data": "the wh"}}, V14_0, doc)
    assert note_to_eas(changed, V14_0)["Body"]["Data"] == "the whole note"


def test_last_modified_is_the_compact_form_on_the_wire() -> None:
    data = note_to_eas(eas_to_note({"Subject": "x", "LastModifiedDate": NOW}, V14_0), V14_0)
    xml = to_xml(decode(encode(E("AirSync:ApplicationData", encode_fields(NOTES, data, V14_0)))))
    assert "<LastModifiedDate>20240501T120000Z</LastModifiedDate>" in xml.replace("notes:", "")
    back = decode_fields(
        NOTES, decode(encode(E("AirSync:ApplicationData", encode_fields(NOTES, data, V14_0)))), V14_0
    )
    assert back == data


@pytest.mark.parametrize("bad", [{"MessageClass": "IPM.Note"}, {"Body": {"Type": 4, "Data": "x"}}])
def test_refused(bad: dict) -> None:  # MS-ASNOTE 2.2.2.5, 2.2.2.1: Status 6
    with pytest.raises(FieldError):
        eas_to_note(bad, V14_0)


def test_nothing_before_14_0_and_uid() -> None:
    doc = json.dumps({"subject": "s", "extra": {"uid": "n1"}})
    assert note_to_eas(doc, V12_1) == {}
    assert uid_of(doc) == "n1" and uid_of(eas_to_note({}, V14_0)) is None
    with pytest.raises(FieldError):
        note_to_eas("[]", V14_0)
