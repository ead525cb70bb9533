"""A readable XML view of the tree, for operators, logs and test fixtures (not for network input).

Namespaces are the bare code page names, as in Microsoft's XSDs, so ``to_xml`` output of a response
can be validated with them. ``from_xml`` also accepts libwbxml's spelling with a trailing colon
(``xmlns="AirSync:"``). Markers for values plain XML cannot carry:

* ``opaque="base64"``: the element's value is bytes (WBXML OPAQUE), written in base64;
* ``text="base64"``: a text value holding characters XML 1.0 cannot represent (control
  characters, U+FFFE/U+FFFF), written as base64 of its UTF-8.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET  # trusted files only: operator input and fixtures, never requests
from typing import Final

from .codepages import PAGE_OF, TAGS_BY_NAME
from .element import Element
from .errors import WBXMLError

#: Other spellings of the namespaces seen in the wild: libwbxml's "Gal", Z-Push's "POOM*" names.
_NS_ALIASES: Final[dict[str, str]] = {
    "Gal": "GAL",
    "POOMCONTACTS": "Contacts",
    "POOMMAIL": "Email",
    "POOMCAL": "Calendar",
    "POOMTASKS": "Tasks",
    "POOMCONTACTS2": "Contacts2",
    "POOMMAIL2": "Email2",
}

_XML_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_INDENT: Final = "  "


def to_xml(root: Element, *, pretty: bool = True) -> str:
    """Render ``root`` as XML text (no XML declaration). ``pretty`` indents elements, never text.

    The root's namespace is the default one; every other namespace gets its lowercased name as
    prefix, declared once on the root in order of first use, as in the MS-ASWBXML example.
    """
    parts: list[str] = []
    out = parts.append
    nl = "\n" if pretty else ""
    default_ns = root.ns
    used: dict[str, None] = {}
    walk = [root]
    while walk:
        el = walk.pop()
        used[el.ns] = None
        walk.extend(reversed(el.children))
    decls = "".join(f' xmlns:{name.lower()}="{name}"' for name in used if name != default_ns)
    # Stack entries: (element, depth) or a closing tag to write.
    stack: list[tuple[Element, int] | str] = [(root, 0)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out(item)
            continue
        el, depth = item
        indent = _INDENT * depth if pretty else ""
        name = el.tag if el.ns == default_ns else f"{el.ns.lower()}:{el.tag}"
        decl = f' xmlns="{default_ns}"{decls}' if depth == 0 else ""
        value = el.value
        if el.children:
            out(f"{indent}<{name}{decl}>{nl}")
            stack.append(f"{indent}</{name}>{nl}")
            for child in reversed(el.children):
                stack.append((child, depth + 1))
        elif value is None or value == "":
            out(f"{indent}<{name}{decl}/>{nl}")
        elif isinstance(value, bytes | bytearray):
            b64 = base64.b64encode(value).decode("ascii")
            out(f'{indent}<{name}{decl} opaque="base64">{b64}</{name}>{nl}')
        elif _XML_ILLEGAL.search(value):
            b64 = base64.b64encode(value.encode("utf-8", "surrogatepass")).decode("ascii")
            out(f'{indent}<{name}{decl} text="base64">{b64}</{name}>{nl}')
        else:
            out(f"{indent}<{name}{decl}>{value.translate(_ESCAPES)}</{name}>{nl}")
    return "".join(parts)


def from_xml(text: str | bytes) -> Element:
    """Parse the XML view back into a tree; tags are checked against the code pages.

    Whitespace-only text between child elements is ignored; the text of a leaf element is kept
    exactly. An element without a namespace takes its parent's. Raises WBXMLError (offset -1).
    """
    try:
        xml_root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise WBXMLError(f"not well-formed XML: {exc}") from None
    return _convert(xml_root, None)


def _split(qname: str, parent_ns: str | None) -> tuple[str, str]:
    if qname.startswith("{"):
        uri, _, tag = qname[1:].partition("}")
        uri = uri.removesuffix(":")
        ns = _NS_ALIASES.get(uri, uri)
    elif parent_ns is None:
        raise WBXMLError(f"root element <{qname}> has no namespace")
    else:
        ns, tag = parent_ns, qname
    if ns not in PAGE_OF:
        raise WBXMLError(f"unknown namespace {ns!r} on <{tag}>")
    if tag not in TAGS_BY_NAME[ns]:
        raise WBXMLError(f"no tag {tag!r} on the {ns} code page")
    return ns, tag


def _convert(xml_root: ET.Element, parent_ns: str | None) -> Element:
    # Explicit stack rather than recursion: a deep file must not hit the recursion limit.
    order: list[tuple[ET.Element, str, str, int]] = []  # pre-order: (node, ns, tag, parent index)
    stack: list[tuple[ET.Element, str | None, int]] = [(xml_root, parent_ns, -1)]
    while stack:
        node, pns, parent = stack.pop()
        ns, tag = _split(node.tag, pns)
        index = len(order)
        order.append((node, ns, tag, parent))
        for child in reversed(node):
            stack.append((child, ns, index))
    children: list[list[Element]] = [[] for _ in order]
    el: Element | None = None
    # A parent precedes its children in pre-order, so folding from the end builds children first.
    for index in range(len(order) - 1, -1, -1):
        node, ns, tag, parent = order[index]
        kids = children[index]
        kids.reverse()
        el = Element(ns, tag, _value(node, ns, tag, bool(kids)), tuple(kids))
        if parent >= 0:
            children[parent].append(el)
    assert el is not None
    return el


def _value(node: ET.Element, ns: str, tag: str, has_children: bool) -> str | bytes | None:
    marker_opaque = node.get("opaque")
    marker_text = node.get("text")
    for attr in node.attrib:
        if attr not in ("opaque", "text"):
            raise WBXMLError(f"{ns}:{tag}: unexpected attribute {attr!r} (WBXML has no attributes)")
    text = node.text
    if has_children:
        stray = [t for t in (text, *(child.tail for child in node)) if t and not t.isspace()]
        if stray or marker_opaque or marker_text:
            raise WBXMLError(f"{ns}:{tag} mixes text and child elements")
        return None
    if marker_opaque is not None or marker_text is not None:
        if (marker_opaque or marker_text) != "base64" or (marker_opaque and marker_text):
            raise WBXMLError(f'{ns}:{tag}: expected opaque="base64" or text="base64"')
        try:
            raw = base64.b64decode("".join((text or "").split()), validate=True)
        except binascii.Error as exc:
            raise WBXMLError(f"{ns}:{tag}: bad base64: {exc}") from None
        if marker_opaque:
            return raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise WBXMLError(f"{ns}:{tag}: base64 text is not UTF-8") from None
    return text
