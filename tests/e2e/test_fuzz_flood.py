"""A short run of bench/fuzz.py's flood against the real server: malformed and mutated requests get
no 5xx, no traceback in a body or in the server log, an answer, and the answer their kind calls for;
requests that are surely invalid leave the database as it was. See bench/fuzz.py for the method.

The seed is fixed so a failure reproduces; set AIRSYNC_FUZZ_SEED to explore others.
"""

from __future__ import annotations

import asyncio
import os

from bench.fuzz import log_tracebacks, raw_request, run_flood, setup
from tests.e2e.conftest import Server

SEED = int(os.environ.get("AIRSYNC_FUZZ_SEED", "20260101"))


async def test_flood_of_malformed_requests(server: Server) -> None:
    report = await run_flood(server.url, server.data_dir, requests=300, seed=SEED, duration=20)
    print(report.format())
    assert report.sent >= 250, report.format()
    assert not report.state_diff, report.format()
    assert not report.failures, report.format()
    assert not log_tracebacks(server.log()), "\n".join(log_tracebacks(server.log()))


async def test_client_disconnecting_mid_body_leaves_no_traceback(server: Server) -> None:
    """A client that goes away before its body is complete (common on mobile links): the server has
    nobody to answer, but it must not log an unhandled exception either."""
    session = await setup(server.url, "alice", "secret", "bob")
    host, _, port = session.host.partition(":")
    body = b"\x03\x01\x6a\x00\x00\x07\x56\x52\x03\x30\x00\x01\x01"  # FolderSync SyncKey 0
    head = [f"{k}: {v}".encode() for k, v in session.headers().items()] + [
        f"Content-Length: {len(body) + 50}".encode()
    ]
    _reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(raw_request(session, session.query("FolderSync"), head, body))
    await writer.drain()
    await asyncio.sleep(0.1)
    writer.close()
    await asyncio.sleep(0.5)  # let the server notice
    assert not log_tracebacks(server.log()), "\n".join(log_tracebacks(server.log()))
