"""What every Plenary socket consumer shares."""

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable, Scope
from channels.generic.websocket import AsyncWebsocketConsumer


class LeavingConsumer(AsyncWebsocketConsumer):
    """A consumer that cleans up however it ends: a disconnect, or the channel layer failing
    (Redis restarting), after which Channels ends it with that error and runs no disconnect
    handler. ``leave`` must be safe to call more than once."""

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            try:
                await self.leave()
            finally:
                self.ended()

    async def disconnect(self, code: int) -> None:
        await self.leave()

    async def leave(self) -> None:
        raise NotImplementedError

    def ended(self) -> None:
        """Called last, once, however the consumer ended."""
