"""The input of each interpretation operation (docs/protocol.md, "Interpretation"), declared
once for the room socket and ``POST /api/meetings/<id>/actions/<type>`` alike. Whether a
booth exists, and who may act on it, the services check."""

from typing import Annotated

from pydantic import Field, StrictBool

from server.common.schemas import Integer, Operation, Text

Language = Annotated[Text, Field(max_length=8)]
"""A booth's language (ISO 639-1, e.g. "fr"); where a channel or a source is meant, the
empty string is the floor."""


class OnBooth(Operation):
    booth: Language
    """The booth's language."""


class BoothHandover(OnBooth):
    to: Integer | None = None
    """The partner offered the microphone (a participant id); absent: the booth's first
    connected partner."""


class BoothMute(OnBooth):
    muted: StrictBool
    """The cough key: true silences the live microphone, false opens it again."""


class BoothSource(OnBooth):
    source: Language
    """What the booth hears: "" the floor, or the language of another booth (relay)."""


class ChannelListen(Operation):
    channel: Language
    """"" the floor's original sound, or a booth's language."""
    floor_under: StrictBool = False
    """Play the floor quietly under the interpretation."""
