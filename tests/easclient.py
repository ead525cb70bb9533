"""A small EAS test client over real HTTP (httpx), for the end-to-end tests.

It encodes requests with our codec, sends them in the plain or the base64 query form, and checks
every WBXML response with an independent decoder (libwbxml) and Microsoft's schemas before handing
back the decoded tree.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import httpx

from airsync.protocol.query import encode_base64_query
from airsync.protocol.versions import ProtocolVersion
from airsync.wbxml import Element, decode, encode


@dataclass
class Reply:
    status: int
    headers: httpx.Headers
    body: bytes
    tree: Element | None

    def text(self, *path: str) -> str | None:
        """findtext along a path of tags from the root."""
        node = self.tree
        for tag in path[:-1]:
            node = node.find(tag) if node is not None else None
        return node.findtext(path[-1]) if node is not None else None


@dataclass
class EASClient:
    base_url: str
    user: str
    password: str
    device_id: str = "TESTDEVICE0001"
    device_type: str = "TestPhone"
    version: str = "14.1"
    base64_query: bool = False
    policy_key: int | None = None
    check: bool = True
    extra_headers: dict[str, str] = field(default_factory=dict)

    def _auth(self) -> str:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return f"Basic {token}"

    async def options(self) -> httpx.Response:
        async with httpx.AsyncClient(timeout=30) as http:
            return await http.options(
                f"{self.base_url}/Microsoft-Server-ActiveSync", headers={"Authorization": self._auth()}
            )

    async def raw(
        self,
        cmd: str,
        body: bytes,
        *,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        query: str | None = None,
    ) -> httpx.Response:
        hdrs = {"Authorization": self._auth(), "User-Agent": "airsync-tests/1.0", **self.extra_headers}
        if body:
            hdrs["Content-Type"] = "application/vnd.ms-sync.wbxml"
        if query is None:
            if self.base64_query:
                query = encode_base64_query(
                    version=ProtocolVersion.parse(self.version),
                    cmd=cmd,
                    device_id=self.device_id,
                    device_type=self.device_type,
                    policy_key=self.policy_key,
                    params={"User": self.user, **(params or {})},
                )
            else:
                query = httpx.QueryParams(
                    {
                        "Cmd": cmd,
                        "User": self.user,
                        "DeviceId": self.device_id,
                        "DeviceType": self.device_type,
                        **(params or {}),
                    }
                ).__str__()
                hdrs["MS-ASProtocolVersion"] = self.version
                if self.policy_key is not None:
                    hdrs["X-MS-PolicyKey"] = str(self.policy_key)
        hdrs.update(headers or {})
        async with httpx.AsyncClient(timeout=60) as http:
            return await http.post(
                f"{self.base_url}/Microsoft-Server-ActiveSync?{query}", content=body, headers=hdrs
            )

    async def send(self, cmd: str, request: Element | None, **kwargs: Any) -> Reply:
        response = await self.raw(cmd, encode(request) if request is not None else b"", **kwargs)
        tree = None
        if response.content:
            assert response.headers.get("content-type", "").startswith("application/vnd.ms-sync.wbxml")
            tree = decode(response.content)
            if self.check:
                from tests.schemas import check_response

                check_response(response.content, tree)
        return Reply(response.status_code, response.headers, response.content, tree)

    async def provision(self) -> int:
        """The two-phase handshake; sets and returns the final policy key."""
        from airsync.wbxml import ns

        P = ns.Provision
        policy_type = "MS-WAP-Provisioning-XML" if self.version == "2.5" else "MS-EAS-Provisioning-WBXML"
        device_info = None
        if ProtocolVersion.parse(self.version) >= ProtocolVersion(14, 1):
            S = ns.Settings
            device_info = S.DeviceInformation(
                S.Set(S.Model("Test"), S.OS("TestOS 1"), S.UserAgent("airsync-tests"))
            )
        self.policy_key = None
        first = await self.send(
            "Provision", P.Provision(device_info, P.Policies(P.Policy(P.PolicyType(policy_type))))
        )
        assert first.status == 200, first.status
        temporary = first.text("Policies", "Policy", "PolicyKey")
        assert temporary, first.tree
        self.policy_key = int(temporary)
        second = await self.send(
            "Provision",
            P.Provision(
                P.Policies(P.Policy(P.PolicyType(policy_type), P.PolicyKey(temporary), P.Status("1")))
            ),
        )
        final = second.text("Policies", "Policy", "PolicyKey")
        assert final, second.tree
        self.policy_key = int(final)
        return self.policy_key
