"""Settings (MS-ASCMD 2.2.1.18): every operation at every version that has it, with every response
validated against SettingsResponse.xsd and sent through the WBXML codec."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from airsync.commands import settings
from airsync.commands.context import RequestContext
from airsync.devices.policy import PolicyProvider
from airsync.wbxml import Element, decode, encode, from_xml, to_xml
from tests.data import XSD_DIR as _XSD_DIR

VERSIONS = ["12.0", "12.1", "14.0", "14.1", "16.0", "16.1"]
XSD_DIR = _XSD_DIR
XS = "http://www.w3.org/2001/XMLSchema"


@pytest.fixture(scope="session")
def response_schema(tmp_path_factory: pytest.TempPathFactory) -> xmlschema.XMLSchema:
    """SettingsResponse.xsd with the xs:include/xs:import lines Microsoft's copies leave out; the
    AirSyncBase namespace is reduced to the one type these files use (EmptyTag), copied verbatim."""
    if not XSD_DIR.is_dir():
        raise AssertionError(f"no EAS schemas at {XSD_DIR}")
    out = tmp_path_factory.mktemp("xsd")
    airsyncbase = (XSD_DIR / "AirSyncBase.xsd").read_text()
    match = re.search(r'<xs:simpleType name="EmptyTag">.*?</xs:simpleType>', airsyncbase, re.S)
    assert match is not None
    (out / "AirSyncBase.xsd").write_text(
        f'<xs:schema xmlns:xs="{XS}" xmlns="AirSyncBase" targetNamespace="AirSyncBase" '
        f'elementFormDefault="qualified">{match.group(0)}</xs:schema>'
    )
    import_asb = '<xs:import namespace="AirSyncBase" schemaLocation="AirSyncBase.xsd"/>'
    _patch("Settings.xsd", out, import_asb)
    _patch("RightsManagement.xsd", out, import_asb)
    _patch(
        "SettingsResponse.xsd",
        out,
        '<xs:include schemaLocation="Settings.xsd"/>'
        '<xs:import namespace="RightsManagement" schemaLocation="RightsManagement.xsd"/>',
    )
    return xmlschema.XMLSchema(str(out / "SettingsResponse.xsd"))


def _patch(name: str, out: Path, lines: str) -> None:
    text = (XSD_DIR / name).read_text()
    start = re.search(r"<xs:schema\b[^>]*>", text)
    assert start is not None
    (out / name).write_text(text[: start.end()] + lines + text[start.end() :])


@pytest.fixture
def run(response_schema: xmlschema.XMLSchema):
    """``await run(ctx, xml)``: the handler's answer, checked against the schema and the codec."""

    async def runner(ctx: RequestContext, xml: str | None) -> Element:
        request = None if xml is None else from_xml(xml)
        response = await settings.handle(ctx, request)
        response_schema.validate(to_xml(response))
        assert decode(encode(response)) == response
        return response

    return runner


def S(body: str) -> str:
    return f'<Settings xmlns="Settings" xmlns:rm="RightsManagement">{body}</Settings>'


def statuses(response: Element) -> list[tuple[str, str]]:
    """(property, Status) in response order, the top-level Status first."""
    return [("Settings", response.findtext("Status") or "")] + [
        (p.tag, p.findtext("Status") or "") for p in response if p.tag != "Status"
    ]


async def oof_get(run, ctx: RequestContext, body_type: str = "Text") -> Element:
    response = await run(ctx, S(f"<Oof><Get><BodyType>{body_type}</BodyType></Get></Oof>"))
    assert statuses(response) == [("Settings", "1"), ("Oof", "1")]
    get = response.find("Oof").find("Get")
    assert [c.tag for c in response.find("Oof")] == ["Status", "Get"]
    return get


def messages(get: Element) -> dict[str, dict[str, str | None]]:
    found = {}
    for message in get.findall("OofMessage"):
        (marker,) = [c.tag for c in message if c.tag.startswith("AppliesTo")]
        found[marker] = {
            "Enabled": message.findtext("Enabled"),
            "ReplyMessage": message.findtext("ReplyMessage"),
            "BodyType": message.findtext("BodyType"),
        }
    return found


