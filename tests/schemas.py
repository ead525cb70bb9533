"""Check a WBXML response three ways: libwbxml decodes it as we do, libwbxml re-encodes it to the
same bytes, and its XML view is valid under Microsoft's schema for its root element.

The schemas (``tests/data/xsd``, from OfficeDev/Interop-TestSuites) cannot be loaded as
published: no file has an ``xs:import``, a response file refers to elements of a sibling file of
its namespace (FolderSyncResponse.xsd uses Status from FolderHierarchy.xsd) and to other namespaces
by prefix (``airsyncbase:Body``). So, once per root and lazily, we:

1. pick the files: the root's response file, then for every reference not yet defined the file
   that defines it (a namespace's shared file such as Calendar.xsd before a ``*Response.xsd``),
   until nothing is missing. Only needed files come in, so a global element is never defined twice
   (for example by a request and a response file of one namespace);
2. copy them into a temporary directory, each with an ``xs:import`` (with ``schemaLocation``) of
   every other namespace it refers to;
3. write one wrapper per namespace that ``xs:include``\\ s its picked files; imports point at the
   wrappers, and xmlschema loads the wrapper of the root's namespace.

No schema for a root is an AssertionError, never a silent pass.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import xmlschema

from airsync.wbxml import Element, encode, to_xml
from tests.data import XSD_DIR as _XSD_DIR
from tests.wbxml.libwbxml import libwbxml_decode, libwbxml_encode, libwbxml_view, unsupported

XSD_DIR: Final = _XSD_DIR
_XS: Final = "http://www.w3.org/2001/XMLSchema"

#: (namespace, root tag) of a response -> Microsoft's schema file for it.
RESPONSE_XSD: Final[dict[tuple[str, str], str]] = {
    ("FolderHierarchy", "FolderSync"): "FolderSyncResponse.xsd",
    ("FolderHierarchy", "FolderCreate"): "FolderCreateResponse.xsd",
    ("FolderHierarchy", "FolderUpdate"): "FolderUpdateResponse.xsd",
    ("FolderHierarchy", "FolderDelete"): "FolderDeleteResponse.xsd",
    ("FolderHierarchy", "Folders"): "GetHierarchyResponse.xsd",
    ("AirSync", "Sync"): "SyncResponse.xsd",
    ("GetItemEstimate", "GetItemEstimate"): "GetItemEstimateResponse.xsd",
    ("Provision", "Provision"): "ProvisionResponse.xsd",
    ("Settings", "Settings"): "SettingsResponse.xsd",
    ("Ping", "Ping"): "PingResponse.xsd",
    ("ItemOperations", "ItemOperations"): "ItemOperationsResponse.xsd",
    ("Move", "MoveItems"): "MoveItemsResponse.xsd",
    ("Search", "Search"): "SearchResponse.xsd",
    ("Find", "Find"): "FindResponse.xsd",
    ("MeetingResponse", "MeetingResponse"): "MeetingResponseResponse.xsd",
    ("ResolveRecipients", "ResolveRecipients"): "ResolveRecipientsResponse.xsd",
    ("ComposeMail", "SendMail"): "SendMailResponse.xsd",
    ("ComposeMail", "SmartForward"): "SmartForwardResponse.xsd",
    ("ComposeMail", "SmartReply"): "SmartReplyResponse.xsd",
    ("ValidateCert", "ValidateCert"): "ValidateCertResponse.xsd",
}

#: (namespace, root tag) of a request -> its schema file. The published set holds none (only the
#: shared per-namespace files and the responses); entries here make ``validate_request`` work.
REQUEST_XSD: Final[dict[tuple[str, str], str]] = {}

# Kinds of global components, and the attributes that refer to each.
_KINDS: Final = {"element", "complexType", "simpleType", "group", "attributeGroup", "attribute"}
_REF_KIND: Final = {
    "element": "element",
    "group": "group",
    "attributeGroup": "attributeGroup",
    "attribute": "attribute",
}
_TYPE_KINDS: Final = ("complexType", "simpleType")

Component = tuple[str, str, str]  # (kind, namespace, name); kind "type" matches both type kinds


@dataclass(frozen=True)
class _XsdFile:
    name: str
    namespace: str
    text: str
    defines: frozenset[Component]
    refers: frozenset[Component]


def _parse_xsd(path: Path) -> _XsdFile:
    text = path.read_text(encoding="utf-8-sig")
    prefixes: dict[str, str] = {}
    for _event, (prefix, uri) in ET.iterparse(path, events=("start-ns",)):
        prefixes[prefix] = uri  # the files declare each prefix once, on xs:schema
    root = ET.fromstring(text)
    namespace = root.get("targetNamespace", "")

    def qname(value: str) -> tuple[str, str]:
        prefix, _, local = value.rpartition(":")
        return prefixes.get(prefix, namespace if not prefix else prefix), local

    defines = set()
    for child in root:
        kind = child.tag.rpartition("}")[2]
        if kind in _KINDS and child.get("name"):
            defines.add(("type" if kind in _TYPE_KINDS else kind, namespace, child.get("name")))
    refers = set()
    for node in root.iter():
        kind = node.tag.rpartition("}")[2]
        if node.get("ref") and kind in _REF_KIND:
            refers.add((_REF_KIND[kind], *qname(node.get("ref"))))
        for attr in ("type", "base", "itemType", "memberTypes"):
            for value in (node.get(attr) or "").split():
                ns, local = qname(value)
                if ns != _XS:
                    refers.add(("type", ns, local))
    return _XsdFile(path.name, namespace, text, frozenset(defines), frozenset(refers))


@functools.cache
def _catalogue() -> dict[str, _XsdFile]:
    files = {path.name: _parse_xsd(path) for path in sorted(XSD_DIR.glob("*.xsd"))}
    assert files, f"no XSD files in {XSD_DIR}"
    return files


def _pick_files(root_file: str) -> list[_XsdFile]:
    """The root's file plus, transitively, a defining file for every reference (see module doc)."""
    catalogue = _catalogue()
    chosen = [catalogue[root_file]]
    defined = set(chosen[0].defines)
    pending = list(chosen)
    while pending:
        current = pending.pop()
        for ref in sorted(current.refers):
            if ref in defined:
                continue
            candidates = [f for f in catalogue.values() if ref in f.defines]
            # A namespace's shared file before a command's request/response file, then by name.
            candidates.sort(key=lambda f: (f.name.endswith(("Response.xsd", "Request.xsd")), f.name))
            usable = [f for f in candidates if not (f.defines & defined)]
            if not usable:
                raise AssertionError(
                    f"{root_file}: no schema file defines {ref} without redefining a picked component"
                    f" (candidates: {[f.name for f in candidates] or 'none'})"
                )
            chosen.append(usable[0])
            defined |= usable[0].defines
            pending.append(usable[0])
    return chosen


