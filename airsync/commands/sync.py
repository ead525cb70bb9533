"""Sync: synchronize the items of collections (MS-ASCMD 2.2.1.21).

The request's shape is read here; each collection goes through the sync engine (airsync.sync.engine).
12.1 added the empty request (repeat the cached one), Partial, and Wait; 14.0 HeartbeatInterval.
A request with nothing to report is held until a change arrives or the interval ends, and then
gets the empty response of 2.2.1.21.1 (HTTP 200, no body).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from airsync.protocol import quirks
from airsync.protocol.versions import V12_1, V14_0
from airsync.push.bus import HIERARCHY, Superseded
from airsync.store import items as store_items
from airsync.store.folders import CLASS_OF_TYPE, get_folder
from airsync.sync import collections, engine, keys
from airsync.wbxml import Element, WBXMLError, decode, encode, ns

from .context import RequestContext

AS = ns.AirSync

MIN_WAIT, MAX_WAIT = 1, 59  # minutes (2.2.3.195)
MAX_COLLECTIONS = 1000


class Status(IntEnum):
    """MS-ASCMD 2.2.3.177.17 Status (Sync)."""

    Success = 1  #: Success.
    InvalidSyncKey = 3  #: Invalid or mismatched synchronization key; the client returns to key 0.
    ProtocolError = 4  #: There was a semantic error in the synchronization request.
    ServerError = 5  #: Server misconfiguration, temporary system issue, or bad item; retry.
    ClientConversionError = 6  #: Error in client/server conversion (item).
    Conflict = 7  #: Conflict matching the client and server object (item).
    ObjectNotFound = 8  #: Object not found (item).
    CannotComplete = 9  #: The Sync command cannot be completed (item).
    FolderHierarchyChanged = 12  #: The folder hierarchy has changed; FolderSync and retry.
    RequestIncomplete = 13  #: Empty or partial request and no cached request to complete it.
    InvalidWaitOrHeartbeat = 14  #: Wait or HeartbeatInterval out of range.
    TooManyCollections = 15  #: Too many collections are included in the Sync request.
    Retry = 16  #: Something on the server caused a retriable error.


class _Refused(Exception):
    def __init__(self, status: Status, reason: str, limit: int | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.limit = limit


@dataclass
class _Collection:
    element: Element  # the request's Collection
    collection_id: str
    sync_key: str


async def handle(ctx: RequestContext, request: Element | None) -> Element | None:
    try:
        request, from_cache = await _complete_request(ctx, request)
        interval = _interval(ctx, request)
        wanted = _collections(request)
    except _Refused as exc:
        ctx.log.info("Sync refused: %s", exc)
        return AS.Sync(AS.Status(exc.status), AS.Limit(exc.limit) if exc.limit is not None else None)
    # Collections repeated from the cache carry the keys of that old request: use the current ones.
    wanted = [await _current_key(ctx, c) if c.collection_id in from_cache else c for c in wanted]
    window = _window(request.findtext("WindowSize"))
    deadline = time.monotonic() + (interval or 0)
    bus = ctx.services.bus
    device_key = (ctx.user.id, ctx.device.device_id)
    with bus.subscribe(ctx.user.id, device_key, [c.collection_id for c in wanted]) as waiter:
        while True:
            results, changed = await _run_collections(ctx, wanted, window)
            if changed:
                bus.publish(ctx.user.id, changed)
            if results or interval is None:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                folders = await bus.wait(waiter, remaining)
            except Superseded:
                ctx.log.info("Sync ended by a newer request of the device")
                break
            if HIERARCHY in folders:
                return AS.Sync(AS.Status(Status.FolderHierarchyChanged))
            if not folders:
                break
            # Fresh keys: a change arrived; the next round answers with the current partnership keys.
            wanted = [await _current_key(ctx, c) for c in wanted]
    if results:
        return AS.Sync(AS.Collections(results))
    if ctx.version >= V12_1:
        return None
    # 2.5 and 12.0 know no empty response: each collection answers with its unchanged key.
    return AS.Sync(
        AS.Collections(
            AS.Collection(AS.SyncKey(c.sync_key), AS.CollectionId(c.collection_id), AS.Status(Status.Success))
            for c in wanted
        )
    )


async def _complete_request(ctx: RequestContext, request: Element | None) -> tuple[Element, set[str]]:
    """The request to act on: an empty body or a Partial one completed from the cached request
    (MS-ASCMD 2.2.1.21.1, 2.2.3.131), and the cache refreshed. Also the CollectionIds taken from
    the cache."""
    cached = _cached(ctx)
    if request is None:
        if ctx.version < V12_1 or cached is None:
            raise _Refused(Status.RequestIncomplete, "empty Sync and no cached request")
        return cached, {c.findtext("CollectionId") or "" for c in cached.find("Collections") or ()}
    from_cache: set[str] = set()
    if request.find("Partial") is not None:
        if cached is None:
            raise _Refused(Status.RequestIncomplete, "Partial Sync and no cached request")
        sent = {c.findtext("CollectionId") for c in request.find("Collections") or ()}
        from_cache = {
            c.findtext("CollectionId") or ""
            for c in cached.find("Collections") or ()
            if c.findtext("CollectionId") not in sent
        }
        request = _merge_partial(cached, request)
    if request.find("Collections") is not None:
        cached_bytes = encode(_for_cache(request))
        if cached_bytes != ctx.device.sync_request:
            await ctx.services.devices.update(ctx.device.id, sync_request=cached_bytes)
    return request, from_cache


def _cached(ctx: RequestContext) -> Element | None:
    raw = ctx.device.sync_request
    if not raw:
        return None
    try:
        return decode(raw)
    except WBXMLError:
        return None


def _for_cache(request: Element) -> Element:
    """The request without the device's item commands: a repeat must not apply them again."""
    collections_el = request.find("Collections")
    kept = [c for c in request if c.tag != "Collections"]
    cols = [
        Element(c.ns, c.tag, None, tuple(x for x in c if x.tag != "Commands"))
        for c in (collections_el or Element("AirSync", "Collections"))
    ]
    return Element(request.ns, request.tag, None, (*kept, AS.Collections(cols)))


