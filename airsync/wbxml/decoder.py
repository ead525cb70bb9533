"""WBXML bytes -> element tree (MS-ASWBXML 2.1; WBXML 1.3 restricted as MS-ASWBXML 2.1.3 says).

The decoder is iterative and bounded (size, depth, opaque length), and any malformed input ends in
WBXMLError: callers can hand it request bodies straight from the network.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Final

from .codepages import CODE_PAGES
from .element import Element
from .errors import WBXMLError

_SWITCH_PAGE: Final = 0x00
_END: Final = 0x01
_STR_I: Final = 0x03
_OPAQUE: Final = 0xC3

#: WBXML 1.3 global tokens that MS-ASWBXML 2.1.3 excludes (string tables, entities, PIs, extensions).
_UNSUPPORTED: Final[dict[int, str]] = {
    0x02: "ENTITY",
    0x04: "LITERAL",
    0x40: "EXT_I_0",
    0x41: "EXT_I_1",
    0x42: "EXT_I_2",
    0x43: "PI",
    0x44: "LITERAL_C",
    0x80: "EXT_T_0",
    0x81: "EXT_T_1",
    0x82: "EXT_T_2",
    0x83: "STR_T",
    0x84: "LITERAL_A",
    0xC0: "EXT_0",
    0xC1: "EXT_1",
    0xC2: "EXT_2",
    0xC4: "LITERAL_AC",
}

#: page -> (namespace, 64-slot tag name table indexed by token & 0x3F); None where undefined.
_PAGES: Final[list[tuple[str, list[str | None]] | None]] = [None] * 256
for _page, (_ns, _tags) in CODE_PAGES.items():
    _names: list[str | None] = [None] * 64
    for _tag in _tags.values():
        _names[_tag.token] = _tag.name
    _PAGES[_page] = (_ns, _names)
del _page, _ns, _tags, _names, _tag
_PAGE0: Final = (CODE_PAGES[0][0], [_t.name if (_t := CODE_PAGES[0][1].get(i)) else None for i in range(64)])

_new: Final = object.__new__


def _slot_setter(name: str) -> Callable[[Element, object], None]:
    setter: Callable[[Element, object], None] = vars(Element)[name].__set__
    return setter


# Slot setters of the frozen dataclass: the decoder builds elements without the generated __init__.
_SET_NS: Final = _slot_setter("ns")
_SET_TAG: Final = _slot_setter("tag")
_SET_VALUE: Final = _slot_setter("value")
_SET_CHILDREN: Final = _slot_setter("children")

_GC_PAUSE_FROM: Final = 4096
_UTF8: Final = 106
_CHARSET_UNKNOWN: Final = 0


def _read_mb_u_int32(data: bytes, pos: int) -> tuple[int, int]:
    """WBXML 1.3 section 5.1 multi-byte integer; at most 5 bytes and 32 bits."""
    start = pos
    result = 0
    for _ in range(5):
        if pos >= len(data):
            raise WBXMLError("truncated multi-byte integer", start)
        b = data[pos]
        pos += 1
        result = (result << 7) | (b & 0x7F)
        if not b & 0x80:
            if result > 0xFFFFFFFF:
                break
            return result, pos
    raise WBXMLError("multi-byte integer longer than 32 bits", start)


def _header(data: bytes) -> int:
    if not data:
        raise WBXMLError("empty document", 0)
    if data[0] not in (0x01, 0x02, 0x03):
        raise WBXMLError(f"unsupported WBXML version byte 0x{data[0]:02X}", 0)
    pos = 1
    public_id, pos = _read_mb_u_int32(data, pos)
    if public_id == 0:
        # A string-table reference for the public identifier; ActiveSync uses no string table.
        raise WBXMLError("public identifier in the string table is not used by ActiveSync", 1)
    charset_at = pos
    charset, pos = _read_mb_u_int32(data, pos)
    if charset not in (_UTF8, _CHARSET_UNKNOWN):
        raise WBXMLError(f"unsupported charset MIBenum {charset}; ActiveSync uses UTF-8 (106)", charset_at)
    table_at = pos
    table_len, pos = _read_mb_u_int32(data, pos)
    if table_len:
        raise WBXMLError("string tables are not used by ActiveSync (MS-ASWBXML 2.1.3)", table_at)
    return pos


def decode(
    data: bytes | bytearray | memoryview,
    *,
    max_size: int = 64 * 1024 * 1024,
    max_depth: int = 64,
    max_opaque: int | None = None,
) -> Element:
    """Decode one ActiveSync WBXML document.

    Accepts WBXML versions 1.1-1.3, any public identifier, charset UTF-8 or "unknown" (read as
    UTF-8) and an empty string table. Several inline strings or opaque blocks inside one element
    are concatenated (all-opaque stays bytes; a mix is read as UTF-8 text). An element with the
    content bit but no content, or only empty inline strings, decodes with ``value=None`` like a
    bare token, so the decoder never produces ``""``.
    ``max_depth`` counts every element on the path from the root, leaves included.
    Raises WBXMLError, and nothing else, for any malformed input.
    """
    if not isinstance(data, bytes):
        data = bytes(memoryview(data))
    n = len(data)
    if n > max_size:
        raise WBXMLError(f"document of {n} bytes exceeds the limit of {max_size}", max_size)
    # Everything the decoder allocates ends up in the (acyclic) result tree, so cyclic garbage
    # collection while it runs is pure overhead: it halved the speed on documents of small
    # elements. Pause it, as msgpack's documentation advises for large unpacks.
    if n > _GC_PAUSE_FROM and gc.isenabled():
        gc.disable()
        try:
            return _decode(data, n, max_depth, max_opaque)
        finally:
            gc.enable()
    return _decode(data, n, max_depth, max_opaque)


def _decode(data: bytes, n: int, max_depth: int, max_opaque: int | None) -> Element:
    pos = _header(data)
    pages = _PAGES
    page_ns, names = _PAGE0
    new = _new
    set_ns, set_tag, set_value, set_children = _SET_NS, _SET_TAG, _SET_VALUE, _SET_CHILDREN
    # The element being filled: namespace, tag, children, value, offset of its start token.
    cur_ns = ""
    cur_tag = ""
    cur_value: str | bytes | None = None
    cur_at = 0
    stack: list[tuple[str, str, list[Element], str | bytes | None, int]] = []
    # A virtual parent collects the root, so that trailing bytes are caught.
    top: list[Element] = []
    cur_children: list[Element] = top
    root: Element | None = None
    depth = 0
    at = pos
    # Literal token values below (0x00 SWITCH_PAGE, 0x01 END, 0x03 STR_I, 0xC3 OPAQUE) and the
    # Element construction through slot setters (half the cost of the dataclass __init__) are
    # deliberate: this loop runs once per token.
    try:
        while pos < n:
            at = pos
            b = data[pos]
            pos += 1
            if 0x45 <= b <= 0x7F:
                # Tag with content. Fast path for the most common shape, <Tag>text</Tag>:
                # token, STR_I, string, NUL, END.
                tag = names[b & 0x3F]
                if tag is None:
                    raise WBXMLError(f"unknown token 0x{b & 0x3F:02X} on code page {page_ns}", at)
                if cur_value is not None:
                    raise WBXMLError(f"{cur_ns}:{cur_tag} mixes text and child elements", at)
                if data[pos] == 0x03:
                    at = pos  # error offsets inside the string count from its STR_I
                    end = data.index(0, pos + 1)
                    if data[end + 1] == 0x01 and 0 < depth < max_depth:
                        text = data[pos + 1 : end].decode()
                        pos = end + 2
                        el = new(Element)
                        set_ns(el, page_ns)
                        set_tag(el, tag)
                        set_value(el, text or None)
                        set_children(el, ())
                        cur_children.append(el)
                        continue
                    at = pos - 1
                if depth >= max_depth:
                    raise WBXMLError(f"elements nested deeper than {max_depth}", at)
                stack.append((cur_ns, cur_tag, cur_children, cur_value, cur_at))
                cur_ns = page_ns
                cur_tag = tag
                cur_children = []
                cur_value = None
                cur_at = at
                depth += 1
            elif b == 0x01:
                if not depth:
                    raise WBXMLError("END without an open element", at)
                if cur_value is not None and cur_children:
                    raise WBXMLError(f"{cur_ns}:{cur_tag} mixes text and child elements", at)
                el = new(Element)
                set_ns(el, cur_ns)
                set_tag(el, cur_tag)
                set_value(el, cur_value)
                set_children(el, tuple(cur_children))
                cur_ns, cur_tag, cur_children, cur_value, cur_at = stack.pop()
                cur_children.append(el)
                depth -= 1
                if not depth:
                    if pos != n:
                        raise WBXMLError("trailing bytes after the root element", pos)
                    root = el
            elif 0x05 <= b <= 0x3F:
                tag = names[b]
                if tag is None:
                    raise WBXMLError(f"unknown token 0x{b:02X} on code page {page_ns}", at)
                if cur_value is not None:
                    raise WBXMLError(f"{cur_ns}:{cur_tag} mixes text and child elements", at)
                if depth >= max_depth:
                    raise WBXMLError(f"elements nested deeper than {max_depth}", at)
                el = new(Element)
                set_ns(el, page_ns)
                set_tag(el, tag)
                set_value(el, None)
                set_children(el, ())
                cur_children.append(el)
                if not depth:
                    if pos != n:
                        raise WBXMLError("trailing bytes after the root element", pos)
                    root = el
            elif b == 0x00:
                page = data[pos]
                pos += 1
                entry = pages[page]
                if entry is None:
                    raise WBXMLError(f"unknown code page {page}", at)
                page_ns, names = entry
            elif b == 0x03:
                end = data.index(0, pos)
                text = data[pos:end].decode()
                pos = end + 1
                if not depth:
                    raise WBXMLError("text outside the root element", at)
                if text:  # an empty inline string is no content, like a bare token
                    cur_value = text if cur_value is None else _join(cur_value, text, at)
            elif b == 0xC3:
                length, pos = _read_mb_u_int32(data, pos)
                if max_opaque is not None and length > max_opaque:
                    raise WBXMLError(f"opaque data of {length} bytes exceeds the limit of {max_opaque}", at)
                end = pos + length
                if end > n:
                    raise WBXMLError("truncated opaque data", at)
                blob = data[pos:end]
                pos = end
                if not depth:
                    raise WBXMLError("opaque data outside the root element", at)
                cur_value = blob if cur_value is None else _join(cur_value, blob, at)
            else:
                name = _UNSUPPORTED.get(b)
                if name is not None:
                    raise WBXMLError(f"global token {name} is not used by ActiveSync", at)
                if b & 0x80:
                    raise WBXMLError(
                        f"tag 0x{b:02X} has the attribute bit; ActiveSync uses no attributes", at
                    )
                raise WBXMLError(f"reserved token 0x{b:02X}", at)
    except IndexError:
        raise WBXMLError("truncated document", at) from None
    except ValueError as exc:  # data.index found no NUL, or UnicodeDecodeError
        if isinstance(exc, WBXMLError):
            raise
        if isinstance(exc, UnicodeDecodeError):
            raise WBXMLError(f"inline string is not valid UTF-8: {exc.reason}", at + 1 + exc.start) from None
        raise WBXMLError("unterminated inline string", at) from None
    if root is None:
        if depth:
            raise WBXMLError(
                f"truncated document: {cur_ns}:{cur_tag} (from offset {cur_at}) is not closed", n
            )
        raise WBXMLError("no root element", n)
    return root


def _join(first: str | bytes, more: str | bytes, at: int) -> str | bytes:
    if isinstance(first, bytes) and isinstance(more, bytes):
        return first + more
    try:
        a = first if isinstance(first, str) else first.decode()
        b = more if isinstance(more, str) else more.decode()
    except UnicodeDecodeError:
        raise WBXMLError("opaque data mixed with text is not valid UTF-8", at) from None
    return a + b
