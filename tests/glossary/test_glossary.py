"""The conference glossary: seeded from the default term base, edited by the secretariat on
its page (and only by it), read by caption translation and recognition."""

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from asr import default_router
from asr.cli import main as asr_main
from server.captions.services import check_language_code
from server.cli import conference_terms
from server.common.errors import Forbidden, InvalidInput
from server.conferences.models import Conference, Participant
from server.glossary import selectors, services
from server.glossary.models import GlossaryTerm

pytestmark = pytest.mark.django_db

Person = Callable[[str], Participant]
LOSS_AND_DAMAGE = {"es": "pérdidas y daños{fp}", "fr": "pertes et préjudices{fp}"}


def client_for(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def add(username: str, demo: Conference, **fields: str) -> str:
    """Post the add form as ``username``; the page's message."""
    client = client_for(username)
    response = client.post(f"/glossary/{demo.slug}/terms", fields, follow=True)
    assert response.status_code == 200
    return " ".join(str(m) for m in response.context["messages"])


def test_the_glossary_starts_as_the_default_term_base(demo: Conference) -> None:
    terms = selectors.conference_term_base(demo.pk)
    assert terms.protect("Madam Chair, thank you.", "en", "es").equivalents
    page = client_for("france").get(f"/glossary/{demo.slug}/")
    assert page.status_code == 200
    assert "Señora Presidenta{f}" in page.content.decode()
    assert 'name="term"' not in page.content.decode()  # a delegate reads, does not edit
    seeded = GlossaryTerm.objects.filter(glossary__conference=demo)
    assert seeded.filter(language="en", term__startswith="Madam Chair").exists()
    assert selectors.conference_term_base(demo.pk).protect("Madam Chair", "en", "fr").equivalents


def test_the_secretariat_adds_a_term_and_captions_translate_with_it(
    demo: Conference, settings: SettingsWrapper
) -> None:
    message = add(
        "secretariat",
        demo,
        term="loss and damage",
        language="en",
        **{f"equivalent-{code}": text for code, text in LOSS_AND_DAMAGE.items()},
    )
    assert "saved" in message
    router = default_router()
    if ("en", "es") not in router.available_pairs():
        pytest.skip("apertium-eng-spa is not installed (make test installs it)")
    terms = selectors.conference_term_base(demo.pk)
    text = "The fund for loss and damage is ready."
    assert "pérdidas y daños" in router.translate(text, "en", "es", terms=terms).text
    assert "pérdidas y daños" not in router.translate(text, "en", "es").text
    assert selectors.hotwords(demo.pk, ["en"], None) == {}  # off unless asked for
    settings.ASR_HOTWORDS = True
    hotwords = selectors.hotwords(demo.pk, ["en"], None)
    assert hotwords["en"].startswith("Brazil")  # the delegations, then the terms
    assert "loss and damage" in hotwords["en"]
    assert "loss and damage" not in hotwords[""]


def test_the_secretariat_changes_and_removes_terms(demo: Conference, person: Person) -> None:
    secretariat = person("secretariat")
    services.glossary_seed(demo)
    chair = GlossaryTerm.objects.get(glossary__conference=demo, term__startswith="Madam Chair")
    services.glossary_term_save(
        actor=secretariat,
        conference=demo,
        term_id=chair.pk,
        language="en",
        term="Madam Chair",
        equivalents={"es": "Señora Presidenta de la Conferencia{f}"},
    )
    protected = selectors.conference_term_base(demo.pk).protect("Madam Chair", "en", "es")
    assert [f.text for f in protected.equivalents.values()] == [
        "Señora Presidenta de la Conferencia"
    ]
    client_for("secretariat").post(f"/glossary/{demo.slug}/terms/delete", {"term_id": chair.pk})
    assert not GlossaryTerm.objects.filter(pk=chair.pk).exists()
    left = selectors.conference_term_base(demo.pk).protect("Madam Chair", "en", "fr")
    assert left.text == "Madam ZXBB"  # only "Chair" is a term now


@pytest.mark.parametrize("username", ["france", "chair", "kenya"])
def test_only_the_secretariat_edits_the_glossary(
    demo: Conference, person: Person, username: str
) -> None:
    message = add(username, demo, term="loss and damage", language="en", **{"equivalent-es": "x"})
    assert "Only the secretariat" in message
    services.glossary_seed(demo)
    chair = GlossaryTerm.objects.get(glossary__conference=demo, term__startswith="Madam Chair")
    client_for(username).post(f"/glossary/{demo.slug}/terms/delete", {"term_id": chair.pk})
    assert GlossaryTerm.objects.filter(pk=chair.pk).exists()
    assert not GlossaryTerm.objects.filter(term="loss and damage").exists()
    with pytest.raises(Forbidden):
        services.glossary_term_delete(actor=person(username), conference=demo, term_id=chair.pk)


def test_no_glossary_outside_ones_own_conferences(demo: Conference) -> None:
    other = Conference.objects.create(
        title="Another", slug="another", starts_on=demo.starts_on, ends_on=demo.ends_on
    )
    assert client_for("secretariat").get(f"/glossary/{other.slug}/").status_code == 404
    response = client_for("secretariat").post(
        f"/glossary/{other.slug}/terms", {"term": "x", "language": "en", "equivalent-es": "y"}
    )
    assert response.status_code == 404
    assert Client(HTTP_HOST="127.0.0.1").get(f"/glossary/{demo.slug}/").status_code == 302


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"term": "", "language": "en", "equivalent-es": "x"}, "The term is empty"),
        ({"term": "x", "language": "english!", "equivalent-es": "y"}, "not a language code"),
        ({"term": "x", "language": "en", "equivalent-es": "y{q}"}, "gender tag"),
        ({"term": "x", "language": "en", "equivalent-es": "  "}, "at least one other"),
        ({"term": "x", "language": "en", "equivalent-en": "x"}, "at least one other"),
        ({"term": "x" * 301, "language": "en", "equivalent-es": "y"}, "longer than"),
        ({"term": "x", "language": "en", "equivalent-e$": "y"}, "not a language code"),
        ({"term": "Madam Chair", "language": "en", "equivalent-es": "y"}, "already in"),
        ({"term_id": "12x", "term": "x", "language": "en", "equivalent-es": "y"}, "404"),
        ({"term_id": "²", "term": "x", "language": "en", "equivalent-es": "y"}, "404"),
        ({"term_id": "9" * 5000, "term": "x", "language": "en", "equivalent-es": "y"}, "404"),
        ({"term": "x\x00", "language": "en", "equivalent-es": "y"}, "control character"),
        ({"term": "x", "language": "en", "equivalent-es": "y\x1b"}, "control character"),
        ({"term_id": "999999", "term": "x", "language": "en", "equivalent-es": "y"}, "No such"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    demo: Conference, fields: dict[str, str], says: str
) -> None:
    services.glossary_seed(demo)
    before = sorted(GlossaryTerm.objects.values_list("id", "term", "equivalents"))
    response = client_for("secretariat").post(f"/glossary/{demo.slug}/terms", fields, follow=True)
    if says == "404":
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert says in " ".join(str(m) for m in response.context["messages"])
    assert sorted(GlossaryTerm.objects.values_list("id", "term", "equivalents")) == before
    with pytest.raises(InvalidInput):
        check_language_code("english!")


def test_plenary_translate_uses_a_conference_glossary(
    demo: Conference, person: Person, capsys: pytest.CaptureFixture[str]
) -> None:
    if ("en", "es") not in default_router().available_pairs():
        pytest.skip("apertium-eng-spa is not installed (make test installs it)")
    services.glossary_term_save(
        actor=person("secretariat"),
        conference=demo,
        term_id=None,
        language="en",
        term="loss and damage",
        equivalents=LOSS_AND_DAMAGE,
    )
    text = "The fund for loss and damage is ready."
    translate = ["translate", "--from", "en", "--to", "es", "--terms"]
    assert asr_main([*translate, demo.slug, text], conference_terms) == 0
    assert "pérdidas y daños" in capsys.readouterr().out
    assert asr_main([*translate, "default", text], conference_terms) == 0
    assert "pérdidas y daños" not in capsys.readouterr().out
    assert asr_main([*translate, "no-such-conference", text], conference_terms) == 2
    assert "no such conference" in capsys.readouterr().err
