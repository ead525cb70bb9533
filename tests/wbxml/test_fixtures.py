"""One table of (XML twin, bytes) cases drives the encoder, the decoder and the XML view."""

from __future__ import annotations

import pytest

from airsync.wbxml import WBXMLError, decode, encode, from_xml, to_xml

from .cases import SPEC_EXAMPLE_PREFIX, Case, load_cases

CASES = load_cases()
IDS = [case.name for case in CASES]


def test_the_table_covers_what_it_should() -> None:
    names = set(IDS)
    assert {f"pyactivesync_0{i}" for i in range(7)} <= {name[:15] for name in names}
    assert {"spec_sync_add_contact", "sendmail_mime_opaque", "find_gal_request"} <= names
    for case in CASES:
        assert case.wbxml, f"{case.name}: missing .wbxml twin"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_encode_matches_bytes(case: Case) -> None:
    assert encode(case.tree) == case.wbxml


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_decode_matches_twin(case: Case) -> None:
    assert decode(case.wbxml) == case.tree


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_twin_is_canonical(case: Case) -> None:
    # The twin is what to_xml writes, so that regenerated twins diff cleanly.
    assert to_xml(decode(case.wbxml)) == case.xml
    assert from_xml(to_xml(case.tree, pretty=False)) == case.tree


def test_spec_example_bytes() -> None:
    case = next(case for case in CASES if case.name == "spec_sync_add_contact")
    assert case.wbxml.startswith(SPEC_EXAMPLE_PREFIX)


def test_page_switches_are_minimal_and_global() -> None:
    case = next(case for case in CASES if case.name == "spec_sync_add_contact")
    # AirSync -> AirSyncBase (Body) -> Contacts (FileAs) -> AirSyncBase (NativeBodyType); the END
    # tokens closing Body do not switch back.
    assert case.wbxml.count(b"\x00\x11") == 2
    assert case.wbxml.count(b"\x00\x01\x5e") == 1


def test_highest_page_and_opaque_are_covered() -> None:
    find = next(case for case in CASES if case.name == "find_gal_request")
    assert find.wbxml[4:6] == b"\x00\x19"  # SWITCH_PAGE 25
    mime = next(case for case in CASES if case.name == "sendmail_mime_opaque").tree.find("Mime")
    assert mime is not None and isinstance(mime.value, bytes)
    assert b"\xc3" in next(case for case in CASES if case.name == "sendmail_mime_opaque").wbxml


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_truncation_fails_cleanly(case: Case) -> None:
    for cut in range(len(case.wbxml)):
        with pytest.raises(WBXMLError) as info:
            decode(case.wbxml[:cut])
        assert 0 <= info.value.offset <= cut, (cut, info.value)
