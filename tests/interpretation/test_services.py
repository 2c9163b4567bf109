"""The booth's life in a meeting: take, handover, release, the cough key, relay, and what an
interpreter's arrival and departure (media sessions, room sockets) do to the booth."""

import pytest

from server.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.interpretation import services
from server.interpretation.events import BoothChanged
from server.rooms import services as room_services
from server.rooms.events import payload_read
from server.rooms.models import RoomEvent

from .conftest import Booths

pytestmark = [pytest.mark.django_db]


def booth_events(booths: Booths) -> list[tuple[str, str, str, str | None]]:
    """(booth, change, status, live holder's name) of each booth event, in order."""
    events = RoomEvent.objects.filter(meeting=booths.meeting, type__in=BoothChanged.TYPES).order_by(
        "seq"
    )
    result: list[tuple[str, str, str, str | None]] = []
    for event in events:
        payload = payload_read(BoothChanged, event.type, event.data)
        live = payload.live["name"] if payload.live else None
        result.append((payload.booth, payload.change, payload.status, live))
    return result


def test_a_booth_is_unstaffed_then_silent_then_live(booths: Booths) -> None:
    assert booths.booth("es")["status"] == "unstaffed"
    booths.connect("es1")
    assert booths.booth("es")["status"] == "silent"
    booths.take("es1")
    assert booths.booth("es")["live"]["id"] == booths["es1"].pk  # type: ignore[index]
    assert booths.booth("es")["status"] == "live"
    assert booth_events(booths) == [
        ("es", "joined", "silent", None),
        ("es", "take", "live", "Interpreter-Es-1"),
    ]
    assert booths.booth("fr")["status"] == "unstaffed"


def test_a_handover_moves_the_microphone_when_the_partner_takes_it(booths: Booths) -> None:
    booths.connect("es1", "es2")
    booths.take("es1")
    with pytest.raises(Conflict, match="holds the live microphone"):
        booths.take("es2")
    services.booth_handover(actor=booths["es1"], meeting=booths.meeting, language="es", to=None)
    pending = booths.booth("es")
    assert pending["live"]["id"] == booths["es1"].pk  # type: ignore[index]
    assert pending["handover_to"]["id"] == booths["es2"].pk  # type: ignore[index]
    booths.take("es2")
    done = booths.booth("es")
    assert (done["live"]["id"], done["handover_to"], done["status"]) == (  # type: ignore[index]
        booths["es2"].pk,
        None,
        "live",
    )
    assert [change for _, change, _, _ in booth_events(booths)][-3:] == [
        "take",
        "handover",
        "take",
    ]
    with pytest.raises(Forbidden, match="holding the booth's live microphone"):
        services.booth_release(actor=booths["es1"], meeting=booths.meeting, language="es")


def test_release_and_the_cough_key(booths: Booths) -> None:
    booths.connect("fr1")
    booths.take("fr1")
    meeting, fr1 = booths.meeting, booths["fr1"]
    assert services.booth_mute(actor=fr1, meeting=meeting, language="fr", muted=True)
    assert booths.booth("fr")["muted"] is True
    assert services.booth_mute(actor=fr1, meeting=meeting, language="fr", muted=True) is None
    services.booth_release(actor=fr1, meeting=meeting, language="fr")
    released = booths.booth("fr")
    assert (released["live"], released["muted"], released["status"]) == (None, False, "silent")


def test_taking_needs_a_connection_and_a_free_microphone(booths: Booths) -> None:
    with pytest.raises(Conflict, match="not connected"):
        booths.take("es1")
    booths.connect("es1")
    booths.take("es1")
    with pytest.raises(Conflict, match="already hold"):
        booths.take("es1")


def test_the_live_interpreter_gone_hands_the_booth_to_the_connected_partner(
    booths: Booths,
) -> None:
    booths.connect("es1", "es2")
    booths.take("es1")
    booths.disconnect("es1")
    assert booths.booth("es")["live"]["id"] == booths["es2"].pk  # type: ignore[index]
    assert booth_events(booths)[-1] == ("es", "left", "live", "Interpreter-Es-2")
    booths.disconnect("es2")
    assert booths.booth("es")["status"] == "unstaffed"
    assert booth_events(booths)[-1] == ("es", "left", "unstaffed", None)


def test_the_live_interpreter_gone_without_a_partner_leaves_the_booth_silent(
    booths: Booths,
) -> None:
    booths.connect("fr1", "fr2")
    booths.take("fr1")
    booths.disconnect("fr2")
    assert booths.booth("fr")["status"] == "live"
    booths.disconnect("fr1")
    assert booths.booth("fr") | {"channel": 0} == {
        "booth": "fr",
        "channel": 0,
        "live": None,
        "status": "unstaffed",
        "source": "",
        "muted": False,
        "handover_to": None,
    }


