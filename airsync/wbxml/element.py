"""The tree the codec speaks: immutable elements, and builders that check tag names.

An element has a text value (``str``, sent as an inline string), an opaque value (``bytes``, sent as
WBXML OPAQUE), or child elements, or nothing: ActiveSync never mixes text and children
(MS-ASWBXML 2.1.3 uses only tags, code pages, inline strings and opaque data).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Union

from .codepages import TAGS_BY_NAME

Content = Union["Element", str, int, bytes, None, Iterable["Content"]]


@dataclass(frozen=True, slots=True)
class Element:
    """One WBXML element. ``value`` and ``children`` are exclusive (the decoder never builds both).

    ``value=""`` and ``value=None`` both encode as an empty element; decoding gives ``None``.
    """

    ns: str
    tag: str
    value: str | bytes | None = None
    children: tuple[Element, ...] = ()

    @property
    def qname(self) -> str:
        return f"{self.ns}:{self.tag}"

    @property
    def text(self) -> str:
        value = self.value
        if value is None:
            return ""
        if isinstance(value, bytes):
            return value.decode("utf-8", errors="replace")
        return value

    def __iter__(self) -> Iterator[Element]:
        return iter(self.children)

    def find(self, tag: str, ns: str | None = None) -> Element | None:
        """The first direct child named ``tag`` (``"Tag"`` or ``"Ns:Tag"``); ``ns`` defaults to ours."""
        ns, tag = self._split(tag, ns)
        for child in self.children:
            if child.tag == tag and child.ns == ns:
                return child
        return None

    def findall(self, tag: str, ns: str | None = None) -> list[Element]:
        ns, tag = self._split(tag, ns)
        return [child for child in self.children if child.tag == tag and child.ns == ns]

    def findtext(self, tag: str, ns: str | None = None, default: str | None = None) -> str | None:
        child = self.find(tag, ns)
        return default if child is None else child.text

    def _split(self, tag: str, ns: str | None) -> tuple[str, str]:
        if ":" in tag:
            prefix, _, tag = tag.partition(":")
            return prefix, tag
        return (self.ns if ns is None else ns), tag


def check_tag(ns: str, tag: str) -> None:
    """Raise ValueError unless ``tag`` is on the code page of ``ns``."""
    tags = TAGS_BY_NAME.get(ns)
    if tags is None:
        raise ValueError(f"unknown WBXML namespace {ns!r}")
    if tag not in tags:
        raise ValueError(f"no tag {tag!r} on the {ns} code page")


def _collect(items: Iterable[Content], children: list[Element], values: list[str | bytes]) -> None:
    for item in items:
        if item is None:
            continue
        if isinstance(item, Element):
            children.append(item)
        elif isinstance(item, bool):
            # bool is an int, but "True" is never what a protocol field wants.
            raise TypeError(f"refusing bool content {item!r}; pass '1'/'0' or an int")
        elif isinstance(item, str | bytes):
            values.append(item)
        elif isinstance(item, int):
            values.append(str(item))
        elif isinstance(item, Iterable):
            _collect(item, children, values)
        else:
            raise TypeError(f"cannot use {type(item).__name__} as element content")


def E(qname: str, *content: Content) -> Element:
    """Build an element: ``E("AirSync:Status", 1)``, ``E("AirSync:Sync", child, [more, None])``.

    ``str``/``int`` give a text value, ``bytes`` an opaque value, elements and iterables of them
    give children, ``None`` is skipped. The tag is checked against the code page.
    """
    ns, sep, tag = qname.partition(":")
    if not sep:
        raise ValueError(f"expected 'Namespace:Tag', got {qname!r}")
    check_tag(ns, tag)
    children: list[Element] = []
    values: list[str | bytes] = []
    _collect(content, children, values)
    if values and children:
        raise ValueError(f"{qname}: an element has either a value or children, not both")
    if len(values) > 1:
        raise ValueError(f"{qname}: more than one value given")
    return Element(ns, tag, values[0] if values else None, tuple(children))


class _TagFactory:
    __slots__ = ("_ns", "_tag")

    def __init__(self, ns: str, tag: str) -> None:
        self._ns = ns
        self._tag = tag

    def __call__(self, *content: Content) -> Element:
        return E(f"{self._ns}:{self._tag}", *content)

    def __repr__(self) -> str:
        return f"<element factory {self._ns}:{self._tag}>"


class Namespace:
    """``ns.AirSync.Sync(...)``: attribute access checks the tag exists on the code page."""

    __slots__ = ("_name", "_tags")

    def __init__(self, name: str) -> None:
        self._name = name
        self._tags = TAGS_BY_NAME[name]

    def __getattr__(self, tag: str) -> _TagFactory:
        if tag not in self._tags:
            raise AttributeError(f"no tag {tag!r} on the {self._name} code page")
        return _TagFactory(self._name, tag)

    def __repr__(self) -> str:
        return f"<WBXML namespace {self._name}>"


class _Namespaces:
    """The code pages by name, as attributes (``ns.AirSyncBase``)."""

    AirSync = Namespace("AirSync")
    Contacts = Namespace("Contacts")
    Email = Namespace("Email")
    AirNotify = Namespace("AirNotify")
    Calendar = Namespace("Calendar")
    Move = Namespace("Move")
    GetItemEstimate = Namespace("GetItemEstimate")
    FolderHierarchy = Namespace("FolderHierarchy")
    MeetingResponse = Namespace("MeetingResponse")
    Tasks = Namespace("Tasks")
    ResolveRecipients = Namespace("ResolveRecipients")
    ValidateCert = Namespace("ValidateCert")
    Contacts2 = Namespace("Contacts2")
    Ping = Namespace("Ping")
    Provision = Namespace("Provision")
    Search = Namespace("Search")
    GAL = Namespace("GAL")
    AirSyncBase = Namespace("AirSyncBase")
    Settings = Namespace("Settings")
    DocumentLibrary = Namespace("DocumentLibrary")
    ItemOperations = Namespace("ItemOperations")
    ComposeMail = Namespace("ComposeMail")
    Email2 = Namespace("Email2")
    Notes = Namespace("Notes")
    RightsManagement = Namespace("RightsManagement")
    Find = Namespace("Find")


ns = _Namespaces()
