"""A recorded demo meeting: the 2nd plenary meeting of the demo conference, held and
transcribed through the real services (presence, the floor, recordings, final captions and
their translations, a point of order and the Chair's ruling, a suspension, a negotiation text
changed in the meeting), so that its minutes can be prepared (``plenary minutes demo``).

Speech is given as the text a recogniser would have committed; the audio itself is not
stored. Running it again changes nothing.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from server.captions.models import TranscriptSegment
from server.captions.services import caption_commit, recording_open, translation_commit
from server.conferences.models import AgendaItem, Conference, Meeting, Participant
from server.negotiation import selectors as negotiation
from server.negotiation import services as drafting
from server.negotiation.models import NegotiationText
from server.rooms import services as room

SYMBOL = "CF/2026/PV.2"
TITLE = "2nd plenary meeting"
AGENDA = [
    ("1", "Adoption of the agenda"),
    ("2", "Operationalization of the fund for responding to loss and damage"),
    ("3", "Closure of the meeting"),
]
TEXT_SLUG = "loss-and-damage-conclusions"
TEXT_TITLE = "Draft conclusions on the fund for responding to loss and damage"
DRAFT = [
    ("pp", "Recalling decisions 2/CP.27 and 2/CMA.4,"),
    ("op", "Welcomes the pledges made to the fund so far;"),
    ("op", "Requests the Board of the fund to report on its operationalization in 2026."),
]
ATTENDING = [
    *("chair", "secretariat", "kenya", "kenya2", "spain", "france", "senegal", "eu", "japan"),
    "wmo",
]
WORD_SECONDS = 0.4


@dataclass(frozen=True)
class Said:
    """One final segment: its text in the language spoken, and its translations."""

    language: str
    text: str
    translations: dict[str, str] = field(default_factory=dict)


OPENING = [
    Said(
        "en",
        "Good morning. I declare open the second plenary meeting of the Summit on Climate Finance.",
        {
            "fr": "Bonjour. Je déclare ouverte la deuxième séance plénière du Sommet sur le "
            "financement climatique.",
            "es": "Buenos días. Declaro abierta la segunda sesión plenaria de la Cumbre sobre "
            "la Financiación Climática.",
        },
    ),
    Said(
        "en",
        "The provisional agenda is before you. If I hear no objection, I shall take it that "
        "the meeting wishes to adopt it. It is so decided.",
        {
            "fr": "L'ordre du jour provisoire est devant vous. S'il n'y a pas d'objection, je "
            "considérerai que la séance souhaite l'adopter. Il en est ainsi décidé.",
        },
    ),
]
KENYA = [
    Said(
        "en",
        "Thank you, Madam Chair. Kenya speaks on behalf of the African Group on the fund for "
        "responding to loss and damage.",
        {
            "fr": "Merci, Madame la Présidente. Le Kenya parle au nom du Groupe africain sur le "
            "fonds pour les pertes et préjudices.",
            "es": "Gracias, señora Presidenta. Kenya habla en nombre del Grupo Africano sobre "
            "el fondo para pérdidas y daños.",
        },
    ),
    Said(
        "en",
        "The fund must be operational this year, with new and additional resources and "
        "direct access for the most vulnerable communities.",
        {
            "fr": "Le fonds doit être opérationnel cette année, avec des ressources nouvelles "
            "et additionnelles et un accès direct pour les communautés les plus vulnérables.",
            "es": "El fondo debe estar operativo este año, con recursos nuevos y adicionales y "
            "acceso directo para las comunidades más vulnerables.",
        },
    ),
]
SPAIN = [
    Said(
        "es",
        "Gracias, señora Presidenta. España apoya la puesta en marcha del fondo sin más demora.",
        {
            "en": "Thank you, Madam Chair. Spain supports making the fund operational without "
            "further delay.",
            "fr": "Merci, Madame la Présidente. L'Espagne soutient la mise en service du fonds "
            "sans plus tarder.",
        },
    ),
    Said(
        "es",
        "Anunciamos hoy una contribución adicional de veinte millones de euros.",
        {"en": "Today we announce an additional contribution of twenty million euros."},
    ),
]
POINT_OF_ORDER = [
    Said(
        "fr",
        "Motion d'ordre, Madame la Présidente : les interprètes n'ont pas reçu le texte du "
        "projet de conclusions.",
        {
            "en": "Point of order, Madam Chair: the interpreters have not received the text of "
            "the draft conclusions."
        },
    ),
]
RULING = [
    Said(
        "en",
        "I thank France. The secretariat will circulate the draft conclusions now. I shall "
        "suspend the meeting for ten minutes.",
        {
            "fr": "Je remercie la France. Le secrétariat va distribuer le projet de conclusions. "
            "Je vais suspendre la séance pour dix minutes.",
            "es": "Doy las gracias a Francia. La Secretaría distribuirá ahora el proyecto de "
            "conclusiones. Suspenderé la sesión durante diez minutos.",
        },
    ),
]
EU = [
    Said(
        "en",
        "The European Union welcomes the agreement on the preamble.",
        {"fr": "L'Union européenne se félicite de l'accord sur le préambule."},
    ),
    Said(
        "en",
        "We can accept a report in 2027, and we thank Senegal for its constructive proposal.",
        {
            "fr": "Nous pouvons accepter un rapport en 2027, et nous remercions le Sénégal de sa "
            "proposition constructive."
        },
    ),
]
REPLY = [
    Said(
        "fr",
        "Le Sénégal remercie l'Union européenne et rappelle que les communautés vulnérables ne "
        "peuvent pas attendre.",
    ),
]
CLOSING = [
    Said(
        "en",
        "We have concluded our consideration of the agenda. The meeting is adjourned.",
        {
            "fr": "Nous avons achevé l'examen de l'ordre du jour. La séance est levée.",
            "es": "Hemos concluido el examen del orden del día. Se levanta la sesión.",
        },
    ),
]


def minutes_demo_load(conference: Conference) -> Meeting:
    """Hold and record the demo meeting in ``conference`` (the demo conference)."""
    existing = Meeting.objects.filter(conference=conference, symbol=SYMBOL).first()
    if existing is not None:
        return existing
    people = {
        p.user.username: p
        for p in Participant.objects.filter(conference=conference).select_related(
            "user", "delegation"
        )
    }
    with transaction.atomic():
        meeting = Meeting.objects.create(
            conference=conference,
            title=TITLE,
            symbol=SYMBOL,
            kind=Meeting.Kind.PLENARY,
            scheduled_start=timezone.now().replace(second=0, microsecond=0),
        )
        items = AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, position=i, number=number, title=title)
            for i, (number, title) in enumerate(AGENDA, start=1)
        )
        text = _draft(people["secretariat"])
        _hold(meeting, [item.pk for item in items], people, text)
    return meeting


def _draft(secretariat: Participant) -> NegotiationText:
    text = drafting.text_create(actor=secretariat, slug=TEXT_SLUG, title=TEXT_TITLE)
    after = None
    for kind, words in DRAFT:
        text.refresh_from_db()
        drafting.clause_add(
            actor=secretariat,
            text=text,
            kind=kind,
            markup=words,
            after=after,
            base_version=text.structure_version,
        )
        after = max(negotiation.text_state(text).clauses)
    return text


class _Meeting:
    """The demo meeting as it is being held: who is connected, and who speaks."""

    def __init__(self, meeting: Meeting, people: dict[str, Participant]) -> None:
        self.meeting, self.people = meeting, people
        self.chair = people["chair"]

    def join(self, *usernames: str) -> None:
        for username in usernames:
            room.connection_open(
                meeting=self.meeting,
                participant=self.people[username],
                channel_name=f"minutes-demo.{self.meeting.pk}.{username}",
                server_id="minutes-demo",
            )

    def leave(self, *usernames: str) -> None:
        for username in usernames:
            room.connection_close(channel_name=f"minutes-demo.{self.meeting.pk}.{username}")

    def status(self, action: str) -> None:
        room.meeting_transition(actor=self.chair, meeting=self.meeting, action=action)

    def agenda(self, item: int) -> None:
        room.agenda_switch(actor=self.chair, meeting=self.meeting, item_id=item)

    def speak(self, username: str, said: list[Said], *, request: str | None = None) -> None:
        """``username`` takes the floor (having asked for it as ``request``) and says
        ``said``; an empty ``said`` is a turn of which nothing was recognised."""
        speaker = self.people[username]
        if request is not None:
            room.floor_request(actor=speaker, meeting=self.meeting, kind=request)
        room.floor_give(actor=self.chair, meeting=self.meeting, participant_id=speaker.pk)
        recording, _ = recording_open(meeting=self.meeting, participant=speaker, format="pcm16")
        offset = 0.0
        for segment in said:
            words = [
                (offset + i * WORD_SECONDS, offset + (i + 1) * WORD_SECONDS, word)
                for i, word in enumerate(segment.text.split())
            ]
            final = caption_commit(
                recording=recording,
                language=segment.language,
                text=segment.text,
                words=words,
                offset_start=offset,
                offset_end=words[-1][1],
            )
            _translate(final, segment)
            offset = words[-1][1] + 0.8


def _translate(final: TranscriptSegment, said: Said) -> None:
    for language, text in said.translations.items():
        translation_commit(segment=final, language=language, text=text, engine="demo")


def _hold(
    meeting: Meeting, items: list[int], people: dict[str, Participant], text: NegotiationText
) -> None:
    held = _Meeting(meeting, people)
    held.join(*ATTENDING)
    held.status("open")
    held.agenda(items[0])
    held.speak("chair", OPENING)
    held.agenda(items[1])
    held.speak("kenya", KENYA)
    held.join("brazil")
    held.leave("kenya2")
    held.speak("spain", SPAIN)
    held.speak("france", POINT_OF_ORDER, request="point_of_order")
    held.speak("chair", RULING)
    held.leave("wmo")
    held.status("suspend")
    held.status("resume")
    held.join("kenya2")
    _negotiate(meeting, people, text)
    held.speak("japan", [])
    held.speak("eu", EU)
    held.speak("senegal", REPLY, request="right_of_reply")
    held.agenda(items[2])
    held.speak("chair", CLOSING)
    held.status("close")
    held.leave(*ATTENDING, "brazil")


def _negotiate(meeting: Meeting, people: dict[str, Participant], text: NegotiationText) -> None:
    """Senegal's proposal is accepted, the EU's rejected; the preamble is agreed and the
    request to the Board agreed ad referendum."""
    chair = people["chair"]

    def version(key: int) -> int:
        text.refresh_from_db()
        return negotiation.text_state(text).clauses[key].version

    def proposal_version(key: int) -> int:
        text.refresh_from_db()
        return negotiation.text_state(text).proposals[key].version

    recalling, welcomes, requests = 1, 2, 3
    drafting.proposal_table(
        actor=people["senegal"],
        meeting=meeting,
        text=text,
        kind="replace",
        clause=requests,
        operation={"old": "in 2026", "new": "in 2027"},
        base_version=version(requests),
        cosponsors=["KEN"],
        rationale="The Board needs a full year of operation to report on.",
    )
    drafting.proposal_accept(
        actor=chair, meeting=meeting, text=text, proposal=1, base_version=proposal_version(1)
    )
    drafting.proposal_table(
        actor=people["eu"],
        meeting=meeting,
        text=text,
        kind="bracket_add",
        clause=welcomes,
        operation={"span": "so far"},
        base_version=version(welcomes),
    )
    drafting.proposal_reject(
        actor=chair, meeting=meeting, text=text, proposal=2, base_version=proposal_version(2)
    )
    for key, status in [(recalling, "agreed"), (requests, "agreed_ad_ref")]:
        drafting.clause_status_set(
            actor=chair,
            meeting=meeting,
            text=text,
            clause=key,
            status=status,
            base_version=version(key),
        )
