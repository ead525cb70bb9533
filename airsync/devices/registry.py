"""The device registry: one record per (user, DeviceId), with provisioning and wipe state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from airsync.store.db import Database
from airsync.store.records import Device
from airsync.store.tables import devices, users


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def row_to_device(row: Any) -> Device:
    return Device(
        id=row.id,
        user_id=row.user_id,
        device_id=row.device_id,
        device_type=row.device_type,
        user_agent=row.user_agent,
        protocol_version=row.protocol_version,
        device_info=dict(row.device_info or {}),
        first_seen=_aware(row.first_seen),
        last_seen=_aware(row.last_seen),
        pending_policy_key=row.pending_policy_key,
        policy_key=row.policy_key,
        policy_fingerprint=row.policy_fingerprint,
        policy_status=row.policy_status,
        provisioned_at=_aware(row.provisioned_at),
        wipe_state=row.wipe_state,
        wipe_type=row.wipe_type,
        wipe_requested_at=_aware(row.wipe_requested_at),
        wipe_acknowledged_at=_aware(row.wipe_acknowledged_at),
        sync_request=row.sync_request,
        ping_request=row.ping_request,
    )


class DeviceRegistry:
    def __init__(self, db: Database) -> None:
        self.db = db

    #: last_seen is refreshed at most this often: a busy device must not cost a write per request.
    LAST_SEEN_RESOLUTION = timedelta(seconds=60)

    async def touch(
        self,
        user_id: int,
        device_id: str,
        device_type: str,
        *,
        user_agent: str | None,
        protocol_version: str | None,
    ) -> Device:
        """The device's record, created on first contact; refreshes what the request tells of it."""
        now = _now()
        async with self.db.read() as conn:
            row = await _get(conn, user_id, device_id)
        if (
            row is not None
            and row.device_type == device_type
            and (not user_agent or row.user_agent == user_agent)
            and (not protocol_version or row.protocol_version == protocol_version)
            and _aware(row.last_seen) is not None
            and now - _aware(row.last_seen) < self.LAST_SEEN_RESOLUTION
        ):
            return row_to_device(row)
        async with self.db.begin() as conn:
            row = await _get(conn, user_id, device_id)
            if row is None:
                try:
                    async with conn.begin_nested():
                        await conn.execute(
                            devices.insert().values(
                                user_id=user_id,
                                device_id=device_id,
                                device_type=device_type,
                                user_agent=user_agent,
                                protocol_version=protocol_version,
                                device_info={},
                                first_seen=now,
                                last_seen=now,
                            )
                        )
                except IntegrityError:
                    pass  # another request of the same device created it a moment ago
            else:
                values: dict[str, Any] = {"last_seen": now}
                if row.device_type != device_type:
                    values["device_type"] = device_type
                if user_agent and row.user_agent != user_agent:
                    values["user_agent"] = user_agent
                if protocol_version and row.protocol_version != protocol_version:
                    values["protocol_version"] = protocol_version
                await conn.execute(update(devices).where(devices.c.id == row.id).values(**values))
            row = await _get(conn, user_id, device_id)
        assert row is not None
        return row_to_device(row)

    async def get(self, user_id: int, device_id: str) -> Device | None:
        async with self.db.read() as conn:
            row = await _get(conn, user_id, device_id)
        return row_to_device(row) if row else None

    async def list(self, user_id: int | None = None) -> list[tuple[str, Device]]:
        """(user name, device) pairs, optionally for one user."""
        query = select(devices, users.c.name.label("user_name")).join(users, users.c.id == devices.c.user_id)
        if user_id is not None:
            query = query.where(devices.c.user_id == user_id)
        query = query.order_by(users.c.name, devices.c.device_id)
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [(r.user_name, row_to_device(r)) for r in rows]

    async def update(self, device_pk: int, **values: Any) -> None:
        async with self.db.begin() as conn:
            await conn.execute(update(devices).where(devices.c.id == device_pk).values(**values))

    async def merge_device_info(self, device_pk: int, info: dict[str, str]) -> None:
        """Settings DeviceInformation Set and Provision's DeviceInformation: newer values win."""
        async with self.db.begin() as conn:
            row = (await conn.execute(select(devices.c.device_info).where(devices.c.id == device_pk))).one()
            merged = {**(row.device_info or {}), **info}
            await conn.execute(update(devices).where(devices.c.id == device_pk).values(device_info=merged))

    async def request_wipe(self, user_id: int, device_id: str, *, account_only: bool = False) -> bool:
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(devices)
                .where(devices.c.user_id == user_id, devices.c.device_id == device_id)
                .values(
                    wipe_state="requested",
                    wipe_type="account" if account_only else "full",
                    wipe_requested_at=_now(),
                    wipe_acknowledged_at=None,
                )
            )
        return result.rowcount > 0

    async def cancel_wipe(self, user_id: int, device_id: str) -> bool:
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(devices)
                .where(devices.c.user_id == user_id, devices.c.device_id == device_id)
                .values(wipe_state="none", wipe_type=None, wipe_requested_at=None)
            )
        return result.rowcount > 0


async def _get(conn: AsyncConnection, user_id: int, device_id: str) -> Any:
    return (
        await conn.execute(
            select(devices).where(devices.c.user_id == user_id, devices.c.device_id == device_id)
        )
    ).first()
