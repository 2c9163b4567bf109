"""The booth log for the secretariat: who interpreted in each booth when, the handovers and
the relays, from the meeting's booth events; the minutes show it as their annex in every
export, keep it when issued, and list interpreters there rather than among those present."""

import datetime as dt

import pytest

from server.interpretation import services
from server.interpretation.events import BoothChanged
from server.interpretation.selectors import meeting_booth_log
from server.minutes import exports, selectors
from server.minutes import services as minutes_services
from server.minutes.layout import document, local_time
from server.minutes.models import Minutes
from server.minutes.record import record_from_json, record_to_json
from server.rooms import services as room_services
from server.rooms.models import RoomEvent
from tests.support.exports import export_text

from .conftest import Booths

pytestmark = [pytest.mark.django_db]

START = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def interpreted(booths: Booths) -> list[dt.datetime]:
    """es1 takes the Spanish booth and hands it to es2; the French booth relays Spanish for
    a while, fr1 live, and fr1 is gone; each booth event a minute after the one before.
    The times of the events, in order."""
    meeting, es1, fr1 = booths.meeting, booths["es1"], booths["fr1"]
    room_services.connection_open(
        meeting=meeting, participant=booths.delegate, channel_name="d", server_id="s"
    )
    booths.connect("es1", "es2", "fr1")  # 0, 1: the es and fr booths staffed
    booths.take("es1")  # 2
    services.booth_handover(actor=es1, meeting=meeting, language="es", to=None)  # 3
    services.booth_mute(actor=es1, meeting=meeting, language="es", muted=True)  # 4
    booths.take("es2")  # 5
    services.booth_source(actor=fr1, meeting=meeting, language="fr", source="es")  # 6
    booths.take("fr1")  # 7
    services.booth_source(actor=fr1, meeting=meeting, language="fr", source="")  # 8
    booths.disconnect("fr1")  # 9
    events = RoomEvent.objects.filter(meeting=meeting, type__in=BoothChanged.TYPES)
    times = []
    for minute, event in enumerate(events.order_by("seq")):
        times.append(START + dt.timedelta(minutes=minute))
        RoomEvent.objects.filter(pk=event.pk).update(created_at=times[-1])
    return times


def test_the_log_says_who_interpreted_when_with_handovers_and_relays(booths: Booths) -> None:
    at = interpreted(booths)
    spanish, french = meeting_booth_log(booths.meeting)
    assert spanish.booth == "es" and spanish.relays == ()
    assert [(s.interpreter.pk, s.began, s.ended, s.handover) for s in spanish.shifts] == [
        (booths["es1"].pk, at[2], at[5], False),
        (booths["es2"].pk, at[5], None, True),
    ]
    assert french.booth == "fr"
    assert [(s.interpreter.pk, s.began, s.ended) for s in french.shifts] == [
        (booths["fr1"].pk, at[7], at[9])
    ]
    assert [(r.source, r.began, r.ended) for r in french.relays] == [("es", at[6], at[8])]


def minutes_of(booths: Booths) -> Minutes:
    return minutes_services.minutes_create(
        actor=booths.secretariat,
        meeting=booths.meeting,
        form=Minutes.Form.VERBATIM,
        language="en",
    )


def test_the_minutes_annex_shows_the_booth_log(booths: Booths) -> None:
    at = interpreted(booths)
    minutes = minutes_of(booths)
    record = selectors.minutes_record(minutes)
    assert record_from_json(record_to_json(record)) == record
    present = {a.person.participant for a in record.attendance}
    assert booths.delegate.pk in present and booths["es1"].pk not in present
    t = [local_time(moment) for moment in at]
    doc = document(record, minutes, language="en", summaries={})
    assert doc.booth_log == (
        f"Spanish booth: Interpreter-Es-1 {t[2]}\N{EN DASH}{t[5]}, "
        f"Interpreter-Es-2 {t[5]}\N{EN DASH}the close (handover)",
        f"French booth: Interpreter-Fr-1 {t[7]}\N{EN DASH}{t[9]}; "
        f"relay from Spanish {t[6]}\N{EN DASH}{t[8]}",
    )
    spanish = document(record, minutes, language="es", summaries={})
    assert spanish.labels.booth_log.startswith("Anexo")
    assert spanish.booth_log[1].startswith("Cabina (francés): Interpreter-Fr-1")


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_every_export_has_the_booth_log(booths: Booths, fmt: str) -> None:
    interpreted(booths)
    minutes = minutes_of(booths)
    doc = document(selectors.minutes_record(minutes), minutes, language="en", summaries={})
    text = export_text(exports.minutes_export(doc, fmt).body, fmt)
    for line in ("Annex: interpretation booth log", "Spanish booth: Interpreter", "relay from"):
        assert line in text, (fmt, line)


def test_a_meeting_without_interpretation_has_no_annex(booths: Booths) -> None:
    minutes = minutes_of(booths)
    doc = document(selectors.minutes_record(minutes), minutes, language="en", summaries={})
    assert doc.booth_log == ()
    assert "booth log" not in exports.minutes_export(doc, "md").body.decode()
    stored = record_to_json(selectors.minutes_record(minutes))
    record = stored["record"]
    assert isinstance(record, dict)
    del record["booths"]  # minutes issued before interpretation
    assert record_from_json(stored).booths == ()
