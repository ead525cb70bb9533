"""Import and export of whole folders: .ics files into Calendar and Tasks folders, .vcf files into
Contacts folders, and back (``airsync import`` / ``airsync export``).

Imported items go through the item store like a device's Add or Change: each takes the next item
version, so every device learns of it at its next Sync, and a running server wakes waiting Pings
within seconds. An item whose UID is in the folder already is updated in place (unless its text
is the same, then it is left alone), never duplicated.

Large files are read in a worker thread (no blocking I/O on the event loop, DESIGN decision 4)
and written in transactions of :data:`BATCH` items, so a server that shares the database only waits
for one batch at a time. An item that cannot be stored, or that the converters cannot turn into
what a device receives, is reported with its position and skipped; the rest of the file is imported.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from airsync.convert import bundle
from airsync.protocol.versions import SUPPORTED_VERSIONS
from airsync.store import items as store
from airsync.store.db import Database
from airsync.store.folders import CLASS_OF_TYPE, list_folders
from airsync.store.records import Folder, User
from airsync.store.tables import items

from .classes import CLASSES, ItemClass

log = logging.getLogger(__name__)

#: Items per write transaction.
BATCH: Final = 500
#: The iCalendar component each folder class holds, and the file kind of each class.
COMPONENT: Final = {"Calendar": "VEVENT", "Tasks": "VTODO", "Contacts": "VCARD"}
FILE_KIND: Final = {"Calendar": "ics", "Tasks": "ics", "Contacts": "vcf"}
_FOLDER_OF: Final = {"VEVENT": "a calendar", "VTODO": "a tasks", "VCARD": "a contacts"}
_NEWEST = SUPPORTED_VERSIONS[-1]
#: File name endings of each kind, to refuse exporting contacts as "x.ics" and events as "x.vcf".
_SUFFIXES: Final = {"ics": {".ics", ".ical", ".ifb", ".icalendar"}, "vcf": {".vcf", ".vcard"}}

Progress = Callable[[int, int], None]


class TransferError(ValueError):
    """The import or export cannot start: unknown folder, folder of the wrong class, unknown file."""


@dataclass(frozen=True, slots=True)
class ItemError:
    """An item that was skipped, and where it is in the file."""

    index: int  #: its position among the file's items, from 1
    line: int  #: the line it starts on, from 1
    reason: str

    def __str__(self) -> str:
        return f"item {self.index} (line {self.line}): {self.reason}"


@dataclass(slots=True)
class ImportResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[ItemError] = field(default_factory=list)
    unchanged: int = 0  #: items whose UID and text were in the folder already

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged + self.skipped


# Folders and files ---------------------------------------------------------------------------------


async def resolve_folder(db: Database, user: User, name_or_id: str) -> Folder:
    """A folder of ``user`` by ServerId, or else by display name (case-insensitive)."""
    async with db.read() as conn:
        folders = await list_folders(conn, user.id)
    for folder in folders:
        if folder.server_id == name_or_id:
            return folder
    named = [f for f in folders if f.display_name.casefold() == name_or_id.strip().casefold()]
    if len(named) == 1:
        return named[0]
    if named:
        ids = ", ".join(f.server_id for f in named)
        raise TransferError(
            f"{len(named)} folders are named {name_or_id!r} (ServerIds {ids}); give one ServerId"
        )
    raise TransferError(f"user {user.name!r} has no folder {name_or_id!r}")


def _item_class(folder: Folder) -> ItemClass:
    name = CLASS_OF_TYPE.get(folder.type)
    if name not in FILE_KIND:
        raise TransferError(
            f"folder {folder.display_name!r} holds {name or 'unknown'} items; "
            "only Calendar, Tasks and Contacts folders can be imported and exported"
        )
    return CLASSES[name]


def file_kind(path: Path) -> str:
    """``"ics"`` or ``"vcf"``, from the file's first line."""
    try:
        with path.open("rb") as f:
            kind = bundle.sniff(f.read(4096))
    except OSError as exc:
        raise TransferError(f"{path}: {exc.strerror or exc}") from None
    if kind is None:
        raise TransferError(f"{path}: neither an iCalendar (.ics) nor a vCard (.vcf) file")
    return kind


def check_file(folder: Folder, path: Path) -> tuple[ItemClass, str]:
    """The folder's item class and the file's kind (``"ics"``, ``"vcf"``), if the file can go there."""
    item_class = _item_class(folder)
    kind = file_kind(path)
    if kind != FILE_KIND[item_class.name]:
        wanted = "an .ics" if FILE_KIND[item_class.name] == "ics" else "a .vcf"
        raise TransferError(
            f"{path} is {'an iCalendar' if kind == 'ics' else 'a vCard'} file; "
            f"folder {folder.display_name!r} holds {item_class.name} items and takes {wanted} file"
        )
    return item_class, kind


# Import --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ready:
    """An item checked and converted outside the transaction, ready to be written."""

    index: int
    line: int
    text: str
    derived: store.Derived


