"""Diff-page benchmark (run by hand): a 20,000-character clause corrected as a whole.

    PLENARY_DATA_DIR=/tmp/neg-diff-bench .venv/bin/python bench/negotiation/diff.py

Adds a clause of 20,000 characters, has a delegation propose to replace all of it with a
version in which every tenth word changed and the chair accept it, then times the diff
page (``/negotiation/<id>/diff``) and the clause's history page through the test client.
Target: each renders in at most 0.5 s. Two texts: prose (words drawn from the docs: compared
word by word in full) and the hardest case for a word diff (a dozen distinct words,
repeated: the page's deadline passes and the rest is shown removed and inserted whole).
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from server.conferences.demo import PLENARY_SYMBOL, demo_load  # noqa: E402
from server.conferences.models import Conference, Meeting, Participant  # noqa: E402
from server.negotiation import selectors, services  # noqa: E402
from server.negotiation.content import RESERVED  # noqa: E402
from server.negotiation.models import NegotiationText  # noqa: E402

LENGTH = 20_000
# Real prose: the words of Plenary's own documentation (a vocabulary of thousands).
PROSE = sorted((Path(__file__).resolve().parents[2] / "docs").glob("*.md"))
HARD = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "finance",
    "climate",
    "developing",
    "countries",
    "support",
    "shall",
]


def prose_words() -> list[str]:
    words = (word for doc in PROSE for word in doc.read_text().split())
    return [word for word in words if not set(word) & set(RESERVED)]


def clause_words(vocabulary: list[str], seed: int) -> list[str]:
    chooser = random.Random(seed)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < LENGTH - 20:
        words.append(chooser.choice(vocabulary))
    return words


def corrected_text(conference: Conference, slug: str, vocabulary: list[str]) -> NegotiationText:
    def person(username: str) -> Participant:
        return Participant.objects.get(conference=conference, user__username=username)

    plenary = Meeting.objects.get(conference=conference, symbol=PLENARY_SYMBOL)
    text = services.text_create(actor=person("secretariat"), slug=slug, title=slug)
    words = clause_words(vocabulary, 1)
    old = " ".join(words)
    new = " ".join(w if i % 10 else w.upper() for i, w in enumerate(words))
    services.clause_add(
        actor=person("secretariat"), text=text, kind="op", markup=old, base_version=-1
    )
    state = selectors.text_state(text)
    services.proposal_table(
        actor=person("japan"),
        meeting=plenary,
        text=text,
        kind="replace",
        clause=1,
        operation={"old": old, "new": new},
        base_version=state.clauses[1].version,
    )
    services.proposal_accept(
        actor=person("chair"),
        meeting=plenary,
        text=text,
        proposal=1,
        base_version=selectors.text_state(text).proposals[1].version,
    )
    text.refresh_from_db()
    return text


def timed(client: Client, url: str, repeat: int = 5) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        reply = client.get(url)
        samples.append(time.perf_counter() - started)
        assert reply.status_code == 200, reply.status_code
    return statistics.median(samples), max(samples)


def main() -> None:
    call_command("migrate", verbosity=0)
    conference = demo_load()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="kenya"))
    for name, vocabulary in [("prose", prose_words()), ("hardest", HARD)]:
        slug = f"diff-bench-{name}-{int(time.time())}"
        text = corrected_text(conference, slug, vocabulary)
        last = text.event_count - 1
        for page, url in [
            ("diff page", f"/negotiation/{text.pk}/diff?from=1&to={last}"),
            ("clause history", f"/negotiation/{text.pk}/clauses/1/"),
        ]:
            median, worst = timed(client, url)
            print(
                f"{name}: {page} of a 20,000-character correction: median {median:.3f} s, "
                f"worst {worst:.3f} s (target <= 0.5 s)"
            )


if __name__ == "__main__":
    main()
