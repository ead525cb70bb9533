"""The item classes the sync engine moves, each one row: its field table, its storage format and
the converters between that format and the EAS dict (airsync.schema, airsync.convert).

Mail (Email) is not here yet: mail folders open partnerships but hold no items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from airsync.protocol.versions import V14_0, ProtocolVersion
from airsync.schema.fields import Field
from airsync.store.items import Derived, Item


@dataclass(frozen=True)
class ItemClass:
    name: str  #: the airsync:Class value
    fields: tuple[Field, ...]
    content_type: str
    to_eas: Callable[[str, ProtocolVersion], dict[str, Any]]
    from_eas: Callable[[dict[str, Any], ProtocolVersion, str | None], str]
    derive: Callable[[str], Derived]
    ghosted: Callable[[ProtocolVersion, list[str] | None], set[str]]
    first_version: ProtocolVersion | None = None


#: FilterType (MS-ASCMD 2.2.3.68.2) -> how far back a calendar item may end and still be sent.
PAST = {
    1: timedelta(days=1),
    2: timedelta(days=3),
    3: timedelta(weeks=1),
    4: timedelta(weeks=2),
    5: timedelta(days=31),
    6: timedelta(days=92),
    7: timedelta(days=183),
}
INCOMPLETE_TASKS = 8


def in_window(item: Item, filter_type: int, now: datetime | None = None) -> bool:
    """Does the device's FilterType let it hold ``item``? Future items and endless series always."""
    if item.item_class == "Tasks":
        return filter_type != INCOMPLETE_TASKS or not item.complete
    if item.item_class == "Calendar" and filter_type in PAST:
        if item.end_utc is None:
            return True
        cutoff = (now or datetime.now(UTC)) - PAST[filter_type]
        return item.end_utc >= cutoff
    return True


def _registry() -> dict[str, ItemClass]:
    from airsync.convert import ical, vcard, vtodo
    from airsync.convert import notes as notes_convert
    from airsync.schema import calendar, contacts, notes, tasks

    return {
        "Calendar": ItemClass(
            name="Calendar",
            fields=calendar.CALENDAR,
            content_type="text/calendar",
            to_eas=ical.event_to_eas,
            from_eas=ical.eas_to_event,
            derive=lambda text: Derived(ical.uid_of(text), *ical.summary_range(text)),
            ghosted=calendar.ghosted_properties,
        ),
        "Contacts": ItemClass(
            name="Contacts",
            fields=contacts.CONTACTS,
            content_type="text/vcard",
            to_eas=vcard.contact_to_eas,
            from_eas=vcard.eas_to_contact,
            derive=lambda text: Derived(vcard.uid_of(text)),
            ghosted=contacts.ghosted_properties,
        ),
        "Tasks": ItemClass(
            name="Tasks",
            fields=tasks.TASKS,
            content_type="text/calendar",
            to_eas=vtodo.task_to_eas,
            from_eas=vtodo.eas_to_task,
            derive=lambda text: Derived(vtodo.uid_of(text), complete=vtodo.is_complete(text)),
            ghosted=tasks.ghosted_properties,
        ),
        "Notes": ItemClass(
            name="Notes",
            fields=notes.NOTES,
            content_type="application/json",
            to_eas=notes_convert.note_to_eas,
            from_eas=notes_convert.eas_to_note,
            derive=lambda text: Derived(notes_convert.uid_of(text)),
            ghosted=notes.ghosted_properties,
            first_version=V14_0,
        ),
    }


CLASSES: dict[str, ItemClass] = _registry()
