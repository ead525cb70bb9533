"""A note as a small JSON document <-> the Notes dict (MS-ASNOTE, 14.0 and later).

Stored form (UTF-8 JSON, one object)::

    {"subject": "Shopping", "body": "milk\\neggs", "body_type": 1, "categories": ["Home"],
     "message_class": "IPM.StickyNote", "last_modified": "2024-05-01T12:00:00Z", "extra": {}}

``body_type`` is the AirSyncBase body type: 1 plain text, 2 HTML, 3 RTF (base64). ``extra`` holds
whatever EAS does not model, and any key a later writer (an import, a gateway) adds at the top level
is kept as it is. Before 14.0 the class does not exist and the EAS view is empty.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from airsync.protocol.versions import ProtocolVersion
from airsync.schema.fields import FieldError, parse_datetime
from airsync.schema.notes import DEFAULT_MESSAGE_CLASS, NOTES

_KNOWN = ("subject", "body", "body_type", "categories", "message_class", "last_modified", "extra")
_FIELDS = {f.tag: f for f in NOTES}


def _load(doc: str) -> dict[str, Any]:
    try:
        value = json.loads(doc)
    except ValueError as exc:
        raise FieldError(f"not a note document: {exc}") from None
    if not isinstance(value, dict):
        raise FieldError("a note document is a JSON object")
    return value


def _stamp(value: datetime) -> str:
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def note_to_eas(doc: str, version: ProtocolVersion) -> dict[str, Any]:
    """The Notes ApplicationData dict for ``version`` (empty before 14.0)."""
    note = _load(doc)
    out: dict[str, Any] = {}
    if note.get("subject") is not None:
        out["Subject"] = str(note["subject"])
    out["MessageClass"] = note.get("message_class") or DEFAULT_MESSAGE_CLASS
    if note.get("last_modified"):
        out["LastModifiedDate"] = parse_datetime(str(note["last_modified"]))
    if note.get("categories"):
        out["Categories"] = [str(c) for c in note["categories"]]
    body = str(note.get("body") or "")
    body_type = int(note.get("body_type") or 1)
    size = len(body) if body_type == 3 else len(body.encode())
    out["Body"] = {"Type": body_type, "EstimatedDataSize": size}  # MS-ASAIRS 2.2.2.9: always a Body
    if body:
        out["Body"]["Data"] = body
    return {tag: value for tag, value in out.items() if _FIELDS[tag].defined_in(version)}


def eas_to_note(
    data: Mapping[str, Any],
    version: ProtocolVersion,
    previous: str | None = None,
    *,
    now: datetime | None = None,
) -> str:
    """The JSON document for an Add or a Change. A Change without Body or MessageClass keeps them
    (a truncated body never replaces the whole one); without LastModifiedDate the note is stamped
    ``now``, the time the server saw the change."""
    note = _load(previous) if previous else {}
    out: dict[str, Any] = {key: note.get(key) for key in _KNOWN}
    out["extra"] = dict(note.get("extra") or {})
    out["subject"] = data.get("Subject")
    if "MessageClass" in data:
        message_class = str(data["MessageClass"] or "")
        if message_class and not message_class.startswith(DEFAULT_MESSAGE_CLASS):
            raise FieldError(f"MessageClass {message_class[:40]!r} is not IPM.StickyNote[.*]")
        out["message_class"] = message_class or None
    out["message_class"] = out["message_class"] or DEFAULT_MESSAGE_CLASS
    out["categories"] = [str(c) for c in data.get("Categories") or []]
    body = data.get("Body")
    if isinstance(body, Mapping) and not body.get("Truncated"):
        body_type = int(body.get("Type") or 1)
        if body_type not in (1, 2, 3):
            raise FieldError(f"a note body is text, HTML or RTF (MS-ASNOTE 2.2.2.1), not Type {body_type}")
        out["body"], out["body_type"] = body.get("Data") or "", body_type
    out["body"] = out["body"] or ""
    out["body_type"] = out["body_type"] or 1
    stamp = data.get("LastModifiedDate") or now or datetime.now(UTC)
    out["last_modified"] = _stamp(stamp)
    # Keys a later writer added at the top level stay where they are.
    out |= {key: value for key, value in note.items() if key not in _KNOWN}
    return json.dumps(out, ensure_ascii=False)


def uid_of(doc: str) -> str | None:
    """Notes carry no UID of their own; an importer may put one in ``extra``."""
    uid = (_load(doc).get("extra") or {}).get("uid")
    return str(uid) if uid is not None else None


__all__ = ["eas_to_note", "note_to_eas", "uid_of"]
