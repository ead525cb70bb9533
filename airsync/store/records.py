"""Plain records read from the store. Immutable: code that changes state goes through the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    email: str
    display_name: str


@dataclass(frozen=True, slots=True)
class Folder:
    server_id: str
    parent_id: str
    display_name: str
    type: int
    changed_seq: int
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Device:
    id: int
    user_id: int
    device_id: str
    device_type: str
    user_agent: str | None
    protocol_version: str | None
    device_info: dict[str, Any] = field(default_factory=dict)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    pending_policy_key: int | None = None
    policy_key: int | None = None
    policy_fingerprint: str | None = None
    policy_status: int | None = None
    provisioned_at: datetime | None = None
    wipe_state: str = "none"
    wipe_type: str | None = None
    wipe_requested_at: datetime | None = None
    wipe_acknowledged_at: datetime | None = None
    #: The last full Sync request (WBXML) and the last Ping's folders and interval, for reuse.
    sync_request: bytes | None = None
    ping_request: dict[str, Any] | None = None