def _merge_partial(cached: Element, partial: Element) -> Element:
    """Collections left out of a Partial request keep their cached settings."""
    sent = {c.findtext("CollectionId"): c for c in (partial.find("Collections") or AS.Collections())}
    merged = list(sent.values())
    for old in cached.find("Collections") or AS.Collections():
        if old.findtext("CollectionId") not in sent:
            merged.append(old)
    head = [c for c in partial if c.tag not in ("Collections", "Partial")]
    if not any(c.tag in ("Wait", "HeartbeatInterval") for c in head):
        head += [c for c in cached if c.tag in ("Wait", "HeartbeatInterval")]
    return Element(partial.ns, partial.tag, None, (*head, AS.Collections(merged)))


def _interval(ctx: RequestContext, request: Element) -> float | None:
    wait = request.findtext("Wait")
    heartbeat = request.findtext("HeartbeatInterval")
    if wait is not None and heartbeat is not None:
        raise _Refused(Status.ProtocolError, "both Wait and HeartbeatInterval")
    if wait is not None:
        minutes = _number(wait)
        if minutes is None or minutes < MIN_WAIT or minutes > MAX_WAIT:
            raise _Refused(
                Status.InvalidWaitOrHeartbeat,
                f"Wait {wait!r}",
                MAX_WAIT if (minutes or 0) > MAX_WAIT else MIN_WAIT,
            )
        return minutes * 60.0
    if heartbeat is not None and ctx.version >= V14_0:
        seconds = _number(heartbeat)
        low, high = ctx.services.config.heartbeat_min, ctx.services.config.heartbeat_max
        if seconds is None or seconds < low or seconds > high:
            limit = high if (seconds or 0) > high else low
            raise _Refused(Status.InvalidWaitOrHeartbeat, f"HeartbeatInterval {heartbeat!r}", limit)
        return float(seconds)
    return None


