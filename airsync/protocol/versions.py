"""EAS protocol versions (MS-ASHTTP 2.2.1.1.2.6) and the ordering rules between them."""

from __future__ import annotations

from functools import total_ordering
from typing import Final


@total_ordering
class ProtocolVersion:
    """One EAS protocol version, comparable ("14.1" > "12.1")."""

    __slots__ = ("major", "minor")

    def __init__(self, major: int, minor: int) -> None:
        self.major = major
        self.minor = minor

    @classmethod
    def parse(cls, text: str) -> ProtocolVersion:
        major, _, minor = text.strip().partition(".")
        if not major.isdigit() or not minor.isdigit():
            raise ValueError(f"not a protocol version: {text!r}")
        return cls(int(major), int(minor))

    @classmethod
    def from_byte(cls, value: int) -> ProtocolVersion:
        """The base64 query's version byte is the version times ten (MS-ASHTTP 2.2.1.1.1.1.1)."""
        return cls(value // 10, value % 10)

    def _key(self) -> tuple[int, int]:
        return (self.major, self.minor)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = ProtocolVersion.parse(other)
        if not isinstance(other, ProtocolVersion):
            return NotImplemented
        return self._key() == other._key()

    def __lt__(self, other: object) -> bool:
        if isinstance(other, str):
            other = ProtocolVersion.parse(other)
        if not isinstance(other, ProtocolVersion):
            return NotImplemented
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    def __repr__(self) -> str:
        return f"ProtocolVersion('{self}')"


V2_5: Final = ProtocolVersion(2, 5)
V12_0: Final = ProtocolVersion(12, 0)
V12_1: Final = ProtocolVersion(12, 1)
V14_0: Final = ProtocolVersion(14, 0)
V14_1: Final = ProtocolVersion(14, 1)
V16_0: Final = ProtocolVersion(16, 0)
V16_1: Final = ProtocolVersion(16, 1)

#: What the server implements and advertises in MS-ASProtocolVersions, oldest first.
SUPPORTED_VERSIONS: Final[tuple[ProtocolVersion, ...]] = (V2_5, V12_0, V12_1, V14_0, V14_1, V16_0, V16_1)
SUPPORTED_HEADER: Final = ",".join(str(v) for v in SUPPORTED_VERSIONS)


def supported(version: ProtocolVersion) -> bool:
    return version in SUPPORTED_VERSIONS


def uses_http_status(version: ProtocolVersion) -> bool:
    """Up to 12.1 errors travel as HTTP codes; from 14.0 on as in-band Status values (MS-ASCMD 2.2.2)."""
    return version < V14_0
