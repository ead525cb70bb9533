"""The ActiveSync WBXML code pages (MS-ASWBXML 2.1.2.1) as data.

Generated once from the MS-ASWBXML requirement tables (``wbxml_tags.json`` plus four "see note" rows
that only the statement list kept: Email Location/GlobalObjId, Calendar Location, GetItemEstimate
Class) and then edited by hand; this module is the source now, nothing reads the JSON at run time.

``Tag.versions`` is the spec's "Protocol versions" column: ``None`` means "All"; a tuple lists the
versions; ``UNDOCUMENTED`` (an empty tuple) marks tokens that no spec revision from 2.5 on documents
but that older clients or stacks emit, kept so that such traffic still decodes.

Legacy tokens the current tables omit were cross-checked against three independent tables:
Z-Push ``src/lib/wbxml/wbxmldefs.php``, Horde ``lib/Horde/ActiveSync/Wbxml.php`` and libwbxml
0.11.8 (``wbxml2xml -l ACTIVESYNC``), and, where it lists them, Microsoft's XSDs (the 2.5 body and
attachment elements are still declared in Email.xsd, Contacts.xsd, Calendar.xsd and Tasks.xsd).
The comment on each such row says where it comes from. Names follow the spec's spelling where it
has one, otherwise Z-Push's and Horde's (libwbxml's differ, e.g. ``Compressed_RTF``).
"""

from __future__ import annotations

from typing import Final, NamedTuple


class Tag(NamedTuple):
    """One row of a code page table."""

    token: int
    name: str
    versions: tuple[str, ...] | None


ALL: Final = None
UNDOCUMENTED: Final[tuple[str, ...]] = ()


def _page(*tags: Tag) -> dict[int, Tag]:
    return {tag.token: tag for tag in tags}


