"""Files of many items: an iCalendar file or a vCard file <-> one stored item per event, task or card.

What a calendar or address-book application exports (RFC 5545 3.4: one VCALENDAR with many
components; RFC 6350 3.3 and RFC 2426: vCards one after another) is split into the items the store
keeps (DESIGN decision 1: one VCALENDAR per event or task, one vCard per contact), and joined back.

This works on content lines, not on parsed objects, so nothing is lost or rewritten:

* A vCard is kept verbatim, from its ``BEGIN:VCARD`` to its ``END:VCARD`` line, with its folding,
  quoted-printable soft line breaks (2.1), line ends and nested 2.1 ``AGENT`` cards.
* An iCalendar item is one VCALENDAR holding the components that share a UID (a series master and
  its RECURRENCE-ID overrides), verbatim but with CRLF line ends (RFC 5545 3.1), and the VTIMEZONEs
  they name in a TZID parameter. Its header is always ours (VERSION, PRODID), so the same components
  give the same stored text whatever file they came from; METHOD and X-WR-* file properties are
  not carried into items (a stored calendar object has no METHOD, RFC 4791 4.1).
* A component or card without a UID gets one written into its text: a UUID derived from its text,
  so importing the same file again, or an export of it, updates instead of duplicating.

Reading never stops at a broken item: what cannot be an item becomes a :class:`Chunk` with an
``error`` and the line it starts on, and the next item is read normally.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from airsync.convert.ical import PRODID

CRLF: Final = "\r\n"
#: Components that stand alone in a VCALENDAR (RFC 5545 3.6); a BEGIN of one of these inside another
#: means the other one lacks its END.
_TOP_LEVEL: Final = frozenset({"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY"})
_NAME: Final = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)")
_TZID_PARAM: Final = re.compile(r';TZID=("[^"]*"|[^;:]*)', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One item read from a file: its text, or why it cannot be one."""

    line: int  #: the physical line (from 1) where it starts
    kind: str  #: VEVENT, VTODO, VJOURNAL, ... or VCARD
    text: str | None = None
    error: str | None = None


