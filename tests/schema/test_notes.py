"""The Note class table (MS-ASNOTE) against Notes.xsd, the code pages and WBXML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airsync.protocol.versions import SUPPORTED_VERSIONS, V12_1, V14_0
from airsync.schema.fields import Kind, ghostable
from airsync.schema.notes import NOTES
from tests.schema._tables import XSD_DIR, check_code_pages, defined, values_for, wbxml_round_trip

XS = "{http://www.w3.org/2001/XMLSchema}"


def test_every_xsd_element_is_in_the_table_in_xsd_order() -> None:
    root = ET.parse(XSD_DIR / "Notes.xsd").getroot()
    xsd = [el.get("name") for el in root.findall(f"{XS}element")]  # Notes.xsd has no AllProps group
    assert [f.tag for f in NOTES if f.ns == "Notes"] == xsd
    assert [f.qname for f in NOTES if f.ns != "Notes"] == ["AirSyncBase:Body"]


def test_only_from_14_0_on() -> None:
    for field in NOTES:
        assert field.defined_in(V14_0) and not field.defined_in(V12_1), field.qname
    assert {f.tag: f for f in NOTES}["LastModifiedDate"].kind is Kind.COMPACT_DATETIME


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
def test_nothing_is_ghostable(version) -> None:  # type: ignore[no-untyped-def]
    assert ghostable(NOTES, version) == set()


def test_code_pages_agree() -> None:
    check_code_pages(NOTES)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_wbxml_round_trip(version, data) -> None:  # type: ignore[no-untyped-def]
    value = data.draw(values_for(NOTES, version))
    assert wbxml_round_trip(NOTES, value, version) == defined(NOTES, value, version)
