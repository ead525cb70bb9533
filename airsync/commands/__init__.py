"""The EAS commands, one module each, and the table that drives dispatch.

Each entry names the handler, the root element of the request and response, the protocol versions
that define the command, and the cross-cutting checks dispatch performs before calling it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from airsync.protocol.versions import V2_5, V12_0, ProtocolVersion
from airsync.wbxml import Element

from . import (
    folder_create,
    folder_delete,
    folder_sync,
    folder_update,
    get_item_estimate,
    item_operations,
    ping,
    provision,
    settings,
    sync,
)
from .context import RawResponse, RequestContext

Handler = Callable[[RequestContext, Element | None], Awaitable[Element | RawResponse | None]]


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    #: Namespace and tag of the request's and the response's root element.
    root: tuple[str, str]
    first_version: ProtocolVersion = V2_5
    #: Dispatch answers 449 / Status 142-144 unless the device holds a valid policy key.
    needs_policy: bool = True
    #: "required": a WBXML body must be present; "optional": an empty body is allowed (Sync, Ping).
    body: Literal["required", "optional"] = "required"


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command("Provision", provision.handle, ("Provision", "Provision"), needs_policy=False),
        Command("FolderSync", folder_sync.handle, ("FolderHierarchy", "FolderSync")),
        Command("FolderCreate", folder_create.handle, ("FolderHierarchy", "FolderCreate")),
        Command("FolderUpdate", folder_update.handle, ("FolderHierarchy", "FolderUpdate")),
        Command("FolderDelete", folder_delete.handle, ("FolderHierarchy", "FolderDelete")),
        Command("Sync", sync.handle, ("AirSync", "Sync"), body="optional"),
        Command("GetItemEstimate", get_item_estimate.handle, ("GetItemEstimate", "GetItemEstimate")),
        # MS-ASPROV 3.1.5.1: Ping is the one command sent without a policy key.
        Command("Ping", ping.handle, ("Ping", "Ping"), needs_policy=False, body="optional"),
        Command("Settings", settings.handle, ("Settings", "Settings"), first_version=V12_0),
        Command(
            "ItemOperations",
            item_operations.handle,
            ("ItemOperations", "ItemOperations"),
            first_version=V12_0,
        ),
    )
}

#: MS-ASProtocolCommands: exactly the commands this server implements.
PROTOCOL_COMMANDS_HEADER = ",".join(COMMANDS)
