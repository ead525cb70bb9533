"""Import and export of .ics and .vcf files (airsync.sync.transfer, airsync.convert.bundle and the
``airsync import`` / ``airsync export`` commands)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from airsync.commands import sync
from airsync.convert import bundle
from airsync.store import items as store
from airsync.store.accounts import Accounts
from airsync.store.db import Database
from airsync.store.records import User
from airsync.sync.transfer import TransferError, export_folder, import_file
from airsync.wbxml import decode, encode, ns

FIXTURES = Path(__file__).parent.parent / "fixtures" / "transfer"
TASKS, CALENDAR, CONTACTS, INBOX = "6", "7", "8", "1"  # default folder ServerIds
AS = ns.AirSync


async def _user(db: Database, name: str = "alice") -> User:
    return await Accounts(db).add(name, "pw", email=f"{name}@example.test")


async def _items(db: Database, user: User, folder: str) -> list[store.Item]:
    async with db.read() as conn:
        return await store.live_items(conn, user.id, folder)


async def _export(db: Database, user: User, folder: str) -> str:
    out = io.BytesIO()
    await export_folder(db, user, folder, out)
    return out.getvalue().decode()


def _read(path: Path) -> str:
    """A file's text with its line ends as they are."""
    return path.read_bytes().decode("utf-8")


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _components(ics: str) -> list[str]:
    """The top-level components of an .ics text, sorted, VTIMEZONEs included."""
    lines = bundle.content_lines(enumerate(ics.splitlines(keepends=True), 1))
    return sorted(c.text() for c in bundle.calendar_components(lines))


def _cards(vcf: str) -> list[str]:
    lines = bundle.content_lines(enumerate(vcf.splitlines(keepends=True), 1))
    return sorted(chunk.text or "" for chunk in bundle.split_cards(lines))


# Calendar, tasks, contacts ---------------------------------------------------------------------------


async def test_calendar_file(any_db: Database) -> None:
    alice = await _user(any_db)
    result = await import_file(any_db, alice, "calendar", FIXTURES / "calendar.ics")
    assert (result.added, result.updated, result.skipped, result.errors) == (4, 0, 0, [])
    events = {item.uid: item for item in await _items(any_db, alice, CALENDAR)}
    assert len(events) == 4
    weekly = events["weekly-standup-7f3a@example.org"]
    # The override that comes later in the file joins its series; only the zone the series names.
    assert weekly.content.count("BEGIN:VEVENT") == 2 and "RECURRENCE-ID;TZID=Europe/Berlin" in weekly.content
    assert "TZID:Europe/Berlin" in weekly.content
    assert "America/New_York" not in weekly.content and "Asia/Tokyo" not in weekly.content
    assert "METHOD" not in weekly.content and "X-WR-CALNAME" not in weekly.content
    # Verbatim: folding and unknown properties stay as they were.
    assert "DESCRIPTION:Weekly stand-up of the platform team. Agenda: what was done\\, w\r\n hat" in (
        weekly.content
    )
    assert (weekly.item_class, weekly.content_type, weekly.start_utc is not None) == (
        "Calendar",
        "text/calendar",
        True,
    )
    call = events["call-new-york-22@example.org"]
    assert "TZID:America/New_York" in call.content and "X-GOOGLE-CONFERENCE" in call.content
    assert "Europe/Berlin" not in call.content
    labour_day = events["labour-day-2025@example.org"]
    assert "DTSTART;VALUE=DATE:20250501" in labour_day.content and "VTIMEZONE" not in labour_day.content
    # The event without a UID got one, written into its text.
    (dinner,) = [item for uid, item in events.items() if "Dinner with Sam" in item.content]
    assert dinner.uid and f"UID:{dinner.uid}\r\n" in dinner.content


async def test_tasks_file(any_db: Database) -> None:
    alice = await _user(any_db)
    result = await import_file(any_db, alice, TASKS, FIXTURES / "tasks.ics")
    assert (result.added, result.skipped) == (3, 0)
    tasks = {
        item.content.split("SUMMARY:")[1].split("\r\n")[0]: item
        for item in await _items(any_db, alice, TASKS)
    }
    assert set(tasks) == {"File the tax return", "Buy milk", "Call the plumber"}
    assert tasks["Buy milk"].complete is True and tasks["File the tax return"].complete is False
    assert "TZID:Europe/Berlin" in tasks["File the tax return"].content
    assert "VTIMEZONE" not in tasks["Buy milk"].content
    assert tasks["Call the plumber"].uid


