"""One layer channel of this process in one group, that outlives the layer failing.

A server process that serves many local sockets from one group (a meeting's events, the
revocations of users' sockets) subscribes once, receives each message once and hands it to
``on_message``. When the layer fails (Redis restarted, and its groups with it) it joins the
group again once the layer answers, then calls ``resumed`` to make up for what it missed.

``LocalGroups`` keeps one such subscription per meeting while the process has sockets there
(the room hub's events, the listening relay's audio).
"""

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Generic, Protocol, TypeVar

from channels.layers import BaseChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

# After the channel layer fails, try to subscribe again after this long, doubling up to max.
RESUBSCRIBE_FIRST_DELAY = 0.2
RESUBSCRIBE_MAX_DELAY = 5.0

T = TypeVar("T")


class GroupSubscription:
    def __init__(self, layer: BaseChannelLayer, group: str) -> None:
        self.layer = layer
        self.group = group
        self.channel = ""
        self._task: asyncio.Task[None] | None = None

    async def subscribe(self) -> None:
        # The default prefix matters: channels-redis receives all of a process's channels
        # through one Redis list per prefix, and one lock across prefixes.
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)

    def listen(self) -> None:
        """Start receiving (after ``subscribe``)."""
        self._task = asyncio.create_task(self._receive_loop(), name=self.group)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        await self.layer.group_discard(self.group, self.channel)

    async def refresh(self) -> None:
        """Join again (a no-op while still a member): groups expire, and Redis may have
        restarted without this process noticing."""
        await self.layer.group_add(self.group, self.channel)

    async def on_message(self, message: dict[str, object]) -> None:
        raise NotImplementedError

    async def resumed(self) -> None:
        """Subscribed again after a layer failure: catch up on what may have been lost."""

    async def _receive_loop(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except Exception:
                logger.exception("%s: the channel layer failed", self.group)
                await self._resubscribe()
                continue
            try:
                await self.on_message(message)
            except Exception:
                logger.exception("%s: handling a message failed", self.group)

    async def _resubscribe(self) -> None:
        delay = RESUBSCRIBE_FIRST_DELAY
        while True:
            await asyncio.sleep(delay)
            try:
                await self.refresh()
                break
            except Exception:
                delay = min(delay * 2, RESUBSCRIBE_MAX_DELAY)
        try:
            await self.resumed()
        except Exception:
            logger.exception("%s: catching up after the layer failed", self.group)


class LocalGroup(Protocol):
    """A subscription that serves this process's sockets in one meeting."""

    @property
    def idle(self) -> bool:
        """No local socket is left to serve."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


G = TypeVar("G", bound=LocalGroup)


class LocalGroups(Generic[G]):
    """This process's subscriptions, one per meeting that has local sockets: started with
    the first socket, stopped after the last."""

    def __init__(self, layer: BaseChannelLayer, make: Callable[[int, BaseChannelLayer], G]) -> None:
        self.layer = layer
        self._make = make
        self.groups: dict[int, G] = {}
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def joining(self, meeting_id: int) -> AsyncIterator[G]:
        """The meeting's subscription, started if there was none, to add a socket to."""
        async with self._lock:
            group = self.groups.get(meeting_id)
            if group is None:
                group = self._make(meeting_id, self.layer)
                await group.start()
                self.groups[meeting_id] = group
            try:
                yield group
            finally:
                await self._stop_if_idle(meeting_id, group)

    @asynccontextmanager
    async def leaving(self, meeting_id: int) -> AsyncIterator[G | None]:
        """The meeting's subscription (``None`` if there is none), to remove a socket from;
        stopped when that was its last."""
        async with self._lock:
            group = self.groups.get(meeting_id)
            try:
                yield group
            finally:
                if group is not None:
                    await self._stop_if_idle(meeting_id, group)

    async def _stop_if_idle(self, meeting_id: int, group: G) -> None:
        if group.idle:
            del self.groups[meeting_id]
            await group.stop()


class PerLoop(Generic[T]):
    """One ``T`` per running event loop (one per server process in production), made on
    first use from the channel layer."""

    def __init__(self, make: Callable[[BaseChannelLayer], T]) -> None:
        self._make = make
        self._made: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        made = self._made.get(loop)
        if made is None:
            layer = get_channel_layer()
            assert layer is not None, "CHANNEL_LAYERS must be configured"
            made = self._made[loop] = self._make(layer)
        return made
