"""The common status codes of MS-ASCMD 2.2.2, with their HTTP equivalents for 2.5 to 12.1."""

from __future__ import annotations

from enum import IntEnum


class CommonStatus(IntEnum):
    """MS-ASCMD 2.2.2 "Common Status Codes". Each member quotes the spec's meaning."""

    InvalidContent = 101  #: The body of the HTTP request sent by the client is invalid.
    InvalidWBXML = 102  #: The request contains WBXML but it could not be decoded into XML.
    InvalidXML = 103  #: The XML provided in the request does not follow the protocol requirements.
    InvalidDateTime = 104  #: The request contains a timestamp that could not be parsed.
    InvalidCombinationOfIDs = 105  #: The request contains a combination of parameters that is invalid.
    InvalidIDs = 106  #: The request contains one or more IDs that could not be parsed.
    InvalidMIME = 107  #: The request contains data that could not be parsed into MIME.
    DeviceIdMissingOrInvalid = 108  #: The device ID is either missing or has an invalid format.
    DeviceTypeMissingOrInvalid = 109  #: The device type is either missing or has an invalid format.
    ServerError = 110  #: The server encountered an unknown error; the client should not retry.
    ServerErrorRetryLater = 111  #: The server encountered an unknown error; the client should retry later.
    ActiveDirectoryAccessDenied = 112  #: The server does not have access to read/write to an object.
    MailboxQuotaExceeded = 113  #: The mailbox has reached its size quota.
    MailboxServerOffline = 114  #: The mailbox server is offline.
    SendQuotaExceeded = 115  #: The request would exceed the send quota.
    MessageRecipientUnresolved = 116  #: One of the recipients could not be resolved.
    MessageReplyNotAllowed = 117  #: The mailbox server will not allow a reply of this message.
    MessagePreviouslySent = 118  #: The message was already sent in a previous request (same ClientId).
    MessageHasNoRecipient = 119  #: The message being sent contains no recipient.
    MailSubmissionFailed = 120  #: The server failed to submit the message for delivery.
    MessageReplyFailed = 121  #: The server failed to create a reply message.
    AttachmentIsTooLarge = 122  #: The attachment is too large to be processed.
    UserHasNoMailbox = 123  #: A mailbox could not be found for the user.
    UserCannotBeAnonymous = 124  #: The request was sent without credentials.
    UserPrincipalCouldNotBeFound = 125  #: The user was not found in the directory service.
    UserDisabledForSync = 126  #: The user object in the directory service indicates EAS is disabled.
    UserOnNewMailboxCannotSync = 127  #: The server is configured to prevent users on newer servers syncing.
    UserOnLegacyMailboxCannotSync = 128  #: The server is configured to prevent users on legacy servers.
    DeviceIsBlockedForThisUser = 129  #: The device has been blocked for this user.
    AccessDenied = 130  #: The user is not allowed to perform that request.
    AccountDisabled = 131  #: The user's account is disabled.
    SyncStateNotFound = 132  #: The server's data file that contains the state of the client was lost.
    SyncStateLocked = 133  #: The server's data file that contains the state of the client is locked.
    SyncStateCorrupt = 134  #: The server's data file that contains the state of the client appears corrupt.
    SyncStateAlreadyExists = 135  #: The server's data file that contains the state already exists.
    SyncStateVersionInvalid = 136  #: The version of the server's state data file is not compatible.
    CommandNotSupported = 137  #: The command is not supported by this server.
    VersionNotSupported = 138  #: The command is not supported in the protocol version specified.
    DeviceNotFullyProvisionable = (
        139  #: The device uses a protocol version that cannot send all policy settings.
    )
    RemoteWipeRequested = 140  #: A remote wipe was requested; the device should provision to get the request.
    LegacyDeviceOnStrictPolicy = 141  #: A policy is in place but the device is not provisionable.
    DeviceNotProvisioned = 142  #: There is a policy in place; the device needs to provision.
    PolicyRefresh = 143  #: The policy changed; the device needs to provision again.
    InvalidPolicyKey = 144  #: The device's policy key is invalid.
    ExternallyManagedDevicesNotAllowed = 145  #: The server does not allow externally managed devices.
    NoRecurrenceInCalendar = (
        146  #: The request tried to forward an occurrence of a meeting with no recurrence.
    )
    UnexpectedItemClass = 147  #: The request tried to operate on a type of items unknown to the server.
    RemoteServerHasNoSSL = 148  #: The remote server does not have SSL enabled.
    InvalidStoredRequest = 149  #: The empty request could not be matched with a stored request.
    ItemNotFound = 150  #: The ItemId value of the Smart* command or the InstanceId was not found.
    TooManyFolders = 151  #: The mailbox contains too many folders.
    NoFoldersFound = 152  #: The mailbox contains no folders.
    ItemsLostAfterMove = 153  #: Items were lost after a move.
    FailureInMoveOperation = 154  #: The mailbox server returned an unknown error while moving items.
    MoveCommandDisallowedForNonPersistentMoveAction = 155  #: An ItemOperations Move on a non-persistent move.
    MoveCommandInvalidDestinationFolder = 156  #: An ItemOperations Move to an invalid destination folder.
    AvailabilityTooManyRecipients = 160  #: The command has reached the maximum number of recipients.
    AvailabilityDLLimitReached = 161  #: The distribution list is too large to be expanded.
    AvailabilityTransientFailure = 162  #: Availability service failed, retry later.
    AvailabilityFailure = 163  #: Availability service failed.
    BodyPartPreferenceTypeNotSupported = 164  #: The BodyPartPreference Type is not supported.
    DeviceInformationRequired = 165  #: The required DeviceInformation element is missing in Provision.
    InvalidAccountId = 166  #: The AccountId value is not valid.
    AccountSendDisabled = 167  #: The AccountId value specified an account with sending disabled.
    IRM_FeatureDisabled = 168  #: Information Rights Management is disabled.
    IRM_TransientError = 169  #: Information Rights Management encountered a transient error.
    IRM_PermanentError = 170  #: Information Rights Management encountered a permanent error.
    IRM_InvalidTemplateID = 171  #: The rights management template ID is not valid.
    IRM_OperationNotPermitted = 172  #: Information Rights Management does not permit the operation.
    NoPicture = 173  #: The user does not have a contact photo.
    PictureTooLarge = 174  #: The contact photo exceeds the size limit set by MaxSize.
    PictureLimitReached = 175  #: The number of contact photos returned exceeds MaxPictures.
    BodyPart_ConversationTooLarge = 176  #: The conversation is too large to compute the body parts.
    MaximumDevicesReached = 177  #: The user's account has too many device partnerships.
    InvalidMimeBodyCombination = 178  #: The SmartForward combines Mime with a Body that cannot be merged.
    InvalidSmartForwardParameters = 179  #: The SmartForward carries incompatible parameters.
    InvalidRecipients = 183  #: The draft's recipients are not valid.
    OneOrMoreExceptionsFailed = 184  #: One or more calendar exceptions could not be applied.