async def test_vcard_file_is_split_verbatim(any_db: Database) -> None:
    alice = await _user(any_db)
    result = await import_file(any_db, alice, "Contacts", FIXTURES / "contacts.vcf")
    assert (result.added, result.skipped) == (3, 0)
    apple, android, erika = await _items(any_db, alice, CONTACTS)
    original = _read(FIXTURES / "contacts.vcf")
    cards = original.split("END:VCARD\r\n")
    assert apple.content == cards[0] + "END:VCARD\r\n"  # PHOTO folding, groups, all kept as they were
    assert apple.uid == "2E4CB084-4767-4C85-BBA9-1B2B2A38A8C2"
    assert android.content.startswith("BEGIN:VCARD\r\nVERSION:2.1\r\n")
    assert "Famili=\r\ne und ein sch=C3=B6nes" in android.content  # quoted-printable soft break
    # Cards without a UID get one before their END (a urn:uuid for vCard 4.0), nothing else changes.
    assert erika.uid and erika.uid.startswith("urn:uuid:")
    assert android.uid and f"UID:{android.uid}\r\nEND:VCARD\r\n" in android.content
    assert erika.content.replace(f"UID:{erika.uid}\r\n", "") == cards[2] + "END:VCARD\r\n"


async def test_round_trip_loses_nothing(any_db: Database, tmp_path: Path) -> None:
    """import -> export -> import into another user -> export: the same components and cards."""
    alice, bob = await _user(any_db, "alice"), await _user(any_db, "bob")
    for name, folder, split in (
        ("calendar.ics", CALENDAR, _components),
        ("tasks.ics", TASKS, _components),
        ("contacts.vcf", CONTACTS, _cards),
    ):
        await import_file(any_db, alice, folder, FIXTURES / name)
        first = await _export(any_db, alice, folder)
        exported = tmp_path / name
        exported.write_text(first, encoding="utf-8", newline="")
        result = await import_file(any_db, bob, folder, exported)
        assert (result.added, result.skipped) == (len(await _items(any_db, alice, folder)), 0)
        second = await _export(any_db, bob, folder)
        assert split(second) == split(first), name
        assert [i.content for i in await _items(any_db, bob, folder)] == [
            i.content for i in await _items(any_db, alice, folder)
        ]
    ics = await _export(any_db, alice, CALENDAR)
    assert ics.count("TZID:Europe/Berlin\r\n") == 1 and ics.count("BEGIN:VCALENDAR") == 1
    assert "Asia/Tokyo" not in ics  # a zone no event uses is not carried


async def test_reimport_updates_instead_of_duplicating(any_db: Database, tmp_path: Path) -> None:
    alice = await _user(any_db)
    await import_file(any_db, alice, CALENDAR, FIXTURES / "calendar.ics")
    before = {item.uid: item for item in await _items(any_db, alice, CALENDAR)}
    again = await import_file(any_db, alice, CALENDAR, FIXTURES / "calendar.ics")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)  # UID-less events too
    changed = tmp_path / "changed.ics"
    changed.write_bytes(
        (FIXTURES / "calendar.ics").read_bytes().replace(b"SUMMARY:Labour Day", b"SUMMARY:May Day")
    )
    result = await import_file(any_db, alice, CALENDAR, changed)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 3)
    after = {item.uid: item for item in await _items(any_db, alice, CALENDAR)}
    assert after.keys() == before.keys()
    uid = "labour-day-2025@example.org"
    assert "SUMMARY:May Day" in after[uid].content and after[uid].version > before[uid].version
    assert after[uid].server_id == before[uid].server_id