def _collections(request: Element) -> list[_Collection]:
    collections_el = request.find("Collections")
    if collections_el is None:
        raise _Refused(Status.ProtocolError, "no Collections")
    found = []
    for c in collections_el.findall("Collection"):
        sync_key, collection_id = c.findtext("SyncKey"), c.findtext("CollectionId")
        if sync_key is None or collection_id is None:
            raise _Refused(Status.ProtocolError, "a Collection needs SyncKey and CollectionId")
        found.append(_Collection(c, collection_id.strip(), sync_key.strip()))
    if len(found) > MAX_COLLECTIONS:
        raise _Refused(Status.TooManyCollections, f"{len(found)} collections", MAX_COLLECTIONS)
    return found


def _window(text: str | None, default: int = engine.DEFAULT_WINDOW) -> int:
    """MS-ASCMD 2.2.3.199: 0 or more than 512 counts as 512."""
    value = _number(text) if text is not None else default
    if value is None:
        return default
    return engine.MAX_WINDOW if value <= 0 or value > engine.MAX_WINDOW else value


async def _run_collections(
    ctx: RequestContext, wanted: list[_Collection], window: int
) -> tuple[list[Element], set[str]]:
    results: list[Element] = []
    changed: set[str] = set()
    remaining = window
    # Most Syncs find nothing new: settle that for all collections in one read-only transaction
    # (on SQLite it does not queue behind writers), and open write transactions only where needed.
    quiet: set[str] = set()
    async with ctx.services.db.read() as conn:
        for c in wanted:
            if (
                c.sync_key != keys.INITIAL
                and c.element.find("Commands") is None
                and await _nothing_new(ctx, conn, c)
            ):
                quiet.add(c.collection_id)
    for c in wanted:
        if c.collection_id in quiet:
            continue
        element, did_change, used = await _collection(ctx, c, remaining)
        remaining = max(remaining - used, 0)
        if element is not None:
            results.append(element)
        if did_change:
            changed.add(c.collection_id)
    return results, changed


async def _collection(ctx: RequestContext, c: _Collection, room: int) -> tuple[Element | None, bool, int]:
    request = c.element
    async with ctx.services.db.begin() as conn:
        folder = await get_folder(conn, ctx.user.id, c.collection_id)
        if folder is None:
            ctx.log.info("Sync on unknown collection %r: Status 12", c.collection_id[:64])
            return _status(ctx, c, None, Status.FolderHierarchyChanged), False, 0
        folder_class = CLASS_OF_TYPE.get(folder.type, "Email")
        options = _options(request)
        if c.sync_key == keys.INITIAL:
            quirks.getchanges_at_key_zero(request)
            supported_el = request.find("Supported")
            supported = None if supported_el is None else [x.qname for x in supported_el]
            first_key = await collections.open_partnership(
                conn, ctx.device.id, c.collection_id, folder_class, options, supported
            )
            return _status(ctx, c, first_key, Status.Success), False, 0
        state = await engine.load(conn, ctx.device.id, c.collection_id)
        if state is None:
            return _status(ctx, c, "0", Status.InvalidSyncKey), False, 0
        if options and c.sync_key == state.sync_key and {**state.options, **options} != state.options:
            merged = {**state.options, **options}
            before = engine.class_options(state.options, folder_class).get("FilterType")
            after = engine.class_options(merged, folder_class).get("FilterType")
            # A wider window must bring the items the old one kept back: walk the feed again from
            # the start (what the device holds at its version is skipped, so nothing is doubled).
            rewind = (before or "0") != (after or "0")
            await collections.update_options(conn, ctx.device.id, c.collection_id, merged, rewind=rewind)
            state.options = merged
            if rewind:
                state.watermark = 0
        get_changes = request.find("GetChanges")
        own_window = request.findtext("WindowSize")
        engine_request = engine.Request(
            collection_id=c.collection_id,
            sync_key=c.sync_key,
            get_changes=get_changes is None or get_changes.text.strip() in ("", "1"),
            window=min(room, _window(own_window)) if own_window is not None else room,
            options=state.options,
            commands=request.find("Commands"),
            conflict_client_wins=engine.class_options(state.options, folder_class).get("Conflict") == "0",
            sweep_now=state.watermark == 0,
        )
        try:
            outcome = await engine.sync_collection(
                conn,
                user_id=ctx.user.id,
                device_pk=ctx.device.id,
                version=ctx.version,
                partnership=state,
                request=engine_request,
            )
        except KeyError:
            ctx.log.info(
                "Sync key %r of collection %s is not current: Status 3", c.sync_key[:64], c.collection_id
            )
            return _status(ctx, c, "0", Status.InvalidSyncKey), False, 0
    if outcome.element is not None:
        ctx.log_fields.setdefault("collections", []).append(
            f"{c.collection_id}:{'replay' if outcome.replayed else outcome.sent}"
        )
    return outcome.element, outcome.changed, outcome.sent


