"""The one exception the codec raises for bad input."""

from __future__ import annotations


class WBXMLError(ValueError):
    """Malformed or unsupported WBXML (or an element the encoder cannot represent).

    ``offset`` is the byte offset in the input where the problem was found, or -1 when the error
    comes from encoding a tree or from reading the XML view.
    """

    def __init__(self, message: str, offset: int = -1) -> None:
        super().__init__(message, offset)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        if self.offset < 0:
            return self.message
        return f"{self.message} (at byte offset {self.offset})"
