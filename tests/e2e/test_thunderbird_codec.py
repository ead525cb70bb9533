"""Thunderbird's EAS codec (EAS-4-TbSync's wbxmltools.js, from the Debian package
``webext-eas4tbsync``) reads our Calendar, Contacts and Tasks Sync responses.

TbSync speaks protocol 2.5 and 14.0. At each, one device adds a rich event, contact and task
(every field the version defines, tests/e2e/test_pim_sync.py), changes and deletes them; every
Sync response the second device gets is written to a file and decoded under node by
tests/e2e/tbsync_decode.js, which runs wbxmltools.js as TbSync does. The decoded XML must be
well-formed, free of the codec's warnings (unknown tokens, unsupported global tokens), and hold the
same elements, in the same order, with the same values as our own XML view (``to_xml``) of the
response: namespaces compared by code page name, text URI-decoded as TbSync's xmltools does.

The codec loops or misreads on OPAQUE (it takes the token for an inline string); these classes
never need it, and node runs under a timeout so a hang is a failure, not a stuck test run.

The package's only payload is the add-on, /usr/share/webext/eas4tbsync@jobisoft.de.xpi (a zip);
wbxmltools.js is read from it. Missing, the test fails and says how to install it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from airsync.protocol.versions import ProtocolVersion
from airsync.wbxml import Element, decode, to_xml
from airsync.wbxml import ns as namespaces
from tests.e2e.conftest import Server
from tests.e2e.test_pim_sync import (  # noqa: F401
    CALENDAR,
    CONTACTS,
    RICH,
    TASKS,
    Device,
    shared_http,
)

AS = namespaces.AirSync
PACKAGE = "webext-eas4tbsync"
XPI = Path(os.environ.get("AIRSYNC_EAS4TBSYNC_XPI", "/usr/share/webext/eas4tbsync@jobisoft.de.xpi"))
MEMBER = "content/includes/wbxmltools.js"
SCRIPT = Path(__file__).with_name("tbsync_decode.js")
FOLDERS = [CALENDAR, CONTACTS, TASKS]

Node = tuple[str, str, str, tuple[Any, ...]]  # (namespace, tag, text, children)

#: TbSync's names for tokens MS-ASWBXML spells differently: the same token, so the same element.
TBSYNC_SPELLING = {("Calendar", "TimeZone"): "Timezone"}


@pytest.fixture(scope="module")
def wbxmltools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not XPI.is_file():
        pytest.fail(
            f"{XPI} is missing: Thunderbird's EAS add-on comes from the Debian package {PACKAGE}. "
            f"Its dependencies (thunderbird <= 1:128) cannot be met on bookworm, so unpack it: "
            f"`apt-get download {PACKAGE} && dpkg-deb -x {PACKAGE}_*.deb /`"
        )
    if shutil.which("node") is None:
        pytest.fail("node is missing: install the Debian package nodejs")
    target = tmp_path_factory.mktemp("eas4tbsync") / "wbxmltools.js"
    with zipfile.ZipFile(XPI) as xpi:
        target.write_bytes(xpi.read(MEMBER))
    return target


def tbsync_decode(wbxmltools: Path, files: list[Path]) -> list[dict[str, Any]]:
    try:
        run = subprocess.run(
            ["node", str(SCRIPT), str(wbxmltools), *map(str, files)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("TbSync's convert2xml did not finish in 30 s (it loops on OPAQUE data)")
    assert run.returncode == 0, run.stderr
    return [json.loads(line) for line in run.stdout.splitlines()]


def ours(tree: Element) -> Node:
    """Our XML view of a response, read back: (namespace, tag, text, children)."""

    def walk(el: ET.Element) -> Node:
        assert not el.attrib, f"to_xml marked {el.tag} {el.attrib}: a value plain XML cannot carry"
        namespace, _, tag = el.tag[1:].partition("}")
        return (namespace, tag, (el.text or "") if len(el) == 0 else "", tuple(walk(c) for c in el))

    return walk(ET.fromstring(to_xml(tree, pretty=False)))


def theirs(xml: str) -> Node:
    """TbSync's XML, with its text decoded as TbSync's xmltools.getDataFromXML does."""

    def walk(el: ET.Element) -> Node:
        namespace, _, tag = el.tag[1:].partition("}")
        tag = TBSYNC_SPELLING.get((namespace, tag), tag)
        text = unquote(el.text or "", errors="strict") if len(el) == 0 else ""
        return (namespace, tag, text, tuple(walk(c) for c in el))

    return walk(ET.fromstring(xml))


def differences(a: Node, b: Node, path: str = "") -> list[str]:
    here = f"{path}/{a[0]}:{a[1]}"
    if a[:2] != b[:2]:
        return [f"{here}: TbSync read {b[0]}:{b[1]}"]
    out = [f"{here}: ours {a[2]!r}, TbSync {b[2]!r}"] if a[2] != b[2] else []
    if len(a[3]) != len(b[3]):
        out.append(f"{here}: {len(a[3])} children, TbSync {len(b[3])}")
    for x, y in zip(a[3], b[3], strict=False):  # a length difference is reported above
        out += differences(x, y, here)
    return out


@pytest.mark.parametrize("version", ["2.5", "14.0"])
async def test_tbsync_reads_our_pim_sync_responses(
    server: Server, wbxmltools: Path, tmp_path: Path, version: str
) -> None:
    v = ProtocolVersion.parse(version)
    user = "alice" if version == "2.5" else "bob"
    tag = version.replace(".", "")
    writer = await Device.start(server, user, f"WRITER{tag}", version, FOLDERS)
    bodies: list[bytes] = []

    # TbSync's side: key 0 on each folder (one request per folder, as TbSync does), then Syncs.
    tbsync = Device(
        writer.eas.__class__(server.url, user, "secret", device_id=f"TBSYNC{tag}", version=version)
    )
    await tbsync.eas.provision()
    for folder in FOLDERS:
        tbsync.view[folder] = {}
        reply, collections = await tbsync.send(
            AS.Sync(AS.Collections(tbsync._collection(folder, "0", initial=True)))
        )
        bodies.append(reply.body)
        tbsync.apply(collections)

    async def tbsync_sync() -> None:
        while True:
            reply, collections = await tbsync.send(tbsync.request(folders=FOLDERS))
            if reply.body:
                bodies.append(reply.body)
            tbsync.apply(collections)
            if not any(c.more for c in collections):
                return

    ids = await writer.add({f: RICH[f](v) for f in FOLDERS})
    await tbsync_sync()
    assert all(ids[f] in tbsync.view[f] for f in FOLDERS)
    changed = {f: RICH[f](v) for f in FOLDERS}
    for f, data in changed.items():
        field = "Subject" if f != CONTACTS else "LastName"
        data[field] = f"{data[field]} (changed)"
    await writer.change({f: (ids[f], data) for f, data in changed.items()})
    await tbsync_sync()
    await writer.delete(ids)
    await tbsync_sync()
    assert not any(ids[f] in tbsync.view[f] for f in FOLDERS)

    files = []
    for i, body in enumerate(bodies):
        assert body.startswith(b"\x03\x01\x6a\x00")  # what TbSync checks before decoding
        path = tmp_path / f"sync-{version}-{i}.wbxml"
        path.write_bytes(body)
        files.append(path)
    decoded = tbsync_decode(wbxmltools, files)
    assert len(decoded) == len(bodies)
    kinds = set()
    for body, result in zip(bodies, decoded, strict=True):
        name = Path(result["file"]).name
        assert result["xml"] is not False, f"{name}: TbSync's convert2xml refused it: {result['warnings']}"
        assert result["warnings"] == [], f"{name}: {result['warnings']}"
        tree = decode(body)
        found = differences(ours(tree), theirs(result["xml"]))
        assert found == [], f"{name}:\n" + "\n".join(found[:20])
        for collection in tree.find("Collections") or ():
            for command in collection.find("Commands") or ():
                kinds.add((collection.findtext("CollectionId"), command.tag))
    assert kinds == {(f, k) for f in FOLDERS for k in ("Add", "Change", "Delete")}
