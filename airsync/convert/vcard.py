"""vCard (RFC 2426 3.0, RFC 6350 4.0, and 2.1 as exported by phones) <-> the Contacts dict.

The stored item is the vCard; the EAS form is a view of it (DESIGN.md decision 1). Three rules:

1. **Native where vCard has it.** N, FN, ORG, TITLE, ADR, TEL, EMAIL, URL, BDAY, ANNIVERSARY (4.0),
   NOTE, CATEGORIES, PHOTO, NICKNAME, IMPP, RELATED (4.0, spouse and children), and the phonetic
   names Apple and Google write (X-PHONETIC-*). EAS Title is the honorific (N prefix), EAS JobTitle
   is TITLE. What vCard cannot say goes into ``X-AIRSYNC-<TAG>`` properties. Common foreign spellings
   (Evolution, KAddressBook, Outlook, Apple's grouped ``X-ABLabel`` items) are read too.
2. **Nothing is lost.** Writing with ``previous`` starts from the stored card: a property EAS does
   not model is kept verbatim, a mapped property whose EAS value did not change is kept verbatim,
   and a changed one keeps its group and unknown parameters and only gets a new value. Fields the
   client could not have sent (not in its protocol version, ghosted, Alias/WeightedRank, an absent
   Body, a picture too large to send) keep their stored value.
3. **Slots are stable.** EAS has numbered slots (Email1-3, Home/Home2, IMAddress1-3, ...). A
   property airsync writes carries ``X-AIRSYNC-FIELD=<tag>`` so it comes back in the same slot; cards
   written elsewhere fill the slots by type, then in document order.

Birthday and Anniversary (MS-ASCNTC 2.2.2.3/2.2.2.6: a UTC dateTime whose "time portion ... SHOULD be
ignored, so that synchronizing between different time zones does not change the date") are stored
as a plain DATE. Clients send local midnight shifted to UTC (1980-05-01T22:00:00.000Z is May 2 in
Berlin). Coming in: with the device's time zone (``tz``), the local date of that instant; without
it, the date of the nearest midnight (hour >= 12 rounds up), exact for every offset from UTC-11 to
UTC+12, and for the Exchange convention of T11:59. Going out: the date at 11:59 UTC, which is the
same calendar day everywhere from UTC-11:59 to UTC+12:00, whether the client reads the UTC date or
converts to local time.

The content-line layer is a small stdlib parser rather than vobject: lossless carry-over needs the
original lines (vobject re-serialises every line and normalises parameters), phones still export
2.1 with QUOTED-PRINTABLE, and vobject would pull in pytz for no gain.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from email.utils import parseaddr
from typing import Any

from airsync.protocol.versions import V12_0, ProtocolVersion
from airsync.schema.contacts import CONTACTS, PICTURE_MAX_BASE64
from airsync.schema.fields import FieldError

# Content lines -------------------------------------------------------------------------------------

_FOLD_AT = 75  # octets per physical line, RFC 6350 3.2 / RFC 2426 2.6


class VCardError(FieldError):
    """Text that is not a vCard."""


@dataclass
class Prop:
    """One content line: ``group.NAME;PARAM=a,b:value``. ``value`` is the raw (escaped) text."""

    name: str
    value: str
    params: list[tuple[str, list[str]]] = field(default_factory=list)
    group: str = ""
    raw: str | None = None  # the original unfolded line; written back verbatim while unchanged

    def param(self, name: str) -> list[str]:
        return [v for k, vs in self.params if k == name for v in vs]

    def set_param(self, name: str, values: list[str] | None) -> None:
        self.params = [(k, vs) for k, vs in self.params if k != name]
        if values:
            self.params.append((name, values))
        self.raw = None

    @property
    def types(self) -> set[str]:
        return {t.lower() for t in self.param("TYPE")}

    @property
    def pref(self) -> bool:
        return "pref" in self.types or bool(self.param("PREF"))

    def line(self) -> str:
        if self.raw is not None:
            return self.raw
        head = f"{self.group}.{self.name}" if self.group else self.name
        for key, values in self.params:
            head += f";{key}=" + ",".join(_param_quote(v) for v in values)
        return f"{head}:{self.value}"


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts, current, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _param_unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    # RFC 6868 caret escapes.
    return re.sub(r"\^(\^|n|N|')", lambda m: {"^": "^", "n": "\n", "N": "\n", "'": '"'}[m[1]], value)


def _param_quote(value: str) -> str:
    value = value.replace("^", "^^").replace("\n", "^n").replace('"', "^'")
    return f'"{value}"' if any(c in value for c in ",;:") else value


def _parse_line(line: str) -> Prop:
    colon, quoted = -1, False
    for pos, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            colon = pos
            break
    if colon < 0:
        raise VCardError(f"not a content line: {line[:40]!r}")
    head, value = line[:colon], line[colon + 1 :]
    parts = _split_outside_quotes(head, ";")
    group, _, name = parts[0].strip().rpartition(".")
    params: list[tuple[str, list[str]]] = []
    for part in parts[1:]:
        if "=" in part:
            key, _, text = part.partition("=")
            values = [_param_unquote(v) for v in _split_outside_quotes(text, ",")]
            params.append((key.strip().upper(), values))
        elif part.strip():  # vCard 2.1: a bare type ("TEL;WORK;VOICE:")
            params.append(("TYPE", [part.strip()]))
    prop = Prop(name.upper(), value, params, group, raw=line)
    encoding = {e.upper() for e in prop.param("ENCODING")}
    if "QUOTED-PRINTABLE" in encoding:
        charset = (prop.param("CHARSET") or ["utf-8"])[0]
        try:
            prop.value = quopri.decodestring(value.encode("ascii", "replace")).decode(charset, "replace")
        except LookupError:
            prop.value = quopri.decodestring(value.encode("ascii", "replace")).decode("utf-8", "replace")
    return prop


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for physical in re.split(r"\r\n|\n|\r", text):
        if physical[:1] in (" ", "\t") and lines:
            lines[-1] += physical[1:]
        elif lines and lines[-1].endswith("=") and "QUOTED-PRINTABLE" in lines[-1].upper():
            lines[-1] = lines[-1][:-1] + physical  # 2.1 quoted-printable soft line break
        elif physical.strip():
            lines.append(physical)
    return lines


def _fold(line: str) -> str:
    data = line.encode()
    if len(data) <= _FOLD_AT:
        return line
    out, start, limit = [], 0, _FOLD_AT
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            end -= 1
        out.append(data[start:end].decode())
        start, limit = end, _FOLD_AT - 1
    return "\r\n ".join(out)


@dataclass
class Card:
    props: list[Prop]

    @classmethod
    def parse(cls, text: str) -> Card:
        props: list[Prop] = []
        depth, seen = 0, False
        for line in _unfold(text):
            prop = _parse_line(line)
            marker = prop.value.strip().upper() == "VCARD"
            if prop.name == "BEGIN" and marker:
                depth += 1
                seen = True
                if depth == 1:
                    continue
            elif prop.name == "END" and marker:
                depth -= 1
                if depth == 0:
                    break
            if depth >= 1:
                props.append(prop)  # nested 2.1 AGENT cards stay inside, verbatim
        if not seen:
            raise VCardError("no BEGIN:VCARD")
        return cls(props)

    @property
    def version(self) -> str:
        for prop in self.props:
            if prop.name == "VERSION":
                return prop.value.strip()
        return "3.0"

    def first(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)

    def serialize(self) -> str:
        lines = ["BEGIN:VCARD", *(p.line() for p in self.props), "END:VCARD"]
        return "".join(_fold(line) + "\r\n" for line in lines)


# Text values -----------------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def _split_escaped(text: str, sep: str) -> list[str]:
    parts, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _text(prop: Prop) -> str:
    value = _unescape(prop.value)
    return value.replace("\n", "\r\n") if prop.param("X-AIRSYNC-EOL") == ["CRLF"] else value


def _components(prop: Prop) -> list[str]:
    """Structured value (N, ADR, ORG): each component, its list values joined."""
    crlf = prop.param("X-AIRSYNC-EOL") == ["CRLF"]
    out = []
    for component in _split_escaped(prop.value, ";"):
        values = [_unescape(v) for v in _split_escaped(component, ",")]
        text = ",".join(values)
        out.append(text.replace("\n", "\r\n") if crlf else text)
    return out


def _set_text(prop: Prop, values: Iterable[str], sep: str = ";") -> None:
    values = list(values)
    crlf = any("\r\n" in v for v in values) and not any(
        "\r" in v.replace("\r\n", "") or "\n" in v.replace("\r\n", "") for v in values
    )
    prop.value = sep.join(_escape(v) for v in values)
    prop.set_param("X-AIRSYNC-EOL", ["CRLF"] if crlf else None)


def _new(name: str, values: Iterable[str] = (), params: list[tuple[str, list[str]]] | None = None) -> Prop:
    prop = Prop(name, "", list(params or []))
    _set_text(prop, values)
    return prop


# Dates ----------------------------------------------------------------------------------------------

_NO_YEAR = 1604  # Apple's stand-in year for a date without one (X-APPLE-OMIT-YEAR=1604)
_DATE = re.compile(r"^(\d{4}|--)-?(\d{2})-?(\d{2})")


def _read_date(text: str) -> date | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    year = _NO_YEAR if match[1] == "--" else int(match[1])
    try:
        return date(year, int(match[2]), int(match[3]))
    except ValueError:
        return None


def _write_date(value: date, version: str) -> tuple[str, list[tuple[str, list[str]]]]:
    if version.startswith("4"):
        text = f"--{value:%m%d}" if value.year == _NO_YEAR else f"{value.year:04d}{value:%m%d}"
        return text, [("VALUE", ["date"])]
    text = f"{value.year:04d}-{value:%m-%d}"
    return text, ([("X-APPLE-OMIT-YEAR", [str(_NO_YEAR)])] if value.year == _NO_YEAR else [])


def eas_date(value: datetime, tz: tzinfo | None = None) -> date:
    """The calendar day an EAS Birthday/Anniversary means (see the module notes)."""
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if tz is not None:
        return value.astimezone(tz).date()
    return (value + timedelta(hours=12)).date()


def date_to_eas(value: date) -> datetime:
    return datetime(value.year, value.month, value.day, 11, 59, tzinfo=UTC)


# The mapping ----------------------------------------------------------------------------------------

_ADDR_PARTS = ("Street", "City", "State", "PostalCode", "Country")
_ADDRESSES = {"Home": "home", "Business": "work", "Other": "other"}

_PHONES = (  # tag, what it is written as (3.0 TYPE values; 4.0 writes them lower-case)
    ("BusinessPhoneNumber", ["WORK", "VOICE"]),
    ("Business2PhoneNumber", ["WORK", "VOICE"]),
    ("HomePhoneNumber", ["HOME", "VOICE"]),
    ("Home2PhoneNumber", ["HOME", "VOICE"]),
    ("MobilePhoneNumber", ["CELL", "VOICE"]),
    ("CarPhoneNumber", ["CAR"]),
    ("PagerNumber", ["PAGER"]),
    ("RadioPhoneNumber", ["X-RADIO"]),
    ("BusinessFaxNumber", ["WORK", "FAX"]),
    ("HomeFaxNumber", ["HOME", "FAX"]),
    ("AssistantPhoneNumber", ["X-ASSISTANT"]),
    ("CompanyMainPhone", ["MAIN"]),
    ("MMS", ["X-MMS"]),
)
_PHONE_TAGS = tuple(tag for tag, _ in _PHONES)
_PHONE_FALLBACK = (
    "HomePhoneNumber",
    "Home2PhoneNumber",
    "BusinessPhoneNumber",
    "Business2PhoneNumber",
    "MobilePhoneNumber",
)
_EMAILS = ("Email1Address", "Email2Address", "Email3Address")
_IMS = ("IMAddress", "IMAddress2", "IMAddress3")
_IM_NAMES = {
    "IMPP", "X-AIM", "X-ICQ", "X-JABBER", "X-MSN", "X-YAHOO", "X-SKYPE", "X-SKYPE-USERNAME",
    "X-GOOGLE-TALK", "X-GTALK", "X-QQ", "X-GADUGADU", "X-MS-IMADDRESS", "X-SIP",
}  # fmt: skip

#: Single-valued text fields: tag -> (name written, other names read, Apple X-ABLabel labels read).
_SINGLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "Spouse": (
        "X-AIRSYNC-SPOUSE",
        ("X-SPOUSE", "X-MS-SPOUSE", "X-EVOLUTION-SPOUSE", "X-KADDRESSBOOK-X-SPOUSESNAME"),
        ("spouse", "partner"),
    ),
    "AssistantName": (
        "X-AIRSYNC-ASSISTANTNAME",
        ("X-ASSISTANT", "X-MS-ASSISTANT", "X-EVOLUTION-ASSISTANT", "X-KADDRESSBOOK-X-ASSISTANTSNAME"),
        ("assistant",),
    ),
    "ManagerName": (
        "X-AIRSYNC-MANAGERNAME",
        ("X-MANAGER", "X-MS-MANAGER", "X-EVOLUTION-MANAGER", "X-KADDRESSBOOK-X-MANAGERSNAME"),
        ("manager",),
    ),
    "OfficeLocation": ("X-AIRSYNC-OFFICELOCATION", ("X-KADDRESSBOOK-X-OFFICE", "X-EVOLUTION-OFFICE"), ()),
    "YomiFirstName": ("X-PHONETIC-FIRST-NAME", (), ()),
    "YomiLastName": ("X-PHONETIC-LAST-NAME", (), ()),
    "YomiCompanyName": ("X-PHONETIC-ORG", (), ()),
    "GovernmentId": ("X-AIRSYNC-GOVERNMENTID", (), ()),
    "CustomerId": ("X-AIRSYNC-CUSTOMERID", (), ()),
    "AccountName": ("X-AIRSYNC-ACCOUNTNAME", (), ()),
    "Alias": ("X-AIRSYNC-ALIAS", (), ()),
    "WeightedRank": ("X-AIRSYNC-WEIGHTEDRANK", (), ()),
    "FileAs": ("X-AIRSYNC-FILEAS", ("X-EVOLUTION-FILE-AS",), ()),
    "Rtf": ("X-AIRSYNC-RTF", (), ()),
}
_RELATED_4 = {"Spouse": "spouse"}  # vCard 4.0 writes these as RELATED;TYPE=...;VALUE=text

#: Every binding: a key and the (canonical) tags it carries. Canonical tags are the EAS tags, except
#: "Notes" (the body text and its Type) and Birthday/Anniversary as dates.
_BINDINGS: dict[str, tuple[str, ...]] = {
    "N": ("LastName", "FirstName", "MiddleName", "Title", "Suffix"),
    "ORG": ("CompanyName", "Department"),
    "TITLE": ("JobTitle",),
    **{f"ADR:{k}": tuple(f"{k}Address{p}" for p in _ADDR_PARTS) for k in _ADDRESSES},
    **{f"TEL:{tag}": (tag,) for tag in _PHONE_TAGS},
    **{f"EMAIL:{tag}": (tag,) for tag in _EMAILS},
    **{f"IM:{tag}": (tag,) for tag in _IMS},
    "URL": ("WebPage",),
    "BDAY": ("Birthday",),
    "ANNIVERSARY": ("Anniversary",),
    "NOTE": ("Notes",),
    "CATEGORIES": ("Categories",),
    "CHILDREN": ("Children",),
    "PHOTO": ("Picture",),
    "NICKNAME": ("NickName",),
    **{f"X:{tag}": (tag,) for tag in _SINGLES},
}

#: Never deleted because a client left them out: the server fills them (recipient information cache).
_SERVER_ONLY = {"Alias", "WeightedRank"}
_FIELDS = {f.tag: f for f in CONTACTS}


@dataclass
class _View:
    values: dict[str, Any] = field(default_factory=dict)
    owners: dict[str, list[int]] = field(default_factory=dict)
    #: FileAs was read from a custom FN (no FileAs property): FN is the user's own display name.
    fileas_from_fn: bool = False

    def claim(self, key: str, indices: list[int], **values: Any) -> None:
        self.owners[key] = indices
        for tag, value in values.items():
            if not _empty(value):
                self.values[tag] = value


def _labels(card: Card) -> dict[str, tuple[int, str]]:
    """Apple-style grouped labels: group -> (index of its X-ABLABEL line, normalised label)."""
    out = {}
    for i, prop in enumerate(card.props):
        if prop.group and prop.name == "X-ABLABEL":
            label = _text(prop)
            match = re.fullmatch(r"_\$!<(.*)>!\$_", label)
            out[prop.group.lower()] = (i, (match[1] if match else label).lower())
    return out


def _read(card: Card) -> _View:
    view = _View()
    labels = _labels(card)
    taken: set[int] = set()

    def owned(i: int) -> list[int]:
        group = card.props[i].group.lower()
        return [i, labels[group][0]] if group in labels else [i]

    def label(i: int) -> str:
        group = card.props[i].group.lower()
        return labels[group][1] if group in labels else ""

    def slot_of(prop: Prop, allowed: Iterable[str]) -> str | None:
        hint = prop.param("X-AIRSYNC-FIELD")
        return hint[0] if hint and hint[0] in allowed else None

    props = card.props
    for i, prop in enumerate(props):
        if prop.name == "N" and "N" not in view.owners:
            last, first, middle, prefix, suffix = [*_components(prop), "", "", "", "", ""][:5]
            view.claim(
                "N", owned(i), LastName=last, FirstName=first, MiddleName=middle, Title=prefix, Suffix=suffix
            )
        elif prop.name == "ORG" and "ORG" not in view.owners:
            parts = _components(prop)
            view.claim("ORG", owned(i), CompanyName=parts[0], Department=parts[1] if len(parts) > 1 else "")
        elif prop.name == "TITLE" and "TITLE" not in view.owners:
            view.claim("TITLE", owned(i), JobTitle=_text(prop))
        elif prop.name == "URL" and "URL" not in view.owners:
            view.claim("URL", owned(i), WebPage=_text(prop))
        elif prop.name == "NOTE" and "NOTE" not in view.owners:
            kind = prop.param("X-AIRSYNC-BODYTYPE")
            text = _text(prop)
            view.claim("NOTE", owned(i), Notes=(int(kind[0]) if kind else 1, text) if text else None)
        elif prop.name == "NICKNAME" and "NICKNAME" not in view.owners:
            view.claim("NICKNAME", owned(i), NickName=",".join(_components(prop)))
        elif prop.name == "BDAY" and "BDAY" not in view.owners:
            view.claim("BDAY", owned(i), Birthday=_read_date(prop.value))
        elif prop.name == "PHOTO" and "PHOTO" not in view.owners:
            view.claim("PHOTO", owned(i), Picture=_read_photo(prop))
        elif prop.name in ("ANNIVERSARY", "X-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY") or (
            prop.name == "X-ABDATE" and label(i) == "anniversary"
        ):
            if "ANNIVERSARY" not in view.owners:
                view.claim("ANNIVERSARY", owned(i), Anniversary=_read_date(prop.value))
        elif prop.name == "CATEGORIES":
            view.owners.setdefault("CATEGORIES", []).extend(owned(i))
            categories = [_unescape(c) for c in _split_escaped(prop.value, ",") if c]
            view.values.setdefault("Categories", []).extend(categories)
    for i, prop in enumerate(props):  # the relations and X- fields
        related = {t for t in prop.types} if prop.name == "RELATED" else set()
        if (
            prop.name in ("X-AIRSYNC-CHILD", "X-CHILD", "X-MS-CHILD")
            or "child" in related
            or (prop.name == "X-ABRELATEDNAMES" and label(i) == "child")
        ):
            view.owners.setdefault("CHILDREN", []).extend(owned(i))
            view.values.setdefault("Children", []).append(_text(prop))
            continue
        for tag, (name, aliases, apple) in _SINGLES.items():
            key = f"X:{tag}"
            if key in view.owners:
                continue
            if (
                prop.name == name
                or prop.name in aliases
                or (tag in _RELATED_4 and _RELATED_4[tag] in related)
                or (prop.name == "X-ABRELATEDNAMES" and label(i) in apple)
            ):
                value: Any = _text(prop)
                if tag == "WeightedRank":
                    try:
                        value = int(value)
                    except ValueError:
                        continue
                view.claim(key, owned(i), **{tag: value})
                break
    view.owners.setdefault("CATEGORIES", [])
    # Addresses: typed home/work first, then "other": TYPE=OTHER or the first untyped one.
    adrs = [i for i, p in enumerate(props) if p.name == "ADR"]
    for kind, vtype in _ADDRESSES.items():
        key = f"ADR:{kind}"
        hinted = [i for i in adrs if slot_of(props[i], [key]) and i not in taken]
        typed = [i for i in adrs if vtype in props[i].types | {label(i)} and i not in taken]
        if kind == "Other":
            typed += [i for i in adrs if not props[i].types & {"home", "work"} and i not in taken]
        for i in hinted + typed:
            pobox, ext, street, city, state, code, country = [*_components(props[i]), *[""] * 7][:7]
            lines = "\n".join(x for x in (pobox, ext, street) if x)
            parts = dict(zip(_ADDR_PARTS, (lines, city, state, code, country), strict=True))
            view.claim(key, owned(i), **{f"{kind}Address{p}": v for p, v in parts.items()})
            taken.add(i)
            break
    _read_slots(props, view, "EMAIL", ["EMAIL"], _EMAILS, owned, label, slot_of, taken)
    _read_slots(props, view, "IM", sorted(_IM_NAMES), _IMS, owned, label, slot_of, taken)
    _read_phones(props, view, owned, label, slot_of, taken)
    # FileAs: a foreign card with only a display name still shows a name on the device.
    if "FileAs" not in view.values and "X:FileAs" not in view.owners:
        fn = card.first("FN")
        if fn is not None and _text(fn) and _text(fn) != _display_name(view.values):
            view.values["FileAs"] = _text(fn)
            view.fileas_from_fn = True
    return view


def _read_photo(prop: Prop) -> str | None:
    value = re.sub(r"\s+", "", prop.value)
    if value.startswith("data:"):
        header, _, payload = value.partition(",")
        return payload if header.endswith(";base64") else None
    encoding = {e.lower() for e in prop.param("ENCODING")}
    return value if encoding & {"b", "base64"} else None


def _read_slots(props, view, kind, names, tags, owned, label, slot_of, taken) -> None:  # type: ignore[no-untyped-def]
    candidates = [i for i, p in enumerate(props) if p.name in names and i not in taken]
    free = list(tags)
    for i in candidates:  # airsync's own slot hints first
        tag = slot_of(props[i], free)
        if tag:
            _claim_slot(props[i], view, kind, tag, owned(i))
            free.remove(tag)
            taken.add(i)
    rest = [i for i in candidates if i not in taken]
    rest.sort(key=lambda i: not props[i].pref)  # the preferred one first, else document order
    for i, tag in zip(rest, free, strict=False):
        _claim_slot(props[i], view, kind, tag, owned(i))
        taken.add(i)


def _claim_slot(prop: Prop, view: _View, kind: str, tag: str, owners: list[int]) -> None:
    value = _text(prop)
    if kind == "EMAIL":
        original = prop.param("X-AIRSYNC-ORIGINAL")
        if original and parseaddr(original[0])[1] == value:
            value = original[0]
    elif kind == "TEL" and value.lower().startswith("tel:"):
        value = value[4:]
    view.claim(f"{kind}:{tag}", owners, **{tag: value})


def _phone_slots(types: set[str]) -> tuple[str, ...]:
    if "fax" in types:
        if "home" in types:
            return ("HomeFaxNumber",)
        return ("BusinessFaxNumber", "HomeFaxNumber")
    for markers, slots in (
        ({"pager"}, ("PagerNumber",)),
        ({"car"}, ("CarPhoneNumber",)),
        ({"x-radio", "radio"}, ("RadioPhoneNumber",)),
        ({"x-assistant", "assistant", "x-evolution-assistant"}, ("AssistantPhoneNumber",)),
        ({"main", "x-company-main", "company", "x-evolution-company"}, ("CompanyMainPhone",)),
        ({"x-mms", "mms"}, ("MMS",)),
        ({"cell", "iphone", "mobile"}, ("MobilePhoneNumber",)),
        ({"work"}, ("BusinessPhoneNumber", "Business2PhoneNumber")),
        ({"home"}, ("HomePhoneNumber", "Home2PhoneNumber")),
        ({"text", "msg"}, ("MobilePhoneNumber",)),
    ):
        if types & markers:
            return slots
    return ()


def _read_phones(props, view, owned, label, slot_of, taken) -> None:  # type: ignore[no-untyped-def]
    tels = [i for i, p in enumerate(props) if p.name == "TEL"]
    free = list(_PHONE_TAGS)
    for i in tels:
        tag = slot_of(props[i], free)
        if tag:
            _claim_slot(props[i], view, "TEL", tag, owned(i))
            free.remove(tag)
            taken.add(i)
    leftovers = []
    for i in sorted((i for i in tels if i not in taken), key=lambda i: not props[i].pref):
        slots = [s for s in _phone_slots(props[i].types | {label(i)}) if s in free]
        if slots:
            _claim_slot(props[i], view, "TEL", slots[0], owned(i))
            free.remove(slots[0])
            taken.add(i)
        elif not _phone_slots(props[i].types | {label(i)}):
            leftovers.append(i)
    for i in leftovers:
        slots = [s for s in _PHONE_FALLBACK if s in free]
        if slots:
            _claim_slot(props[i], view, "TEL", slots[0], owned(i))
            free.remove(slots[0])
            taken.add(i)


def _display_name(values: Mapping[str, Any]) -> str:
    names = [values.get(t) for t in ("Title", "FirstName", "MiddleName", "LastName", "Suffix")]
    text = " ".join(n for n in names if n)
    return (
        text
        or values.get("FileAs")
        or values.get("CompanyName")
        or values.get("Email1Address")
        or values.get("NickName")
        or ""
    )


# Reading: vCard -> EAS ------------------------------------------------------------------------------


def _canonical_to_eas(values: Mapping[str, Any], version: ProtocolVersion) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for tag, value in values.items():
        if tag in ("Birthday", "Anniversary"):
            out[tag] = date_to_eas(value)
        elif tag == "Picture":
            if len(value) <= PICTURE_MAX_BASE64:
                out[tag] = value
        elif tag not in ("Notes", "Rtf"):
            out[tag] = value
    notes, rtf = values.get("Notes"), values.get("Rtf")
    if version >= V12_0:
        if notes:
            out["Body"] = {"Type": notes[0], "EstimatedDataSize": len(notes[1].encode()), "Data": notes[1]}
        elif rtf:
            out["Body"] = {"Type": 3, "EstimatedDataSize": len(rtf), "Data": rtf}
        else:
            # MS-ASAIRS 2.2.2.9: Body "MUST be included in a response message whenever an item has
            # changes or new items are created".
            out["Body"] = {"Type": 1, "EstimatedDataSize": 0}
    else:
        if notes:
            out["Body"] = notes[1]
        if rtf:
            out["Rtf"] = rtf
    return {
        tag: value
        for tag, value in out.items()
        if tag == "Body" or (tag in _FIELDS and _FIELDS[tag].defined_in(version))
    }


def contact_to_eas(vcf: str, version: ProtocolVersion) -> dict[str, Any]:
    """The Contacts ApplicationData dict for ``version`` (fields it does not define are absent)."""
    return _canonical_to_eas(_read(Card.parse(vcf)).values, version)


def uid_of(vcf: str) -> str | None:
    prop = Card.parse(vcf).first("UID")
    return _text(prop).strip() if prop is not None else None


# Writing: EAS -> vCard ------------------------------------------------------------------------------


def _eas_to_canonical(
    data: Mapping[str, Any], version: ProtocolVersion, tz: tzinfo | None
) -> tuple[dict[str, Any], set[str]]:
    """The values ``data`` sets, and the canonical tags it says nothing about (keep them)."""
    values: dict[str, Any] = {}
    keep: set[str] = set()
    for tag, value in data.items():
        if tag in ("Body", "BodySize", "BodyTruncated", "Rtf"):
            continue
        if tag in ("Birthday", "Anniversary"):
            values[tag] = eas_date(value, tz) if value else None
        elif tag == "Picture":
            text = re.sub(r"\s+", "", value or "")
            if len(text) > PICTURE_MAX_BASE64:
                raise FieldError(f"Picture is {len(text)} base64 characters, more than 48 KB")
            values[tag] = text or None
        elif tag in ("Categories", "Children"):
            values[tag] = [v for v in value or [] if v] or None
        else:
            values[tag] = value
    body = data.get("Body")
    if isinstance(body, Mapping):
        if body.get("Truncated"):
            keep |= {"Notes", "Rtf"}  # a truncated copy never replaces the whole text
        elif body.get("Type") == 3:
            values["Rtf"], values["Notes"] = body.get("Data") or None, None
        else:
            text = body.get("Data") or ""
            values["Notes"] = (int(body.get("Type") or 1), text) if text else None
            values["Rtf"] = None
    elif body is not None or "Rtf" in data:
        if data.get("BodyTruncated"):
            keep |= {"Notes", "Rtf"}
        else:
            values["Notes"] = (1, body) if body else None
            values["Rtf"] = data.get("Rtf") or None
    else:
        keep |= {"Notes", "Rtf"}  # MS-ASCNTC 3.1.5.4: no Body, the stored notes stay
    return values, keep


def eas_to_contact(
    data: Mapping[str, Any],
    version: ProtocolVersion,
    previous: str | None = None,
    *,
    ghosted: Iterable[str] = (),
    uid: str | None = None,
    tz: tzinfo | None = None,
) -> str:
    """The vCard for an Add (``previous`` None) or a Change of a stored card.

    ``ghosted``: the properties the client ghosts (``contacts.ghosted_properties``); left out of
    ``data`` they keep their stored value, as do fields ``version`` does not define.
    ``uid``: the UID of a new card (default: a random UUID). ``tz``: the device's time zone, if
    known, to read Birthday/Anniversary exactly.
    """
    card = Card.parse(previous) if previous else _blank(uid)
    old = _read(card)
    new, keep = _eas_to_canonical(data, version, tz)
    ghost_tags = {g.rpartition(":")[2] for g in ghosted}
    old_picture = old.values.get("Picture")
    for tag in {t for tags in _BINDINGS.values() for t in tags}:
        if tag in new:
            continue
        spec = _FIELDS.get(tag)
        if (
            tag in keep
            or tag in ghost_tags
            or tag in _SERVER_ONLY
            or (spec is not None and not spec.defined_in(version))
            or (tag == "Picture" and old_picture and len(old_picture) > PICTURE_MAX_BASE64)
        ):
            new[tag] = old.values.get(tag)
        else:
            new[tag] = None
    vversion = card.version
    replacements: dict[int, list[Prop]] = {}
    removed: set[int] = set()
    appended: list[Prop] = []
    for key, tags in _BINDINGS.items():
        if all(_same(new.get(t), old.values.get(t)) for t in tags):
            continue
        indices = old.owners.get(key, [])
        first = card.props[indices[0]] if indices else None
        built = _build(key, new, first, vversion)
        if indices:
            groups = {p.group.lower() for p in built if p.group}
            removed.update(
                i
                for i in indices
                if not (card.props[i].name == "X-ABLABEL" and card.props[i].group.lower() in groups)
            )
            replacements[indices[0]] = built
        else:
            appended.extend(built)
    props: list[Prop] = []
    for i, prop in enumerate(card.props):
        if i in replacements:
            props.extend(replacements[i])
        if i not in removed:
            props.append(prop)
    props.extend(appended)
    card.props = props
    _update_fn(card, old, new)
    return card.serialize()


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _same(a: Any, b: Any) -> bool:
    return (None if _empty(a) else a) == (None if _empty(b) else b)


def _blank(uid: str | None) -> Card:
    return Card(
        [
            Prop("VERSION", "3.0"),
            Prop("PRODID", "-//airsync//airsync//EN"),
            _new("UID", [uid or str(uuid.uuid4())]),
            Prop("N", ";;;;"),
            Prop("FN", ""),
        ]
    )


def _update_fn(card: Card, old: _View, new: Mapping[str, Any]) -> None:
    """FN follows the names unless someone set it to something else (a display name of their own)."""
    fn = card.first("FN")
    if fn is None:
        fn = Prop("FN", "")
        card.props.insert(next((i + 1 for i, p in enumerate(card.props) if p.name == "VERSION"), 0), fn)
    elif old.fileas_from_fn or (_text(fn) and _text(fn) != _display_name(old.values)):
        return
    wanted = _display_name(new)
    if _text(fn) != wanted:
        _set_text(fn, [wanted])
    if card.version.startswith("3") and card.first("N") is None:
        card.props.insert(card.props.index(fn) + 1, Prop("N", ";;;;"))


def _types(version: str, values: list[str]) -> list[str]:
    return [v.lower() for v in values] if version.startswith("4") else values


def _build(key: str, new: Mapping[str, Any], old: Prop | None, version: str) -> list[Prop]:
    """The properties for ``key`` with the new values; an existing property keeps its group and
    parameters and only gets the new value."""
    kind, _, tag = key.partition(":")
    tags = _BINDINGS[key]
    if all(_empty(new.get(t)) for t in tags):
        return [] if key != "N" else [_reuse(old, "N", ["", "", "", "", ""])]
    if kind == "N":
        last, first, middle, prefix, suffix = (new.get(t) or "" for t in tags)
        return [_reuse(old, "N", [last, first, middle, prefix, suffix])]
    if kind == "ORG":
        units = _components(old)[2:] if old is not None else []
        return [_reuse(old, "ORG", [new.get("CompanyName") or "", new.get("Department") or "", *units])]
    if kind in ("TITLE", "URL"):
        return [_reuse(old, kind, [new[tags[0]]])]
    if kind == "ADR":
        street, city, state, code, country = (new.get(t) or "" for t in tags)
        prop = _reuse(old, "ADR", ["", "", street, city, state, code, country])
        if old is None:
            prop.set_param("TYPE", _types(version, [_ADDRESSES[tag].upper()]))
            prop.set_param("X-AIRSYNC-FIELD", [key])
        return [prop]
    if kind == "TEL":
        prop = _reuse(old, "TEL", [new[tag]])
        if old is None or old.name != "TEL":
            prop.set_param("TYPE", _types(version, dict(_PHONES)[tag]))
        prop.set_param("X-AIRSYNC-FIELD", [tag])
        return [prop]
    if kind == "EMAIL":
        text = new[tag]
        address = parseaddr(text)[1] or text
        prop = _reuse(old, "EMAIL", [address])
        if old is None:
            prop.set_param("TYPE", _types(version, ["INTERNET"]))
        prop.set_param("X-AIRSYNC-ORIGINAL", [text] if address != text else None)
        prop.set_param("X-AIRSYNC-FIELD", [tag])
        return [prop]
    if kind == "IM":
        prop = _reuse(old, "IMPP", [new[tag]])
        prop.set_param("X-AIRSYNC-FIELD", [tag])
        return [prop]
    if kind in ("BDAY", "ANNIVERSARY"):
        value = new[tags[0]]
        text, params = _write_date(value, version)
        if old is None:
            return [
                Prop(kind if kind == "BDAY" or version.startswith("4") else "X-ANNIVERSARY", text, params)
            ]
        kept = [(k, v) for k, v in old.params if k not in ("VALUE", "X-APPLE-OMIT-YEAR")]
        return [Prop(old.name, text, kept + params, old.group)]
    if kind == "NOTE":
        body_type, text = new["Notes"]
        prop = _reuse(old, "NOTE", [text])
        prop.set_param("X-AIRSYNC-BODYTYPE", [str(body_type)] if body_type != 1 else None)
        return [prop]
    if kind == "CATEGORIES":
        prop = Prop("CATEGORIES", "")
        prop.value = ",".join(_escape(c) for c in new["Categories"])
        return [prop]
    if kind == "CHILDREN":
        if version.startswith("4"):
            return [_new("RELATED", [c], [("TYPE", ["child"]), ("VALUE", ["text"])]) for c in new["Children"]]
        return [_new("X-AIRSYNC-CHILD", [c]) for c in new["Children"]]
    if kind == "PHOTO":
        payload = new["Picture"]
        mime = _image_type(payload)
        if version.startswith("4"):
            return [Prop("PHOTO", f"data:image/{mime};base64,{payload}")]
        return [Prop("PHOTO", payload, [("ENCODING", ["b"]), ("TYPE", [mime.upper()])])]
    if kind == "NICKNAME":
        return [_reuse(old, "NICKNAME", [new["NickName"]])]
    # X: single-valued text fields.
    value = new[tag]
    text = str(value)
    if version.startswith("4") and tag in _RELATED_4:
        if old is not None and old.name == "RELATED":
            return [_reuse(old, "RELATED", [text])]
        return [_new("RELATED", [text], [("TYPE", [_RELATED_4[tag]]), ("VALUE", ["text"])])]
    return [_reuse(old, _SINGLES[tag][0], [text])]


def _reuse(old: Prop | None, name: str, values: list[str]) -> Prop:
    """``old`` with a new value (same name, group, parameters), or a new property."""
    prop = Prop(old.name, "", list(old.params), old.group) if old is not None else Prop(name, "")
    if old is not None:
        encoding = [e for e in prop.param("ENCODING") if e.upper() != "QUOTED-PRINTABLE"]
        if prop.param("ENCODING"):
            prop.set_param("ENCODING", encoding or None)
            prop.set_param("CHARSET", None)
        if prop.name == "TEL" and prop.param("VALUE") == ["uri"]:
            prop.set_param("VALUE", None)
    _set_text(prop, values)
    prop.raw = None
    return prop


def _image_type(payload: str) -> str:
    try:
        head = base64.b64decode(payload[:16] + "=" * (-len(payload[:16]) % 4))
    except (binascii.Error, ValueError):
        return "jpeg"
    if head.startswith(b"\x89PNG"):
        return "png"
    if head.startswith(b"GIF8"):
        return "gif"
    return "jpeg"


__all__ = [
    "Card",
    "Prop",
    "VCardError",
    "contact_to_eas",
    "date_to_eas",
    "eas_date",
    "eas_to_contact",
    "uid_of",
]
