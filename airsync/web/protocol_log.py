"""The opt-in protocol log: every request and response as readable XML, with headers.

One file per request under DIR/<user>/<DeviceId>/, named by time and command, written off the event
loop. Passwords never reach it: the Authorization header is replaced by the login name.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from airsync.wbxml import WBXMLError, decode, to_xml

log = logging.getLogger(__name__)

_SAFE = re.compile(r"[^A-Za-z0-9._@-]+")


class ProtocolLog:
    def __init__(self, directory: Path, users: tuple[str, ...] = (), devices: tuple[str, ...] = ()) -> None:
        self.directory = directory
        self.users = {u.lower() for u in users}
        self.devices = set(devices)

    def wanted(self, user: str | None, device_id: str | None) -> bool:
        if not self.users and not self.devices:
            return True
        return (user or "").lower() in self.users or (device_id or "") in self.devices

    async def write(
        self,
        *,
        user: str | None,
        device_id: str | None,
        cmd: str,
        request_line: str,
        request_headers: Mapping[str, str],
        request_body: bytes,
        status: int,
        response_headers: Mapping[str, str],
        response_body: bytes,
    ) -> None:
        if not self.wanted(user, device_id):
            return
        now = datetime.now(UTC)
        folder = self.directory / _SAFE.sub("_", user or "-") / _SAFE.sub("_", device_id or "-")
        name = f"{now:%Y%m%dT%H%M%S.%f}-{_SAFE.sub('_', cmd)}.log"
        text = "\n".join(
            [
                f"{request_line}",
                *_headers(request_headers, user),
                "",
                _body(request_body, request_headers),
                "",
                f"HTTP {status}",
                *_headers(response_headers, user),
                "",
                _body(response_body, response_headers),
                "",
            ]
        )
        try:
            await asyncio.to_thread(_write, folder / name, text)
        except OSError as exc:
            log.warning("protocol log: cannot write %s: %s", folder / name, exc)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _headers(headers: Mapping[str, str], user: str | None) -> list[str]:
    lines = []
    for key, value in headers.items():
        if key.lower() == "authorization":
            value = f"Basic <{user or 'credentials'} redacted>"
        lines.append(f"{key}: {value}")
    return lines


def _body(body: bytes, headers: Mapping[str, str]) -> str:
    if not body:
        return "(empty body)"
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if "ms-sync" in content_type or body[:1] == b"\x03":
        try:
            return to_xml(decode(body))
        except WBXMLError as exc:
            return f"(undecodable WBXML: {exc}; {len(body)} bytes)\n{body[:256].hex()}"
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return f"({len(body)} bytes of binary data)"
