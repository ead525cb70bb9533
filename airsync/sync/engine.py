"""The sync engine: one collection of one Sync request (MS-ASCMD 2.2.1.21, 3.1.5.4, 3.1.5.9).

For a partnership at key N it applies the device's Adds, Changes, Deletes and Fetches, then sends
the server's changes since the partnership's watermark, a window at a time, and moves to key N+1.
The collection element of that response is stored; a device that presents key N again (it never
got the answer) receives exactly the same element, and nothing is applied twice.

What the device holds is recorded item by item (sync_items: ServerId -> version), so:
- an item the device itself just changed is not echoed back (its held version is current);
- a change on the server to an item the device also changed is a conflict (Conflict option);
- a delete is sent only for items the device holds; items that leave its FilterType window go as
  SoftDelete.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from airsync.protocol.versions import V12_0, ProtocolVersion
from airsync.schema.fields import FieldError, decode_fields, encode_fields, parse_datetime
from airsync.store import items as store
from airsync.store.tables import sync_client_ids, sync_collections, sync_item_errors, sync_items
from airsync.wbxml import Element, decode, encode, ns

from . import keys
from .body import body_for_device, legacy_body
from .classes import CLASSES, INCOMPLETE_TASKS, PAST, ItemClass, in_window

log = logging.getLogger(__name__)
AS = ns.AirSync

DEFAULT_WINDOW = 100
MAX_WINDOW = 512


class ItemStatus:
    """Per-item Status values (MS-ASCMD 2.2.3.177.17)."""

    Success = 1
    ProtocolError = 4
    ConversionError = 6
    Conflict = 7
    ObjectNotFound = 8
    ExceptionsFailed = 184  #: 16.x: one or more calendar exceptions could not be applied


@dataclass
class Partnership:
    id: int
    collection_id: str
    sync_key: str
    previous_sync_key: str | None
    folder_class: str
    options: dict[str, Any]
    supported: list[str] | None
    watermark: int
    last_response: bytes | None


@dataclass
class Outcome:
    """What one collection contributes to the response."""

    element: Element | None
    more_available: bool = False
    sent: int = 0
    replayed: bool = False
    changed: bool = False  #: the device's own commands changed items (others must be told)


@dataclass
class Request:
    collection_id: str
    sync_key: str
    get_changes: bool
    window: int
    options: dict[str, Any]
    commands: Element | None
    conflict_client_wins: bool = False
    #: Look for held items that left the FilterType window now, not at the next hourly sweep.
    sweep_now: bool = False


@dataclass
class _Work:
    commands: list[Element] = field(default_factory=list)
    responses: list[Element] = field(default_factory=list)


async def load(conn: AsyncConnection, device_pk: int, collection_id: str) -> Partnership | None:
    row = (
        await conn.execute(
            select(sync_collections).where(
                sync_collections.c.device_pk == device_pk, sync_collections.c.collection_id == collection_id
            )
        )
    ).first()
    if row is None:
        return None
    return Partnership(
        row.id,
        row.collection_id,
        row.sync_key,
        row.previous_sync_key,
        row.folder_class,
        dict(row.options or {}),
        list(row.supported) if row.supported is not None else None,
        row.watermark,
        row.last_response,
    )


def class_options(options: dict[str, Any], folder_class: str) -> dict[str, Any]:
    """The Options block for the folder's own class (a block without Class applies to it)."""
    return dict(options.get(folder_class) or options.get("") or {})


