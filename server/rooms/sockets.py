"""This process's open sockets by user: rights that follow the current state, and a cap.

Every meeting socket (room, speaker audio, listening) registers here once admitted. A change
to who someone is or may be — logging out, a new password, a deactivated account, a new
role, a delegation no longer admitted to a closed session — is recorded and sent once to
every server process (``sockets_revoke``, after the change commits); each process has its
local sockets of that user close (a logout) or check their admission again, which
re-authorises or closes them.

Nothing depends on one layer message arriving: every ``ROOM_SOCKET_SWEEP_SECONDS`` each
process joins the group again and applies the revocations recorded since its last look (sent
while Redis was away, or lost when a restart of Redis emptied the group); after a layer
failure it checks every local socket again.
"""

import asyncio
import logging
from collections.abc import Coroutine, Iterable
from datetime import datetime, timedelta
from typing import Literal, Protocol, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings
from django.utils import timezone

from server.common.asyncdb import db_async
from server.common.subscription import GroupSubscription, PerLoop

from .models import SocketRevocation

logger = logging.getLogger(__name__)

GROUP = "plenary.sockets"
KEEP_REVOCATIONS = timedelta(days=1)


class SocketsRevoke(TypedDict):
    """On the layer: the sockets of these users check their rights again (``logout``: the
    ones opened before ``at`` close without asking)."""

    type: Literal["sockets.revoke"]
    users: list[int]
    logout: bool
    at: str


class UserSocket(Protocol):
    @property
    def user_id(self) -> int: ...

    @property
    def admitted_at(self) -> datetime: ...

    async def revalidate(self) -> None:
        """Check admission again: carry on with the current rights, or close."""
        ...

    async def logged_out(self) -> None: ...


def sockets_revoke(user_ids: Iterable[int], *, logout: bool = False) -> None:
    """Have every open socket of these users, on every server process, check its rights
    again (or, for a logout, close). Never raises for the layer: if it is down, each process
    finds the revocation in the database at its next sweep."""
    users = sorted(set(user_ids))
    if not users:
        return
    now = timezone.now()
    SocketRevocation.objects.bulk_create(
        SocketRevocation(user_id=user, logout=logout, created_at=now) for user in users
    )
    layer = get_channel_layer()
    assert layer is not None, "CHANNEL_LAYERS must be configured"
    message: SocketsRevoke = {
        "type": "sockets.revoke",
        "users": users,
        "logout": logout,
        "at": now.isoformat(),
    }
    try:
        async_to_sync(layer.group_send)(GROUP, message)
    except Exception as exc:
        logger.warning(
            "telling the sockets of %d user(s) to check their rights failed (%s); each "
            "process applies it at its next sweep",
            len(users),
            type(exc).__name__,
        )


@db_async
def _revocations_since(moment: datetime) -> list[tuple[int, bool, datetime]]:
    """(user, logout, when) recorded after ``moment``; older than a day ones are deleted."""
    SocketRevocation.objects.filter(created_at__lt=timezone.now() - KEEP_REVOCATIONS).delete()
    rows = SocketRevocation.objects.filter(created_at__gt=moment).order_by("created_at")
    return list(rows.values_list("user_id", "logout", "created_at"))


class SocketRegistry(GroupSubscription):
    def __init__(self, layer: BaseChannelLayer) -> None:
        super().__init__(layer, GROUP)
        self.sockets: dict[int, set[UserSocket]] = {}
        self._started = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._housekeeping: asyncio.Task[None] | None = None
        self.swept_until = timezone.now()

    def add(self, socket: UserSocket) -> bool:
        """Register an admitted socket; False when its user has as many open here as
        ``ROOM_SOCKETS_PER_USER`` allows."""
        mine = self.sockets.setdefault(socket.user_id, set())
        if len(mine) >= settings.ROOM_SOCKETS_PER_USER:
            return False
        mine.add(socket)
        if self._housekeeping is None or self._housekeeping.done():
            self._housekeeping = asyncio.create_task(self._housekeeping_loop())
        return True

    def discard(self, socket: UserSocket) -> None:
        mine = self.sockets.get(socket.user_id)
        if mine is not None:
            mine.discard(socket)
            if not mine:
                del self.sockets[socket.user_id]

    async def start(self) -> None:
        """Subscribe this process (once; the first socket's connect awaits it)."""
        if self._started:
            return
        self._started = True
        try:
            await self.subscribe()
        except Exception:
            self._started = False
            raise
        self.listen()

    async def on_message(self, message: dict[str, object]) -> None:
        users, at = message.get("users"), message.get("at")
        if not (
            isinstance(users, list)
            and all(isinstance(user, int) for user in users)
            and isinstance(at, str)
        ):
            raise ValueError(f"malformed revocation on the layer (fields {sorted(message)})")
        moment = datetime.fromisoformat(at)
        for user_id in users:
            self.apply(user_id, logout=message.get("logout") is True, at=moment)

    def apply(self, user_id: int, *, logout: bool, at: datetime) -> None:
        for socket in list(self.sockets.get(user_id, ())):
            if not logout:
                self._spawn(socket.revalidate())
            elif socket.admitted_at <= at:  # not a socket of a later login
                self._spawn(socket.logged_out())

    async def resumed(self) -> None:
        """Revocations sent while the layer was away are lost: check every socket."""
        for mine in list(self.sockets.values()):
            for socket in list(mine):
                self._spawn(socket.revalidate())

    async def sweep(self) -> None:
        """Apply the revocations recorded since the last sweep (the layer may have lost
        them), then look again from the oldest one that a slow writer could still add."""
        since = self.swept_until
        self.swept_until = timezone.now()
        for user_id, logout, at in await _revocations_since(since - timedelta(seconds=1)):
            self.apply(user_id, logout=logout, at=at)

    async def _housekeeping_loop(self) -> None:
        while self.sockets:
            await asyncio.sleep(settings.ROOM_SOCKET_SWEEP_SECONDS)
            try:
                await self.refresh()
                await self.sweep()
            except Exception as exc:
                logger.warning("socket housekeeping failed (%s)", type(exc).__name__)

    def _spawn(self, coroutine: Coroutine[object, object, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


_registries = PerLoop(SocketRegistry)


def get_registry() -> SocketRegistry:
    """The registry of the running event loop (one per server process in production)."""
    return _registries.get()
