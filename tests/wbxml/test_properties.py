"""Property tests: round trips over random trees, and no crash but WBXMLError on mutated input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airsync.wbxml import Element, WBXMLError, decode, encode, from_xml, to_xml

from .cases import load_cases
from .strategies import trees

FIXTURE_BYTES = [case.wbxml for case in load_cases()]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(trees)
def test_wbxml_round_trip(tree: Element) -> None:
    assert decode(encode(tree)) == tree


@SETTINGS
@given(trees, st.booleans())
def test_xml_round_trip(tree: Element, pretty: bool) -> None:
    assert from_xml(to_xml(tree, pretty=pretty)) == tree


@SETTINGS
@given(trees)
def test_xml_view_agrees_with_wbxml(tree: Element) -> None:
    assert encode(from_xml(to_xml(tree))) == encode(tree)


def _decode_or_error(data: bytes) -> None:
    try:
        result = decode(data)
    except WBXMLError as exc:
        assert isinstance(exc.offset, int) and exc.offset >= 0
        assert str(exc)
    else:
        assert isinstance(result, Element)
        assert decode(encode(result)) == result


@SETTINGS
@given(
    st.sampled_from(FIXTURE_BYTES),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_mutated_fixtures_decode_or_fail_cleanly(data: bytes, edits: list[tuple[int, int]]) -> None:
    mutated = bytearray(data)
    for where, byte in edits:
        mutated[where % len(mutated)] = byte
    _decode_or_error(bytes(mutated))


@SETTINGS
@given(st.sampled_from(FIXTURE_BYTES), st.integers(min_value=0), st.binary(min_size=1, max_size=8))
def test_spliced_fixtures_decode_or_fail_cleanly(data: bytes, where: int, junk: bytes) -> None:
    where %= len(data) + 1
    _decode_or_error(data[:where] + junk + data[where:])
    _decode_or_error(data[:where] + data[where + len(junk) :])


@SETTINGS
@given(st.binary(max_size=200))
def test_arbitrary_bytes_decode_or_fail_cleanly(data: bytes) -> None:
    _decode_or_error(b"\x03\x01\x6a\x00" + data)
    _decode_or_error(data)
