"""Provision: policy download, acknowledgment and remote wipe (MS-ASPROV 3.2.5.1, MS-ASCMD 2.2.1.14).

Request shapes (MS-ASPROV 3.1.5.1):

* initial:  Provision{[settings:DeviceInformation{Set{...}}], Policies{Policy{PolicyType}}}
  (DeviceInformation: 14.1 and later, 2.2.2.53)
* ack:      Provision{Policies{Policy{PolicyType, PolicyKey, Status}}} (PolicyKey before Status)
* wipe ack: Provision{RemoteWipe{Status}} or Provision{AccountOnlyRemoteWipe{Status}} (16.1)
* empty:    Provision{} (what a device sends after Status 140, 3.1.5.1.1)

Response (ProvisionResponse.xsd): Provision{[settings:DeviceInformation{Status}], Status,
[Policies{Policy{PolicyType, Status, [PolicyKey], [Data]}}], [RemoteWipe | AccountOnlyRemoteWipe]}.

The temporary key of the initial response becomes the final key only when the device acknowledges it
(3.2.5.1.2.1); a requested wipe answers every Provision request (3.2.5.1.1). Both lifecycles are the
tables ``PROVISIONING`` and ``WIPE`` below, swept by property tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum, IntEnum
from typing import Final

from airsync.devices.policy import WAP_POLICY_TYPE, new_policy_key, policy_type_for
from airsync.protocol.errors import StatusError
from airsync.protocol.versions import V14_0, V14_1, V16_1
from airsync.wbxml import E, Element

from .context import RequestContext


class Status(IntEnum):
    """Status (Provision), MS-ASPROV 2.2.2.54.2 and 3.1.5.2."""

    Success = 1  #: Success.
    ProtocolError = 2  #: Protocol error: syntax error in the Provision command request.
    ServerError = 3  #: An error occurred on the server.
    DeviceNotFullyProvisionable = 139  #: The client cannot fully comply with all requirements of the policy.
    LegacyDeviceOnStrictPolicy = 141  #: The device is not provisionable.
    ExternallyManagedDevicesNotAllowed = 145  #: The client is externally managed.


class PolicyStatus(IntEnum):
    """Status (Policy) in a response, MS-ASPROV 2.2.2.54.1."""

    Success = 1  #: Success.
    NoPolicy = 2  #: There is no policy for this client.
    UnknownPolicyType = 3  #: Unknown PolicyType value.
    PolicyDataCorrupt = 4  #: The policy data on the server is corrupted (possibly tampered with).
    WrongPolicyKey = 5  #: The client is acknowledging the wrong policy key.


class ClientPolicyStatus(IntEnum):
    """Status (Policy) in an acknowledgment request, MS-ASPROV 2.2.2.54.1."""

    Applied = 1  #: Success.
    PartiallyApplied = 2  #: Partial success (at least the PIN was enabled).
    NotApplied = 3  #: The client did not apply the policy at all.
    ExternallyManaged = 4  #: The client claims to have been provisioned by a third party.


class WipeStatus(IntEnum):
    """Status (RemoteWipe), MS-ASPROV 2.2.2.54.3."""

    Succeeded = 1  #: The client remote wipe operation was successful.
    Failed = 2  #: The remote wipe operation failed.


# --- The lifecycles, as tables ------------------------------------------------------------------


class Prov(Enum):
    """A device's provisioning state, read from its record (pending key? final key?)."""

    UNPROVISIONED = "unprovisioned"  # no key at all
    PENDING = "pending"  # a temporary key was handed out, no final key yet
    PROVISIONED = "provisioned"  # a final key
    REPROVISIONING = "reprovisioning"  # a final key, and a temporary key for the new policy


class ProvEvent(Enum):
    REQUEST = "request"  # initial request with the PolicyType of the version
    UNKNOWN_TYPE = "unknown type"  # a PolicyType the version does not use
    WRONG_KEY = "wrong key"  # ack of a key that is not the pending temporary key
    COMPLIANT = "compliant"  # ack of the pending key, with a compliance level the server accepts
    NONCOMPLIANT = "noncompliant"  # ack of the pending key, status 2 or 3, refused
    EXTERNAL = "external"  # ack of the pending key, status 4, refused