OOF_SET_ALL = """
<Oof><Set>
  <OofState>2</OofState>
  <StartTime>2026-07-01T08:00:00.000Z</StartTime>
  <EndTime>2026-07-15T17:30:00.000Z</EndTime>
  <OofMessage><AppliesToInternal/><Enabled>1</Enabled>
    <ReplyMessage>Back on the 16th.</ReplyMessage><BodyType>Text</BodyType></OofMessage>
  <OofMessage><AppliesToExternalKnown/><Enabled>1</Enabled>
    <ReplyMessage>&lt;p&gt;Away &amp;amp; offline&lt;/p&gt;</ReplyMessage>
    <BodyType>HTML</BodyType></OofMessage>
  <OofMessage><AppliesToExternalUnknown/><Enabled>0</Enabled></OofMessage>
</Set></Oof>
"""


# The envelope.


async def test_empty_request_succeeds(run, make_context) -> None:
    ctx = await make_context("14.1")
    response = await run(ctx, S(""))
    assert statuses(response) == [("Settings", "1")]


@pytest.mark.parametrize(
    ("xml", "why"),
    [
        (None, "no body"),
        ('<Oof xmlns="Settings"><Get><BodyType>Text</BodyType></Get></Oof>', "root is not Settings"),
        (S("<Status>1</Status>"), "not a property"),
        (S("<UserInformation/>"), "property without operation"),
        (S("<UserInformation><Get/></UserInformation><UserInformation><Get/></UserInformation>"), "twice"),
        (
            S("<Oof><Get><BodyType>Text</BodyType></Get><Set><OofState>0</OofState></Set></Oof>"),
            "Get and Set",
        ),
        (S("<Oof><Get/></Oof>"), "Oof Get without BodyType"),
        (S("<DevicePassword><Set/></DevicePassword>"), "Set without Password (Exchange: Status 2)"),
        (S("<DeviceInformation><Get/></DeviceInformation>"), "DeviceInformation is write-only"),
        (S("<UserInformation><Set/></UserInformation>"), "UserInformation is read-only"),
        (S("<DeviceInformation><Set><Password>x</Password></Set></DeviceInformation>"), "foreign child"),
        (
            S("<DeviceInformation><Set><Model><OS>x</OS></Model></Set></DeviceInformation>"),
            "leaf with elements",
        ),
        (S("<DeviceInformation><Set><Model>a</Model><Model>b</Model></Set></DeviceInformation>"), "repeated"),
        (S("<UserInformation><Get><EmailAddresses/></Get></UserInformation>"), "response element in request"),
        (
            S("<Oof><Set>" + "<OofMessage><AppliesToInternal/></OofMessage>" * 4 + "</Set></Oof>"),
            "4 messages",
        ),
        (S("<Oof><Set><OofMessage><Status>1</Status></OofMessage></Set></Oof>"), "unknown in OofMessage"),
    ],
)
async def test_malformed_request_is_refused_whole(run, make_context, services, xml, why) -> None:
    ctx = await make_context("14.1")
    response = await run(ctx, xml)
    assert statuses(response) == [("Settings", "2")], why


async def test_nothing_is_processed_when_refused_whole(run, make_context, services) -> None:
    """ "If the command was not successful, the processing of the request cannot begin" (2.2.1.18)."""
    ctx = await make_context("14.1")
    xml = S(
        "<DeviceInformation><Set><Model>Phone</Model></Set></DeviceInformation>"
        "<DevicePassword><Set/></DevicePassword>"
    )
    assert statuses(await run(ctx, xml)) == [("Settings", "2")]
    device = await services.devices.get(ctx.user.id, "DEV1")
    assert "Model" not in device.device_info


@pytest.mark.parametrize(
    ("version", "body"),
    [
        ("12.0", "<DeviceInformation><Set><UserAgent>x</UserAgent></Set></DeviceInformation>"),
        ("12.1", "<DeviceInformation><Set><MobileOperator>x</MobileOperator></Set></DeviceInformation>"),
        (
            "12.1",
            "<DeviceInformation><Set><EnableOutboundSMS>0</EnableOutboundSMS></Set></DeviceInformation>",
        ),
        ("12.0", "<RightsManagementInformation><Get/></RightsManagementInformation>"),
        ("12.1", "<RightsManagementInformation><Get/></RightsManagementInformation>"),
        ("14.0", "<RightsManagementInformation><Get/></RightsManagementInformation>"),
    ],
)
async def test_elements_of_later_versions_are_protocol_errors(run, make_context, version, body) -> None:
    ctx = await make_context(version)
    assert statuses(await run(ctx, S(body))) == [("Settings", "2")]


