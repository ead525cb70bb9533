"""Checks every field table gets: against its XSD, its code pages, and a WBXML round trip."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from airsync.protocol.versions import SUPPORTED_VERSIONS, ProtocolVersion
from airsync.schema.fields import Field, Kind, decode_fields, encode_fields
from airsync.wbxml import E, decode, encode
from airsync.wbxml.codepages import TAGS_BY_NAME
from tests.data import XSD_DIR as _XSD_DIR

_XS = "{http://www.w3.org/2001/XMLSchema}"
_CANDIDATES = (_XSD_DIR,)
XSD_DIR = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])


def xsd_group(filename: str, group: str = "AllProps") -> list[str]:
    """The element names of an xs:group, in order (refs and local names alike)."""
    root = ET.parse(XSD_DIR / filename).getroot()
    for node in root.iter(f"{_XS}group"):
        if node.get("name") == group:
            return [el.get("ref") or el.get("name") or "" for el in node.iter(f"{_XS}element")]
    raise AssertionError(f"no group {group} in {filename}")


def xsd_children(filename: str, element: str) -> list[str]:
    """The names of the child elements declared inside a global element, in order."""
    root = ET.parse(XSD_DIR / filename).getroot()
    for node in root.findall(f"{_XS}element"):
        if node.get("name") == element:
            return [el.get("ref") or el.get("name") or "" for el in node.iter(f"{_XS}element")][1:]
    raise AssertionError(f"no element {element} in {filename}")


def walk(fields: Iterable[Field]) -> Iterator[Field]:
    for field in fields:
        yield field
        yield from walk(field.children)


def check_code_pages(fields: Iterable[Field]) -> None:
    """Every field is a tag of its code page, and no field claims a version its token lacks."""
    for field in walk(fields):
        tags = TAGS_BY_NAME[field.ns]
        assert field.tag in tags, field.qname
        versions = tags[field.tag].versions
        for version in SUPPORTED_VERSIONS:
            if field.defined_in(version) and versions is not None:
                assert str(version) in versions, f"{field.qname} in {version}"
        if field.kind is Kind.LIST:
            assert field.item in tags, f"{field.ns}:{field.item}"


def wbxml_round_trip(fields: tuple[Field, ...], data: Mapping[str, Any], version: ProtocolVersion) -> dict:
    """encode_fields -> WBXML bytes -> decode -> decode_fields."""
    root = E("AirSync:ApplicationData", encode_fields(fields, data, version))
    return decode_fields(fields, decode(encode(root)), version, strict=True)


def defined(fields: Iterable[Field], data: Mapping[str, Any], version: ProtocolVersion) -> dict:
    """``data`` without what ``version`` does not define (recursively for containers)."""
    out: dict[str, Any] = {}
    by_tag: dict[str, Field] = {}
    for field in fields:
        if field.defined_in(version):
            by_tag[field.tag] = field
    for tag, value in data.items():
        field = by_tag.get(tag)
        if field is None or value is None:
            continue
        if field.kind is Kind.CONTAINER:
            out[tag] = defined(field.children, value, version)
        elif field.kind is Kind.LIST and field.children:
            out[tag] = [defined(field.children, v, version) for v in value]
        else:
            out[tag] = value
    return out


def values_for(fields: Iterable[Field], version: ProtocolVersion) -> Any:
    """A hypothesis strategy of dicts using any subset of the fields ``version`` defines."""
    from datetime import UTC, datetime

    from hypothesis import strategies as st

    texts = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20)
    moments = st.datetimes(datetime(1900, 1, 1), datetime(2200, 1, 1)).map(lambda d: d.replace(tzinfo=UTC))

    def scalar(kind: Kind) -> Any:
        return {
            Kind.STRING: texts,
            Kind.INTEGER: st.integers(0, 2**31 - 1),
            Kind.BOOLEAN: st.booleans(),
            Kind.DATETIME: moments.map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)),
            Kind.COMPACT_DATETIME: moments.map(lambda d: d.replace(microsecond=0)),
            Kind.EMPTY: st.just(True),
        }[kind]

    def strategy(field: Field) -> Any:
        if field.kind is Kind.CONTAINER:
            return values_for(field.children, version)
        if field.kind is Kind.LIST:
            item = values_for(field.children, version) if field.children else scalar(field.item_kind)
            return st.lists(item, min_size=1, max_size=4)
        return scalar(field.kind)

    chosen = {f.tag: strategy(f) for f in fields if f.defined_in(version)}
    return st.fixed_dictionaries({}, optional=chosen)
