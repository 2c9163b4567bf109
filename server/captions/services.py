"""Writes of speech: recordings of floor turns, final captions and their translations.

Finals and translations go through the room's sequenced path (``rooms.services.
event_append``) in the same transaction that stores them, and are broadcast on commit.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, Forbidden, InvalidInput
from server.conferences.models import Meeting, Participant
from server.rooms.models import FloorTurn
from server.rooms.selectors import participant_ref
from server.rooms.services import event_append, room_lock

from .events import CaptionFinal, CaptionTranslation, TranscriptRedone
from .models import CaptionChoice, Recording, SegmentTranslation, TranscriptSegment

EXTENSIONS: dict[str, str] = {
    Recording.Format.PCM16: "wav",
    Recording.Format.WEBM: "webm",
    Recording.Format.OGG: "ogg",
}


class AudioTaken(Conflict):
    code = "audio_taken"


# An audio socket says it is there every few seconds (``recording_progress``); one silent
# this long is taken for gone (its server process died) and no longer holds the turn.
AUDIO_SOCKET_GONE_SECONDS = 20.0


def recording_open(
    *, meeting: Meeting, participant: Participant, format: str, turn_id: int | None = None
) -> tuple[Recording, int]:
    """Start storing the audio of the floor turn ``participant`` holds (which must be turn
    ``turn_id`` when given). Returns the recording and the room's sequence number as of the
    check: any change of floor comes after it. One audio stream per turn (an audio socket
    or an RTP forward): while another one is open, ``AudioTaken``."""
    if format not in Recording.Format.values:
        raise InvalidInput(_("Unknown audio format {format!r}."), format=format)
    with transaction.atomic():
        state = room_lock(meeting)
        meeting.refresh_from_db(fields=["status"])
        turn = state.floor_turn
        if turn_id is not None and (turn is None or turn.pk != turn_id):
            raise Conflict(
                _("Floor turn {turn_id} is over: the floor has changed since."), turn_id=turn_id
            )
        if turn is None or turn.participant_id != participant.pk:
            raise Forbidden(_("You do not hold the floor: only the speaker's audio is taken."))
        if meeting.status != Meeting.Status.OPEN:
            raise Conflict(
                _("The meeting is {status}, not open."), status=meeting.get_status_display().lower()
            )
        now = timezone.now()
        alive_since = now - timedelta(seconds=AUDIO_SOCKET_GONE_SECONDS)
        open_sockets = Recording.objects.filter(turn=turn, ended_at__isnull=True, channel="")
        if open_sockets.filter(alive_at__gte=alive_since).exists():
            raise AudioTaken(
                _(
                    "Your microphone is already on in another window or device: one audio "
                    "stream per turn. Turn that one off first."
                )
            )
        recording = Recording.objects.create(
            meeting=meeting, turn=turn, path="", format=format, started_at=now, alive_at=now
        )
        recording.path = f"{meeting.pk}/turn-{turn.pk}-{recording.pk}.{EXTENSIONS[format]}"
        recording.save(update_fields=["path"])
        return recording, state.last_seq


def channel_recording_open(*, meeting: Meeting, channel: str, format: str) -> tuple[Recording, int]:
    """Start storing what the interpretation booth of language ``channel`` says of the floor
    turn going on (the media plane forwards the booth's voice), whatever the conference's
    captions of interpretation: the record keeps every channel (``TurnAudio`` recognises it
    in that language, captions carrying ``channel``, only where
    ``Conference.interpretation_captions`` is on). One per channel and turn while it is open
    (``AudioTaken``); ``Conflict`` when nobody holds the floor."""
    if format not in Recording.Format.values:
        raise InvalidInput(_("Unknown audio format {format!r}."), format=format)
    if not channel:
        raise InvalidInput(_("A booth's channel is its language; the floor's is recording_open."))
    with transaction.atomic():
        state = room_lock(meeting)
        turn = state.floor_turn
        if turn is None:
            raise Conflict(_("Nobody holds the floor: there is nothing to interpret."))
        if Recording.objects.filter(turn=turn, channel=channel, ended_at__isnull=True).exists():
            raise AudioTaken(
                _("The {channel} channel of this turn is already being recorded."), channel=channel
            )
        now = timezone.now()
        recording = Recording.objects.create(
            meeting=meeting,
            turn=turn,
            path="",
            format=format,
            started_at=now,
            alive_at=now,
            channel=channel,
        )
        recording.path = (
            f"{meeting.pk}/turn-{turn.pk}-{recording.pk}-{channel}.{EXTENSIONS[format]}"
        )
        recording.save(update_fields=["path"])
        return recording, state.last_seq


def recording_progress(
    *, recording: Recording, seconds: float, size: int, gaps: list[list[float]], done: bool
) -> None:
    now = timezone.now()
    Recording.objects.filter(pk=recording.pk).update(
        seconds=seconds, bytes=size, gaps=gaps, ended_at=now if done else None, alive_at=now
    )


def recordings_prune(*, now: datetime | None = None) -> int:
    """Delete recording files older than ``RECORDING_RETENTION_DAYS`` (0 keeps them all);
    the rows stay, marked deleted, so the transcript still says where its audio was."""
    days = settings.RECORDING_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = Recording.objects.filter(started_at__lt=cutoff, deleted_at__isnull=True)
    removed = []
    for pk, path in old.values_list("pk", "path"):
        (settings.RECORDINGS_DIR / path).unlink(missing_ok=True)
        removed.append(pk)
    return Recording.objects.filter(pk__in=removed).update(deleted_at=timezone.now())


Words = Sequence[tuple[float, float, str]]


Source = TranscriptSegment.Source


def _segment_create(
    recording: Recording,
    turn: FloorTurn,
    language: str,
    text: str,
    words: Words,
    start: float,
    end: float,
    source: str,
) -> TranscriptSegment:
    """A segment of ``recording`` from ``start`` to ``end`` seconds into it."""
    return TranscriptSegment.objects.create(
        meeting_id=turn.meeting_id,
        turn=turn,
        recording=recording,
        agenda_item_id=turn.agenda_item_id,
        speaker=turn.participant,
        delegation_id=turn.delegation_id,
        language=language,
        channel=recording.channel,
        text=text,
        words=[[round(s, 3), round(e, 3), w] for s, e, w in words],
        offset_start=start,
        offset_end=end,
        started_at=recording.started_at + timedelta(seconds=start),
        ended_at=recording.started_at + timedelta(seconds=end),
        source=source,
        created_at=timezone.now(),
    )


def caption_commit(
    *,
    recording: Recording,
    language: str,
    text: str,
    words: Words,
    offset_start: float,
    offset_end: float,
    replaces: Sequence[int] = (),
) -> TranscriptSegment:
    """Store a final caption of ``recording`` (times in seconds from its start) and append
    its ``caption.final`` room event. ``replaces``: the live segments of the recording whose
    text this one settles (the final pass of their utterance): they are marked superseded,
    settled by it, and readers drop them."""
    turn = FloorTurn.objects.select_related("participant__delegation").get(pk=recording.turn_id)
    with transaction.atomic():
        state = room_lock(turn.meeting)
        segment = _segment_create(
            recording, turn, language, text, words, offset_start, offset_end, Source.LIVE
        )
        pieces = TranscriptSegment.objects.filter(
            pk__in=replaces, recording=recording, source=Source.LIVE, superseded=False
        )
        replaced = sorted(pieces.values_list("pk", flat=True))
        pieces.update(superseded=True, settled_by=segment)
        final = CaptionFinal(
            segment=segment.pk,
            turn=turn.pk,
            speaker=participant_ref(turn.participant),
            language=language,
            text=text,
            start=segment.started_at.isoformat(),
            end=segment.ended_at.isoformat(),
            agenda_item=turn.agenda_item_id,
            replaces=replaced,
            channel=recording.channel,
        )
        event = event_append(state=state, payload=final, actor=turn.participant)
        segment.seq = event.seq
        segment.save(update_fields=["seq"])
    return segment


def translation_commit(
    *, segment: TranscriptSegment, language: str, text: str, engine: str
) -> SegmentTranslation | None:
    """Store a translation of a live segment and append its ``caption.translation`` event.
    A second translation into the same language (a retried worker), or one of a segment
    replaced meanwhile (its utterance settled), is ignored: None."""
    with transaction.atomic():
        state = room_lock(segment.meeting)
        if TranscriptSegment.objects.filter(pk=segment.pk, superseded=True).exists():
            return None
        if SegmentTranslation.objects.filter(segment=segment, language=language).exists():
            return None
        translation = SegmentTranslation.objects.create(
            segment=segment, language=language, text=text, engine=engine, created_at=timezone.now()
        )
        translated = CaptionTranslation(
            segment=segment.pk, turn=segment.turn_id, language=language, text=text, engine=engine
        )
        event = event_append(state=state, payload=translated, actor=None)
        translation.seq = event.seq
        translation.save(update_fields=["seq"])
    return translation


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?")


def check_language_code(language: str) -> str:
    """``language`` as an ISO 639 code (``es``, ``pt-br``), or ``InvalidInput``."""
    code = language.strip().lower()
    if not LANGUAGE_CODE.fullmatch(code):
        raise InvalidInput(
            _("{language!r} is not a language code such as 'es' or 'fr'."), language=language
        )
    return code


def caption_language_pick(*, actor: Participant, meeting: Meeting, language: str | None) -> None:
    """The captions language ``actor`` reads in this room (None: their preferred one). Finals
    are translated into every language picked by someone present."""
    if language:
        CaptionChoice.objects.update_or_create(
            meeting=meeting, participant=actor, defaults={"language": check_language_code(language)}
        )
    else:
        CaptionChoice.objects.filter(meeting=meeting, participant=actor).delete()


@dataclass(frozen=True)
class RedoSegment:
    """A final of a re-transcription, with its translations (language → (text, engine))."""

    language: str
    text: str
    words: Words
    start: float
    end: float
    translations: Mapping[str, tuple[str, str]]


def transcript_replace(
    *, recording: Recording, segments: Sequence[RedoSegment]
) -> list[TranscriptSegment]:
    """Replace the transcript of ``recording`` by a re-transcription of its audio. The
    earlier segments stay, marked superseded (they were broadcast live and are history);
    one ``transcript.redone`` room event says what changed."""
    turn = FloorTurn.objects.select_related("participant").get(pk=recording.turn_id)
    now = timezone.now()
    with transaction.atomic():
        state = room_lock(turn.meeting)
        superseded = TranscriptSegment.objects.filter(recording=recording, superseded=False)
        count = superseded.update(superseded=True)
        created = []
        for redo in segments:
            segment = _segment_create(
                recording,
                turn,
                redo.language,
                redo.text,
                redo.words,
                redo.start,
                redo.end,
                Source.REDO,
            )
            SegmentTranslation.objects.bulk_create(
                SegmentTranslation(
                    segment=segment, language=language, text=text, engine=engine, created_at=now
                )
                for language, (text, engine) in redo.translations.items()
            )
            created.append(segment)
        redone = TranscriptRedone(
            recording=recording.pk, turn=turn.pk, segments=len(created), superseded=count
        )
        event_append(state=state, payload=redone, actor=None)
    return created
