"""A flood of malformed and mutated requests against a real `airsync serve` on 127.0.0.1.

Run: ``.venv/bin/python bench/fuzz.py [--requests N] [--seed S] [--duration SECONDS]``.

Method. The script starts a server (``tests/e2e/conftest.py``'s ``start_server``: a temporary data
directory, users alice/secret and bob/secret, a free 127.0.0.1 port), provisions one device
(protocol 14.1), runs FolderSync, FolderCreate and Sync once to hold live sync keys, and builds
valid request bodies from them (Provision, FolderSync, FolderCreate, FolderUpdate, FolderDelete,
Sync, GetItemEstimate, Settings). It then sends ``N`` requests in two phases of about N/2 each,
eight at a time, each phase bounded to half of ``--duration``:

* phase A, requests that are surely invalid: random bytes bodies and truncated or bit-flipped WBXML
  that our decoder rejects (checked before sending), valid bodies with wrong passwords, unknown
  users, another user's ``User=``, a missing or malformed DeviceId/DeviceType, unsupported protocol
  versions, broken base64 queries, unknown commands, a wrong policy key, a wrong Content-Type,
  malformed Authorization headers, wrong methods and paths, and (over a raw socket) a huge or
  malformed Content-Length, garbage header lines, and one body over the server's size limit.
  A snapshot of the database (every table but Alembic's; of ``devices`` all but the columns every
  request refreshes: last_seen, user_agent, protocol_version, device_info) is taken before and
  after: it must not change.
* phase B, mutations that may be valid and may change state: bit flips, truncations, splices,
  tree-level mutations (odd values, dropped, duplicated, reordered, grafted and deeply nested
  elements), random base64 queries, other protocol versions, other devices, junk in optional
  headers, replays of stale keys.

Every response is checked: no 5xx (except 501 for a command the server does not implement, which
MS-ASHTTP 2.2.2.1.1 prescribes), no body containing ``Traceback`` or ``File "``, no request left
unanswered for 20 s, and in phase A the answer each kind of invalid request calls for (401 for bad
credentials, 403 for another user, 400 for a bad request line, 413 for too large, 405, 404, 501, or
for a bad body an HTTP 4xx or a 200 whose root Status is not 1). At the end a new device must still
provision and FolderSync, and the server log must hold no traceback. Exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from airsync.protocol.query import COMMAND_CODES, encode_base64_query
from airsync.protocol.versions import SUPPORTED_VERSIONS, ProtocolVersion
from airsync.wbxml import CODE_PAGES, Element, WBXMLError, decode, encode, ns
from tests.easclient import EASClient

PATH = "/Microsoft-Server-ActiveSync"
WBXML_TYPE = "application/vnd.ms-sync.wbxml"
DEVICE_ID = "FUZZDEVICE0001"
DEVICE_TYPE = "FuzzPhone"
VERSION = "14.1"
CONCURRENCY = 8
REQUEST_TIMEOUT = 20.0
MAX_REQUEST_SIZE = 50 * 1024 * 1024  # the server's default max_request_size
#: Columns of ``devices`` that every authenticated request refreshes (DeviceRegistry.touch).
VOLATILE = {"devices": {"last_seen", "user_agent", "protocol_version", "device_info"}}
#: Odd values for the tree mutator (no NUL: WBXML inline strings cannot carry it).
ODD_VALUES = (
    "",
    "0",
    "-1",
    "1",
    "2",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "9" * 64,
    "abc",
    "%s%n%x",
    "../../etc/passwd",
    "' OR 1=1 --",
    "é中😀",
    "x" * 10_000,
    " ",
    "0x10",
    "1e9",
    "NaN",
    "\ufeff1",
    "20261301T250000Z",
    "{0}",
    "\r\n",
    "\x01\x02",
)


@dataclass
class Probe:
    """One request, sent by httpx or, when ``raw`` is set, as bytes over a socket."""

    phase: str
    category: str
    expect: str  # "401", "403", ..., "error", "reject" or "any" (see check())
    cmd: str | None = None
    method: str = "POST"
    path: str = PATH
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    raw: bytes | None = None
    hangup: bool = False  # close the connection after sending ``raw``, without waiting for an answer

    def describe(self) -> str:
        if self.raw is not None:
            return f"raw {self.raw[:300]!r}{'...' if len(self.raw) > 300 else ''} ({len(self.raw)} bytes)"
        body = self.body[:96].hex(" ") + (" ..." if len(self.body) > 96 else "")
        query = self.query[:300]
        return f"{self.method} {self.path}?{query} headers={self.headers} body[{len(self.body)}]={body}"


@dataclass
class Report:
    seed: int
    requested: int
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (phase, category, status)
    failures: list[str] = field(default_factory=list)
    state_diff: list[str] = field(default_factory=list)
    phase_b_changes: list[str] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    sent: int = 0

    def format(self) -> str:
        statuses = sorted({s for _p, _c, s in self.counts}, key=lambda s: (not s.isdigit(), s))
        rows = sorted({(p, c) for p, c, _s in self.counts})
        width = max([len(f"{p} {c}") for p, c in rows] + [20])
        head = f"{'phase category':<{width}} {'total':>6} " + " ".join(f"{s:>6}" for s in statuses)
        lines = [
            f"airsync fuzz flood: seed={self.seed} requested={self.requested} sent={self.sent} "
            f"duration={sum(self.durations.values()):.1f}s "
            + " ".join(f"{k}={v:.1f}s" for k, v in self.durations.items())
            + f" concurrency={CONCURRENCY}",
            "",
            head,
            "-" * len(head),
        ]
        for phase, category in rows:
            row = [self.counts[(phase, category, s)] for s in statuses]
            lines.append(
                f"{phase + ' ' + category:<{width}} {sum(row):>6} " + " ".join(f"{n or '':>6}" for n in row)
            )
        totals = [sum(n for (_p, _c, s), n in self.counts.items() if s == status) for status in statuses]
        lines.append("-" * len(head))
        lines.append(f"{'total':<{width}} {sum(totals):>6} " + " ".join(f"{n:>6}" for n in totals))
        lines.append("")
        lines.append("state after phase A: " + ("unchanged" if not self.state_diff else "CHANGED"))
        lines.extend(f"  {d}" for d in self.state_diff)
        lines.append("state changes in phase B (allowed): " + (", ".join(self.phase_b_changes) or "none"))
        lines.append(f"failures: {len(self.failures) or 'none'}")
        lines.extend(f"  {f}" for f in self.failures[:40])
        if len(self.failures) > 40:
            lines.append(f"  ... and {len(self.failures) - 40} more")
        return "\n".join(lines)


# -- Database snapshots ----------------------------------------------------------------------------


def snapshot(db_path: Path) -> dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]:
    """Every table's rows by primary key, without the columns in VOLATILE."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not row[0].startswith("sqlite_") and row[0] != "alembic_version"
        ]
        state = {}
        for table in tables:
            info = con.execute(f'PRAGMA table_info("{table}")').fetchall()
            cols = [c[1] for c in info if c[1] not in VOLATILE.get(table, ())]
            pk = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]] or cols
            rows = con.execute(f'SELECT {", ".join(pk)}, {", ".join(cols)} FROM "{table}"').fetchall()
            state[table] = {tuple(r[: len(pk)]): tuple(zip(cols, r[len(pk) :], strict=True)) for r in rows}
        return state
    finally:
        con.close()


