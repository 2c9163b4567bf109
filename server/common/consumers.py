"""What every Plenary socket consumer shares."""

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable, Scope
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation

from server.accounts.language import socket_language
from server.common.asyncdb import db_async


class LeavingConsumer(AsyncWebsocketConsumer):
    """A consumer that cleans up however it ends: a disconnect, or the channel layer failing
    (Redis restarting), after which Channels ends it with that error and runs no disconnect
    handler. ``leave`` must be safe to call more than once.

    It speaks its person's interface language (``language``): the errors it sends
    (``PlenaryError``'s messages, rendered when sent) are in the language of their pages.
    Its own handlers run in it; work started elsewhere for it overrides it again."""

    language = "en"

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        self.language = await db_async(socket_language)(scope)
        try:
            with translation.override(self.language):
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
