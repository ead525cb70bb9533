"""The request line of MS-ASHTTP 2.2.1.1.1: the plain and the base64 encoded query value.

Sans-IO: takes the raw query string and the request headers, returns a ``RequestLine``.
"""

from __future__ import annotations

import base64
import binascii
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from .versions import ProtocolVersion

#: MS-ASHTTP 2.2.1.1.1.1.2. Codes 5 to 8 are unused.
COMMAND_CODES: dict[int, str] = {
    0: "Sync",
    1: "SendMail",
    2: "SmartForward",
    3: "SmartReply",
    4: "GetAttachment",
    9: "FolderSync",
    10: "FolderCreate",
    11: "FolderDelete",
    12: "FolderUpdate",
    13: "MoveItems",
    14: "GetItemEstimate",
    15: "MeetingResponse",
    16: "Search",
    17: "Settings",
    18: "Ping",
    19: "ItemOperations",
    20: "Provision",
    21: "ResolveRecipients",
    22: "ValidateCert",
    23: "Find",
}

#: MS-ASHTTP 2.2.1.1.1.1.3: tags of the encoded command parameters.
PARAMETER_TAGS: dict[int, str] = {
    0: "AttachmentName",
    1: "CollectionId",
    3: "ItemId",
    4: "LongId",
    6: "Occurrence",
    7: "Options",
    8: "User",
}

OPTION_SAVE_IN_SENT = 0x01
OPTION_ACCEPT_MULTIPART = 0x02

_MAX_ID = 255


class QueryError(ValueError):
    """The request line cannot be understood: the answer is HTTP 400."""