#: page number -> (namespace, {token: Tag})
CODE_PAGES: Final[dict[int, tuple[str, dict[int, Tag]]]] = {
    0: (
        "AirSync",  # MS-ASWBXML 2.1.2.1.1
        _page(
            Tag(0x05, "Sync", ALL),
            Tag(0x06, "Responses", ALL),
            Tag(0x07, "Add", ALL),
            Tag(0x08, "Change", ALL),
            Tag(0x09, "Delete", ALL),
            Tag(0x0A, "Fetch", ALL),
            Tag(0x0B, "SyncKey", ALL),
            Tag(0x0C, "ClientId", ALL),
            Tag(0x0D, "ServerId", ALL),
            Tag(0x0E, "Status", ALL),
            Tag(0x0F, "Collection", ALL),
            Tag(0x10, "Class", ALL),
            Tag(
                0x11, "Version", UNDOCUMENTED
            ),  # Z-Push, Horde, libwbxml: "deprecated"; no version from 2.5 on
            Tag(0x12, "CollectionId", ALL),
            Tag(0x13, "GetChanges", ALL),
            Tag(0x14, "MoreAvailable", ALL),
            Tag(0x15, "WindowSize", ALL),
            Tag(0x16, "Commands", ALL),
            Tag(0x17, "Options", ALL),
            Tag(0x18, "FilterType", ALL),
            Tag(0x19, "Truncation", ("2.5",)),  # Z-Push "2.0 and 2.5"; AirSync.xsd; MS-ASCMD 2.2.3.185
            Tag(
                0x1A, "RTFTruncation", ("2.5",)
            ),  # Z-Push/Horde spell it "RtfTruncation", libwbxml "RTFTruncation"
            Tag(0x1B, "Conflict", ALL),
            Tag(0x1C, "Collections", ALL),
            Tag(0x1D, "ApplicationData", ALL),
            Tag(0x1E, "DeletesAsMoves", ALL),
            Tag(0x1F, "NotifyGUID", ("2.5",)),  # Z-Push "2.0 and 2.5", Horde, libwbxml
            Tag(0x20, "Supported", ALL),
            Tag(0x21, "SoftDelete", ALL),
            Tag(0x22, "MIMESupport", ALL),
            Tag(0x23, "MIMETruncation", ALL),
            Tag(0x24, "Wait", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x25, "Limit", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x26, "Partial", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x27, "ConversationMode", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x28, "MaxItems", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x29, "HeartbeatInterval", ("14.0", "14.1", "16.0", "16.1")),
        ),
    ),
    1: (
        "Contacts",  # MS-ASWBXML 2.1.2.1.2
        _page(
            Tag(0x05, "Anniversary", ALL),
            Tag(
                0x06, "AssistantName", ALL
            ),  # current spec (MS-ASCNTC 2.2.2.4, Contacts.xsd); row missing from the extracted table
            Tag(0x07, "AssistantPhoneNumber", ALL),
            Tag(0x08, "Birthday", ALL),
            Tag(0x09, "Body", ("2.5",)),  # Z-Push "2.5, AirSyncBase Body is used since 12.0"; Contacts.xsd
            Tag(0x0A, "BodySize", ("2.5",)),  # Z-Push "2.0 and 2.5"; Contacts.xsd
            Tag(0x0B, "BodyTruncated", ("2.5",)),  # Z-Push "2.0 and 2.5"; Contacts.xsd
            Tag(0x0C, "Business2PhoneNumber", ALL),
            Tag(0x0D, "BusinessAddressCity", ALL),
            Tag(0x0E, "BusinessAddressCountry", ALL),
            Tag(0x0F, "BusinessAddressPostalCode", ALL),
            Tag(0x10, "BusinessAddressState", ALL),
            Tag(0x11, "BusinessAddressStreet", ALL),
            Tag(0x12, "BusinessFaxNumber", ALL),
            Tag(0x13, "BusinessPhoneNumber", ALL),
            Tag(0x14, "CarPhoneNumber", ALL),
            Tag(0x15, "Categories", ALL),
            Tag(0x16, "Category", ALL),
            Tag(0x17, "Children", ALL),
            Tag(0x18, "Child", ALL),
            Tag(0x19, "CompanyName", ALL),
            Tag(0x1A, "Department", ALL),
            Tag(0x1B, "Email1Address", ALL),
            Tag(0x1C, "Email2Address", ALL),
            Tag(0x1D, "Email3Address", ALL),
            Tag(0x1E, "FileAs", ALL),
            Tag(0x1F, "FirstName", ALL),
            Tag(0x20, "Home2PhoneNumber", ALL),
            Tag(0x21, "HomeAddressCity", ALL),
            Tag(0x22, "HomeAddressCountry", ALL),
            Tag(0x23, "HomeAddressPostalCode", ALL),
            Tag(0x24, "HomeAddressState", ALL),
            Tag(0x25, "HomeAddressStreet", ALL),
            Tag(0x26, "HomeFaxNumber", ALL),
            Tag(0x27, "HomePhoneNumber", ALL),
            Tag(0x28, "JobTitle", ALL),
            Tag(0x29, "LastName", ALL),
            Tag(0x2A, "MiddleName", ALL),
            Tag(0x2B, "MobilePhoneNumber", ALL),
            Tag(0x2C, "OfficeLocation", ALL),
            Tag(0x2D, "OtherAddressCity", ALL),
            Tag(0x2E, "OtherAddressCountry", ALL),
            Tag(0x2F, "OtherAddressPostalCode", ALL),
            Tag(0x30, "OtherAddressState", ALL),
            Tag(0x31, "OtherAddressStreet", ALL),
            Tag(0x32, "PagerNumber", ALL),
            Tag(0x33, "RadioPhoneNumber", ALL),
            Tag(0x34, "Spouse", ALL),
            Tag(0x35, "Suffix", ALL),
            Tag(0x36, "Title", ALL),
            Tag(0x37, "WebPage", ALL),
            Tag(0x38, "YomiCompanyName", ALL),
            Tag(0x39, "YomiFirstName", ALL),
            Tag(0x3A, "YomiLastName", ALL),
            Tag(
                0x3B, "Rtf", ("2.5",)
            ),  # Z-Push "CompressedRTF - 2.5", Horde "EAS 2.5 only"; libwbxml "CompressedRTF"
            Tag(0x3C, "Picture", ALL),
            Tag(0x3D, "Alias", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x3E, "WeightedRank", ("14.0", "14.1", "16.0", "16.1")),
        ),
    ),
    2: (
        "Email",  # MS-ASWBXML 2.1.2.1.3
        _page(
            Tag(
                0x05, "Attachment", ("2.5",)
            ),  # Z-Push "AirSyncBase Attachments is used since 12.0"; Email.xsd
            Tag(0x06, "Attachments", ("2.5",)),  # Z-Push, Horde, libwbxml; Email.xsd
            Tag(0x07, "AttName", ("2.5",)),  # Z-Push, Horde, libwbxml; Email.xsd
            Tag(0x08, "AttSize", ("2.5",)),  # Z-Push, Horde, libwbxml; Email.xsd
            Tag(0x09, "AttOid", ("2.5",)),  # Z-Push, Horde; libwbxml "AttOId"
            Tag(0x0A, "AttMethod", ("2.5",)),  # Z-Push, Horde, libwbxml; Email.xsd
            Tag(0x0B, "AttRemoved", ("2.5",)),  # Z-Push, Horde, libwbxml
            Tag(0x0C, "Body", ("2.5",)),  # Z-Push "AirSyncBase Body is used since 12.0"; Email.xsd
            Tag(0x0D, "BodySize", ("2.5",)),  # Z-Push, Horde, libwbxml; Email.xsd
            Tag(0x0E, "BodyTruncated", ("2.5",)),  # Z-Push, Horde, libwbxml; Email.xsd
            Tag(0x0F, "DateReceived", ALL),
            Tag(0x10, "DisplayName", ("2.5",)),  # attachment display name; Z-Push, Horde, libwbxml; Email.xsd
            Tag(0x11, "DisplayTo", ALL),
            Tag(0x12, "Importance", ALL),
            Tag(0x13, "MessageClass", ALL),
            Tag(0x14, "Subject", ALL),
            Tag(0x15, "Read", ALL),
            Tag(0x16, "To", ALL),
            Tag(0x17, "Cc", ALL),
            Tag(0x18, "From", ALL),
            Tag(0x19, "ReplyTo", ALL),
            Tag(0x1A, "AllDayEvent", ALL),
            Tag(0x1B, "Categories", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x1C, "Category", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x1D, "DtStamp", ALL),
            Tag(0x1E, "EndTime", ALL),
            Tag(0x1F, "InstanceType", ALL),
            Tag(0x20, "BusyStatus", ALL),
            Tag(
                0x21, "Location", ("2.5", "12.0", "12.1", "14.0", "14.1")
            ),  # from the RS text (row dropped from wbxml_tags.json)
            Tag(0x22, "MeetingRequest", ALL),
            Tag(0x23, "Organizer", ALL),
            Tag(0x24, "RecurrenceId", ALL),
            Tag(0x25, "Reminder", ALL),
            Tag(0x26, "ResponseRequested", ALL),
            Tag(0x27, "Recurrences", ALL),
            Tag(0x28, "Recurrence", ALL),
            Tag(0x29, "Type", ALL),
            Tag(0x2A, "Until", ALL),
            Tag(0x2B, "Occurrences", ALL),
            Tag(0x2C, "Interval", ALL),
            Tag(0x2D, "DayOfWeek", ALL),
            Tag(0x2E, "DayOfMonth", ALL),
            Tag(0x2F, "WeekOfMonth", ALL),
            Tag(0x30, "MonthOfYear", ALL),
            Tag(0x31, "StartTime", ALL),
            Tag(0x32, "Sensitivity", ALL),
            Tag(0x33, "TimeZone", ALL),
            Tag(
                0x34, "GlobalObjId", ("2.5", "12.0", "12.1", "14.0", "14.1")
            ),  # from the RS text (row dropped from wbxml_tags.json)
            Tag(0x35, "ThreadTopic", ALL),
            Tag(0x36, "MIMEData", ("2.5",)),  # Z-Push "2.5"; Email.xsd
            Tag(0x37, "MIMETruncated", ("2.5",)),  # Z-Push "2.5"; Email.xsd
            Tag(0x38, "MIMESize", ("2.5",)),  # Z-Push "2.5"; Email.xsd
            Tag(0x39, "InternetCPID", ALL),
            Tag(0x3A, "Flag", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x3B, "Status", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x3C, "ContentClass", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x3D, "FlagType", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x3E, "CompleteTime", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x3F, "DisallowNewTimeProposal", ("14.0", "14.1", "16.0", "16.1")),
        ),
    ),
    3: (
        "AirNotify",  # MS-ASWBXML 2.1.2.1.4
        _page(
            # MS-ASWBXML 2.1.2.1.4: "code page 3 is no longer in use". Tokens from the EAS 2.0 era,
            # as Z-Push (0x05-0x16) and libwbxml (0x05-0x17) define them.
            Tag(0x05, "Notify", UNDOCUMENTED),
            Tag(0x06, "Notification", UNDOCUMENTED),
            Tag(0x07, "Version", UNDOCUMENTED),
            Tag(0x08, "LifeTime", UNDOCUMENTED),
            Tag(0x09, "DeviceInfo", UNDOCUMENTED),
            Tag(0x0A, "Enable", UNDOCUMENTED),
            Tag(0x0B, "Folder", UNDOCUMENTED),
            Tag(0x0C, "ServerId", UNDOCUMENTED),
            Tag(0x0D, "DeviceAddress", UNDOCUMENTED),
            Tag(0x0E, "ValidCarrierProfiles", UNDOCUMENTED),
            Tag(0x0F, "CarrierProfile", UNDOCUMENTED),
            Tag(0x10, "Status", UNDOCUMENTED),
            Tag(0x11, "Responses", UNDOCUMENTED),
            Tag(0x12, "Devices", UNDOCUMENTED),
            Tag(0x13, "Device", UNDOCUMENTED),
            Tag(0x14, "Id", UNDOCUMENTED),
            Tag(0x15, "Expiry", UNDOCUMENTED),
            Tag(0x16, "NotifyGUID", UNDOCUMENTED),
            Tag(0x17, "DeviceFriendlyName", UNDOCUMENTED),  # libwbxml only
        ),
    ),
    4: (
        "Calendar",  # MS-ASWBXML 2.1.2.1.5
        _page(
            Tag(0x05, "Timezone", ALL),
            Tag(0x06, "AllDayEvent", ALL),
            Tag(0x07, "Attendees", ALL),
            Tag(0x08, "Attendee", ALL),
            Tag(0x09, "Email", ALL),
            Tag(0x0A, "Name", ALL),
            Tag(
                0x0B, "Body", ("2.5",)
            ),  # Z-Push "AirSyncBase Body is used since 12.0", Horde "2.5 only"; Calendar.xsd
            Tag(0x0C, "BodyTruncated", ("2.5",)),  # Z-Push, Horde "2.5 only", libwbxml; Calendar.xsd
            Tag(0x0D, "BusyStatus", ALL),
            Tag(0x0E, "Categories", ALL),
            Tag(0x0F, "Category", ALL),
            Tag(
                0x10, "Rtf", ("2.5",)
            ),  # Z-Push "2.5 - deprecated", Horde "2.5 only"; libwbxml "Compressed_RTF"
            Tag(0x11, "DtStamp", ALL),
            Tag(0x12, "EndTime", ALL),
            Tag(0x13, "Exception", ALL),
            Tag(0x14, "Exceptions", ALL),
            Tag(0x15, "Deleted", ALL),
            Tag(0x16, "ExceptionStartTime", ("2.5", "12.0", "12.1", "14.0", "14.1")),
            Tag(
                0x17, "Location", ("2.5", "12.0", "12.1", "14.0", "14.1")
            ),  # from the RS text (row dropped from wbxml_tags.json)
            Tag(0x18, "MeetingStatus", ALL),
            Tag(0x19, "OrganizerEmail", ALL),
            Tag(0x1A, "OrganizerName", ALL),
            Tag(0x1B, "Recurrence", ALL),
            Tag(0x1C, "Type", ALL),
            Tag(0x1D, "Until", ALL),
            Tag(0x1E, "Occurrences", ALL),
            Tag(0x1F, "Interval", ALL),
            Tag(0x20, "DayOfWeek", ALL),
            Tag(0x21, "DayOfMonth", ALL),
            Tag(0x22, "WeekOfMonth", ALL),
            Tag(0x23, "MonthOfYear", ALL),
            Tag(0x24, "Reminder", ALL),
            Tag(0x25, "Sensitivity", ALL),
            Tag(0x26, "Subject", ALL),
            Tag(0x27, "StartTime", ALL),
            Tag(0x28, "UID", ALL),
            Tag(0x29, "AttendeeStatus", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x2A, "AttendeeType", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(
                0x2B, "Attachment", UNDOCUMENTED
            ),  # Horde "EAS 12.1 (apparently no longer documented)", Z-Push "not defined / deprecated"
            Tag(0x2C, "Attachments", UNDOCUMENTED),  # as 0x2B
            Tag(0x2D, "AttName", UNDOCUMENTED),  # as 0x2B
            Tag(0x2E, "AttSize", UNDOCUMENTED),  # as 0x2B
            Tag(0x2F, "AttOid", UNDOCUMENTED),  # as 0x2B
            Tag(0x30, "AttMethod", UNDOCUMENTED),  # as 0x2B
            Tag(0x31, "AttRemoved", UNDOCUMENTED),  # as 0x2B
            Tag(0x32, "DisplayName", UNDOCUMENTED),  # as 0x2B
            Tag(0x33, "DisallowNewTimeProposal", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x34, "ResponseRequested", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x35, "AppointmentReplyTime", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x36, "ResponseType", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x37, "CalendarType", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x38, "IsLeapMonth", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x39, "FirstDayOfWeek", ("14.1", "16.0", "16.1")),
            Tag(0x3A, "OnlineMeetingConfLink", ("14.1", "16.0", "16.1")),
            Tag(0x3B, "OnlineMeetingExternalLink", ("14.1", "16.0", "16.1")),
            Tag(0x3C, "ClientUid", ("16.0", "16.1")),
        ),
    ),
    5: (
        "Move",  # MS-ASWBXML 2.1.2.1.6
        _page(
            Tag(0x05, "MoveItems", ALL),
            Tag(0x06, "Move", ALL),
            Tag(0x07, "SrcMsgId", ALL),
            Tag(0x08, "SrcFldId", ALL),
            Tag(0x09, "DstFldId", ALL),
            Tag(0x0A, "Response", ALL),
            Tag(0x0B, "Status", ALL),
            Tag(0x0C, "DstMsgId", ALL),
        ),
    ),
    6: (
        "GetItemEstimate",  # MS-ASWBXML 2.1.2.1.7
        _page(
            Tag(0x05, "GetItemEstimate", ALL),
            Tag(0x06, "Version", UNDOCUMENTED),  # Z-Push "deprecated", Horde, libwbxml
            Tag(0x07, "Collections", ALL),
            Tag(0x08, "Collection", ALL),
            Tag(
                0x09, "Class", ("2.5", "12.0", "12.1")
            ),  # from the RS text (row dropped from wbxml_tags.json)
            Tag(0x0A, "CollectionId", ALL),
            Tag(0x0B, "DateTime", UNDOCUMENTED),  # Z-Push "deprecated", Horde, libwbxml
            Tag(0x0C, "Estimate", ALL),
            Tag(0x0D, "Response", ALL),
            Tag(0x0E, "Status", ALL),
        ),
    ),
    7: (
        "FolderHierarchy",  # MS-ASWBXML 2.1.2.1.8
        _page(
            Tag(0x05, "Folders", ("2.5", "12.0", "12.1")),
            Tag(0x06, "Folder", ("2.5", "12.0", "12.1")),
            Tag(0x07, "DisplayName", ALL),
            Tag(0x08, "ServerId", ALL),
            Tag(0x09, "ParentId", ALL),
            Tag(0x0A, "Type", ALL),
            Tag(0x0B, "Response", UNDOCUMENTED),  # Z-Push "deprecated", Horde, libwbxml
            Tag(0x0C, "Status", ALL),
            Tag(0x0D, "ContentClass", UNDOCUMENTED),  # Z-Push "deprecated", Horde, libwbxml
            Tag(0x0E, "Changes", ALL),
            Tag(0x0F, "Add", ALL),
            Tag(0x10, "Delete", ALL),
            Tag(0x11, "Update", ALL),
            Tag(0x12, "SyncKey", ALL),
            Tag(0x13, "FolderCreate", ALL),
            Tag(0x14, "FolderDelete", ALL),
            Tag(0x15, "FolderUpdate", ALL),
            Tag(0x16, "FolderSync", ALL),
            Tag(0x17, "Count", ALL),
            Tag(0x18, "Version", UNDOCUMENTED),  # Z-Push "2.0 - not defined in 20100501", Horde, libwbxml
        ),
    ),
    8: (
        "MeetingResponse",  # MS-ASWBXML 2.1.2.1.9
        _page(
            Tag(0x05, "CalendarId", ALL),
            Tag(0x06, "CollectionId", ALL),
            Tag(0x07, "MeetingResponse", ALL),
            Tag(0x08, "RequestId", ALL),
            Tag(0x09, "Request", ALL),
            Tag(0x0A, "Result", ALL),
            Tag(0x0B, "Status", ALL),
            Tag(0x0C, "UserResponse", ALL),
            Tag(0x0D, "Version", UNDOCUMENTED),  # Z-Push "2.0 - not defined in 20100501", Horde, libwbxml
            Tag(0x0E, "InstanceId", ("14.1", "16.0", "16.1")),
            Tag(0x10, "ProposedStartTime", ("16.1",)),
            Tag(0x11, "ProposedEndTime", ("16.1",)),
            Tag(0x12, "SendResponse", ("16.0", "16.1")),
        ),
    ),
    9: (
        "Tasks",  # MS-ASWBXML 2.1.2.1.10
        _page(
            Tag(0x05, "Body", ("2.5",)),  # Z-Push "AirSyncBase Body is used since 12.0"; Tasks.xsd
            Tag(0x06, "BodySize", ("2.5",)),  # Z-Push, Horde, libwbxml; Tasks.xsd
            Tag(0x07, "BodyTruncated", ("2.5",)),  # Z-Push, Horde, libwbxml; Tasks.xsd
            Tag(0x08, "Categories", ALL),
            Tag(0x09, "Category", ALL),
            Tag(0x0A, "Complete", ALL),
            Tag(0x0B, "DateCompleted", ALL),
            Tag(0x0C, "DueDate", ALL),
            Tag(0x0D, "UtcDueDate", ALL),
            Tag(0x0E, "Importance", ALL),
            Tag(0x0F, "Recurrence", ALL),
            Tag(0x10, "Type", ALL),
            Tag(0x11, "Start", ALL),
            Tag(0x12, "Until", ALL),
            Tag(0x13, "Occurrences", ALL),
            Tag(0x14, "Interval", ALL),
            Tag(0x15, "DayOfMonth", ALL),
            Tag(0x16, "DayOfWeek", ALL),
            Tag(0x17, "WeekOfMonth", ALL),
            Tag(0x18, "MonthOfYear", ALL),
            Tag(0x19, "Regenerate", ALL),
            Tag(0x1A, "DeadOccur", ALL),
            Tag(0x1B, "ReminderSet", ALL),
            Tag(0x1C, "ReminderTime", ALL),
            Tag(0x1D, "Sensitivity", ALL),
            Tag(0x1E, "StartDate", ALL),
            Tag(0x1F, "UtcStartDate", ALL),
            Tag(0x20, "Subject", ALL),
            Tag(0x21, "Rtf", ("2.5",)),  # Z-Push "deprecated", Horde; libwbxml "CompressedRTF"
            Tag(0x22, "OrdinalDate", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x23, "SubOrdinalDate", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x24, "CalendarType", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x25, "IsLeapMonth", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x26, "FirstDayOfWeek", ("14.1", "16.0", "16.1")),
        ),
    ),
    10: (
        "ResolveRecipients",  # MS-ASWBXML 2.1.2.1.11
        _page(
            Tag(0x05, "ResolveRecipients", ALL),
            Tag(0x06, "Response", ALL),
            Tag(0x07, "Status", ALL),
            Tag(0x08, "Type", ALL),
            Tag(0x09, "Recipient", ALL),
            Tag(0x0A, "DisplayName", ALL),
            Tag(0x0B, "EmailAddress", ALL),
            Tag(0x0C, "Certificates", ALL),
            Tag(0x0D, "Certificate", ALL),
            Tag(0x0E, "MiniCertificate", ALL),
            Tag(0x0F, "Options", ALL),
            Tag(0x10, "To", ALL),
            Tag(0x11, "CertificateRetrieval", ALL),
            Tag(0x12, "RecipientCount", ALL),
            Tag(0x13, "MaxCertificates", ALL),
            Tag(0x14, "MaxAmbiguousRecipients", ALL),
            Tag(0x15, "CertificateCount", ALL),
            Tag(0x16, "Availability", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x17, "StartTime", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x18, "EndTime", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x19, "MergedFreeBusy", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x1A, "Picture", ("14.1", "16.0", "16.1")),
            Tag(0x1B, "MaxSize", ("14.1", "16.0", "16.1")),
            Tag(0x1C, "Data", ("14.1", "16.0", "16.1")),
            Tag(0x1D, "MaxPictures", ("14.1", "16.0", "16.1")),
        ),
    ),
    11: (
        "ValidateCert",  # MS-ASWBXML 2.1.2.1.12
        _page(
            Tag(0x05, "ValidateCert", ALL),
            Tag(0x06, "Certificates", ALL),
            Tag(0x07, "Certificate", ALL),
            Tag(0x08, "CertificateChain", ALL),
            Tag(0x09, "CheckCRL", ALL),
            Tag(0x0A, "Status", ALL),
        ),
    ),
    12: (
        "Contacts2",  # MS-ASWBXML 2.1.2.1.13
        _page(
            Tag(0x05, "CustomerId", ALL),
            Tag(0x06, "GovernmentId", ALL),
            Tag(0x07, "IMAddress", ALL),
            Tag(0x08, "IMAddress2", ALL),
            Tag(0x09, "IMAddress3", ALL),
            Tag(0x0A, "ManagerName", ALL),
            Tag(0x0B, "CompanyMainPhone", ALL),
            Tag(0x0C, "AccountName", ALL),
            Tag(0x0D, "NickName", ALL),
            Tag(0x0E, "MMS", ALL),
        ),
    ),
    13: (
        "Ping",  # MS-ASWBXML 2.1.2.1.14
        _page(
            Tag(0x05, "Ping", ALL),
            Tag(0x06, "AutdState", UNDOCUMENTED),  # Z-Push "not used by protocol", libwbxml
            Tag(0x07, "Status", ALL),
            Tag(0x08, "HeartbeatInterval", ALL),
            Tag(0x09, "Folders", ALL),
            Tag(0x0A, "Folder", ALL),
            Tag(0x0B, "Id", ALL),
            Tag(0x0C, "Class", ALL),
            Tag(0x0D, "MaxFolders", ALL),
            Tag(0x0E, "Version", UNDOCUMENTED),  # Z-Push "not defined / deprecated"
        ),
    ),
    14: (
        "Provision",  # MS-ASWBXML 2.1.2.1.15
        _page(
            Tag(0x05, "Provision", ALL),
            Tag(0x06, "Policies", ALL),
            Tag(0x07, "Policy", ALL),
            Tag(0x08, "PolicyType", ALL),
            Tag(0x09, "PolicyKey", ALL),
            Tag(0x0A, "Data", ALL),
            Tag(0x0B, "Status", ALL),
            Tag(0x0C, "RemoteWipe", ALL),
            Tag(0x0D, "EASProvisionDoc", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0E, "DevicePasswordEnabled", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0F, "AlphanumericDevicePasswordRequired", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x10, "RequireStorageCardEncryption", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x11, "PasswordRecoveryEnabled", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x12, "DocumentBrowseEnabled", UNDOCUMENTED),  # Z-Push "not defined / deprecated", libwbxml
            Tag(0x13, "AttachmentsEnabled", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x14, "MinDevicePasswordLength", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x15, "MaxInactivityTimeDeviceLock", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x16, "MaxDevicePasswordFailedAttempts", ("12.0", "12.1", "14.0", "14.1", "16.0")),
            Tag(0x17, "MaxAttachmentSize", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x18, "AllowSimpleDevicePassword", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x19, "DevicePasswordExpiration", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1A, "DevicePasswordHistory", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1B, "AllowStorageCard", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1C, "AllowCamera", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1D, "RequireDeviceEncryption", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1E, "AllowUnsignedApplications", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1F, "AllowUnsignedInstallationPackages", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x20, "MinDevicePasswordComplexCharacters", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x21, "AllowWiFi", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x22, "AllowTextMessaging", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x23, "AllowPOPIMAPEmail", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x24, "AllowBluetooth", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x25, "AllowIrDA", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x26, "RequireManualSyncWhenRoaming", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x27, "AllowDesktopSync", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x28, "MaxCalendarAgeFilter", ("12.1", "14.0", "14.1", "16.0")),
            Tag(0x29, "AllowHTMLEmail", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x2A, "MaxEmailAgeFilter", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x2B, "MaxEmailBodyTruncationSize", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x2C, "MaxEmailHTMLBodyTruncationSize", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x2D, "RequireSignedSMIMEMessages", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x2E, "RequireEncryptedSMIMEMessages", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x2F, "RequireSignedSMIMEAlgorithm", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x30, "RequireEncryptionSMIMEAlgorithm", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x31, "AllowSMIMEEncryptionAlgorithmNegotiation", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x32, "AllowSMIMESoftCerts", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x33, "AllowBrowser", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x34, "AllowConsumerEmail", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x35, "AllowRemoteDesktop", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x36, "AllowInternetSharing", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x37, "UnapprovedInROMApplicationList", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x38, "ApplicationName", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x39, "ApprovedApplicationList", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x3A, "Hash", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x3B, "AccountOnlyRemoteWipe", ("16.1",)),
        ),
    ),
    15: (
        "Search",  # MS-ASWBXML 2.1.2.1.16
        _page(
            Tag(0x05, "Search", ALL),
            Tag(0x07, "Store", ALL),
            Tag(0x08, "Name", ALL),
            Tag(0x09, "Query", ALL),
            Tag(0x0A, "Options", ALL),
            Tag(0x0B, "Range", ALL),
            Tag(0x0C, "Status", ALL),
            Tag(0x0D, "Response", ALL),
            Tag(0x0E, "Result", ALL),
            Tag(0x0F, "Properties", ALL),
            Tag(0x10, "Total", ALL),
            Tag(0x11, "EqualTo", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x12, "Value", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x13, "And", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x14, "Or", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x15, "FreeText", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x17, "DeepTraversal", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x18, "LongId", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x19, "RebuildResults", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1A, "LessThan", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1B, "GreaterThan", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1C, "Schema", UNDOCUMENTED),  # Z-Push, libwbxml; not in the current table
            Tag(0x1D, "Supported", UNDOCUMENTED),  # Z-Push, libwbxml; not in the current table
            Tag(0x1E, "UserName", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1F, "Password", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x20, "ConversationId", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x21, "Picture", ("14.1", "16.0", "16.1")),
            Tag(0x22, "MaxSize", ("14.1", "16.0", "16.1")),
            Tag(0x23, "MaxPictures", ("14.1", "16.0", "16.1")),
        ),
    ),
    16: (
        "GAL",  # MS-ASWBXML 2.1.2.1.17
        _page(
            Tag(0x05, "DisplayName", ALL),
            Tag(0x06, "Phone", ALL),
            Tag(0x07, "Office", ALL),
            Tag(0x08, "Title", ALL),
            Tag(0x09, "Company", ALL),
            Tag(0x0A, "Alias", ALL),
            Tag(0x0B, "FirstName", ALL),
            Tag(0x0C, "LastName", ALL),
            Tag(0x0D, "HomePhone", ALL),
            Tag(0x0E, "MobilePhone", ALL),
            Tag(0x0F, "EmailAddress", ALL),
            Tag(0x10, "Picture", ("14.1", "16.0", "16.1")),
            Tag(0x11, "Status", ("14.1", "16.0", "16.1")),
            Tag(0x12, "Data", ("14.1", "16.0", "16.1")),
        ),
    ),
    17: (
        "AirSyncBase",  # MS-ASWBXML 2.1.2.1.18
        _page(
            Tag(0x05, "BodyPreference", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x06, "Type", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x07, "TruncationSize", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x08, "AllOrNone", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0A, "Body", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0B, "Data", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0C, "EstimatedDataSize", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0D, "Truncated", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0E, "Attachments", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0F, "Attachment", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x10, "DisplayName", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x11, "FileReference", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x12, "Method", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x13, "ContentId", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x14, "ContentLocation", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x15, "IsInline", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x16, "NativeBodyType", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x17, "ContentType", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x18, "Preview", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x19, "BodyPartPreference", ("14.1", "16.0", "16.1")),
            Tag(0x1A, "BodyPart", ("14.1", "16.0", "16.1")),
            Tag(0x1B, "Status", ("14.1", "16.0", "16.1")),
            Tag(0x1C, "Add", ("16.0", "16.1")),
            Tag(0x1D, "Delete", ("16.0", "16.1")),
            Tag(0x1E, "ClientId", ("16.0", "16.1")),
            Tag(0x1F, "Content", ("16.0", "16.1")),
            Tag(0x20, "Location", ("16.0", "16.1")),
            Tag(0x21, "Annotation", ("16.0", "16.1")),
            Tag(0x22, "Street", ("16.0", "16.1")),
            Tag(0x23, "City", ("16.0", "16.1")),
            Tag(0x24, "State", ("16.0", "16.1")),
            Tag(0x25, "Country", ("16.0", "16.1")),
            Tag(0x26, "PostalCode", ("16.0", "16.1")),
            Tag(0x27, "Latitude", ("16.0", "16.1")),
            Tag(0x28, "Longitude", ("16.0", "16.1")),
            Tag(0x29, "Accuracy", ("16.0", "16.1")),
            Tag(0x2A, "Altitude", ("16.0", "16.1")),
            Tag(0x2B, "AltitudeAccuracy", ("16.0", "16.1")),
            Tag(0x2C, "LocationUri", ("16.0", "16.1")),
            Tag(0x2D, "InstanceId", ("16.0", "16.1")),
        ),
    ),
    18: (
        "Settings",  # MS-ASWBXML 2.1.2.1.19
        _page(
            Tag(0x05, "Settings", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x06, "Status", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x07, "Get", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x08, "Set", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x09, "Oof", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0A, "OofState", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0B, "StartTime", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0C, "EndTime", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0D, "OofMessage", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0E, "AppliesToInternal", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0F, "AppliesToExternalKnown", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x10, "AppliesToExternalUnknown", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x11, "Enabled", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x12, "ReplyMessage", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x13, "BodyType", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x14, "DevicePassword", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x15, "Password", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x16, "DeviceInformation", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x17, "Model", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x18, "IMEI", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x19, "FriendlyName", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1A, "OS", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1B, "OSLanguage", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1C, "PhoneNumber", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1D, "UserInformation", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1E, "EmailAddresses", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x1F, "SMTPAddress", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x20, "UserAgent", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x21, "EnableOutboundSMS", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x22, "MobileOperator", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x23, "PrimarySmtpAddress", ("14.1", "16.0", "16.1")),
            Tag(0x24, "Accounts", ("14.1", "16.0", "16.1")),
            Tag(0x25, "Account", ("14.1", "16.0", "16.1")),
            Tag(0x26, "AccountId", ("14.1", "16.0", "16.1")),
            Tag(0x27, "AccountName", ("14.1", "16.0", "16.1")),
            Tag(0x28, "UserDisplayName", ("14.1", "16.0", "16.1")),
            Tag(0x29, "SendDisabled", ("14.1", "16.0", "16.1")),
            Tag(0x2B, "RightsManagementInformation", ("14.1", "16.0", "16.1")),
        ),
    ),
    19: (
        "DocumentLibrary",  # MS-ASWBXML 2.1.2.1.20
        _page(
            Tag(0x05, "LinkId", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x06, "DisplayName", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x07, "IsFolder", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x08, "CreationDate", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x09, "LastModifiedDate", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0A, "IsHidden", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0B, "ContentLength", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0C, "ContentType", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
        ),
    ),
    20: (
        "ItemOperations",  # MS-ASWBXML 2.1.2.1.21
        _page(
            Tag(0x05, "ItemOperations", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x06, "Fetch", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x07, "Store", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x08, "Options", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x09, "Range", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0A, "Total", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0B, "Properties", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0C, "Data", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0D, "Status", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0E, "Response", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x0F, "Version", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x10, "Schema", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x11, "Part", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x12, "EmptyFolderContents", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x13, "DeleteSubFolders", ("12.0", "12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x14, "UserName", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x15, "Password", ("12.1", "14.0", "14.1", "16.0", "16.1")),
            Tag(0x16, "Move", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x17, "DstFldId", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x18, "ConversationId", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x19, "MoveAlways", ("14.0", "14.1", "16.0", "16.1")),
        ),
    ),
    21: (
        "ComposeMail",  # MS-ASWBXML 2.1.2.1.22
        _page(
            Tag(0x05, "SendMail", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x06, "SmartForward", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x07, "SmartReply", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x08, "SaveInSentItems", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x09, "ReplaceMime", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x0A, "Type", UNDOCUMENTED),  # Z-Push "not used"
            Tag(0x0B, "Source", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x0C, "FolderId", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x0D, "ItemId", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x0E, "LongId", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x0F, "InstanceId", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x10, "Mime", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x11, "ClientId", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x12, "Status", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x13, "AccountId", ("14.1", "16.0", "16.1")),
            Tag(0x15, "Forwardees", ("16.0", "16.1")),
            Tag(0x16, "Forwardee", ("16.0", "16.1")),
            Tag(0x17, "Name", ("16.0", "16.1")),
            Tag(0x18, "Email", ("16.0", "16.1")),
        ),
    ),
    22: (
        "Email2",  # MS-ASWBXML 2.1.2.1.23
        _page(
            Tag(0x05, "UmCallerID", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x06, "UmUserNotes", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x07, "UmAttDuration", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x08, "UmAttOrder", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x09, "ConversationId", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x0A, "ConversationIndex", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x0B, "LastVerbExecuted", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x0C, "LastVerbExecutionTime", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x0D, "ReceivedAsBcc", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x0E, "Sender", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x0F, "CalendarType", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x10, "IsLeapMonth", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x11, "AccountId", ("14.1", "16.0", "16.1")),
            Tag(0x12, "FirstDayOfWeek", ("14.1", "16.0", "16.1")),
            Tag(0x13, "MeetingMessageType", ("14.1", "16.0", "16.1")),
            Tag(0x15, "IsDraft", ("16.0", "16.1")),
            Tag(0x16, "Bcc", ("16.0", "16.1")),
            Tag(0x17, "Send", ("16.0", "16.1")),
        ),
    ),
    23: (
        "Notes",  # MS-ASWBXML 2.1.2.1.24
        _page(
            Tag(0x05, "Subject", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x06, "MessageClass", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x07, "LastModifiedDate", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x08, "Categories", ("14.0", "14.1", "16.0", "16.1")),
            Tag(0x09, "Category", ("14.0", "14.1", "16.0", "16.1")),
        ),
    ),
    24: (
        "RightsManagement",  # MS-ASWBXML 2.1.2.1.25
        _page(
            Tag(0x05, "RightsManagementSupport", ("14.1", "16.0", "16.1")),
            Tag(0x06, "RightsManagementTemplates", ("14.1", "16.0", "16.1")),
            Tag(0x07, "RightsManagementTemplate", ("14.1", "16.0", "16.1")),
            Tag(0x08, "RightsManagementLicense", ("14.1", "16.0", "16.1")),
            Tag(0x09, "EditAllowed", ("14.1", "16.0", "16.1")),
            Tag(0x0A, "ReplyAllowed", ("14.1", "16.0", "16.1")),
            Tag(0x0B, "ReplyAllAllowed", ("14.1", "16.0", "16.1")),
            Tag(0x0C, "ForwardAllowed", ("14.1", "16.0", "16.1")),
            Tag(0x0D, "ModifyRecipientsAllowed", ("14.1", "16.0", "16.1")),
            Tag(0x0E, "ExtractAllowed", ("14.1", "16.0", "16.1")),
            Tag(0x0F, "PrintAllowed", ("14.1", "16.0", "16.1")),
            Tag(0x10, "ExportAllowed", ("14.1", "16.0", "16.1")),
            Tag(0x11, "ProgrammaticAccessAllowed", ("14.1", "16.0", "16.1")),
            Tag(0x12, "Owner", ("14.1", "16.0", "16.1")),
            Tag(0x13, "ContentExpiryDate", ("14.1", "16.0", "16.1")),
            Tag(0x14, "TemplateID", ("14.1", "16.0", "16.1")),
            Tag(0x15, "TemplateName", ("14.1", "16.0", "16.1")),
            Tag(0x16, "TemplateDescription", ("14.1", "16.0", "16.1")),
            Tag(0x17, "ContentOwner", ("14.1", "16.0", "16.1")),
            Tag(0x18, "RemoveRightsManagementProtection", ("14.1", "16.0", "16.1")),
        ),
    ),
    25: (
        "Find",  # MS-ASWBXML 2.1.2.1.26
        _page(
            Tag(0x05, "Find", ("16.1",)),
            Tag(0x06, "SearchId", ("16.1",)),
            Tag(0x07, "ExecuteSearch", ("16.1",)),
            Tag(0x08, "MailBoxSearchCriterion", ("16.1",)),
            Tag(0x09, "Query", ("16.1",)),
            Tag(0x0A, "Status", ("16.1",)),
            Tag(0x0B, "FreeText", ("16.1",)),
            Tag(0x0C, "Options", ("16.1",)),
            Tag(0x0D, "Range", ("16.1",)),
            Tag(0x0E, "DeepTraversal", ("16.1",)),
            Tag(0x11, "Response", ("16.1",)),
            Tag(0x12, "Result", ("16.1",)),
            Tag(0x13, "Properties", ("16.1",)),
            Tag(0x14, "Preview", ("16.1",)),
            Tag(0x15, "HasAttachments", ("16.1",)),
            Tag(0x16, "Total", ("16.1",)),
            Tag(0x17, "DisplayCc", ("16.1",)),
            Tag(0x18, "DisplayBcc", ("16.1",)),
            Tag(0x19, "GalSearchCriterion", ("16.1",)),
            Tag(0x20, "MaxPictures", ("16.1",)),
            Tag(0x21, "MaxSize", ("16.1",)),
            Tag(0x22, "Picture", ("16.1",)),
        ),
    ),
}

#: namespace -> page number
PAGE_OF: Final[dict[str, int]] = {name: page for page, (name, _tags) in CODE_PAGES.items()}

#: namespace -> {tag name: Tag}; where a page reuses a name (never, today) the first token wins.
TAGS_BY_NAME: Final[dict[str, dict[str, Tag]]] = {}
for _name, _tags in CODE_PAGES.values():
    _by_name: dict[str, Tag] = {}
    for _tag in _tags.values():
        _by_name.setdefault(_tag.name, _tag)
    TAGS_BY_NAME[_name] = _by_name
del _name, _tags, _by_name, _tag