class ProvAnswer(Enum):
    SEND_POLICY = "send policy"  # Policy Status 1, temporary key, Data
    UNKNOWN_TYPE = "unknown type"  # Policy Status 3
    WRONG_KEY = "wrong key"  # Policy Status 5, no key
    FINAL_KEY = "final key"  # Policy Status 1, final key, no Data
    CANNOT_COMPLY = "cannot comply"  # Provision Status 139
    EXTERNALLY_MANAGED = "externally managed"  # Provision Status 145


_P, _E, _A = Prov, ProvEvent, ProvAnswer

#: (state, event) -> (new state, answer). An acknowledgment can only match a pending key, so the
#: COMPLIANT/NONCOMPLIANT/EXTERNAL rows of states without one answer as a wrong key.
PROVISIONING: Final[dict[tuple[Prov, ProvEvent], tuple[Prov, ProvAnswer]]] = {
    (_P.UNPROVISIONED, _E.REQUEST): (_P.PENDING, _A.SEND_POLICY),
    (_P.PENDING, _E.REQUEST): (_P.PENDING, _A.SEND_POLICY),
    (_P.PROVISIONED, _E.REQUEST): (_P.REPROVISIONING, _A.SEND_POLICY),
    (_P.REPROVISIONING, _E.REQUEST): (_P.REPROVISIONING, _A.SEND_POLICY),
    **{(s, _E.UNKNOWN_TYPE): (s, _A.UNKNOWN_TYPE) for s in Prov},
    **{(s, _E.WRONG_KEY): (s, _A.WRONG_KEY) for s in Prov},
    (_P.UNPROVISIONED, _E.COMPLIANT): (_P.UNPROVISIONED, _A.WRONG_KEY),
    (_P.PENDING, _E.COMPLIANT): (_P.PROVISIONED, _A.FINAL_KEY),
    (_P.PROVISIONED, _E.COMPLIANT): (_P.PROVISIONED, _A.WRONG_KEY),
    (_P.REPROVISIONING, _E.COMPLIANT): (_P.PROVISIONED, _A.FINAL_KEY),
    (_P.UNPROVISIONED, _E.NONCOMPLIANT): (_P.UNPROVISIONED, _A.WRONG_KEY),
    (_P.PENDING, _E.NONCOMPLIANT): (_P.UNPROVISIONED, _A.CANNOT_COMPLY),
    (_P.PROVISIONED, _E.NONCOMPLIANT): (_P.PROVISIONED, _A.WRONG_KEY),
    (_P.REPROVISIONING, _E.NONCOMPLIANT): (_P.PROVISIONED, _A.CANNOT_COMPLY),  # old key, stale: 143 again
    (_P.UNPROVISIONED, _E.EXTERNAL): (_P.UNPROVISIONED, _A.WRONG_KEY),
    (_P.PENDING, _E.EXTERNAL): (_P.UNPROVISIONED, _A.EXTERNALLY_MANAGED),
    (_P.PROVISIONED, _E.EXTERNAL): (_P.PROVISIONED, _A.WRONG_KEY),
    (_P.REPROVISIONING, _E.EXTERNAL): (_P.PROVISIONED, _A.EXTERNALLY_MANAGED),
}


class WipeEvent(Enum):
    OTHER = "other"  # any request that is not a wipe acknowledgment
    ACK_SUCCEEDED = "ack succeeded"  # RemoteWipe/AccountOnlyRemoteWipe{Status 1}
    ACK_FAILED = "ack failed"  # RemoteWipe/AccountOnlyRemoteWipe{Status 2}


class WipeAnswer(Enum):
    PASS = "pass"  # no wipe business: handle the request as provisioning
    SEND_WIPE = "send wipe"  # Status 1 + the wipe directive, nothing else (3.2.5.1.1)
    ACKNOWLEDGED = "acknowledged"  # Status 1 (3.2.5.1.2.2)
    FAILED = "failed"  # Status 2 + the wipe directive again (3.2.5.1.2.2)


