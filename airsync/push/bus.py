"""The change bus: wakes waiting Pings and Syncs when a user's items or folders change.

In process it is a set of futures per user: a waiting request costs one small object, no thread
and no database connection (FIELD_NOTES 1). Changes made by another process (the CLI, another
worker) are noticed by one poller per process that reads each waiting user's change counters every
few seconds, whatever the number of waiting requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

#: Folder hierarchy changes are announced under this name.
HIERARCHY = "*hierarchy*"
#: "Something of this user changed, folder unknown": wakes all the user's waiters, which re-check.
ANY = "*any*"


@dataclass(eq=False)
class Waiter:
    user_id: int
    device_key: tuple[int, str]
    folders: frozenset[str]
    future: asyncio.Future[set[str]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )

    def wake(self, folders: set[str]) -> None:
        if not self.future.done():
            self.future.set_result(folders)


class Superseded(Exception):
    """A newer Ping or Sync of the same device ended this one (MS-ASCMD 3.1.5.8)."""


class ChangeBus:
    def __init__(self) -> None:
        self._waiters: dict[int, set[Waiter]] = {}
        self._by_device: dict[tuple[int, str], Waiter] = {}

    def publish(self, user_id: int, folders: Iterable[str]) -> None:
        changed = set(folders)
        for waiter in list(self._waiters.get(user_id, ())):
            hits = (waiter.folders & changed) | (changed & {HIERARCHY})
            if ANY in changed:
                hits |= set(waiter.folders)
            if hits:
                waiter.wake(hits)

    @property
    def waiting_users(self) -> set[int]:
        return set(self._waiters)

    @contextlib.contextmanager
    def subscribe(
        self, user_id: int, device_key: tuple[int, str], folders: Iterable[str]
    ) -> Iterator[Waiter]:
        """Register a waiter; a previous waiter of the same device is ended at once."""
        older = self._by_device.get(device_key)
        if older is not None and not older.future.done():
            older.future.set_exception(Superseded())
        waiter = Waiter(user_id, device_key, frozenset(folders))
        self._waiters.setdefault(user_id, set()).add(waiter)
        self._by_device[device_key] = waiter
        try:
            yield waiter
        finally:
            group = self._waiters.get(user_id)
            if group is not None:
                group.discard(waiter)
                if not group:
                    del self._waiters[user_id]
            if self._by_device.get(device_key) is waiter:
                del self._by_device[device_key]
            if waiter.future.done() and not waiter.future.cancelled():
                waiter.future.exception()  # retrieved, so asyncio does not warn about it

    async def wait(self, waiter: Waiter, seconds: float) -> set[str]:
        """The folders that changed, or an empty set when ``seconds`` passed. Raises Superseded."""
        try:
            result = await asyncio.wait_for(asyncio.shield(waiter.future), seconds)
        except TimeoutError:
            return set()
        # Ready for the next change: a woken request may find nothing for it and wait again.
        waiter.future = asyncio.get_running_loop().create_future()
        return result


class Poller:
    """Notices changes made outside this process: every ``interval`` seconds, one query for the
    change counters of the users that have waiters, and a publish for each user whose counters moved."""

    def __init__(
        self,
        bus: ChangeBus,
        read_counters: Callable[[set[int]], Awaitable[dict[int, tuple[int, int]]]],
        interval: float = 2.0,
    ) -> None:
        self.bus = bus
        self.read_counters = read_counters
        self.interval = interval
        self._seen: dict[int, tuple[int, int]] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="airsync-change-poller")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            users = self.bus.waiting_users
            if not users:
                self._seen.clear()
                continue
            try:
                counters = await self.read_counters(users)
            except Exception:  # the poller must outlive a database hiccup
                log.exception("change poller: cannot read counters")
                continue
            for user_id, (item_seq, hierarchy_seq) in counters.items():
                before = self._seen.get(user_id)
                self._seen[user_id] = (item_seq, hierarchy_seq)
                if before is None:
                    # A user who just began to wait: a change may have landed between the request's
                    # own check and this first reading. Its waiters re-check (cheaply) once.
                    self.bus.publish(user_id, {ANY})
                    continue
                changed = {ANY} if item_seq != before[0] else set()
                if hierarchy_seq != before[1]:
                    changed.add(HIERARCHY)
                if changed:
                    self.bus.publish(user_id, changed)
