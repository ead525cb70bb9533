"""HTTP Basic authentication (RFC 7617) against the account store."""

from __future__ import annotations

import base64
import binascii

from airsync.store.accounts import Accounts
from airsync.store.records import User

REALM = 'Basic realm="airsync", charset="UTF-8"'


def parse_basic(authorization: str | None) -> tuple[str, str] | None:
    """(login, password) from an Authorization header, or None when absent or malformed."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        raw = base64.b64decode(token.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # what older clients send for non-ASCII passwords
    login, sep, password = text.partition(":")
    if not sep or not login:
        return None
    return login, password


async def authenticate(accounts: Accounts, authorization: str | None) -> User | None:
    credentials = parse_basic(authorization)
    if credentials is None:
        return None
    return await accounts.authenticate(*credentials)
