"""Autodiscover (MS-ASCMD 2.2.1.1): the mobilesync exchange, its errors, hostile XML, and the v2 JSON
lookup. Responses are validated against AutodiscoverResponse.xsd (outer) importing
AutodiscoverMobileSync.xsd (inner)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET  # parsing our own responses only

import pytest
import xmlschema

from airsync.config import Config
from airsync.web import autodiscover as ad
from tests.data import XSD_DIR as _XSD_DIR

XSD_DIR = _XSD_DIR
URL = "https://mail.example.test/Microsoft-Server-ActiveSync"
OUTER = "{" + ad.RESPONSE_SCHEMA + "}"
INNER = "{" + ad.MOBILESYNC_SCHEMA + "}"


@pytest.fixture(scope="session")
def schema(tmp_path_factory: pytest.TempPathFactory) -> xmlschema.XMLSchema:
    """AutodiscoverResponse.xsd with the xs:import of the mobilesync namespace that the spec's copy
    (6.4) has and the test-suite copy leaves out."""
    if not XSD_DIR.is_dir():
        raise AssertionError(f"no EAS schemas at {XSD_DIR}")
    out = tmp_path_factory.mktemp("xsd")
    (out / "AutodiscoverMobileSync.xsd").write_text((XSD_DIR / "AutodiscoverMobileSync.xsd").read_text())
    text = (XSD_DIR / "AutodiscoverResponse.xsd").read_text()
    start = re.search(r"<xs:schema\b[^>]*>", text)
    assert start is not None
    imported = f'<xs:import namespace="{ad.MOBILESYNC_SCHEMA}" schemaLocation="AutodiscoverMobileSync.xsd"/>'
    (out / "AutodiscoverResponse.xsd").write_text(text[: start.end()] + imported + text[start.end() :])
    return xmlschema.XMLSchema(str(out / "AutodiscoverResponse.xsd"))


@pytest.fixture
async def alice(services):
    services.config = Config(public_url="https://mail.example.test")
    return await services.accounts.add(
        "alice", "secret", email="alice@example.test", display_name="Alice Liddell"
    )


def request(email: str, schema: str = ad.MOBILESYNC_SCHEMA) -> bytes:
    """MS-ASCMD 4.2.1's request."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<Autodiscover xmlns="{ad.REQUEST_SCHEMA}">\n'
        "  <Request>\n"
        f"    <EMailAddress>{email}</EMailAddress>\n"
        f"    <AcceptableResponseSchema>{schema}</AcceptableResponseSchema>\n"
        "  </Request>\n"
        "</Autodiscover>"
    ).encode()


async def call(services, user, body: bytes, schema: xmlschema.XMLSchema) -> ET.Element:
    status, content_type, answer = await ad.autodiscover(services, user, body)
    assert (status, content_type) == (200, "text/xml; charset=utf-8")
    schema.validate(answer.decode())
    return ET.fromstring(answer)


def outer_error_code(root: ET.Element) -> str | None:
    return root.findtext(f"{OUTER}Response/{OUTER}Error/{OUTER}ErrorCode")


@pytest.mark.parametrize("email", ["alice@example.test", "Alice@Example.TEST", "alice"])
async def test_own_address_gets_the_server(services, alice, schema, email) -> None:
    root = await call(services, alice, request(email), schema)
    assert root.tag == f"{OUTER}Autodiscover"
    (response,) = root
    assert response.tag == f"{INNER}Response"
    assert response.findtext(f"{INNER}Culture") == "en:us"
    assert response.findtext(f"{INNER}User/{INNER}DisplayName") == "Alice Liddell"
    assert response.findtext(f"{INNER}User/{INNER}EMailAddress") == "alice@example.test"
    (server,) = response.findall(f"{INNER}Action/{INNER}Settings/{INNER}Server")
    assert [(c.tag.removeprefix(INNER), c.text) for c in server] == [
        ("Type", "MobileSync"),
        ("Url", URL),
        ("Name", URL),
    ]


