"""The Contact class (MS-ASCNTC): Contacts (code page 1), Contacts2 (code page 12) and AirSyncBase:Body.

Order follows the ``AllProps`` groups of Contacts.xsd and Contacts2.xsd (the ApplicationData of a
contact is an unordered choice, so the order is cosmetic). Versions: MS-ASCNTC 2.2.2.x and the code
page rows of MS-ASWBXML 2.1.2.1.2 / 2.1.2.1.13; the 2.5-only Contacts:Body/BodySize/BodyTruncated/Rtf
tokens were replaced by airsyncbase:Body in 12.0. Ghostable: the "This element can be ghosted"
statements of MS-ASCNTC, plus Picture, which Contacts.xsd lists in ``GhostingProps`` although the
text of MS-ASCNTC 2.2.2.58 does not say so (treating it as ghostable is the choice that never
deletes a picture a client merely did not send).
"""

from __future__ import annotations

from collections.abc import Iterable

from airsync.protocol.versions import V2_5, V12_0, V14_0, ProtocolVersion

from .fields import Field, Kind

C = "Contacts"
C2 = "Contacts2"
ASB = "AirSyncBase"

#: MS-ASCNTC 2.2.2.58: "The value of the Picture element MUST be limited to 48 KB of binary content
#: that is encoded with base64 encoding"; more and the server answers Status 6.
PICTURE_MAX_BASE64 = 48 * 1024

#: airsyncbase:Body (MS-ASAIRS 2.2.2.9) as the PIM classes use it: Type, EstimatedDataSize,
#: Truncated, Data, Preview (14.0+). Part belongs to ItemOperations multipart responses only.
#: Shared by Contacts, Tasks and Notes; it belongs in an AirSyncBase schema module once one exists.
BODY = Field(
    ASB,
    "Body",
    Kind.CONTAINER,
    first=V12_0,
    children=(
        Field(ASB, "Type", Kind.INTEGER, first=V12_0),
        Field(ASB, "EstimatedDataSize", Kind.INTEGER, first=V12_0),
        Field(ASB, "Truncated", Kind.BOOLEAN, first=V12_0),
        Field(ASB, "Data", first=V12_0),
        Field(ASB, "Preview", first=V14_0),
    ),
)


def _c(tag: str, kind: Kind = Kind.STRING, item: str | None = None) -> Field:
    return Field(C, tag, kind, ghostable=True, item=item)


def _c2(tag: str) -> Field:
    return Field(C2, tag, ghostable=True)


CONTACTS: tuple[Field, ...] = (
    _c("Anniversary", Kind.DATETIME),
    _c("AssistantName"),
    _c("AssistantPhoneNumber"),
    _c("Birthday", Kind.DATETIME),
    # 2.5 only: the notes as plain text, and their truncation.
    Field(C, "Body", last=V2_5),
    Field(C, "BodySize", Kind.INTEGER, last=V2_5),
    Field(C, "BodyTruncated", Kind.BOOLEAN, last=V2_5),
    _c("Business2PhoneNumber"),
    _c("BusinessAddressCity"),
    _c("BusinessPhoneNumber"),
    _c("WebPage"),
    _c("BusinessAddressCountry"),
    _c("Department"),
    _c("Email1Address"),
    _c("Email2Address"),
    _c("Email3Address"),
    _c("BusinessFaxNumber"),
    _c("FileAs"),
    # 14.0+, recipient information cache responses only (MS-ASCNTC 2.2.2.2, 2.2.2.64); never ghosted.
    Field(C, "Alias", first=V14_0),
    Field(C, "WeightedRank", Kind.INTEGER, first=V14_0),
    _c("FirstName"),
    _c("MiddleName"),
    _c("HomeAddressCity"),
    _c("HomeAddressCountry"),
    _c("HomeFaxNumber"),
    _c("HomePhoneNumber"),
    _c("Home2PhoneNumber"),
    _c("HomeAddressPostalCode"),
    _c("HomeAddressState"),
    _c("HomeAddressStreet"),
    _c("MobilePhoneNumber"),
    _c("Suffix"),
    _c("CompanyName"),
    _c("OtherAddressCity"),
    _c("OtherAddressCountry"),
    _c("CarPhoneNumber"),
    _c("OtherAddressPostalCode"),
    _c("OtherAddressState"),
    _c("OtherAddressStreet"),
    _c("PagerNumber"),
    _c("Title"),
    _c("BusinessAddressPostalCode"),
    _c("LastName"),
    _c("Spouse"),
    _c("BusinessAddressState"),
    _c("BusinessAddressStreet"),
    _c("JobTitle"),
    _c("YomiFirstName"),
    _c("YomiLastName"),
    _c("YomiCompanyName"),
    _c("OfficeLocation"),
    _c("RadioPhoneNumber"),
    # A base64 string (MS-ASCNTC 2.2.2.58: string data type), at most PICTURE_MAX_BASE64 characters.
    _c("Picture"),
    _c("Categories", Kind.LIST, item="Category"),
    _c("Children", Kind.LIST, item="Child"),
    # 2.5 only: the notes as compressed RTF, base64 (Z-Push "CompressedRTF - 2.5", Horde "2.5 only").
    Field(C, "Rtf", last=V2_5),
    BODY,
    # Contacts2 (MS-ASCNTC 2.2.2.1, .21-.23, .30, .39-.41, .44, .46, .48), every one ghostable.
    _c2("CustomerId"),
    _c2("GovernmentId"),
    _c2("IMAddress"),
    _c2("IMAddress2"),
    _c2("IMAddress3"),
    _c2("ManagerName"),
    _c2("CompanyMainPhone"),
    _c2("AccountName"),
    _c2("NickName"),
    _c2("MMS"),
)


def ghosted_properties(version: ProtocolVersion, supported: Iterable[str] | None) -> set[str]:
    """The contact properties a client ghosts (MS-ASCMD 2.2.3.179, MS-ASCNTC 3.1.5.3.1).

    ``supported`` is what the client sent in airsync:Supported at sync key 0, as qualified names
    (``"Contacts:FirstName"``, ``"Contacts2:NickName"``, the form the Sync command records) or bare
    tags. No Supported element (``None``): nothing is ghosted, every property the client leaves out
    of a Change is deleted. An empty Supported: every ghostable property is ghosted. A list: the
    ghostable properties not in it are ghosted, and a Change that leaves them out keeps their value.

    Returns qualified names, like ``fields.ghostable``.
    """
    if supported is None:
        return set()
    listed = {name.rpartition(":")[2] for name in supported}
    return {
        field.qname
        for field in CONTACTS
        if field.ghostable and field.defined_in(version) and field.tag not in listed
    }


__all__ = ["BODY", "CONTACTS", "PICTURE_MAX_BASE64", "ghosted_properties"]