async def _nothing_new(ctx: RequestContext, conn: Any, c: _Collection) -> bool:
    """True when the collection's Sync would only say "no changes": the key is current, the options
    are those stored, and the feed after the watermark is empty."""
    folder = await get_folder(conn, ctx.user.id, c.collection_id)
    if folder is None:
        return False
    state = await engine.load(conn, ctx.device.id, c.collection_id)
    if state is None or c.sync_key != state.sync_key:
        return False
    options = _options(c.element)
    if options and {**state.options, **options} != state.options:
        return False
    folder_class = CLASS_OF_TYPE.get(folder.type, "Email")
    if engine.class_options(state.options, folder_class).get("FilterType") not in (None, "", "0") and (
        engine.sweep_pending(state.id)
    ):
        return False
    return not await store_items.changes_since(conn, ctx.user.id, c.collection_id, state.watermark, 1)


async def _current_key(ctx: RequestContext, c: _Collection) -> _Collection:
    async with ctx.services.db.read() as conn:
        state = await engine.load(conn, ctx.device.id, c.collection_id)
    if state is None:
        return c
    stripped = Element(c.element.ns, c.element.tag, None, tuple(x for x in c.element if x.tag != "Commands"))
    return _Collection(stripped, c.collection_id, state.sync_key)


def _status(ctx: RequestContext, c: _Collection, sync_key: str | None, status: Status) -> Element:
    ctx.log_fields.setdefault("collections", []).append(f"{c.collection_id}:status{int(status)}")
    return AS.Collection(
        AS.SyncKey(sync_key) if sync_key is not None else None,
        AS.CollectionId(c.collection_id),
        AS.Status(status),
    )


def _options(request: Element) -> dict[str, Any]:
    """What the device asked for, by class (14.0+ allows an SMS Options block beside the folder's
    own): FilterType, Conflict, MIMESupport, MIMETruncation, Truncation, BodyPreference..."""
    options: dict[str, Any] = {}
    for block in request.findall("Options"):
        cls = block.findtext("Class") or ""
        entry: dict[str, Any] = {}
        for child in block:
            if child.tag == "Class":
                continue
            if child.tag in ("BodyPreference", "BodyPartPreference"):
                entry.setdefault(child.tag, []).append({x.tag: x.text for x in child})
            else:
                entry[child.tag] = child.text
        options[cls] = entry
    # 2.5 and 12.x requests put FilterType, Truncation and Conflict straight into Collection.
    for tag in ("FilterType", "Truncation", "Conflict", "MIMESupport", "MIMETruncation"):
        value = request.findtext(tag)
        if value is not None:
            options.setdefault("", {})[tag] = value
    return options


def _number(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None
