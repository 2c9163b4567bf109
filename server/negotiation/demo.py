"""The demo negotiation text: a draft decision on the new collective quantified goal on
climate finance, drafted by the secretariat and negotiated in the 1st plenary meeting.

It goes through the services like any real text, so its log and hash chain are real.
"""

from django.db import transaction

from server.conferences.demo import PLENARY_SYMBOL
from server.conferences.models import Conference, Meeting, Participant

from . import selectors, services
from .content import Options, marks
from .models import NegotiationText
from .state import ClauseKind, TextState

SLUG = "ncqg-draft-decision"
TITLE = "Draft decision -/CMA.7: New collective quantified goal on climate finance"

# (kind, parent's index in this list or None, markup)
DRAFT: list[tuple[str, int | None, str]] = [
    ("pp", None, "Recalling Article 9 of the Paris Agreement,"),
    (
        "pp",
        None,
        "Recognizing that the needs of developing country Parties are estimated at "
        "USD 5.0-6.9 trillion up to 2030,",
    ),
    (
        "pp",
        None,
        "Acknowledging the [urgent] need to scale up finance from a wide variety of sources,",
    ),
    ("section", None, "Quantum"),
    (
        "op",
        3,
        "Decides that developed country Parties shall take the lead in mobilizing at least "
        "{USD 300 billion | USD 500 billion} per year by 2035 for developing country Parties;",
    ),
    (
        "op",
        3,
        "Calls on all actors to work together to enable the scaling up of financing to developing "
        "country Parties for climate action from all public and private sources to at least "
        "USD 1.3 trillion per year by 2035;",
    ),
    ("op", 3, "Decides that the goal includes:"),
    ("sub", 6, "public finance from developed country Parties;"),
    ("sub", 6, "[voluntary contributions from other Parties];"),
    ("section", None, "Contributors and transparency"),
    (
        "op",
        9,
        "Invites multilateral development banks to [further] align their operations with the "
        "Paris Agreement;",
    ),
    (
        "op",
        9,
        "Requests the secretariat to prepare a report on progress towards the goal in 2028.",
    ),
]


def negotiation_demo_load(conference: Conference) -> NegotiationText:
    """Create the demo text in ``conference`` (``plenary demo``); running it again changes
    nothing."""
    existing = NegotiationText.objects.filter(conference=conference, slug=SLUG).first()
    if existing is not None:
        return existing
    people = {
        p.user.username: p
        for p in Participant.objects.filter(conference=conference).select_related(
            "user", "delegation"
        )
    }
    meeting = Meeting.objects.get(conference=conference, symbol=PLENARY_SYMBOL)
    with transaction.atomic():
        text = services.text_create(actor=people["secretariat"], slug=SLUG, title=TITLE)
        keys = _draft(text, people["secretariat"])
        _negotiate(text, meeting, people, keys)
    text.refresh_from_db()
    return text


def _state(text: NegotiationText) -> TextState:
    text.refresh_from_db()
    return selectors.text_state(text)


def _draft(text: NegotiationText, secretariat: Participant) -> list[int]:
    keys: list[int] = []
    last_under: dict[int | None, int] = {}
    for kind, parent_index, markup in DRAFT:
        parent = keys[parent_index] if parent_index is not None else None
        state = _state(text)
        services.clause_add(
            actor=secretariat,
            text=text,
            kind=kind,
            markup=markup,
            parent=parent,
            after=last_under.get(parent),
            base_version=state.structure_version,
        )
        key = max(_state(text).clauses)
        keys.append(key)
        last_under[parent] = key
    return keys


def _negotiate(
    text: NegotiationText, meeting: Meeting, people: dict[str, Participant], keys: list[int]
) -> None:
    def version(index: int) -> int:
        return _state(text).clauses[keys[index]].version

    def proposal_version(key: int) -> int:
        return _state(text).proposals[key].version

    quantum, scaling, report = keys[4], keys[5], keys[11]
    group = next(iter(_options_in(text, quantum)))
    services.proposal_table(
        actor=people["brazil"],
        meeting=meeting,
        text=text,
        kind="option_add",
        clause=quantum,
        operation={"group": group, "words": "USD 1.3 trillion"},
        base_version=version(4),
        cosponsors=["KEN", "SEN", "MEX"],
        rationale="The quantum must respond to the needs identified in PP2.",
    )
    for username in ("kenya", "senegal", "mexico"):
        services.cosponsor_accept(actor=people[username], meeting=meeting, text=text, proposal=1)
    services.proposal_accept(
        actor=people["chair"],
        meeting=meeting,
        text=text,
        proposal=1,
        base_version=proposal_version(1),
    )
    services.proposal_table(
        actor=people["eu"],
        meeting=meeting,
        text=text,
        kind="bracket_add",
        clause=scaling,
        operation={"span": "from all public and private sources"},
        base_version=version(5),
        cosponsors=["FRA", "ESP"],
        rationale="The sources need further discussion.",
    )
    services.cosponsor_accept(actor=people["france"], meeting=meeting, text=text, proposal=2)
    services.cosponsor_decline(actor=people["spain"], meeting=meeting, text=text, proposal=2)
    services.proposal_accept(
        actor=people["facilitator"],
        meeting=meeting,
        text=text,
        proposal=2,
        base_version=proposal_version(2),
    )
    services.proposal_table(
        actor=people["japan"],
        meeting=meeting,
        text=text,
        kind="replace",
        clause=report,
        operation={"old": "in 2028", "new": "in 2027"},
        base_version=version(11),
        rationale="Align the report with the global stocktake.",
    )
    services.proposal_table(
        actor=people["eu"],
        meeting=meeting,
        text=text,
        kind="insert",
        operation={
            "kind": ClauseKind.OP,
            "parent": keys[3],
            "after": scaling,
            "words": "Encourages developing country Parties to contribute on a voluntary basis;",
        },
        base_version=_state(text).structure_version,
        cosponsors=["FRA"],  # an invitation France has not answered yet
    )
    for username, index, stance, comment in [
        ("brazil", 4, "support", "Option 3 reflects the needs."),
        ("eu", 4, "oppose", "The quantum must reflect an expanded contributor base."),
        ("japan", 5, "reserve", ""),
        ("france", 11, "flexible", ""),
    ]:
        services.position_take(
            actor=people[username],
            meeting=meeting,
            text=text,
            target="clause",
            key=keys[index],
            stance=stance,
            comment=comment,
            base_version=version(index),
        )
    services.position_take(
        actor=people["kenya"],
        meeting=meeting,
        text=text,
        target="proposal",
        key=3,
        stance="support",
        base_version=proposal_version(3),
    )
    for index, status in [
        (0, "agreed"),
        (1, "agreed_ad_ref"),
        (4, "bracketed"),
        (11, "under_discussion"),
    ]:
        services.clause_status_set(
            actor=people["chair"],
            meeting=meeting,
            text=text,
            clause=keys[index],
            status=status,
            base_version=version(index),
        )


def _options_in(text: NegotiationText, key: int) -> list[int]:
    return [m.id for m in marks(_state(text).clauses[key].content) if isinstance(m, Options)]