@functools.cache
def _workdir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="airsync-xsd-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def _wrapper_name(namespace: str) -> str:
    return "ns-" + re.sub(r"[^A-Za-z0-9]+", "_", namespace) + ".xsd"


_SCHEMA_START: Final = re.compile(r"<xs:schema\b[^>]*>")


@functools.cache
def load_schema(xsd_file: str) -> xmlschema.XMLSchema:
    """The schema set for the root defined in ``xsd_file``, loadable despite the missing imports."""
    if not (XSD_DIR / xsd_file).is_file():
        raise AssertionError(f"schema file {xsd_file} not found in {XSD_DIR}")
    picked = _pick_files(xsd_file)
    outdir = _workdir() / xsd_file.removesuffix(".xsd")
    outdir.mkdir()
    by_namespace: dict[str, list[str]] = {}
    for xsd in picked:
        by_namespace.setdefault(xsd.namespace, []).append(xsd.name)
        imports = "".join(
            f'<xs:import namespace="{ns}" schemaLocation="{_wrapper_name(ns)}"/>'
            for ns in sorted({ns for _kind, ns, _name in xsd.refers} - {xsd.namespace})
        )
        match = _SCHEMA_START.search(xsd.text)
        assert match, f"{xsd.name}: no <xs:schema> start tag"
        text = xsd.text[: match.end()] + imports + xsd.text[match.end() :]
        (outdir / xsd.name).write_text(text, encoding="utf-8")
    for namespace, names in by_namespace.items():
        includes = "".join(f'<xs:include schemaLocation="{name}"/>' for name in names)
        (outdir / _wrapper_name(namespace)).write_text(
            f'<xs:schema xmlns:xs="{_XS}" targetNamespace="{namespace}" elementFormDefault="qualified">'
            f"{includes}</xs:schema>",
            encoding="utf-8",
        )
    return xmlschema.XMLSchema(str(outdir / _wrapper_name(_catalogue()[xsd_file].namespace)))


#: EAS 2.5 legacy elements that the current schemas no longer describe: the compressed-RTF body
#: of calendar items, contacts and tasks (tokens Calendar 0x10, Contacts 0x3B, Tasks 0x21, known
#: from the 2.5 era's clients and servers). They appear only in 2.5 responses, and are left out of
#: the schema validation; everything around them is still validated.
LEGACY_2_5: Final = {"{Calendar}Rtf", "{Contacts}Rtf", "{Tasks}Rtf"}


def _xml_for_schema(tree: Element) -> ET.Element:
    """``to_xml(tree)`` parsed, without our view's value markers (WBXML has no attributes) and
    without the 2.5 legacy elements the schemas do not describe."""
    xml = ET.fromstring(to_xml(tree))
    for node in xml.iter():
        node.attrib.pop("opaque", None)
        node.attrib.pop("text", None)
        for child in [c for c in node if c.tag in LEGACY_2_5]:
            node.remove(child)
    return xml


