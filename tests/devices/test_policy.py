"""The policy as data (MS-ASPROV 2.2.2.x): validation, version filtering, fingerprints, the 2.5 WAP
document, the EASProvisionDoc against Provision.xsd, and the policy-key checks."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from defusedxml import ElementTree as DET
from hypothesis import given
from hypothesis import strategies as st

from airsync.devices import policy as policy_module
from airsync.devices.policy import SETTINGS, SETTINGS_BY_NAME, Kind, PolicyProvider, new_policy_key
from airsync.protocol.versions import SUPPORTED_VERSIONS, V2_5, V12_0, V12_1, V14_0, V14_1, V16_0, V16_1
from airsync.store.records import Device
from airsync.wbxml import CODE_PAGES, E, decode, encode, to_xml
from tests.schemas import XSD_DIR, load_schema

DEFAULT = PolicyProvider({}, required=True)
STRICT = {
    "DevicePasswordEnabled": 1,
    "AlphanumericDevicePasswordRequired": True,
    "MinDevicePasswordLength": 6,
    "MaxInactivityTimeDeviceLock": 900,
    "MaxDevicePasswordFailedAttempts": 8,
    "MaxAttachmentSize": 1_000_000,
    "AllowCamera": 0,
    "MaxCalendarAgeFilter": 5,
    "MaxEmailBodyTruncationSize": 0,
    "UnapprovedInROMApplicationList": ["iexplore.exe", "tmail.exe"],
    "ApprovedApplicationList": ["A1B2C3"],
}


def device(**kw: Any) -> Device:
    return replace(
        Device(id=1, user_id=1, device_id="D", device_type="T", user_agent=None, protocol_version=None), **kw
    )


# --- the table -----------------------------------------------------------------------------------


def test_table_is_code_page_14_in_schema_order() -> None:
    xsd = (XSD_DIR / "Provision.xsd").read_text(encoding="utf-8-sig")
    doc = xsd[xsd.index('name="EASProvisionDoc"') :]
    schema_order = [
        n for n in re.findall(r'<xs:element name="(\w+)"', doc) if n not in ("ApplicationName", "Hash")
    ]
    assert [s.name for s in SETTINGS] == schema_order
    page = {tag.name: tag for tag in CODE_PAGES[14][1].values()}
    for setting in SETTINGS:
        versions = page[setting.name].versions
        assert versions and str(setting.since) == versions[0], setting.name
        if setting.item:
            assert setting.item in page
    assert "AccountOnlyRemoteWipe" not in SETTINGS_BY_NAME


def test_defaults_are_permissive() -> None:
    values = dict(DEFAULT.settings_for(V16_1))
    assert values["DevicePasswordEnabled"] == "0"
    assert values["AttachmentsEnabled"] == "1"
    assert values["MaxAttachmentSize"] == "" and values["DevicePasswordExpiration"] == ""
    assert values["MaxEmailBodyTruncationSize"] == "-1" and values["MaxEmailHTMLBodyTruncationSize"] == "-1"
    assert values["UnapprovedInROMApplicationList"] == [] and values["ApprovedApplicationList"] == []
    allows = [n for n in values if n.startswith("Allow") and SETTINGS_BY_NAME[n].kind is Kind.BOOL]
    assert len(allows) == 16 and all(values[name] == "1" for name in allows)
    assert values["AllowBluetooth"] == "2" and values["AllowSMIMEEncryptionAlgorithmNegotiation"] == "2"
    assert not DEFAULT.restrictive and PolicyProvider(STRICT, required=True).restrictive


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"DevicePaswordEnabled": 1},
            "unknown policy setting 'DevicePaswordEnabled' (did you mean DevicePasswordEnabled?)",
        ),
        ({"AccountOnlyRemoteWipe": 1}, "unknown policy setting"),
        ({"DevicePasswordEnabled": 2}, "must be 0 or 1"),
        ({"DevicePasswordEnabled": "yes"}, "must be a whole number"),
        ({"MinDevicePasswordLength": 17}, "between 1 and 16"),
        ({"MaxDevicePasswordFailedAttempts": 3}, "between 4 and 16"),
        ({"MaxCalendarAgeFilter": 3}, "one of [0, 4, 5, 6, 7]"),
        ({"MaxEmailAgeFilter": 6}, "between 0 and 5"),
        ({"MaxEmailBodyTruncationSize": -2}, "must be -1, 0 or a positive size"),
        ({"MaxAttachmentSize": -1}, "between 0 and 4294967295"),
        ({"MinDevicePasswordComplexCharacters": 0}, "between 1 and 4"),
        ({"ApprovedApplicationList": "abc"}, "must be a list of strings"),
        ({"ApprovedApplicationList": [1]}, "must hold non-empty strings"),
        ({"DevicePasswordHistory": None}, "must be a whole number"),
    ],
)
def test_bad_overrides_refuse_to_start(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        PolicyProvider(overrides, required=True)
    assert message in str(raised.value)


def test_good_overrides() -> None:
    policy = PolicyProvider(
        {**STRICT, "MaxAttachmentSize": "", "AllowSimpleDevicePassword": False}, required=False
    )
    values = dict(policy.settings_for(V14_1))
    assert values["AlphanumericDevicePasswordRequired"] == "1" and values["AllowSimpleDevicePassword"] == "0"
    assert values["MaxAttachmentSize"] == ""
    assert values["UnapprovedInROMApplicationList"] == ["iexplore.exe", "tmail.exe"]
    assert policy.required is False


@given(st.sampled_from(SETTINGS), st.integers(-3, 20) | st.none() | st.booleans() | st.text(max_size=3))
def test_validation_never_crashes(setting: Any, value: Any) -> None:
    """Any value either renders as the spec's type allows or is refused with ValueError."""
    try:
        policy = PolicyProvider({setting.name: value}, required=True)
    except ValueError as exc:
        assert setting.name in str(exc)
        return
    rendered = dict(policy.settings_for(V16_1))[setting.name]
    if setting.kind is Kind.UINT_OR_EMPTY:
        assert rendered == "" or rendered.isdigit()
    elif setting.kind is Kind.LIST:
        assert isinstance(rendered, list)
    else:
        assert re.fullmatch(r"-?\d+", rendered)