def _chunks(path: Path, kind: str, item_class: ItemClass) -> tuple[Iterator[bundle.Chunk], int]:
    """The file's items and how many there are. A .vcf file is streamed (counted in a first quick
    pass); an .ics file is split whole, since a series' overrides may be anywhere in it."""
    component = COMPONENT[item_class.name]
    if kind == "ics":
        with path.open("rb") as f:
            chunks = bundle.split_calendar(bundle.content_lines(bundle.decode_lines(f)))
        kinds = {c.kind for c in chunks if c.text is not None}
        if kinds and component not in kinds:
            found = " and ".join(sorted(kinds))
            folders = " or ".join(_FOLDER_OF.get(k, "another") for k in sorted(kinds))
            raise TransferError(
                f"{path} holds {found} components, folder holds {item_class.name} items; "
                f"import it into {folders} folder"
            )
        return iter(chunks), len(chunks)
    if component != "VCARD":
        raise TransferError(
            f"{path} holds vCards, folder holds {item_class.name} items; import it into a contacts folder"
        )

    def cards() -> Iterator[bundle.Chunk]:
        with path.open("rb") as f:
            yield from bundle.split_cards(bundle.content_lines(bundle.decode_lines(f)))

    with path.open("rb") as f:
        total = sum(1 for line in f if line.strip().upper() == b"BEGIN:VCARD")
    return cards(), total


def _prepare(
    chunk: bundle.Chunk, index: int, item_class: ItemClass, seen: dict[str, int]
) -> _Ready | ItemError:
    component = COMPONENT[item_class.name]
    if chunk.error is not None:
        return ItemError(index, chunk.line, chunk.error)
    assert chunk.text is not None
    if chunk.kind != component:
        where = _FOLDER_OF.get(chunk.kind)
        hint = f"; it belongs in {where} folder" if where else ""
        return ItemError(index, chunk.line, f"a {chunk.kind} cannot go into a {item_class.name} folder{hint}")
    try:
        derived = item_class.derive(chunk.text)
        # What every device will be sent: an item the converters refuse would only fail later.
        item_class.to_eas(chunk.text, _NEWEST)
    except Exception as exc:  # untrusted input: any failure skips this item, never the file
        return ItemError(index, chunk.line, f"not a valid {chunk.kind}: {str(exc) or type(exc).__name__}")
    if not derived.uid:
        return ItemError(index, chunk.line, f"{chunk.kind} has no UID")
    if derived.uid in seen:
        return ItemError(index, chunk.line, f"UID {derived.uid} is on line {seen[derived.uid]} already")
    seen[derived.uid] = chunk.line
    return _Ready(index, chunk.line, chunk.text, derived)


def _next_batch(
    chunks: Iterator[bundle.Chunk], start: int, item_class: ItemClass, seen: dict[str, int]
) -> list[_Ready | ItemError]:
    batch: list[_Ready | ItemError] = []
    for index, chunk in enumerate(chunks, start):
        batch.append(_prepare(chunk, index, item_class, seen))
        if len(batch) == BATCH:
            break
    return batch


async def _write_batch(
    conn: AsyncConnection,
    user: User,
    folder: Folder,
    item_class: ItemClass,
    batch: list[_Ready | ItemError],
    written: Callable[[int], None],
) -> list[str]:
    """Store a batch; what happened to each entry: added, updated, unchanged or skipped."""
    ready = [entry for entry in batch if isinstance(entry, _Ready)]
    existing: dict[str, tuple[str, str]] = {}  # UID -> (ServerId, content), one query for the batch
    if ready:
        rows = await conn.execute(
            select(items.c.uid, items.c.server_id, items.c.content)
            .where(
                items.c.user_id == user.id,
                items.c.folder_id == folder.server_id,
                items.c.deleted.is_(False),
                items.c.uid.in_([entry.derived.uid for entry in ready]),
            )
            .order_by(items.c.version)
        )
        for uid, server_id, content in rows.all():
            existing.setdefault(uid, (server_id, content))
    outcomes: list[str] = []
    for entry in batch:
        written(entry.index)
        if isinstance(entry, ItemError):
            outcomes.append("skipped")
            continue
        assert entry.derived.uid is not None
        found = existing.get(entry.derived.uid)
        if found is None:
            await store.add_item(
                conn,
                user.id,
                folder.server_id,
                item_class.name,
                item_class.content_type,
                entry.text,
                entry.derived,
            )
            outcomes.append("added")
        elif found[1] == entry.text:
            outcomes.append("unchanged")
        else:
            await store.update_item(conn, user.id, found[0], entry.text, entry.derived)
            outcomes.append("updated")
    return outcomes


