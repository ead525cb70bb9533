"""Initial sync, no-change Sync and Ping push against a real `airsync serve` on 127.0.0.1 (SQLite).

Run: ``.venv/bin/python bench/sync.py [--items N] [--pings N] [--changes N] [--ping-batch N] [--quick]
[--only sync|push] [--profile DIR]``.

Method. Each part starts its own server process (``python -m airsync.cli serve``, the embedded SQLite
store in a temporary data directory, a free 127.0.0.1 port, the default log level) and measures it
from outside: wall clock with ``time.perf_counter`` on the client, the server's CPU time as
utime+stime of ``/proc/<pid>/stat`` (all its threads, aiosqlite's included; 10 ms ticks), its memory
as VmRSS of ``/proc/<pid>/status``. The client is this process, on the same 2 cores.

1. Initial sync. ``N`` contacts (vCard 3.0: names, 1-3 e-mail addresses, 2-3 phones, 1-2 addresses,
   company, title, some birthdays and notes) and ``N`` events (iCalendar with VTIMEZONE for Berlin
   and New York, some UTC, 10% all-day, 20% recurring with COUNT, UNTIL or no end, 30% meetings with
   an organizer and attendees, bodies of 10 to 300 words, locations, alarms) are written straight
   into the user's store: the items table in one transaction per class, versions and ServerIds
   exactly as ``store.items.add_item`` assigns them, uid and time range from the class's ``derive``.
   Then a new device (protocol 14.1) provisions, runs FolderSync, opens Sync key 0 on Contacts and
   on Calendar and pulls each collection alone (``WindowSize`` W at both levels, BodyPreference
   plain text truncated at 32 KB) until no MoreAvailable; once with W=100, once with another new
   device with W=512. Requests and WBXML body bytes both ways (HTTP headers not counted) are counted.
2. No-change Sync. The W=512 device, fully synced, sends Sync on both big collections at their
   current keys ``--nochange`` times (the server answers an empty 200), then the same on an empty
   Notes collection, then on Calendar with FilterType 5 (31 days back) after the SoftDeletes that
   option causes have been drained. Server CPU per request and wall p50/p99.
3. Push. A second server runs with ``--no-policy-required``. ``ceil(P/5)`` users with 5 devices each
   and partnerships on Inbox, Calendar and Contacts (the folders a phone watches) are written into
   its store directly (users with a cheap argon2 hash, so the first login of 2,000 users does not
   cost minutes of CPU; nothing else differs). Each device sends one Ping on those 3 folders
   (HeartbeatInterval 1800) over its own raw asyncio connection, 10% first, then the rest, sent
   ``--ping-batch`` at a time with a wait for the server's CPU to go idle in between (0: all at
   once, a reconnect storm); VmRSS is
   read before, at 10% and with all held (after the server's CPU went idle). Then ``--changes``
   users, one at a time, get a contact added by a sixth device (a Sync Add over HTTP); the latency is
   from the Sync Add's HTTP response (and from its request) to each of the user's 5 Ping answers.

``--quick`` runs small numbers in well under a minute (a smoke test, not a measurement).
``--profile DIR`` runs the servers under cProfile and writes ``DIR/<part>.prof`` plus a top-20 list.
Exit status 1 when the protocol misbehaves (items missing, a Ping unanswered); missed targets are
reported, not failed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import math
import os
import platform
import pstats
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from airsync.wbxml import Element, decode, encode, ns
from tests.e2e.conftest import airsync, free_port

AS, AB, C, FH, P, PR, ST = (
    ns.AirSync,
    ns.AirSyncBase,
    ns.Contacts,
    ns.FolderHierarchy,
    ns.Ping,
    ns.Provision,
    ns.Settings,
)
PATH = "/Microsoft-Server-ActiveSync"
VERSION = "14.1"
TICK = os.sysconf("SC_CLK_TCK")
CONTACTS, CALENDAR, NOTES, INBOX = "8", "7", "9", "1"  # DEFAULT_FOLDERS order in airsync/store/folders.py

TARGET_ITEMS_PER_CPU_S = 2000.0
TARGET_NOCHANGE_MS = 10.0
TARGET_PING_RSS = 1024**3
TARGET_PUSH_P99 = 1.0


class BenchError(Exception):
    """The server did not behave as the protocol says: the figures would be meaningless."""


# The server process ---------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    host: str
    port: int
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def cpu(self) -> float:
        """utime + stime of the server process (all threads), in seconds."""
        text = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields_ = text[text.rindex(")") + 2 :].split()
        return (int(fields_[11]) + int(fields_[12])) / TICK

    def rss(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise BenchError("no VmRSS")

    def fds(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def wait_idle(self, timeout: float, quiet: float = 0.02, period: float = 0.5) -> None:
        """Until the server used less than ``quiet`` s of CPU in each of two periods (or timeout)."""
        deadline = time.monotonic() + timeout
        calm = 0
        last = self.cpu()
        while time.monotonic() < deadline and calm < 2:
            time.sleep(period)
            now = self.cpu()
            calm = calm + 1 if now - last < quiet else 0
            last = now

    def stop(self) -> None:
        # uvicorn shuts down on SIGINT but waits for requests in flight (held Pings: up to their
        # heartbeat); a second SIGINT makes it exit at once. Either way cProfile writes its file.
        for signum, grace in ((signal.SIGINT, 3), (signal.SIGINT, 30), (signal.SIGKILL, 10)):
            if self.process.poll() is not None:
                return
            self.process.send_signal(signum)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                continue

    def tracebacks(self) -> int:
        """Tracebacks in the server log; a log holding any is kept (copied out of the temporary
        directory) and its first traceback printed."""
        text = self.log_path.read_text(errors="replace")
        count = text.count("Traceback")
        if count:
            kept = Path(tempfile.gettempdir()) / f"airsync-bench-{self.data_dir.name}-server.log"
            shutil.copyfile(self.log_path, kept)
            first = text.index("Traceback")
            start = text.rfind("\n", 0, max(0, first - 1)) + 1
            print(f"  server log with {count} traceback(s) kept at {kept}; the first:")
            print("    " + text[start : first + 3000].replace("\n", "\n    "), flush=True)
        return count


def start_server(data_dir: Path, *extra: str, profile: Path | None = None) -> Server:
    """Like tests/e2e/conftest.py's start_server (user alice/secret), optionally under cProfile."""
    airsync(
        "user",
        "add",
        "alice",
        "--password",
        "secret",
        "--email",
        "alice@example.test",
        "--data-dir",
        str(data_dir),
    )
    port = free_port()
    log_path = data_dir / "server.log"
    prefix = ["-m", "cProfile", "-o", str(profile)] if profile else []
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                *prefix,
                "-m",
                "airsync.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
                "--public-url",
                f"http://127.0.0.1:{port}",
                *extra,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"airsync serve exited:\n{log_path.read_text()}")
        try:
            httpx.options(url + PATH, timeout=1)
            return Server(url, "127.0.0.1", port, data_dir, process, log_path)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise BenchError(f"airsync serve did not come up:\n{log_path.read_text()}")


