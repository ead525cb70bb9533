"""The odd traffic each client workaround exists for."""

from __future__ import annotations

import json

from airsync.wbxml import decode
from tests.data import CAPTURES as _CAPTURES

CAPTURES = _CAPTURES


def _go_requests() -> list[dict[str, object]]:
    path = CAPTURES / "go-activesync-autoprobe-requests.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_go_activesync_sends_getchanges_with_synckey_zero() -> None:
    """The traffic behind quirks.getchanges_at_key_zero."""
    found = False
    for request in _go_requests():
        if request["query"]["Cmd"] != "Sync" or not request["body_hex"]:
            continue
        tree = decode(bytes.fromhex(request["body_hex"]))
        for collection in tree.find("Collections").findall("Collection"):
            if collection.findtext("SyncKey") == "0" and collection.find("GetChanges") is not None:
                found = True
    assert found


def test_go_activesync_header_capitalisation() -> None:
    """Header names are matched without regard to case (Go writes Ms-Asprotocolversion)."""
    from airsync.protocol.query import parse_request_line

    request = _go_requests()[1]
    line = parse_request_line(request["raw_query"], request["headers"])
    assert str(line.version) == "16.1" and line.policy_key == 1307199584
