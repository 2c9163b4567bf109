"""Interpretation's channels in Janus (docs/media.md, "Interpretation"). Per meeting and per
booth, numbered ``media_room(meeting, booth.channel)``:

* an **AudioBridge room**, the booth: its interpreters join it muted (the signalling proxy
  forces it) and the server unmutes only the live holder (``booth_mute``);
* a **Streaming mountpoint** of the same number, the channel: an RTP mountpoint on the
  loopback fed by an AudioBridge ``rtp_forward`` of the booth's mix (Opus, payload type
  111). Listeners watch it: Janus forwards it to each without mixing or encoding again.

Both are created at run time (never ``permanent``), private, with a secret and a pin derived
from the server's key; only the proxy adds the pin to what it relays."""

import asyncio
from collections.abc import Awaitable, Iterable

from asr.rtp import OPUS_PAYLOAD_TYPE
from server.common.json_types import JSON

from .admin import JanusAdmin, JanusError, room_pin, room_secret

AUDIOBRIDGE = "janus.plugin.audiobridge"
STREAMING = "janus.plugin.streaming"

# AudioBridge's error codes
BOOTH_NO_SUCH_ROOM = 485
BOOTH_ROOM_EXISTS = 486
BOOTH_NO_SUCH_USER = 492
# Streaming's
NO_SUCH_MOUNTPOINT = 455
MOUNTPOINT_EXISTS = 456  # "A stream with the provided ID already exists"

SAMPLING_RATE = 48_000  # the booth's mix: full band, as the floor's Opus
CHANNEL_MID = "a"  # the mountpoint's one stream
LOOPBACK = "127.0.0.1"  # the forward between the booth and its mountpoint stays in Janus's host


def _int(value: JSON) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def _created(creation: Awaitable[object], exists: int) -> bool:
    """True once ``creation`` made the room or mountpoint; False where Janus answered that
    it is there already (error ``exists``)."""
    try:
        await creation
    except JanusError as exc:
        if exc.code == exists:
            return False
        raise
    return True


