"""What a browser may ask Janus through Plenary's signalling proxy (docs/media.md, "The
signalling proxy"): sessions, handles of the VideoRoom plugin, joining the meeting's room
with Plenary's token — as a subscriber, as the publisher Plenary names for the floor
holder alone, or, where the conference has the camera gallery, as the participant's camera
(video only: an offer that carries audio is refused) — and the WebRTC negotiation that
follows. Interpretation (``_audiobridge``, ``_streaming``): a booth's assigned interpreters
join its AudioBridge room, muted, under their own id and name, and may not unmute
themselves; everyone watches this meeting's channel mountpoints, with the pin Plenary adds.
Nothing that administers Janus.

``SignallingGate.vet`` reads one message and returns what to relay (with Plenary's core
token added, and the publisher's id and name fixed), or raises ``Refused``."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from server.common.json_types import JSON

from .admin import room_pin
from .tokens import AUDIOBRIDGE, PLUGINS, STREAMING, SignedToken, room_token_valid

# janus.js keeps one Janus session per page; a second covers a reconnection under way.
SESSIONS_PER_CONNECTION = 2

# Janus's own error codes, so that janus.js treats a refusal as Janus's.
UNAUTHORIZED = 403
UNAUTHORIZED_PLUGIN = 405
UNKNOWN_REQUEST = 453
HANDLE_NOT_FOUND = 459
INVALID_JSON = 454
MISSING_ELEMENT = 456
INVALID_ELEMENT = 457
PUBLISHERS_FULL = 432

# The Janus core requests a browser may send; ``claim`` (taking over a session from another
# connection) is not among them.
CORE_REQUESTS = frozenset(
    {
        "create",
        "attach",
        "message",
        "trickle",
        "keepalive",
        "detach",
        "hangup",
        "destroy",
        "info",
        "ping",
    }
)
# VideoRoom requests of subscribers and of the floor's publisher; every other one
# (create, destroy, edit, kick, moderate, rtp_forward, list, listparticipants, allowed…)
# administers the room and is Plenary's alone.
JOIN_REQUESTS = frozenset({"join", "joinandconfigure"})
PUBLISH_REQUESTS = frozenset({"publish", "configure", "joinandconfigure"})
PLUGIN_REQUESTS = (
    JOIN_REQUESTS
    | PUBLISH_REQUESTS
    | frozenset(
        {"unpublish", "start", "pause", "switch", "update", "subscribe", "unsubscribe", "leave"}
    )
)

# AudioBridge: what a booth's interpreter may ask of their handle (``join`` and
# ``configure`` with these keys only: no plain RTP, no recording on Janus's disk, no group,
# no other name); every other request (mute, unmute, changeroom, kick, rtp_forward, play_file,
# list…) is Plenary's.
BOOTH_REQUESTS = frozenset({"join", "configure", "leave", "hangup"})
MIX_SETTINGS = frozenset({"prebuffer", "bitrate", "quality", "expected_loss", "volume"})
BOOTH_JOIN_KEYS = MIX_SETTINGS | {"request", "room", "id", "display", "muted", "codec", "pin"}
BOOTH_CONFIGURE_KEYS = MIX_SETTINGS | {"request", "muted", "update"}
# Streaming: watching this meeting's channels; no create, destroy, list, info, edit, recording.
CHANNEL_REQUESTS = frozenset({"watch", "switch", "start", "pause", "stop"})
WATCH_KEYS = frozenset({"request", "id", "pin", "media", "offer_audio", "offer_video", "restart"})


def _number(body: Mapping[str, JSON], key: str) -> int:
    value = body.get(key)
    if value is None:
        raise Refused(MISSING_ELEMENT, f"Missing mandatory element ({key})")
    if not isinstance(value, int) or isinstance(value, bool):
        raise Refused(INVALID_ELEMENT, f"Invalid element type ({key} should be an integer)")
    return value


def _only(body: Mapping[str, JSON], keys: frozenset[str]) -> None:
    extra = sorted(k for k in body if k not in keys)
    if extra:
        raise Refused(UNAUTHORIZED, f"Not allowed here: {', '.join(extra)}")


class Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Publisher:
    """A publisher as Plenary names it in Janus: the floor's (``audio``), or a camera of the
    gallery (video only; ``may_send``: False for a participant who only watches it)."""

    id: int
    display: str
    audio: bool = True
    may_send: bool = True


@dataclass(frozen=True)
class Channels:
    """Interpretation as this connection may use it now: the meeting's channel mountpoints
    (every participant may watch them) and the booth rooms this participant may speak in
    (the booths they are assigned to), with the id and name they have there."""

    mountpoints: frozenset[int] = frozenset()
    booths: frozenset[int] = frozenset()
    interpreter: Publisher | None = None


async def no_channels() -> Channels:
    return Channels()


def sdp_sends_audio(sdp: str) -> bool:
    """Whether an SDP offers an audio stream (an ``m=audio`` line whose port is not 0)."""
    for line in sdp.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] == "m=audio" and fields[1] != "0":
            return True
    return False


def video_only(message: Mapping[str, JSON]) -> None:
    """Refuse a camera's offer that carries audio (Janus never sees it)."""
    if "jsep" not in message:
        return
    jsep = message["jsep"]
    sdp = jsep.get("sdp") if isinstance(jsep, dict) else None
    if not isinstance(sdp, str):
        raise Refused(INVALID_ELEMENT, "Invalid element type (jsep.sdp should be a string)")
    if sdp_sends_audio(sdp):
        raise Refused(UNAUTHORIZED, "A gallery camera sends video only: audio is refused")