def test_a_second_media_session_closing_keeps_the_microphone(booths: Booths) -> None:
    booths.connect("es1", "es1", "es2")
    booths.take("es1")
    booths.disconnect("es1")
    assert booths.booth("es")["live"]["id"] == booths["es1"].pk  # type: ignore[index]
    booths.disconnect("es1")
    assert booths.booth("es")["live"]["id"] == booths["es2"].pk  # type: ignore[index]


def test_a_holder_whose_media_drops_loses_the_microphone_though_still_in_the_room(
    booths: Booths,
) -> None:
    room_services.connection_open(
        meeting=booths.meeting, participant=booths["es1"], channel_name="c-es1", server_id="s"
    )
    assert booth_events(booths) == [("es", "joined", "silent", None)]
    booths.connect("es1")
    booths.take("es1")
    booths.disconnect("es1")
    assert booths.booth("es")["status"] == "silent"
    assert booth_events(booths)[-1] == ("es", "left", "silent", None)
    room_services.connection_close(channel_name="c-es1")
    assert booths.booth("es")["status"] == "unstaffed"


def test_an_interpreter_in_the_room_staffs_the_booth_and_leaving_hands_it_over(
    booths: Booths,
) -> None:
    for name in ("es1", "es2"):
        room_services.connection_open(
            meeting=booths.meeting,
            participant=booths[name],
            channel_name=f"c-{name}",
            server_id="s",
        )
    booths.take("es1")
    room_services.connection_close(channel_name="c-es1")
    assert booths.booth("es")["live"]["id"] == booths["es2"].pk  # type: ignore[index]
    room_services.connection_open(
        meeting=booths.meeting, participant=booths.delegate, channel_name="c-d", server_id="s"
    )
    assert booth_events(booths)[-1][1] == "left"


def test_a_pending_handover_lapses_when_the_partner_leaves(booths: Booths) -> None:
    booths.connect("es1", "es2")
    booths.take("es1")
    services.booth_handover(
        actor=booths["es1"], meeting=booths.meeting, language="es", to=booths["es2"].pk
    )
    booths.disconnect("es2")
    assert booths.booth("es")["handover_to"] is None
    with pytest.raises(Conflict, match="No partner"):
        services.booth_handover(actor=booths["es1"], meeting=booths.meeting, language="es", to=None)


def test_relay_takes_a_booth_that_hears_the_floor_never_a_chain(booths: Booths) -> None:
    meeting, fr1, es1 = booths.meeting, booths["fr1"], booths["es1"]
    assert services.booth_source(actor=fr1, meeting=meeting, language="fr", source="es")
    assert booths.booth("fr")["source"] == "es"
    assert services.booth_source(actor=fr1, meeting=meeting, language="fr", source="es") is None
    with pytest.raises(InvalidInput, match="relays another booth"):
        services.booth_source(actor=booths["en1"], meeting=meeting, language="en", source="fr")
    with pytest.raises(InvalidInput, match="must keep the floor"):
        services.booth_source(actor=es1, meeting=meeting, language="es", source="en")
    with pytest.raises(InvalidInput, match="its own channel"):
        services.booth_source(actor=es1, meeting=meeting, language="es", source="es")
    with pytest.raises(NotFound):
        services.booth_source(actor=es1, meeting=meeting, language="es", source="ar")
    services.booth_source(actor=fr1, meeting=meeting, language="fr", source="")
    services.booth_source(actor=es1, meeting=meeting, language="es", source="en")
    assert [ref["source"] for ref in map(booths.booth, ("en", "es", "fr"))] == ["", "en", ""]


def test_the_listener_s_channel_is_kept_across_meetings(booths: Booths) -> None:
    from server.interpretation.selectors import channel_choice

    services.channel_listen(
        actor=booths.delegate, meeting=booths.meeting, channel="es", floor_under=True
    )
    assert channel_choice(booths.delegate) == {"channel": "es", "floor_under": True}
    services.channel_listen(
        actor=booths.delegate, meeting=booths.meeting, channel="", floor_under=False
    )
    assert channel_choice(booths.delegate) == {"channel": "", "floor_under": False}
    with pytest.raises(NotFound):
        services.channel_listen(
            actor=booths.delegate, meeting=booths.meeting, channel="zh", floor_under=False
        )


def test_hooks_ignore_who_is_not_an_interpreter_of_the_meeting(booths: Booths) -> None:
    assert services.booth_interpreter_connected(booths.meeting.pk, booths.delegate.pk) == []
    assert services.booth_interpreter_connected(booths.meeting.pk + 999, booths["es1"].pk) == []
    assert services.booth_interpreter_disconnected(booths.meeting.pk, booths["es1"].pk) == []
    assert booth_events(booths) == []