async def test_answers_follow_request_order(run, make_context) -> None:
    ctx = await make_context("14.1")
    response = await run(
        ctx,
        S(
            "<UserInformation><Get/></UserInformation>"
            "<DeviceInformation><Set><Model>Phone</Model></Set></DeviceInformation>"
            "<Oof><Get><BodyType>Text</BodyType></Get></Oof>"
            "<RightsManagementInformation><Get/></RightsManagementInformation>"
        ),
    )
    assert statuses(response) == [
        ("Settings", "1"),
        ("UserInformation", "1"),
        ("DeviceInformation", "1"),
        ("Oof", "1"),
        ("RightsManagementInformation", "1"),
    ]
    for prop in response.children[1:]:
        assert prop.children[0].tag == "Status", "Status MUST be the first node of a property response"


async def test_one_failed_property_leaves_the_others_alone(run, make_context, services, caplog) -> None:
    ctx = await make_context("14.1")
    with caplog.at_level(logging.WARNING, logger="airsync.commands"):
        response = await run(
            ctx,
            S(
                "<Oof><Set><OofState>7</OofState></Set></Oof>"
                "<DeviceInformation><Set><Model>Phone</Model></Set></DeviceInformation>"
            ),
        )
    assert statuses(response) == [("Settings", "1"), ("Oof", "5"), ("DeviceInformation", "1")]
    assert "OofState must be 0, 1 or 2" in caplog.text
    assert (await services.devices.get(ctx.user.id, "DEV1")).device_info["Model"] == "Phone"


# Oof.


@pytest.mark.parametrize("version", VERSIONS)
async def test_oof_get_before_any_set(run, make_context, version) -> None:
    """One OofMessage per audience even when disabled and empty (2.2.3.123), in schema order."""
    ctx = await make_context(version)
    get = await oof_get(run, ctx)
    assert [c.tag for c in get] == ["OofState", "OofMessage", "OofMessage", "OofMessage"]
    assert get.findtext("OofState") == "0"
    assert messages(get) == {
        marker: {"Enabled": "0", "ReplyMessage": None, "BodyType": None}
        for marker in ("AppliesToInternal", "AppliesToExternalKnown", "AppliesToExternalUnknown")
    }


@pytest.mark.parametrize("version", VERSIONS)
async def test_oof_round_trip_time_based(run, make_context, services, version) -> None:
    ctx = await make_context(version)
    response = await run(ctx, S(OOF_SET_ALL))
    assert statuses(response) == [("Settings", "1"), ("Oof", "1")]
    assert [c.tag for c in response.find("Oof")] == ["Status"]

    get = await oof_get(run, ctx)
    assert [c.tag for c in get][:3] == ["OofState", "StartTime", "EndTime"]
    assert get.findtext("OofState") == "2"
    assert get.findtext("StartTime") == "2026-07-01T08:00:00.000Z"
    assert get.findtext("EndTime") == "2026-07-15T17:30:00.000Z"
    assert messages(get) == {
        "AppliesToInternal": {"Enabled": "1", "ReplyMessage": "Back on the 16th.", "BodyType": "Text"},
        "AppliesToExternalKnown": {"Enabled": "1", "ReplyMessage": "Away & offline", "BodyType": "Text"},
        "AppliesToExternalUnknown": {"Enabled": "0", "ReplyMessage": None, "BodyType": None},
    }
    stored = await services.accounts.get_oof(ctx.user.id)
    assert stored["start_time"] == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


async def test_oof_get_in_html(run, make_context) -> None:
    ctx = await make_context("14.1")
    await run(ctx, S(OOF_SET_ALL))
    found = messages(await oof_get(run, ctx, "HTML"))
    # Stored as HTML: returned as stored. Stored as text: escaped.
    assert found["AppliesToExternalKnown"]["ReplyMessage"] == "<p>Away &amp; offline</p>"
    assert found["AppliesToInternal"] == {
        "Enabled": "1",
        "ReplyMessage": "Back on the 16th.",
        "BodyType": "HTML",
    }