# Content lines -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Line:
    """One content line: unfolded ``text`` and the ``raw`` physical lines it was read from."""

    number: int
    text: str
    raw: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The property name, upper-case, without a vCard group (``item1.TEL`` -> ``TEL``)."""
        match = _NAME.match(self.text)
        return match.group(1).upper() if match else ""

    @property
    def value(self) -> str:
        return _value(self.text)

    def crlf(self) -> str:
        """The physical lines with CRLF ends (iCalendar's line end)."""
        return "".join(raw.rstrip("\r\n") + CRLF for raw in self.raw)

    def verbatim(self) -> str:
        return "".join(self.raw)


def _value(text: str) -> str:
    """The value of a content line: after the first colon that is not inside a quoted parameter."""
    quoted = False
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return text[i + 1 :]
    return ""


def _params(text: str) -> str:
    """The name-and-parameters part of a content line (before the value's colon)."""
    return text[: len(text) - len(_value(text)) - 1] if ":" in text else text


def decode_lines(source: Iterable[bytes]) -> Iterator[tuple[int, str]]:
    """Numbered physical lines, line ends kept. UTF-8 (without its BOM); a line that is not UTF-8 is
    read as Windows-1252, which is what the older Outlook and phone exports that are not UTF-8 use."""
    for number, data in enumerate(source, 1):
        if number == 1 and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            yield number, data.decode("utf-8")
        except UnicodeDecodeError:
            yield number, data.decode("cp1252", errors="replace")


def content_lines(physical: Iterable[tuple[int, str]]) -> Iterator[Line]:
    """Unfold physical lines into content lines: a line starting with a space or tab continues the
    one before (RFC 5545 3.1, RFC 6350 3.2), and so does the line after a quoted-printable value
    ending in ``=`` (vCard 2.1 soft line break). Blank lines are dropped."""
    current: Line | None = None
    for number, raw in physical:
        bare = raw.rstrip("\r\n")
        if current is not None and (
            bare[:1] in (" ", "\t")
            or (current.text.endswith("=") and "QUOTED-PRINTABLE" in _params(current.text).upper())
        ):
            if bare[:1] in (" ", "\t"):
                current.text += bare[1:]
            else:
                current.text = current.text[:-1] + bare
            current.raw.append(raw)
            continue
        if current is not None:
            yield current
            current = None
        if bare.strip():
            current = Line(number, bare, [raw])
    if current is not None:
        yield current


def sniff(first: bytes) -> str | None:
    """``"ics"``, ``"vcf"`` or None from the start of a file."""
    for line in first.lstrip(b"\xef\xbb\xbf").splitlines():
        line = line.strip().upper()
        if not line:
            continue
        if line == b"BEGIN:VCALENDAR":
            return "ics"
        if line == b"BEGIN:VCARD":
            return "vcf"
        return None
    return None


#: Namespace of the UIDs given to components and cards that have none (RFC 4122 name-based UUIDs).
_UID_NAMESPACE: Final = uuid.UUID("0f5d7f2e-8c1a-5b7e-9a43-2d6c1e0b9a71")


def _new_uid(text: str) -> str:
    """A UID for an item without one: derived from its text (line ends aside), so importing the same
    file twice finds the items of the first import instead of adding them again."""
    return str(uuid.uuid5(_UID_NAMESPACE, "\n".join(text.splitlines())))


# iCalendar ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Component:
    """A top-level component of a VCALENDAR, as its content lines (nested VALARMs included)."""

    name: str
    lines: list[Line]
    error: str | None = None

    @property
    def line(self) -> int:
        return self.lines[0].number

    def _own(self, name: str) -> Line | None:
        """A property of the component itself (not of a nested VALARM, STANDARD...)."""
        depth = 0
        for line in self.lines[1:-1]:
            if line.name == "BEGIN":
                depth += 1
            elif line.name == "END":
                depth -= 1
            elif depth == 0 and line.name == name:
                return line
        return None

    @property
    def uid(self) -> str | None:
        line = self._own("UID")
        return line.value.strip() or None if line is not None else None

    @property
    def recurrence_id(self) -> str | None:
        line = self._own("RECURRENCE-ID")
        return line.value.strip() if line is not None else None

    @property
    def tzid(self) -> str | None:
        """The TZID a VTIMEZONE defines."""
        line = self._own("TZID")
        return line.value.strip() if line is not None else None

    def tzids(self) -> list[str]:
        """The TZIDs its properties name (DTSTART;TZID=..., EXDATE, RECURRENCE-ID, DUE...)."""
        found: list[str] = []
        for line in self.lines:
            for match in _TZID_PARAM.finditer(_params(line.text)):
                tzid = match.group(1).strip('"')
                if tzid not in found:
                    found.append(tzid)
        return found

    def with_uid(self, uid: str) -> Component:
        """The component with ``uid`` as its UID (an empty UID line is replaced)."""
        new = Line(0, f"UID:{uid}", [f"UID:{uid}{CRLF}"])
        old = self._own("UID")
        lines = [line for line in self.lines if line is not old]
        return Component(self.name, [lines[0], new, *lines[1:]], self.error)

    def text(self) -> str:
        return "".join(line.crlf() for line in self.lines)


def calendar_components(lines: Iterable[Line]) -> Iterator[Component]:
    """The top-level components of every VCALENDAR in a stream (a file may hold several one after
    another). Structure errors do not stop the reading: a component cut short by EOF, by the BEGIN
    of another top-level component or by a mismatched END is yielded with its ``error`` set, and
    text outside any VCALENDAR as a component named ``""``."""
    in_calendar = False
    current: Component | None = None
    stack: list[str] = []
    stray: list[Line] = []

    def cut(reason: str) -> Component:
        assert current is not None
        return Component(current.name, current.lines, current.error or reason)

    for line in lines:
        name = line.name
        value = line.value.strip().upper() if name in ("BEGIN", "END") else ""
        if current is not None:
            if name == "BEGIN" and (value in _TOP_LEVEL or value == "VCALENDAR"):
                yield cut(f"no END:{stack[0]} before the BEGIN:{value} on line {line.number}")
                current, stack = None, []
            elif name == "END" and value == "VCALENDAR":
                yield cut(f"no END:{stack[0]} before END:VCALENDAR on line {line.number}")
                current, stack = None, []
            else:
                current.lines.append(line)
                if name == "BEGIN":
                    stack.append(value)
                elif name == "END":
                    if value in stack:
                        while stack[-1] != value:
                            stack.pop()
                            current.error = current.error or f"mismatched END:{value} on line {line.number}"
                        stack.pop()
                    else:
                        current.error = current.error or f"END:{value} without BEGIN on line {line.number}"
                    if not stack:
                        yield current
                        current = None
                continue
        if name == "BEGIN" and value == "VCALENDAR":
            if stray:
                yield Component("", stray, "text outside a VCALENDAR")
                stray = []
            in_calendar = True
        elif name == "END" and value == "VCALENDAR" and in_calendar:
            in_calendar = False
        elif name == "BEGIN" and in_calendar:
            current, stack = Component(value, [line]), [value]
        elif not in_calendar:
            stray.append(line)
        # else: a property of the VCALENDAR itself (VERSION, PRODID, METHOD, X-WR-CALNAME...)
    if current is not None:
        yield cut(f"no END:{stack[0]} before the end of the file")
    if stray:
        yield Component("", stray, "text outside a VCALENDAR")


def calendar_text(components: Iterable[Component], timezones: Iterable[Component] = ()) -> str:
    """One VCALENDAR with ``timezones`` first, then ``components``."""
    return (
        f"BEGIN:VCALENDAR{CRLF}VERSION:2.0{CRLF}PRODID:{PRODID}{CRLF}"
        + "".join(tz.text() for tz in timezones)
        + "".join(c.text() for c in components)
        + f"END:VCALENDAR{CRLF}"
    )


def split_calendar(lines: Iterable[Line]) -> list[Chunk]:
    """The items of an iCalendar file, in the order of their first component.

    Components are grouped by (kind, UID): a series master and its overrides make one item, wherever
    they are in the file. So the whole file is read before the first item is returned; what is held
    is the text of its components (about the size of the file), never a parsed tree. A second
    component with the same UID and RECURRENCE-ID as an earlier one is reported, not merged.
    """
    timezones: dict[str, Component] = {}
    groups: dict[tuple[str, str], list[Component]] = {}
    chunks: list[tuple[int, Chunk | list[Component]]] = []
    for component in calendar_components(lines):
        if component.error:
            chunks.append((component.line, Chunk(component.line, component.name, error=component.error)))
        elif component.name == "VTIMEZONE":
            if component.tzid:
                timezones.setdefault(component.tzid, component)
        elif component.uid is None:
            component = component.with_uid(_new_uid(component.text()))
            chunks.append((component.line, [component]))
        else:
            group = groups.get((component.name, component.uid))
            if group is None:
                groups[(component.name, component.uid)] = group = [component]
                chunks.append((component.line, group))
                continue
            twin = next((c for c in group if c.recurrence_id == component.recurrence_id), None)
            if twin is not None:
                what = (
                    f"RECURRENCE-ID {component.recurrence_id}"
                    if component.recurrence_id
                    else "no RECURRENCE-ID"
                )
                chunks.append(
                    (
                        component.line,
                        Chunk(
                            component.line,
                            component.name,
                            error=f"{component.name} with UID {component.uid} and {what} "
                            f"is on line {twin.line} already",
                        ),
                    )
                )
            else:
                group.append(component)
    out: list[Chunk] = []
    for line, entry in sorted(chunks, key=lambda pair: pair[0]):
        if isinstance(entry, Chunk):
            out.append(entry)
            continue
        used = [tzid for c in entry for tzid in c.tzids()]
        zones = [timezones[tzid] for tzid in dict.fromkeys(used) if tzid in timezones]
        out.append(Chunk(line, entry[0].name, text=calendar_text(entry, zones)))
    return out


def split_stored_calendar(text: str) -> tuple[list[Component], list[Component]]:
    """A stored item's (VTIMEZONEs, other components)."""
    physical = enumerate(text.splitlines(keepends=True), 1)
    components = [c for c in calendar_components(content_lines(physical)) if c.name]
    zones = [c for c in components if c.name == "VTIMEZONE"]
    return zones, [c for c in components if c.name != "VTIMEZONE"]


def calendar_header(name: str | None = None) -> str:
    header = f"BEGIN:VCALENDAR{CRLF}VERSION:2.0{CRLF}PRODID:{PRODID}{CRLF}"
    if name:
        escaped = name.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        header += f"X-WR-CALNAME:{escaped}{CRLF}"
    return header


CALENDAR_FOOTER: Final = f"END:VCALENDAR{CRLF}"


# vCard ---------------------------------------------------------------------------------------------


def split_cards(lines: Iterable[Line]) -> Iterator[Chunk]:
    """The vCards of a file, one at a time, each verbatim from BEGIN:VCARD to its END:VCARD (a nested
    2.1 AGENT card stays inside its card). A card without a UID gets one, written before its END."""
    depth = 0
    card: list[Line] = []
    stray: list[Line] = []
    for line in lines:
        marker = line.name in ("BEGIN", "END") and line.value.strip().upper() == "VCARD"
        if line.name == "BEGIN" and marker:
            if depth == 0 and stray:
                yield Chunk(stray[0].number, "VCARD", error="text outside BEGIN:VCARD ... END:VCARD")
                stray = []
            depth += 1
        if depth == 0:
            stray.append(line)
            continue
        card.append(line)
        if line.name == "END" and marker:
            depth -= 1
            if depth == 0:
                yield Chunk(card[0].number, "VCARD", text=_card_text(card))
                card = []
    if card:
        yield Chunk(card[0].number, "VCARD", error="no END:VCARD before the end of the file")
    if stray:
        yield Chunk(stray[0].number, "VCARD", error="text outside BEGIN:VCARD ... END:VCARD")


def _card_text(card: list[Line]) -> str:
    own = list(_top_level(card))
    uid = next((line for line in own if line.name == "UID"), None)
    if uid is None or not uid.value.strip():
        version = next((line.value.strip() for line in own if line.name == "VERSION"), "3.0")
        uid_value = _new_uid("".join(line.verbatim() for line in card))
        value = f"urn:uuid:{uid_value}" if version.startswith("4") else uid_value
        end = card[-1].raw[-1]
        newline = end[len(end.rstrip("\r\n")) :] or CRLF
        new = Line(0, f"UID:{value}", [f"UID:{value}{newline}"])
        card = [line for line in card if line is not uid]
        card.insert(len(card) - 1, new)
    text = "".join(line.verbatim() for line in card)
    return text if text.endswith(("\n", "\r")) else text + CRLF


def _top_level(card: list[Line]) -> Iterator[Line]:
    """The card's own properties (not those of a nested AGENT card)."""
    depth = 0
    for line in card:
        marker = line.name in ("BEGIN", "END") and line.value.strip().upper() == "VCARD"
        if line.name == "BEGIN" and marker:
            depth += 1
        elif line.name == "END" and marker:
            depth -= 1
        elif depth == 1:
            yield line


def card_text(text: str) -> str:
    """A stored card, ready to be written after another: ends with a line end."""
    return text if text.endswith(("\n", "\r")) else text + CRLF
