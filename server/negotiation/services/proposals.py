"""Proposals: a delegation tables one; a presiding officer accepts, rejects or merges it;
its main sponsor may withdraw it."""

from collections.abc import Iterable

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from server.common.errors import Conflict, Forbidden, InvalidInput
from server.common.json_types import JSON
from server.conferences.models import Meeting, Participant
from server.conferences.roles import check_presiding

from .. import selectors
from ..content import ContentError
from ..models import NegotiationEvent, NegotiationText
from ..operations import (
    CLAUSE_KINDS,
    STRUCTURE_CHANGES,
    Effect,
    Proposed,
    operation_clean,
    operation_effects,
)
from ..permissions import check_delegation
from ..state import EventKind, ProposalKind, ProposalState
from .changes import (
    MAX_NOTE,
    Change,
    StaleVersion,
    Transcript,
    changing,
    check_clause_version,
    check_proposal_version,
    check_structure_version,
    clause_key,
    operation_concerns,
    proposal_concerns,
    proposal_key,
    record,
)

CLOSING_EVENTS = {
    ProposalState.ACCEPTED: EventKind.PROPOSAL_ACCEPTED,
    ProposalState.REJECTED: EventKind.PROPOSAL_REJECTED,
    ProposalState.WITHDRAWN: EventKind.PROPOSAL_WITHDRAWN,
    ProposalState.MERGED: EventKind.PROPOSAL_MERGED,
}


def proposal_table(
    *,
    actor: Participant,
    meeting: Meeting | None,
    text: NegotiationText,
    kind: str,
    operation: dict[str, object],
    base_version: int,
    clause: int | None = None,
    rationale: str = "",
    cosponsors: Iterable[str] = (),
    transcript: Transcript = None,
) -> NegotiationEvent:
    """A delegation (the main sponsor) proposes a change, with a rationale, and may invite
    other delegations to co-sponsor it: each becomes a co-sponsor only when one of its
    members accepts (``cosponsor_accept``).

    ``base_version`` is the clause's version for a proposal on a clause, the text's
    structure version for an insertion, merger or move."""
    sponsor = check_delegation(actor)
    clean = operation_clean(kind, operation)
    invited = _cosponsors(text, sponsor.code, cosponsors)
    if len(rationale) > MAX_NOTE:
        raise InvalidInput(_("A rationale is at most {max_note} characters."), max_note=MAX_NOTE)
    with changing(text, actor, meeting, transcript) as change:
        key = _proposal_target(change, kind, clause, base_version)
        _effects_or_invalid(change, Proposed(kind, key, clean, (sponsor.code,)))
        payload: dict[str, JSON] = {
            "proposal": change.state.next_proposal_key(),
            "kind": kind,
            "clause": key,
            "sponsor": sponsor.code,
            "cosponsors": [],
            "invited": list(invited),
            "rationale": rationale.strip(),
            "operation": clean,
            "base_version": base_version,
        }
        concerns = operation_concerns(clean, key)
        return record(change, EventKind.PROPOSAL_TABLED, payload, concerns)


def _cosponsors(text: NegotiationText, sponsor: str, codes: Iterable[str]) -> list[str]:
    wanted = sorted(set(codes) - {sponsor})
    known = set(
        text.conference.delegations.filter(code__in=wanted)
        .exclude(kind="observer")
        .values_list("code", flat=True)
    )
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise InvalidInput(_("No negotiating delegation {codes} here."), codes=", ".join(unknown))
    return wanted


def _proposal_target(change: Change, kind: str, clause: int | None, base: int) -> int | None:
    if kind in CLAUSE_KINDS:
        if clause is None:
            raise InvalidInput(
                _("A proposal to {kind} names its clause."), kind=kind.replace("_", " ")
            )
        key = clause_key(change, clause)
        if kind == ProposalKind.MOVE:
            check_structure_version(change, base)
        else:
            check_clause_version(change, key, base)
        return key
    check_structure_version(change, base)
    return None


def _effects_or_invalid(change: Change, proposed: Proposed) -> list[Effect]:
    try:
        return operation_effects(change.state, proposed)
    except ContentError as exc:
        raise InvalidInput(exc.args[0]) from exc


def _open_proposal(change: Change, key: int, base_version: int) -> int:
    key = proposal_key(change, key)
    check_proposal_version(change, key, base_version)
    proposal = change.state.proposals[key]
    if proposal.state != ProposalState.TABLED:
        raise Conflict(
            _("Proposal {key} is {state}, no longer tabled."), key=key, state=proposal.state
        )
    return key


def _close(
    change: Change, key: int, state: str, extra: dict[str, JSON], effects: list[Effect]
) -> NegotiationEvent:
    kind = CLOSING_EVENTS[ProposalState(state)]
    payload: dict[str, JSON] = {"proposal": key, "state": state, **extra, "effects": [*effects]}
    return record(change, kind, payload, proposal_concerns(change, key))


def proposal_accept(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    proposal: int,
    base_version: int,
    transcript: Transcript = None,
) -> NegotiationEvent:
    """A presiding officer accepts a proposal into the text. It must still apply to the
    text as it stands; if the text moved on so that it no longer does, this is a conflict
    naming what changed."""
    check_presiding(actor)
    with changing(text, actor, meeting, transcript) as change:
        key = _open_proposal(change, proposal, base_version)
        tabled = change.state.proposals[key]
        proposed = Proposed(
            tabled.kind, tabled.clause, tabled.operation, (tabled.sponsor, *tabled.cosponsors)
        )
        try:
            effects = operation_effects(change.state, proposed)
        except ContentError as exc:
            clause = tabled.clause if tabled.kind not in STRUCTURE_CHANGES else None
            changes = selectors.changes_since(change.text, tabled.tabled, clause=clause)
            raise StaleVersion(
                format_lazy(_("The text ({problem})"), problem=exc.args[0]), tabled.tabled, changes
            ) from exc
        return _close(change, key, ProposalState.ACCEPTED, {}, effects)


def proposal_reject(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    proposal: int,
    base_version: int,
    reason: str = "",
    transcript: Transcript = None,
) -> NegotiationEvent:
    check_presiding(actor)
    with changing(text, actor, meeting, transcript) as change:
        key = _open_proposal(change, proposal, base_version)
        return _close(change, key, ProposalState.REJECTED, {"reason": reason.strip()}, [])


def proposal_withdraw(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    proposal: int,
    base_version: int,
    transcript: Transcript = None,
) -> NegotiationEvent:
    """The main sponsor withdraws its proposal."""
    delegation = check_delegation(actor)
    with changing(text, actor, meeting, transcript) as change:
        key = _open_proposal(change, proposal, base_version)
        if change.state.proposals[key].sponsor != delegation.code:
            raise Forbidden(_("Only the main sponsor may withdraw a proposal."))
        return _close(change, key, ProposalState.WITHDRAWN, {}, [])


def proposal_merge(
    *,
    actor: Participant,
    meeting: Meeting,
    text: NegotiationText,
    proposal: int,
    into: int,
    base_version: int,
    transcript: Transcript = None,
) -> NegotiationEvent:
    """A presiding officer folds a proposal into another tabled one (which goes on)."""
    check_presiding(actor)
    with changing(text, actor, meeting, transcript) as change:
        key = _open_proposal(change, proposal, base_version)
        target = proposal_key(change, into)
        if target == key or change.state.proposals[target].state != ProposalState.TABLED:
            raise Conflict(_("Proposal {into} is not another tabled proposal."), into=into)
        return _close(change, key, ProposalState.MERGED, {"into": target}, [])