async def sync_collection(
    conn: AsyncConnection,
    *,
    user_id: int,
    device_pk: int,
    version: ProtocolVersion,
    partnership: Partnership,
    request: Request,
) -> Outcome:
    """Key N (current) or N-1 (replay) of an open partnership. Raises KeyError for other keys."""
    if request.sync_key != partnership.sync_key:
        if request.sync_key == partnership.previous_sync_key and partnership.last_response:
            element = decode(partnership.last_response).find("Collections").find("Collection")
            return Outcome(element, replayed=True)
        raise KeyError(request.sync_key)
    item_class = CLASSES.get(partnership.folder_class)
    options = class_options(request.options or partnership.options, partnership.folder_class)
    work = _Work()
    changed = False
    if request.commands is not None:
        changed = await _apply_client_commands(
            conn, user_id, version, partnership, item_class, request, options, work
        )
    more = False
    sent = 0
    watermark = partnership.watermark
    if request.get_changes and item_class is not None:
        filter_type = _int(options.get("FilterType"), 0)
        watermark, sent, more = await _server_changes(
            conn, user_id, version, partnership, item_class, options, filter_type, request.window, work
        )
        if filter_type and request.window > sent and sweep_due(partnership.id, request.sweep_now):
            sent += await _soft_deletes(conn, user_id, partnership, filter_type, work, request.window - sent)
    client_sent = request.commands is not None and any(True for _ in request.commands)
    if not work.commands and not work.responses and not client_sent:
        if watermark != partnership.watermark:
            # Only changes this device made itself: nothing to say, but they are seen.
            await conn.execute(
                update(sync_collections)
                .where(sync_collections.c.id == partnership.id)
                .values(watermark=watermark)
            )
        return Outcome(None, changed=changed)
    new_key = keys.next_key(partnership.sync_key)
    element = AS.Collection(
        AS.SyncKey(new_key),
        AS.CollectionId(partnership.collection_id),
        AS.Status(1),
        AS.Commands(work.commands) if work.commands else None,
        AS.Responses(work.responses) if work.responses else None,
        AS.MoreAvailable() if more else None,
    )
    await conn.execute(
        update(sync_collections)
        .where(sync_collections.c.id == partnership.id)
        .values(
            sync_key=new_key,
            previous_sync_key=partnership.sync_key,
            watermark=watermark,
            last_response=encode(AS.Sync(AS.Collections(element))),
            updated_at=datetime.now(UTC),
        )
    )
    return Outcome(element, more_available=more, sent=sent, changed=changed)


# The device's changes ------------------------------------------------------------------------------


async def _apply_client_commands(
    conn: AsyncConnection,
    user_id: int,
    version: ProtocolVersion,
    partnership: Partnership,
    item_class: ItemClass | None,
    request: Request,
    options: dict[str, Any],
    work: _Work,
) -> bool:
    assert request.commands is not None
    changed = False
    for command in request.commands:
        if command.tag == "Add":
            changed |= await _client_add(conn, user_id, version, partnership, item_class, command, work)
        elif command.tag == "Change":
            changed |= await _client_change(
                conn, user_id, version, partnership, item_class, request, command, work
            )
        elif command.tag == "Delete":
            changed |= await _client_delete(conn, user_id, version, partnership, item_class, command, work)
        elif command.tag == "Fetch":
            await _client_fetch(conn, user_id, version, partnership, item_class, options, command, work)
    return changed


async def _client_add(
    conn: AsyncConnection,
    user_id: int,
    version: ProtocolVersion,
    partnership: Partnership,
    item_class: ItemClass | None,
    command: Element,
    work: _Work,
) -> bool:
    client_id = command.findtext("ClientId") or ""
    known = (
        await conn.execute(
            select(sync_client_ids.c.server_id).where(
                sync_client_ids.c.partnership_id == partnership.id, sync_client_ids.c.client_id == client_id
            )
        )
    ).scalar()
    if known is not None:
        # A retried Add: the item exists already; the device learns its ServerId again.
        work.responses.append(
            AS.Add(AS.ClientId(client_id), AS.ServerId(known), AS.Status(ItemStatus.Success))
        )
        return False
    data_el = command.find("ApplicationData")
    if item_class is None or data_el is None or not client_id or len(client_id) > 64:
        reason = "no ApplicationData or ClientId" if item_class else f"{partnership.folder_class} items"
        log.info("Add refused in collection %s: %s", partnership.collection_id, reason)
        work.responses.append(AS.Add(AS.ClientId(client_id), AS.Status(ItemStatus.ConversionError)))
        return False
    try:
        data = decode_fields(item_class.fields, data_el, version)
        content = item_class.from_eas(data, version, None)
        derived = item_class.derive(content)
    except (FieldError, ValueError, KeyError, TypeError) as exc:
        log.warning("Add in collection %s not convertible: %s", partnership.collection_id, exc)
        work.responses.append(AS.Add(AS.ClientId(client_id), AS.Status(ItemStatus.ConversionError)))
        return False
    item = await store.add_item(
        conn, user_id, partnership.collection_id, item_class.name, item_class.content_type, content, derived
    )
    await _hold(conn, partnership.id, item.server_id, item.version)
    await conn.execute(
        sync_client_ids.insert().values(
            partnership_id=partnership.id, client_id=client_id, server_id=item.server_id
        )
    )
    work.responses.append(
        AS.Add(AS.ClientId(client_id), AS.ServerId(item.server_id), AS.Status(ItemStatus.Success))
    )
    return True


