"""The negotiation's identifiers in words for people, in the active language: statuses,
kinds of proposal and of clause, stances, kinds of change."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# In English as the identifiers read ("agreed ad ref"): what pages and tests have always shown.
READABLE: dict[str, Promise] = {
    "proposed": _("proposed"),
    "under_discussion": _("under discussion"),
    "bracketed": _("bracketed"),
    "agreed_ad_ref": _("agreed ad ref"),
    "agreed": _("agreed"),
    "deleted": _("deleted"),
    "insert": _("insert"),
    "delete": _("delete"),
    "replace": _("replace"),
    "bracket_add": _("bracket add"),
    "bracket_remove": _("bracket remove"),
    "option_add": _("option add"),
    "option_choose": _("option choose"),
    "merge": _("merge"),
    "move": _("move"),
    "section": _("section"),
    "pp": _("pp"),
    "op": _("op"),
    "sub": _("sub"),
    "support": _("support"),
    "oppose": _("oppose"),
    "reserve": _("reserve"),
    "flexible": _("flexible"),
    "added": _("added"),
    "changed": _("changed"),
}


def readable_word(value: str) -> str:
    said = READABLE.get(value)
    return str(said) if said is not None else value.replace("_", " ")