# Realistic items ------------------------------------------------------------------------------------

FIRST = (
    "Anna Ben Chloé David Elif Farid Greta Hugo Ines Jonas Karin Luca Mia Noah Olga Pavel Quentin "
    "Rosa Sven Tariq Ursula Vera Wim Xenia Yusuf Zoë"
).split()
LAST = (
    "Müller Schmidt Novak Rossi García Dubois Jansen Kowalski Nielsen Ivanova O'Brien Tanaka Silva "
    "Andersson Horvat Popescu Yilmaz Keller Fischer Weber"
).split()
COMPANIES = ("Example AG", "Acme Corp.", "Globex GmbH", "Initech Ltd", "Umbrella SA", "Stark & Söhne")
TITLES = ("Engineer", "Sales Manager", "CFO", "Account Executive", "Designer", "Project Lead")
CITIES = (
    ("Zürich", "8001", "Switzerland"),
    ("Berlin", "10115", "Germany"),
    ("Paris", "75001", "France"),
    ("New York", "10001", "USA"),
    ("Wien", "1010", "Austria"),
)
LOCATIONS = ("Room 4.12", "Zürich HQ, Bahnhofstrasse 1", "Online", "Café Odeon")
WORDS = (
    "meeting budget review quarterly the a of and to in project deadline schedule please find attached "
    "report update thanks regards team status next week call notes agenda Zürich café"
).split()