#: devices.wipe_state values. (state, event) -> (new state, answer). After "acknowledged" the device
#: is left alone (an operator blocks or removes it); an ack nobody asked for is answered but not recorded.
WIPE: Final[dict[tuple[str, WipeEvent], tuple[str, WipeAnswer]]] = {
    ("none", WipeEvent.OTHER): ("none", WipeAnswer.PASS),
    ("none", WipeEvent.ACK_SUCCEEDED): ("none", WipeAnswer.ACKNOWLEDGED),
    ("none", WipeEvent.ACK_FAILED): ("none", WipeAnswer.ACKNOWLEDGED),
    ("requested", WipeEvent.OTHER): ("requested", WipeAnswer.SEND_WIPE),
    ("requested", WipeEvent.ACK_SUCCEEDED): ("acknowledged", WipeAnswer.ACKNOWLEDGED),
    ("requested", WipeEvent.ACK_FAILED): ("failed", WipeAnswer.FAILED),
    ("acknowledged", WipeEvent.OTHER): ("acknowledged", WipeAnswer.PASS),
    ("acknowledged", WipeEvent.ACK_SUCCEEDED): ("acknowledged", WipeAnswer.ACKNOWLEDGED),  # a replay
    ("acknowledged", WipeEvent.ACK_FAILED): ("failed", WipeAnswer.FAILED),
    ("failed", WipeEvent.OTHER): ("failed", WipeAnswer.PASS),
    ("failed", WipeEvent.ACK_SUCCEEDED): ("acknowledged", WipeAnswer.ACKNOWLEDGED),  # the retry worked
    ("failed", WipeEvent.ACK_FAILED): ("failed", WipeAnswer.FAILED),
}
WIPE_STATES: Final = ("none", "requested", "acknowledged", "failed")


# --- The command ---------------------------------------------------------------------------------


async def handle(ctx: RequestContext, request: Element | None) -> Element:
    try:
        req = parse(request)
    except MalformedRequest as exc:
        ctx.log.warning("Provision protocol error: %s", exc)
        return E("Provision:Provision", E("Provision:Status", Status.ProtocolError))
    device_info = await _store_device_info(ctx, req)
    wipe_answer = await _advance_wipe(ctx, req)
    if wipe_answer is not WipeAnswer.PASS:
        return _wipe_response(ctx, wipe_answer)
    if req.policy_type is None:  # an empty Provision, nothing to wipe (3.2.5.1.1, third format)
        return E("Provision:Provision", device_info, E("Provision:Status", Status.Success))
    status, policies = await _advance_provisioning(ctx, req)
    return E("Provision:Provision", device_info, E("Provision:Status", status), policies)


class MalformedRequest(Exception):
    """The request breaks the shapes of MS-ASPROV 2.2.2: answered with Status 2."""


#: The settings:DeviceInformation/Set children we store (MS-ASCMD 2.2.3.45).
DEVICE_INFO_FIELDS: Final = frozenset(
    "Model IMEI FriendlyName OS OSLanguage PhoneNumber UserAgent EnableOutboundSMS MobileOperator".split()
)


@dataclass
class ProvisionRequest:
    device_info: dict[str, str] | None = None
    policy_type: str | None = None
    policy_key: str | None = None
    #: The client's Status in an acknowledgment; None in an initial request.
    client_status: int | None = None
    #: "RemoteWipe" or "AccountOnlyRemoteWipe" and its Status, for a wipe acknowledgment.
    wipe_ack: tuple[str, int] | None = None
    ignored: list[str] = field(default_factory=list)


def parse(request: Element | None) -> ProvisionRequest:
    """The request's parts, or MalformedRequest saying what is wrong."""
    req = ProvisionRequest()
    if request is None:
        return req
    seen: set[str] = set()
    for child in request:
        if child.qname in seen:
            raise MalformedRequest(f"{child.qname} appears twice")
        seen.add(child.qname)
        if child.qname == "Settings:DeviceInformation":
            if "Provision:Policies" in seen:
                raise MalformedRequest("settings:DeviceInformation must precede Policies")
            req.device_info = _parse_device_info(child)
        elif child.qname == "Provision:Policies":
            _parse_policies(child, req)
        elif child.qname in ("Provision:RemoteWipe", "Provision:AccountOnlyRemoteWipe"):
            if req.wipe_ack is not None:
                raise MalformedRequest("both RemoteWipe and AccountOnlyRemoteWipe")
            req.wipe_ack = (child.tag, _parse_status(child, "Provision:Status", (1, 2)))
        else:
            raise MalformedRequest(f"unexpected {child.qname} in Provision")
    return req