#: How 2.5 to 12.1 clients learn of a common status: the HTTP code MS-ASCMD 2.2.2 gives for it.
#: Codes not listed here have no HTTP twin; they become 400 (client's fault) or 500.
HTTP_EQUIVALENT: dict[CommonStatus, int] = {
    CommonStatus.InvalidContent: 400,
    CommonStatus.InvalidWBXML: 400,
    CommonStatus.InvalidXML: 400,
    CommonStatus.InvalidDateTime: 400,
    CommonStatus.InvalidCombinationOfIDs: 400,
    CommonStatus.InvalidIDs: 400,
    CommonStatus.InvalidMIME: 400,
    CommonStatus.DeviceIdMissingOrInvalid: 400,
    CommonStatus.DeviceTypeMissingOrInvalid: 400,
    CommonStatus.ServerError: 500,
    CommonStatus.ServerErrorRetryLater: 503,
    CommonStatus.ActiveDirectoryAccessDenied: 403,
    CommonStatus.MailboxQuotaExceeded: 507,
    CommonStatus.MailboxServerOffline: 503,
    CommonStatus.UserPrincipalCouldNotBeFound: 403,
    CommonStatus.UserDisabledForSync: 403,
    CommonStatus.DeviceIsBlockedForThisUser: 403,
    CommonStatus.AccessDenied: 403,
    CommonStatus.AccountDisabled: 403,
    CommonStatus.SyncStateNotFound: 403,
    CommonStatus.CommandNotSupported: 501,
    CommonStatus.VersionNotSupported: 400,
    CommonStatus.RemoteWipeRequested: 449,
    CommonStatus.LegacyDeviceOnStrictPolicy: 449,
    CommonStatus.DeviceNotProvisioned: 449,
    CommonStatus.PolicyRefresh: 449,
    CommonStatus.InvalidPolicyKey: 449,
    CommonStatus.UnexpectedItemClass: 400,
    CommonStatus.InvalidStoredRequest: 400,
    CommonStatus.ItemNotFound: 500,
}


def http_equivalent(status: int) -> int:
    """The HTTP code a 2.5 to 12.1 client gets instead of ``status``."""
    try:
        return HTTP_EQUIVALENT[CommonStatus(status)]
    except (ValueError, KeyError):
        return 500 if status in (110, 111, 114) else 400
