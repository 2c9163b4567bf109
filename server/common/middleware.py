"""Plenary's middleware base (async only, as the server runs under Daphne) and requests whose
address no page could want, answered before anything reads them."""

from collections.abc import Awaitable, Callable

from asgiref.sync import markcoroutinefunction
from django.http import HttpRequest, HttpResponse

# nginx's default (large_client_header_buffers 8k): the same limit with or without it.
# Longer, the login redirect that carries the address would exceed Django's own limit and
# be logged as a suspicious operation, with its traceback.
MAX_URI_LENGTH = 8192

GetResponse = Callable[[HttpRequest], Awaitable[HttpResponse]]


class AsyncMiddleware:
    """A middleware that is a coroutine: Django calls it as one, with no thread hop."""

    sync_capable = False
    async_capable = True
    __call__: GetResponse  # each subclass's own coroutine

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)


class UriLengthMiddleware(AsyncMiddleware):
    async def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.get_full_path()) > MAX_URI_LENGTH:
            return HttpResponse(
                f"An address is at most {MAX_URI_LENGTH} characters long.",
                status=414,
                content_type="text/plain; charset=utf-8",
            )
        return await self.get_response(request)
