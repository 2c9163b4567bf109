"""The interpretation operations on the room socket (and ``POST /api/meetings/<id>/actions/``):
each declares its schema (schemas.py) and calls one service. See docs/protocol.md,
"Interpretation"."""

from server.conferences.models import Meeting, Participant
from server.rooms.actions import ActionResult, register

from . import services
from .schemas import BoothHandover, BoothMute, BoothSource, ChannelListen, OnBooth


@register("interpretation.take", OnBooth)
def interpretation_take(actor: Participant, meeting: Meeting, data: OnBooth) -> ActionResult:
    return services.booth_take(actor=actor, meeting=meeting, language=data.booth)


@register("interpretation.handover", BoothHandover)
def interpretation_handover(
    actor: Participant, meeting: Meeting, data: BoothHandover
) -> ActionResult:
    return services.booth_handover(actor=actor, meeting=meeting, language=data.booth, to=data.to)


@register("interpretation.release", OnBooth)
def interpretation_release(actor: Participant, meeting: Meeting, data: OnBooth) -> ActionResult:
    return services.booth_release(actor=actor, meeting=meeting, language=data.booth)


@register("interpretation.mute", BoothMute)
def interpretation_mute(actor: Participant, meeting: Meeting, data: BoothMute) -> ActionResult:
    return services.booth_mute(actor=actor, meeting=meeting, language=data.booth, muted=data.muted)


@register("interpretation.source", BoothSource)
def interpretation_source(actor: Participant, meeting: Meeting, data: BoothSource) -> ActionResult:
    return services.booth_source(
        actor=actor, meeting=meeting, language=data.booth, source=data.source
    )


@register("interpretation.listen", ChannelListen)
def interpretation_listen(
    actor: Participant, meeting: Meeting, data: ChannelListen
) -> ActionResult:
    services.channel_listen(
        actor=actor, meeting=meeting, channel=data.channel, floor_under=data.floor_under
    )
    return None
