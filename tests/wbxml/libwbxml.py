"""Run Debian's libwbxml tools (``wbxml2xml``/``xml2wbxml``, package libwbxml2-utils) on our trees.

A second, independent implementation to cross-check the codec against. The tools are required: CI
installs them, and a missing tool is a test failure, never a skip.

Exact invocations (found by experiment with libwbxml 0.11.8):

* decode: ``wbxml2xml -l ACTIVESYNC -m 0 -k -o OUT IN``. ``-m 0`` writes compact XML and ``-k``
  keeps whitespace, otherwise libwbxml trims leading and trailing spaces of text. The output has
  an XML declaration and a ``<!DOCTYPE ActiveSync ...>`` line, and every element whose namespace
  differs from its parent's redeclares the default namespace (``xmlns="Calendar:"``).
* encode: ``xml2wbxml -k -a -n -v 1.3 -o OUT IN`` on XML that carries libwbxml's own
  ``<!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN" ...>``; without it xml2wbxml
  says "The XML language is unknown" unless the root is AirSync's. ``-a`` leaves out the public
  id (it writes 0x01, "unknown", as Exchange does), ``-n`` forbids a string table, ``-v 1.3`` is
  the version byte, ``-k`` keeps whitespace. The header is then ``03 01 6A 00``, byte for byte ours.

What libwbxml 0.11.8 cannot round-trip, so the cross-check leaves it out:

* OPAQUE versus inline string. libwbxml knows eight elements as binary (``LIBWBXML_BASE64``:
  Email2 ConversationId/ConversationIndex, ComposeMail Mime, AirSyncBase Content, ...): it writes
  their value in base64 whether it came as OPAQUE or STR_I, and encodes them as OPAQUE. Everywhere
  else ``wbxml2xml`` copies OPAQUE bytes raw into the XML text (not well-formed unless they are
  UTF-8 text) and ``xml2wbxml`` writes inline strings. ``libwbxml_view()`` is a tree as libwbxml
  preserves it; values it cannot carry make ``unsupported()`` say why.
* Tokens it does not know (``LIBWBXML_UNKNOWN``): the whole Find page 25, MeetingResponse
  ProposedStartTime/ProposedEndTime, Provision AccountOnlyRemoteWipe, and the undocumented legacy
  tokens. It decodes them as ``<unknown/>``.
* Text with characters XML 1.0 cannot carry (control characters) or with a carriage return:
  libwbxml writes U+000D raw and the XML parser turns it into U+000A.
* Tag names: libwbxml has its own names for 70 tokens (``Recurrence_Type``, ``Attendee_Email``,
  ``Compressed_RTF``, ``Reply-To``, a typo ``ihsManagementInformation``...); ``LIBWBXML_NAMES`` maps
  them by token, and ``probe_names()`` re-reads them from the installed library.
* Namespaces: libwbxml writes ``"AirSync:"`` with a trailing colon and spells GAL as ``Gal``.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Final

from airsync.wbxml import CODE_PAGES, Element, from_xml
from airsync.wbxml.codepages import PAGE_OF

WBXML2XML: Final = "wbxml2xml"
XML2WBXML: Final = "xml2wbxml"
DECODE_ARGS: Final = ("-l", "ACTIVESYNC", "-m", "0", "-k")
ENCODE_ARGS: Final = ("-k", "-a", "-n", "-v", "1.3")

#: (page, token) -> libwbxml's name, where it differs from the spec name in our table.
LIBWBXML_NAMES: Final[dict[tuple[int, int], str]] = {
    (1, 0x07): "AssistantTelephoneNumber",  # Contacts:AssistantPhoneNumber
    (1, 0x0D): "BusinessCity",  # Contacts:BusinessAddressCity
    (1, 0x0E): "BusinessCountry",  # Contacts:BusinessAddressCountry
    (1, 0x0F): "BusinessPostalCode",  # Contacts:BusinessAddressPostalCode
    (1, 0x10): "BusinessState",  # Contacts:BusinessAddressState
    (1, 0x11): "BusinessStreet",  # Contacts:BusinessAddressStreet
    (1, 0x21): "HomeCity",  # Contacts:HomeAddressCity
    (1, 0x22): "HomeCountry",  # Contacts:HomeAddressCountry
    (1, 0x23): "HomePostalCode",  # Contacts:HomeAddressPostalCode
    (1, 0x24): "HomeState",  # Contacts:HomeAddressState
    (1, 0x25): "HomeStreet",  # Contacts:HomeAddressStreet
    (1, 0x2D): "OtherCity",  # Contacts:OtherAddressCity
    (1, 0x2E): "OtherCountry",  # Contacts:OtherAddressCountry
    (1, 0x2F): "OtherPostalCode",  # Contacts:OtherAddressPostalCode
    (1, 0x30): "OtherState",  # Contacts:OtherAddressState
    (1, 0x31): "OtherStreet",  # Contacts:OtherAddressStreet
    (1, 0x3B): "CompressedRTF",  # Contacts:Rtf
    (2, 0x09): "AttOId",  # Email:AttOid
    (2, 0x19): "Reply-To",  # Email:ReplyTo
    (2, 0x1D): "DTStamp",  # Email:DtStamp
    (2, 0x29): "Recurrence_Type",  # Email:Type
    (2, 0x2A): "Recurrence_Until",  # Email:Until
    (2, 0x2B): "Recurrence_Occurrences",  # Email:Occurrences
    (2, 0x2C): "Recurrence_Interval",  # Email:Interval
    (2, 0x2D): "Recurrence_DayOfWeek",  # Email:DayOfWeek
    (2, 0x2E): "Recurrence_DayOfMonth",  # Email:DayOfMonth
    (2, 0x2F): "Recurrence_WeekOfMonth",  # Email:WeekOfMonth
    (2, 0x30): "Recurrence_MonthOfYear",  # Email:MonthOfYear
    (2, 0x3B): "FlagStatus",  # Email:Status
    (4, 0x05): "TimeZone",  # Calendar:Timezone
    (4, 0x09): "Attendee_Email",  # Calendar:Email
    (4, 0x0A): "Attendee_Name",  # Calendar:Name
    (4, 0x10): "Compressed_RTF",  # Calendar:Rtf
    (4, 0x11): "DTStamp",  # Calendar:DtStamp
    (4, 0x15): "Exception_Deleted",  # Calendar:Deleted
    (4, 0x16): "Exception_StartTime",  # Calendar:ExceptionStartTime
    (4, 0x19): "Organizer_Email",  # Calendar:OrganizerEmail
    (4, 0x1A): "Organizer_Name",  # Calendar:OrganizerName
    (4, 0x1C): "Recurrence_Type",  # Calendar:Type
    (4, 0x1D): "Recurrence_Until",  # Calendar:Until
    (4, 0x1E): "Recurrence_Occurrences",  # Calendar:Occurrences
    (4, 0x1F): "Recurrence_Interval",  # Calendar:Interval
    (4, 0x20): "Recurrence_DayOfWeek",  # Calendar:DayOfWeek
    (4, 0x21): "Recurrence_DayOfMonth",  # Calendar:DayOfMonth
    (4, 0x22): "Recurrence_WeekOfMonth",  # Calendar:WeekOfMonth
    (4, 0x23): "Recurrence_MonthOfYear",  # Calendar:MonthOfYear
    (4, 0x29): "Attendee_Status",  # Calendar:AttendeeStatus
    (4, 0x2A): "Attendee_Type",  # Calendar:AttendeeType
    (9, 0x0D): "UTCDueDate",  # Tasks:UtcDueDate
    (9, 0x10): "Recurrence_Type",  # Tasks:Type
    (9, 0x11): "Recurrence_Start",  # Tasks:Start
    (9, 0x12): "Recurrence_Until",  # Tasks:Until
    (9, 0x13): "Recurrence_Occurrences",  # Tasks:Occurrences
    (9, 0x14): "Recurrence_Interval",  # Tasks:Interval
    (9, 0x15): "Recurrence_DayOfMonth",  # Tasks:DayOfMonth
    (9, 0x16): "Recurrence_DayOfWeek",  # Tasks:DayOfWeek
    (9, 0x17): "Recurrence_WeekOfMonth",  # Tasks:WeekOfMonth
    (9, 0x18): "Recurrence_MonthOfYear",  # Tasks:MonthOfYear
    (9, 0x19): "Recurrence_Regenerate",  # Tasks:Regenerate
    (9, 0x1A): "Recurrence_DeadOccur",  # Tasks:DeadOccur
    (9, 0x1F): "UTCStartDate",  # Tasks:UtcStartDate
    (9, 0x21): "CompressedRTF",  # Tasks:Rtf
    (14, 0x10): "DeviceEncryptionEnabled",  # Provision:RequireStorageCardEncryption
    (18, 0x1F): "SmtpAddress",  # Settings:SMTPAddress
    (18, 0x2B): "ihsManagementInformation",  # Settings:RightsManagementInformation
    (21, 0x10): "MIME",  # ComposeMail:Mime
    (21, 0x17): "ForwardeeName",  # ComposeMail:Name
    (21, 0x18): "ForwardeeEmail",  # ComposeMail:Email
    (24, 0x12): "RMOwner",  # RightsManagement:Owner
    (24, 0x18): "RemoveRightsManagementDistribution",  # RightsManagement:RemoveRightsManagementProtection
}

#: (page, token) of our table that libwbxml 0.11.8 does not know (it decodes them as <unknown/>).
LIBWBXML_UNKNOWN: Final[frozenset[tuple[int, int]]] = frozenset(
    [
        (4, 0x2B),
        (4, 0x2C),
        (4, 0x2D),
        (4, 0x2E),
        (4, 0x2F),
        (4, 0x30),
        (4, 0x31),
        (4, 0x32),
        (8, 0x10),
        (8, 0x11),
        (13, 0x0E),
        (14, 0x3B),
        (21, 0x0A),
        *((25, _t) for _t in CODE_PAGES[25][1]),  # the whole Find page
    ]
)

#: How xml2wbxml recognises ActiveSync when the root is not AirSync:Sync (it guesses from the root).
_DOCTYPE: Final = (
    '<!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN" "http://www.microsoft.com/">'
)

#: Elements libwbxml treats as binary: base64 in its XML, OPAQUE in its WBXML.
LIBWBXML_BASE64: Final[frozenset[tuple[str, str]]] = frozenset(
    {
        ("ResolveRecipients", "Data"),
        ("Search", "ConversationId"),
        ("GAL", "Data"),
        ("AirSyncBase", "Content"),
        ("ItemOperations", "ConversationId"),
        ("ComposeMail", "Mime"),
        ("Email2", "ConversationId"),
        ("Email2", "ConversationIndex"),
    }
)

#: libwbxml's namespace spelling, where it is not ours.
_LIB_NS: Final[dict[str, str]] = {"GAL": "Gal"}
_OUR_NS: Final[dict[str, str]] = {lib: ours for ours, lib in _LIB_NS.items()}

_TO_LIB: Final[dict[tuple[str, str], str]] = {
    (CODE_PAGES[page][0], CODE_PAGES[page][1][token].name): name
    for (page, token), name in LIBWBXML_NAMES.items()
}
_FROM_LIB: Final[dict[tuple[str, str], str]] = {
    (ns, lib_name): tag for (ns, tag), lib_name in _TO_LIB.items()
}
_TOKEN: Final[dict[tuple[str, str], tuple[int, int]]] = {
    (name, tag.name): (page, tag.token) for page, (name, tags) in CODE_PAGES.items() for tag in tags.values()
}


class LibwbxmlError(AssertionError):
    """libwbxml is missing or failed; an AssertionError so that pytest reports it as a failure."""


def require_tools() -> None:
    missing = [tool for tool in (WBXML2XML, XML2WBXML) if shutil.which(tool) is None]
    if missing:
        raise LibwbxmlError(
            f"libwbxml tools not found: {', '.join(missing)}. "
            "Install them with `apt-get install -y libwbxml2-utils` (CI does)."
        )


def _run(tool: str, args: tuple[str, ...], data: bytes, suffix_in: str, suffix_out: str) -> bytes:
    require_tools()
    with tempfile.TemporaryDirectory(prefix="airsync-libwbxml-") as tmp:
        src = Path(tmp, "in" + suffix_in)
        dst = Path(tmp, "out" + suffix_out)
        src.write_bytes(data)
        proc = subprocess.run(
            [tool, *args, "-o", os.fspath(dst), os.fspath(src)],
            capture_output=True,
            check=False,
            timeout=60,
        )
        # The tools print "... succeeded" or "... failed: reason" on stdout and exit 0 either way.
        report = (proc.stdout + proc.stderr).decode("utf-8", "replace").strip()
        if proc.returncode != 0 or "failed" in report or not dst.exists():
            raise LibwbxmlError(f"{tool} failed: {report}")
        return dst.read_bytes()


def unsupported(root: Element) -> str | None:
    """Why libwbxml cannot round-trip ``root``, or None when it can."""
    stack = [root]
    while stack:
        el = stack.pop()
        key = _TOKEN.get((el.ns, el.tag))
        if key is None:
            return f"{el.ns}:{el.tag} is not in our code pages"
        if key in LIBWBXML_UNKNOWN:
            return f"libwbxml does not know {el.ns}:{el.tag} (page {key[0]}, token 0x{key[1]:02X})"
        value = el.value
        if (el.ns, el.tag) in LIBWBXML_BASE64:
            value = None
        elif isinstance(value, bytes):
            try:
                value = value.decode()
            except UnicodeDecodeError:
                return f"{el.ns}:{el.tag} holds opaque bytes that are not UTF-8"
        if isinstance(value, str) and any(c == "\r" or (c < " " and c not in "\t\n") for c in value):
            return f"{el.ns}:{el.tag} holds a carriage return or control character"
        stack.extend(el.children)
    return None


def libwbxml_view(root: Element) -> Element:
    """``root`` as a libwbxml round trip gives it back: binary elements as bytes, the rest as text."""
    value = root.value
    if value is not None and (root.ns, root.tag) in LIBWBXML_BASE64:
        value = value.encode() if isinstance(value, str) else value
    elif isinstance(value, bytes):
        value = value.decode()
    children = tuple(libwbxml_view(child) for child in root.children)
    return Element(root.ns, root.tag, value, children)


def libwbxml_decode(data: bytes) -> Element:
    """Decode WBXML with ``wbxml2xml`` and read its XML back through ``from_xml``.

    Binary elements (``LIBWBXML_BASE64``) come back as bytes, everything else as text.
    """
    xml = _run(WBXML2XML, DECODE_ARGS, data, ".wbxml", ".xml")
    tree = ET.fromstring(xml)
    for node in tree.iter():
        uri, _, lib_name = node.tag[1:].partition("}")
        ns = uri.removesuffix(":")
        ns = _OUR_NS.get(ns, ns)
        if lib_name == "unknown":
            raise LibwbxmlError(f"libwbxml did not know an element on the {ns} page")
        tag = _FROM_LIB.get((ns, lib_name), lib_name)
        node.tag = "{%s}%s" % (ns, tag)  # noqa: UP031
        if (ns, tag) in LIBWBXML_BASE64 and node.text:
            node.set("opaque", "base64")  # our XML view's marker for the same thing
    return from_xml(ET.tostring(tree, encoding="unicode"))


def to_libwbxml_xml(root: Element) -> str:
    """Our tree as the XML libwbxml reads: its names, ``"Ns:"`` URIs, no whitespace added."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', _DOCTYPE]
    stack: list[tuple[Element, str] | str] = [(root, "")]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        el, parent_ns = item
        name = _TO_LIB.get((el.ns, el.tag), el.tag)
        decl = "" if el.ns == parent_ns else f' xmlns="{_LIB_NS.get(el.ns, el.ns)}:"'
        value = el.value
        if value and (el.ns, el.tag) in LIBWBXML_BASE64:
            value = base64.b64encode(value.encode() if isinstance(value, str) else value).decode()
        elif isinstance(value, bytes):
            value = value.decode()
        if el.children:
            parts.append(f"<{name}{decl}>")
            stack.append(f"</{name}>")
            stack.extend((child, el.ns) for child in reversed(el.children))
        elif not value:
            parts.append(f"<{name}{decl}/>")
        else:
            text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            parts.append(f"<{name}{decl}>{text}</{name}>")
    return "".join(parts)


