"""Declarative field tables: one declaration per EAS element drives both decoding and encoding.

A class (Calendar, Contacts, Tasks, Notes, ...) is a tuple of ``Field``s in the order its schema
wants them on the wire. Each field names its code page and tag, its value kind, the protocol
versions that define it, and whether it can be ghosted (MS-ASCMD 2.2.3.179 Supported).

The decoded form of an item is a plain dict keyed by tag name:
    {"Subject": "Lunch", "StartTime": datetime(...), "Attendees": [{"Email": ..., "Name": ...}],
     "Categories": ["Red"], "Recurrence": {"Type": 1, "Interval": 1, ...}}
Values are Python values (str, int, bool, datetime, bytes); containers are dicts, repeated elements
lists. Converting that dict to and from iCalendar or vCard is airsync.convert's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from airsync.protocol.versions import V2_5, ProtocolVersion
from airsync.wbxml import E, Element


class Kind(Enum):
    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"  #: "0"/"1"; an empty element means 1 (MS-ASDTYPE 2.1)
    DATETIME = "datetime"  #: 2000-12-25T08:35:00.000Z (MS-ASDTYPE 2.3)
    COMPACT_DATETIME = "compact"  #: 20001225T083500Z (MS-ASDTYPE 2.3, compact form)
    BYTES = "bytes"  #: OPAQUE (MS-ASDTYPE 2.2 byte array)
    CONTAINER = "container"  #: nested fields (``children``)
    LIST = "list"  #: repeated ``item`` children, each a scalar or a container
    EMPTY = "empty"  #: a marker element with no value; True when present


class FieldError(ValueError):
    """A value that cannot be decoded: the item gets Status 6 (conversion error)."""


@dataclass(frozen=True)
class Field:
    ns: str
    tag: str
    kind: Kind = Kind.STRING
    first: ProtocolVersion = V2_5
    last: ProtocolVersion | None = None
    ghostable: bool = False
    #: CONTAINER: the fields inside. LIST: the fields of each item when items are containers.
    children: tuple[Field, ...] = ()
    #: LIST: the tag of each repeated child (e.g. "Category" in "Categories").
    item: str | None = None
    #: LIST: the kind of each item when items are scalars.
    item_kind: Kind = Kind.STRING

    @property
    def qname(self) -> str:
        return f"{self.ns}:{self.tag}"

    def defined_in(self, version: ProtocolVersion) -> bool:
        return version >= self.first and (self.last is None or version <= self.last)


# Scalar codecs ----------------------------------------------------------------------------------


def format_datetime(value: datetime) -> str:
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def format_compact(value: datetime) -> str:
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.strftime("%Y%m%dT%H%M%SZ")


def parse_datetime(text: str) -> datetime:
    """Either form, leniently: clients send the extended form where the compact one is due
    (go-activesync) and the other way round."""
    text = text.strip()
    for pattern in (
        "%Y%m%dT%H%M%SZ",
        "%Y-%m-%dT%H:%M:%S.%fZ",
        "%Y-%m-%dT%H:%M:%SZ",
        "%Y%m%dT%H%M%S",
        "%Y-%m-%dT%H:%M:%S.%f",
        "%Y-%m-%dT%H:%M:%S",
    ):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise FieldError(f"not a date-time: {text[:40]!r}")


def _encode_scalar(kind: Kind, value: Any) -> str | bytes | None:
    if kind is Kind.BOOLEAN:
        return "1" if value else "0"
    if kind is Kind.INTEGER:
        return str(int(value))
    if kind is Kind.DATETIME:
        return format_datetime(value)
    if kind is Kind.COMPACT_DATETIME:
        return format_compact(value)
    if kind is Kind.BYTES:
        return bytes(value)
    if kind is Kind.EMPTY:
        return None
    return str(value)


def _decode_scalar(kind: Kind, element: Element) -> Any:
    value = element.value
    if kind is Kind.BYTES:
        return value if isinstance(value, bytes) else (value or "").encode()
    text = element.text
    if kind is Kind.BOOLEAN:
        if text.strip() in ("", "1", "true"):
            return True
        if text.strip() in ("0", "false"):
            return False
        raise FieldError(f"{element.tag}: not a boolean: {text[:20]!r}")
    if kind is Kind.INTEGER:
        try:
            return int(text.strip())
        except ValueError:
            raise FieldError(f"{element.tag}: not an integer: {text[:20]!r}") from None
    if kind in (Kind.DATETIME, Kind.COMPACT_DATETIME):
        return parse_datetime(text)
    if kind is Kind.EMPTY:
        return True
    return text


# Tables -------------------------------------------------------------------------------------------


def encode_fields(
    fields: Iterable[Field], data: Mapping[str, Any], version: ProtocolVersion
) -> list[Element]:
    """The elements for ``data``, in table order, leaving out what ``version`` does not define."""
    out: list[Element] = []
    for field in fields:
        if field.tag not in data or not field.defined_in(version):
            continue
        value = data[field.tag]
        if value is None:
            continue
        if field.kind is Kind.CONTAINER:
            out.append(E(field.qname, encode_fields(field.children, value, version)))
        elif field.kind is Kind.LIST:
            items = []
            for item in value:
                qname = f"{field.ns}:{field.item}"
                if field.children:
                    items.append(E(qname, encode_fields(field.children, item, version)))
                else:
                    items.append(E(qname, _encode_scalar(field.item_kind, item)))
            out.append(E(field.qname, items))
        elif field.kind is Kind.EMPTY:
            if value:
                out.append(E(field.qname))
        else:
            out.append(E(field.qname, _encode_scalar(field.kind, value)))
    return out


def decode_fields(
    fields: Iterable[Field], parent: Element, version: ProtocolVersion, *, strict: bool = False
) -> dict[str, Any]:
    """The dict for the children of ``parent``. Unknown elements are skipped (or, ``strict``,
    refused); an element the version does not define is read anyway, leniency costs nothing."""
    by_name = {(f.ns, f.tag): f for f in fields}
    data: dict[str, Any] = {}
    for child in parent:
        field = by_name.get((child.ns, child.tag))
        if field is None:
            if strict:
                raise FieldError(f"unexpected element {child.qname}")
            continue
        if field.kind is Kind.CONTAINER:
            data[field.tag] = decode_fields(field.children, child, version, strict=strict)
        elif field.kind is Kind.LIST:
            items: list[Any] = []
            for entry in child:
                if entry.tag != field.item:
                    if strict:
                        raise FieldError(f"unexpected element {entry.qname} in {field.tag}")
                    continue
                if field.children:
                    items.append(decode_fields(field.children, entry, version, strict=strict))
                else:
                    items.append(_decode_scalar(field.item_kind, entry))
            data[field.tag] = items
        else:
            data[field.tag] = _decode_scalar(field.kind, child)
    return data


def ghostable(fields: Iterable[Field], version: ProtocolVersion) -> set[str]:
    return {f.qname for f in fields if f.ghostable and f.defined_in(version)}