def _parse_device_info(el: Element) -> dict[str, str]:
    set_el = el.find("Settings:Set")
    if set_el is None or len(el.children) != 1:
        raise MalformedRequest("settings:DeviceInformation must hold exactly one settings:Set")
    info: dict[str, str] = {}
    for item in set_el:
        if item.children:
            raise MalformedRequest(f"{item.qname} in DeviceInformation must be a value, not a container")
        if item.ns == "Settings" and item.tag in DEVICE_INFO_FIELDS:
            info[item.tag] = item.text
    return info


def _parse_policies(el: Element, req: ProvisionRequest) -> None:
    policies = el.findall("Provision:Policy")
    if not policies or len(policies) != len(el.children):
        raise MalformedRequest("Policies must hold Policy elements only, at least one")
    policy = policies[0]
    if len(policies) > 1:
        req.ignored.append(f"{len(policies) - 1} further Policy elements")
    names = [child.qname for child in policy]
    for name in names:
        if name not in ("Provision:PolicyType", "Provision:PolicyKey", "Provision:Status"):
            raise MalformedRequest(f"unexpected {name} in Policy")
        if names.count(name) > 1:
            raise MalformedRequest(f"{name} appears twice in Policy")
    policy_type = policy.find("Provision:PolicyType")
    if policy_type is None or not policy_type.text.strip():
        raise MalformedRequest("Policy without PolicyType")
    req.policy_type = policy_type.text.strip()
    key = policy.find("Provision:PolicyKey")
    has_status = "Provision:Status" in names
    if key is None and not has_status:
        return  # an initial request
    if key is None or not has_status:
        raise MalformedRequest("an acknowledgment needs both PolicyKey and Status")
    if names.index("Provision:PolicyKey") > names.index("Provision:Status"):
        raise MalformedRequest("PolicyKey must appear before Status (MS-ASPROV 2.2.2.41)")
    req.policy_key = key.text.strip()
    req.client_status = _parse_status(policy, "Provision:Status", (1, 2, 3, 4))


def _parse_status(el: Element, tag: str, allowed: tuple[int, ...]) -> int:
    text = (el.findtext(tag) or "").strip()
    if not text.isdigit() or int(text) not in allowed:
        raise MalformedRequest(f"{el.qname}/Status must be one of {allowed}, not {text!r}")
    return int(text)


async def _store_device_info(ctx: RequestContext, req: ProvisionRequest) -> Element | None:
    """Store settings:DeviceInformation (3.2.5.1.1, SHOULD) and answer it for 14.1 and later."""
    if req.device_info is None:
        if req.policy_type is not None and req.policy_key is None and ctx.version >= V14_1:
            ctx.log.info("initial Provision without settings:DeviceInformation (a MUST for 14.1+ clients)")
        return None
    if req.device_info:
        await ctx.services.devices.merge_device_info(ctx.device.id, req.device_info)
    if ctx.version < V14_1:
        ctx.log.info("settings:DeviceInformation from a %s client stored, not answered", ctx.version)
        return None
    return E("Settings:DeviceInformation", E("Settings:Status", 1))


async def _advance_wipe(ctx: RequestContext, req: ProvisionRequest) -> WipeAnswer:
    if req.wipe_ack is None:
        event = WipeEvent.OTHER
    else:
        succeeded = req.wipe_ack[1] == WipeStatus.Succeeded
        event = WipeEvent.ACK_SUCCEEDED if succeeded else WipeEvent.ACK_FAILED
    state = ctx.device.wipe_state if ctx.device.wipe_state in WIPE_STATES else "none"
    new_state, answer = WIPE[state, event]
    if req.wipe_ack is not None:
        element, status = req.wipe_ack
        if state == "none":
            ctx.log.warning("unsolicited %s acknowledgment (status %d) not recorded", element, status)
        else:
            ctx.log.warning("remote wipe acknowledged: %s status %d", element, status)
            await ctx.services.devices.update(
                ctx.device.id, wipe_state=new_state, wipe_acknowledged_at=datetime.now(UTC)
            )
    return answer


def _wipe_response(ctx: RequestContext, answer: WipeAnswer) -> Element:
    status = Status.ProtocolError if answer is WipeAnswer.FAILED else Status.Success
    directive = None
    if answer in (WipeAnswer.SEND_WIPE, WipeAnswer.FAILED):
        account_only = ctx.device.wipe_type == "account" and ctx.version >= V16_1
        directive = E("Provision:AccountOnlyRemoteWipe" if account_only else "Provision:RemoteWipe")
    return E("Provision:Provision", E("Provision:Status", status), directive)


