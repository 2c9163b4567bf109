"""Setting up a text: creating it and the chair's draft of its clauses."""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, InvalidInput
from server.common.json_types import JSON
from server.common.values import text_check
from server.conferences.models import Meeting, Participant

from ..content import MAX_MARKUP, ContentError, parse
from ..models import NegotiationEvent, NegotiationText
from ..operations import Effect, creation
from ..permissions import check_drafting
from ..state import EventKind
from .changes import Transcript, changing, check_structure_version, record


def text_create(
    *,
    actor: Participant,
    slug: str,
    title: str,
    language: str = "en",
    all_or_nothing: bool = True,
    meeting: Meeting | None = None,
    session: Meeting | None = None,
) -> NegotiationText:
    """A new text. One set up in a closed session (``meeting``, or ``session`` named)
    belongs to it: only those who may attend it read the text, and it changes there."""
    check_drafting(actor)
    if not title.strip() or not slug.strip():
        raise InvalidInput(_("A text needs a title and a short name."))
    text_check(title, "title")
    text_check(slug, "slug")
    if session is None and meeting is not None and meeting.kind == Meeting.Kind.CLOSED:
        session = meeting
    _check_session(actor, session, meeting)
    if NegotiationText.objects.filter(conference_id=actor.conference_id, slug=slug).exists():
        raise Conflict(_("The conference already has a text called {slug!r}."), slug=slug)
    payload: dict[str, JSON] = {
        "slug": slug,
        "title": title.strip(),
        "language": language,
        "all_or_nothing": all_or_nothing,
    }
    with transaction.atomic():
        text = NegotiationText.objects.create(
            conference_id=actor.conference_id,
            slug=slug,
            title=title.strip(),
            language=language,
            all_or_nothing=all_or_nothing,
            session=session,
            created_at=timezone.now(),
        )
        with changing(text, actor, meeting, None) as change:
            record(change, EventKind.TEXT_CREATED, payload)
    return change.text


def _check_session(actor: Participant, session: Meeting | None, meeting: Meeting | None) -> None:
    if session is None:
        return
    if session.conference_id != actor.conference_id or session.kind != Meeting.Kind.CLOSED:
        raise InvalidInput(_("A text's session is a closed session of its conference."))
    if meeting is not None and meeting.pk != session.pk:
        raise InvalidInput(_("A text of a closed session is set up in that session."))


def clause_add(
    *,
    actor: Participant,
    text: NegotiationText,
    kind: str,
    markup: str,
    base_version: int,
    parent: int | None = None,
    after: int | None = None,
    meeting: Meeting | None = None,
    transcript: Transcript = None,
) -> NegotiationEvent:
    """The secretariat or a presiding officer adds a clause directly (the chair's draft)."""
    check_drafting(actor)
    _check_markup(markup)
    with changing(text, actor, meeting, transcript) as change:
        check_structure_version(change, base_version)
        effect = _valid(lambda: creation(change.state, kind, parent, after, parse(markup)))
        return record(change, EventKind.CLAUSE_ADDED, {"effects": [effect]})


def _check_markup(markup: str) -> None:
    if not markup.strip():
        raise InvalidInput(_("The text of a clause cannot be empty."))
    if len(markup) > MAX_MARKUP:
        raise InvalidInput(_("A clause is at most {max_markup} characters."), max_markup=MAX_MARKUP)


def _valid(build: Callable[[], Effect]) -> Effect:
    try:
        return build()
    except ContentError as exc:
        raise InvalidInput(exc.args[0]) from exc
