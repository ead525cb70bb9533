"""The security policy a device receives in Provision (MS-ASPROV), and the policy-key checks dispatch runs
before every command.

The EASProvisionDoc settings (MS-ASPROV 2.2.2.x, Provision code page 14) are data: one table of
(spec name, value kind, first protocol version, default, doc), in the element order of the schema
(Provision.xsd). The defaults are a permissive policy like Exchange's "Default" mobile device mailbox
policy: no device password, attachments allowed, everything allowed, nothing truncated.

``PolicyProvider`` validates the operator's ``[policy]`` table once, at start-up, and then renders the
policy for a protocol version: the WBXML ``EASProvisionDoc`` (12.0 and later) or the 2.5
``MS-WAP-Provisioning-XML`` document (MS-ASPROV 2.2.2.24.2). Its ``fingerprint`` covers only what the
version receives (FIELD_NOTES 8: Outlook loops when the hash covers settings it never got).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Final

from airsync.protocol.status import CommonStatus
from airsync.protocol.versions import V12_0, V12_1, ProtocolVersion
from airsync.wbxml import E, Element

if TYPE_CHECKING:
    from airsync.store.records import Device

#: MS-ASPROV 2.2.2.43: the PolicyType each protocol version uses.
WBXML_POLICY_TYPE: Final = "MS-EAS-Provisioning-WBXML"  # 12.0 to 16.1
WAP_POLICY_TYPE: Final = "MS-WAP-Provisioning-XML"  # 2.5


def policy_type_for(version: ProtocolVersion) -> str:
    return WAP_POLICY_TYPE if version < V12_0 else WBXML_POLICY_TYPE


def new_policy_key() -> int:
    """A random policy key: MS-ASPROV 2.2.2.42 wants the decimal string of a uint32, and 0 means
    "no key" (3.1.5.1.1: the client resets its key to 0 for an initial request), so never 0."""
    return secrets.randbelow(0xFFFFFFFF) + 1


class Kind(Enum):
    """Value types of the EASProvisionDoc children (MS-ASPROV 2.2.2.x, 2.2.3)."""

    BOOL = "boolean"  # 0 or 1
    UINT = "unsignedInt"  # a number >= 0 (unsignedByte ones carry a range)
    UINT_OR_EMPTY = "unsignedIntOrEmpty"  # a number, or None for the empty element
    INT = "integer"  # the truncation sizes: -1 none, 0 headers only, > 0 bytes
    LIST = "list"  # a container of repeated string elements


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    kind: Kind
    since: ProtocolVersion
    default: Any
    doc: str
    #: Allowed values: a (low, high) range or a tuple of choices; None for any value of the kind.
    allowed: tuple[int, int] | frozenset[int] | None = None
    #: For LIST settings: the tag of each item.
    item: str | None = None

    def defined_in(self, version: ProtocolVersion) -> bool:
        return version >= self.since


def _s(name: str, kind: Kind, since: ProtocolVersion, default: Any, doc: str, **kw: Any) -> Setting:
    return Setting(name, kind, since, default, doc, **kw)


B, U, UE, INT, L = Kind.BOOL, Kind.UINT, Kind.UINT_OR_EMPTY, Kind.INT, Kind.LIST

#: Every EASProvisionDoc setting, in the element order of Provision.xsd. First versions follow the
#: MS-ASWBXML code page 14 table (SPEC_MAP 4.2). MS-ASWBXML leaves 16.1 out of the rows for
#: MaxDevicePasswordFailedAttempts and MaxCalendarAgeFilter, but MS-ASPROV 2.2.2.31/2.2.2.32 say 16.1
#: supports both, and dropping the wipe threshold for 16.1 would weaken the policy: they stay in.
# fmt: off
SETTINGS: Final[tuple[Setting, ...]] = (
    _s("DevicePasswordEnabled", B, V12_0, 0, "a device password is required (2.2.2.25)"),
    _s("AlphanumericDevicePasswordRequired", B, V12_0, 0, "the password must be alphanumeric (2.2.2.20)"),
    _s("PasswordRecoveryEnabled", B, V12_0, 0, "the server stores a recovery password (2.2.2.39)"),
    _s("RequireStorageCardEncryption", B, V12_1, 0, "the storage card must be encrypted (2.2.2.52)"),
    _s("AttachmentsEnabled", B, V12_0, 1, "attachments may be downloaded (2.2.2.23)"),
    _s("MinDevicePasswordLength", UE, V12_0, None, "minimum password length, 1-16; empty/1 = none (2.2.2.38)",
       allowed=(1, 16)),
    _s("MaxInactivityTimeDeviceLock", UE, V12_0, None, "seconds idle before the device locks; >= 9999 or "
       "empty = unlimited (2.2.2.36)"),
    _s("MaxDevicePasswordFailedAttempts", UE, V12_0, None, "failed unlocks before a local wipe, 4-16; "
       "empty = unlimited (2.2.2.32)", allowed=(4, 16)),
    _s("MaxAttachmentSize", UE, V12_0, None, "largest attachment in bytes; empty = unlimited (2.2.2.30)"),
    _s("AllowSimpleDevicePassword", B, V12_0, 1, "simple passwords such as 1111 are allowed (2.2.2.12)"),
    _s("DevicePasswordExpiration", UE, V12_0, None, "days until a password expires; 0/empty = never "
       "(2.2.2.26)"),
    _s("DevicePasswordHistory", U, V12_0, 0, "previous passwords that may not be reused (2.2.2.27)"),
    _s("AllowStorageCard", B, V12_1, 1, "storage cards are allowed (2.2.2.15)"),
    _s("AllowCamera", B, V12_1, 1, "the camera is allowed (2.2.2.4)"),
    _s("RequireDeviceEncryption", B, V12_1, 0, "local storage must be encrypted (2.2.2.46)"),
    _s("AllowUnsignedApplications", B, V12_1, 1, "unsigned applications may run (2.2.2.17)"),
    _s("AllowUnsignedInstallationPackages", B, V12_1, 1, "unsigned .cab files may be installed (2.2.2.18)"),
    _s("MinDevicePasswordComplexCharacters", U, V12_1, 1, "character groups the password needs, 1-4 "
       "(2.2.2.37)", allowed=(1, 4)),
    _s("AllowWiFi", B, V12_1, 1, "Wi-Fi is allowed (2.2.2.19)"),
    _s("AllowTextMessaging", B, V12_1, 1, "SMS is allowed (2.2.2.16)"),
    _s("AllowPOPIMAPEmail", B, V12_1, 1, "POP/IMAP accounts are allowed (2.2.2.10)"),
    _s("AllowBluetooth", U, V12_1, 2, "Bluetooth: 0 off, 1 hands-free only, 2 on (2.2.2.2)", allowed=(0, 2)),
    _s("AllowIrDA", B, V12_1, 1, "infrared is allowed (2.2.2.9)"),
    _s("RequireManualSyncWhenRoaming", B, V12_1, 0, "sync manually while roaming (2.2.2.49)"),
    _s("AllowDesktopSync", B, V12_1, 1, "desktop synchronisation is allowed (2.2.2.6)"),
    _s("MaxCalendarAgeFilter", U, V12_1, 0, "calendar window: 0 all, 4 two weeks, 5 one month, 6 three "
       "months, 7 six months (2.2.2.31)", allowed=frozenset({0, 4, 5, 6, 7})),
    _s("AllowHTMLEmail", B, V12_1, 1, "HTML mail is allowed (2.2.2.7)"),
    _s("MaxEmailAgeFilter", U, V12_1, 0, "mail window: 0 all, 1 day, 2 three days, 3 a week, 4 two weeks, "
       "5 a month (2.2.2.33)", allowed=(0, 5)),
    _s("MaxEmailBodyTruncationSize", INT, V12_1, -1, "plain text body size: -1 none, 0 headers only, "
       ">0 bytes (2.2.2.34)"),
    _s("MaxEmailHTMLBodyTruncationSize", INT, V12_1, -1, "HTML body size: -1 none, 0 headers only, "
       ">0 bytes (2.2.2.35)"),
    _s("RequireSignedSMIMEMessages", B, V12_1, 0, "outgoing mail must be S/MIME signed (2.2.2.51)"),
    _s("RequireEncryptedSMIMEMessages", B, V12_1, 0, "outgoing mail must be S/MIME encrypted (2.2.2.47)"),
    _s("RequireSignedSMIMEAlgorithm", U, V12_1, 0, "signing algorithm: 0 SHA1, 1 MD5 (2.2.2.50)",
       allowed=(0, 1)),
    _s("RequireEncryptionSMIMEAlgorithm", U, V12_1, 0, "encryption: 0 3DES, 1 DES, 2 RC2-128, 3 RC2-64, "
       "4 RC2-40 (2.2.2.48)", allowed=(0, 4)),
    _s("AllowSMIMEEncryptionAlgorithmNegotiation", U, V12_1, 2, "negotiation: 0 no, 1 strong only, 2 any "
       "(2.2.2.13)", allowed=(0, 2)),
    _s("AllowSMIMESoftCerts", B, V12_1, 1, "soft certificates are allowed (2.2.2.14)"),
    _s("AllowBrowser", B, V12_1, 1, "the browser is allowed (2.2.2.3)"),
    _s("AllowConsumerEmail", B, V12_1, 1, "consumer mail accounts are allowed (2.2.2.5)"),
    _s("AllowRemoteDesktop", B, V12_1, 1, "remote desktop is allowed (2.2.2.11)"),
    _s("AllowInternetSharing", B, V12_1, 1, "internet sharing (tethering) is allowed (2.2.2.8)"),
    _s("UnapprovedInROMApplicationList", L, V12_1, (), "in-ROM applications that may not run (2.2.2.55)",
       item="ApplicationName"),
    _s("ApprovedApplicationList", L, V12_1, (), "SHA1 hashes of approved in-memory applications "
       "(2.2.2.22)", item="Hash"),
)
# fmt: on

SETTINGS_BY_NAME: Final[dict[str, Setting]] = {s.name: s for s in SETTINGS}

#: The registry key of the 2.5 inactivity lock ("authentication event"), MS-ASPROV 2.2.2.24.2.
_AE_KEY: Final = r"HKLM\Comm\Security\Policy\LASSD\AE\{50C13377-C66D-400C-889E-C316FC4AB374}"
_LASSD_KEY: Final = r"HKLM\Comm\Security\Policy\LASSD"
_LAP_PW_KEY: Final = r"HKLM\Comm\Security\Policy\LASSD\LAP\lap_pw"


def _validate(setting: Setting, value: Any) -> Any:
    """The value in canonical form (int, None or a tuple of str), or ValueError saying why not."""
    name = setting.name
    if setting.kind is Kind.LIST:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ValueError(f"policy setting {name} must be a list of strings, not {value!r}")
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError(f"policy setting {name} must hold non-empty strings, not {value!r}")
        return tuple(v.strip() for v in value)
    if setting.kind is Kind.UINT_OR_EMPTY and (value is None or value == ""):
        return None
    if isinstance(value, bool):
        value = int(value)
    if not isinstance(value, int):
        raise ValueError(f"policy setting {name} must be a whole number, not {value!r}")
    if setting.kind is Kind.BOOL and value not in (0, 1):
        raise ValueError(f"policy setting {name} must be 0 or 1 (or true/false), not {value!r}")
    if setting.kind is Kind.INT and value < -1:
        raise ValueError(f"policy setting {name} must be -1, 0 or a positive size, not {value!r}")
    if setting.kind in (Kind.UINT, Kind.UINT_OR_EMPTY) and not 0 <= value <= 0xFFFFFFFF:
        raise ValueError(f"policy setting {name} must be between 0 and 4294967295, not {value!r}")
    allowed = setting.allowed
    if isinstance(allowed, tuple) and not allowed[0] <= value <= allowed[1]:
        low, high = allowed
        raise ValueError(f"policy setting {name} must be between {low} and {high}, not {value!r}")
    if isinstance(allowed, frozenset) and value not in allowed:
        raise ValueError(f"policy setting {name} must be one of {sorted(allowed)}, not {value!r}")
    return value


def _render(value: Any) -> str | list[str]:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return list(value)
    return str(value)


class PolicyProvider:
    """The server's one policy, validated at start-up, rendered per protocol version."""

    def __init__(self, overrides: Mapping[str, Any], *, required: bool) -> None:
        values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
        for name, value in overrides.items():
            setting = SETTINGS_BY_NAME.get(name)
            if setting is None:
                hint = difflib.get_close_matches(name, SETTINGS_BY_NAME, n=1)
                also = f" (did you mean {hint[0]}?)" if hint else ""
                raise ValueError(f"unknown policy setting {name!r}{also}")
            values[name] = _validate(setting, value)
        self.required = required
        self._values = values
        #: True when the policy asks anything of the device beyond the permissive defaults.
        self.restrictive = any(values[s.name] != _validate(s, s.default) for s in SETTINGS)
        self._cache: dict[ProtocolVersion, tuple[list[tuple[str, str | list[str]]], str]] = {}

    def value(self, name: str) -> Any:
        """One setting's value (int, None for empty, tuple for lists)."""
        return self._values[name]

    def settings_for(self, version: ProtocolVersion) -> list[tuple[str, str | list[str]]]:
        """(name, value) for every setting ``version`` defines, in EASProvisionDoc order. Values are
        the wire text ("" for an empty element), lists for the two application lists. Nothing for 2.5,
        which has no EASProvisionDoc."""
        return list(self._rendered(version)[0])

    def fingerprint(self, version: ProtocolVersion) -> str:
        """SHA-256 (hex) of exactly what ``version`` receives: the settings for 12.0 and later, the
        WAP document for 2.5. Stored at the final acknowledgment; a mismatch later means 143."""
        return self._rendered(version)[1]

    def _rendered(self, version: ProtocolVersion) -> tuple[list[tuple[str, str | list[str]]], str]:
        cached = self._cache.get(version)
        if cached is None:
            settings = [(s.name, _render(self._values[s.name])) for s in SETTINGS if s.defined_in(version)]
            if version < V12_0:
                payload = json.dumps([WAP_POLICY_TYPE, self.wap_provisioning_xml()])
            else:
                payload = json.dumps([WBXML_POLICY_TYPE, settings], separators=(",", ":"))
            cached = (settings, hashlib.sha256(payload.encode()).hexdigest())
            self._cache[version] = cached
        return cached

    def eas_provision_doc(self, version: ProtocolVersion) -> Element:
        """Provision:EASProvisionDoc for a 12.0+ client (MS-ASPROV 2.2.2.28)."""
        children = []
        for name, value in self._rendered(version)[0]:
            if isinstance(value, list):
                item = SETTINGS_BY_NAME[name].item
                children.append(E(f"Provision:{name}", [E(f"Provision:{item}", v) for v in value]))
            else:
                children.append(E(f"Provision:{name}", value or None))
        return E("Provision:EASProvisionDoc", children)

    def wap_provisioning_xml(self) -> str:
        """The 2.5 Data string (MS-ASPROV 2.2.2.24.2): a wap-provisioningdoc with the SecurityPolicy and
        Registry configuration service providers, derived from the same settings.

        * SecurityPolicy 4131 is the Windows Mobile "password required" policy with inverted values:
          0 = a password is required, 1 = none (Android's and iOS's 2.5 parsers read it that way).
          4133 is sent as Exchange 2003 SP2 did: 0 with a password policy, 1 without.
        * The Registry part only matters with a password, and is sent only then: the inactivity lock in
          minutes (AEFrequencyType 1 = "minutes idle", 0 = no lock), DeviceWipeThreshold and
          CodewordFrequency (half the threshold) under LASSD, MinimumPasswordLength and
          PasswordComplexity (0 = alphanumeric required, 2 = anything) under LAP\\lap_pw.
        """
        password = bool(self._values["DevicePasswordEnabled"])
        parts = [
            "<wap-provisioningdoc>",
            '<characteristic type="SecurityPolicy">',
            _parm("4131", 0 if password else 1),
            _parm("4133", 0 if password else 1),
            "</characteristic>",
        ]
        if password:
            lock = self._values["MaxInactivityTimeDeviceLock"]
            lock_minutes = 0 if lock is None or lock >= 9999 else max(1, math.ceil(lock / 60))
            parts += [
                '<characteristic type="Registry">',
                f'<characteristic type="{_AE_KEY}">',
                _parm("AEFrequencyType", 1 if lock_minutes else 0),
                _parm("AEFrequencyValue", lock_minutes),
                "</characteristic>",
            ]
            threshold = self._values["MaxDevicePasswordFailedAttempts"]
            if threshold is not None:
                parts += [
                    f'<characteristic type="{_LASSD_KEY}">',
                    _parm("DeviceWipeThreshold", threshold),
                    _parm("CodewordFrequency", threshold // 2),
                    "</characteristic>",
                ]
            min_length = self._values["MinDevicePasswordLength"]
            parts += [
                f'<characteristic type="{_LAP_PW_KEY}">',
                _parm("MinimumPasswordLength", min_length) if min_length is not None else "",
                _parm("PasswordComplexity", 0 if self._values["AlphanumericDevicePasswordRequired"] else 2),
                "</characteristic>",
                "</characteristic>",
            ]
        parts.append("</wap-provisioningdoc>")
        return "".join(parts)

    def check(self, device: Device, policy_key: int | None, version: ProtocolVersion) -> int | None:
        """The common status dispatch answers with before running a command that needs a policy, or
        None to go ahead (MS-ASCMD 2.2.2, MS-ASPROV 3.2.5.1). A requested wipe comes first and applies
        even when provisioning is optional: the device learns of the wipe only by provisioning."""
        if device.wipe_state == "requested":
            return CommonStatus.RemoteWipeRequested  # 140
        if not self.required:
            return None
        if device.policy_key is None or not policy_key:
            return CommonStatus.DeviceNotProvisioned  # 142
        if policy_key != device.policy_key:
            return CommonStatus.InvalidPolicyKey  # 144
        if device.policy_fingerprint != self.fingerprint(version):
            return CommonStatus.PolicyRefresh  # 143
        return None


def _parm(name: str, value: int) -> str:
    return f'<parm name="{name}" value="{int(value)}"/>'


__all__ = [
    "SETTINGS",
    "SETTINGS_BY_NAME",
    "WAP_POLICY_TYPE",
    "WBXML_POLICY_TYPE",
    "Kind",
    "PolicyProvider",
    "Setting",
    "new_policy_key",
    "policy_type_for",
]
