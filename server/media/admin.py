"""Plenary's control of Janus: its plugins (the VideoRoom here; interpretation's AudioBridge
and Streaming in ``channels``) through the admin API, without a Janus session
(``message_plugin`` with ``admin_secret``; docs/media.md, "Authority"). Only the server
talks to this API; it listens on the loopback or a private network."""

import hashlib
import hmac
import json
import secrets

import httpx
from django.conf import settings

from asr.rtp import OPUS_PAYLOAD_TYPE
from server.common.json_types import JSON

PLUGIN = "janus.plugin.videoroom"
TIMEOUT_SECONDS = 2.0
ROOM_EXISTS = 427
NO_SUCH_ROOM = 426
NO_SUCH_FEED = 428


class JanusError(Exception):
    """Janus refused a request, or could not be reached."""

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


def _derived(purpose: str, room: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}:{room}".encode(), hashlib.sha256).hexdigest()


def room_secret(room: int) -> str:
    """The room's secret (``kick``, ``moderate``, ``destroy``): derived from the server's
    key, so every server process knows it and nothing is stored."""
    return _derived("janus-room", room)


def room_pin(room: int) -> str:
    """The pin of a booth room or channel mountpoint: only the signalling proxy adds it to
    the requests it relays (pages never hold it)."""
    return _derived("janus-pin", room)


def _response(reply: JSON) -> dict[str, JSON]:
    if not isinstance(reply, dict):
        raise JanusError("Janus answered something other than a JSON object")
    if reply.get("janus") == "error":
        error = reply.get("error")
        reason = error.get("reason") if isinstance(error, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        raise JanusError(str(reason), code if isinstance(code, int) else 0)
    response = reply.get("response")
    if not isinstance(response, dict):
        raise JanusError(f"Janus answered without a response: {reply.get('janus')!r}")
    code = response.get("error_code")
    if code is not None:
        raise JanusError(str(response.get("error")), code if isinstance(code, int) else 0)
    return response


class JanusAdmin:
    """The admin API of one Janus (``PLENARY_JANUS_ADMIN_URL``)."""

    def __init__(self, url: str | None = None, secret: str | None = None) -> None:
        self.url = url or settings.JANUS_ADMIN_URL
        self.secret = secret or settings.JANUS_ADMIN_SECRET

    async def _post(self, body: dict[str, JSON]) -> JSON:
        body = {**body, "transaction": secrets.token_hex(8), "admin_secret": self.secret}
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
                reply = await client.post(self.url, content=json.dumps(body))
            answer: JSON = reply.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise JanusError(f"Janus's admin API did not answer: {exc}") from exc
        return answer

    async def info(self) -> dict[str, JSON]:
        """Janus's description of itself: it answers."""
        reply = await self._post({"janus": "info"})
        if not isinstance(reply, dict) or reply.get("janus") != "server_info":
            raise JanusError(f"unexpected answer to info: {reply!r}"[:200])
        return reply

    async def message_plugin(
        self, request: dict[str, JSON], plugin: str = PLUGIN
    ) -> dict[str, JSON]:
        return _response(
            await self._post({"janus": "message_plugin", "plugin": plugin, "request": request})
        )

    async def room_create(self, room: int, *, bitrate: int = 600_000) -> bool:
        """Create the room (True), or find it there already (False). Janus checks room
        tokens on it (``signed_tokens``) for publishers and subscribers alike. It takes the
        floor's publisher (and the next, while the floor passes on) and the gallery's
        cameras."""
        publishers = settings.MEDIA_GALLERY_TILES + 2
        try:
            await self.message_plugin(
                {
                    "request": "create",
                    "room": room,
                    "admin_key": self.secret,
                    "secret": room_secret(room),
                    "is_private": True,
                    "signed_tokens": True,
                    "publishers": publishers,
                    "bitrate": bitrate,
                    "audiolevel_event": False,
                }
            )
        except JanusError as exc:
            if exc.code == ROOM_EXISTS:
                return False
            raise
        return True

    async def room_destroy(self, room: int) -> None:
        await self.message_plugin({"request": "destroy", "room": room, "secret": room_secret(room)})

    async def participants(self, room: int) -> list[dict[str, JSON]]:
        response = await self.message_plugin({"request": "listparticipants", "room": room})
        found = response.get("participants")
        return [p for p in found if isinstance(p, dict)] if isinstance(found, list) else []

    async def kick(self, room: int, publisher: int) -> bool:
        """Remove the participant from the room: True, or False where it was not there."""
        try:
            await self.message_plugin(
                {"request": "kick", "room": room, "secret": room_secret(room), "id": publisher}
            )
        except JanusError as exc:
            if exc.code in (NO_SUCH_FEED, NO_SUCH_ROOM):
                return False
            raise
        return True

    async def moderate(self, room: int, publisher: int, mid: str, *, mute: bool) -> None:
        """Mute (or unmute) one of the publisher's tracks for every subscriber."""
        await self.message_plugin(
            {
                "request": "moderate",
                "room": room,
                "secret": room_secret(room),
                "id": publisher,
                "mid": mid,
                "mute": mute,
            }
        )

    async def allowed(self, room: int, action: str, tokens: list[str]) -> None:
        """Janus's own list of tokens for the room (``enable``, ``disable``, ``add``,
        ``remove``); Plenary's rooms use signed tokens instead."""
        allowed: list[JSON] = list(tokens)
        await self.message_plugin(
            {
                "request": "allowed",
                "room": room,
                "secret": room_secret(room),
                "action": action,
                "allowed": allowed,
            }
        )

    async def rtp_forward(self, room: int, publisher: int, host: str, port: int, ssrc: int) -> int:
        """Forward the publisher's audio (its first audio stream, mid "0") as RTP to
        host:port with that SSRC; returns the forward's stream id."""
        response = await self.message_plugin(
            {
                "request": "rtp_forward",
                "room": room,
                "publisher_id": publisher,
                "host": host,
                "host_family": "ipv4",
                "admin_key": self.secret,
                "secret": room_secret(room),
                "streams": [{"mid": "0", "port": port, "ssrc": ssrc, "pt": OPUS_PAYLOAD_TYPE}],
            }
        )
        forwarders = response.get("forwarders")
        first = forwarders[0] if isinstance(forwarders, list) and forwarders else None
        stream = first.get("stream_id") if isinstance(first, dict) else None
        if not isinstance(stream, int):
            raise JanusError(f"rtp_forward answered without a stream id: {response!r}"[:200])
        return stream

    async def stop_rtp_forward(self, room: int, publisher: int, stream_id: int) -> None:
        await self.message_plugin(
            {
                "request": "stop_rtp_forward",
                "room": room,
                "publisher_id": publisher,
                "stream_id": stream_id,
                "admin_key": self.secret,
                "secret": room_secret(room),
            }
        )
