"""Bodies as the device asked for them (MS-ASAIRS 2.2.2.9 BodyPreference, 2.2.2.10 Body).

Converters hand over the item's native body as {"Type": 1 (plain) or 2 (HTML), "Data": str}. The
device's BodyPreference list says which types it takes, how much of each (TruncationSize, AllOrNone)
and whether it wants a Preview (14.0+). 2.5 has no AirSyncBase: its classes carry the body inline
with a BodyTruncated flag, cut to the Truncation option's size.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from airsync.protocol.versions import V14_0, ProtocolVersion

PLAIN, HTML, RTF, MIME = 1, 2, 3, 4

#: 2.5 AirSync:Truncation codes (MS-ASCMD 2.2.3.187 in its 2.5 form): index -> bytes.
LEGACY_TRUNCATION = {
    0: 0,
    1: 512,
    2: 1024,
    3: 2048,
    4: 5120,
    5: 10240,
    6: 20480,
    7: 51200,
    8: 102400,
    9: None,
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip()


def text_to_html(text: str) -> str:
    return "<html><body>" + html.escape(text).replace("\n", "<br>\n") + "</body></html>"


def _cut(data: str, size: int | None) -> tuple[str, bool]:
    """Cut to ``size`` bytes of UTF-8 without splitting a character."""
    raw = data.encode("utf-8")
    if size is None or len(raw) <= size:
        return data, False
    return raw[:size].decode("utf-8", errors="ignore"), True


def _as_type(native: dict[str, Any], wanted: int) -> str:
    data = str(native.get("Data") or "")
    kind = int(native.get("Type") or PLAIN)
    if wanted == HTML and kind == PLAIN:
        return text_to_html(data)
    if wanted == PLAIN and kind == HTML:
        return html_to_text(data)
    return data


def body_for_device(
    native: dict[str, Any] | None, preferences: list[dict[str, Any]], version: ProtocolVersion
) -> dict[str, Any] | None:
    """The AirSyncBase:Body dict for one item: Type, EstimatedDataSize, Truncated, Data, Preview."""
    if native is None:
        return None
    native_type = int(native.get("Type") or PLAIN)
    chosen: dict[str, Any] | None = None
    for pref in preferences:
        try:
            wanted = int(pref.get("Type") or 0)
        except ValueError:
            continue
        if wanted in (PLAIN, HTML):
            chosen = pref
            break
        if wanted == MIME:  # PIM items have no MIME form: the plain body serves
            chosen = {**pref, "Type": PLAIN}
            break
    wanted_type = int(chosen["Type"]) if chosen else native_type
    data = _as_type(native, wanted_type)
    size = len(data.encode("utf-8"))
    limit = None
    if chosen and str(chosen.get("TruncationSize") or "").isdigit():
        limit = int(chosen["TruncationSize"])
    all_or_none = bool(chosen and str(chosen.get("AllOrNone") or "0") in ("1", ""))
    body: dict[str, Any] = {"Type": wanted_type, "EstimatedDataSize": size}
    if limit is not None and size > limit:
        if all_or_none:
            body["Truncated"] = True  # nothing is sent: the device fetches the whole body later
        else:
            body["Data"], body["Truncated"] = _cut(data, limit)[0], True
    else:
        body["Data"] = data
    if chosen and version >= V14_0 and str(chosen.get("Preview") or "").isdigit():
        preview_size = min(int(chosen["Preview"]), 255)
        if preview_size:
            text = data if wanted_type == PLAIN else html_to_text(data)
            body["Preview"] = _cut(" ".join(text.split()), preview_size)[0]
    return body


def legacy_body(native: dict[str, Any] | str | None, truncation: str | None) -> tuple[str | None, bool]:
    """2.5: the plain body, cut by the Truncation code, and whether it was cut. Converters give the
    2.5 body as plain text already, or as the {"Type", "Data"} dict of later versions."""
    if native is None:
        return None, False
    data = native if isinstance(native, str) else _as_type(native, PLAIN)
    size = LEGACY_TRUNCATION.get(int(truncation), None) if (truncation or "").isdigit() else None
    return _cut(data, size)
