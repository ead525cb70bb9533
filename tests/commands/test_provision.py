"""Provision (MS-ASPROV 3.2.5.1): the two-phase handshake in every version, remote wipe, errors, and the
lifecycle tables. Every response is encoded to WBXML and back, and validated against
ProvisionResponse.xsd (through tests/schemas.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from defusedxml import ElementTree as DET
from hypothesis import given
from hypothesis import strategies as st

from airsync.commands import provision
from airsync.commands.context import RequestContext
from airsync.commands.provision import (
    PROVISIONING,
    WIPE,
    WIPE_STATES,
    Prov,
    ProvAnswer,
    ProvEvent,
    WipeAnswer,
    WipeEvent,
    provisioning_state,
)
from airsync.devices.policy import WAP_POLICY_TYPE, WBXML_POLICY_TYPE, PolicyProvider
from airsync.protocol.errors import StatusError
from airsync.protocol.versions import V12_0, V14_1, ProtocolVersion
from airsync.wbxml import E, Element, decode, encode
from tests.data import CAPTURES as _CAPTURES
from tests.schemas import validate_response

CAPTURES = _CAPTURES / "pyactivesync-wbxml"
VERSIONS = ["2.5", "12.0", "12.1", "14.0", "14.1", "16.0", "16.1"]
RESTRICTIVE = {"DevicePasswordEnabled": 1, "MinDevicePasswordLength": 6, "MaxDevicePasswordFailedAttempts": 8}


# --- schema validation ---------------------------------------------------------------------------


def _schema_view(el: Element) -> Element:
    """ProvisionResponse.xsd knows Data only as the WBXML container (2.2.2.24.1); the 2.5 string form
    (2.2.2.24.2) is checked by parsing it instead."""
    if el.tag == "Data" and isinstance(el.value, str):
        return Element("Provision", "Data", None, (Element("Provision", "EASProvisionDoc"),))
    return dataclasses.replace(el, children=tuple(_schema_view(c) for c in el.children))


def check_response(response: Element) -> Element:
    """Round-trip through WBXML, validate against the schema, return the tree."""
    assert decode(encode(response)) == response
    validate_response(_schema_view(response))
    return response


# --- requests ------------------------------------------------------------------------------------


def policy_type(version: str) -> str:
    return WAP_POLICY_TYPE if ProtocolVersion.parse(version) < V12_0 else WBXML_POLICY_TYPE


def initial(version: str, *, device_info: bool = True, ptype: str | None = None) -> Element:
    info = None
    if device_info and ProtocolVersion.parse(version) >= V14_1:
        info = E(
            "Settings:DeviceInformation",
            E("Settings:Set", E("Settings:Model", "Test"), E("Settings:OS", "T 1")),
        )
    return E(
        "Provision:Provision",
        info,
        E(
            "Provision:Policies",
            E("Provision:Policy", E("Provision:PolicyType", ptype or policy_type(version))),
        ),
    )


def ack(version: str, key: Any, status: int = 1) -> Element:
    return E(
        "Provision:Provision",
        E(
            "Provision:Policies",
            E(
                "Provision:Policy",
                E("Provision:PolicyType", policy_type(version)),
                E("Provision:PolicyKey", str(key)),
                E("Provision:Status", status),
            ),
        ),
    )


def wipe_ack(status: int, tag: str = "RemoteWipe") -> Element:
    return E("Provision:Provision", E(f"Provision:{tag}", E("Provision:Status", status)))


EMPTY = E("Provision:Provision")


def policy_of(response: Element) -> Element:
    policies = response.find("Policies")
    assert policies is not None
    policy = policies.find("Policy")
    assert policy is not None
    return policy


async def run(
    make_context: Any, version: str, request: Element | None, **kw: Any
) -> tuple[Element, RequestContext]:
    ctx = await make_context(version, **kw)
    response = check_response(await provision.handle(ctx, request))
    return response, ctx


async def reload(ctx: RequestContext) -> Any:
    return await ctx.services.devices.get(ctx.user.id, ctx.device.device_id)


# --- the handshake, every version ----------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
async def test_two_phase_handshake(make_context: Any, version: str) -> None:
    v = ProtocolVersion.parse(version)
    response, ctx = await run(make_context, version, initial(version))
    children = [c.qname for c in response]
    if v >= V14_1:
        assert children[0] == "Settings:DeviceInformation"
        assert response.find("Settings:DeviceInformation").findtext("Settings:Status") == "1"
        assert (await reload(ctx)).device_info == {"Model": "Test", "OS": "T 1"}
    else:
        assert "Settings:DeviceInformation" not in children
    assert response.findtext("Status") == "1"
    assert "Provision:RemoteWipe" not in children
    policy = policy_of(response)
    assert [c.tag for c in policy] == ["PolicyType", "Status", "PolicyKey", "Data"]
    assert policy.findtext("PolicyType") == policy_type(version)
    assert policy.findtext("Status") == "1"
    temporary = int(policy.findtext("PolicyKey"))
    assert 0 < temporary < 2**32
    data = policy.find("Data")
    if v < V12_0:
        assert isinstance(data.value, str) and DET.fromstring(data.value).tag == "wap-provisioningdoc"
    else:
        assert data.find("EASProvisionDoc") == ctx.services.policy.eas_provision_doc(v)

    device = await reload(ctx)
    assert device.pending_policy_key == temporary and device.policy_key is None
    checker = ctx.services.policy
    assert checker.check(device, None, v) == 142
    assert checker.check(device, temporary, v) == 142

    response, ctx = await run(make_context, version, ack(version, temporary), policy_key=temporary)
    assert response.findtext("Status") == "1"
    policy = policy_of(response)
    assert [c.tag for c in policy] == ["PolicyType", "Status", "PolicyKey"]
    final = int(policy.findtext("PolicyKey"))
    assert final != temporary and final != 0
    device = await reload(ctx)
    assert device.policy_key == final and device.pending_policy_key is None
    assert device.policy_fingerprint == checker.fingerprint(v)
    assert device.policy_status == 1 and device.provisioned_at is not None

    assert checker.check(device, final, v) is None
    assert checker.check(device, None, v) == 142
    assert checker.check(device, 0, v) == 142
    assert checker.check(device, final ^ 1, v) == 144
    changed = PolicyProvider({"DevicePasswordEnabled": 1}, required=True)
    assert changed.check(device, final, v) == 143


@pytest.mark.parametrize("version", ["14.1", "16.0", "16.1"])
async def test_missing_device_information_is_accepted(make_context: Any, version: str) -> None:
    response, _ = await run(make_context, version, initial(version, device_info=False))
    assert response.find("Settings:DeviceInformation") is None
    assert policy_of(response).findtext("Status") == "1"


@pytest.mark.parametrize("version", ["12.1", "14.0"])
async def test_device_information_from_older_clients_is_stored_not_answered(
    make_context: Any, version: str
) -> None:
    request = initial("14.1")
    response, ctx = await run(make_context, version, request)
    assert response.find("Settings:DeviceInformation") is None
    assert policy_of(response).findtext("Status") == "1"
    assert (await reload(ctx)).device_info["Model"] == "Test"


async def test_reprovision_keeps_the_final_key_until_acknowledged(make_context: Any) -> None:
    response, ctx = await run(make_context, "14.1", initial("14.1"))
    temporary = policy_of(response).findtext("PolicyKey")
    response, ctx = await run(make_context, "14.1", ack("14.1", temporary))
    final = int(policy_of(response).findtext("PolicyKey"))
    response, ctx = await run(make_context, "14.1", initial("14.1"), policy_key=final)
    device = await reload(ctx)
    assert device.policy_key == final and device.pending_policy_key == int(
        policy_of(response).findtext("PolicyKey")
    )
    assert ctx.services.policy.check(device, final, ctx.version) is None


# --- the pyactivesync capture ------------------------------------------------------------------


async def test_pyactivesync_capture(make_context: Any) -> None:
    first = decode((CAPTURES / "00_Provision.wbxml").read_bytes())
    second = decode((CAPTURES / "01_Provision.wbxml").read_bytes())
    response, ctx = await run(make_context, "16.1", first)
    assert response.find("Settings:DeviceInformation").findtext("Settings:Status") == "1"
    assert (await reload(ctx)).device_info == {
        "Model": "pyactivesync",
        "FriendlyName": "pyactivesync client",
        "OS": "Linux",
        "UserAgent": "pyactivesync/0.1",
    }
    # 01 acknowledges 1307199584, a key another server issued: wrong key.
    response, ctx = await run(make_context, "16.1", second)
    policy = policy_of(response)
    assert policy.findtext("Status") == "5" and policy.find("PolicyKey") is None
    assert (await reload(ctx)).policy_key is None

    await ctx.services.devices.update(ctx.device.id, pending_policy_key=1307199584)
    response, ctx = await run(make_context, "16.1", second)
    policy = policy_of(response)
    assert policy.findtext("Status") == "1"
    assert (await reload(ctx)).policy_key == int(policy.findtext("PolicyKey")) != 1307199584


# --- policy errors and protocol errors -----------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "ptype"),
    [("14.1", "MS-WAP-Provisioning-XML"), ("2.5", "MS-EAS-Provisioning-WBXML"), ("16.1", "bogus")],
)
async def test_unknown_policy_type(make_context: Any, version: str, ptype: str) -> None:
    response, ctx = await run(make_context, version, initial(version, ptype=ptype))
    assert response.findtext("Status") == "1"
    policy = policy_of(response)
    assert policy.findtext("Status") == "3" and policy.findtext("PolicyType") == ptype
    assert policy.find("PolicyKey") is None and policy.find("Data") is None
    assert (await reload(ctx)).pending_policy_key is None


@pytest.mark.parametrize("version", VERSIONS)
async def test_wrong_ack_key(make_context: Any, version: str) -> None:
    response, ctx = await run(make_context, version, initial(version))
    temporary = int(policy_of(response).findtext("PolicyKey"))
    response, ctx = await run(make_context, version, ack(version, temporary + 1))
    policy = policy_of(response)
    assert policy.findtext("Status") == "5" and policy.find("PolicyKey") is None
    device = await reload(ctx)
    assert device.policy_key is None and device.pending_policy_key == temporary


def _policy(*children: Element) -> Element:
    return E("Provision:Provision", E("Provision:Policies", E("Provision:Policy", *children)))


MALFORMED = {
    "missing PolicyType": _policy(),
    "empty PolicyType": _policy(E("Provision:PolicyType")),
    "missing Policy": E("Provision:Provision", E("Provision:Policies")),
    "key after status": _policy(
        E("Provision:PolicyType", WBXML_POLICY_TYPE), E("Provision:Status", 1), E("Provision:PolicyKey", "1")
    ),
    "key without status": _policy(
        E("Provision:PolicyType", WBXML_POLICY_TYPE), E("Provision:PolicyKey", "1")
    ),
    "status not a number": _policy(
        E("Provision:PolicyType", WBXML_POLICY_TYPE),
        E("Provision:PolicyKey", "1"),
        E("Provision:Status", "yes"),
    ),
    "status out of range": _policy(
        E("Provision:PolicyType", WBXML_POLICY_TYPE), E("Provision:PolicyKey", "1"), E("Provision:Status", 9)
    ),
    "PolicyType twice": _policy(E("Provision:PolicyType", "a"), E("Provision:PolicyType", "b")),
    "stranger in Policy": _policy(E("Provision:PolicyType", WBXML_POLICY_TYPE), E("Provision:Data", "x")),
    "stranger in Provision": E("Provision:Provision", E("Provision:Status", 1)),
    "DeviceInformation after Policies": E(
        "Provision:Provision",
        E("Provision:Policies", E("Provision:Policy", E("Provision:PolicyType", WBXML_POLICY_TYPE))),
        E("Settings:DeviceInformation", E("Settings:Set", E("Settings:Model", "x"))),
    ),
    "DeviceInformation without Set": E("Provision:Provision", E("Settings:DeviceInformation")),
    "wipe ack without status": E("Provision:Provision", E("Provision:RemoteWipe")),
    "wipe ack status 3": wipe_ack(3),
}


@pytest.mark.parametrize("name", MALFORMED)
async def test_malformed_request_is_a_protocol_error(
    make_context: Any, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    response, ctx = await run(make_context, "14.1", MALFORMED[name])
    assert response == E("Provision:Provision", E("Provision:Status", 2))
    assert "Provision protocol error" in caplog.text
    device = await reload(ctx)
    assert device.pending_policy_key is None and device.policy_key is None


# --- compliance ----------------------------------------------------------------------------------


def strict(ctx: RequestContext, overrides: dict[str, Any] | None = None, *, required: bool = True) -> None:
    policy = PolicyProvider(RESTRICTIVE if overrides is None else overrides, required=required)
    ctx.services.policy = policy  # the shared Services object: later contexts see it too


@pytest.mark.parametrize(("client_status", "expected"), [(2, 139), (3, 139), (4, 145)])
async def test_strict_policy_refuses_partial_compliance(
    make_context: Any, client_status: int, expected: int
) -> None:
    ctx = await make_context("14.1")
    strict(ctx)
    response, ctx = await run(make_context, "14.1", initial("14.1"))
    temporary = policy_of(response).findtext("PolicyKey")
    response, ctx = await run(make_context, "14.1", ack("14.1", temporary, client_status))
    assert response == E("Provision:Provision", E("Provision:Status", expected))
    device = await reload(ctx)
    assert device.policy_key is None and device.pending_policy_key is None
    assert device.policy_status == client_status


async def test_strict_refusal_before_14_is_an_http_error(make_context: Any) -> None:
    ctx = await make_context("12.1")
    strict(ctx)
    response, ctx = await run(make_context, "12.1", initial("12.1"))
    temporary = policy_of(response).findtext("PolicyKey")
    with pytest.raises(StatusError) as raised:
        await provision.handle(await make_context("12.1"), ack("12.1", temporary, 2))
    assert raised.value.status == 139 and raised.value.http == 403


@pytest.mark.parametrize("client_status", [2, 3, 4])
@pytest.mark.parametrize(("overrides", "required"), [({}, True), (RESTRICTIVE, False)])
async def test_lenient_policy_accepts_any_compliance(
    make_context: Any, client_status: int, overrides: dict[str, Any], required: bool
) -> None:
    ctx = await make_context("16.0")
    strict(ctx, overrides, required=required)
    response, ctx = await run(make_context, "16.0", initial("16.0"))
    temporary = policy_of(response).findtext("PolicyKey")
    response, ctx = await run(make_context, "16.0", ack("16.0", temporary, client_status))
    final = int(policy_of(response).findtext("PolicyKey"))
    device = await reload(ctx)
    assert device.policy_key == final and device.policy_status == client_status


# --- remote wipe ---------------------------------------------------------------------------------


async def request_wipe(ctx: RequestContext, *, account_only: bool = False) -> None:
    assert await ctx.services.devices.request_wipe(
        ctx.user.id, ctx.device.device_id, account_only=account_only
    )


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("request_kind", ["empty", "initial"])
async def test_wipe_directive_answers_any_provision(
    make_context: Any, version: str, request_kind: str
) -> None:
    ctx = await make_context(version)
    await request_wipe(ctx)
    device = await reload(ctx)
    assert ctx.services.policy.check(device, None, ctx.version) == 140
    assert PolicyProvider({}, required=False).check(device, 12345, ctx.version) == 140
    request = EMPTY if request_kind == "empty" else initial(version)
    response, ctx = await run(make_context, version, request)
    assert response == E("Provision:Provision", E("Provision:Status", 1), E("Provision:RemoteWipe"))
    assert (await reload(ctx)).pending_policy_key is None


@pytest.mark.parametrize("version", VERSIONS)
async def test_account_only_wipe_only_for_16_1(make_context: Any, version: str) -> None:
    ctx = await make_context(version)
    await request_wipe(ctx, account_only=True)
    response, ctx = await run(make_context, version, EMPTY)
    tag = "AccountOnlyRemoteWipe" if version == "16.1" else "RemoteWipe"
    assert response == E("Provision:Provision", E("Provision:Status", 1), E(f"Provision:{tag}"))


@pytest.mark.parametrize("tag", ["RemoteWipe", "AccountOnlyRemoteWipe"])
async def test_wipe_acknowledged(make_context: Any, tag: str) -> None:
    ctx = await make_context("16.1")
    await request_wipe(ctx, account_only=tag == "AccountOnlyRemoteWipe")
    response, ctx = await run(make_context, "16.1", wipe_ack(1, tag))
    assert response == E("Provision:Provision", E("Provision:Status", 1))
    device = await reload(ctx)
    assert device.wipe_state == "acknowledged" and device.wipe_acknowledged_at is not None
    assert ctx.services.policy.check(device, None, ctx.version) == 142  # no longer 140


async def test_wipe_failure_repeats_the_directive(make_context: Any) -> None:
    ctx = await make_context("14.0")
    await request_wipe(ctx)
    response, ctx = await run(make_context, "14.0", wipe_ack(2))
    assert response == E("Provision:Provision", E("Provision:Status", 2), E("Provision:RemoteWipe"))
    device = await reload(ctx)
    assert device.wipe_state == "failed" and device.wipe_acknowledged_at is not None
    response, ctx = await run(make_context, "14.0", wipe_ack(1))
    assert response == E("Provision:Provision", E("Provision:Status", 1))
    assert (await reload(ctx)).wipe_state == "acknowledged"


async def test_no_wipe_element_without_a_wipe(make_context: Any) -> None:
    response, ctx = await run(make_context, "16.1", EMPTY)
    assert response == E("Provision:Provision", E("Provision:Status", 1))
    response, ctx = await run(make_context, "16.1", wipe_ack(1))  # unsolicited: answered, not recorded
    assert response == E("Provision:Provision", E("Provision:Status", 1))
    assert (await reload(ctx)).wipe_state == "none"


# --- the lifecycle tables ------------------------------------------------------------------------

HAS_PENDING = {Prov.PENDING, Prov.REPROVISIONING}
HAS_FINAL = {Prov.PROVISIONED, Prov.REPROVISIONING}


def test_tables_are_total() -> None:
    assert set(PROVISIONING) == {(s, e) for s in Prov for e in ProvEvent}
    assert set(WIPE) == {(s, e) for s in WIPE_STATES for e in WipeEvent}


@given(st.sampled_from(Prov), st.sampled_from(ProvEvent))
def test_provisioning_table(state: Prov, event: ProvEvent) -> None:
    new, answer = PROVISIONING[state, event]
    assert isinstance(new, Prov) and isinstance(answer, ProvAnswer)
    if state in HAS_FINAL:
        assert new in HAS_FINAL  # a final key is only ever replaced by another one
    if answer is ProvAnswer.SEND_POLICY:
        assert new in HAS_PENDING
    if answer is ProvAnswer.FINAL_KEY:
        assert state in HAS_PENDING and new is Prov.PROVISIONED
    if answer in (ProvAnswer.CANNOT_COMPLY, ProvAnswer.EXTERNALLY_MANAGED):
        assert state in HAS_PENDING and new not in HAS_PENDING
    if answer in (ProvAnswer.WRONG_KEY, ProvAnswer.UNKNOWN_TYPE):
        assert new is state
    if state not in HAS_PENDING and event not in (ProvEvent.REQUEST, ProvEvent.UNKNOWN_TYPE):
        assert answer is ProvAnswer.WRONG_KEY  # nothing to acknowledge


@given(st.sampled_from(WIPE_STATES), st.sampled_from(WipeEvent))
def test_wipe_table(state: str, event: WipeEvent) -> None:
    new, answer = WIPE[state, event]
    assert new in WIPE_STATES and isinstance(answer, WipeAnswer)
    if event is WipeEvent.OTHER:
        assert new == state
        assert (answer is WipeAnswer.SEND_WIPE) == (state == "requested")
        assert answer in (WipeAnswer.PASS, WipeAnswer.SEND_WIPE)
    else:
        assert answer in (WipeAnswer.ACKNOWLEDGED, WipeAnswer.FAILED)
        if state != "none":
            expected = "acknowledged" if event is WipeEvent.ACK_SUCCEEDED else "failed"
            assert new == expected
        else:
            assert new == "none"


STATE_KEYS = {
    Prov.UNPROVISIONED: (None, None),
    Prov.PENDING: (111, None),
    Prov.PROVISIONED: (None, 222),
    Prov.REPROVISIONING: (111, 222),
}


def _event_request(event: ProvEvent) -> Element:
    if event is ProvEvent.REQUEST:
        return initial("14.1")
    if event is ProvEvent.UNKNOWN_TYPE:
        return initial("14.1", ptype="bogus")
    if event is ProvEvent.WRONG_KEY:
        return ack("14.1", 999)
    return ack("14.1", 111, {ProvEvent.COMPLIANT: 1, ProvEvent.NONCOMPLIANT: 3, ProvEvent.EXTERNAL: 4}[event])


@pytest.mark.parametrize("state", list(Prov))
@pytest.mark.parametrize("event", list(ProvEvent))
async def test_handler_follows_the_table(make_context: Any, state: Prov, event: ProvEvent) -> None:
    """Every (state, event) pair driven through the handler and the store: the stored keys land in
    the state the table names, and the response says what the table's answer says."""
    ctx = await make_context("14.1")
    strict(ctx)
    pending, final = STATE_KEYS[state]
    await ctx.services.devices.update(ctx.device.id, pending_policy_key=pending, policy_key=final)
    assert provisioning_state(*STATE_KEYS[state]) is state
    new, answer = PROVISIONING[state, event]

    response, ctx = await run(make_context, "14.1", _event_request(event))
    device = await reload(ctx)
    assert provisioning_state(device.pending_policy_key, device.policy_key) is new
    status = int(response.findtext("Status"))
    if answer is ProvAnswer.CANNOT_COMPLY:
        assert status == 139
    elif answer is ProvAnswer.EXTERNALLY_MANAGED:
        assert status == 145
    else:
        assert status == 1
        expected = {ProvAnswer.UNKNOWN_TYPE: "3", ProvAnswer.WRONG_KEY: "5"}.get(answer, "1")
        assert policy_of(response).findtext("Status") == expected
        has_data = policy_of(response).find("Data") is not None
        assert has_data == (answer is ProvAnswer.SEND_POLICY)
    if answer is not ProvAnswer.FINAL_KEY:
        assert device.policy_key == (final if new in HAS_FINAL else None)


async def test_wipe_table_through_the_handler(make_context: Any) -> None:
    for state in WIPE_STATES:
        for event, request in (
            (WipeEvent.OTHER, EMPTY),
            (WipeEvent.ACK_SUCCEEDED, wipe_ack(1)),
            (WipeEvent.ACK_FAILED, wipe_ack(2)),
        ):
            ctx = await make_context("16.1", device_id=f"W-{state}-{event.name}")
            await ctx.services.devices.update(ctx.device.id, wipe_state=state, wipe_type="full")
            new, answer = WIPE[state, event]
            response, ctx = await run(make_context, "16.1", request, device_id=ctx.device.device_id)
            assert (await reload(ctx)).wipe_state == new
            has_directive = response.find("RemoteWipe") is not None
            assert has_directive == (answer in (WipeAnswer.SEND_WIPE, WipeAnswer.FAILED))
            assert response.findtext("Status") == ("2" if answer is WipeAnswer.FAILED else "1")