async def test_broken_items_are_reported_and_skipped(any_db: Database, tmp_path: Path) -> None:
    alice = await _user(any_db)
    broken = tmp_path / "broken.ics"
    broken.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        "BEGIN:VEVENT\r\nUID:good-1\r\nDTSTART:20250101T100000Z\r\nSUMMARY:Good one\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:no-start\r\nSUMMARY:No DTSTART\r\nEND:VEVENT\r\n"  # line 8
        "BEGIN:VEVENT\r\nUID:cut-short\r\nDTSTART:20250101T100000Z\r\n"  # line 12: no END
        "BEGIN:VTODO\r\nUID:a-task\r\nSUMMARY:Wrong folder\r\nEND:VTODO\r\n"  # line 15
        "BEGIN:VEVENT\r\nUID:good-1\r\nDTSTART:20250102T100000Z\r\nEND:VEVENT\r\n"  # line 19: twice
        "BEGIN:VEVENT\r\nUID:good-2\r\nDTSTART;VALUE=DATE:20250103\r\nSUMMARY:Good two\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    result = await import_file(any_db, alice, CALENDAR, broken)
    assert (result.added, result.skipped) == (2, 4)
    assert [(e.index, e.line) for e in result.errors] == [(2, 8), (3, 12), (4, 15), (5, 19)]
    reasons = [e.reason for e in result.errors]
    assert "no END:VEVENT" in reasons[1] and "tasks folder" in reasons[2] and "line 3" in reasons[3]
    assert str(result.errors[0]).startswith("item 2 (line 8): not a valid VEVENT")
    assert sorted(i.uid or "" for i in await _items(any_db, alice, CALENDAR)) == ["good-1", "good-2"]

    cards = tmp_path / "broken.vcf"
    cards.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:One\nUID:c1\nEND:VCARD\n"
        "garbage line\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Two\nUID:c1\nEND:VCARD\n"  # the same UID again
        "BEGIN:VCARD\nVERSION:3.0\nFN:Three\n",  # the file ends inside a card
        encoding="utf-8",
    )
    result = await import_file(any_db, alice, CONTACTS, cards)
    assert (result.added, result.skipped) == (1, 3)
    assert [(e.index, e.line) for e in result.errors] == [(2, 6), (3, 7), (4, 12)]
    (one,) = await _items(any_db, alice, CONTACTS)
    assert one.content == "BEGIN:VCARD\nVERSION:3.0\nFN:One\nUID:c1\nEND:VCARD\n"  # line ends as read


async def test_what_cannot_start(any_db: Database, tmp_path: Path) -> None:
    alice = await _user(any_db)
    cases: list[tuple[str, Path, str]] = [
        ("Tasks", FIXTURES / "calendar.ics", "VEVENT components"),
        ("Calendar", FIXTURES / "tasks.ics", "into a tasks folder"),
        ("Calendar", FIXTURES / "contacts.vcf", "vCard file"),
        ("Contacts", FIXTURES / "calendar.ics", "iCalendar file"),
        ("Inbox", FIXTURES / "calendar.ics", "Email items"),
        ("Nowhere", FIXTURES / "calendar.ics", "no folder 'Nowhere'"),
        ("Calendar", tmp_path / "missing.ics", "missing.ics"),
        ("Calendar", Path(__file__), "neither an iCalendar"),
    ]
    for folder, path, message in cases:
        with pytest.raises(TransferError, match=message):
            await import_file(any_db, alice, folder, path)
    with pytest.raises(TransferError, match="exported as an iCalendar file"):
        await export_folder(any_db, alice, CALENDAR, tmp_path / "calendar.vcf")
    assert "calendar.vcf" not in _names(tmp_path)
    assert await _items(any_db, alice, CALENDAR) == []


async def test_export_to_a_path(any_db: Database, tmp_path: Path) -> None:
    alice = await _user(any_db)
    await import_file(any_db, alice, CONTACTS, FIXTURES / "contacts.vcf")
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "contacts.vcf"
    assert await export_folder(any_db, alice, "contacts", target) == 3
    assert _cards(_read(target)) == _cards(await _export(any_db, alice, CONTACTS))
    assert _names(tmp_path / "out") == ["contacts.vcf"]  # the temporary file is gone
    text = io.StringIO()
    await export_folder(any_db, alice, CONTACTS, text)
    assert _cards(text.getvalue()) == _cards(_read(target))