async def test_oof_text_to_html_escapes_and_keeps_lines(run, make_context) -> None:
    ctx = await make_context("16.1")
    body = (
        "<Oof><Set><OofState>1</OofState><OofMessage><AppliesToInternal/><Enabled>1</Enabled>"
        "<ReplyMessage>Away &lt;until&gt; Monday\nCall Bob &amp; Co</ReplyMessage>"
        "<BodyType>Text</BodyType></OofMessage></Set></Oof>"
    )
    assert statuses(await run(ctx, S(body))) == [("Settings", "1"), ("Oof", "1")]
    found = messages(await oof_get(run, ctx, "HTML"))
    assert found["AppliesToInternal"]["ReplyMessage"] == "Away &lt;until&gt; Monday<br>\nCall Bob &amp; Co"


async def test_oof_body_type_is_echoed_as_spelled(run, make_context) -> None:
    """Exchange's own test suite sends BodyType "TEXT" and expects "TEXT" back."""
    ctx = await make_context("14.1")
    await run(ctx, S(OOF_SET_ALL))
    found = messages(await oof_get(run, ctx, "TEXT"))
    assert found["AppliesToInternal"]["BodyType"] == "TEXT"


async def test_oof_times_are_kept_only_for_time_based(run, make_context, services) -> None:
    """OofState other than 2 with times: success, times not stored (2.2.3.124)."""
    ctx = await make_context("14.0")
    body = (
        "<Oof><Set><OofState>1</OofState><StartTime>2026-07-01T08:00:00.000Z</StartTime>"
        "<EndTime>2026-07-02T08:00:00.000Z</EndTime></Set></Oof>"
    )
    assert statuses(await run(ctx, S(body))) == [("Settings", "1"), ("Oof", "1")]
    stored = await services.accounts.get_oof(ctx.user.id)
    assert (stored["oof_state"], stored["start_time"], stored["end_time"]) == (1, None, None)
    get = await oof_get(run, ctx)
    assert get.find("StartTime") is None and get.findtext("OofState") == "1"


async def test_oof_time_based_without_times_is_accepted(run, make_context) -> None:
    """Exchange's test suite sets OofState 2 alone and expects Status 1."""
    ctx = await make_context("14.1")
    assert statuses(await run(ctx, S("<Oof><Set><OofState>2</OofState></Set></Oof>"))) == [
        ("Settings", "1"),
        ("Oof", "1"),
    ]
    get = await oof_get(run, ctx)
    assert get.findtext("OofState") == "2" and get.find("StartTime") is None


async def test_oof_message_block_changes_only_what_it_holds(run, make_context) -> None:
    ctx = await make_context("14.1")
    await run(ctx, S(OOF_SET_ALL))
    body = "<Oof><Set><OofMessage><AppliesToInternal/><Enabled>0</Enabled></OofMessage></Set></Oof>"
    assert statuses(await run(ctx, S(body))) == [("Settings", "1"), ("Oof", "1")]
    get = await oof_get(run, ctx)
    assert get.findtext("OofState") == "2"
    assert messages(get)["AppliesToInternal"] == {
        "Enabled": "0",
        "ReplyMessage": "Back on the 16th.",
        "BodyType": "Text",
    }
    assert messages(get)["AppliesToExternalKnown"]["Enabled"] == "1"


def _message(*parts: str) -> str:
    return "<OofMessage>" + "".join(parts) + "</OofMessage>"


