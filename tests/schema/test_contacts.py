"""The Contact class table (MS-ASCNTC) against Contacts.xsd/Contacts2.xsd, the code pages and WBXML."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airsync.protocol.versions import SUPPORTED_VERSIONS, V2_5, V12_0, V12_1, V14_0, V16_1
from airsync.schema.contacts import CONTACTS, ghosted_properties
from airsync.schema.fields import ghostable
from tests.schema._tables import check_code_pages, defined, values_for, wbxml_round_trip, xsd_group

by_qname = {f.qname: f for f in CONTACTS}


def test_every_xsd_element_is_in_the_table_in_xsd_order() -> None:
    contacts = xsd_group("Contacts.xsd")
    contacts2 = xsd_group("Contacts2.xsd")
    for tag in contacts:
        assert f"Contacts:{tag}" in by_qname, tag
    for tag in contacts2:
        assert f"Contacts2:{tag}" in by_qname, tag
    ours = [f.tag for f in CONTACTS if f.ns == "Contacts" and f.tag in contacts]
    assert ours == contacts
    assert [f.tag for f in CONTACTS if f.ns == "Contacts2"] == contacts2
    # Beyond the XSDs: the 2.5 compressed-RTF notes, and the AirSyncBase body of 12.0+.
    extra = (
        {f.qname for f in CONTACTS}
        - {f"Contacts:{t}" for t in contacts}
        - {f"Contacts2:{t}" for t in contacts2}
    )
    assert extra == {"Contacts:Rtf", "AirSyncBase:Body"}


def test_ghostable_matches_the_xsd_ghosting_props() -> None:
    xsd = set(xsd_group("Contacts.xsd", "GhostingProps")) - {"AssistnamePhoneNumber"}  # an XSD typo
    xsd |= set(xsd_group("Contacts2.xsd", "GhostingProps"))
    assert {f.tag for f in CONTACTS if f.ghostable} == xsd


def test_versions() -> None:
    assert not by_qname["Contacts:Alias"].defined_in(V12_1)
    assert by_qname["Contacts:WeightedRank"].defined_in(V14_0)
    for tag in ("Body", "BodySize", "BodyTruncated", "Rtf"):
        assert by_qname[f"Contacts:{tag}"].defined_in(V2_5)
        assert not by_qname[f"Contacts:{tag}"].defined_in(V12_0)
    assert not by_qname["AirSyncBase:Body"].defined_in(V2_5)
    assert by_qname["AirSyncBase:Body"].defined_in(V16_1)


def test_code_pages_agree() -> None:
    check_code_pages(CONTACTS)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
def test_ghosted_properties(version) -> None:  # type: ignore[no-untyped-def]
    every = ghostable(CONTACTS, version)
    assert ghosted_properties(version, None) == set()  # no Supported: nothing ghosted
    assert ghosted_properties(version, []) == every  # empty Supported: everything ghostable
    sent = ["Contacts:FirstName", "Contacts2:NickName", "LastName", "Contacts:Alias"]
    assert ghosted_properties(version, sent) == every - {
        "Contacts:FirstName",
        "Contacts2:NickName",
        "Contacts:LastName",
    }
    assert "Contacts:Picture" in every and "Contacts:Alias" not in every


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS, ids=str)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_wbxml_round_trip(version, data) -> None:  # type: ignore[no-untyped-def]
    value = data.draw(values_for(CONTACTS, version))
    assert wbxml_round_trip(CONTACTS, value, version) == defined(CONTACTS, value, version)
