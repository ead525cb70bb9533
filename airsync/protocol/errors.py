"""Errors that carry the protocol answer to send.

Handlers raise these; only the dispatcher (airsync.web.dispatch) turns them into a response, following
the protocol version: in-band ``Status`` values for 14.0 and later, HTTP codes for 2.5 to 12.1
(MS-ASCMD 2.2.2).
"""

from __future__ import annotations

from collections.abc import Mapping


class EASError(Exception):
    """Base of every error that becomes a protocol answer. ``reason`` is for the log, never the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StatusError(EASError):
    """Answer the command with ``status`` in its top-level Status element.

    A common status (101 and above) is sent as the HTTP code of MS-ASCMD 2.2.2 to 2.5-12.1 clients,
    unless ``http`` gives another one for this case (the spec names a few: 500 for 106 in SendMail...).
    A command-specific status (below 100) is always sent in-band.
    """

    def __init__(self, status: int, reason: str, *, http: int | None = None) -> None:
        super().__init__(reason)
        self.status = int(status)
        self.http = http


class HTTPError(EASError):
    """Answer with a bare HTTP status, whatever the version: 400 for an unparseable request line,
    401 for missing credentials, 404 for an unknown path, 413 for an oversized body..."""

    def __init__(self, code: int, reason: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.headers = dict(headers or {})
