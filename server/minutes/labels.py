"""The fixed wording of a record, in the UN's words, in the language it is laid out in: the
gettext catalogs (locale/, the six official languages; any other language of the transcript
gets the English wording). Names of languages and of days and months come from Django's own
translations."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

# Languages that write the names of languages in lower case: "(parle en anglais)".
LOWERCASE_LANGUAGE_NAMES = frozenset({"fr", "es", "ru", "it", "pt"})


@dataclass(frozen=True)
class DecisionLabels:
    """How the record states decisions and votes' results, in the UN's words."""

    without_vote: str  # {question}
    objected: str  # {question} {delegations}
    by: dict[str, str]  # recorded, roll_call, show_of_hands: {yes} {no}
    abstentions: tuple[str, str, str]  # none, one, {count}
    adopted: str  # {question} {by} {abstentions}
    rejected: str
    no_quorum: str  # {question}
    required: str  # {required}
    in_favour: str  # {names}
    against: str
    abstaining: str
    ballots: str  # {question} {voting} {blank} {required}
    obtained: str  # {tallies}
    elected: str  # {name}
    not_elected: str


@dataclass(frozen=True)
class Labels:
    verbatim: str
    summary: str
    draft: str
    corrigendum: str
    held: str  # {venue} {date} {time}
    date_format: str  # Django date format
    lowercase_languages: bool  # "(spoke in French)" but "(habla en francés)"
    presiding: str  # {name}
    agenda: str
    present: str
    bureau: str
    delegations: str
    observers: str
    secretariat: str
    until_close: str
    booth_log: str  # the annex: who interpreted when, handovers and relays
    booth: str  # {language}
    handover: str  # after a shift taken over from the previous interpreter
    relay: str  # {language}
    agenda_item: str  # {number} {title}
    continued: str
    opened: str  # {time}
    suspended: str
    resumed: str
    closed: str
    spoke_in: str  # {language}
    point_of_order: str
    right_of_reply: str
    explanation_before: str
    explanation_after: str
    ruling: str
    roles: dict[str, str]  # presiding officers and the secretariat speak as their office
    no_transcript: str
    no_summary: str
    not_translated: str  # {language}
    interpreted: str  # {language}: the interpretation of a statement made in that language
    tabled: str  # {proposal} {sponsors} {on} {words}
    decided: dict[str, str]  # accepted, rejected, withdrawn, merged: {proposal} {document}
    on_clause: str  # {clause} {document}
    on_text: str  # {document}
    agreed: dict[str, str]  # agreed, agreed_ad_ref: {clause} {document}
    decisions: DecisionLabels


def _labels(language: str) -> Labels:
    return Labels(
        verbatim=_("Verbatim record"),
        summary=_("Summary record"),
        draft=_("Draft"),
        corrigendum=_("Corrigendum"),
        held=_("Held at {venue} on {date}, at {time}"),
        # Translators: a Django date format (the "date" template filter's letters): the
        # record's date line, e.g. "Monday, 1 December 2026".
        date_format=_("l, j F Y"),
        lowercase_languages=language.split("-")[0] in LOWERCASE_LANGUAGE_NAMES,
        presiding=_("In the Chair: {name}"),
        agenda=_("Agenda"),
        present=_("Present"),
        bureau=_("Bureau"),
        delegations=_("Delegations"),
        observers=_("Observers"),
        secretariat=_("Secretariat"),
        until_close=_("the close"),
        booth_log=_("Annex: interpretation booth log"),
        booth=_("{language} booth"),
        # Translators: in the booth log, after a shift taken over from the previous interpreter.
        handover=_("handover"),
        relay=_("relay from {language}"),
        agenda_item=_("Agenda item {number}: {title}"),
        continued=_("(continued)"),
        opened=_("The meeting was called to order at {time}."),
        suspended=_("The meeting was suspended at {time}."),
        resumed=_("The meeting resumed at {time}."),
        closed=_("The meeting rose at {time}."),
        spoke_in=_("(spoke in {language})"),
        point_of_order=_("(on a point of order)"),
        right_of_reply=_("(in exercise of the right of reply)"),
        explanation_before=_("(in explanation of vote before the vote)"),
        explanation_after=_("(in explanation of vote after the vote)"),
        ruling=_("(ruling on the point of order)"),
        roles={
            "chair": _("The Chair"),
            "vice_chair": _("The Vice-Chair"),
            "facilitator": _("The Facilitator"),
            "secretariat": _("The Secretary"),
        },
        no_transcript=_("[No transcript of this statement.]"),
        no_summary=_("[Summary to be written.]"),
        not_translated=_("[{language}, not translated]"),
        interpreted=_("[Interpretation from {language}]"),
        tabled=_("Proposal {proposal} was tabled by {sponsors} {on}: {words}."),
        decided={
            "accepted": _("Proposal {proposal} on “{document}” was accepted."),
            "rejected": _("Proposal {proposal} on “{document}” was rejected."),
            "withdrawn": _("Proposal {proposal} on “{document}” was withdrawn by its sponsor."),
            "merged": _("Proposal {proposal} on “{document}” was merged into another proposal."),
        },
        on_clause=_("on paragraph {clause} of “{document}”"),
        on_text=_("on “{document}”"),
        agreed={
            "agreed": _("Paragraph {clause} of “{document}” was agreed:"),
            "agreed_ad_ref": _("Paragraph {clause} of “{document}” was agreed ad referendum:"),
        },
        decisions=DecisionLabels(
            without_vote=_("{question} was adopted without a vote."),
            objected=_("{question} was not adopted without a vote: {delegations} objected."),
            by={
                "recorded": _("by a recorded vote of {yes} to {no}"),
                "roll_call": _("by a roll-call vote of {yes} to {no}"),
                "show_of_hands": _("by {yes} votes to {no}"),
            },
            abstentions=(
                _("with no abstentions"),
                _("with 1 abstention"),
                _("with {count} abstentions"),
            ),
            adopted=_("{question} was adopted {by}, {abstentions}."),
            rejected=_("{question} was rejected {by}, {abstentions}."),
            no_quorum=_("{question} was not decided: there was no quorum."),
            required=_("Required majority: {required}."),
            in_favour=_("In favour: {names}."),
            against=_("Against: {names}."),
            abstaining=_("Abstaining: {names}."),
            ballots=_(
                "{question}. Valid ballots: {voting}; blank ballots: {blank}; required "
                "majority: {required}."
            ),
            obtained=_("Number of votes obtained: {tallies}."),
            elected=_("Having obtained the required majority, {name} was elected."),
            not_elected=_("No candidate obtained the required majority."),
        ),
    )


def labels_for(language: str) -> Labels:
    with translation.override(language):
        return _labels(language)
