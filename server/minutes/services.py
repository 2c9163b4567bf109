"""Every change to minutes and to the transcript's text goes through here: authorise, check
the state, write.

Each change locks the meeting's row first, so that a correction cannot slip in while minutes
that include it are being issued. Nothing here edits a transcript segment, a translation, an
issued version or a revision: corrections are new revisions, reopening is a new version.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from server.captions.selectors import SpokenSegment, spoken_segment
from server.captions.services import check_language_code
from server.common.errors import Conflict, InvalidInput, NotFound
from server.conferences.models import Meeting, Participant
from server.rooms.selectors import floor_turn_exists

from . import selectors
from .models import Minutes, SegmentRevision, StatementSummary
from .permissions import check_correct, check_prepare, may_read
from .record import record_to_json
from .summariser import summarise, summariser_config

logger = logging.getLogger(__name__)

MAX_TEXT = 20_000
MAX_REASON = 2_000


def _meeting_lock(meeting: Meeting) -> Meeting:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("_meeting_lock() must run inside transaction.atomic()")
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _check_reader(actor: Participant, meeting: Meeting) -> None:
    if not may_read(actor, meeting):
        raise NotFound(_("No meeting {meeting_id} in your conference."), meeting_id=meeting.pk)


def _text(value: str, what: StrOrPromise, limit: int) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(_("{what} cannot be empty."), what=what)
    if len(value) > limit:
        raise InvalidInput(_("{what} is at most {limit} characters."), what=what, limit=limit)
    return value


def _draft(minutes: Minutes) -> Minutes:
    """The minutes, locked and re-read; a conflict unless they are still a draft."""
    locked = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    if locked.state != Minutes.State.DRAFT:
        raise Conflict(
            _("{symbol} is issued and cannot change: reopen it to correct it."),
            symbol=locked.symbol,
        )
    return locked


# Minutes ----------------------------------------------------------------------------------


def minutes_create(*, actor: Participant, meeting: Meeting, form: str, language: str) -> Minutes:
    """Start the draft minutes of a meeting in a form and language."""
    check_prepare(actor)
    _check_reader(actor, meeting)
    if form not in Minutes.Form.values:
        raise InvalidInput(
            _("Minutes are a {forms} record."), forms=" or a ".join(Minutes.Form.values)
        )
    code = check_language_code(language)
    with transaction.atomic():
        _meeting_lock(meeting)
        existing = Minutes.objects.filter(meeting=meeting, form=form, language=code)
        if existing.exists():
            raise Conflict(
                _("The {form} record in {code!r} exists already: open it."), form=form, code=code
            )
        return Minutes.objects.create(
            meeting=meeting,
            form=form,
            language=code,
            created_at=timezone.now(),
            created_by=actor,
        )


def minutes_issue(*, actor: Participant, minutes: Minutes) -> Minutes:
    """Issue a draft: its record is assembled one last time and kept as it is then."""
    check_prepare(actor)
    with transaction.atomic():
        meeting = _meeting_lock(minutes.meeting)
        minutes = _draft(minutes)
        if meeting.status != Meeting.Status.CLOSED:
            raise Conflict(_("Minutes are issued once the meeting has closed."))
        record = selectors.meeting_record(meeting)
        if minutes.form == Minutes.Form.SUMMARY:
            summaries = selectors.summaries_of(minutes)
            missing = [s.person.name for s in record.statements() if s.turn not in summaries]
            if missing:
                raise Conflict(
                    _("{count} statements have no summary yet ({missing})."),
                    count=len(missing),
                    missing=", ".join(missing),
                )
        minutes.record = record_to_json(record)
        minutes.state = Minutes.State.ISSUED
        minutes.issued_at = timezone.now()
        minutes.issued_by = actor
        minutes.save(update_fields=["record", "state", "issued_at", "issued_by"])
    logger.info("minutes %s issued by participant %s", minutes.pk, actor.pk)
    return minutes


def minutes_reopen(*, actor: Participant, minutes: Minutes, reason: str) -> Minutes:
    """Issued minutes never change: reopening them starts the next version, a corrigendum,
    as a draft with the same summaries."""
    check_prepare(actor)
    reason = _text(reason, _("The reason for reopening"), MAX_REASON)
    with transaction.atomic():
        _meeting_lock(minutes.meeting)
        issued = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
        if issued.state != Minutes.State.ISSUED:
            raise Conflict(_("{symbol} is a draft: correct it as it is."), symbol=issued.symbol)
        if Minutes.objects.filter(corrigendum_of=issued).exists():
            raise Conflict(
                _("{symbol} was reopened already: open its latest version."), symbol=issued.symbol
            )
        reopened = Minutes.objects.create(
            meeting=issued.meeting,
            form=issued.form,
            language=issued.language,
            version=issued.version + 1,
            corrigendum_of=issued,
            reason=reason,
            created_at=timezone.now(),
            created_by=actor,
        )
        StatementSummary.objects.bulk_create(
            StatementSummary(
                minutes=reopened,
                turn_id=summary.turn_id,
                text=summary.text,
                source=summary.source,
                updated_at=summary.updated_at,
                updated_by_id=summary.updated_by_id,
            )
            for summary in StatementSummary.objects.filter(minutes=issued)
        )
    return reopened


# Summaries --------------------------------------------------------------------------------


def summary_write(
    *,
    actor: Participant,
    minutes: Minutes,
    turn_id: int,
    text: str,
    source: str = StatementSummary.Source.WRITER,
) -> StatementSummary:
    """The précis of one statement in a draft summary record."""
    check_prepare(actor)
    text = _text(text, _("A summary"), MAX_TEXT)
    with transaction.atomic():
        _meeting_lock(minutes.meeting)
        minutes = _draft(minutes)
        if minutes.form != Minutes.Form.SUMMARY:
            raise Conflict(_("A verbatim record has no summaries: it gives statements in full."))
        if not floor_turn_exists(minutes.meeting_id, turn_id):
            raise NotFound(_("No statement {turn_id} in this meeting."), turn_id=turn_id)
        summary, _created = StatementSummary.objects.update_or_create(
            minutes=minutes,
            turn_id=turn_id,
            defaults={
                "text": text,
                "source": source,
                "updated_at": timezone.now(),
                "updated_by": actor,
            },
        )
    return summary


def summary_draft(*, actor: Participant, minutes: Minutes, turn_id: int) -> StatementSummary:
    """Ask the configured summariser for a draft of one statement's summary; the précis-writer
    then edits it. A conflict, with nothing sent anywhere, when no summariser is configured."""
    check_prepare(actor)
    config = summariser_config()
    if config is None:
        raise Conflict(_("No summariser is configured (PLENARY_SUMMARISER_URL is not set)."))
    if minutes.state != Minutes.State.DRAFT or minutes.form != Minutes.Form.SUMMARY:
        raise Conflict(_("Summaries are drafted in a summary record that is not issued."))
    record = selectors.meeting_record(minutes.meeting)
    statement = next((s for s in record.statements() if s.turn == turn_id), None)
    if statement is None:
        raise NotFound(_("No statement {turn_id} in this meeting."), turn_id=turn_id)
    language = minutes.language
    said = "\n".join(p.texts.get(language, p.texts[p.language]) for p in statement.passages)
    if not said:
        raise Conflict(_("This statement has no transcript to summarise."))
    speaker = statement.person.name
    if statement.person.delegation:
        speaker = f"{speaker} ({statement.person.delegation})"
    text = summarise(config, speaker=speaker, language=language, text=said)
    return summary_write(
        actor=actor,
        minutes=minutes,
        turn_id=turn_id,
        text=text,
        source=StatementSummary.Source.SUMMARISER,
    )


# Corrections ------------------------------------------------------------------------------


def segment_correct(
    *, actor: Participant, segment_id: int, language: str, text: str, reason: str
) -> SegmentRevision:
    """Correct what a segment says in its own language or in one of its translations. The
    text before is kept in the revision; nothing is corrected once minutes that include it are
    issued (they must be reopened first)."""
    segment = _segment(segment_id)
    meeting = Meeting.objects.get(pk=segment.meeting_id)
    _check_reader(actor, meeting)
    check_correct(actor, segment.delegation_id)
    text = _text(text, _("The corrected text"), MAX_TEXT)
    reason = _text(reason, _("The reason for the correction"), MAX_REASON)
    with transaction.atomic():
        meeting = _meeting_lock(meeting)
        segment = _segment(segment_id)
        if segment.superseded:
            raise Conflict(_("This segment was replaced by a new transcription: correct that one."))
        issued = selectors.issued_latest(meeting)
        if issued is not None:
            raise Conflict(
                _(
                    "{symbol}, which includes this statement, is issued: reopen it to correct the "
                    "statement."
                ),
                symbol=issued.symbol,
            )
        previous = _current_text(segment, language)
        if text == previous:
            raise InvalidInput(_("The corrected text is the same as the current one."))
        revision = SegmentRevision.objects.create(
            segment_id=segment.id,
            language=language,
            previous=previous,
            text=text,
            reason=reason,
            by=actor,
            at=timezone.now(),
        )
    logger.info("segment %s corrected in %s by participant %s", segment.id, language, actor.pk)
    return revision


def _segment(segment_id: int) -> SpokenSegment:
    segment = spoken_segment(segment_id)
    if segment is None:
        raise NotFound(_("No transcript segment {segment_id}."), segment_id=segment_id)
    return segment


def _current_text(segment: SpokenSegment, language: str) -> str:
    revisions = SegmentRevision.objects.filter(segment_id=segment.id, language=language)
    latest = revisions.order_by("-at", "-id").first()
    if latest is not None:
        return latest.text
    if language not in segment.texts:
        raise InvalidInput(
            _("This segment has no text in {language!r} to correct."), language=language
        )
    return segment.texts[language]
