"""The input of the media operations (docs/protocol.md, "Media")."""

from pydantic import StrictBool

from server.common.schemas import Operation


class MediaMute(Operation):
    mute: StrictBool = True
    """False unmutes."""