def diff(before: dict[str, dict[Any, Any]], after: dict[str, dict[Any, Any]]) -> list[str]:
    out = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        for key in sorted(set(new) - set(old), key=repr)[:5]:
            out.append(f"{table}: row {key} added: {new[key]}")
        for key in sorted(set(old) - set(new), key=repr)[:5]:
            out.append(f"{table}: row {key} removed: {old[key]}")
        for key in sorted(set(old) & set(new), key=repr):
            changed = [(c, v, w) for (c, v), (_c, w) in zip(old[key], new[key], strict=True) if v != w]
            if changed:
                out.append(
                    f"{table}: row {key} changed: " + ", ".join(f"{c}: {v!r} -> {w!r}" for c, v, w in changed)
                )
    return out


def summary(before: dict[str, dict[Any, Any]], after: dict[str, dict[Any, Any]]) -> list[str]:
    out = []
    for table in sorted(after):
        old, new = before.get(table, {}), after[table]
        added = len(set(new) - set(old))
        changed = sum(1 for k in set(old) & set(new) if old[k] != new[k])
        if added or changed:
            out.append(f"{table} +{added} rows, {changed} changed")
    return out


# -- The valid requests everything starts from -----------------------------------------------------


@dataclass
class Session:
    url: str
    user: str
    password: str
    other_user: str
    policy_key: int
    implemented: frozenset[str]
    templates: dict[str, Element]

    @property
    def host(self) -> str:
        return self.url.removeprefix("http://")

    def auth(self, login: str | None = None, password: str | None = None) -> str:
        token = f"{login or self.user}:{self.password if password is None else password}".encode()
        return "Basic " + base64.b64encode(token).decode()

    def query(self, cmd: str, **overrides: str | None) -> str:
        params = {
            "Cmd": cmd,
            "User": self.user,
            "DeviceId": DEVICE_ID,
            "DeviceType": DEVICE_TYPE,
            **overrides,
        }
        return str(httpx.QueryParams({k: v for k, v in params.items() if v is not None}))

    def headers(self, **overrides: str | None) -> dict[str, str]:
        base = {
            "Authorization": self.auth(),
            "MS-ASProtocolVersion": VERSION,
            "X-MS-PolicyKey": str(self.policy_key),
            "Content-Type": WBXML_TYPE,
            "User-Agent": "airsync-fuzz/1.0",
        }
        base.update(overrides)
        return {k: v for k, v in base.items() if v is not None}