def test_splitting_cards_keeps_each_one_as_written() -> None:
    agent = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Boss;Big\r\nAGENT:\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Assistant;Ann\r\nUID:inner\r\nEND:VCARD\r\n"
        "UID:outer\r\nEND:VCARD\r\n"
    )
    latin = "BEGIN:VCARD\nVERSION:3.0\nFN:Ren\xe9 Fran\xe7ois\nUID:rene\nEND:VCARD"  # no final line end
    data = b"\xef\xbb\xbf" + agent.encode() + b"\r\n" + latin.encode("cp1252")
    lines = bundle.content_lines(bundle.decode_lines(io.BytesIO(data)))
    chunks = list(bundle.split_cards(lines))
    assert [(c.line, c.text) for c in chunks] == [(1, agent), (13, latin + "\r\n")]
    # The UID a card lacks is its own, not its AGENT's: added before the outer END.
    no_uid = agent.replace("UID:outer\r\n", "")
    (chunk,) = bundle.split_cards(bundle.content_lines(bundle.decode_lines(io.BytesIO(no_uid.encode()))))
    assert chunk.text is not None and chunk.text.count("UID:") == 2
    assert chunk.text.endswith("UID:inner\r\nEND:VCARD\r\nUID:" + chunk.text.split("UID:")[2])


# Large files -------------------------------------------------------------------------------------------