async def _client_change(
    conn: AsyncConnection,
    user_id: int,
    version: ProtocolVersion,
    partnership: Partnership,
    item_class: ItemClass | None,
    request: Request,
    command: Element,
    work: _Work,
) -> bool:
    server_id = command.findtext("ServerId") or ""
    item = await store.get_item(conn, user_id, server_id)
    if item is None or item.folder_id != partnership.collection_id or item_class is None:
        work.responses.append(AS.Change(AS.ServerId(server_id), AS.Status(ItemStatus.ObjectNotFound)))
        return False
    held = await _held_version(conn, partnership.id, server_id)
    if held is not None and held != item.version and not request.conflict_client_wins:
        # Changed on the server since the device got it: the server wins (MS-ASCMD 2.2.3.34), and the
        # server's version reaches the device as a Change in this same response.
        work.responses.append(AS.Change(AS.ServerId(server_id), AS.Status(ItemStatus.Conflict)))
        return False
    data_el = command.find("ApplicationData")
    instance = command.findtext("AirSyncBase:InstanceId")
    try:
        new = decode_fields(item_class.fields, data_el, version) if data_el is not None else {}
        current = item_class.to_eas(item.content, version)
        if instance is not None:
            merged = one_occurrence(current, parse_datetime(instance), new)
        else:
            merged = merge_change(item_class, version, partnership.supported, current, new)
        content = item_class.from_eas(merged, version, item.content)
        derived = item_class.derive(content)
    except (FieldError, ValueError, KeyError, TypeError) as exc:
        log.warning("Change of %s not convertible: %s", server_id, exc)
        status = ItemStatus.ExceptionsFailed if instance is not None else ItemStatus.ConversionError
        work.responses.append(AS.Change(AS.ServerId(server_id), AS.Status(status)))
        return False
    updated = await store.update_item(conn, user_id, server_id, content, derived)
    if updated is not None:
        await _hold(conn, partnership.id, server_id, updated.version)
    return True


#: The fields one occurrence of a series may override (MS-ASCAL 2.2.2.21 Exception).
_OCCURRENCE_FIELDS = frozenset(
    {
        "Subject",
        "StartTime",
        "EndTime",
        "Body",
        "Location",
        "Categories",
        "Sensitivity",
        "BusyStatus",
        "AllDayEvent",
        "Reminder",
        "MeetingStatus",
        "Attendees",
        "AppointmentReplyTime",
        "ResponseType",
        "OnlineMeetingConfLink",
        "OnlineMeetingExternalLink",
    }
)


def one_occurrence(
    current: dict[str, Any], instance: datetime, new: dict[str, Any], *, deleted: bool = False
) -> dict[str, Any]:
    """EAS 16.x changes or deletes one occurrence of a series by its InstanceId (MS-ASCMD
    2.2.3.88.1): it becomes an exception of the series, and the series stays as it was."""
    if not current.get("Recurrence"):
        raise ValueError("InstanceId given for an item that is not a recurring series")
    exceptions = [
        e
        for e in current.get("Exceptions") or []
        if (e.get("InstanceId") or e.get("ExceptionStartTime")) != instance
    ]
    if deleted:
        exception: dict[str, Any] = {"InstanceId": instance, "Deleted": True}
    else:
        exception = {"InstanceId": instance, **{k: v for k, v in new.items() if k in _OCCURRENCE_FIELDS}}
    return {**current, "Exceptions": [*exceptions, exception]}