async def setup(url: str, user: str, password: str, other_user: str) -> Session:
    client = EASClient(
        url, user, password, device_id=DEVICE_ID, device_type=DEVICE_TYPE, version=VERSION, check=False
    )
    options = await client.options()
    implemented = frozenset(options.headers.get("MS-ASProtocolCommands", "").split(","))
    policy_key = await client.provision()
    FH, AS, P, S, G, C = (
        ns.FolderHierarchy,
        ns.AirSync,
        ns.Provision,
        ns.Settings,
        ns.GetItemEstimate,
        ns.Calendar,
    )
    hierarchy = await client.send("FolderSync", FH.FolderSync(FH.SyncKey("0")))
    assert hierarchy.status == 200 and hierarchy.text("Status") == "1", hierarchy
    ids = {
        add.findtext("Type"): add.findtext("ServerId")
        for add in hierarchy.tree.find("Changes").findall("Add")
    }
    calendar, contacts = ids["8"], ids["9"]
    created = await client.send(
        "FolderCreate",
        FH.FolderCreate(
            FH.SyncKey(hierarchy.text("SyncKey")),
            FH.ParentId("0"),
            FH.DisplayName("fuzz victim"),
            FH.Type("12"),
        ),
    )
    assert created.text("Status") == "1", created
    folder_key, victim = created.text("SyncKey"), created.text("ServerId")
    sync = await client.send(
        "Sync", AS.Sync(AS.Collections(AS.Collection(AS.SyncKey("0"), AS.CollectionId(calendar))))
    )
    sync_key = sync.tree.find("Collections").find("Collection").findtext("SyncKey")
    assert sync_key, sync
    device_info = S.DeviceInformation(S.Set(S.Model("Fuzz"), S.OS("FuzzOS 1"), S.UserAgent("airsync-fuzz")))
    policy_type = P.PolicyType("MS-EAS-Provisioning-WBXML")
    templates = {
        "Provision": P.Provision(device_info, P.Policies(P.Policy(policy_type))),
        "Provision#ack": P.Provision(
            P.Policies(P.Policy(policy_type, P.PolicyKey(str(policy_key)), P.Status("1")))
        ),
        "FolderSync": FH.FolderSync(FH.SyncKey(folder_key)),
        "FolderSync#0": FH.FolderSync(FH.SyncKey("0")),
        "FolderCreate": FH.FolderCreate(
            FH.SyncKey(folder_key), FH.ParentId("0"), FH.DisplayName("fuzz"), FH.Type("12")
        ),
        "FolderUpdate": FH.FolderUpdate(
            FH.SyncKey(folder_key), FH.ServerId(victim), FH.ParentId("0"), FH.DisplayName("fuzz renamed")
        ),
        "FolderDelete": FH.FolderDelete(FH.SyncKey(folder_key), FH.ServerId(victim)),
        "Sync": AS.Sync(
            AS.Collections(
                AS.Collection(
                    AS.SyncKey(sync_key),
                    AS.CollectionId(calendar),
                    AS.DeletesAsMoves("1"),
                    AS.GetChanges("1"),
                    AS.WindowSize("25"),
                    AS.Options(AS.FilterType("0")),
                )
            )
        ),
        "Sync#0": AS.Sync(AS.Collections(AS.Collection(AS.SyncKey("0"), AS.CollectionId(contacts)))),
        "Sync#add": AS.Sync(
            AS.Collections(
                AS.Collection(
                    AS.SyncKey(sync_key),
                    AS.CollectionId(calendar),
                    AS.Commands(
                        AS.Add(
                            AS.ClientId("fuzz-1"),
                            AS.ApplicationData(
                                C.Subject("fuzz"),
                                C.StartTime("20260101T100000Z"),
                                C.EndTime("20260101T110000Z"),
                            ),
                        )
                    ),
                )
            )
        ),
        "GetItemEstimate": G.GetItemEstimate(
            G.Collections(G.Collection(AS.SyncKey(sync_key), G.CollectionId(calendar)))
        ),
        "Settings": S.Settings(device_info, S.UserInformation(S.Get())),
    }
    return Session(url, user, password, other_user, policy_key, implemented, templates)


# -- Mutators --------------------------------------------------------------------------------------


def bitflip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        pos = rng.randrange(len(out))
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out)


def splice(rng: random.Random, data: bytes) -> bytes:
    a, b = sorted(rng.randrange(len(data) + 1) for _ in range(2))
    match rng.randrange(4):
        case 0:
            return data[:a] + rng.randbytes(rng.randint(1, 16)) + data[a:]
        case 1:
            return data[:a] + data[b:]
        case 2:
            return data[:b] + data[a:b] * rng.randint(2, 50) + data[b:]
        case _:
            return data + rng.randbytes(rng.randint(1, 64))


def _nodes(tree: Element) -> Iterator[tuple[tuple[int, ...], Element]]:
    stack: list[tuple[tuple[int, ...], Element]] = [((), tree)]
    while stack:
        path, node = stack.pop()
        yield path, node
        stack.extend(((*path, i), child) for i, child in enumerate(node.children))


def _replace(tree: Element, path: tuple[int, ...], new: list[Element]) -> Element:
    """``tree`` with the node at ``path`` replaced by ``new`` (zero or more elements)."""
    if not path:
        return new[0]
    i = path[0]
    if len(path) == 1:
        kids = [*tree.children[:i], *new, *tree.children[i + 1 :]]
    else:
        kids = [*tree.children[:i], _replace(tree.children[i], path[1:], new), *tree.children[i + 1 :]]
    return Element(tree.ns, tree.tag, None, tuple(kids))


def _random_element(rng: random.Random) -> Element:
    page = rng.choice(list(CODE_PAGES))
    name, tags = CODE_PAGES[page]
    return Element(name, rng.choice(list(tags.values())).name, rng.choice(ODD_VALUES))


