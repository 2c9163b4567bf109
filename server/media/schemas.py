"""The input of the media operations (docs/protocol.md, "Media")."""

from server.common.schemas import Operation


class MediaMute(Operation):
    mute: bool = True
    """False unmutes."""