def merge_change(
    item_class: ItemClass,
    version: ProtocolVersion,
    supported: list[str] | None,
    current: dict[str, Any],
    new: dict[str, Any],
) -> dict[str, Any]:
    """MS-ASCMD 2.2.3.179 (Supported): a property the device left out of a Change keeps its server
    value when it is ghosted, and is removed when it is not. Properties this version does not
    define are the device's blind spot, never its deletion: they are kept."""
    ghosted = item_class.ghosted(version, supported)
    by_tag = {f.tag: f for f in item_class.fields}
    merged = dict(new)
    for tag, value in current.items():
        if tag in merged:
            continue
        field_ = by_tag.get(tag)
        if field_ is None or not field_.defined_in(version) or field_.qname in ghosted or tag in ghosted:
            merged[tag] = value
    return merged


async def _client_delete(
    conn: AsyncConnection,
    user_id: int,
    version: ProtocolVersion,
    partnership: Partnership,
    item_class: ItemClass | None,
    command: Element,
    work: _Work,
) -> bool:
    server_id = command.findtext("ServerId") or ""
    item = await store.get_item(conn, user_id, server_id)
    if item is None or item.folder_id != partnership.collection_id:
        work.responses.append(AS.Delete(AS.ServerId(server_id), AS.Status(ItemStatus.ObjectNotFound)))
        return False
    instance = command.findtext("AirSyncBase:InstanceId")
    if instance is not None and item_class is not None:
        # 16.x: one occurrence of a series goes; the series stays.
        try:
            current = item_class.to_eas(item.content, version)
            merged = one_occurrence(current, parse_datetime(instance), {}, deleted=True)
            content = item_class.from_eas(merged, version, item.content)
            updated = await store.update_item(conn, user_id, server_id, content, item_class.derive(content))
        except (FieldError, ValueError, KeyError, TypeError) as exc:
            log.warning("Delete of occurrence %s of %s failed: %s", instance, server_id, exc)
            work.responses.append(AS.Delete(AS.ServerId(server_id), AS.Status(ItemStatus.ExceptionsFailed)))
            return False
        if updated is not None:
            await _hold(conn, partnership.id, server_id, updated.version)
        return True
    await store.delete_item(conn, user_id, server_id)
    await conn.execute(
        delete(sync_items).where(
            sync_items.c.partnership_id == partnership.id, sync_items.c.server_id == server_id
        )
    )
    return True


async def _client_fetch(
    conn: AsyncConnection,
    user_id: int,
    version: ProtocolVersion,
    partnership: Partnership,
    item_class: ItemClass | None,
    options: dict[str, Any],
    command: Element,
    work: _Work,
) -> None:
    server_id = command.findtext("ServerId") or ""
    item = await store.get_item(conn, user_id, server_id)
    if item is None or item.folder_id != partnership.collection_id or item_class is None:
        work.responses.append(AS.Fetch(AS.ServerId(server_id), AS.Status(ItemStatus.ObjectNotFound)))
        return
    try:
        data = application_data(item_class, item, version, options, whole_body=True)
    except (FieldError, ValueError, KeyError, TypeError) as exc:
        log.warning("Fetch of %s not convertible: %s", server_id, exc)
        work.responses.append(AS.Fetch(AS.ServerId(server_id), AS.Status(ItemStatus.ConversionError)))
        return
    work.responses.append(AS.Fetch(AS.ServerId(server_id), AS.Status(ItemStatus.Success), data))


# The server's changes -----------------------------------------------------------------------------