async def import_file(
    db: Database, user: User, folder: str | Folder, path: str | Path, *, progress: Progress | None = None
) -> ImportResult:
    """Import an .ics or .vcf file into ``folder`` (a Folder, ServerId or display name).

    Raises :class:`TransferError` before anything is written when the folder, the file or their
    pairing is wrong; a broken item is counted in ``skipped`` and described in ``errors``."""
    path = Path(path)
    if not isinstance(folder, Folder):
        folder = await resolve_folder(db, user, folder)
    item_class, kind = check_file(folder, path)
    chunks, total = await asyncio.to_thread(_chunks, path, kind, item_class)
    result = ImportResult()
    seen: dict[str, int] = {}  # UID -> line, so a file cannot overwrite its own items

    def prepare(start: int) -> asyncio.Future[list[_Ready | ItemError]]:
        return asyncio.ensure_future(asyncio.to_thread(_next_batch, chunks, start, item_class, seen))

    def written(index: int) -> None:
        if progress is not None:
            progress(index, max(total, index))

    # The next batch is read and checked while this one is written.
    upcoming = prepare(1)
    try:
        while batch := await upcoming:
            upcoming = prepare(batch[-1].index + 1)
            async with db.begin() as conn:
                outcomes = await _write_batch(conn, user, folder, item_class, batch, written)
            for entry, outcome in zip(batch, outcomes, strict=True):
                setattr(result, outcome, getattr(result, outcome) + 1)
                if isinstance(entry, ItemError):
                    result.errors.append(entry)
    finally:
        if not upcoming.done():
            upcoming.cancel()
        elif not upcoming.cancelled():
            upcoming.exception()  # retrieved, so asyncio does not log it; the first error is raised
    log.debug(
        "imported %s into %s/%s: %d added, %d updated, %d unchanged, %d skipped",
        path,
        user.name,
        folder.server_id,
        result.added,
        result.updated,
        result.unchanged,
        result.skipped,
    )
    return result


# Export --------------------------------------------------------------------------------------------


class _Output:
    """Text to a path, a binary stream or a text stream, encoded as UTF-8 with the lines as given. A
    path is written through a temporary file beside it, so a failed export leaves no half a file."""

    def __init__(self, target: str | Path | IO[Any]) -> None:
        self._path = Path(target) if isinstance(target, (str, Path)) else None
        self._stream: IO[Any]
        if self._path is not None:
            self._stream = tempfile.NamedTemporaryFile(
                dir=self._path.parent, prefix=f".{self._path.name}.", delete=False
            )
        else:
            self._stream = target  # type: ignore[assignment]
        self._text = isinstance(self._stream, io.TextIOBase)

    def write(self, text: str) -> None:
        self._stream.write(text if self._text else text.encode("utf-8"))

    def close(self, *, ok: bool) -> None:
        if self._path is None:
            self._stream.flush()
            return
        self._stream.close()
        if ok:
            os.replace(self._stream.name, self._path)
        else:
            os.unlink(self._stream.name)


async def export_folder(db: Database, user: User, folder: str | Folder, target: str | Path | IO[Any]) -> int:
    """Write every item of ``folder`` as one .ics file (one VCALENDAR: VTIMEZONEs once each, then
    every VEVENT or VTODO) or one .vcf file (the cards one after another, verbatim) to ``target``, a
    path or a stream. Returns the number of items.

    Items are read from one query, page by page, and the components are spooled to a temporary
    file, so the memory used stays flat however large the folder. When two items define the same
    TZID differently, the first definition is written."""
    if not isinstance(folder, Folder):
        folder = await resolve_folder(db, user, folder)
    item_class = _item_class(folder)
    calendar = FILE_KIND[item_class.name] == "ics"
    other = "vcf" if calendar else "ics"
    if isinstance(target, (str, Path)) and Path(target).suffix.lower() in _SUFFIXES[other]:
        kind = "an iCalendar" if calendar else "a vCard"
        raise TransferError(f"{target}: folder {folder.display_name!r} is exported as {kind} file")
    timezones: dict[str, bundle.Component] = {}
    count = 0
    with tempfile.SpooledTemporaryFile(mode="w+", max_size=8 << 20, encoding="utf-8", newline="") as spool:
        async with db.read() as conn:
            result = await conn.stream(
                select(items.c.content)
                .where(
                    items.c.user_id == user.id,
                    items.c.folder_id == folder.server_id,
                    items.c.deleted.is_(False),
                )
                .order_by(items.c.version)
            )
            async for page in result.partitions(BATCH):
                for (content,) in page:
                    count += 1
                    if not calendar:
                        spool.write(bundle.card_text(content))
                        continue
                    zones, components = bundle.split_stored_calendar(content)
                    for zone in zones:
                        if zone.tzid:
                            timezones.setdefault(zone.tzid, zone)
                    spool.write("".join(c.text() for c in components))
        await asyncio.to_thread(_finish, spool, target, folder, timezones if calendar else None)
    log.debug("exported %d items of %s/%s", count, user.name, folder.server_id)
    return count


def _finish(
    spool: IO[str],
    target: str | Path | IO[Any],
    folder: Folder,
    timezones: dict[str, bundle.Component] | None,
) -> None:
    out = _Output(target)
    ok = False
    try:
        if timezones is not None:
            out.write(bundle.calendar_header(folder.display_name))
            for zone in timezones.values():
                out.write(zone.text())
        spool.seek(0)
        while block := spool.read(1 << 20):
            out.write(block)
        if timezones is not None:
            out.write(bundle.CALENDAR_FOOTER)
        ok = True
    finally:
        out.close(ok=ok)