class ChannelAdmin:
    """The AudioBridge and Streaming plugins of one Janus, through its admin API."""

    def __init__(self, admin: JanusAdmin | None = None) -> None:
        self.admin = admin or JanusAdmin()

    async def booth(self, request: dict[str, JSON]) -> dict[str, JSON]:
        return await self.admin.message_plugin(request, AUDIOBRIDGE)

    async def streaming(self, request: dict[str, JSON]) -> dict[str, JSON]:
        return await self.admin.message_plugin(request, STREAMING)

    async def booth_create(self, room: int, *, rtp_participants: bool = False) -> bool:
        """Create the booth room (True), or find it there already (False).
        ``rtp_participants`` admits plain RTP participants (a test's sources; the proxy
        never relays such a join)."""
        request: dict[str, JSON] = {
            "request": "create",
            "room": room,
            "admin_key": self.admin.secret,
            "secret": room_secret(room),
            "pin": room_pin(room),
            "is_private": True,
            "sampling_rate": SAMPLING_RATE,
            "audiolevel_event": False,
            "allow_rtp_participants": rtp_participants,
        }
        return await _created(self.booth(request), BOOTH_ROOM_EXISTS)

    async def booth_destroy(self, room: int) -> None:
        await self.booth({"request": "destroy", "room": room, "secret": room_secret(room)})

    async def booth_participants(self, room: int) -> list[dict[str, JSON]]:
        response = await self.booth({"request": "listparticipants", "room": room})
        found = response.get("participants")
        return [p for p in found if isinstance(p, dict)] if isinstance(found, list) else []

    async def booth_mute(self, room: int, participant: int, *, mute: bool) -> bool:
        """Mute (or unmute) an interpreter in the booth's mix: True, or False where they are
        not in the room."""
        request = "mute" if mute else "unmute"
        try:
            await self.booth(
                {"request": request, "room": room, "secret": room_secret(room), "id": participant}
            )
        except JanusError as exc:
            if exc.code in (BOOTH_NO_SUCH_USER, BOOTH_NO_SUCH_ROOM):
                return False
            raise
        return True

    async def booth_forward(
        self, room: int, host: str, port: int, ssrc: int | None = None, *, always_on: bool = False
    ) -> int:
        """Forward the booth's mix as Opus RTP to host:port; returns the forward's id.
        ``always_on``: silence is forwarded while nobody is in the booth."""
        request: dict[str, JSON] = {
            "request": "rtp_forward",
            "room": room,
            "admin_key": self.admin.secret,
            "secret": room_secret(room),
            "host": host,
            "host_family": "ipv4",
            "port": port,
            "codec": "opus",
            "ptype": OPUS_PAYLOAD_TYPE,
            "always_on": always_on,
        }
        if ssrc is not None:
            request["ssrc"] = ssrc
        stream = _int((await self.booth(request)).get("stream_id"))
        if stream is None:
            raise JanusError(f"rtp_forward of booth {room} answered without a stream id")
        return stream

    async def booth_stop_forward(self, room: int, stream_id: int) -> None:
        await self.booth(
            {
                "request": "stop_rtp_forward",
                "room": room,
                "stream_id": stream_id,
                "admin_key": self.admin.secret,
                "secret": room_secret(room),
            }
        )

    async def booth_forwarders(self, room: int) -> list[dict[str, JSON]]:
        response = await self.booth(
            {"request": "listforwarders", "room": room, "secret": room_secret(room)}
        )
        found = response.get("rtp_forwarders")
        return [f for f in found if isinstance(f, dict)] if isinstance(found, list) else []

    async def mountpoint_create(self, mountpoint: int) -> bool:
        """Create the channel's RTP mountpoint on the loopback (True), or find it (False)."""
        media: list[JSON] = [
            {
                "type": "audio",
                "mid": CHANNEL_MID,
                "port": 0,  # Janus picks one in its range
                "iface": LOOPBACK,
                "pt": OPUS_PAYLOAD_TYPE,
                "codec": "opus",
            }
        ]
        request: dict[str, JSON] = {
            "request": "create",
            "type": "rtp",
            "id": mountpoint,
            "name": f"channel-{mountpoint}",
            "admin_key": self.admin.secret,
            "secret": room_secret(mountpoint),
            "pin": room_pin(mountpoint),
            "is_private": True,
            "media": media,
        }
        return await _created(self.streaming(request), MOUNTPOINT_EXISTS)

    async def mountpoint_info(self, mountpoint: int) -> dict[str, JSON]:
        response = await self.streaming(
            {"request": "info", "id": mountpoint, "secret": room_secret(mountpoint)}
        )
        info = response.get("info")
        if not isinstance(info, dict):
            raise JanusError(f"info of mountpoint {mountpoint} answered without info")
        return info

    async def mountpoint_port(self, mountpoint: int) -> int:
        """The loopback port the mountpoint receives its RTP on."""
        media = (await self.mountpoint_info(mountpoint)).get("media")
        for stream in media if isinstance(media, list) else []:
            port = _int(stream.get("port")) if isinstance(stream, dict) else None
            if port:
                return port
        raise JanusError(f"mountpoint {mountpoint} has no port")

    async def mountpoint_destroy(self, mountpoint: int) -> None:
        await self.streaming(
            {"request": "destroy", "id": mountpoint, "secret": room_secret(mountpoint)}
        )

    async def channel_ensure(self, room: int, *, rtp_participants: bool = False) -> bool:
        """The booth room, its mountpoint and the forward of its mix to it, each created
        where it is missing; True where anything was."""
        created = await self.booth_create(room, rtp_participants=rtp_participants)
        created |= await self.mountpoint_create(room)
        port = await self.mountpoint_port(room)
        forwards = await self.booth_forwarders(room)
        if not any(f.get("port") == port and f.get("ip") == LOOPBACK for f in forwards):
            await self.booth_forward(room, LOOPBACK, port, always_on=True)
            created = True
        return created

    async def channel_destroy(self, room: int) -> None:
        """The booth room and its mountpoint gone (each where it was there)."""
        for destroy, missing in (
            (self.booth_destroy, BOOTH_NO_SUCH_ROOM),
            (self.mountpoint_destroy, NO_SUCH_MOUNTPOINT),
        ):
            try:
                await destroy(room)
            except JanusError as exc:
                if exc.code != missing:
                    raise

    async def channels_ensure(self, rooms: Iterable[int]) -> int:
        """Every channel of ``rooms`` in place; returns how many had something missing."""
        return sum(await asyncio.gather(*(self.channel_ensure(room) for room in rooms)))
