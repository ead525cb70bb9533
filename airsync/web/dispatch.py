"""The one dispatch function of MS-ASHTTP: request line and headers -> authentication -> version ->
device and policy checks -> COMMANDS[cmd] -> response.

It is the only place where errors become HTTP codes or in-band Status values (DESIGN decision 6):
2.5 to 12.1 clients learn of common errors by HTTP code, 14.0 and later by the command's Status.
No client mistake gets a 500, and no exception text ever reaches a client.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from airsync.commands import COMMANDS, PROTOCOL_COMMANDS_HEADER, Command
from airsync.commands.context import RawResponse, RequestContext, Services
from airsync.protocol.errors import EASError, HTTPError, StatusError
from airsync.protocol.query import QueryError, RequestLine, header, parse_request_line
from airsync.protocol.status import CommonStatus, http_equivalent
from airsync.protocol.versions import SUPPORTED_HEADER, ProtocolVersion, supported, uses_http_status
from airsync.store.accounts import normalise_login
from airsync.store.records import User
from airsync.wbxml import Element, WBXMLError, decode, encode, ns

from .auth import REALM, authenticate
from .protocol_log import ProtocolLog

log = logging.getLogger("airsync.dispatch")
RETRY_AFTER = 30  # seconds
access_log = logging.getLogger("airsync.access")

WBXML_TYPES = ("application/vnd.ms-sync.wbxml", "application/vnd.ms-sync")
SERVER_VERSION = "16.1"
BASE_HEADERS = {"MS-Server-ActiveSync": SERVER_VERSION, "Cache-Control": "private"}


@dataclass
class HTTPResult:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def options_response() -> HTTPResult:
    """MS-ASHTTP 2.2.4: what the server speaks."""
    return HTTPResult(
        200,
        {
            **BASE_HEADERS,
            "Allow": "OPTIONS,POST",
            "Public": "OPTIONS,POST",
            "MS-ASProtocolVersions": SUPPORTED_HEADER,
            "MS-ASProtocolCommands": PROTOCOL_COMMANDS_HEADER,
        },
    )


def unauthorized() -> HTTPResult:
    return HTTPResult(401, {**BASE_HEADERS, "WWW-Authenticate": REALM})


class Dispatcher:
    def __init__(self, services: Services) -> None:
        self.services = services
        config = services.config
        self.protocol_log = (
            ProtocolLog(config.protocol_log, config.protocol_log_users, config.protocol_log_devices)
            if config.protocol_log
            else None
        )

    async def options(self, headers: Mapping[str, str]) -> HTTPResult:
        user = await authenticate(self.services.accounts, header(headers, "Authorization"))
        if user is None:
            return unauthorized()
        return options_response()

    async def post(self, raw_query: str, headers: Mapping[str, str], body: bytes) -> HTTPResult:
        started = time.monotonic()
        fields: dict[str, object] = {}
        user: User | None = None
        line: RequestLine | None = None
        result: HTTPResult
        try:
            user = await authenticate(self.services.accounts, header(headers, "Authorization"))
            if user is None:
                fields["reason"] = "bad or missing credentials"
                result = unauthorized()
            else:
                line = self._parse(raw_query, headers, fields)
                result = await self._command(user, line, headers, body, fields)
        except HTTPError as exc:
            fields["reason"] = exc.reason
            result = HTTPResult(exc.code, {**BASE_HEADERS, **exc.headers})
        except (PoolTimeout, OperationalError) as exc:
            # The database is busy or away (a reconnect storm, a restart): the device retries later.
            log.warning(
                "database unavailable for %s: %s", line.cmd if line else "request", str(exc).splitlines()[0]
            )
            fields["reason"] = "database unavailable"
            result = HTTPResult(503, {**BASE_HEADERS, "Retry-After": str(RETRY_AFTER)})
        except Exception:
            # A fault of ours: logged with its traceback here, and the client gets a bare 500.
            log.exception("unexpected error in %s", line.cmd if line else "request")
            fields["reason"] = "internal error"
            result = HTTPResult(500, dict(BASE_HEADERS))
        duration = (time.monotonic() - started) * 1000
        access_log.info(
            "%s",
            _logfmt(
                user=user.name if user else None,
                device=line.device_id if line else None,
                cmd=line.cmd if line else None,
                version=str(line.version) if line and line.version else None,
                http=result.status,
                duration_ms=f"{duration:.1f}",
                **fields,
            ),
        )
        if self.protocol_log is not None and user is not None:
            await self.protocol_log.write(
                user=user.name,
                device_id=line.device_id if line else None,
                cmd=line.cmd if line else "unknown",
                request_line=f"POST /Microsoft-Server-ActiveSync?{raw_query}",
                request_headers=headers,
                request_body=body,
                status=result.status,
                response_headers=result.headers,
                response_body=result.body,
            )
        return result

    def _parse(self, raw_query: str, headers: Mapping[str, str], fields: dict[str, object]) -> RequestLine:
        try:
            line = parse_request_line(raw_query, headers)
        except QueryError as exc:
            raise HTTPError(400, f"bad request line: {exc}") from None
        if line.version is None:
            raise HTTPError(
                400,
                "no MS-ASProtocolVersion header",
                {
                    "MS-ASProtocolVersions": SUPPORTED_HEADER,
                    "MS-ASProtocolCommands": PROTOCOL_COMMANDS_HEADER,
                },
            )
        if not supported(line.version):
            # VersionNotSupported: the client learns what we speak and can fall back.
            raise HTTPError(
                400,
                f"protocol version {line.version} is not supported",
                {
                    "MS-ASProtocolVersions": SUPPORTED_HEADER,
                    "MS-ASProtocolCommands": PROTOCOL_COMMANDS_HEADER,
                },
            )
        return line

    async def _command(
        self,
        user: User,
        line: RequestLine,
        headers: Mapping[str, str],
        body: bytes,
        fields: dict[str, object],
    ) -> HTTPResult:
        assert line.version is not None
        version = line.version
        if line.user is not None and not await self._same_user(user, line.user):
            raise HTTPError(403, f"User={line.user!r} is not the authenticated user {user.name!r}")
        command = COMMANDS.get(line.cmd)
        if command is None:
            raise HTTPError(501, f"command {line.cmd!r} is not implemented")
        try:
            if version < command.first_version:
                raise StatusError(
                    CommonStatus.VersionNotSupported, f"{command.name} needs {command.first_version}"
                )
            device = await self.services.devices.touch(
                user.id,
                line.device_id,
                line.device_type,
                user_agent=header(headers, "User-Agent"),
                protocol_version=str(version),
            )
            if command.needs_policy:
                status = self.services.policy.check(device, line.policy_key, version)
                if status is not None:
                    http = None
                    if status == CommonStatus.RemoteWipeRequested and line.policy_key is None:
                        http = 403  # MS-ASCMD 2.2.2: 403 when the request carried no policy key
                    raise StatusError(status, "provisioning required", http=http)
            request = self._decode(command, version, body, headers)
            ctx = RequestContext(
                services=self.services,
                cmd=command.name,
                version=version,
                user=user,
                device=device,
                policy_key=line.policy_key,
                params=line.params,
                save_in_sent=line.save_in_sent,
                accept_multipart=line.accept_multipart,
                user_agent=header(headers, "User-Agent"),
                locale=header(headers, "Accept-Language"),
                headers=headers,
                log_fields=fields,
            )
            response = await command.handler(ctx, request)
        except StatusError as exc:
            fields["status"] = exc.status
            fields["reason"] = exc.reason
            return self._status_answer(command, version, exc)
        except EASError:
            raise
        if response is None:
            return HTTPResult(200, dict(BASE_HEADERS))
        if isinstance(response, RawResponse):
            return HTTPResult(
                200,
                {**BASE_HEADERS, "Content-Type": response.content_type, **response.headers},
                response.body,
            )
        status_el = response.find("Status")
        if status_el is not None:
            fields["status"] = status_el.text
        return HTTPResult(200, {**BASE_HEADERS, "Content-Type": WBXML_TYPES[0]}, encode(response))

    async def _same_user(self, user: User, claimed: str) -> bool:
        """The User query parameter may name the account in any of its forms, but never another."""
        full, local = normalise_login(claimed)
        if full in (user.name, user.email) or (local is not None and full == user.email):
            return True
        other = await self.services.accounts.find_login(claimed)
        return other is not None and other.id == user.id

    def _decode(
        self, command: Command, version: ProtocolVersion, body: bytes, headers: Mapping[str, str]
    ) -> Element | None:
        if not body:
            if command.body == "optional":
                return None
            raise StatusError(CommonStatus.InvalidContent, f"{command.name} needs a request body")
        content_type = (header(headers, "Content-Type") or "").split(";")[0].strip().lower()
        if content_type and content_type not in WBXML_TYPES:
            raise StatusError(CommonStatus.InvalidContent, f"unexpected Content-Type {content_type!r}")
        try:
            tree = decode(body)
        except WBXMLError as exc:
            raise StatusError(CommonStatus.InvalidWBXML, f"undecodable WBXML: {exc}") from None
        if (tree.ns, tree.tag) != command.root:
            raise StatusError(
                CommonStatus.InvalidXML,
                f"{command.name} body starts with {tree.qname}, not {':'.join(command.root)}",
            )
        return tree

    def _status_answer(self, command: Command, version: ProtocolVersion, exc: StatusError) -> HTTPResult:
        if exc.status >= 100 and uses_http_status(version):
            code = exc.http or http_equivalent(exc.status)
            return HTTPResult(code, dict(BASE_HEADERS))
        namespace, root = command.root
        factory = getattr(ns, namespace)
        tree = getattr(factory, root)(factory.Status(exc.status))
        return HTTPResult(200, {**BASE_HEADERS, "Content-Type": WBXML_TYPES[0]}, encode(tree))


def _logfmt(**fields: object) -> str:
    parts = []
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        text = str(value)
        if not text or any(c in text for c in ' "='):
            text = '"' + text.replace('"', "'") + '"'
        parts.append(f"{key}={text}")
    return " ".join(parts)
