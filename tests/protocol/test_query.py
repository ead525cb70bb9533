"""MS-ASHTTP 2.2.1.1.1: both forms of the request line."""

from __future__ import annotations

import pytest

from airsync.protocol.query import QueryError, encode_base64_query, parse_request_line
from airsync.protocol.versions import ProtocolVersion


def test_spec_base64_example() -> None:
    # MS-ASHTTP 2.2.1.1.1: the two example requests are equivalent.
    line = parse_request_line("jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l", {})
    assert (line.cmd, line.device_id, line.device_type) == ("Sync", "v140Device", "SmartPhone")
    assert line.version == ProtocolVersion(14, 0)
    assert line.policy_key is None
    assert line.locale == 0x0409
    assert line.base64


def test_spec_plain_example() -> None:
    line = parse_request_line(
        "Cmd=Sync&User=rmjones&DeviceId=v140Device&DeviceType=SmartPhone", {"MS-ASProtocolVersion": "14.0"}
    )
    assert (line.cmd, line.user, line.device_id, line.device_type) == (
        "Sync",
        "rmjones",
        "v140Device",
        "SmartPhone",
    )
    assert line.version == ProtocolVersion(14, 0)


def test_plain_any_order_and_header_case() -> None:
    # iOS puts User first; go-activesync capitalises headers its own way.
    line = parse_request_line(
        "User=a%40b.c&DeviceId=D1&DeviceType=iPhone&Cmd=FolderSync&CollectionId=5&SaveInSent=T",
        {"Ms-Asprotocolversion": "16.1", "X-Ms-Policykey": "1234"},
    )
    assert line.user == "a@b.c" and line.policy_key == 1234 and line.version == ProtocolVersion(16, 1)
    assert line.params["CollectionId"] == "5" and line.save_in_sent


def test_base64_round_trip_with_parameters() -> None:
    query = encode_base64_query(
        version=ProtocolVersion(14, 1),
        cmd="SmartReply",
        device_id="DEV",
        device_type="Phone",
        policy_key=987654321,
        params={"ItemId": "5:12", "CollectionId": "5", "User": "alice"},
        options=0x01,
    )
    line = parse_request_line(query, {})
    assert line.cmd == "SmartReply" and line.policy_key == 987654321 and line.user == "alice"
    assert line.params == {"ItemId": "5:12", "CollectionId": "5"} and line.save_in_sent


@pytest.mark.parametrize(
    "query",
    [
        "",
        "Cmd=Sync&DeviceType=X",  # no DeviceId
        "Cmd=Sync&DeviceId=X",  # no DeviceType
        "DeviceId=X&DeviceType=Y",  # no Cmd
        "!!!notbase64",
        "jAAJBAp2MTQw",  # base64 cut inside the device ID
        "jB8JBAp2MTQwRGV2aWNlAApTbWFydFBob25l",  # unknown command code 31
        "Cmd=Sync&DeviceId=a,b&DeviceType=X",  # commas are not allowed in a DeviceId
    ],
)
def test_bad_request_lines(query: str) -> None:
    with pytest.raises(QueryError):
        parse_request_line(query, {"MS-ASProtocolVersion": "14.1"})


def test_bad_policy_key() -> None:
    with pytest.raises(QueryError):
        parse_request_line("Cmd=Sync&DeviceId=X&DeviceType=Y", {"X-MS-PolicyKey": "abc"})
