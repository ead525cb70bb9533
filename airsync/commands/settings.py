"""Settings: out of office, device information, device password, user information and rights
management templates (MS-ASCMD 2.2.1.18; elements 2.2.3.*; Status 2.2.3.177.15).

Request: ``Settings`` holds zero to five *properties*, each at most once and in any order, each with
one operation::

    Oof{Get{BodyType} | Set{OofState?, StartTime?, EndTime?, OofMessage{0..3}}}
    DeviceInformation{Set{Model?, IMEI?, FriendlyName?, OS?, OSLanguage?, PhoneNumber?,
                          UserAgent? (12.1+), MobileOperator?, EnableOutboundSMS? (14.0+)}}
    DevicePassword{Set{Password}}
    UserInformation{Get}
    RightsManagementInformation{Get} (14.1+)

Response: ``Settings{Status, <one answer per property, in request order>}``; each answer starts with
its own Status, and the Gets add a ``Get`` with the data ("Each property MUST be processed in order",
"The server will return responses in the same order in which they were requested").

Two levels of failure (2.2.1.18): a request whose shape is wrong is refused as a whole, with the
top-level Status 2 and no property answers ("the processing of the request cannot begin"); Exchange
does the same for, e.g., a DevicePassword Set without Password. Everything else (bad values,
conflicting arguments) is answered in the Status of the property concerned.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
from html.parser import HTMLParser
from typing import Any, NamedTuple

from airsync.protocol.versions import V12_0, V12_1, V14_0, V14_1, ProtocolVersion
from airsync.wbxml import E, Element, ns

from .context import RequestContext


class Status(IntEnum):
    """MS-ASCMD 2.2.3.177.15 Status (Settings), top level and per property ("Any status value that
    is not 1 is a failure")."""

    Success = 1  #: Success.
    ProtocolError = 2  #: Protocol error: the XML code is formatted incorrectly.
    AccessDenied = 3  #: Access denied.
    ServerUnavailable = 4  #: Server unavailable.
    InvalidArguments = 5  #: Invalid arguments (DevicePassword: the specified password is too long).
    ConflictingArguments = 6  #: Conflicting arguments.
    DeniedByPolicy = 7  #: Denied by policy (DevicePassword: password recovery disabled by the administrator).


class OofState(IntEnum):
    """MS-ASCMD 2.2.3.124 OofState."""

    Disabled = 0  #: The Oof property is disabled.
    Global = 1  #: The Oof property is global.
    TimeBased = 2  #: The Oof property is time-based.


class Audience(NamedTuple):
    """One OOF audience (2.2.3.123): its key in the store and its marker element."""

    key: str
    marker: str


#: The three audiences, in the order the Oof Get response lists them.
AUDIENCES = (
    Audience("internal", "AppliesToInternal"),
    Audience("external_known", "AppliesToExternalKnown"),
    Audience("external_unknown", "AppliesToExternalUnknown"),
)

#: BodyType values (2.2.3.17), matched without regard to case (Exchange's own tests send "TEXT").
BODY_TYPES = {"text": "Text", "html": "HTML"}

#: The DeviceInformation values are strings "up to 1024 characters"; the server does not validate them.
DEVICE_INFORMATION_MAX = 1024
#: "The value of the Password element has a maximum length of 255 characters" (2.2.3.132.3).
PASSWORD_MAX = 255


class Refused(Exception):
    """An operation answered with a failure ``status``; ``reason`` is for the log, never the client."""

    def __init__(self, status: Status, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def handle(ctx: RequestContext, request: Element | None) -> Element:
    problem = malformed(request, ctx.version)
    if problem is not None or request is None:
        ctx.log.warning("Settings refused as a whole (Status 2): %s", problem)
        return ns.Settings.Settings(ns.Settings.Status(int(Status.ProtocolError)))
    answers = [await answer(ctx, prop) for prop in request]
    return ns.Settings.Settings(ns.Settings.Status(int(Status.Success)), answers)


async def answer(ctx: RequestContext, prop: Element) -> Element:
    """Run one property's operation; its answer is the property with its Status (and data)."""
    (operation_element,) = prop.children
    operation = OPERATIONS[prop.tag, operation_element.tag]
    try:
        data = await operation.run(ctx, operation_element)
    except Refused as refused:
        ctx.log.warning(
            "Settings %s %s: Status %d, %s", prop.tag, operation_element.tag, refused.status, refused.reason
        )
        return E(f"Settings:{prop.tag}", ns.Settings.Status(int(refused.status)))
    return E(f"Settings:{prop.tag}", ns.Settings.Status(int(Status.Success)), data)


# Oof (2.2.3.122).


async def oof_get(ctx: RequestContext, get: Element) -> Element:
    """All OOF settings, the messages in the requested BodyType; one OofMessage per audience, even
    a disabled one without a message (2.2.3.123)."""
    spelled = (get.findtext("BodyType") or "").strip()
    wanted = body_type(spelled)
    oof = await ctx.services.accounts.get_oof(ctx.user.id)
    state = oof["oof_state"]
    times = None
    if state == OofState.TimeBased and oof["start_time"] and oof["end_time"]:
        times = [
            ns.Settings.StartTime(format_datetime(oof["start_time"])),
            ns.Settings.EndTime(format_datetime(oof["end_time"])),
        ]
    return ns.Settings.Get(
        ns.Settings.OofState(int(state)),
        times,
        [oof_message(a, oof["messages"].get(a.key) or {}, wanted, spelled) for a in AUDIENCES],
    )


def oof_message(audience: Audience, stored: Mapping[str, Any], wanted: str, spelled: str) -> Element:
    message = stored.get("message") or ""
    reply = None
    if message:
        # "BodyType MUST always be present in an Oof Get response if ReplyMessage is returned" (2.2.3.17).
        text = convert_body(message, stored.get("body_type") or "Text", wanted)
        reply = [ns.Settings.ReplyMessage(text), ns.Settings.BodyType(spelled)]
    return ns.Settings.OofMessage(
        E(f"Settings:{audience.marker}"),
        ns.Settings.Enabled("1" if stored.get("enabled") else "0"),
        reply,
    )


async def oof_set(ctx: RequestContext, set_: Element) -> None:
    values: dict[str, Any] = {}
    state_text = set_.findtext("OofState")
    if state_text is not None:
        values["oof_state"] = oof_state(state_text)
    start, end = set_.find("StartTime"), set_.find("EndTime")
    if (start is None) != (end is None):
        raise Refused(Status.ProtocolError, "StartTime and EndTime come together or not at all (2.2.3.176.2)")
    if start is not None and end is not None:
        start_time, end_time = parse_datetime(start.text), parse_datetime(end.text)
        # Times sent with an OofState other than 2 succeed but are not stored (2.2.3.124).
        if values.get("oof_state") == OofState.TimeBased:
            if start_time >= end_time:
                raise Refused(
                    Status.ConflictingArguments, f"StartTime {start.text} is not before EndTime {end.text}"
                )
            values.update(start_time=start_time, end_time=end_time)
    changes = oof_message_changes(set_.findall("OofMessage"))
    if changes:
        current = (await ctx.services.accounts.get_oof(ctx.user.id))["messages"]
        values["messages"] = {key: {**(current.get(key) or {}), **change} for key, change in changes.items()}
    if values:
        await ctx.services.accounts.set_oof(ctx.user.id, values)


def oof_message_changes(messages: list[Element]) -> dict[str, dict[str, Any]]:
    """What each OofMessage block changes, by audience key; what a block leaves out is kept."""
    changes: dict[str, dict[str, Any]] = {}
    for message in messages:
        audiences = [a for a in AUDIENCES if message.find(a.marker) is not None]
        if not audiences:
            raise Refused(Status.ProtocolError, "an OofMessage names no audience (AppliesTo*)")
        if len(audiences) > 1:
            raise Refused(
                Status.ConflictingArguments, "an OofMessage names several audiences (mutually exclusive)"
            )
        key = audiences[0].key
        if key in changes:
            # "the client MUST NOT include the same AppliesTo* element in more than one OofMessage"
            raise Refused(Status.ConflictingArguments, f"two OofMessage blocks for {audiences[0].marker}")
        change: dict[str, Any] = {}
        enabled = message.findtext("Enabled")
        if enabled is not None:
            if enabled.strip() not in ("0", "1"):
                raise Refused(Status.InvalidArguments, f"Enabled must be 0 or 1, not {enabled!r}")
            change["enabled"] = enabled.strip() == "1"
        reply, kind = message.find("ReplyMessage"), message.findtext("BodyType")
        if kind is not None:
            kind = body_type(kind)
        if reply is not None:
            if kind is None:
                raise Refused(Status.ProtocolError, "ReplyMessage without BodyType (2.2.3.149)")
            change.update(message=reply.text, body_type=kind)
        changes[key] = change
    return changes


def oof_state(text: str) -> OofState:
    try:
        return OofState(int(text.strip()))
    except ValueError:
        raise Refused(Status.InvalidArguments, f"OofState must be 0, 1 or 2, not {text!r}") from None


def body_type(text: str) -> str:
    try:
        return BODY_TYPES[text.strip().lower()]
    except KeyError:
        raise Refused(Status.InvalidArguments, f"BodyType must be Text or HTML, not {text!r}") from None


def parse_datetime(text: str) -> datetime:
    """MS-ASDTYPE 2.3 dateTime (``2026-07-01T08:00:00.000Z``); a time without zone is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Refused(Status.InvalidArguments, f"not a dateTime: {text!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_datetime(value: datetime) -> str:
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def convert_body(message: str, stored: str, wanted: str) -> str:
    """The message in the wanted BodyType: HTML is escaped from text, text is extracted from HTML."""
    if stored == wanted:
        return message
    if wanted == "HTML":
        return html.escape(message).replace("\r\n", "\n").replace("\n", "<br>\n")
    extractor = _TextExtractor()
    extractor.feed(message)
    extractor.close()
    return extractor.text()


class _TextExtractor(HTMLParser):
    """Plain text from HTML: tags dropped, entities decoded, block elements and <br> as new lines."""

    _BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})
    _HIDDEN = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BREAKS:
            self._parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BREAKS and tag != "br":
            self._parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._parts.append(" ".join(data.split()) if not data.isspace() else " ")

    def text(self) -> str:
        lines = "".join(self._parts).split("\n")
        return "\n".join(line.strip() for line in lines).strip("\n")


# DeviceInformation (2.2.3.45), DevicePassword (2.2.3.46).


async def device_information_set(ctx: RequestContext, set_: Element) -> None:
    """Stored on the device record under the spec's names; an empty element deletes a value (2.2.3.167)."""
    info: dict[str, Any] = {}
    for item in set_:
        value = item.text.strip()
        if item.tag == "EnableOutboundSMS" and value not in ("0", "1"):
            raise Refused(Status.InvalidArguments, f"EnableOutboundSMS must be 0 or 1, not {value!r}")
        info[item.tag] = value[:DEVICE_INFORMATION_MAX] or None
    if not info:
        raise Refused(Status.ProtocolError, "DeviceInformation Set names no parameter")
    await ctx.services.devices.merge_device_info(ctx.device.id, info)


async def device_password_set(ctx: RequestContext, set_: Element) -> None:
    """The device's recovery password, kept for the administrator; an empty Password clears it.

    Refused with Status 7 while the policy's PasswordRecoveryEnabled (MS-ASPROV 2.2.2.39) is 0, which
    is what the device was told when it provisioned.
    """
    if not ctx.services.policy.value("PasswordRecoveryEnabled"):
        raise Refused(Status.DeniedByPolicy, "PasswordRecoveryEnabled is 0 in the policy")
    password = set_.findtext("Password") or ""
    if len(password) > PASSWORD_MAX:
        raise Refused(Status.InvalidArguments, f"the recovery password exceeds {PASSWORD_MAX} characters")
    await ctx.services.devices.update(ctx.device.id, device_password=password or None)


# UserInformation (2.2.3.192), RightsManagementInformation (2.2.3.156).


async def user_information_get(ctx: RequestContext, get: Element) -> Element:
    """12.x and 14.0: EmailAddresses in Get. 14.1 on: one Account in Accounts; the primary account
    has no AccountId (2.2.3.3.2), and PrimarySmtpAddress follows the SMTPAddress list (schema order)."""
    user = ctx.user
    if ctx.version < V14_1:
        return ns.Settings.Get(ns.Settings.EmailAddresses(ns.Settings.SMTPAddress(user.email)))
    return ns.Settings.Get(
        ns.Settings.Accounts(
            ns.Settings.Account(
                ns.Settings.AccountName(user.display_name) if user.display_name else None,
                ns.Settings.UserDisplayName(user.display_name) if user.display_name else None,
                ns.Settings.EmailAddresses(
                    ns.Settings.SMTPAddress(user.email), ns.Settings.PrimarySmtpAddress(user.email)
                ),
            )
        )
    )


async def rights_management_get(ctx: RequestContext, get: Element) -> Element:
    """No IRM here: success with no templates (the schema requires the empty container)."""
    return ns.Settings.Get(ns.RightsManagement.RightsManagementTemplates())


# The shape of a request, and the operations.


@dataclass(frozen=True, slots=True)
class Child:
    """What a request element may hold: a leaf (text or empty) unless ``children`` is given."""

    since: ProtocolVersion = V12_0
    max: int = 1
    required: bool = False
    children: Mapping[str, Child] | None = None


LEAF = Child()


@dataclass(frozen=True, slots=True)
class Operation:
    run: Callable[[RequestContext, Element], Awaitable[Element | None]]
    #: The children the operation element (Get or Set) may hold; empty: none.
    content: Mapping[str, Child] = field(default_factory=dict)
    since: ProtocolVersion = V12_0


_OOF_MESSAGE = {
    "AppliesToInternal": LEAF,
    "AppliesToExternalKnown": LEAF,
    "AppliesToExternalUnknown": LEAF,
    "Enabled": LEAF,
    "ReplyMessage": LEAF,
    "BodyType": LEAF,
}

#: (property, operation) -> operation; the versions are MS-ASWBXML's (code page 18).
OPERATIONS: dict[tuple[str, str], Operation] = {
    ("Oof", "Get"): Operation(oof_get, {"BodyType": Child(required=True)}),
    ("Oof", "Set"): Operation(
        oof_set,
        {
            "OofState": LEAF,
            "StartTime": LEAF,
            "EndTime": LEAF,
            "OofMessage": Child(max=len(AUDIENCES), children=_OOF_MESSAGE),
        },
    ),
    ("DeviceInformation", "Set"): Operation(
        device_information_set,
        {
            "Model": LEAF,
            "IMEI": LEAF,
            "FriendlyName": LEAF,
            "OS": LEAF,
            "OSLanguage": LEAF,
            "PhoneNumber": LEAF,
            "UserAgent": Child(since=V12_1),
            "MobileOperator": Child(since=V14_0),
            "EnableOutboundSMS": Child(since=V14_0),
        },
    ),
    ("DevicePassword", "Set"): Operation(device_password_set, {"Password": Child(required=True)}),
    ("UserInformation", "Get"): Operation(user_information_get),
    ("RightsManagementInformation", "Get"): Operation(rights_management_get, since=V14_1),
}


def malformed(request: Element | None, version: ProtocolVersion) -> str | None:
    """Why the request cannot be processed at all, or None when its shape is right for ``version``."""
    if request is None or request.qname != "Settings:Settings":
        return "the request is not a Settings element"
    seen: set[str] = set()
    for prop in request:
        if len(prop.children) != 1:
            return f"{prop.qname} must hold exactly one operation (Get or Set)"
        (op,) = prop.children
        operation = OPERATIONS.get((prop.tag, op.tag)) if prop.ns == op.ns == "Settings" else None
        if operation is None:
            return f"no operation {prop.qname}/{op.qname}"
        if version < operation.since:
            return f"{prop.tag} is not defined in protocol version {version}"
        if prop.tag in seen:
            return f"{prop.tag} appears more than once"
        seen.add(prop.tag)
        problem = _content_problem(op, operation.content, version)
        if problem is not None:
            return f"{prop.tag}/{op.tag}: {problem}"
    return None


def _content_problem(element: Element, allowed: Mapping[str, Child], version: ProtocolVersion) -> str | None:
    counts: Counter[str] = Counter()
    for child in element:
        rule = allowed.get(child.tag) if child.ns == "Settings" else None
        if rule is None:
            return f"unexpected {child.qname}"
        if version < rule.since:
            return f"{child.tag} is not defined in protocol version {version}"
        counts[child.tag] += 1
        if counts[child.tag] > rule.max:
            return f"more than {rule.max} {child.tag}"
        if rule.children is None:
            if child.children:
                return f"{child.tag} holds elements"
        else:
            problem = _content_problem(child, rule.children, version)
            if problem is not None:
                return f"{child.tag}/{problem}"
    missing = [tag for tag, rule in allowed.items() if rule.required and not counts[tag]]
    return f"{missing[0]} is missing" if missing else None
