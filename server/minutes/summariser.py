"""The optional summariser: drafts the third-person summary of a statement by asking an
OpenAI-compatible chat completions endpoint, typically the organiser's own local model.

Off unless ``PLENARY_SUMMARISER_URL`` is set (``settings.SUMMARISER_URL``): with no URL,
nothing is sent anywhere. What is sent and answered is speech: it is never logged.
"""

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from server.common.errors import PlenaryError

logger = logging.getLogger(__name__)

INSTRUCTIONS = (
    "You are a précis-writer preparing the summary record of a diplomatic meeting. Summarise "
    "the statement you are given in the third person and in the past tense, as United Nations "
    'summary records do ("{speaker} said that…"), in {language}, in at most a third of its '
    "length. Keep every proposal, figure and position; add nothing. Answer with the summary "
    "alone."
)


class SummariserUnavailable(PlenaryError):
    code = "unavailable"


@dataclass(frozen=True)
class SummariserConfig:
    url: str  # e.g. http://127.0.0.1:8080/v1/chat/completions
    model: str
    timeout: float


def summariser_config() -> SummariserConfig | None:
    """The configured summariser, or None: none is (the default)."""
    if not settings.SUMMARISER_URL:
        return None
    return SummariserConfig(
        settings.SUMMARISER_URL, settings.SUMMARISER_MODEL, settings.SUMMARISER_TIMEOUT
    )


def summarise(config: SummariserConfig, *, speaker: str, language: str, text: str) -> str:
    body = {
        "model": config.model,
        "temperature": 0.2,
        "messages": [
            {"role": "system", "content": INSTRUCTIONS.format(speaker=speaker, language=language)},
            {"role": "user", "content": text},
        ],
    }
    request = urllib.request.Request(
        config.url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as reply:
            answer = json.loads(reply.read())
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        logger.warning("the summariser at %s did not answer: %s", config.url, type(exc).__name__)
        raise SummariserUnavailable(_("The summariser did not answer ({exc})."), exc=exc) from exc
    summary = _content(answer)
    logger.info(
        "summariser answered in %.1f s (%d characters)", time.perf_counter() - started, len(summary)
    )
    return summary


def _content(answer: object) -> str:
    """``choices[0].message.content`` of a chat completion."""
    choices = answer.get("choices") if isinstance(answer, dict) else None
    first = choices[0] if isinstance(choices, list) and choices else None
    message = first.get("message") if isinstance(first, dict) else None
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str) or not content.strip():
        raise SummariserUnavailable(_("The summariser's answer held no summary."))
    return content.strip()
