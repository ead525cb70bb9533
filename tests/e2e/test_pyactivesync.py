"""Interoperability: pyactivesync 0.17.0, an independent EAS client (its own WBXML writer, reader and
code page tables, over requests), against a real `airsync serve`.

Requests are built and responses parsed by pyactivesync's own API; our codec is not involved, except
as the source of the code pages pyactivesync lacks. Two run-time adjustments, both undone after the
test by ``monkeypatch``:

* its transport hard-codes ``https://{server}/Microsoft-Server-ActiveSync``
  (``pyactivesync._http.Transport.__init__``); we set that one instance attribute, ``base_url``,
  to the plain-HTTP test server;
* its tables (``pyactivesync._codepages``) have no Calendar or Notes page and only part of some
  others (Provision's policy settings, for example). We add the missing pages and tokens from
  ``airsync.wbxml.CODE_PAGES``, never changing a token it has, so unknown tags in our responses
  are read by name rather than as ``0x..`` placeholders.

pyactivesync speaks protocol 16.1 only, with the policy key in ``X-MS-PolicyKey``.
"""

from __future__ import annotations

from typing import Any

import pytest
from pyactivesync import Client, FolderType, _codepages
from pyactivesync._http import Transport
from pyactivesync._wbxml import Node, WBXMLReader, find, text_of

from airsync.wbxml import CODE_PAGES
from tests.e2e.conftest import Server

DEFAULT_FOLDERS = {
    "Inbox": FolderType.INBOX,
    "Drafts": FolderType.DRAFTS,
    "Deleted Items": FolderType.DELETED_ITEMS,
    "Sent Items": FolderType.SENT_ITEMS,
    "Outbox": FolderType.OUTBOX,
    "Tasks": FolderType.TASKS,
    "Calendar": FolderType.CALENDAR,
    "Contacts": FolderType.CONTACTS,
    "Notes": FolderType.NOTES,
    "Journal": FolderType.JOURNAL,
}


def complete_code_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Add our code pages and tokens that pyactivesync lacks; returns the pages added whole."""
    added = []
    for page, (name, tags) in CODE_PAGES.items():
        their_name = _codepages.PAGE_ORDER.get(page)
        if their_name is None:
            # A page it does not have at all (Calendar, Notes, ...), under the spec's name.
            their_name = name
            added.append(name)
            monkeypatch.setitem(_codepages.PAGE_INDEX, name, page)
            monkeypatch.setitem(_codepages.PAGE_ORDER, page, name)
            monkeypatch.setitem(_codepages.CODEPAGES, name, {})
            monkeypatch.setitem(_codepages.REVERSE, page, {})
        names = _codepages.CODEPAGES[their_name]
        reverse = _codepages.REVERSE[page]
        for token, tag in tags.items():
            if token not in reverse and tag.name not in names:
                monkeypatch.setitem(names, tag.name, token)
                monkeypatch.setitem(reverse, token, tag.name)
    return added


@pytest.fixture
def exchanges(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, str] | None, bytes]]:
    """Every (Cmd, extra query parameters, response body) pyactivesync's transport saw."""
    seen: list[tuple[str, dict[str, str] | None, bytes]] = []
    original = Transport.post

    def post(self: Transport, cmd: str, user: str, wbxml: bytes, **kwargs: Any) -> bytes:
        body = original(self, cmd, user, wbxml, **kwargs)
        seen.append((cmd, kwargs.get("extra_params"), body))
        return body

    monkeypatch.setattr(Transport, "post", post)
    return seen


def parsed(body: bytes) -> list[Node]:
    """pyactivesync's parse of a response; with the completed tables every tag has its name."""
    nodes = WBXMLReader(body).parse()
    stack = list(nodes)
    while stack:
        name, _value, children = stack.pop()
        assert ".0x" not in name and not name.startswith("page"), f"pyactivesync could not name {name}"
        stack.extend(children)
    return nodes


def test_pyactivesync_provisions_lists_folders_and_syncs_calendar(
    server: Server, monkeypatch: pytest.MonkeyPatch, exchanges: list[tuple[str, Any, bytes]]
) -> None:
    assert {"Calendar", "Notes"} <= set(complete_code_pages(monkeypatch))
    with Client(
        "unused.invalid", "alice", "secret", device_id="PYACTIVESYNC01", device_type="pyactivesync"
    ) as client:
        # The one transport setting pyactivesync does not expose: its https-only base URL.
        monkeypatch.setattr(client._transport, "base_url", f"{server.url}/Microsoft-Server-ActiveSync")
        run_scenario(client, exchanges)


def run_scenario(client: Client, exchanges: list[tuple[str, Any, bytes]]) -> None:
    # Provision: two phases, the second acknowledging the temporary key and getting the final one.
    key = client.provision()
    assert [cmd for cmd, _params, _body in exchanges] == ["Provision", "Provision"]
    first, second = (parsed(body) for _cmd, _params, body in exchanges)
    assert text_of(find(first, "Provision.Status")) == "1"
    temporary = text_of(find(first, "Provision.PolicyKey"))
    assert temporary and temporary.isdigit(), first
    assert find(first, "Provision.EASProvisionDoc") is not None, first
    assert text_of(find(second, "Provision.Status")) == "1"
    assert text_of(find(second, "Provision.PolicyKey")) == key
    assert key.isdigit() and key != temporary and key != "0"
    assert client._transport.policy_key == key

    # FolderSync with key 0: the ten default folders, all at the root, with distinct ServerIds.
    folders = client.list_folders()
    assert exchanges[-1][0] == "FolderSync"
    assert text_of(find(parsed(exchanges[-1][2]), "FolderHierarchy.SyncKey")) not in (None, "", "0")
    assert {f.name: f.type for f in folders} == DEFAULT_FOLDERS
    assert len(folders) == 10 and len({f.id for f in folders}) == 10
    assert {f.parent_id for f in folders} == {"0"}

    # Sync partnership on the Calendar: key 0 gives a new key with Status 1 and no items.
    calendar = next(f for f in folders if f.type is FolderType.CALENDAR)
    first_sync = client.sync_folder(calendar.id)  # raises StatusError unless Status is 1
    assert first_sync.sync_key not in ("", "0")
    assert (first_sync.added, first_sync.changed, first_sync.deleted) == ([], [], [])
    nodes = parsed(exchanges[-1][2])
    assert text_of(find(nodes, "AirSync.Status")) == "1"
    assert text_of(find(nodes, "AirSync.CollectionId")) == calendar.id

    # The follow-up Sync with that key: accepted (Status 1 or an empty "nothing changed" body).
    follow_up = client.sync_folder(calendar.id, first_sync.sync_key)
    assert follow_up.sync_key not in ("", "0")
    assert (follow_up.added, follow_up.changed, follow_up.deleted) == ([], [], [])
    assert not follow_up.more_available
    body = exchanges[-1][2]
    if body:
        nodes = parsed(body)
        assert text_of(find(nodes, "AirSync.Status")) == "1"
        assert text_of(find(nodes, "AirSync.CollectionId")) == calendar.id

    # GetItemEstimate with pyactivesync's own page name for it ("ItemEstimate"): an empty Calendar.
    assert client.get_item_estimate(calendar.id, follow_up.sync_key) == 0
    assert [cmd for cmd, _params, _body in exchanges[2:]] == ["FolderSync", "Sync", "Sync", "GetItemEstimate"]