def application_data(
    item_class: ItemClass,
    item: store.Item,
    version: ProtocolVersion,
    options: dict[str, Any],
    *,
    whole_body: bool = False,
) -> Element:
    data = item_class.to_eas(item.content, version)
    native = data.pop("Body", None)
    data.pop("BodyTruncated", None)
    if version >= V12_0:
        prefs = [] if whole_body else list(options.get("BodyPreference") or [])
        if whole_body:
            prefs = [{"Type": p.get("Type")} for p in options.get("BodyPreference") or []]
        body = body_for_device(native, prefs, version)
        if body is not None:
            data["Body"] = body
    else:
        # 2.5 carries the body inline in the class's own namespace, with a BodyTruncated flag.
        text, truncated = legacy_body(native, None if whole_body else options.get("Truncation"))
        if text is not None:
            data["Body"] = text
            data["BodyTruncated"] = truncated
    return AS.ApplicationData(encode_fields(item_class.fields, data, version))


async def _server_changes(
    conn: AsyncConnection,
    user_id: int,
    version: ProtocolVersion,
    partnership: Partnership,
    item_class: ItemClass,
    options: dict[str, Any],
    filter_type: int,
    window: int,
    work: _Work,
) -> tuple[int, int, bool]:
    """Commands for the changes after the watermark, at most ``window`` of them, oldest first.
    Returns the new watermark, the number sent, and whether more remain. What the device now holds
    is written once per window (one statement for all of it), not once per item."""
    watermark = partnership.watermark
    sent = 0
    now = datetime.now(UTC)
    held: dict[str, int] = {}
    holds: dict[str, int] = {}
    gone: set[str] = set()
    more = False
    try:
        while not more:
            # One more than the room left tells whether more remain, without reading twice the window.
            batch = await store.changes_since(
                conn, user_id, partnership.collection_id, watermark, window - sent + 1
            )
            if not batch:
                break
            held.update(await _held_versions(conn, partnership.id, [i.server_id for i in batch]))
            for item in batch:
                if sent >= window:
                    more = True
                    break
                have = held.get(item.server_id)
                if item.deleted:
                    if have is not None:
                        work.commands.append(AS.Delete(AS.ServerId(item.server_id)))
                        gone.add(item.server_id)
                        holds.pop(item.server_id, None)
                        held.pop(item.server_id, None)
                        sent += 1
                elif have == item.version:
                    pass  # the device sent us this version itself
                elif not in_window(item, filter_type, now):
                    if have is not None:
                        work.commands.append(AS.SoftDelete(AS.ServerId(item.server_id)))
                        gone.add(item.server_id)
                        holds.pop(item.server_id, None)
                        held.pop(item.server_id, None)
                        sent += 1
                else:
                    try:
                        data = application_data(item_class, item, version, options)
                    except Exception as exc:  # one bad item must never block its collection
                        await _record_error(conn, partnership.id, item, exc)
                    else:
                        kind = AS.Change if have is not None else AS.Add
                        work.commands.append(kind(AS.ServerId(item.server_id), data))
                        holds[item.server_id] = item.version
                        held[item.server_id] = item.version
                        gone.discard(item.server_id)
                        sent += 1
                watermark = item.version
    finally:
        await _unhold_many(conn, partnership.id, gone)
        await _hold_many(conn, partnership.id, holds)
    return watermark, sent, more


#: Items age out of a FilterType window over days, so the sweep for them runs at most hourly per
#: partnership (and at once when the window changes): on every Sync it would read all held items.
SWEEP_INTERVAL = 3600.0
_last_sweep: dict[int, float] = {}


def sweep_pending(partnership_id: int) -> bool:
    return time.monotonic() - _last_sweep.get(partnership_id, -SWEEP_INTERVAL) >= SWEEP_INTERVAL


def sweep_due(partnership_id: int, force: bool = False) -> bool:
    now = time.monotonic()
    if not force and now - _last_sweep.get(partnership_id, -SWEEP_INTERVAL) < SWEEP_INTERVAL:
        return False
    if len(_last_sweep) > 100_000:
        _last_sweep.clear()
    _last_sweep[partnership_id] = now
    return True


