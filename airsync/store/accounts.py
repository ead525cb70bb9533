"""Users: creation with the default folder hierarchy, password checks, out-of-office settings."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import time
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from .db import Database
from .folders import create_default_folders
from .records import User
from .tables import oof_settings, users

_hasher = PasswordHasher()


class AccountError(ValueError):
    """An account operation that cannot be done (duplicate name, unknown user...)."""


def _now() -> datetime:
    return datetime.now(UTC)


def normalise_login(login: str) -> tuple[str, str | None]:
    """``DOMAIN\\user`` -> ("user", None); ``user@domain`` -> ("user@domain", "user"); ``user`` -> same.

    Returns the full login to match against names and e-mail addresses, and the local part to try
    as a login name when an e-mail address did not match.
    """
    login = login.strip()
    if "\\" in login:
        login = login.rsplit("\\", 1)[1]
    login = login.lower()
    if "@" in login:
        return login, login.split("@", 1)[0]
    return login, None


def _row_user(row: Any) -> User:
    return User(id=row.id, name=row.name, email=row.email, display_name=row.display_name)


class Accounts:
    """The user directory of the embedded store."""

    #: Verified credentials are remembered this long, so a busy device does not pay an argon2 hash
    #: (tens of milliseconds of CPU) on every request. A password change clears the cache in this
    #: process; other workers notice within the TTL.
    CACHE_TTL = 300.0

    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache: dict[str, tuple[float, User]] = {}
        self._cache_secret = os.urandom(32)

    async def add(
        self, name: str, password: str, *, email: str | None = None, display_name: str | None = None
    ) -> User:
        name = name.strip().lower()
        if not name or any(c in name for c in "\\/@:\x00") or len(name) > 255:
            raise AccountError(f"invalid user name {name!r}: use letters, digits, dots, dashes")
        if not password:
            raise AccountError("the password must not be empty")
        email = (email or f"{name}@localhost").strip().lower()
        if "@" not in email:
            raise AccountError(f"invalid e-mail address {email!r}")
        password_hash = await asyncio.to_thread(_hasher.hash, password)
        try:
            async with self.db.begin() as conn:
                result = await conn.execute(
                    users.insert().values(
                        name=name,
                        email=email,
                        display_name=display_name or name,
                        password_hash=password_hash,
                        created_at=_now(),
                    )
                )
                user_id = result.inserted_primary_key[0]
                await create_default_folders(conn, user_id)
        except IntegrityError:
            raise AccountError(f"a user named {name!r} or with address {email!r} exists already") from None
        return User(id=user_id, name=name, email=email, display_name=display_name or name)

    async def get(self, name: str) -> User | None:
        async with self.db.read() as conn:
            row = (await conn.execute(select(users).where(users.c.name == name.strip().lower()))).first()
        return _row_user(row) if row else None

    async def get_by_id(self, user_id: int) -> User | None:
        async with self.db.read() as conn:
            row = (await conn.execute(select(users).where(users.c.id == user_id))).first()
        return _row_user(row) if row else None

    async def list(self) -> list[User]:
        async with self.db.read() as conn:
            rows = (await conn.execute(select(users).order_by(users.c.name))).all()
        return [_row_user(r) for r in rows]

    async def find_login(self, login: str) -> User | None:
        """The user a login string (any of the three forms) refers to."""
        full, local = normalise_login(login)
        async with self.db.read() as conn:
            row = (
                await conn.execute(select(users).where(or_(users.c.name == full, users.c.email == full)))
            ).first()
            if row is None and local is not None:
                row = (await conn.execute(select(users).where(users.c.name == local))).first()
        return _row_user(row) if row else None

    async def authenticate(self, login: str, password: str) -> User | None:
        cache_key = hmac.new(
            self._cache_secret, f"{login}\x00{password}".encode(), hashlib.sha256
        ).hexdigest()
        hit = self._cache.get(cache_key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        full, local = normalise_login(login)
        async with self.db.read() as conn:
            rows = (
                await conn.execute(
                    select(users).where(
                        or_(users.c.name == full, users.c.email == full, users.c.name == (local or full))
                    )
                )
            ).all()
        # An exact name or address match wins over the local part of an address.
        rows.sort(key=lambda r: 0 if full in (r.name, r.email) else 1)
        for row in rows:
            if await asyncio.to_thread(_verify, row.password_hash, password):
                if len(self._cache) > 10_000:
                    self._cache.clear()
                user = _row_user(row)
                self._cache[cache_key] = (time.monotonic() + self.CACHE_TTL, user)
                return user
        return None

    async def set_password(self, name: str, password: str) -> None:
        if not password:
            raise AccountError("the password must not be empty")
        password_hash = await asyncio.to_thread(_hasher.hash, password)
        async with self.db.begin() as conn:
            result = await conn.execute(
                update(users).where(users.c.name == name.strip().lower()).values(password_hash=password_hash)
            )
        if result.rowcount == 0:
            raise AccountError(f"no user named {name!r}")
        self._cache.clear()

    async def remove(self, name: str) -> None:
        async with self.db.begin() as conn:
            result = await conn.execute(delete(users).where(users.c.name == name.strip().lower()))
        if result.rowcount == 0:
            raise AccountError(f"no user named {name!r}")
        self._cache.clear()

    async def count(self) -> int:
        async with self.db.read() as conn:
            return int((await conn.execute(select(func.count()).select_from(users))).scalar_one())

    # Out of office (Settings Oof, MS-ASCMD 2.2.3.119).

    async def get_oof(self, user_id: int) -> dict[str, Any]:
        async with self.db.read() as conn:
            row = (await conn.execute(select(oof_settings).where(oof_settings.c.user_id == user_id))).first()
        if row is None:
            return {"oof_state": 0, "start_time": None, "end_time": None, "messages": {}}
        return {
            "oof_state": row.oof_state,
            "start_time": _aware(row.start_time),
            "end_time": _aware(row.end_time),
            "messages": dict(row.messages or {}),
        }

    async def set_oof(self, user_id: int, values: dict[str, Any]) -> None:
        """Store Oof settings. ``values`` holds only what the client sent; the rest is kept."""
        async with self.db.begin() as conn:
            row = (await conn.execute(select(oof_settings).where(oof_settings.c.user_id == user_id))).first()
            current = {
                "oof_state": row.oof_state if row else 0,
                "start_time": row.start_time if row else None,
                "end_time": row.end_time if row else None,
                "messages": dict(row.messages or {}) if row else {},
            }
            messages = dict(current["messages"])
            messages.update(values.pop("messages", {}))
            current.update(values)
            current["messages"] = messages
            current["updated_at"] = _now()
            if row is None:
                await conn.execute(oof_settings.insert().values(user_id=user_id, **current))
            else:
                await conn.execute(
                    update(oof_settings).where(oof_settings.c.user_id == user_id).values(**current)
                )


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything we store is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
