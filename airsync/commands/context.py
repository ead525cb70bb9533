"""What a command handler gets: the request context and the server's services. Never globals
(DESIGN decision 9): many requests interleave in one process."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from airsync.config import Config
from airsync.devices.policy import PolicyProvider
from airsync.devices.registry import DeviceRegistry
from airsync.protocol.versions import ProtocolVersion
from airsync.push.bus import ChangeBus
from airsync.store.accounts import Accounts
from airsync.store.db import Database
from airsync.store.records import Device, User

if TYPE_CHECKING:
    pass


@dataclass
class Services:
    """Long-lived objects, opened by the app's lifespan and shared by all requests."""

    config: Config
    db: Database
    accounts: Accounts
    devices: DeviceRegistry
    policy: PolicyProvider
    bus: ChangeBus = field(default_factory=ChangeBus)


@dataclass
class RequestContext:
    """One EAS request, as dispatch understood it."""

    services: Services
    cmd: str
    version: ProtocolVersion
    user: User
    device: Device
    #: The policy key the device sent (X-MS-PolicyKey or the base64 field), None when absent.
    policy_key: int | None
    #: Command parameters of the query: CollectionId, ItemId, LongId, Occurrence, AttachmentName...
    params: Mapping[str, str] = field(default_factory=dict)
    save_in_sent: bool = False
    accept_multipart: bool = False
    user_agent: str | None = None
    #: Accept-Language or the base64 locale, for Search and Find.
    locale: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    #: Extra fields for the access log line (e.g. the Sync status of each collection).
    log_fields: dict[str, Any] = field(default_factory=dict)

    @property
    def log(self) -> logging.LoggerAdapter[logging.Logger]:
        return logging.LoggerAdapter(
            logging.getLogger(f"airsync.commands.{self.cmd}"),
            {"user": self.user.name, "device": self.device.device_id, "cmd": self.cmd},
        )


@dataclass(frozen=True)
class RawResponse:
    """A response body that is not WBXML (GetAttachment's bytes, a multipart ItemOperations...)."""

    body: bytes
    content_type: str
    headers: Mapping[str, str] = field(default_factory=dict)


#: What a handler returns: a WBXML tree, raw bytes, or None for an empty 200 (MS-ASCMD allows an
#: empty body for Sync with nothing to say, and for a successful SendMail in 2.5-12.1).
Response = "Element | RawResponse | None"
