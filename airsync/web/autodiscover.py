"""Autodiscover for ActiveSync clients (MS-ASCMD 2.2.1.1; schemas 6.2 to 6.4; example 4.2.4), and
the Autodiscover v2 JSON lookup newer clients try first (Exchange Online's, outside MS-ASCMD).

The XML exchange, over an authenticated POST::

    <Autodiscover xmlns=".../mobilesync/requestschema/2006">
      <Request><EMailAddress/><AcceptableResponseSchema/></Request>
    </Autodiscover>

    <Autodiscover xmlns=".../autodiscover/responseschema/2006">
      <Response xmlns=".../mobilesync/responseschema/2006">
        <Culture/> <User><DisplayName/><EMailAddress/></User>
        <Action><Settings><Server><Type/><Url/><Name/></Server></Settings></Action>
      </Response>
    </Autodiscover>

Errors: a request that is not one (malformed XML, a DTD, a missing element, several Request elements)
gets the outer ``Response{Error{ErrorCode 600}}``; a response schema other than mobilesync gets 601
(2.2.3.64). Both travel with HTTP 200, as Exchange sends them.

The body comes from the network: it is parsed with defusedxml and DTDs are refused outright, which
stops entity expansion (billion laughs) and external entities before they start.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final
from xml.sax.saxutils import escape

import defusedxml
import defusedxml.ElementTree as SafeET

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from airsync.commands.context import Services
    from airsync.store.records import User

log = logging.getLogger("airsync.web.autodiscover")

REQUEST_SCHEMA: Final = "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"
#: The outer response namespace (AutodiscoverResponse.xsd).
RESPONSE_SCHEMA: Final = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
#: The inner one, and the only AcceptableResponseSchema value we serve (AutodiscoverMobileSync.xsd).
MOBILESYNC_SCHEMA: Final = "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"

XML_CONTENT_TYPE: Final = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE: Final = "application/json; charset=utf-8"
#: A genuine request is a few hundred bytes.
MAX_REQUEST: Final = 64 * 1024
#: "The string value [Culture] MUST be of the form "en:us"" (2.2.3.38).
CULTURE: Final = "en:us"

INVALID_REQUEST: Final = 600  #: An invalid request was sent to the server.
NO_PROVIDER: Final = 601  #: No provider handles the AcceptableResponseSchema value.
PROTOCOL_ERROR: Final = 2  #: Status (Autodiscover) 2, Protocol error (2.2.3.177.1).


class BadRequest(ValueError):
    """The body is not an Autodiscover request: ErrorCode 600."""


async def autodiscover(services: Services, user: User, body: bytes) -> tuple[int, str, bytes]:
    """Answer POST /autodiscover/autodiscover.xml for ``user``, already authenticated."""
    try:
        email, schema = parse_request(body)
    except BadRequest as exc:
        log.warning("Autodiscover for %s: invalid request (600): %s", user.name, exc)
        return 200, XML_CONTENT_TYPE, outer_error(INVALID_REQUEST, "Invalid Request")
    if schema.strip().lower() != MOBILESYNC_SCHEMA.lower():
        log.info("Autodiscover for %s: no provider for %r (601)", user.name, schema)
        return 200, XML_CONTENT_TYPE, outer_error(NO_PROVIDER, "Provider is not available")
    owner = await services.accounts.find_login(email)
    if owner is None or owner.id != user.id:
        # Same answer whether the address belongs to someone else or to no one: nothing leaks.
        log.warning("Autodiscover: %s asked for %r, which is not theirs", user.name, email)
        return 200, XML_CONTENT_TYPE, mobilesync_error(email)
    url = services.config.activesync_url
    return 200, XML_CONTENT_TYPE, mobilesync_settings(user, url)


def parse_request(body: bytes) -> tuple[str, str]:
    """(EMailAddress, AcceptableResponseSchema) of a request; raises BadRequest.

    Elements are matched by local name: the clients in the field agree on the structure more than on
    the namespace. Text is stripped.
    """
    if len(body) > MAX_REQUEST:
        raise BadRequest(f"{len(body)} bytes is too large for an Autodiscover request")
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (SafeET.ParseError, defusedxml.DefusedXmlException, ValueError, LookupError) as exc:
        raise BadRequest(f"not acceptable XML: {type(exc).__name__}: {exc}") from None
    if _local(root.tag) != "Autodiscover":
        raise BadRequest(f"root element is {root.tag!r}, not Autodiscover")
    requests = [child for child in root if _local(child.tag) == "Request"]
    if len(requests) != 1:
        # "When more than one Request elements are present ... the server returns 600" (2.2.3.150.1).
        raise BadRequest(f"{len(requests)} Request elements")
    email = _text(requests[0], "EMailAddress")
    schema = _text(requests[0], "AcceptableResponseSchema")
    if not email:
        raise BadRequest("no EMailAddress")
    if not schema:
        raise BadRequest("no AcceptableResponseSchema")
    return email, schema


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _text(parent: Element, name: str) -> str:
    found = [child for child in parent if _local(child.tag) == name]
    if len(found) > 1:
        raise BadRequest(f"{len(found)} {name} elements")
    return (found[0].text or "").strip() if found else ""


def mobilesync_settings(user: User, url: str) -> bytes:
    """The success response of MS-ASCMD 4.2.4: the user, and one MobileSync server."""
    display_name = f"<DisplayName>{escape(user.display_name)}</DisplayName>" if user.display_name else ""
    return _mobilesync(
        f"<User>{display_name}<EMailAddress>{escape(user.email)}</EMailAddress></User>"
        "<Action><Settings><Server>"
        "<Type>MobileSync</Type>"
        f"<Url>{escape(url)}</Url>"
        f"<Name>{escape(url)}</Name>"
        "</Server></Settings></Action>"
    )


def mobilesync_error(email: str) -> bytes:
    """Action/Error with Status 2, shaped like MS-ASCMD 4.2.2; it echoes only the address asked for."""
    return _mobilesync(
        f"<User><EMailAddress>{escape(email)}</EMailAddress></User>"
        "<Action><Error>"
        f"<Status>{PROTOCOL_ERROR}</Status>"
        "<Message>The e-mail address does not belong to the signed-in account.</Message>"
        "</Error></Action>"
    )


def _mobilesync(content: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<Autodiscover xmlns="{RESPONSE_SCHEMA}">'
        f'<Response xmlns="{MOBILESYNC_SCHEMA}">'
        f"<Culture>{CULTURE}</Culture>{content}"
        "</Response></Autodiscover>"
    ).encode()


def outer_error(code: int, message: str) -> bytes:
    """The outer Response/Error (2.2.3.63) with its Time attribute; no DebugData, no server Id."""
    now = datetime.now(UTC).strftime("%H:%M:%S.%f")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<Autodiscover xmlns="{RESPONSE_SCHEMA}">'
        f'<Response><Error Time="{now}">'
        f"<ErrorCode>{code}</ErrorCode><Message>{escape(message)}</Message>"
        "</Error></Response></Autodiscover>"
    ).encode()


# Autodiscover v2: GET /autodiscover/autodiscover.json?Email=...&Protocol=ActiveSync, unauthenticated.


async def autodiscover_json(
    services: Services, email: str | None, protocol: str | None
) -> tuple[int, str, bytes]:
    """The ActiveSync URL, the same for every address (which is not even looked at), so an
    unauthenticated caller learns nothing but what the server's name already tells."""
    if (protocol or "").strip().lower() != "activesync":
        shown = (protocol or "")[:64]
        error = {
            "ErrorCode": "InvalidProtocol",
            "ErrorMessage": f"The given protocol value '{shown}' is invalid. "
            "Supported values are 'ActiveSync'.",
        }
        return 400, JSON_CONTENT_TYPE, json.dumps(error).encode()
    answer = {"Protocol": "ActiveSync", "Url": services.config.activesync_url}
    return 200, JSON_CONTENT_TYPE, json.dumps(answer).encode()