def _big_calendar(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write((FIXTURES / "calendar.ics").read_text(encoding="utf-8").split("BEGIN:VEVENT")[0])
        for i in range(count):
            day = 1 + i % 28
            f.write(
                "BEGIN:VEVENT\r\n"
                f"UID:bulk-{i}@example.org\r\n"
                "DTSTAMP:20250101T000000Z\r\n"
                f"DTSTART;TZID=Europe/Berlin:202503{day:02d}T{8 + i % 10:02d}0000\r\n"
                f"DTEND;TZID=Europe/Berlin:202503{day:02d}T{9 + i % 10:02d}0000\r\n"
                f"SUMMARY:Meeting number {i}\r\n"
                f"DESCRIPTION:{'A longer description that needs folding. ' * 3}\r\n"
                "END:VEVENT\r\n"
            )
        f.write("END:VCALENDAR\r\n")


async def test_two_thousand_items_in_batches(
    any_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = await _user(any_db)
    path = tmp_path / "big.ics"
    _big_calendar(path, 2000)
    transactions = 0
    begin = any_db.begin

    def counting_begin() -> Any:
        nonlocal transactions
        transactions += 1
        return begin()

    monkeypatch.setattr(any_db, "begin", counting_begin)
    seen: list[tuple[int, int]] = []
    started, cpu = time.monotonic(), time.process_time()
    result = await import_file(
        any_db, alice, CALENDAR, path, progress=lambda done, total: seen.append((done, total))
    )
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    print(f"\n2,000 events on {any_db.engine.dialect.name}: {elapsed:.1f} s wall, {cpu:.1f} s CPU")
    assert (result.added, result.skipped) == (2000, 0)
    assert transactions == 4  # 500 items each
    assert seen[-1] == (2000, 2000) and len(seen) == 2000
    # About 9 s wall and 9 s CPU on 2 cores. CPU time is the firm bound (a shared test machine
    # stretches wall time); wall time only catches a stall.
    assert cpu < 20 and elapsed < 60
    assert len(await _items(any_db, alice, CALENDAR)) == 2000
    ics = await _export(any_db, alice, CALENDAR)
    assert ics.count("BEGIN:VEVENT") == 2000 and ics.count("BEGIN:VTIMEZONE") == 1


# Through the sync engine -------------------------------------------------------------------------------


async def _sync(make_context: Callable[..., Any], folder: str, key: str) -> Any:
    ctx = await make_context("14.1", device_id="PHONE", cmd="Sync")
    request = AS.Sync(AS.Collections(AS.Collection(AS.SyncKey(key), AS.CollectionId(folder))))
    response = await sync.handle(ctx, request)
    return None if response is None else decode(encode(response))


async def test_imported_items_reach_a_device(make_context: Callable[..., Any], tmp_path: Path) -> None:
    ctx = await make_context("14.1", device_id="PHONE")
    db, alice = ctx.services.db, ctx.user
    keys = {}
    for folder in (CALENDAR, CONTACTS):
        response = await _sync(make_context, folder, "0")
        keys[folder] = response.find("Collections").find("Collection").findtext("SyncKey")
    await import_file(db, alice, CALENDAR, FIXTURES / "calendar.ics")
    await import_file(db, alice, CONTACTS, FIXTURES / "contacts.vcf")

    response = await _sync(make_context, CALENDAR, keys[CALENDAR])
    collection = response.find("Collections").find("Collection")
    keys[CALENDAR] = collection.findtext("SyncKey")
    subjects = {
        add.find("ApplicationData").findtext("Calendar:Subject") for add in collection.find("Commands")
    }
    assert subjects == {"Team stand-up", "Labour Day", "Call with the New York office", "Dinner with Sam"}

    response = await _sync(make_context, CONTACTS, keys[CONTACTS])
    collection = response.find("Collections").find("Collection")
    data = [add.find("ApplicationData") for add in collection.find("Commands")]
    assert [d.findtext("Contacts:LastName") for d in data] == ["Appleseed", "Müller", "Mustermann"]
    assert data[0].findtext("Contacts:Picture")  # the PHOTO made it

    changed = tmp_path / "changed.ics"
    changed.write_bytes(
        (FIXTURES / "calendar.ics").read_bytes().replace(b"SUMMARY:Labour Day", b"SUMMARY:May Day")
    )
    await import_file(db, alice, CALENDAR, changed)
    response = await _sync(make_context, CALENDAR, keys[CALENDAR])
    (change,) = response.find("Collections").find("Collection").find("Commands")
    assert change.tag == "Change" and change.find("ApplicationData").findtext("Calendar:Subject") == "May Day"


# The commands ------------------------------------------------------------------------------------------


def _airsync(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "airsync.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        env={**os.environ, "AIRSYNC_LOG_LEVEL": "warning"},
        timeout=120,
        check=False,
    )
    # Decoded by hand: text=True would turn the progress bar's carriage returns into line ends.
    return subprocess.CompletedProcess(run.args, run.returncode, run.stdout.decode(), run.stderr.decode())


def test_import_and_export_commands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _airsync(data, "user", "add", "alice", "--password", "pw").returncode == 0

    run = _airsync(
        data,
        "import",
        "--user",
        "alice",
        "--folder",
        "calendar",
        str(FIXTURES / "calendar.ics"),
        "--progress",
    )
    assert run.returncode == 0, run.stderr
    assert "calendar.ics: 4 added, 0 updated, 0 unchanged, 0 skipped" in run.stdout
    assert "\r[" in run.stderr and "] 4/4 items" in run.stderr

    broken = tmp_path / "people.vcf"
    broken.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nEND:VCARD\nBEGIN:VCARD\nFN:Cut\n", encoding="utf-8")
    run = _airsync(
        data, "import", "--user", "alice", "--folder", "8", str(FIXTURES / "contacts.vcf"), str(broken)
    )
    assert run.returncode == 1
    assert "people.vcf: 1 added, 0 updated, 0 unchanged, 1 skipped" in run.stdout
    assert "people.vcf: item 2 (line 5): no END:VCARD" in run.stderr
    assert "\r[" not in run.stderr  # no bar unless asked for or on a terminal

    for args, message in (
        (("--user", "bob", "--folder", "Calendar", str(FIXTURES / "calendar.ics")), "no user named 'bob'"),
        (("--user", "alice", "--folder", "Agenda", str(FIXTURES / "calendar.ics")), "no folder 'Agenda'"),
        (("--user", "alice", "--folder", "Tasks", str(FIXTURES / "calendar.ics")), "VEVENT components"),
        (("--user", "alice", "--folder", "Tasks", str(FIXTURES / "tasks.ics"), __file__), "neither"),
    ):
        run = _airsync(data, "import", *args)
        assert (run.returncode, message in run.stderr) == (2, True), run.stderr
    # The last one checked every file first: the good tasks.ics was not imported either.
    assert "BEGIN:VTODO" not in _airsync(data, "export", "--user", "alice", "--folder", "Tasks").stdout

    run = _airsync(data, "export", "--user", "alice", "--folder", "Contacts")
    assert run.returncode == 0 and run.stdout.count("BEGIN:VCARD") == 4 and "FN:Ann" in run.stdout
    out = tmp_path / "calendar.ics"
    run = _airsync(data, "export", "--user", "alice", "--folder", "7", "--output", str(out))
    assert run.returncode == 0 and "exported 4 items" in run.stderr
    exported = _read(out)
    assert exported.count("BEGIN:VEVENT") == 5 and "X-WR-CALNAME:Calendar\r\n" in exported
    run = _airsync(data, "export", "--user", "alice", "--folder", "Inbox")
    assert run.returncode == 2 and "Email items" in run.stderr