async def test_other_response_schema_gets_601(services, alice, schema) -> None:
    outlook = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
    root = await call(services, alice, request("alice@example.test", outlook), schema)
    assert outer_error_code(root) == "601"
    assert URL.encode() not in ET.tostring(root)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<Autodiscover><Request><EMailAddress>&lol3;</EMailAddress>"
    b"<AcceptableResponseSchema>x</AcceptableResponseSchema></Request></Autodiscover>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006">'
    b"<Request><EMailAddress>&xxe;</EMailAddress>"
    b"<AcceptableResponseSchema>"
    b"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"
    b"</AcceptableResponseSchema></Request></Autodiscover>"
)
EXTERNAL_DTD = (
    b'<?xml version="1.0"?><!DOCTYPE Autodiscover SYSTEM "http://example.invalid/a.dtd"><Autodiscover/>'
)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"not xml at all", id="not-xml"),
        pytest.param(request("alice@example.test")[:-5], id="truncated"),
        pytest.param(b"<Autodiscover><Request>", id="unclosed"),
        pytest.param(b"<Other><Request/></Other>", id="wrong-root"),
        pytest.param(
            request("alice@example.test").replace(b"<Request>", b"<Request/><Request>"), id="two-requests"
        ),
        pytest.param(request("").replace(b"<EMailAddress></EMailAddress>", b""), id="no-address"),
        pytest.param(
            request("alice@example.test").replace(b"AcceptableResponseSchema>", b"X>"), id="no-schema"
        ),
        pytest.param(request("alice@example.test") + b" " * ad.MAX_REQUEST, id="too-large"),
        pytest.param(b'<?xml version="1.0" encoding="x-nonsense"?><Autodiscover/>', id="unknown-encoding"),
        pytest.param(b"\xff\xfe\x00<", id="bad-bytes"),
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(EXTERNAL_ENTITY, id="external-entity"),
        pytest.param(EXTERNAL_DTD, id="external-dtd"),
    ],
)
async def test_invalid_requests_get_600(services, alice, schema, body) -> None:
    root = await call(services, alice, body, schema)
    assert outer_error_code(root) == "600"
    text = ET.tostring(root)
    assert b"root:" not in text and b"lol" not in text and URL.encode() not in text


async def test_utf16_request_is_understood(services, alice, schema) -> None:
    body = request("alice@example.test").decode().replace("utf-8", "utf-16").encode("utf-16")
    root = await call(services, alice, body, schema)
    assert root.find(f"{INNER}Response/{INNER}Action/{INNER}Settings") is not None


async def test_someone_elses_address_tells_nothing(services, alice, schema) -> None:
    """Bob exists; asking for his address and for no one's gives the same answer, without data."""
    await services.accounts.add("bob", "secret", email="bob@example.test", display_name="Bob Secret")
    answers = []
    for email in ("bob@example.test", "bob", "nobody@example.test"):
        root = await call(services, alice, request(email), schema)
        response = root.find(f"{INNER}Response")
        assert response is not None
        assert response.findtext(f"{INNER}Action/{INNER}Error/{INNER}Status") == "2"
        assert response.find(f"{INNER}Action/{INNER}Settings") is None
        assert response.findtext(f"{INNER}User/{INNER}EMailAddress") == email
        text = ET.tostring(root, encoding="unicode")
        assert "Bob Secret" not in text and URL not in text and "alice" not in text
        answers.append(text.replace(email, "ADDRESS"))
    assert len(set(answers)) == 1


async def test_response_escapes_the_address_it_echoes(services, alice, schema) -> None:
    root = await call(services, alice, request("a&amp;b&lt;c@example.test"), schema)
    assert root.findtext(f"{INNER}Response/{INNER}User/{INNER}EMailAddress") == "a&b<c@example.test"


# Autodiscover v2 (JSON).


@pytest.mark.parametrize("email", ["alice@example.test", "nobody@elsewhere.invalid", "", None])
@pytest.mark.parametrize("protocol", ["ActiveSync", "activesync"])
async def test_json_gives_the_same_url_to_everyone(services, email, protocol) -> None:
    services.config = Config(public_url="https://mail.example.test/")
    status, content_type, body = await ad.autodiscover_json(services, email, protocol)
    assert (status, content_type) == (200, "application/json; charset=utf-8")
    assert json.loads(body) == {"Protocol": "ActiveSync", "Url": URL}


@pytest.mark.parametrize("protocol", ["Ews", "AutodiscoverV1", "", None, "<script>" * 40])
async def test_json_other_protocols_are_400(services, protocol) -> None:
    status, content_type, body = await ad.autodiscover_json(services, "alice@example.test", protocol)
    assert (status, content_type) == (400, "application/json; charset=utf-8")
    answer = json.loads(body)
    assert answer["ErrorCode"] == "InvalidProtocol"
    assert len(answer["ErrorMessage"]) < 200