def mutate_tree(rng: random.Random, tree: Element) -> Element:
    """One mutation; the last one may nest an element thousands deep (mutate no further then)."""
    path, node = rng.choice(list(_nodes(tree)))
    op = rng.randrange(6)
    if op == 0 and not node.children:
        return _replace(tree, path, [Element(node.ns, node.tag, rng.choice(ODD_VALUES))])
    if op == 1 and path:
        return _replace(tree, path, [])
    if op == 2 and path:
        return _replace(tree, path, [node] * rng.choice((2, 3, 100)))
    if op == 3 and node.children:
        return _replace(tree, path, [Element(node.ns, node.tag, None, tuple(reversed(node.children)))])
    if op == 4:
        return _replace(
            tree, path, [Element(node.ns, node.tag, None, (*node.children, _random_element(rng)))]
        )
    nested = node
    for _ in range(rng.choice((50, 500, 5000))):
        nested = Element(node.ns, node.tag, None, (nested,))
    return _replace(tree, path, [nested])


def undecodable(data: bytes) -> bool:
    try:
        decode(data)
    except (WBXMLError, RecursionError, ValueError):
        return True
    return False


def raw_request(
    session: Session, query: str, header_lines: list[bytes], body: bytes, method: bytes = b"POST"
) -> bytes:
    head = [
        method + b" " + f"{PATH}?{query}".encode() + b" HTTP/1.1",
        b"Host: " + session.host.encode(),
        b"Connection: close",
        *header_lines,
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


# -- Probe generators ------------------------------------------------------------------------------


def phase_a(rng: random.Random, s: Session) -> Callable[[], Probe]:
    """Surely invalid requests; each category says what the server must answer."""
    names = sorted(s.templates)

    def template(exclude_provision: bool = False) -> tuple[str, bytes]:
        choices = [n for n in names if not (exclude_provision and n.startswith("Provision"))]
        name = rng.choice(choices)
        return name.partition("#")[0], encode(s.templates[name])

    def bad_body(category: str, make: Callable[[bytes], bytes]) -> Probe:
        while True:
            cmd, body = template()
            data = make(body)
            if data and undecodable(data):
                version = rng.choice((VERSION, VERSION, VERSION, "16.1", "12.1", "2.5"))
                return Probe(
                    "A",
                    category,
                    "error",
                    cmd,
                    query=s.query(cmd),
                    headers=s.headers(**{"MS-ASProtocolVersion": version}),
                    body=data,
                )

    def random_bytes() -> Probe:
        prefix = b"\x03\x01\x6a\x00" if rng.random() < 0.5 else b""
        return bad_body("random-bytes", lambda _b: prefix + rng.randbytes(rng.randint(1, 2048)))

    def truncated() -> Probe:
        return bad_body("truncated", lambda b: b[: rng.randrange(1, len(b))])

    def flipped() -> Probe:
        return bad_body("bitflip-undecodable", lambda b: bitflip(rng, b))

    def wrong_password() -> Probe:
        cmd, body = template()
        login = rng.choice((s.user, f"{s.user}@example.test", s.user.upper(), f"DOMAIN\\{s.user}"))
        password = rng.choice(
            (s.password + " ", s.password.upper(), "", rng.randbytes(8).hex(), s.password[:-1])
        )
        return Probe(
            "A",
            "wrong-password",
            "401",
            cmd,
            query=s.query(cmd),
            headers=s.headers(Authorization=s.auth(login, password)),
            body=body,
        )

    def unknown_user() -> Probe:
        cmd, body = template()
        login = rng.choice(("nobody", "root", "admin", rng.randbytes(6).hex(), "alice2", "@example.test"))
        return Probe(
            "A",
            "unknown-user",
            "401",
            cmd,
            query=s.query(cmd, User=login),
            headers=s.headers(Authorization=s.auth(login, s.password)),
            body=body,
        )

    def bad_authorization() -> Probe:
        cmd, body = template()
        value = rng.choice(
            (
                None,
                "",
                "Basic",
                "Basic !!!!",
                "Bearer abc",
                "Digest username=alice",
                "Basic " + base64.b64encode(s.user.encode()).decode(),
                "Basic " + base64.b64encode(b":" + s.password.encode()).decode(),
                "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
                "Basic " + base64.b64encode(f"{s.user}:{s.password}".encode()).decode()[:-2],
            )
        )
        return Probe(
            "A",
            "bad-authorization",
            "401",
            cmd,
            query=s.query(cmd),
            headers=s.headers(Authorization=value),
            body=body,
        )

    def foreign_user() -> Probe:
        cmd, body = template()
        claimed = rng.choice((s.other_user, f"{s.other_user}@example.test", s.other_user.upper()))
        return Probe(
            "A", "foreign-user", "403", cmd, query=s.query(cmd, User=claimed), headers=s.headers(), body=body
        )

    def bad_device() -> Probe:
        cmd, body = template()
        field_name = rng.choice(("DeviceId", "DeviceType"))
        value = rng.choice((None, "", "a,b", "a;b", "x" * 256, "\x01dev", "\tdev"))
        return Probe(
            "A",
            "bad-device-id",
            "400",
            cmd,
            query=s.query(cmd, **{field_name: value}),
            headers=s.headers(),
            body=body,
        )

    def missing_cmd() -> Probe:
        _cmd, body = template()
        return Probe(
            "A", "bad-device-id", "400", None, query=s.query("", Cmd=None), headers=s.headers(), body=body
        )

    def bad_version() -> Probe:
        cmd, body = template()
        version = rng.choice((None, "", "1.0", "99.9", "abc", "14", "16.2", "2.6", "14.1.0", "-1.0", "14,1"))
        return Probe(
            "A",
            "unsupported-version",
            "400",
            cmd,
            query=s.query(cmd),
            headers=s.headers(**{"MS-ASProtocolVersion": version}),
            body=body,
        )

    def bad_base64() -> Probe:
        cmd, body = template()
        valid = base64.b64decode(
            encode_base64_query(
                version=ProtocolVersion.parse(VERSION),
                cmd=cmd,
                device_id=DEVICE_ID,
                device_type=DEVICE_TYPE,
                policy_key=s.policy_key,
            )
        )
        kind = rng.randrange(6)
        if kind == 0:
            query = rng.choice(("!!!!", "%ZZ", "*", "AAA*", "====", "~~~~~~~~", "%00%01", "Zm9v!YmFy"))
        elif kind == 1:  # a strict prefix of the mandatory fields: it ends inside one of them
            query = base64.b64encode(valid[: rng.randrange(1, len(valid))]).decode()
        elif kind == 2:  # a command code no command has
            query = base64.b64encode(
                valid[:1] + bytes([rng.choice([5, 6, 7, 8, *range(24, 256)])]) + valid[2:]
            ).decode()
        elif kind == 3:  # device ID length 0
            query = base64.b64encode(valid[:4] + b"\x00" + valid[5 + len(DEVICE_ID) :]).decode()
        elif kind == 4:  # policy key length 3
            at = 5 + len(DEVICE_ID)
            query = base64.b64encode(valid[:at] + b"\x03" + valid[at + 1 :]).decode()
        else:  # an unsupported version byte
            query = base64.b64encode(bytes([rng.choice((0, 10, 99, 142, 170, 255))]) + valid[1:]).decode()
        return Probe(
            "A",
            "bad-base64-query",
            "400",
            cmd,
            query=query,
            headers=s.headers(**{"MS-ASProtocolVersion": None, "X-MS-PolicyKey": None}),
            body=body,
        )

    def unknown_command() -> Probe:
        _cmd, body = template()
        cmd = rng.choice(
            (
                "Bogus",
                "sync",
                "Ping2",
                "GetAttachment",
                "Search",
                "Ping",
                "MoveItems",
                "SendMail",
                "ItemOperations",
                "x" * 300,
                "Sync\u00e9",
            )
        )
        if cmd in s.implemented:
            cmd = "Bogus"
        return Probe("A", "unknown-command", "501", cmd, query=s.query(cmd), headers=s.headers(), body=body)

    def wrong_policy_key() -> Probe:
        cmd, body = template(exclude_provision=True)
        key = rng.choice((None, "0", str((s.policy_key + rng.randrange(1, 2**32)) % 2**32)))
        if key is not None and key != "0" and int(key) == s.policy_key:
            key = "0"
        return Probe(
            "A",
            "wrong-policy-key",
            "error",
            cmd,
            query=s.query(cmd),
            headers=s.headers(**{"X-MS-PolicyKey": key}),
            body=body,
        )

    def garbage_policy_key() -> Probe:
        cmd, body = template(exclude_provision=True)
        key = rng.choice(("abc", "-1", "99999999999999999999", "1.5", "0x10", "4294967296"))
        return Probe(
            "A",
            "wrong-policy-key",
            "400",
            cmd,
            query=s.query(cmd),
            headers=s.headers(**{"X-MS-PolicyKey": key}),
            body=body,
        )

    def wrong_content_type() -> Probe:
        cmd, body = template()
        ctype = rng.choice(
            (
                "text/plain",
                "application/json",
                "text/xml",
                "multipart/form-data; boundary=x",
                "application/octet-stream",
                "application/x-www-form-urlencoded",
                "message/rfc822",
            )
        )
        return Probe(
            "A",
            "wrong-content-type",
            "error",
            cmd,
            query=s.query(cmd),
            headers=s.headers(**{"Content-Type": ctype}),
            body=body,
        )

    def wrong_method_or_path() -> Probe:
        cmd, body = template()
        if rng.random() < 0.5:
            method = rng.choice(("GET", "PUT", "DELETE", "PATCH", "HEAD"))
            return Probe(
                "A",
                "wrong-method",
                "405",
                cmd,
                method=method,
                query=s.query(cmd),
                headers=s.headers(),
                body=b"" if method in ("GET", "HEAD") else body,
            )
        path = rng.choice(
            (
                "/",
                "/Microsoft-Server-ActiveSync/x",
                "/ews/exchange.asmx",
                "/.env",
                "/%2e%2e/etc",
                "/Microsoft-Server-ActiveSync.php",
            )
        )
        return Probe(
            "A", "wrong-path", "404", cmd, path=path, query=s.query(cmd), headers=s.headers(), body=body
        )

    def huge_content_length() -> Probe:
        cmd, body = template()
        length = rng.choice((MAX_REQUEST_SIZE + 1, 10**12, 2**63 - 1, 10**30))
        lines = [f"{k}: {v}".encode() for k, v in s.headers().items()] + [
            f"Content-Length: {length}".encode()
        ]
        # Past 2**63 h11 itself refuses the header (400); below, the server's limit must say 413.
        return Probe(
            "A",
            "huge-content-length",
            "413" if length < 2**63 else "reject",
            cmd,
            raw=raw_request(s, s.query(cmd), lines, body[:10]),
        )

    def client_disconnect() -> Probe:
        cmd, body = template()
        lines = [f"{k}: {v}".encode() for k, v in s.headers().items()] + [
            f"Content-Length: {len(body) + 100}".encode()
        ]
        return Probe(
            "A", "client-disconnect", "any", cmd, raw=raw_request(s, s.query(cmd), lines, body), hangup=True
        )

    def bad_content_length() -> Probe:
        cmd, body = template()
        value = rng.choice(("-1", "abc", "1e3", f"{len(body)}, {len(body) + 1}", " ", "0x10"))
        lines = [f"{k}: {v}".encode() for k, v in s.headers().items()] + [f"Content-Length: {value}".encode()]
        return Probe("A", "bad-content-length", "reject", cmd, raw=raw_request(s, s.query(cmd), lines, body))

    def garbage_headers() -> Probe:
        cmd, _body = template()
        body = rng.randbytes(rng.randint(1, 64))  # never a decodable body: the headers may be accepted
        while not undecodable(body):
            body = rng.randbytes(rng.randint(1, 64))
        lines = [f"{k}: {v}".encode() for k, v in s.headers().items()] + [
            f"Content-Length: {len(body)}".encode()
        ]
        junk = rng.choice(
            (
                b"no colon here",
                b"X-Junk: \xff\xfe\x00bin",
                b"Bad Name: value",
                b": empty name",
                b"X-Long: " + b"A" * 70_000,
                b"X-Ctl: a\x01b",
                b"\x16\x03\x01\x02\x00",
            )
        )
        many = [b"X-Many-%d: v" % i for i in range(rng.choice((0, 0, 300)))]
        method = rng.choice((b"POST", b"POST", b"P\xd6ST", b"FOO"))
        return Probe(
            "A",
            "garbage-headers",
            "reject",
            cmd,
            raw=raw_request(s, s.query(cmd), [*lines, junk, *many], body, method),
        )

    weighted: list[tuple[Callable[[], Probe], int]] = [
        (random_bytes, 12),
        (truncated, 10),
        (flipped, 10),
        (wrong_password, 8),
        (unknown_user, 3),
        (bad_authorization, 4),
        (foreign_user, 6),
        (bad_device, 5),
        (missing_cmd, 1),
        (bad_version, 5),
        (bad_base64, 8),
        (unknown_command, 4),
        (wrong_policy_key, 6),
        (garbage_policy_key, 2),
        (wrong_content_type, 5),
        (wrong_method_or_path, 3),
        (huge_content_length, 3),
        (bad_content_length, 3),
        (garbage_headers, 4),
        (client_disconnect, 1),
    ]
    makers, weights = zip(*weighted, strict=True)
    return lambda: rng.choices(makers, weights)[0]()


def phase_b(rng: random.Random, s: Session) -> Callable[[], Probe]:
    """Mutations that may well be valid: only "no 5xx, no traceback, an answer" is required."""
    names = sorted(s.templates)

    def probe(category: str, cmd: str, body: bytes, query: str | None = None, **headers: str | None) -> Probe:
        return Probe(
            "B",
            category,
            "any",
            cmd,
            query=s.query(cmd) if query is None else query,
            headers=s.headers(**headers),
            body=body,
        )

    def pick() -> tuple[str, Element]:
        name = rng.choice(names)
        return name.partition("#")[0], s.templates[name]

    def flipped() -> Probe:
        cmd, tree = pick()
        return probe("bitflip", cmd, bitflip(rng, encode(tree)))

    def truncated() -> Probe:
        cmd, tree = pick()
        data = encode(tree)
        return probe("truncate", cmd, data[: rng.randrange(len(data))])

    def spliced() -> Probe:
        cmd, tree = pick()
        return probe("splice", cmd, splice(rng, encode(tree)))

    def tree() -> Probe:
        cmd, tree = pick()
        for _ in range(rng.randint(1, 3)):
            depth = max(len(path) for path, _node in _nodes(tree))
            if depth > 40:
                break
            tree = mutate_tree(rng, tree)
        try:
            body = encode(tree)
        except (WBXMLError, ValueError, RecursionError):
            body = encode(s.templates["FolderSync"])
        return probe("tree-mutation", cmd, body)

    def base64_query() -> Probe:
        cmd, tree = pick()
        if rng.random() < 0.5:
            raw = rng.randbytes(rng.randint(1, 64))
        else:
            raw = bitflip(
                rng,
                base64.b64decode(
                    encode_base64_query(
                        version=ProtocolVersion.parse(rng.choice(("14.1", "16.1", "12.1"))),
                        cmd=cmd,
                        device_id=DEVICE_ID,
                        device_type=DEVICE_TYPE,
                        policy_key=s.policy_key,
                        params={"User": s.user},
                    )
                ),
            )
        # The command is the one the (mutated) query names: a 501 for an unimplemented one is right.
        named = COMMAND_CODES.get(raw[1]) if len(raw) > 1 else None
        return probe(
            "random-base64-query",
            named or "?",
            encode(tree),
            base64.b64encode(raw).decode(),
            **{"MS-ASProtocolVersion": None, "X-MS-PolicyKey": None},
        )

    def version() -> Probe:
        cmd, tree = pick()
        return probe(
            "other-version",
            cmd,
            encode(tree),
            **{"MS-ASProtocolVersion": str(rng.choice(SUPPORTED_VERSIONS))},
        )

    def other_device() -> Probe:
        cmd, tree = pick()
        device = rng.choice(("FUZZOTHER" + str(rng.randrange(20)), "a" * 255, "ünïcode", "dev%20ice"))
        return probe(
            "other-device",
            cmd,
            encode(tree),
            s.query(cmd, DeviceId=device, DeviceType=rng.choice(("iPhone", "Android", "x" * 255))),
        )

    def header_soup() -> Probe:
        cmd, tree = pick()
        junk = {
            "User-Agent": rng.choice(("", "x" * 5000, "Apple-iPhone/1", "Mozilla/5.0 (\\x7f)", "%s%n")),
            "Accept-Language": rng.choice(("", "xx-YY", "*;q=abc", "en-US," * 200)),
            "MS-ASAcceptMultiPart": rng.choice(("T", "F", "maybe", "")),
            "Content-Type": rng.choice(
                (WBXML_TYPE, "application/vnd.ms-sync", f"{WBXML_TYPE}; charset=x", WBXML_TYPE.upper(), None)
            ),
            "X-MS-PolicyKey": rng.choice((str(s.policy_key), None, "0")),
        }
        return probe(
            "header-soup", cmd, encode(tree), **dict(rng.sample(list(junk.items()), rng.randint(1, 5)))
        )

    def empty() -> Probe:
        cmd, _tree = pick()
        return probe("empty-body", cmd, b"", **{"Content-Type": rng.choice((None, WBXML_TYPE))})

    def replay() -> Probe:
        cmd, tree = pick()
        return probe("replay", cmd, encode(tree))

    weighted: list[tuple[Callable[[], Probe], int]] = [
        (flipped, 14),
        (truncated, 6),
        (spliced, 8),
        (tree, 22),
        (base64_query, 8),
        (version, 6),
        (other_device, 4),
        (header_soup, 6),
        (empty, 3),
        (replay, 3),
    ]
    makers, weights = zip(*weighted, strict=True)
    return lambda: rng.choices(makers, weights)[0]()


# -- Sending and checking --------------------------------------------------------------------------


async def send_raw(host: str, port: int, data: bytes, hangup: bool = False) -> tuple[str, bytes]:
    reader, writer = await asyncio.open_connection(host, port)
    if hangup:
        writer.write(data)
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()
        return "hung up", b""
    try:
        try:
            writer.write(data)
            await writer.drain()
        except (ConnectionError, OSError):
            pass  # the server may answer and close before reading everything
        chunks = []
        try:
            while chunk := await asyncio.wait_for(reader.read(65536), REQUEST_TIMEOUT):
                chunks.append(chunk)
        except TimeoutError:  # (an OSError too, so first) an answer, then the connection left open
            if not chunks:
                return "timeout", b""
        except (ConnectionError, OSError):
            pass
        response = b"".join(chunks)
    finally:
        writer.close()
    if not response:
        return "closed", b""
    status_line, _, rest = response.partition(b"\r\n")
    parts = status_line.split()
    status = parts[1].decode() if len(parts) > 1 and parts[1].isdigit() else "garbled"
    return status, rest.partition(b"\r\n\r\n")[2]


async def send_oversize(host: str, port: int, session: Session) -> tuple[str, bytes]:
    """A chunked body that grows past the server's size limit: it must stop reading and say 413."""
    reader, writer = await asyncio.open_connection(host, port)
    head = raw_request(
        session,
        session.query("Sync"),
        [f"{k}: {v}".encode() for k, v in session.headers().items()] + [b"Transfer-Encoding: chunked"],
        b"",
    )
    chunk = b"\x03\x01\x6a\x00" + b"\x45" * (1024 * 1024 - 4)

    async def read_all() -> bytes:
        data = b""
        try:
            while part := await reader.read(65536):
                data += part
        except (ConnectionError, OSError):
            pass
        return data

    answer = asyncio.create_task(read_all())
    try:
        writer.write(head)
        for _ in range(MAX_REQUEST_SIZE // len(chunk) + 2):
            if answer.done():
                break
            writer.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            await writer.drain()
        else:
            writer.write(b"0\r\n\r\n")
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    try:
        response = await asyncio.wait_for(answer, REQUEST_TIMEOUT)
    except TimeoutError:
        response = b""
    finally:
        writer.close()
    parts = response.partition(b"\r\n")[0].split()
    return (parts[1].decode() if len(parts) > 1 else "closed"), response.partition(b"\r\n\r\n")[2]


def check(probe: Probe, status: str, body: bytes, implemented: frozenset[str]) -> str | None:
    """Why the answer is wrong, or None."""
    if status == "timeout":
        return f"no answer within {REQUEST_TIMEOUT:.0f} s"
    if b"Traceback" in body or b'File "' in body:
        return "the response body holds a traceback"
    if status.isdigit() and int(status) >= 500 and not (status == "501" and probe.cmd not in implemented):
        return f"HTTP {status}"
    expect = probe.expect
    if expect == "any":
        return None
    if expect == "reject":
        if status == "closed" or status.startswith("4") or (status == "200" and _error_status(body)):
            return None
        return f"expected a rejection, got {status}"
    if expect == "error":
        if status.startswith("4"):
            return None
        if status == "200":
            return None if _error_status(body) else "HTTP 200 without an error Status in a WBXML body"
        return f"expected an HTTP 4xx or an in-band error Status, got {status}"
    return None if status == expect else f"expected HTTP {expect}, got {status}"


def _error_status(body: bytes) -> bool:
    try:
        tree = decode(body)
    except WBXMLError:
        return False
    status = tree.findtext("Status")
    return status is not None and status != "1"


async def flood(
    session: Session, make: Callable[[], Probe], count: int, deadline: float, report: Report
) -> None:
    host, _, port = session.host.partition(":")
    budget = iter(range(count))

    async def worker(http: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline and next(budget, None) is not None:
            probe = make()
            try:
                if probe.raw is not None:
                    status, body = await send_raw(host, int(port), probe.raw, probe.hangup)
                else:
                    response = await http.request(
                        probe.method,
                        f"{session.url}{probe.path}?{probe.query}",
                        headers=probe.headers,
                        content=probe.body,
                    )
                    status, body = str(response.status_code), response.content
            except (TimeoutError, httpx.TimeoutException):
                status, body = "timeout", b""
            except httpx.RemoteProtocolError:
                status, body = "closed", b""
            report.sent += 1
            report.counts[(probe.phase, probe.category, status)] += 1
            problem = check(probe, status, body, session.implemented)
            if problem:
                report.failures.append(
                    f"[{probe.phase} {probe.category}] {problem}: {probe.describe()} "
                    f"-> {status} {body[:200]!r}"
                )

    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits) as http:
        await asyncio.gather(*(worker(http) for _ in range(CONCURRENCY)))


async def run_flood(
    url: str,
    data_dir: Path,
    *,
    requests: int = 5000,
    seed: int = 0,
    duration: float = 60.0,
    user: str = "alice",
    password: str = "secret",
    other_user: str = "bob",
) -> Report:
    """The whole method of the module docstring against a running server; returns the report."""
    rng = random.Random(seed)
    report = Report(seed, requests)
    db_path = data_dir / "airsync.sqlite3"
    started = time.monotonic()
    session = await setup(url, user, password, other_user)
    report.durations["setup"] = time.monotonic() - started

    before = snapshot(db_path)
    started = time.monotonic()
    half = requests - requests // 2
    if half:  # one body over the size limit, once per run
        host, _, port = session.host.partition(":")
        status, body = await send_oversize(host, int(port), session)
        oversize = Probe("A", "oversize-body", "413", "Sync")
        report.sent += 1
        report.counts[("A", "oversize-body", status)] += 1
        if problem := check(oversize, status, body, session.implemented):
            report.failures.append(f"[A oversize-body] {problem}: chunked body over {MAX_REQUEST_SIZE} bytes")
    await flood(session, phase_a(rng, session), half - 1, started + duration / 2, report)
    report.durations["phase A"] = time.monotonic() - started
    middle = snapshot(db_path)
    report.state_diff = diff(before, middle)

    started = time.monotonic()
    await flood(session, phase_b(rng, session), requests // 2, started + duration / 2, report)
    report.durations["phase B"] = time.monotonic() - started
    report.phase_b_changes = summary(middle, snapshot(db_path))

    # Still serving: a new device provisions and lists the folders.
    started = time.monotonic()
    probe = EASClient(
        url, user, password, device_id="FUZZLIVE0001", device_type=DEVICE_TYPE, version=VERSION, check=False
    )
    try:
        await probe.provision()
        reply = await probe.send("FolderSync", ns.FolderHierarchy.FolderSync(ns.FolderHierarchy.SyncKey("0")))
        if reply.status != 200 or reply.text("Status") != "1":
            report.failures.append(
                f"[liveness] FolderSync after the flood: HTTP {reply.status}, {reply.tree}"
            )
    except (AssertionError, httpx.HTTPError) as exc:
        report.failures.append(f"[liveness] provisioning a new device after the flood failed: {exc!r}")
    report.durations["liveness"] = time.monotonic() - started
    return report


def log_tracebacks(log: str) -> list[str]:
    """One line per distinct traceback in a server log: the exception and the innermost airsync frame."""
    found: Counter[str] = Counter()
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("Traceback"):
            continue
        frame, j = "", i + 1
        while j < len(lines) and (lines[j].startswith(" ") or not lines[j].strip()):
            if "/airsync/" in lines[j] and lines[j].lstrip().startswith("File"):
                frame = lines[j].strip()
            j += 1
        exception = lines[j].strip() if j < len(lines) else "?"
        found[f"{exception} (innermost airsync frame: {frame or 'none'})"] += 1
    return [f"{n}x {text}" for text, n in found.items()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="number of requests (default 5000)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock)")
    parser.add_argument("--duration", type=float, default=60.0, help="time bound of the flood in seconds")
    parser.add_argument("--keep", action="store_true", help="keep the server's data directory")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time()) % 1_000_000

    from tests.e2e.conftest import start_server  # imports pytest; only needed here

    data_dir = Path(tempfile.mkdtemp(prefix="airsync-fuzz-"))
    server = start_server(data_dir)
    try:
        report = asyncio.run(
            run_flood(server.url, data_dir, requests=args.requests, seed=seed, duration=args.duration)
        )
    finally:
        server.process.terminate()
        server.process.wait(10)
    for traceback in log_tracebacks(server.log()):
        report.failures.append(f"[server log] traceback: {traceback}")
    print(report.format())
    print(f"server: {server.url}, data directory {data_dir}{'' if args.keep else ' (removed)'}")
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 1 if report.failures or report.state_diff else 0


if __name__ == "__main__":
    sys.exit(main())