def libwbxml_encode(root: Element) -> bytes:
    """Encode ``root`` with ``xml2wbxml``; compare with ``encode(libwbxml_view(root))``."""
    return _run(XML2WBXML, ENCODE_ARGS, to_libwbxml_xml(root).encode(), ".xml", ".wbxml")


def probe_names() -> dict[tuple[int, int], str]:
    """Ask the installed libwbxml for its name of every token 0x05-0x3F on pages 0-25.

    One document: an AirSync Sync root whose children are every (page, token) as a bare tag.
    Tokens libwbxml does not know come back as ``"unknown"``.
    """
    body = bytearray(b"\x03\x01\x6a\x00\x45")
    order: list[tuple[int, int]] = []
    for page in range(max(PAGE_OF.values()) + 1):
        body += bytes((0x00, page))
        for token in range(0x05, 0x40):
            body.append(token)
            order.append((page, token))
    body.append(0x01)
    xml = _run(WBXML2XML, DECODE_ARGS, bytes(body), ".wbxml", ".xml")
    children = list(ET.fromstring(xml))
    if len(children) != len(order):
        raise LibwbxmlError(f"probe: expected {len(order)} elements, got {len(children)}")
    return {key: node.tag.partition("}")[2] for key, node in zip(order, children, strict=True)}
