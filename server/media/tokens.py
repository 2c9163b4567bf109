"""Janus's signed tokens (``token_auth_secret``): nothing is stored in Janus, which checks
the signature and the expiry itself (docs/media.md, "Tokens").

A token is ``"<expiry>,<realm>,<scope>:<base64 HMAC-SHA1 of what precedes the colon>"``:

* the core token (realm ``janus``, scope the VideoRoom, AudioBridge and Streaming plugins)
  lets a client open a Janus session and attach to those plugins. Only Plenary's
  signalling proxy holds one: it adds it to each message it relays.
* a room token (realm ``janus.plugin.videoroom``, scope ``room=<room>``) lets a client join
  that one room, as publisher or subscriber. Browsers get it from ``GET
  /meetings/<id>/media/`` and send it in their ``join`` request.
"""

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings

PLUGIN = "janus.plugin.videoroom"
AUDIOBRIDGE = "janus.plugin.audiobridge"
STREAMING = "janus.plugin.streaming"
PLUGINS = (PLUGIN, AUDIOBRIDGE, STREAMING)


@dataclass(frozen=True)
class SignedToken:
    text: str
    expires: int  # Unix time


def _sign(payload: str) -> str:
    digest = hmac.new(settings.JANUS_TOKEN_SECRET.encode(), payload.encode(), hashlib.sha1)
    return f"{payload}:{base64.b64encode(digest.digest()).decode()}"


def _expiry(seconds: int | None) -> int:
    return int(time.time()) + (settings.JANUS_TOKEN_SECONDS if seconds is None else seconds)


def core_token(seconds: int | None = None) -> SignedToken:
    expires = _expiry(seconds)
    return SignedToken(_sign(f"{expires},janus,{','.join(PLUGINS)}"), expires)


def room_token(room: int, seconds: int | None = None) -> SignedToken:
    expires = _expiry(seconds)
    return SignedToken(_sign(f"{expires},{PLUGIN},room={room}"), expires)


def room_token_valid(token: object, room: int) -> bool:
    """``token`` is a room token for ``room``, signed by us and not expired."""
    if not isinstance(token, str) or token.count(":") != 1:
        return False
    payload = token.partition(":")[0]
    expiry, _, scope = payload.partition(",")
    if scope != f"{PLUGIN},room={room}" or not expiry.isdigit():
        return False
    return int(expiry) > time.time() and hmac.compare_digest(_sign(payload), token)