async def _soft_deletes(
    conn: AsyncConnection, user_id: int, partnership: Partnership, filter_type: int, work: _Work, room: int
) -> int:
    """Held items that aged out of the FilterType window without changing. The window test runs in
    SQL, so a Sync reads only the items that leave, not everything the device holds."""
    if room <= 0 or partnership.folder_class not in ("Calendar", "Tasks"):
        return 0
    from airsync.store.tables import items

    if partnership.folder_class == "Calendar" and filter_type in PAST:
        outside = and_(items.c.end_utc.is_not(None), items.c.end_utc < datetime.now(UTC) - PAST[filter_type])
    elif partnership.folder_class == "Tasks" and filter_type == INCOMPLETE_TASKS:
        outside = items.c.complete.is_(True)
    else:
        return 0
    query = (
        select(items.c.server_id)
        .select_from(
            sync_items.join(
                items, and_(items.c.server_id == sync_items.c.server_id, items.c.user_id == user_id)
            )
        )
        .where(
            sync_items.c.partnership_id == partnership.id,
            items.c.folder_id == partnership.collection_id,
            items.c.deleted.is_(False),
            outside,
        )
        .limit(room)
    )
    leaving = [row.server_id for row in (await conn.execute(query)).all()]
    for server_id in leaving:
        work.commands.append(AS.SoftDelete(AS.ServerId(server_id)))
    await _unhold_many(conn, partnership.id, set(leaving))
    return len(leaving)


# What the device holds ----------------------------------------------------------------------------


async def _held_version(conn: AsyncConnection, partnership_id: int, server_id: str) -> int | None:
    return (
        await conn.execute(
            select(sync_items.c.version).where(
                sync_items.c.partnership_id == partnership_id, sync_items.c.server_id == server_id
            )
        )
    ).scalar()


async def _held_versions(conn: AsyncConnection, partnership_id: int, server_ids: list[str]) -> dict[str, int]:
    if not server_ids:
        return {}
    rows = await conn.execute(
        select(sync_items.c.server_id, sync_items.c.version).where(
            sync_items.c.partnership_id == partnership_id, sync_items.c.server_id.in_(server_ids)
        )
    )
    return {r.server_id: r.version for r in rows.all()}


async def _hold(conn: AsyncConnection, partnership_id: int, server_id: str, version: int) -> None:
    values = {"partnership_id": partnership_id, "server_id": server_id, "version": version}
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(sync_items).values(**values)
    await conn.execute(
        stmt.on_conflict_do_update(index_elements=["partnership_id", "server_id"], set_={"version": version})
    )


async def _hold_many(conn: AsyncConnection, partnership_id: int, versions: dict[str, int]) -> None:
    if not versions:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(sync_items)
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["partnership_id", "server_id"], set_={"version": stmt.excluded.version}
        ),
        [{"partnership_id": partnership_id, "server_id": sid, "version": v} for sid, v in versions.items()],
    )


async def _unhold_many(conn: AsyncConnection, partnership_id: int, server_ids: set[str]) -> None:
    if server_ids:
        await conn.execute(
            delete(sync_items).where(
                sync_items.c.partnership_id == partnership_id, sync_items.c.server_id.in_(sorted(server_ids))
            )
        )


async def _unhold(conn: AsyncConnection, partnership_id: int, server_id: str) -> None:
    await conn.execute(
        delete(sync_items).where(
            sync_items.c.partnership_id == partnership_id, sync_items.c.server_id == server_id
        )
    )


async def _record_error(conn: AsyncConnection, partnership_id: int, item: store.Item, exc: Exception) -> None:
    log.error("item %s (version %d) cannot be converted; skipped: %s", item.server_id, item.version, exc)
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    values = {
        "partnership_id": partnership_id,
        "server_id": item.server_id,
        "version": item.version,
        "error": f"{type(exc).__name__}: {exc}"[:2000],
        "at": datetime.now(UTC),
    }
    await conn.execute(
        insert(sync_item_errors)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["partnership_id", "server_id"],
            set_={"version": values["version"], "error": values["error"], "at": values["at"]},
        )
    )


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
