"""Reads of speech: what to translate into, and the captions a joining client is shown."""

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from django.db.models import Prefetch

from server.conferences.models import Conference, Meeting, Participant
from server.rooms.events import ParticipantRef
from server.rooms.models import RoomConnection
from server.rooms.selectors import participant_ref, snapshot_part

from .models import CaptionChoice, SegmentTranslation, TranscriptSegment
from .speech import translated_into

RECENT_CAPTIONS = 50


def caption_languages(meeting_id: int) -> set[str]:
    """The languages the people in the room read captions in now: each present participant's
    preferred language, and any other one they picked."""
    present = RoomConnection.objects.filter(meeting_id=meeting_id).values("participant_id")
    preferred = Participant.objects.filter(pk__in=present).values_list(
        "preferred_language", flat=True
    )
    picked = CaptionChoice.objects.filter(
        meeting_id=meeting_id, participant_id__in=present
    ).values_list("language", flat=True)
    return {language for language in [*preferred, *picked] if language}


class CaptionLine(TypedDict):
    seq: int
    segment: int
    turn: int
    speaker: ParticipantRef
    language: str
    channel: str  # as CaptionFinal.channel
    text: str
    start: str
    end: str
    translations: dict[str, str]


def recent_captions(
    meeting: Meeting, until_seq: int, limit: int = RECENT_CAPTIONS
) -> list[CaptionLine]:
    """The last ``limit`` live finals up to ``until_seq``, with the translations stored by
    then, oldest first (later ones reach the client as events); a final whose utterance had
    settled by then is left out (its settled text is there)."""
    segments = (
        TranscriptSegment.objects.filter(meeting=meeting, seq__isnull=False, seq__lte=until_seq)
        .exclude(settled_by__seq__lte=until_seq)
        .select_related("speaker__delegation")
        .prefetch_related(
            Prefetch("translations", SegmentTranslation.objects.filter(seq__lte=until_seq))
        )
        .order_by("-seq")[:limit]
    )
    return [
        {
            "seq": s.seq or 0,
            "segment": s.pk,
            "turn": s.turn_id,
            "speaker": participant_ref(s.speaker),
            "language": s.language,
            "channel": s.channel,
            "text": s.text,
            "start": s.started_at.isoformat(),
            "end": s.ended_at.isoformat(),
            "translations": {t.language: t.text for t in s.translations.all()},
        }
        for s in reversed(segments)
    ]


# Each language's name in itself, as a picker shows it.
LANGUAGE_NAMES = {
    "ar": "العربية",
    "de": "Deutsch",
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "it": "Italiano",
    "ja": "日本語",
    "pt": "Português",
    "ru": "Русский",
    "zh": "中文",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def conference_languages(meeting: Meeting) -> list[str]:
    """The conference's working languages: speech is recognised as one of them, captions are
    offered in them. Unless the conference names them, those its participants read."""
    named = Conference.objects.filter(pk=meeting.conference_id).values_list("languages", flat=True)
    listed = [code.strip() for code in (named.first() or "").split(",") if code.strip()]
    if listed:
        return sorted(set(listed))
    languages = Participant.objects.filter(conference_id=meeting.conference_id).values_list(
        "preferred_language", flat=True
    )
    return sorted(set(languages))


def caption_choices(meeting: Meeting) -> list[str]:
    """The languages a reader may read captions in: the working languages, and those this
    server machine-translates into."""
    return sorted({*conference_languages(meeting), *translated_into()})


class CaptionsPart(TypedDict):
    languages: list[str]
    recent: list[CaptionLine]
    translated_into: dict[str, list[str]]  # target → the languages machine-translated into it


@snapshot_part("captions")
def captions_snapshot(meeting: Meeting, participant: Participant, seq: int) -> CaptionsPart:
    return {
        "languages": conference_languages(meeting),
        "recent": recent_captions(meeting, seq),
        "translated_into": translated_into(),
    }


# What was said, in every language (the minutes read the transcript only through these)


@dataclass(frozen=True)
class SpokenSegment:
    """A transcript segment's words: as spoken, and in each language it was translated into."""

    id: int
    meeting_id: int
    turn_id: int
    delegation_id: int | None
    language: str
    started_at: datetime
    superseded: bool
    texts: dict[str, str]  # language → text; the spoken language's is what was said


def _spoken(segment: TranscriptSegment) -> SpokenSegment:
    texts = {segment.language: segment.text}
    texts.update({t.language: t.text for t in segment.translations.all()})
    return SpokenSegment(
        id=segment.pk,
        meeting_id=segment.meeting_id,
        turn_id=segment.turn_id,
        delegation_id=segment.delegation_id,
        language=segment.language,
        started_at=segment.started_at,
        superseded=segment.superseded,
        texts=texts,
    )


def spoken_segments(meeting: Meeting) -> list[SpokenSegment]:
    """The meeting's final (not superseded) segments of the floor by floor turn and time, in
    two queries (not its interpretation: ``interpretations``)."""
    segments = (
        TranscriptSegment.objects.filter(meeting=meeting, superseded=False, channel="")
        .prefetch_related("translations")
        .order_by("turn_id", "started_at", "id")
    )
    return [_spoken(segment) for segment in segments]


def spoken_segment(segment_id: int) -> SpokenSegment | None:
    segment = (
        TranscriptSegment.objects.filter(pk=segment_id).prefetch_related("translations").first()
    )
    return _spoken(segment) if segment is not None else None


def spoken_languages(meeting: Meeting) -> set[str]:
    """The languages spoken in the meeting (on the floor)."""
    spoken = TranscriptSegment.objects.filter(meeting=meeting, channel="").values_list(
        "language", flat=True
    )
    return set(spoken.distinct())


def interpretations(meeting: Meeting) -> dict[int, dict[str, str]]:
    """What the interpretation booths said of each floor turn: turn → booth language → the
    text of its final (not superseded) captions on that channel, in order."""
    segments = (
        TranscriptSegment.objects.filter(meeting=meeting, superseded=False)
        .exclude(channel="")
        .order_by("turn_id", "channel", "started_at", "id")
        .values_list("turn_id", "channel", "text")
    )
    said: dict[int, dict[str, list[str]]] = {}
    for turn, channel, text in segments:
        said.setdefault(turn, {}).setdefault(channel, []).append(text)
    return {
        turn: {channel: " ".join(texts) for channel, texts in channels.items()}
        for turn, channels in said.items()
    }