@dataclass(frozen=True, slots=True)
class RequestLine:
    cmd: str
    user: str | None
    device_id: str
    device_type: str
    #: None when the client did not say (plain query without the MS-ASProtocolVersion header).
    version: ProtocolVersion | None
    policy_key: int | None
    save_in_sent: bool = False
    accept_multipart: bool = False
    locale: int | None = None
    base64: bool = False
    #: Command parameters: CollectionId, ItemId, LongId, Occurrence, AttachmentName, SaveInSent...
    params: Mapping[str, str] = field(default_factory=dict)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Header names are case-insensitive (Go clients send ``Ms-Asprotocolversion``)."""
    lname = name.lower()
    for key, value in headers.items():
        if key.lower() == lname:
            return value
    return None


def _parse_policy_key(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    text = text.strip()
    if not text.isdigit() or int(text) > 0xFFFFFFFF:
        raise QueryError(f"X-MS-PolicyKey is not an unsigned 32-bit number: {text[:20]!r}")
    return int(text)


def _check_id(name: str, value: str | None) -> str:
    if not value:
        raise QueryError(f"{name} is missing")
    if len(value) > _MAX_ID or any(ord(c) < 0x20 or c in ",;" for c in value):
        raise QueryError(f"{name} has an invalid format")
    return value


def parse_request_line(raw_query: str, headers: Mapping[str, str]) -> RequestLine:
    """Parse either query form. Raises QueryError for anything a server cannot act on."""
    if not raw_query:
        raise QueryError("the request has no query")
    # Base64 may end in "=" padding (possibly URL-encoded); any other "=" or "&" means plain text.
    from urllib.parse import unquote

    if any(c in unquote(raw_query).rstrip("=") for c in "=&"):
        return _parse_plain(raw_query, headers)
    return _parse_base64(raw_query, headers)


def _parse_plain(raw_query: str, headers: Mapping[str, str]) -> RequestLine:
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    # Parameter names are matched without regard to case or order (iOS sends User first).
    query: dict[str, str] = {}
    for key, value in pairs:
        query.setdefault(key.lower(), value)
    cmd = query.pop("cmd", "")
    if not cmd:
        raise QueryError("Cmd is missing")
    device_id = _check_id("DeviceId", query.pop("deviceid", None))
    device_type = _check_id("DeviceType", query.pop("devicetype", None))
    user = query.pop("user", None) or None
    version_text = header(headers, "MS-ASProtocolVersion")
    version: ProtocolVersion | None = None
    if version_text:
        try:
            version = ProtocolVersion.parse(version_text)
        except ValueError as exc:
            raise QueryError(str(exc)) from None
    # pyactivesync sends the acknowledged key as a PolicyKey query parameter as well: accept either.
    policy_key = _parse_policy_key(header(headers, "X-MS-PolicyKey") or query.pop("policykey", None))
    params = {_PLAIN_PARAM_NAMES.get(k, k): v for k, v in query.items()}
    save_in_sent = params.get("SaveInSent", "F").upper() == "T"
    multipart = header(headers, "MS-ASAcceptMultiPart") or header(headers, "X-MS-ASAcceptMultiPart") or ""
    return RequestLine(
        cmd=cmd,
        user=user,
        device_id=device_id,
        device_type=device_type,
        version=version,
        policy_key=policy_key,
        save_in_sent=save_in_sent,
        accept_multipart=multipart.strip().upper() == "T",
        params=params,
    )


_PLAIN_PARAM_NAMES = {
    "attachmentname": "AttachmentName",
    "collectionid": "CollectionId",
    "itemid": "ItemId",
    "longid": "LongId",
    "occurrence": "Occurrence",
    "saveinsent": "SaveInSent",
    "parentid": "ParentId",
}


def _parse_base64(raw_query: str, headers: Mapping[str, str]) -> RequestLine:
    from urllib.parse import unquote

    text = unquote(raw_query)
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise QueryError("the query is neither plain nor valid base64") from None
    reader = _Reader(data)
    version = ProtocolVersion.from_byte(reader.byte("protocol version"))
    code = reader.byte("command code")
    cmd = COMMAND_CODES.get(code)
    if cmd is None:
        raise QueryError(f"unknown command code {code}")
    locale = struct.unpack("<H", reader.take(2, "locale"))[0]
    device_id_len = reader.byte("device ID length")
    if device_id_len == 0:
        raise QueryError("device ID length must be greater than 0")
    device_id = reader.text(device_id_len, "device ID")
    key_len = reader.byte("policy key length")
    policy_key: int | None = None
    if key_len == 4:
        policy_key = struct.unpack("<I", reader.take(4, "policy key"))[0]
    elif key_len != 0:
        raise QueryError("policy key length must be 0 or 4")
    device_type = reader.text(reader.byte("device type length"), "device type")
    params: dict[str, str] = {}
    options = 0
    while not reader.done():
        tag = reader.byte("parameter tag")
        length = reader.byte("parameter length")
        raw = reader.take(length, "parameter value")
        name = PARAMETER_TAGS.get(tag)
        if name is None:
            raise QueryError(f"unknown command parameter tag {tag}")
        if name == "Options":
            options = raw[0] if raw else 0
        else:
            try:
                params[name] = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise QueryError(f"{name} is not UTF-8") from None
    user = params.pop("User", None)
    if version is None:
        raise QueryError("no protocol version")
    return RequestLine(
        cmd=cmd,
        user=user,
        device_id=_check_id("DeviceId", device_id),
        device_type=_check_id("DeviceType", device_type),
        version=version,
        policy_key=policy_key,
        save_in_sent=bool(options & OPTION_SAVE_IN_SENT),
        accept_multipart=bool(options & OPTION_ACCEPT_MULTIPART)
        or (header(headers, "MS-ASAcceptMultiPart") or "").strip().upper() == "T",
        locale=locale,
        base64=True,
        params=params,
    )


def encode_base64_query(
    *,
    version: ProtocolVersion,
    cmd: str,
    device_id: str,
    device_type: str,
    policy_key: int | None = None,
    locale: int = 0x0409,
    params: Mapping[str, str] | None = None,
    options: int = 0,
) -> str:
    """The inverse of the base64 form, for tests and tools."""
    code = {name: c for c, name in COMMAND_CODES.items()}[cmd]
    out = bytearray([version.major * 10 + version.minor, code])
    out += struct.pack("<H", locale)
    out += bytes([len(device_id.encode())]) + device_id.encode()
    out += b"\x00" if policy_key is None else b"\x04" + struct.pack("<I", policy_key)
    out += bytes([len(device_type.encode())]) + device_type.encode()
    tags = {name: t for t, name in PARAMETER_TAGS.items()}
    for name, value in (params or {}).items():
        raw = value.encode()
        out += bytes([tags[name], len(raw)]) + raw
    if options:
        out += bytes([tags["Options"], 1, options])
    return base64.b64encode(bytes(out)).decode()


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def done(self) -> bool:
        return self.pos >= len(self.data)

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.data):
            raise QueryError(f"base64 query ends inside the {what}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def byte(self, what: str) -> int:
        return self.take(1, what)[0]

    def text(self, n: int, what: str) -> str:
        try:
            return self.take(n, what).decode("utf-8")
        except UnicodeDecodeError:
            raise QueryError(f"the {what} is not UTF-8") from None
