"""Malformed input: each case raises WBXMLError at a sensible offset (MS-ASWBXML 2.1.3)."""

from __future__ import annotations

import pytest

from airsync.wbxml import Element, WBXMLError, decode, encode

H = b"\x03\x01\x6a\x00"  # WBXML 1.3, unknown public id, UTF-8, no string table


def _fails(data: bytes, offset: int, words: str, **limits: int) -> WBXMLError:
    with pytest.raises(WBXMLError) as info:
        decode(data, **limits)
    assert info.value.offset == offset, str(info.value)
    assert words in str(info.value)
    assert f"offset {offset}" in str(info.value)
    return info.value


@pytest.mark.parametrize(
    ("data", "offset", "words"),
    [
        (H + b"\x00\x1a\x45\x01", 4, "unknown code page 26"),
        (H + b"\x00\xff\x45\x01", 4, "unknown code page 255"),
        (H + b"\x45\x6a\x01\x01", 5, "unknown token 0x2A on code page AirSync"),
        (H + b"\x00\x05\x0d", 6, "unknown token 0x0D on code page Move"),
        (H + b"\x45\xcb\x01\x01\x01", 5, "attribute bit"),
        (H + b"\x85", 4, "attribute bit"),
        (H + b"\x45\x02\x41\x01", 5, "ENTITY"),
        (H + b"\x45\x04\x00\x01", 5, "LITERAL"),
        (H + b"\x45\x40\x61\x00\x01", 5, "EXT_I_0"),
        (H + b"\x45\x43\x01", 5, "PI"),
        (H + b"\x45\x80\x00\x01", 5, "EXT_T_0"),
        (H + b"\x45\x83\x00\x01", 5, "STR_T"),
        (H + b"\x45\xc0\x01", 5, "EXT_0"),
        (H + b"\x45\xc4\x01", 5, "LITERAL_AC"),
        (H + b"\x45\x4b\x03\x61\xff\x62\x00\x01\x01", 8, "not valid UTF-8"),
        (H + b"\x45\x4b\x03\xed\xa0\x80\x00\x01\x01", 7, "not valid UTF-8"),  # encoded surrogate
        (H + b"\x45\x01\x00", 6, "trailing bytes"),
        (H + b"\x45\x01\x45\x01", 6, "trailing bytes"),
        (H + b"\x05\x05", 5, "trailing bytes"),
        (H, 4, "no root element"),
        (H + b"\x00\x01", 6, "no root element"),
        (H + b"\x01", 4, "END without an open element"),
        (H + b"\x03\x61\x00", 4, "text outside the root element"),
        (H + b"\x45\x03\x61\x00\x4b\x01\x01", 8, "mixes text and child elements"),
        (H + b"\x45\x4b\x01\x03\x61\x00\x01", 10, "mixes text and child elements"),
        (H + b"\x45\x4b\x03\x61", 6, "unterminated inline string"),
        (H + b"\x45\x4b\x03\x61\x00\x01", 10, "not closed"),
        (H + b"\x45\xc3\x05ab\x01", 5, "truncated opaque data"),
        (H + b"\x45\xc3\x90\x80\x80\x80\x00\x01", 6, "longer than 32 bits"),
        (H + b"\x45\xc3\x8f\xff\xff\xff\x7f\x01", 5, "truncated opaque data"),
        (b"\x04\x01\x6a\x00\x45\x01", 0, "unsupported WBXML version"),
        (b"\x03\x01\x04\x00\x45\x01", 2, "unsupported charset MIBenum 4"),
        (b"\x03\x01\x6a\x03abc\x45\x01", 3, "string tables are not used"),
        (b"\x03\x00\x00\x6a\x00\x45\x01", 1, "public identifier in the string table"),
        (b"", 0, "empty document"),
        (b"\x03", 1, "truncated multi-byte integer"),
    ],
)
def test_malformed(data: bytes, offset: int, words: str) -> None:
    _fails(data, offset, words)


