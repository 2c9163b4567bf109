from django import template
from django.utils.safestring import SafeString

from server.negotiation import content as clause_content
from server.negotiation.content import Content, plain
from server.negotiation.diff import Run
from server.negotiation.readable import readable_word
from server.negotiation.render import content_html, diff_html
from server.negotiation.selectors import proposal_summary
from server.negotiation.state import Proposal

register = template.Library()


@register.filter
def words_html(content: Content) -> SafeString:
    return content_html(content)


@register.filter
def runs_html(runs: list[Run]) -> SafeString:
    return diff_html(runs)


@register.filter
def markup(content: Content) -> str:
    return clause_content.markup(content)


@register.filter
def readable(value: str) -> str:
    return readable_word(value)


@register.filter
def plain_words(content: Content) -> str:
    return plain(content)


@register.filter
def summary(proposal: Proposal) -> str:
    """What a proposal asks for, in words."""
    return proposal_summary(proposal)
