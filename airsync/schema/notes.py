"""The Note class (MS-ASNOTE): Notes (code page 23) and AirSyncBase:Body, protocol 14.0 and later.

Order follows Notes.xsd, then airsyncbase:Body. LastModifiedDate is the compact date-time form
(MS-ASNOTE 2.2.2.4, MS-ASDTYPE 2.6.5: 20081010T190000Z); MessageClass is required and MUST be
"IPM.StickyNote" or "IPM.StickyNote.*" (2.2.2.5); the body Type MUST be 1, 2 or 3 (2.2.2.1). MS-ASNOTE
defines no ghostable element.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from airsync.protocol.versions import V14_0, ProtocolVersion

from .contacts import BODY
from .fields import Field, Kind

N = "Notes"

NOTES: tuple[Field, ...] = (
    Field(N, "Subject", first=V14_0),
    Field(N, "MessageClass", first=V14_0),
    Field(N, "LastModifiedDate", Kind.COMPACT_DATETIME, first=V14_0),
    Field(N, "Categories", Kind.LIST, first=V14_0, item="Category"),
    replace(BODY, first=V14_0),
)

#: MS-ASNOTE 2.2.2.5: what a note is when nobody said otherwise.
DEFAULT_MESSAGE_CLASS = "IPM.StickyNote"


def ghosted_properties(version: ProtocolVersion, supported: Iterable[str] | None) -> set[str]:
    """MS-ASCMD 2.2.3.179 for notes: no Note element is ghostable, so nothing is ever ghosted."""
    return set()


__all__ = ["DEFAULT_MESSAGE_CLASS", "NOTES", "ghosted_properties"]
