"""The response checker itself: valid trees pass, and each kind of mistake is caught."""

from __future__ import annotations

import pytest

from airsync.wbxml import Element, encode, ns
from tests.schemas import RESPONSE_XSD, check_response, load_schema, validate_request, validate_response

FH = ns.FolderHierarchy
AS = ns.AirSync
P = ns.Provision


def folder_sync(*changes: Element) -> Element:
    return FH.FolderSync(FH.Status("1"), FH.SyncKey("1"), FH.Changes(FH.Count(str(len(changes))), *changes))


def add(server_id: str, name: str, kind: str) -> Element:
    return FH.Add(FH.ServerId(server_id), FH.ParentId("0"), FH.DisplayName(name), FH.Type(kind))


VALID = {
    "FolderSync": folder_sync(add("1", "Inbox", "2"), add("2", "Calendar", "8")),
    "FolderCreate": FH.FolderCreate(FH.Status("1"), FH.SyncKey("2"), FH.ServerId("11")),
    "FolderDelete": FH.FolderDelete(FH.Status("4")),
    "Sync": AS.Sync(
        AS.Collections(
            AS.Collection(
                AS.SyncKey("1"),
                AS.CollectionId("7"),
                AS.Status("1"),
                AS.Commands(AS.Delete(AS.ServerId("7:1")), AS.SoftDelete(AS.ServerId("7:2"))),
            )
        )
    ),
    "Sync status only": AS.Sync(AS.Status("4")),
    "GetItemEstimate": ns.GetItemEstimate.GetItemEstimate(
        ns.GetItemEstimate.Response(
            ns.GetItemEstimate.Status("1"),
            ns.GetItemEstimate.Collection(
                ns.GetItemEstimate.CollectionId("7"), ns.GetItemEstimate.Estimate("0")
            ),
        )
    ),
    "Ping": ns.Ping.Ping(ns.Ping.Status("1")),
    "Provision": P.Provision(
        P.Status("1"),
        P.Policies(P.Policy(P.PolicyType("MS-EAS-Provisioning-WBXML"), P.Status("1"), P.PolicyKey("1234"))),
    ),
}

WAP_DOC = (
    '<wap-provisioningdoc><characteristic type="SecurityPolicy"><parm name="4131" value="1"/>'
    "</characteristic></wap-provisioningdoc>"
)
VALID["Provision 2.5 (WAP Data string)"] = P.Provision(
    P.Status("1"),
    P.Policies(
        P.Policy(P.PolicyType("MS-WAP-Provisioning-XML"), P.Status("1"), P.PolicyKey("1"), P.Data(WAP_DOC))
    ),
)

INVALID = {
    # SyncKey before Status: the sequence is Status, SyncKey, Changes.
    "wrong child order": (
        FH.FolderSync(FH.SyncKey("1"), FH.Status("1")),
        r"SyncKey' at position 1\. Tag '\{FolderHierarchy\}Status' expected",
    ),
    "missing required Status": (
        FH.FolderCreate(FH.SyncKey("2"), FH.ServerId("11")),
        r"Tag '\{FolderHierarchy\}Status' expected",
    ),
    "Add before Count": (
        FH.FolderSync(FH.Status("1"), FH.SyncKey("1"), FH.Changes(add("1", "Inbox", "2"), FH.Count("1"))),
        r"Changes: Unexpected child with tag '\{FolderHierarchy\}Count'",
    ),
    "text where an integer belongs": (
        ns.Ping.Ping(ns.Ping.Status("ok")),
        r"Ping/\{Ping\}Status: invalid literal",
    ),
    "Provision without Status": (
        P.Provision(P.Policies(P.Policy(P.PolicyType("MS-EAS-Provisioning-WBXML"), P.Status("1")))),
        r"Tag '\{Provision\}Status' expected",
    ),
    "WAP Data that is not a provisioning document": (
        P.Provision(
            P.Status("1"),
            P.Policies(P.Policy(P.PolicyType("MS-WAP-Provisioning-XML"), P.Status("1"), P.Data("<policy/>"))),
        ),
        r"root <policy>, not <wap-provisioningdoc>",
    ),
    "Data string under the WBXML policy type": (
        P.Provision(
            P.Status("1"),
            P.Policies(P.Policy(P.PolicyType("MS-EAS-Provisioning-WBXML"), P.Status("1"), P.Data(WAP_DOC))),
        ),
        r"Data: character data between child elements not allowed",
    ),
    "unexpected child": (
        FH.FolderDelete(FH.Status("1"), FH.ServerId("3")),
        r"Unexpected child with tag '\{FolderHierarchy\}ServerId'",
    ),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_responses_pass(name: str) -> None:
    tree = VALID[name]
    validate_response(tree)
    check_response(encode(tree), tree)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_responses_fail(name: str) -> None:
    tree, mentioned = INVALID[name]
    with pytest.raises(AssertionError, match=mentioned):
        validate_response(tree)
    with pytest.raises(AssertionError, match=mentioned):
        check_response(encode(tree), tree)


def test_root_without_schema_fails_loudly() -> None:
    with pytest.raises(AssertionError, match="no response schema for root AirSync:Collections"):
        check_response(encode(AS.Collections()), AS.Collections())


def test_request_validation_has_no_schemas_yet() -> None:
    with pytest.raises(AssertionError, match="no request schema for root FolderHierarchy:FolderSync"):
        validate_request(FH.FolderSync(FH.SyncKey("0")))


def test_body_that_does_not_match_the_tree_fails() -> None:
    """(a): libwbxml reads the bytes, not our tree, so a decoding mistake of ours shows."""
    sent = VALID["FolderCreate"]
    other = FH.FolderCreate(FH.Status("1"), FH.SyncKey("2"), FH.ServerId("12"))
    with pytest.raises(AssertionError, match="libwbxml decodes the response differently"):
        check_response(encode(sent), other)


def test_opaque_where_libwbxml_writes_a_string_still_checks_decoding() -> None:
    """A ServerId sent as OPAQUE: libwbxml reads it as text and writes it back as an inline string,
    so (b) compares with our encoding of libwbxml's choice instead of the body."""
    tree = FH.FolderCreate(FH.Status("1"), FH.SyncKey("2"), Element("FolderHierarchy", "ServerId", b"11"))
    check_response(encode(tree), tree)


@pytest.mark.parametrize("xsd_file", sorted(set(RESPONSE_XSD.values())))
def test_every_response_schema_loads(xsd_file: str) -> None:
    assert load_schema(xsd_file).elements
