"""Element tree -> WBXML bytes (MS-ASWBXML 2.1, WBXML 1.3 as profiled by MS-ASWBXML 2.1.3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from .codepages import CODE_PAGES
from .element import Element
from .errors import WBXMLError

#: version 1.3, public id 1 (unknown), charset 106 (UTF-8), empty string table: what Exchange sends.
HEADER: Final = b"\x03\x01\x6a\x00"

_SWITCH_PAGE: Final = 0x00
_END: Final = 0x01
_STR_I: Final = 0x03
_OPAQUE: Final = 0xC3
_CONTENT: Final = 0x40

#: (namespace, tag) -> (page, token)
_TOKENS: Final[dict[tuple[str, str], tuple[int, int]]] = {
    (name, tag.name): (page, tag.token)
    for page, (name, tags) in CODE_PAGES.items()
    for tag in reversed(tags.values())  # so that the lowest token wins if a name repeats
}


def _mb_u_int32(n: int) -> bytes:
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def encode(root: Element) -> bytes:
    """Encode ``root`` as an ActiveSync WBXML document.

    The code page is switched only when the namespace changes; the page state is global (it is not
    restored at END), as in the MS-ASWBXML example. Text is an inline string (STR_I), bytes are
    OPAQUE; an element with no value, or with ``""``, is a bare token without the content bit.
    Raises WBXMLError (offset -1) for unknown tags, for a value together with children, and for
    text containing U+0000, which an inline string cannot carry.
    """
    tokens = _TOKENS
    out = bytearray(HEADER)
    append = out.append
    page = 0
    stack: list[Iterator[Element]] = []
    it: Iterator[Element] = iter((root,))
    while True:
        for el in it:
            try:
                pg, tok = tokens[el.ns, el.tag]
            except (KeyError, AttributeError, TypeError):
                raise _unknown(el) from None
            if pg != page:
                append(_SWITCH_PAGE)
                append(pg)
                page = pg
            value = el.value
            children = el.children
            if children:
                if value is not None and value != "":
                    raise WBXMLError(f"{el.ns}:{el.tag} has both a value and children")
                append(tok | _CONTENT)
                stack.append(it)
                it = iter(children)
                break
            if value is None or value == "":
                append(tok)
            elif isinstance(value, str):
                if "\x00" in value:
                    raise WBXMLError(
                        f"{el.ns}:{el.tag}: text contains U+0000, which WBXML STR_I cannot carry"
                    )
                append(tok | _CONTENT)
                append(_STR_I)
                try:
                    out += value.encode()
                except UnicodeEncodeError:
                    raise WBXMLError(f"{el.ns}:{el.tag}: text contains a lone surrogate") from None
                append(0)
                append(_END)
            elif isinstance(value, bytes | bytearray):
                append(tok | _CONTENT)
                append(_OPAQUE)
                out += _mb_u_int32(len(value))
                out += value
                append(_END)
            else:
                raise WBXMLError(f"{el.ns}:{el.tag}: value must be str or bytes, not {type(value).__name__}")
        else:
            if not stack:
                return bytes(out)
            it = stack.pop()
            append(_END)


def _unknown(el: object) -> WBXMLError:
    if not isinstance(el, Element):
        return WBXMLError(f"expected an Element, got {type(el).__name__}")
    if not any(name == el.ns for name, _tags in CODE_PAGES.values()):
        return WBXMLError(f"unknown namespace {el.ns!r} (element {el.tag!r})")
    return WBXMLError(f"no tag {el.tag!r} on the {el.ns} code page")