@dataclass
class SignallingGate:
    """One browser connection's view of Janus: the room it may join, the sessions it
    created, its publisher handles, and who may publish now (``floor``: the publisher
    this participant is while they hold the floor, else None; read afresh on each
    publishing request; ``camera``: this participant's gallery camera, None while the
    conference has no gallery; ``gallery_full``: whether the gallery has all its cameras)."""

    room: int
    token: Callable[[], SignedToken]
    floor: Callable[[], Awaitable[Publisher | None]]
    camera: Callable[[], Awaitable[Publisher | None]]
    gallery_full: Callable[[], Awaitable[bool]]
    channels: Callable[[], Awaitable[Channels]] = no_channels
    """Interpretation's channels and booths, read afresh on each join and watch."""
    sessions: set[int] = field(default_factory=set)
    creating: set[str] = field(default_factory=set)
    publishers: set[int] = field(default_factory=set)
    """Handles that joined as the floor's publisher."""
    cameras: set[int] = field(default_factory=set)
    """Handles that joined as the participant's gallery camera."""
    joining: dict[str, tuple[int, Publisher]] = field(default_factory=dict)
    """Transactions of publisher joins → their handle and publisher, until Janus answers."""
    audio_mids: set[str] = field(default_factory=lambda: {"0"})
    """The publisher's audio tracks, as Janus described them (the chair mutes these)."""
    handles: dict[int, str] = field(default_factory=dict)
    """Handles attached on this connection → their plugin."""
    attaching: dict[str, str] = field(default_factory=dict)
    """Transactions of attach requests → the plugin, until Janus answers."""
    booths: dict[int, int] = field(default_factory=dict)
    """AudioBridge handles in a booth room → that room (Janus said ``joined``)."""
    booth_joining: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Transactions of booth joins → their handle and room, until Janus answers."""

    async def vet(self, message: object) -> dict[str, JSON]:
        if not isinstance(message, dict):
            raise Refused(INVALID_JSON, "A Janus request is a JSON object.")
        kind, transaction = message.get("janus"), message.get("transaction")
        if not isinstance(transaction, str) or not transaction:
            raise Refused(MISSING_ELEMENT, "Missing mandatory element (transaction)")
        if kind not in CORE_REQUESTS:
            raise Refused(UNKNOWN_REQUEST, f"Unknown or forbidden request ({kind!r})")
        relayed = {
            k: v for k, v in message.items() if k not in ("token", "apisecret", "admin_secret")
        }
        relayed["token"] = self.token().text
        if kind == "create":
            if len(self.sessions) + len(self.creating) >= SESSIONS_PER_CONNECTION:
                raise Refused(UNAUTHORIZED, "Too many Janus sessions on one connection")
            self.creating.add(transaction)
            return relayed
        if kind in ("info", "ping"):
            return relayed
        session = message.get("session_id")
        if not isinstance(session, int) or session not in self.sessions:
            raise Refused(UNAUTHORIZED, "Not a session of this connection")
        if kind == "destroy":
            self.sessions.discard(session)
        if kind == "attach":
            plugin = message.get("plugin")
            if not isinstance(plugin, str) or plugin not in PLUGINS:
                raise Refused(UNAUTHORIZED_PLUGIN, f"Only {', '.join(PLUGINS)} may be attached")
            self.attaching[transaction] = plugin
        if kind == "message":
            await self._message(message, transaction, relayed)
        return relayed

    async def _message(
        self, message: Mapping[str, JSON], transaction: str, relayed: dict[str, JSON]
    ) -> None:
        handle, body = message.get("handle_id"), message.get("body")
        if not isinstance(handle, int):
            raise Refused(MISSING_ELEMENT, "Missing mandatory element (handle_id)")
        if not isinstance(body, dict):
            raise Refused(MISSING_ELEMENT, "Missing mandatory element (body)")
        plugin = self.handles.get(handle)
        if plugin is None:
            raise Refused(HANDLE_NOT_FOUND, "No such handle on this connection")
        if plugin == AUDIOBRIDGE:
            await self._audiobridge(body, transaction, handle, relayed)
        elif plugin == STREAMING:
            await self._streaming(body, relayed)
        else:
            await self._videoroom(message, body, transaction, handle, relayed)

    async def _audiobridge(
        self, body: Mapping[str, JSON], transaction: str, handle: int, relayed: dict[str, JSON]
    ) -> None:
        """A booth: its interpreter joins muted, as Plenary names them, and never unmutes
        (the server unmutes the live holder)."""
        request = body.get("request")
        if request not in BOOTH_REQUESTS:
            raise Refused(UNAUTHORIZED, f"Request {request!r} is not allowed here")
        if request == "join":
            room = _number(body, "room")
            channels = await self.channels()
            if channels.interpreter is None or room not in channels.booths:
                raise Refused(UNAUTHORIZED, "Only the booth's interpreters join its room")
            _only(body, BOOTH_JOIN_KEYS)
            interpreter = channels.interpreter
            relayed["body"] = {
                **body,
                "id": interpreter.id,
                "display": interpreter.display,
                "muted": True,
                "pin": room_pin(room),
            }
            self.booth_joining[transaction] = (handle, room)
        elif request == "configure":
            _only(body, BOOTH_CONFIGURE_KEYS)
            if body.get("muted", True) is not True:
                raise Refused(UNAUTHORIZED, "The live microphone is unmuted by the booth's state")

    async def _streaming(self, body: Mapping[str, JSON], relayed: dict[str, JSON]) -> None:
        """A channel: watched, or switched to, among this meeting's mountpoints."""
        request = body.get("request")
        if request not in CHANNEL_REQUESTS:
            raise Refused(UNAUTHORIZED, f"Request {request!r} is not allowed here")
        if request not in ("watch", "switch"):
            return
        mountpoint = _number(body, "id")
        if mountpoint not in (await self.channels()).mountpoints:
            raise Refused(UNAUTHORIZED, "Not a channel of this meeting")
        _only(body, WATCH_KEYS if request == "watch" else frozenset({"request", "id"}))
        if request == "watch":
            relayed["body"] = {**body, "pin": room_pin(mountpoint)}

    async def _videoroom(
        self,
        message: Mapping[str, JSON],
        body: Mapping[str, JSON],
        transaction: str,
        handle: int,
        relayed: dict[str, JSON],
    ) -> None:
        request = body.get("request")
        if request not in PLUGIN_REQUESTS:
            raise Refused(UNAUTHORIZED, f"Request {request!r} is not allowed here")
        if "room" in body and body["room"] != self.room:
            raise Refused(UNAUTHORIZED, "Not this meeting's room")
        as_publisher = request == "joinandconfigure" or (
            request == "join" and body.get("ptype") == "publisher"
        )
        if request in JOIN_REQUESTS and not room_token_valid(body.get("token"), self.room):
            raise Refused(UNAUTHORIZED, "Unauthorized (a valid room token is required to join)")
        if as_publisher:
            publisher = await self._publisher_for(body.get("id"))
            if not publisher.audio and (request == "joinandconfigure" or "jsep" in message):
                await self._camera_send(message)
            relayed["body"] = {**body, "id": publisher.id, "display": publisher.display}
            self.joining[transaction] = (handle, publisher)
        elif handle in self.cameras:
            if request in PUBLISH_REQUESTS or "jsep" in message:
                await self._camera_send(message)
        elif request in PUBLISH_REQUESTS and handle in self.publishers:
            await self._floor_publisher()
        elif request == "publish":
            raise Refused(UNAUTHORIZED, "Only the floor holder may publish")

    async def _publisher_for(self, requested: JSON) -> Publisher:
        """The camera where the page asks for its camera's id, else the floor's publisher."""
        camera = await self.camera()
        if camera is not None and requested == camera.id:
            return camera
        return await self._floor_publisher()

    async def _camera_send(self, message: Mapping[str, JSON]) -> None:
        """A camera's publish or renegotiation: by a member delegate, while the conference
        has the gallery and it has room, video only."""
        camera = await self.camera()
        if camera is None or not camera.may_send:
            raise Refused(UNAUTHORIZED, "Only delegates show their camera in the gallery")
        video_only(message)
        if "jsep" in message and await self.gallery_full():
            raise Refused(PUBLISHERS_FULL, "The gallery is full")

    async def _floor_publisher(self) -> Publisher:
        publisher = await self.floor()
        if publisher is None:
            raise Refused(UNAUTHORIZED, "Only the floor holder may publish")
        return publisher

    def answered(self, reply: JSON) -> bool:
        """Learn from Janus's answers: the sessions created here, the publisher handles and
        their audio tracks. True where this answer made a handle the floor's publisher."""
        if not isinstance(reply, dict):
            return False
        if reply.get("sender") in self.publishers:
            self._audio_mids(reply.get("plugindata"))
        transaction = reply.get("transaction")
        if not isinstance(transaction, str):
            return False
        data = reply.get("data")
        plugin = self.attaching.pop(transaction, None)
        handle = data.get("id") if isinstance(data, dict) else None
        if plugin is not None and reply.get("janus") == "success" and isinstance(handle, int):
            self.handles[handle] = plugin
        if transaction in self.creating and reply.get("janus") in ("success", "error"):
            self.creating.discard(transaction)
            session = data.get("id") if isinstance(data, dict) else None
            if isinstance(session, int):
                self.sessions.add(session)
        joining = self.joining.get(transaction)
        if joining is None or reply.get("janus") not in ("event", "error"):
            return False
        del self.joining[transaction]
        handle, publisher = joining
        plugindata = reply.get("plugindata")
        answer = plugindata.get("data") if isinstance(plugindata, dict) else None
        if not isinstance(answer, dict) or answer.get("videoroom") != "joined":
            return False
        if not publisher.audio:
            self.cameras.add(handle)
            return False
        self.publishers.add(handle)
        return True

    def _audio_mids(self, plugindata: JSON) -> None:
        answer = plugindata.get("data") if isinstance(plugindata, dict) else None
        streams = answer.get("streams") if isinstance(answer, dict) else None
        if not isinstance(streams, list):
            return
        mids = {
            s["mid"]
            for s in streams
            if isinstance(s, dict) and s.get("type") == "audio" and isinstance(s.get("mid"), str)
        }
        if mids:
            self.audio_mids = {m for m in mids if isinstance(m, str)}

    def booth_news(self, reply: JSON) -> tuple[int, bool] | None:
        """(booth room, joined) where this answer says an interpreter's handle joined a
        booth room (True) or left it (False: ``left``, Janus's hangup or detach)."""
        if not isinstance(reply, dict):
            return None
        sender, kind = reply.get("sender"), reply.get("janus")
        plugindata = reply.get("plugindata")
        answer = plugindata.get("data") if isinstance(plugindata, dict) else None
        event = answer.get("audiobridge") if isinstance(answer, dict) else None
        transaction = reply.get("transaction")
        joining = None
        if isinstance(transaction, str) and kind in ("event", "error"):
            joining = self.booth_joining.pop(transaction, None)
        if joining is not None and event == "joined":
            handle, room = joining
            if handle not in self.booths:
                self.booths[handle] = room
                return room, True
            return None
        if not isinstance(sender, int) or sender not in self.booths:
            return None
        if kind in ("hangup", "detached") or event == "left":
            return self.booths.pop(sender), False
        return None

    def booths_gone(self) -> list[int]:
        """The booth rooms this connection's handles were in (the connection closes)."""
        rooms, self.booths = list(self.booths.values()), {}
        return rooms

    def floor_lost(self) -> bool:
        """Forget the publisher handles (the floor moved on); True where there were any."""
        had = bool(self.publishers)
        self.publishers.clear()
        return had
