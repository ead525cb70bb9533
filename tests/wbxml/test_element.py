"""The tree API and the code page tables."""

from __future__ import annotations

import dataclasses
import json

import pytest

from airsync.wbxml import CODE_PAGES, E, Element, WBXMLError, decode, encode, from_xml, ns, to_xml
from airsync.wbxml.codepages import PAGE_OF, UNDOCUMENTED
from tests.data import WBXML_TAGS as _WBXML_TAGS

SPEC_TAGS = _WBXML_TAGS


def test_builders_agree() -> None:
    built = ns.AirSync.Sync(ns.AirSync.Status("1"))
    assert built == Element("AirSync", "Sync", children=(Element("AirSync", "Status", "1"),))
    assert E("AirSync:Sync", E("AirSync:Status", 1)) == built
    assert E("AirSync:Sync", [E("AirSync:Status", 1), None], None) == built
    assert E("AirSync:Sync", (e for e in [E("AirSync:Status", 1)])) == built
    assert E("ComposeMail:Mime", b"\x00\x01").value == b"\x00\x01"
    assert E("AirSync:Sync") == Element("AirSync", "Sync")


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: E("AirSync:Nope"), ValueError),
        (lambda: E("Nope:Sync"), ValueError),
        (lambda: E("Sync"), ValueError),
        (lambda: E("AirSync:Sync", "x", E("AirSync:Status")), ValueError),
        (lambda: E("AirSync:Sync", "x", "y"), ValueError),
        (lambda: E("AirSync:Sync", True), TypeError),
        (lambda: E("AirSync:Sync", 1.5), TypeError),  # type: ignore[arg-type]
        (lambda: ns.AirSync.Nope, AttributeError),
        (lambda: ns.Nope, AttributeError),  # type: ignore[attr-defined]
    ],
)
def test_builder_errors(call, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        call()


def test_element_is_frozen_and_navigable() -> None:
    tree = from_xml(
        '<Sync xmlns="AirSync" xmlns:airsyncbase="AirSyncBase"><Status>1</Status><Status>2</Status>'
        "<airsyncbase:Body><airsyncbase:Data>x</airsyncbase:Data></airsyncbase:Body><Commands/></Sync>"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        tree.tag = "x"  # type: ignore[misc]
    assert tree.qname == "AirSync:Sync"
    assert [child.tag for child in tree] == ["Status", "Status", "Body", "Commands"]
    assert tree.findtext("Status") == "1"
    assert [el.text for el in tree.findall("Status")] == ["1", "2"]
    assert tree.find("Body") is None
    body = tree.find("AirSyncBase:Body")
    assert body is not None and body == tree.find("Body", "AirSyncBase")
    assert body.findtext("Data") == "x"
    assert tree.findtext("Missing", default="d") == "d"
    assert tree.findtext("Missing") is None
    commands = tree.find("Commands")
    assert commands is not None and commands.text == "" and commands.value is None
    assert not hasattr(Element, "__len__")  # an element with no children is still truthy
    assert Element("ComposeMail", "Mime", b"\xffok").text == "\ufffdok"
    assert hash(tree) == hash(decode(encode(tree)))


def test_namespace_attributes_cover_every_page() -> None:
    names = {name for name in dir(ns) if not name.startswith("_")}
    assert names == set(PAGE_OF)
    assert len(CODE_PAGES) == 26 and min(CODE_PAGES) == 0 and max(CODE_PAGES) == 25


def test_tables_hold_every_spec_row() -> None:
    spec = json.loads(SPEC_TAGS.read_text()) if SPEC_TAGS.exists() else []
    for _section, title, tags in spec:
        page = int(title.split()[2].rstrip(":"))
        name, table = CODE_PAGES[page]
        assert title.endswith(name)
        for token, (tag, versions) in tags.items():
            row = table[int(token, 16)]
            assert row.name == tag.strip()
            assert (row.versions is None) == (versions == "All")
    for name, tags in CODE_PAGES.values():
        assert len({tag.name for tag in tags.values()}) == len(tags), name
        for token, tag in tags.items():
            assert tag.token == token and 0x05 <= token <= 0x3F


@pytest.mark.parametrize(
    ("qname", "versions"),
    [
        ("AirSync:Truncation", ("2.5",)),
        ("AirSync:RTFTruncation", ("2.5",)),
        ("Email:Body", ("2.5",)),
        ("Email:MIMEData", ("2.5",)),
        ("Contacts:AssistantName", None),
        ("Email:Location", ("2.5", "12.0", "12.1", "14.0", "14.1")),
        ("GetItemEstimate:Class", ("2.5", "12.0", "12.1")),
        ("AirNotify:Notify", UNDOCUMENTED),
        ("Find:Find", ("16.1",)),
    ],
)
def test_legacy_and_retired_tokens(qname: str, versions: tuple[str, ...] | None) -> None:
    ns_name, _, tag = qname.partition(":")
    row = next(t for t in CODE_PAGES[PAGE_OF[ns_name]][1].values() if t.name == tag)
    assert row.versions == versions
    tree = E(qname, "1")
    assert decode(encode(tree)) == tree


def test_xml_view_details() -> None:
    tree = E(
        "AirSync:Sync",
        E("AirSyncBase:Data", "  a&b <c>\r\n\t "),
        E("Email2:ConversationId", b"\x00\xff"),
        E("Email:Subject", "bell \x07"),
        E("AirSync:Status"),
    )
    xml = to_xml(tree)
    assert xml.startswith('<Sync xmlns="AirSync" xmlns:airsyncbase="AirSyncBase" xmlns:email2="Email2"')
    assert "<airsyncbase:Data>  a&amp;b &lt;c&gt;&#13;\n\t </airsyncbase:Data>" in xml
    assert '<email2:ConversationId opaque="base64">AP8=</email2:ConversationId>' in xml
    assert '<email:Subject text="base64">' in xml
    assert from_xml(xml) == tree
    assert from_xml(xml.encode()) == tree
    libwbxml_style = '<?xml version="1.0"?><Sync xmlns="AirSync:"><Phone xmlns="Gal:">1</Phone></Sync>'
    assert from_xml(libwbxml_style) == E("AirSync:Sync", E("GAL:Phone", "1"))
    assert from_xml('<Sync xmlns="AirSync"><Status>1</Status></Sync>') == E(
        "AirSync:Sync", E("AirSync:Status", 1)
    )


@pytest.mark.parametrize(
    ("xml", "words"),
    [
        ("<Sync>", "not well-formed"),
        ("<Sync/>", "has no namespace"),
        ('<Sync xmlns="Nope"/>', "unknown namespace"),
        ('<Nope xmlns="AirSync"/>', "no tag 'Nope'"),
        ('<Sync xmlns="AirSync">x<Status/></Sync>', "mixes text"),
        ('<Sync xmlns="AirSync" a="1"/>', "unexpected attribute"),
        ('<Sync xmlns="AirSync" opaque="hex">00</Sync>', 'opaque="base64"'),
        ('<Sync xmlns="AirSync" opaque="base64">!!</Sync>', "bad base64"),
        ('<Sync xmlns="AirSync" text="base64">/w==</Sync>', "not UTF-8"),
    ],
)
def test_from_xml_errors(xml: str, words: str) -> None:
    with pytest.raises(WBXMLError, match=words):
        from_xml(xml)