def test_depth_limit() -> None:
    # max_depth counts every element on the path, whatever its shape.
    assert decode(H + b"\x45" + b"\x5c" * 63 + b"\x01" * 64).tag == "Sync"
    _fails(H + b"\x45" + b"\x5c" * 64 + b"\x01" * 65, 4 + 64, "nested deeper than 64")
    _fails(H + b"\x45\x5c\x4f\x01\x01\x01", 6, "nested deeper than 2", max_depth=2)
    _fails(H + b"\x45\x5c\x0f\x01\x01", 6, "nested deeper than 2", max_depth=2)
    _fails(H + b"\x45\x5c\x4b\x03x\x00\x01\x01\x01", 6, "nested deeper than 2", max_depth=2)
    assert decode(H + b"\x45\x5c\x4b\x03x\x00\x01\x01\x01", max_depth=3).tag == "Sync"


def test_deep_input_is_not_a_recursion_problem() -> None:
    deep = H + b"\x45" + b"\x5c" * 99_999 + b"\x1c" + b"\x01" * 100_000
    assert decode(deep, max_depth=200_000).tag == "Sync"
    tree = decode(deep, max_depth=200_000)
    assert encode(tree) == deep


def test_size_limit() -> None:
    data = H + b"\x45\x4b\x03abc\x00\x01\x01"
    assert decode(data, max_size=len(data)).tag == "Sync"
    _fails(data, len(data) - 1, "exceeds the limit", max_size=len(data) - 1)


def test_opaque_limit() -> None:
    data = H + b"\x45\xc3\x03abc\x01"
    assert decode(data, max_opaque=3).value == b"abc"
    _fails(data, 5, "opaque data of 3 bytes exceeds the limit of 2", max_opaque=2)


def test_accepted_header_variants() -> None:
    body = b"\x45\x4b\x03x\x00\x01\x01"
    for header in (b"\x01\x01\x6a\x00", b"\x02\x01\x6a\x00", b"\x03\x01\x00\x00", b"\x03\x81\x01\x6a\x00"):
        assert decode(header + body).find("SyncKey") == Element("AirSync", "SyncKey", "x")


def test_content_forms() -> None:
    assert decode(H + b"\x45\x01") == Element("AirSync", "Sync")
    assert decode(H + b"\x45\x03\x00\x01") == Element("AirSync", "Sync")
    assert decode(H + b"\x45\x03ab\x00\x03c\x00\x01").value == "abc"
    assert decode(H + b"\x45\xc3\x01a\xc3\x01b\x01").value == b"ab"
    assert decode(H + b"\x45\x03a\x00\xc3\x01b\x01").value == "ab"
    assert decode(H + b"\x45\xc3\x00\x01").value == b""
    _fails(H + b"\x45\x03a\x00\xc3\x01\xff\x01", 8, "not valid UTF-8")
    assert decode(bytearray(H + b"\x45\x01")).tag == "Sync"
    assert decode(memoryview(H + b"\x45\x01")).tag == "Sync"
    with pytest.raises(TypeError):
        decode(5)  # type: ignore[arg-type]


def test_page_state_survives_end() -> None:
    # MS-ASWBXML example: after </airsyncbase:Body> the page stays AirSyncBase.
    data = H + b"\x45\x00\x11\x4a\x46\x031\x00\x01\x01\x56\x031\x00\x01\x01"
    tree = decode(data)
    assert [child.qname for child in tree] == ["AirSyncBase:Body", "AirSyncBase:NativeBodyType"]
    assert encode(tree) == data


@pytest.mark.parametrize(
    ("tree", "words"),
    [
        (Element("Nope", "Sync"), "unknown namespace 'Nope'"),
        (Element("AirSync", "Nope"), "no tag 'Nope' on the AirSync code page"),
        (Element("AirSync", "Sync", "a\x00b"), "U+0000"),
        (Element("AirSync", "Sync", "\ud800"), "lone surrogate"),
        (Element("AirSync", "Sync", "x", (Element("AirSync", "Status"),)), "both a value and children"),
        (Element("AirSync", "Sync", 5), "value must be str or bytes"),  # type: ignore[arg-type]
        ("not an element", "expected an Element"),
    ],
)
def test_encode_errors(tree: Element, words: str) -> None:
    with pytest.raises(WBXMLError) as info:
        encode(tree)
    assert info.value.offset == -1
    assert words in str(info.value)
    assert "offset" not in str(info.value)
