"""Client workarounds, each a named entry with the traffic that needs it (STYLE.md rule 12).

Each function answers one question about a request and says which clients need the leniency.
Fixtures of the odd traffic live in tests/protocol/test_quirks.py.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def getchanges_at_key_zero(ctx: Any, collection: Any) -> bool:
    """Is this a real protocol error: GetChanges true with SyncKey 0 (MS-ASCMD 2.2.3.84)?

    go-activesync (and other clients written from examples) send ``<GetChanges/>`` and ``Options``
    with SyncKey 0. A key-0 request cannot return changes anyway, so refusing it with Status 4 only
    breaks those clients: we ignore GetChanges at key 0 and never call it an error.
    """
    if collection.find("GetChanges") is not None:
        log.debug("GetChanges with SyncKey 0 ignored (go-activesync style request)")
    return False