# --- version filtering and fingerprints ----------------------------------------------------------


def test_versions_get_only_their_settings() -> None:
    assert DEFAULT.settings_for(V2_5) == []
    v12_0 = [name for name, _ in DEFAULT.settings_for(V12_0)]
    assert len(v12_0) == 11 and "AllowCamera" not in v12_0 and "RequireStorageCardEncryption" not in v12_0
    assert all(SETTINGS_BY_NAME[name].since == V12_0 for name in v12_0)
    for version in (V12_1, V14_0, V14_1, V16_0, V16_1):
        assert len(DEFAULT.settings_for(version)) == len(SETTINGS)


def test_fingerprint_covers_what_the_version_receives() -> None:
    again = PolicyProvider({}, required=False)
    for version in SUPPORTED_VERSIONS:
        assert DEFAULT.fingerprint(version) == again.fingerprint(version)
        assert re.fullmatch(r"[0-9a-f]{64}", DEFAULT.fingerprint(version))
    assert DEFAULT.fingerprint(V12_0) != DEFAULT.fingerprint(V14_1)
    assert DEFAULT.fingerprint(V2_5) != DEFAULT.fingerprint(V12_0)
    # A 12.1 setting changes what 14.1 receives, not what 12.0 or 2.5 receive: no refresh loop for them.
    camera = PolicyProvider({"AllowCamera": 0}, required=True)
    assert camera.fingerprint(V12_0) == DEFAULT.fingerprint(V12_0)
    assert camera.fingerprint(V2_5) == DEFAULT.fingerprint(V2_5)
    assert camera.fingerprint(V14_1) != DEFAULT.fingerprint(V14_1)
    # A password policy reaches every version, the 2.5 WAP document included.
    password = PolicyProvider({"DevicePasswordEnabled": 1}, required=True)
    for version in SUPPORTED_VERSIONS:
        assert password.fingerprint(version) != DEFAULT.fingerprint(version)


# --- the documents -------------------------------------------------------------------------------


@pytest.mark.parametrize("overrides", [{}, STRICT])
@pytest.mark.parametrize("version", [V12_0, V12_1, V14_0, V14_1, V16_0, V16_1])
def test_eas_provision_doc_is_schema_valid(overrides: dict[str, Any], version: Any) -> None:
    policy = PolicyProvider(overrides, required=True)
    doc = policy.eas_provision_doc(version)
    assert decode(encode(doc)) == doc
    load_schema("ProvisionResponse.xsd").validate(to_xml(doc))
    assert [child.tag for child in doc] == [name for name, _ in policy.settings_for(version)]
    if overrides:
        apps = doc.find("UnapprovedInROMApplicationList")
        assert (
            apps
            == E(
                "Provision:UnapprovedInROMApplicationList",
                E("Provision:ApplicationName", "iexplore.exe"),
                E("Provision:ApplicationName", "tmail.exe"),
            )
            or version == V12_0
        )