VTIMEZONES = {
    "Europe/Berlin": (
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
        "TZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    ),
    "America/New_York": (
        "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\n"
        "TZOFFSETTO:-0400\r\nTZNAME:EDT\r\nDTSTART:19700308T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"
        "END:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\n"
        "DTSTART:19701101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    ),
}


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    out, limit = [], 75
    while len(line.encode()) > limit:
        cut = limit
        while len(line[:cut].encode()) > limit:
            cut -= 1
        out.append(line[:cut])
        line = " " + line[cut:]
        limit = 75
    out.append(line)
    return "\r\n".join(out)


def make_contact(rng: random.Random, i: int) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = rng.choice(COMPANIES)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:bench-contact-{i}",
        f"FN:{_esc(f'{first} {last}')}",
        f"N:{_esc(last)};{_esc(first)};;;",
        f"ORG:{_esc(company)}",
        f"TITLE:{rng.choice(TITLES)}",
        f"EMAIL;TYPE=INTERNET;TYPE=WORK:{first.lower()}.{last.lower()}{i}@example.com".replace("'", ""),
    ]
    if i % 2:
        lines.append(f"EMAIL;TYPE=INTERNET;TYPE=HOME:{first.lower()}{i}@mail.example.org")
    if i % 7 == 0:
        lines.append(f"EMAIL;TYPE=INTERNET:{last.lower()}{i}@other.example".replace("'", ""))
    lines.append(f"TEL;TYPE=CELL:+41 79 {i % 1000:03d} {i % 97:02d} {i % 89:02d}")
    lines.append(f"TEL;TYPE=WORK:+41 44 {rng.randrange(100, 999)} {rng.randrange(10, 99)} 00")
    if i % 3 == 0:
        lines.append(f"TEL;TYPE=HOME:+49 30 {rng.randrange(1000000, 9999999)}")
    city, zip_, country = rng.choice(CITIES)
    lines.append(f"ADR;TYPE=WORK:;;{_esc(f'Bahnhofstrasse {i % 200 + 1}')};{city};;{zip_};{country}")
    if i % 4 == 0:
        city, zip_, country = rng.choice(CITIES)
        lines.append(f"ADR;TYPE=HOME:;;Gartenweg {i % 50 + 1};{city};;{zip_};{country}")
    if i % 5 == 0:
        lines.append(f"BDAY:{1950 + i % 50}-{i % 12 + 1:02d}-{i % 28 + 1:02d}")
    if i % 6 == 0:
        lines.append(_fold(f"NOTE:{_esc(_words(rng, rng.randrange(5, 60)))}"))
    lines.append(f"CATEGORIES:{rng.choice(('Work', 'Family', 'Friends', 'Customers'))}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def make_event(rng: random.Random, i: int) -> str:
    base = datetime(2025, 6, 1) + timedelta(days=rng.randrange(-200, 500), hours=rng.randrange(7, 19))
    base = base.replace(minute=rng.choice((0, 15, 30)))
    length = timedelta(minutes=rng.choice((30, 60, 60, 90, 120)))
    zone = ("Europe/Berlin", "Europe/Berlin", "America/New_York", "UTC")[i % 4]
    stamp = "20250101T000000Z"
    lines = [
        "BEGIN:VEVENT",
        f"UID:bench-event-{i}@example.com",
        f"DTSTAMP:{stamp}",
        f"SUMMARY:{_esc(_words(rng, rng.randrange(2, 7)).capitalize())}",
    ]
    all_day = i % 10 == 3
    fmt = "%Y%m%dT%H%M%S"
    if all_day:
        day = base.date()
        lines += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}"]
    elif zone == "UTC":
        lines += [f"DTSTART:{base.strftime(fmt)}Z", f"DTEND:{(base + length).strftime(fmt)}Z"]
    else:
        lines += [
            f"DTSTART;TZID={zone}:{base.strftime(fmt)}",
            f"DTEND;TZID={zone}:{(base + length).strftime(fmt)}",
        ]
    if i % 5 == 1:
        kind = (i // 5) % 3
        if kind == 0:
            lines.append(f"RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT={rng.randrange(4, 30)}")
        elif kind == 1:
            until = (base + timedelta(days=rng.randrange(20, 200))).strftime("%Y%m%d") + "T235959Z"
            lines.append(f"RRULE:FREQ=DAILY;INTERVAL=2;UNTIL={until}")
            lines.append(
                f"EXDATE;TZID={zone}:{(base + timedelta(days=4)).strftime(fmt)}"
                if zone != "UTC" and not all_day
                else f"EXDATE:{(base + timedelta(days=4)).strftime(fmt)}Z"
                if not all_day
                else f"EXDATE;VALUE=DATE:{(base + timedelta(days=4)):%Y%m%d}"
            )
        else:
            lines.append("RRULE:FREQ=MONTHLY;BYMONTHDAY=" + str(base.day))
    if rng.random() < 0.7:
        lines.append(_fold(f"LOCATION:{_esc(rng.choice(LOCATIONS))}"))
    lines.append(_fold(f"DESCRIPTION:{_esc(_words(rng, rng.choice((10, 30, 60, 120, 300))))}"))
    if i % 10 < 3:
        org = rng.choice(FIRST)
        lines.append(f"ORGANIZER;CN={org}:mailto:{org.lower()}@example.com")
        for k in range(rng.randrange(2, 5)):
            who = rng.choice(FIRST)
            lines.append(
                _fold(
                    f"ATTENDEE;CN={who};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:"
                    f"mailto:{who.lower()}{k}@example.com"
                )
            )
    if i % 2 == 0:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder", "TRIGGER:-PT15M", "END:VALARM"]
    lines.append("END:VEVENT")
    tz = VTIMEZONES.get(zone, "") if not all_day else ""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//airsync bench//EN\r\n"
        + tz
        + "\r\n".join(lines)
        + "\r\nEND:VCALENDAR\r\n"
    )


def load_items(data_dir: Path, user: str, n: int, seed: int = 1) -> dict[str, float]:
    """Write ``n`` contacts and ``n`` events straight into the store; seconds per class."""
    return asyncio.run(_load_items(data_dir, user, n, seed))


async def _load_items(data_dir: Path, user: str, n: int, seed: int) -> dict[str, float]:
    from sqlalchemy import select, update

    from airsync.store.db import Database
    from airsync.store.tables import items, users
    from airsync.sync.classes import CLASSES

    db = Database.open(None, data_dir)
    took: dict[str, float] = {}
    try:
        for class_name, folder, make in (
            ("Contacts", CONTACTS, make_contact),
            ("Calendar", CALENDAR, make_event),
        ):
            t0 = time.perf_counter()
            item_class = CLASSES[class_name]
            rng = random.Random(seed)
            texts = [make(rng, i) for i in range(n)]
            derived = [item_class.derive(t) for t in texts]
            now = datetime.now(UTC)
            async with db.begin() as conn:
                user_id, seq = (
                    await conn.execute(select(users.c.id, users.c.item_seq).where(users.c.name == user))
                ).one()
                rows = []
                for k, (text, d) in enumerate(zip(texts, derived, strict=True)):
                    version = seq + 1 + k  # as add_item: next user version, doubling as the ServerId
                    rows.append(
                        dict(
                            user_id=user_id,
                            folder_id=folder,
                            server_id=str(version),
                            item_class=class_name,
                            uid=d.uid,
                            content_type=item_class.content_type,
                            content=text,
                            version=version,
                            deleted=False,
                            start_utc=d.start_utc,
                            end_utc=d.end_utc,
                            complete=d.complete,
                            created_at=now,
                            modified_at=now,
                        )
                    )
                for start in range(0, len(rows), 2000):
                    await conn.execute(items.insert(), rows[start : start + 2000])
                await conn.execute(update(users).where(users.c.id == user_id).values(item_seq=seq + n))
            took[class_name] = time.perf_counter() - t0
    finally:
        await db.close()
    return took


# A synchronous EAS device over one keep-alive connection --------------------------------------------


@dataclass
class Traffic:
    requests: int = 0
    sent: int = 0
    received: int = 0


class Device:
    def __init__(self, server: Server, user: str, device_id: str, password: str = "secret") -> None:
        self.server = server
        self.user = user
        self.device_id = device_id
        self.http = httpx.Client(timeout=120)
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.headers = {
            "Authorization": f"Basic {token}",
            "MS-ASProtocolVersion": VERSION,
            "User-Agent": "airsync-bench/1.0",
            "Content-Type": "application/vnd.ms-sync.wbxml",
        }
        self.traffic = Traffic()

    def send(self, cmd: str, tree: Element | None) -> tuple[int, Element | None]:
        body = encode(tree) if tree is not None else b""
        query = f"Cmd={cmd}&User={self.user}&DeviceId={self.device_id}&DeviceType=BenchPhone"
        response = self.http.post(f"{self.server.url}{PATH}?{query}", content=body, headers=self.headers)
        self.traffic.requests += 1
        self.traffic.sent += len(body)
        self.traffic.received += len(response.content)
        if response.status_code != 200:
            raise BenchError(f"{cmd}: HTTP {response.status_code}")
        return response.status_code, decode(response.content) if response.content else None

    def provision(self) -> None:
        policy = PR.Policies(PR.Policy(PR.PolicyType("MS-EAS-Provisioning-WBXML")))
        info = ST.DeviceInformation(
            ST.Set(ST.Model("Bench"), ST.OS("BenchOS 1"), ST.UserAgent("airsync-bench"))
        )
        _, first = self.send("Provision", PR.Provision(info, policy))
        temporary = first.find("Policies").find("Policy").findtext("PolicyKey")  # type: ignore[union-attr]
        self.headers["X-MS-PolicyKey"] = temporary
        _, second = self.send(
            "Provision",
            PR.Provision(
                PR.Policies(
                    PR.Policy(
                        PR.PolicyType("MS-EAS-Provisioning-WBXML"), PR.PolicyKey(temporary), PR.Status("1")
                    )
                )
            ),
        )
        self.headers["X-MS-PolicyKey"] = second.find("Policies").find("Policy").findtext("PolicyKey")  # type: ignore[union-attr]

    def folder_sync(self) -> dict[str, str]:
        _, tree = self.send("FolderSync", FH.FolderSync(FH.SyncKey("0")))
        assert tree is not None
        return {
            a.findtext("DisplayName") or "": a.findtext("ServerId") or ""
            for a in tree.find("Changes").findall("Add")
        }  # type: ignore[union-attr]

    def sync(
        self, collections: list[tuple[str, str]], window: int, *, filter_type: int | None = None
    ) -> Element | None:
        """One Sync on (collection id, key) pairs; the response tree (None: empty 200)."""
        cols = []
        for cid, key in collections:
            options = AS.Options(
                AS.FilterType(filter_type) if filter_type is not None else None,
                AB.BodyPreference(AB.Type(1), AB.TruncationSize(32768)),
            )
            cols.append(
                AS.Collection(
                    AS.SyncKey(key),
                    AS.CollectionId(cid),
                    AS.WindowSize(window) if key != "0" else None,
                    options,
                )
            )
        _, tree = self.send("Sync", AS.Sync(AS.Collections(cols), AS.WindowSize(window)))
        return tree

    def close(self) -> None:
        self.http.close()


def _collections(tree: Element | None) -> Iterator[Element]:
    if tree is None:
        return
    if tree.findtext("Status") not in (None, "1"):
        raise BenchError(f"Sync Status {tree.findtext('Status')}")
    for col in tree.find("Collections") or ():
        if col.findtext("Status") != "1":
            raise BenchError(
                f"Sync collection {col.findtext('CollectionId')} Status {col.findtext('Status')}"
            )
        yield col


# 1. Initial sync ------------------------------------------------------------------------------------


@dataclass
class PullResult:
    window: int
    cls: str
    items: int
    requests: int
    sent: int
    received: int
    wall: float
    cpu: float


def initial_sync(
    server: Server, device_id: str, window: int, n: int
) -> tuple[list[PullResult], Device, dict[str, str]]:
    dev = Device(server, "alice", device_id)
    dev.provision()
    dev.folder_sync()
    keys = {}
    for cid in (CONTACTS, CALENDAR):
        col = next(_collections(dev.sync([(cid, "0")], window)))
        keys[cid] = col.findtext("SyncKey") or ""
    results = []
    for cid, cls in ((CONTACTS, "Contacts"), (CALENDAR, "Calendar")):
        before = dev.traffic.requests, dev.traffic.sent, dev.traffic.received
        count = 0
        cpu0, t0 = server.cpu(), time.perf_counter()
        for _ in range(n // max(window, 1) + 10):
            cols = list(_collections(dev.sync([(cid, keys[cid])], window)))
            if not cols:
                break
            keys[cid] = cols[0].findtext("SyncKey") or ""
            commands = cols[0].find("Commands")
            count += sum(1 for c in commands if c.tag == "Add") if commands is not None else 0
            if cols[0].find("MoreAvailable") is None:
                break
        wall, cpu = time.perf_counter() - t0, server.cpu() - cpu0
        if count != n:
            raise BenchError(f"{cls}: pulled {count} items with WindowSize {window}, {n} are stored")
        t = dev.traffic
        results.append(
            PullResult(
                window,
                cls,
                count,
                t.requests - before[0],
                t.sent - before[1],
                t.received - before[2],
                wall,
                cpu,
            )
        )
    return results, dev, keys


# 2. No-change Sync ----------------------------------------------------------------------------------


@dataclass
class NoChange:
    label: str
    repeat: int
    cpu_ms: float
    walls: list[float] = field(default_factory=list)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def no_change(
    server: Server,
    dev: Device,
    label: str,
    cols: list[tuple[str, str]],
    repeat: int,
    filter_type: int | None = None,
) -> NoChange:
    walls = []
    cpu0 = server.cpu()
    for _ in range(repeat):
        t0 = time.perf_counter()
        tree = dev.sync(cols, 512, filter_type=filter_type)
        walls.append(time.perf_counter() - t0)
        if tree is not None:
            raise BenchError(f"no-change Sync ({label}) answered with changes")
    cpu = server.cpu() - cpu0
    return NoChange(label, repeat, cpu / repeat * 1000, walls)


def settle(dev: Device, cid: str, key: str, filter_type: int | None, limit: int = 200) -> str:
    """Sync until the collection has nothing more to say (e.g. SoftDeletes after a new FilterType)."""
    for _ in range(limit):
        cols = list(_collections(dev.sync([(cid, key)], 512, filter_type=filter_type)))
        if not cols:
            return key
        key = cols[0].findtext("SyncKey") or key
    raise BenchError(f"collection {cid} never settled")


def part_sync(args: argparse.Namespace, tmp: Path) -> tuple[list[PullResult], list[NoChange], dict[str, Any]]:
    data_dir = tmp / "sync"
    data_dir.mkdir()
    server = start_server(data_dir, profile=args.profile / "sync.prof" if args.profile else None)
    try:
        took = load_items(data_dir, "alice", args.items)
        print(
            f"  loaded {args.items:,} contacts in {took['Contacts']:.1f} s and {args.items:,} events "
            f"in {took['Calendar']:.1f} s (directly into the store)",
            flush=True,
        )
        pulls: list[PullResult] = []
        dev = None
        keys: dict[str, str] = {}
        for k, window in enumerate((100, 512)):
            if dev is not None:
                dev.close()
            results, dev, keys = initial_sync(server, f"BENCHINIT{k}", window, args.items)
            pulls += results
            for r in results:
                print(
                    f"  initial sync {r.cls:<8} W={window:<3}: {r.items:,} items, {r.requests} requests, "
                    f"{r.wall:.1f} s wall, {r.cpu:.1f} s server CPU",
                    flush=True,
                )
        assert dev is not None
        rows = [
            no_change(
                server,
                dev,
                f"Contacts + Calendar, {args.items:,} items each",
                [(CONTACTS, keys[CONTACTS]), (CALENDAR, keys[CALENDAR])],
                args.nochange,
            )
        ]
        col = next(_collections(dev.sync([(NOTES, "0")], 512)))
        notes_key = settle(dev, NOTES, col.findtext("SyncKey") or "", None)
        rows.append(no_change(server, dev, "Notes, empty", [(NOTES, notes_key)], args.nochange))
        cal_key = settle(dev, CALENDAR, keys[CALENDAR], 5)
        rows.append(
            no_change(
                server,
                dev,
                f"Calendar, {args.items:,} items, FilterType 5",
                [(CALENDAR, cal_key)],
                args.nochange,
                filter_type=5,
            )
        )
        for r in rows:
            print(
                f"  no-change Sync {r.label}: {r.cpu_ms:.1f} ms server CPU, "
                f"p50 {_pct(r.walls, 50) * 1000:.1f} ms",
                flush=True,
            )
        dev.close()
        info = {"tracebacks": server.tracebacks()}
    finally:
        server.stop()
    return pulls, rows, info


# 3. Push --------------------------------------------------------------------------------------------

PER_USER = 5


async def _bulk_ping_setup(data_dir: Path, users_n: int) -> dict[str, str]:
    """Users with folders, 5 Ping devices each with partnerships on Inbox/Calendar/Contacts, and a
    writer device each with a Contacts partnership. Returns the writer's sync key."""
    from argon2 import PasswordHasher
    from sqlalchemy import select

    from airsync.store.db import Database
    from airsync.store.folders import CLASS_OF_TYPE, DEFAULT_FOLDERS
    from airsync.store.tables import devices, folders, sync_collections, users

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("secret")
    now = datetime.now(UTC)
    writer_key = "100000000"
    db = Database.open(None, data_dir)
    try:
        async with db.begin() as conn:
            await conn.execute(
                users.insert(),
                [
                    dict(
                        name=f"p{u:05d}",
                        email=f"p{u:05d}@example.test",
                        display_name=f"Ping User {u}",
                        password_hash=cheap,
                        created_at=now,
                        next_folder_id=len(DEFAULT_FOLDERS) + 1,
                        hierarchy_seq=len(DEFAULT_FOLDERS),
                        item_seq=0,
                    )
                    for u in range(users_n)
                ],
            )
            ids = dict(
                (await conn.execute(select(users.c.name, users.c.id).where(users.c.name.like("p%")))).all()
            )
            await conn.execute(
                folders.insert(),
                [
                    dict(
                        user_id=uid,
                        server_id=str(k + 1),
                        parent_id="0",
                        display_name=name,
                        type=int(ftype),
                        changed_seq=k + 1,
                        deleted=False,
                    )
                    for uid in ids.values()
                    for k, (name, ftype) in enumerate(DEFAULT_FOLDERS)
                ],
            )
            dev_rows = []
            for name, uid in ids.items():
                for j in range(PER_USER + 1):
                    dev_id = f"W{name}" if j == PER_USER else f"D{name}x{j}"
                    dev_rows.append(
                        dict(
                            user_id=uid,
                            device_id=dev_id,
                            device_type="BenchPhone",
                            user_agent="airsync-bench/1.0",
                            protocol_version=VERSION,
                            device_info={},
                            first_seen=now,
                            last_seen=now,
                            wipe_state="none",
                        )
                    )
            await conn.execute(devices.insert(), dev_rows)
            pks = (
                await conn.execute(
                    select(devices.c.id, devices.c.device_id).where(devices.c.device_id.like("%p%"))
                )
            ).all()
            by_id = {str(k + 1): CLASS_OF_TYPE[ftype] for k, (_, ftype) in enumerate(DEFAULT_FOLDERS)}
            part_rows = []
            for pk, dev_id in pks:
                cols = (CONTACTS,) if dev_id.startswith("W") else (INBOX, CALENDAR, CONTACTS)
                for cid in cols:
                    part_rows.append(
                        dict(
                            device_pk=pk,
                            collection_id=cid,
                            sync_key=writer_key,
                            previous_sync_key=None,
                            folder_class=by_id[cid],
                            options={},
                            supported=None,
                            watermark=0,
                            created_at=now,
                            updated_at=now,
                        )
                    )
            for start in range(0, len(part_rows), 5000):
                await conn.execute(sync_collections.insert(), part_rows[start : start + 5000])
    finally:
        await db.close()
    return {"writer_key": writer_key}


def _auth(user: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:secret".encode()).decode()


def _request(server: Server, cmd: str, user: str, device_id: str, body: bytes) -> bytes:
    head = (
        f"POST {PATH}?Cmd={cmd}&User={user}&DeviceId={device_id}&DeviceType=BenchPhone HTTP/1.1\r\n"
        f"Host: {server.host}:{server.port}\r\nAuthorization: {_auth(user)}\r\n"
        f"MS-ASProtocolVersion: {VERSION}\r\nUser-Agent: airsync-bench/1.0\r\n"
        f"Content-Type: application/vnd.ms-sync.wbxml\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length) if length else b""


@dataclass
class PingConn:
    user: str
    device_id: str
    writer: asyncio.StreamWriter | None = None
    task: asyncio.Task[tuple[int, bytes]] | None = None
    answered_at: float | None = None
    status: str | None = None


@dataclass
class PushResult:
    pings: int
    users: int
    rss_before: int
    rss_tenth: int
    rss_all: int
    fds_all: int
    setup_wall: float
    setup_cpu: float
    early: int
    from_response: list[float]
    from_request: list[float]
    unanswered: int
    changes: int
    bad: dict[str, int] = field(default_factory=dict)
    tracebacks: int = 0


async def _hold_pings(
    server: Server, conns: list[PingConn], body: bytes, batch: int, parallel: int = 200
) -> None:
    """Open a connection per Ping and send it: ``batch`` at a time, waiting for the server's CPU to
    go idle between batches (0: all at once, a reconnect storm)."""
    gate = asyncio.Semaphore(parallel)

    async def one(c: PingConn) -> tuple[int, bytes]:
        async with gate:
            reader, writer = await asyncio.open_connection(server.host, server.port)
            c.writer = writer
            writer.write(_request(server, "Ping", c.user, c.device_id, body))
            await writer.drain()
        status, payload = await _read_response(reader)
        c.answered_at = time.perf_counter()
        if status != 200 or not payload:
            c.status = f"HTTP {status}"
        else:
            c.status = decode(payload).findtext("Status")
        return status, payload

    step = batch or len(conns)
    for start in range(0, len(conns), step):
        chunk = conns[start : start + step]
        for c in chunk:
            c.task = asyncio.create_task(one(c))
        # All requests written (the tasks past the gate), whatever the server did with them yet.
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and any(c.writer is None for c in chunk):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        if batch:  # paced: the next batch only when the server has taken this one
            await asyncio.to_thread(server.wait_idle, 60, 0.01, 0.2)


async def _push(
    server: Server, users_n: int, pings: int, changes: int, writer_key: str, batch: int
) -> PushResult:
    names = [f"p{u:05d}" for u in range(users_n)]
    conns = [PingConn(n, f"D{n}x{j}") for n in names for j in range(PER_USER)][:pings]
    body = encode(
        P.Ping(
            P.HeartbeatInterval(1800),
            P.Folders(
                P.Folder(P.Id(INBOX), P.Class("Email")),
                P.Folder(P.Id(CALENDAR), P.Class("Calendar")),
                P.Folder(P.Id(CONTACTS), P.Class("Contacts")),
            ),
        )
    )
    await asyncio.to_thread(server.wait_idle, 10)
    rss_before = server.rss()
    cpu0, t0 = server.cpu(), time.perf_counter()
    tenth = max(1, len(conns) // 10)
    await _hold_pings(server, conns[:tenth], body, batch)
    await asyncio.to_thread(server.wait_idle, 120)
    rss_tenth = server.rss()
    await _hold_pings(server, conns[tenth:], body, batch)
    await asyncio.to_thread(server.wait_idle, 600)
    setup_wall, setup_cpu = time.perf_counter() - t0, server.cpu() - cpu0
    rss_all, fds_all = server.rss(), server.fds()
    early = sum(1 for c in conns if c.answered_at is not None)
    bad: Counter[str] = Counter(f"{c.status} before any change" for c in conns if c.answered_at is not None)
    # Changes: one user at a time; a sixth device adds a contact; the user's Pings must answer.
    held_users = sorted({c.user for c in conns if c.answered_at is None})
    chosen = random.Random(7).sample(held_users, min(changes, len(held_users)))
    by_user: dict[str, list[PingConn]] = {}
    for c in conns:
        by_user.setdefault(c.user, []).append(c)
    from_response: list[float] = []
    from_request: list[float] = []
    unanswered = 0
    for k, user in enumerate(chosen):
        add = AS.Sync(AS.Collections(AS.Collection(AS.SyncKey(writer_key), AS.CollectionId(CONTACTS),
            AS.GetChanges("0"), AS.Commands(AS.Add(AS.ClientId(f"c{k}"), AS.ApplicationData(
                C.FileAs(f"Pushed, Contact {k}"), C.FirstName("Contact"), C.LastName(f"Pushed {k}"),
                C.Email1Address(f"pushed{k}@example.com")))))))  # fmt: skip
        reader, writer = await asyncio.open_connection(server.host, server.port)
        sent_at = time.perf_counter()
        writer.write(_request(server, "Sync", user, f"W{user}", encode(add)))
        await writer.drain()
        status, payload = await _read_response(reader)
        done_at = time.perf_counter()
        writer.close()
        if status != 200 or decode(payload).find("Collections") is None:
            raise BenchError(f"Sync Add for {user}: HTTP {status}")
        waiting = [c for c in by_user[user] if c.task is not None]
        finished, pending = await asyncio.wait([c.task for c in waiting], timeout=10)  # type: ignore[misc]
        unanswered += len(pending)
        for c in waiting:
            if c.task in finished and c.answered_at is not None:
                if c.status != "2":
                    bad[f"{c.status} after the change"] += 1
                    continue
                from_response.append(c.answered_at - done_at)
                from_request.append(c.answered_at - sent_at)
    for c in conns:
        if c.writer is not None:
            c.writer.close()
        if c.task is not None:
            c.task.cancel()
    await asyncio.gather(*(c.task for c in conns if c.task is not None), return_exceptions=True)
    return PushResult(
        len(conns),
        users_n,
        rss_before,
        rss_tenth,
        rss_all,
        fds_all,
        setup_wall,
        setup_cpu,
        early,
        from_response,
        from_request,
        unanswered,
        len(chosen),
        dict(bad),
    )


def part_push(args: argparse.Namespace, tmp: Path) -> PushResult:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the server inherits it too
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    pings = args.pings
    if pings + 200 > limit:
        pings = limit - 200
        print(f"  RLIMIT_NOFILE is {limit}: holding {pings:,} Pings instead of {args.pings:,}", flush=True)
    users_n = math.ceil(pings / PER_USER)
    data_dir = tmp / "push"
    data_dir.mkdir()
    server = start_server(
        data_dir, "--no-policy-required", profile=args.profile / "push.prof" if args.profile else None
    )
    try:
        setup = asyncio.run(_bulk_ping_setup(data_dir, users_n))
        result = asyncio.run(
            _push(server, users_n, pings, args.changes, setup["writer_key"], args.ping_batch)
        )
        result.tracebacks = server.tracebacks()
    finally:
        server.stop()
    return result


# Report ---------------------------------------------------------------------------------------------


def _verdict(ok: bool, miss: str) -> str:
    return "met" if ok else f"MISSED by {miss}"


def report(
    args: argparse.Namespace, pulls: list[PullResult], rows: list[NoChange], push: PushResult | None
) -> list[str]:
    lines: list[str] = []
    out = lines.append
    if pulls:
        _report_sync(args, pulls, rows, out)
    if push is not None:
        _report_push(push, out)
    out("")
    out("Targets")
    if pulls:
        _targets_sync(pulls, rows, out)
    if push is not None:
        _targets_push(push, out)
    return lines


def _report_sync(args: argparse.Namespace, pulls: list[PullResult], rows: list[NoChange], out: Any) -> None:
    out("")
    out("Initial sync (each class pulled alone, to completion)")
    out(
        f"  {'class':<9} {'W':>4} {'items':>7} {'req':>5} {'KB up':>8} {'KB down':>9} {'wall s':>7} "
        f"{'CPU s':>7} {'items/s wall':>13} {'items/s CPU':>12}"
    )
    for w in (100, 512):
        group = [r for r in pulls if r.window == w]
        total = PullResult(
            w,
            "both",
            sum(r.items for r in group),
            sum(r.requests for r in group),
            sum(r.sent for r in group),
            sum(r.received for r in group),
            sum(r.wall for r in group),
            sum(r.cpu for r in group),
        )
        for r in [*group, total]:
            out(
                f"  {r.cls:<9} {r.window:>4} {r.items:>7,} {r.requests:>5} {r.sent / 1e3:>8.1f} "
                f"{r.received / 1e3:>9.1f} {r.wall:>7.2f} {r.cpu:>7.2f} {r.items / r.wall:>13,.0f} "
                f"{r.items / max(r.cpu, 0.01):>12,.0f}"
            )
    out("")
    out(f"No-change Sync ({args.nochange} requests each, empty 200 answers)")
    out(f"  {'collections':<44} {'CPU ms/req':>10} {'wall p50 ms':>11} {'wall p99 ms':>11}")
    for r in rows:
        out(
            f"  {r.label:<44} {r.cpu_ms:>10.2f} {_pct(r.walls, 50) * 1000:>11.2f} "
            f"{_pct(r.walls, 99) * 1000:>11.2f}"
        )


def _report_push(push: PushResult, out: Any) -> None:
    if push is not None:
        per_ping = (push.rss_all - push.rss_tenth) / max(1, push.pings - max(1, push.pings // 10))
        out("")
        out(
            f"Push ({push.pings:,} Pings on 3 folders each, {push.users:,} users x {PER_USER} devices, "
            "one server)"
        )
        out(f"  server RSS before Pings        {push.rss_before / 2**20:8.1f} MiB")
        out(f"  server RSS, {max(1, push.pings // 10):>6,} Pings held   {push.rss_tenth / 2**20:8.1f} MiB")
        out(
            f"  server RSS, {push.pings:>6,} Pings held   {push.rss_all / 2**20:8.1f} MiB   "
            f"(open fds {push.fds_all:,})"
        )
        out(f"  memory per held Ping           {per_ping / 1024:8.1f} KiB   (slope between 10% and 100%)")
        out(
            f"  taking the Pings               {push.setup_wall:8.1f} s wall, "
            f"{push.setup_cpu:.1f} s server CPU "
            f"({push.setup_cpu / push.pings * 1000:.2f} ms per Ping)"
        )
        out(f"  answered before any change     {push.early}")
        if push.bad:
            out(f"  WRONG answers                  {push.bad}")
        out(
            f"  changes                        {push.changes} (one at a time), Ping answers timed: "
            f"{len(push.from_response)}, unanswered after 10 s: {push.unanswered}"
        )
        if push.from_response:
            out(
                f"  change response -> Ping answer p50 {_pct(push.from_response, 50) * 1000:7.1f} ms, "
                f"p99 {_pct(push.from_response, 99) * 1000:7.1f} ms, "
                f"max {max(push.from_response) * 1000:7.1f} ms"
            )
            out(
                f"  change request  -> Ping answer p50 {_pct(push.from_request, 50) * 1000:7.1f} ms, "
                f"p99 {_pct(push.from_request, 99) * 1000:7.1f} ms, "
                f"max {max(push.from_request) * 1000:7.1f} ms"
            )


def _targets_sync(pulls: list[PullResult], rows: list[NoChange], out: Any) -> None:
    w512 = [r for r in pulls if r.window == 512]
    rate = sum(r.items for r in w512) / max(sum(r.cpu for r in w512), 0.01)
    out(
        f"  initial sync >= {TARGET_ITEMS_PER_CPU_S:,.0f} items/s of server CPU at W=512: {rate:,.0f}  "
        + _verdict(rate >= TARGET_ITEMS_PER_CPU_S, f"{TARGET_ITEMS_PER_CPU_S / rate:.1f}x")
    )
    for r in w512:
        cls_rate = r.items / max(r.cpu, 0.01)
        out(
            f"      {r.cls}: {cls_rate:,.0f} items/s  "
            + _verdict(cls_rate >= TARGET_ITEMS_PER_CPU_S, f"{TARGET_ITEMS_PER_CPU_S / cls_rate:.1f}x")
        )
    for r in rows:
        out(
            f"  no-change Sync <= {TARGET_NOCHANGE_MS:.0f} ms server CPU, {r.label}: {r.cpu_ms:.2f} ms  "
            + _verdict(r.cpu_ms <= TARGET_NOCHANGE_MS, f"{r.cpu_ms / TARGET_NOCHANGE_MS:.1f}x")
        )


def _targets_push(push: PushResult, out: Any) -> None:
    if push is not None:
        scaled = (
            push.rss_all
            if push.pings >= 10_000
            else push.rss_tenth
            + ((push.rss_all - push.rss_tenth) / max(1, push.pings - push.pings // 10))
            * (10_000 - push.pings // 10)
        )
        note = "" if push.pings >= 10_000 else f" (extrapolated from {push.pings:,})"
        out(
            f"  10,000 idle Pings <= 1 GiB RSS: {scaled / 2**20:,.0f} MiB{note}  "
            + _verdict(scaled <= TARGET_PING_RSS, f"{scaled / TARGET_PING_RSS:.1f}x")
        )
        if push.from_response:
            p99 = _pct(push.from_response, 99)
            ok = p99 <= TARGET_PUSH_P99 and not push.unanswered
            out(
                f"  change -> Ping answer p99 <= 1 s: {p99 * 1000:.0f} ms  "
                + _verdict(
                    ok,
                    f"{p99 / TARGET_PUSH_P99:.1f}x"
                    if p99 > TARGET_PUSH_P99
                    else f"{push.unanswered} unanswered",
                )
            )


def _print_profile(path: Path) -> None:
    if not path.exists():
        print(f"  (no profile written at {path})")
        return
    print(f"\nProfile {path} (cumulative, top 25):")
    stats = pstats.Stats(str(path))
    stats.sort_stats("cumulative").print_stats(25)
    print(f"Profile {path} (own time, top 20):")
    stats.sort_stats("tottime").print_stats(20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="contacts, and events, in the store")
    parser.add_argument("--pings", type=int, default=10_000, help="idle Pings held at once")
    parser.add_argument("--changes", type=int, default=100, help="changes timed against waiting Pings")
    parser.add_argument("--nochange", type=int, default=200, help="no-change Syncs per measurement")
    parser.add_argument(
        "--ping-batch",
        type=int,
        default=200,
        help="Pings sent at once before waiting for the server to idle (0: all at once)",
    )
    parser.add_argument("--quick", action="store_true", help="small numbers: a smoke run under a minute")
    parser.add_argument("--only", choices=("sync", "push"), help="run one part")
    parser.add_argument("--profile", type=Path, help="run the servers under cProfile, writing here")
    args = parser.parse_args()
    if args.quick:
        args.items, args.pings, args.changes, args.nochange = 200, 100, 5, 20
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        args.profile = args.profile.resolve()

    print("Sync and push benchmark (airsync serve, SQLite, 127.0.0.1)")
    print(f"  date       {date.today().isoformat()}")
    print(
        f"  python     {platform.python_implementation()} {platform.python_version()} on {platform.machine()}"
    )
    print(f"  machine    {os.cpu_count()} cpus, {_mem_total() / 2**30:.0f} GiB, {platform.platform()}")
    print(
        f"  sizes      {args.items:,} contacts + {args.items:,} events; WindowSize 100 and 512; "
        f"{args.nochange} no-change Syncs; {args.pings:,} Pings sent "
        + (f"{args.ping_batch} at a time" if args.ping_batch else "all at once")
        + f"; {args.changes} changes"
        + ("  (--quick: smoke run, not a measurement)" if args.quick else "")
    )
    print("  method     server CPU = utime+stime of /proc/<pid>/stat; RSS = VmRSS; wall = perf_counter on")
    print("             the client (this process, same machine); bytes = WBXML bodies both ways", flush=True)
    if args.profile:
        print(f"  profiling  servers run under cProfile (slower): {args.profile}")

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="airsync-bench-sync-"))
    pulls: list[PullResult] = []
    rows: list[NoChange] = []
    push = None
    errors = 0
    try:
        if args.only in (None, "sync"):
            print("\n[1/2] initial and no-change sync", flush=True)
            pulls, rows, info = part_sync(args, tmp)
            errors += info["tracebacks"]
        if args.only in (None, "push"):
            print("\n[2/2] push", flush=True)
            push = part_push(args, tmp)
            errors += push.tracebacks
    except BenchError as exc:
        print(f"\nFAILED: {exc}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for line in report(args, pulls, rows, push):
        print(line)
    print(f"\ntotal run time {time.perf_counter() - started:.0f} s")
    if args.profile:
        for name in ("sync", "push"):
            _print_profile(args.profile / f"{name}.prof")
    if errors:
        print(f"FAILED: {errors} traceback(s) in the server logs")
        return 1
    if push is not None and (push.unanswered or push.early or push.bad):
        print(
            f"FAILED: {push.unanswered} Ping(s) unanswered after a change, {push.early} answered early, "
            f"wrong answers: {push.bad or 'none'}"
        )
        return 1
    return 0


def _mem_total() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return 0


if __name__ == "__main__":
    sys.exit(main())
