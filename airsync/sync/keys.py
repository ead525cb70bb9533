"""Sync keys: opaque decimal strings (MS-ASCMD 2.2.3.181: at most 64 characters).

A new partnership starts at a random number and each response adds one, so a key left over from
an earlier partnership of the same device is almost surely unknown (Status 3 / 9) rather than
silently accepted. Decimal keys also suit clients that store them as numbers.
"""

from __future__ import annotations

import secrets

INITIAL = "0"


def first_key() -> str:
    return str(secrets.randbelow(900_000_000) + 100_000_000)


def next_key(key: str) -> str:
    return str(int(key) + 1)


def is_valid(key: str | None) -> bool:
    return bool(key) and key is not None and len(key) <= 64 and key.isdigit()
