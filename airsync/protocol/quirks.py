"""Client workarounds, each a named entry with the traffic that needs it (STYLE.md rule 12).

Each entry says which clients need the leniency and what the spec would have us do instead; the
odd traffic itself is a fixture in tests/protocol/test_quirks.py.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def getchanges_at_key_zero(collection: Any) -> None:
    """GetChanges (and Options) sent with SyncKey 0.

    MS-ASCMD 2.2.3.84 makes GetChanges with SyncKey 0 a protocol error (Status 4). go-activesync and
    other clients written from examples send ``<GetChanges/>`` with SyncKey 0 anyway. A key-0
    response never carries changes, so the element is ignored rather than refused.
    """
    if collection.find("GetChanges") is not None:
        log.debug("GetChanges with SyncKey 0 ignored (go-activesync style request)")
