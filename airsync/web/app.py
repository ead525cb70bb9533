"""The ASGI application: a thin slice of Starlette around the dispatcher.

Routes are matched without regard to case, since clients spell the paths in several ways
(/Microsoft-Server-ActiveSync, /Autodiscover/Autodiscover.xml, /autodiscover/autodiscover.xml).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from airsync.commands.context import Services
from airsync.config import Config
from airsync.devices.policy import PolicyProvider
from airsync.devices.registry import DeviceRegistry
from airsync.push.bus import ChangeBus, Poller
from airsync.store.accounts import Accounts
from airsync.store.db import Database
from airsync.store.tables import users

from .auth import authenticate
from .autodiscover import autodiscover, autodiscover_json
from .dispatch import BASE_HEADERS, Dispatcher, HTTPResult, unauthorized

log = logging.getLogger(__name__)

ACTIVESYNC_PATH = "/microsoft-server-activesync"
AUTODISCOVER_XML = "/autodiscover/autodiscover.xml"
AUTODISCOVER_JSON = "/autodiscover/autodiscover.json"


class PayloadTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes without reading them all first."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise PayloadTooLarge
    chunks = bytearray()
    async for chunk in request.stream():
        chunks += chunk
        if len(chunks) > limit:
            raise PayloadTooLarge
    return bytes(chunks)


def _to_response(result: HTTPResult) -> Response:
    headers = dict(result.headers)
    media_type = headers.pop("Content-Type", None)
    return Response(result.body, status_code=result.status, headers=headers, media_type=media_type)


def create_app(config: Config, *, services: Services | None = None) -> Starlette:
    """The app. ``services`` may be given by a caller that opened them already (tests, tools)."""
    state: dict[str, object] = {}

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        nonlocal services
        owned = services is None
        if services is None:
            services = await open_services(config)
        state["dispatcher"] = Dispatcher(services)
        state["services"] = services
        poller = Poller(services.bus, _counter_reader(services))
        poller.start()
        try:
            yield
        finally:
            await poller.stop()
            if owned:
                await services.db.close()

    async def endpoint(request: Request) -> Response:
        path = request.url.path.rstrip("/").lower()
        dispatcher: Dispatcher = state["dispatcher"]  # type: ignore[assignment]
        svc: Services = state["services"]  # type: ignore[assignment]
        if path == ACTIVESYNC_PATH:
            if request.method == "OPTIONS":
                return _to_response(await dispatcher.options(request.headers))
            if request.method != "POST":
                return Response(status_code=405, headers={**BASE_HEADERS, "Allow": "OPTIONS,POST"})
            try:
                body = await read_body(request, svc.config.max_request_size)
            except PayloadTooLarge:
                log.warning("request body over the %d-byte limit refused", svc.config.max_request_size)
                return Response(status_code=413, headers=BASE_HEADERS)
            except ClientDisconnect:
                # Mobile links drop mid-upload; nothing was read, nothing is done.
                log.info("client hung up before its request body was complete")
                return Response(status_code=400, headers=BASE_HEADERS)
            result = await dispatcher.post(request.url.query, request.headers, body)
            return _to_response(result)
        if path == AUTODISCOVER_XML:
            if request.method != "POST":
                return Response(status_code=405, headers={"Allow": "POST"})
            user = await authenticate(svc.accounts, request.headers.get("authorization"))
            if user is None:
                return _to_response(unauthorized())
            try:
                body = await read_body(request, 64 * 1024)
            except PayloadTooLarge:
                return Response(status_code=413)
            except ClientDisconnect:
                return Response(status_code=400)
            status, content_type, payload = await autodiscover(svc, user, body)
            return Response(payload, status_code=status, media_type=content_type)
        if path == AUTODISCOVER_JSON and request.method == "GET":
            status, content_type, payload = await autodiscover_json(
                svc, request.query_params.get("Email", ""), request.query_params.get("Protocol", "")
            )
            return Response(payload, status_code=status, media_type=content_type)
        return Response(status_code=404)

    methods = ["GET", "POST", "OPTIONS", "PUT", "DELETE", "HEAD", "PATCH"]
    return Starlette(
        routes=[Route("/{path:path}", endpoint, methods=methods)],
        lifespan=lifespan,
    )


async def open_services(config: Config) -> Services:
    policy = PolicyProvider(config.policy, required=config.policy_required)
    db = Database.open(config.database_url, config.data_dir)
    await db.migrate()
    return Services(
        config=config,
        db=db,
        accounts=Accounts(db),
        devices=DeviceRegistry(db),
        policy=policy,
        bus=ChangeBus(),
    )


def _counter_reader(services: Services):  # type: ignore[no-untyped-def]
    """For the change poller: each waiting user's item and hierarchy counters, in one query."""
    from sqlalchemy import select

    async def read(user_ids: set[int]) -> dict[int, tuple[int, int]]:
        async with services.db.read() as conn:
            rows = await conn.execute(
                select(users.c.id, users.c.item_seq, users.c.hierarchy_seq).where(users.c.id.in_(user_ids))
            )
            return {r.id: (r.item_seq, r.hierarchy_seq) for r in rows.all()}

    return read