WAP_POLICY_TYPE: Final = "MS-WAP-Provisioning-XML"


def _without_wap_data(tree: Element) -> Element:
    """What the XSD leaves out: MS-ASPROV 2.2.2.24.2, ``Data`` as a *string* holding a
    ``<wap-provisioningdoc>`` of ``characteristic`` elements, when the PolicyType is
    MS-WAP-Provisioning-XML (protocol 2.5 and 12.0). ProvisionResponse.xsd models only the
    container form (2.2.2.24.1, EASProvisionDoc). Such a Data is checked here and left out of the
    schema validation (Data is optional in the XSD); everything around it is still validated."""
    if (tree.ns, tree.tag) != ("Provision", "Provision") or tree.find("Policies") is None:
        return tree
    policies = []
    for policy in tree.find("Policies").children:
        data = policy.find("Data")
        if policy.findtext("PolicyType") == WAP_POLICY_TYPE and data is not None and not data.children:
            try:
                doc = ET.fromstring(data.text)
            except ET.ParseError as exc:
                raise AssertionError(
                    f"Provision Data for {WAP_POLICY_TYPE} is not well-formed XML: {exc}"
                ) from None
            assert doc.tag == "wap-provisioningdoc", (
                f"Provision Data: root <{doc.tag}>, not <wap-provisioningdoc>"
            )
            strays = sorted({child.tag for child in doc if child.tag != "characteristic"})
            assert not strays, (
                f"Provision Data: <wap-provisioningdoc> holds {strays}, only characteristic allowed"
            )
            policy = Element(policy.ns, policy.tag, None, tuple(c for c in policy.children if c is not data))
        policies.append(policy)
    kids = tuple(
        Element(c.ns, c.tag, None, tuple(policies)) if c.tag == "Policies" and c.ns == "Provision" else c
        for c in tree.children
    )
    return Element(tree.ns, tree.tag, tree.value, kids)


def _validate(tree: Element, table: dict[tuple[str, str], str], side: str) -> None:
    xsd_file = table.get((tree.ns, tree.tag))
    if xsd_file is None:
        raise AssertionError(f"no {side} schema for root {tree.ns}:{tree.tag}: add it to tests/schemas.py")
    schema = load_schema(xsd_file)
    errors = list(schema.iter_errors(_xml_for_schema(_without_wap_data(tree))))
    if errors:
        details = "\n".join(f"- {err.path}: {err.reason}" for err in errors[:10])
        raise AssertionError(
            f"{tree.ns}:{tree.tag} is not valid under {xsd_file}:\n{details}\n{to_xml(tree)}"
        )


def validate_response(tree: Element) -> None:
    """Check (c) alone: the tree's XML view is valid under Microsoft's schema for its root."""
    _validate(tree, RESPONSE_XSD, "response")


def validate_request(tree: Element) -> None:
    """The same for requests; no request schema is published in the set, so every root fails loudly."""
    _validate(tree, REQUEST_XSD, "request")


def check_response(body: bytes, tree: Element) -> None:
    """Assert that ``body`` (a WBXML response that our codec decoded to ``tree``) is right three ways.

    (a) libwbxml decodes ``body`` to the same tree; (b) libwbxml encodes that tree back to exactly
    ``body``; (c) the XML view validates against Microsoft's schema for the root.
    """
    reason = unsupported(tree)
    # What libwbxml 0.11.8 cannot carry at all (tokens it does not know, non-UTF-8 opaque data,
    # carriage returns and control characters; see tests/wbxml/libwbxml.py) makes its XML unreadable
    # or lossy, so neither (a) nor (b) can say anything about such a tree; (c) still runs.
    if reason is None:
        view = libwbxml_view(tree)
        # (a) Values come back as libwbxml keeps them: its eight binary elements as bytes, the rest
        # as text, whether they came as OPAQUE or inline strings.
        theirs = libwbxml_decode(body)
        assert theirs == view, (
            f"libwbxml decodes the response differently:\nours:\n{to_xml(view)}\nlibwbxml:\n{to_xml(theirs)}"
        )
        # (b) libwbxml chooses OPAQUE or inline string by element, not by what came in: exact bytes
        # are only comparable when the response made the same choices (view == tree). Otherwise it
        # can only be held to what our encoder does with the same choices.
        reencoded = libwbxml_encode(tree)
        expected = body if view == tree else encode(view)
        assert reencoded == expected, (
            f"libwbxml re-encodes the response to other bytes:\nresponse: {expected.hex(' ')}\n"
            f"libwbxml: {reencoded.hex(' ')}\n{to_xml(tree)}"
        )
    validate_response(tree)