@pytest.mark.parametrize(
    ("set_body", "status"),
    [
        ("<OofState>2</OofState><StartTime>2026-07-01T08:00:00Z</StartTime>", "2"),
        ("<OofState>2</OofState><EndTime>2026-07-01T08:00:00Z</EndTime>", "2"),
        ("<OofState>3</OofState>", "5"),
        ("<OofState>on</OofState>", "5"),
        ("<OofState>2</OofState><StartTime>tomorrow</StartTime><EndTime>2026-07-01T08:00:00Z</EndTime>", "5"),
        (
            "<OofState>2</OofState><StartTime>2026-07-02T08:00:00Z</StartTime>"
            "<EndTime>2026-07-01T08:00:00Z</EndTime>",
            "6",
        ),
        (_message("<Enabled>1</Enabled>"), "2"),
        (_message("<AppliesToInternal/><AppliesToExternalKnown/>"), "6"),
        (_message("<AppliesToInternal/>") + _message("<AppliesToInternal/>"), "6"),
        (_message("<AppliesToInternal/><ReplyMessage>Away</ReplyMessage>"), "2"),
        (_message("<AppliesToInternal/><ReplyMessage>Away</ReplyMessage><BodyType>RTF</BodyType>"), "5"),
        (_message("<AppliesToInternal/><Enabled>yes</Enabled>"), "5"),
    ],
)
async def test_oof_set_refusals(run, make_context, services, set_body, status) -> None:
    ctx = await make_context("14.1")
    before = await services.accounts.get_oof(ctx.user.id)
    response = await run(ctx, S(f"<Oof><Set>{set_body}</Set></Oof>"))
    assert statuses(response) == [("Settings", "1"), ("Oof", status)]
    assert await services.accounts.get_oof(ctx.user.id) == before, "a refused Set changes nothing"


async def test_oof_get_with_unknown_body_type(run, make_context) -> None:
    ctx = await make_context("12.1")
    response = await run(ctx, S("<Oof><Get><BodyType>RTF</BodyType></Get></Oof>"))
    assert statuses(response) == [("Settings", "1"), ("Oof", "5")]
    assert response.find("Oof").find("Get") is None


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Away &amp; offline</p>", "Away & offline"),
        ("<html><head><title>t</title><style>p{}</style></head><body>A<br>B</body></html>", "A\nB"),
        ("<div>One</div><div>Two  words</div><script>x()</script>", "One\n\nTwo words"),
        ("plain &lt;text&gt;", "plain <text>"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert settings.convert_body(html, "HTML", "Text") == text


# DeviceInformation.

ALL_DEVICE_INFORMATION: dict[str, str] = {
    "Model": "Pixel 9",
    "IMEI": "490154203237518",
    "FriendlyName": "Alice's phone",
    "OS": "Android 16",
    "OSLanguage": "en-GB",
    "PhoneNumber": "+441632960000",
    "UserAgent": "Android-Mail/2026.1",
    "MobileOperator": "Example Mobile",
    "EnableOutboundSMS": "0",
}
SINCE = {"UserAgent": "12.1", "MobileOperator": "14.0", "EnableOutboundSMS": "14.0"}


def _defined(name: str, version: str) -> bool:
    return tuple(map(int, version.split("."))) >= tuple(map(int, SINCE.get(name, "12.0").split(".")))


@pytest.mark.parametrize("version", VERSIONS)
async def test_device_information_is_stored(run, make_context, services, version) -> None:
    ctx = await make_context(version)
    sent = {k: v for k, v in ALL_DEVICE_INFORMATION.items() if _defined(k, version)}
    items = "".join(f"<{k}>{v.replace(chr(39), '&apos;')}</{k}>" for k, v in sent.items())
    response = await run(ctx, S(f"<DeviceInformation><Set>{items}</Set></DeviceInformation>"))
    assert statuses(response) == [("Settings", "1"), ("DeviceInformation", "1")]
    assert [c.tag for c in response.find("DeviceInformation")] == ["Status"]
    device = await services.devices.get(ctx.user.id, "DEV1")
    assert {k: device.device_info.get(k) for k in sent} == sent


async def test_device_information_empty_value_deletes_and_long_values_are_cut(
    run, make_context, services
) -> None:
    ctx = await make_context("14.1")
    await run(ctx, S("<DeviceInformation><Set><Model>Phone</Model><OS>X</OS></Set></DeviceInformation>"))
    long = "m" * 2000
    response = await run(ctx, S(f"<DeviceInformation><Set><Model/><OS>{long}</OS></Set></DeviceInformation>"))
    assert statuses(response) == [("Settings", "1"), ("DeviceInformation", "1")]
    info = (await services.devices.get(ctx.user.id, "DEV1")).device_info
    assert info["Model"] is None
    assert info["OS"] == "m" * 1024


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("<EnableOutboundSMS>2</EnableOutboundSMS>", "5"),
        ("", "2"),
    ],
)
async def test_device_information_refusals(run, make_context, body, status) -> None:
    ctx = await make_context("14.0")
    response = await run(ctx, S(f"<DeviceInformation><Set>{body}</Set></DeviceInformation>"))
    assert statuses(response) == [("Settings", "1"), ("DeviceInformation", status)]