def _classify(ctx: RequestContext, req: ProvisionRequest) -> ProvEvent:
    if req.policy_type != policy_type_for(ctx.version):
        return ProvEvent.UNKNOWN_TYPE
    if req.client_status is None:
        return ProvEvent.REQUEST
    pending = ctx.device.pending_policy_key
    if pending is None or req.policy_key != str(pending):
        return ProvEvent.WRONG_KEY
    policy = ctx.services.policy
    strict = policy.required and policy.restrictive
    if req.client_status == ClientPolicyStatus.Applied or not strict:
        return ProvEvent.COMPLIANT
    if req.client_status == ClientPolicyStatus.ExternallyManaged:
        return ProvEvent.EXTERNAL
    return ProvEvent.NONCOMPLIANT


def provisioning_state(pending_key: int | None, final_key: int | None) -> Prov:
    if final_key is None:
        return Prov.UNPROVISIONED if pending_key is None else Prov.PENDING
    return Prov.PROVISIONED if pending_key is None else Prov.REPROVISIONING


async def _advance_provisioning(ctx: RequestContext, req: ProvisionRequest) -> tuple[Status, Element | None]:
    """Run one step of PROVISIONING and store what changed: the Provision Status and the Policies
    element to answer with."""
    assert req.policy_type is not None
    device, policy = ctx.device, ctx.services.policy
    event = _classify(ctx, req)
    _, answer = PROVISIONING[provisioning_state(device.pending_policy_key, device.policy_key), event]
    if req.ignored:
        ctx.log.info("Provision: ignored %s", ", ".join(req.ignored))
    key: int | None = None
    data: Element | None = None
    if answer is ProvAnswer.SEND_POLICY:
        key = new_policy_key()
        await ctx.services.devices.update(device.id, pending_policy_key=key)
        if req.policy_type == WAP_POLICY_TYPE:
            data = E("Provision:Data", policy.wap_provisioning_xml())
        else:
            data = E("Provision:Data", policy.eas_provision_doc(ctx.version))
    elif answer is ProvAnswer.FINAL_KEY:
        key = new_policy_key()
        while key == device.pending_policy_key:
            key = new_policy_key()
        await ctx.services.devices.update(
            device.id,
            policy_key=key,
            pending_policy_key=None,
            policy_fingerprint=policy.fingerprint(ctx.version),
            policy_status=req.client_status,
            provisioned_at=datetime.now(UTC),
        )
        ctx.log.info("provisioned with key %d (client status %s)", key, req.client_status)
    elif answer in (ProvAnswer.CANNOT_COMPLY, ProvAnswer.EXTERNALLY_MANAGED):
        await ctx.services.devices.update(device.id, pending_policy_key=None, policy_status=req.client_status)
        return _refusal(ctx, answer, req.client_status), None
    else:
        ctx.log.warning("Provision: %s (type %r, key %r)", answer.value, req.policy_type, req.policy_key)
    policy_status = {
        ProvAnswer.UNKNOWN_TYPE: PolicyStatus.UnknownPolicyType,
        ProvAnswer.WRONG_KEY: PolicyStatus.WrongPolicyKey,
    }.get(answer, PolicyStatus.Success)
    return Status.Success, E(
        "Provision:Policies",
        E(
            "Provision:Policy",
            E("Provision:PolicyType", req.policy_type),
            E("Provision:Status", policy_status),
            E("Provision:PolicyKey", str(key)) if key is not None else None,
            data,
        ),
    )


def _refusal(ctx: RequestContext, answer: ProvAnswer, client_status: int | None) -> Status:
    """Provision Status 139 or 145 (3.1.5.2). Clients before 14.0 know no status above 100 in
    Provision: they get HTTP 403 through dispatch."""
    status = (
        Status.DeviceNotFullyProvisionable
        if answer is ProvAnswer.CANNOT_COMPLY
        else Status.ExternallyManagedDevicesNotAllowed
    )
    reason = f"policy acknowledged with status {client_status}, refused"
    ctx.log.warning("Provision: %s", reason)
    if ctx.version < V14_0:
        raise StatusError(status, reason, http=403)
    return status