def _parms(xml: str) -> dict[tuple[str, str], str]:
    root = DET.fromstring(xml)
    assert root.tag == "wap-provisioningdoc"
    out: dict[tuple[str, str], str] = {}
    for characteristic in root.iter("characteristic"):
        for parm in characteristic.findall("parm"):
            out[characteristic.get("type"), parm.get("name")] = parm.get("value")
    return out


def test_wap_document_without_password() -> None:
    assert _parms(DEFAULT.wap_provisioning_xml()) == {
        ("SecurityPolicy", "4131"): "1",
        ("SecurityPolicy", "4133"): "1",
    }


def test_wap_document_carries_the_password_policy() -> None:
    parms = _parms(PolicyProvider(STRICT, required=True).wap_provisioning_xml())
    ae = r"HKLM\Comm\Security\Policy\LASSD\AE\{50C13377-C66D-400C-889E-C316FC4AB374}"
    assert parms == {
        ("SecurityPolicy", "4131"): "0",  # inverted: 0 = a password is required
        ("SecurityPolicy", "4133"): "0",
        (ae, "AEFrequencyType"): "1",
        (ae, "AEFrequencyValue"): "15",  # 900 seconds, in minutes
        (r"HKLM\Comm\Security\Policy\LASSD", "DeviceWipeThreshold"): "8",
        (r"HKLM\Comm\Security\Policy\LASSD", "CodewordFrequency"): "4",
        (r"HKLM\Comm\Security\Policy\LASSD\LAP\lap_pw", "MinimumPasswordLength"): "6",
        (r"HKLM\Comm\Security\Policy\LASSD\LAP\lap_pw", "PasswordComplexity"): "0",  # alphanumeric
    }
    loose = _parms(
        PolicyProvider(
            {"DevicePasswordEnabled": 1, "MaxInactivityTimeDeviceLock": 9999}, required=True
        ).wap_provisioning_xml()
    )
    assert loose[ae, "AEFrequencyType"] == "0"
    assert loose[r"HKLM\Comm\Security\Policy\LASSD\LAP\lap_pw", "PasswordComplexity"] == "2"
    assert (r"HKLM\Comm\Security\Policy\LASSD", "DeviceWipeThreshold") not in loose


# --- check() -------------------------------------------------------------------------------------


def test_check() -> None:
    fp = DEFAULT.fingerprint(V14_1)
    provisioned = device(policy_key=42, policy_fingerprint=fp)
    assert DEFAULT.check(device(), None, V14_1) == 142
    assert DEFAULT.check(device(pending_policy_key=7), 7, V14_1) == 142
    assert DEFAULT.check(provisioned, None, V14_1) == 142
    assert DEFAULT.check(provisioned, 0, V14_1) == 142
    assert DEFAULT.check(provisioned, 43, V14_1) == 144
    assert DEFAULT.check(provisioned, 42, V14_1) is None
    assert DEFAULT.check(provisioned, 42, V16_1) is None  # same settings for 14.1 and 16.1
    assert DEFAULT.check(provisioned, 42, V12_0) == 143  # another version receives another policy
    assert PolicyProvider({"AllowCamera": 0}, required=True).check(provisioned, 42, V14_1) == 143
    optional = PolicyProvider({}, required=False)
    assert optional.check(device(), None, V14_1) is None
    # A requested wipe comes first, whatever else holds.
    for checker in (DEFAULT, optional):
        assert checker.check(replace(provisioned, wipe_state="requested"), 42, V14_1) == 140
        assert checker.check(replace(provisioned, wipe_state="acknowledged"), 42, V14_1) is None


def test_policy_keys_are_nonzero_uint32(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(policy_module.secrets, "randbelow", lambda n: 0)
    assert new_policy_key() == 1
    monkeypatch.setattr(policy_module.secrets, "randbelow", lambda n: n - 1)
    assert new_policy_key() == 0xFFFFFFFF
    monkeypatch.undo()
    assert all(0 < new_policy_key() < 2**32 for _ in range(1000))