# DevicePassword.


@pytest.fixture
def recovery_enabled(services) -> None:
    services.policy = PolicyProvider({"PasswordRecoveryEnabled": 1}, required=True)


async def _device_password(services, ctx: RequestContext) -> Any:
    from sqlalchemy import select

    from airsync.store.tables import devices

    async with services.db.read() as conn:
        return (
            await conn.execute(select(devices.c.device_password).where(devices.c.id == ctx.device.id))
        ).scalar()


@pytest.mark.parametrize("version", VERSIONS)
async def test_device_password_is_stored_for_recovery(
    run, make_context, services, recovery_enabled, version
) -> None:
    ctx = await make_context(version)
    response = await run(ctx, S("<DevicePassword><Set><Password>1234</Password></Set></DevicePassword>"))
    assert statuses(response) == [("Settings", "1"), ("DevicePassword", "1")]
    assert [c.tag for c in response.find("DevicePassword")] == ["Status"]
    assert await _device_password(services, ctx) == "1234"
    # "To clear an existing recovery password, the client MUST send ... an empty Password element."
    await run(ctx, S("<DevicePassword><Set><Password/></Set></DevicePassword>"))
    assert await _device_password(services, ctx) is None


async def test_device_password_too_long(run, make_context, services, recovery_enabled) -> None:
    ctx = await make_context("14.1")
    response = await run(
        ctx, S(f"<DevicePassword><Set><Password>{'p' * 256}</Password></Set></DevicePassword>")
    )
    assert statuses(response) == [("Settings", "1"), ("DevicePassword", "5")]
    assert await _device_password(services, ctx) is None


@pytest.mark.parametrize("version", VERSIONS)
async def test_device_password_denied_when_policy_disables_recovery(
    run, make_context, services, version
) -> None:
    """The default policy sends PasswordRecoveryEnabled 0: Status 7, nothing stored."""
    ctx = await make_context(version)
    response = await run(ctx, S("<DevicePassword><Set><Password>1234</Password></Set></DevicePassword>"))
    assert statuses(response) == [("Settings", "1"), ("DevicePassword", "7")]
    assert await _device_password(services, ctx) is None


# UserInformation.


@pytest.mark.parametrize("version", ["12.0", "12.1", "14.0"])
async def test_user_information_before_14_1(run, make_context, version) -> None:
    ctx = await make_context(version)
    response = await run(ctx, S("<UserInformation><Get/></UserInformation>"))
    assert statuses(response) == [("Settings", "1"), ("UserInformation", "1")]
    get = response.find("UserInformation").find("Get")
    assert to_xml(get, pretty=False) == (
        '<Get xmlns="Settings"><EmailAddresses><SMTPAddress>alice@example.test</SMTPAddress>'
        "</EmailAddresses></Get>"
    )


@pytest.mark.parametrize("version", ["14.1", "16.0", "16.1"])
async def test_user_information_accounts(run, make_context, version) -> None:
    ctx = await make_context(version)
    response = await run(ctx, S("<UserInformation><Get/></UserInformation>"))
    get = response.find("UserInformation").find("Get")
    (account,) = get.find("Accounts").findall("Account")
    assert account.find("AccountId") is None, "the primary account has no AccountId (2.2.3.3.2)"
    assert account.findtext("UserDisplayName") == "alice"
    addresses = account.find("EmailAddresses")
    assert [(c.tag, c.text) for c in addresses] == [
        ("SMTPAddress", "alice@example.test"),
        ("PrimarySmtpAddress", "alice@example.test"),
    ]
    assert get.find("EmailAddresses") is None


# RightsManagementInformation.


@pytest.mark.parametrize("version", ["14.1", "16.0", "16.1"])
async def test_rights_management_information_has_no_templates(run, make_context, version) -> None:
    ctx = await make_context(version)
    response = await run(ctx, S("<RightsManagementInformation><Get/></RightsManagementInformation>"))
    assert statuses(response) == [("Settings", "1"), ("RightsManagementInformation", "1")]
    templates = (
        response.find("RightsManagementInformation")
        .find("Get")
        .find("RightsManagement:RightsManagementTemplates")
    )
    assert templates is not None and templates.children == ()
