"""The texts a participant reads, the text's log and the text at any event or date,
what changed since a version, and the check of the record's hash chain."""

from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from server.common.json_types import JSON
from server.common.values import decimal_or_none
from server.conferences.models import Meeting, Participant
from server.conferences.roles import serves_every_meeting

from .. import projection
from ..chain import ChainReport, EventRecord, StoredEvent, chain_check
from ..models import ClauseEvent, NegotiationEvent, NegotiationText
from ..state import ClauseStatus, LogEntry, Target, TextState, replay

CHANGES_LISTED = 10
UNSOUND = gettext_lazy(
    # Translators: "plenary negotiation verify" is a command, to be typed as it is.
    "Warning: this text does not match its record (the stored text differs from the "
    "event log), so it is not the verified text; the secretariat should run "
    "plenary negotiation verify."
)


def text_state(text: NegotiationText) -> TextState:
    return projection.load(text)


def participant_in(
    user: AbstractBaseUser | AnonymousUser, text: NegotiationText
) -> Participant | None:
    if not user.is_authenticated:
        return None
    return (
        Participant.objects.select_related("delegation")
        .filter(user_id=user.pk, conference_id=text.conference_id)
        .first()
    )


def texts_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[NegotiationText]:
    """The texts ``user`` may read (``permissions.may_read``), in all their conferences."""
    readable = Q(pk__in=[])
    for participant in Participant.objects.filter(user_id=user.pk or 0):
        here = Q(conference_id=participant.conference_id)
        if not serves_every_meeting(participant):
            open_to_all = Q(session__isnull=True) | ~Q(session__kind=Meeting.Kind.CLOSED)
            admitted = Q(session__admitted_delegations=participant.delegation_id)
            here &= open_to_all | admitted if participant.delegation_id else open_to_all
        readable |= here
    texts = NegotiationText.objects.filter(readable).distinct()
    return texts.select_related("conference")


def text_find(reference: str) -> NegotiationText | None:
    """A text by its id or its short name."""
    pk = decimal_or_none(reference)
    if pk is not None:
        return NegotiationText.objects.filter(pk=pk).first()
    return NegotiationText.objects.filter(slug=reference).first()


def log_entries(
    text: NegotiationText, *, until: int | None = None, moment: datetime | None = None
) -> Iterator[LogEntry]:
    """The text's events in order, up to and including index ``until`` or time ``moment``."""
    events = NegotiationEvent.objects.filter(text=text).order_by("index")
    if until is not None:
        events = events.filter(index__lte=until)
    if moment is not None:
        events = events.filter(created_at__lte=moment)
    for index, kind, payload in events.values_list("index", "kind", "payload").iterator(2000):
        yield LogEntry(index, kind, payload)


def text_as_of(
    text: NegotiationText, *, until: int | None = None, moment: datetime | None = None
) -> TextState:
    """The whole text as it stood after event ``until`` (or at ``moment``)."""
    return replay(log_entries(text, until=until, moment=moment))


def projection_difference(text: NegotiationText) -> str | None:
    """The first way the projection tables differ from the log replayed (None: same)."""
    return projection.difference(text_as_of(text), text_state(text))


@lru_cache(maxsize=4)
def _replayed(text_id: int, events: int, head: str) -> TextState:
    """The text replayed from its log at one version (append-only: a version never
    changes, so each process replays it once). Read only: callers must not change it."""
    return text_as_of(NegotiationText(pk=text_id))


def projection_sound(text: NegotiationText, state: TextState) -> bool:
    """Whether ``state``, loaded from the projection tables, is what the log says: pages and
    exports show the head as the record's only when it is."""
    replayed = _replayed(text.pk, text.event_count, text.head_hash)
    return projection.difference(replayed, state) is None


def chain_verify(text: NegotiationText) -> ChainReport:
    fields = (
        "index",
        "kind",
        "payload",
        "actor_id",
        "delegation_id",
        "meeting_id",
        "agenda_item_id",
        "transcript_from",
        "transcript_to",
        "created_at",
        "leaf_hash",
        "chain_hash",
    )
    rows = NegotiationEvent.objects.filter(text=text).order_by("index").values_list(*fields)

    def stored() -> Iterator[StoredEvent]:
        for row in rows.iterator(5000):
            record = EventRecord(text.pk, *row[:10])
            yield StoredEvent(record, row[10], row[11])

    count, head = NegotiationText.objects.values_list("event_count", "head_hash").get(pk=text.pk)
    return chain_check(stored(), expected_count=count, expected_head=head)


def _event_line(event: NegotiationEvent) -> str:
    who = event.actor.display_name if event.actor else "?"
    if event.delegation:
        who += f", {event.delegation.code}"
    return gettext("event {index} {kind} by {who} at {time}").format(
        index=event.index, kind=event.kind, who=who, time=f"{event.created_at:%H:%M:%S}"
    )


def changes_since(
    text: NegotiationText,
    base: int,
    *,
    clause: int | None = None,
    proposal: int | None = None,
    structural: bool = False,
) -> list[str]:
    """What changed after event ``base``: about a clause, a proposal or the text's
    structure; one line per event, the latest ``CHANGES_LISTED`` of them."""
    events = NegotiationEvent.objects.filter(text=text, index__gt=base).select_related(
        "actor", "delegation"
    )
    if clause is not None:
        linked = ClauseEvent.objects.filter(text=text, clause_key=clause).values("event_id")
        events = events.filter(pk__in=linked)
    recent = list(events.order_by("-index")[: CHANGES_LISTED * 20])
    if proposal is not None:
        recent = [e for e in recent if _concerns_proposal(e.payload, proposal)]
    if structural:
        recent = [e for e in recent if _is_structural(e.payload)]
    return [_event_line(e) for e in reversed(recent[:CHANGES_LISTED])]


def _concerns_proposal(payload: JSON, key: int) -> bool:
    if not isinstance(payload, dict):
        return False
    return payload.get("proposal") == key or (
        payload.get("target") == Target.PROPOSAL and payload.get("id") == key
    )


def _is_structural(payload: JSON) -> bool:
    effects = payload.get("effects") if isinstance(payload, dict) else None
    return isinstance(effects, list) and any(
        isinstance(e, dict)
        and (e.get("op") in {"create", "move"} or e.get("status") == ClauseStatus.DELETED)
        for e in effects
    )
