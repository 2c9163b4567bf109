"""The demo's booths and interpreter logins, and the admin pages where the secretariat sets
booths up."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from server.conferences.models import Conference, Participant
from server.interpretation.models import Booth
from tests.support.builders import Role, conference_build, participant_build

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def demo() -> Conference:
    out = io.StringIO()
    call_command("demo", stdout=out)
    call_command("demo", stdout=io.StringIO())  # idempotent
    assert "Demo interpretation booths: en, es, fr" in out.getvalue()
    assert "interpreter-es-2" in out.getvalue()
    return Conference.objects.get()


def test_the_demo_has_three_booths_with_their_interpreters(demo: Conference) -> None:
    booths = {
        booth.language: sorted(p.user.get_username() for p in booth.interpreters.all())
        for booth in Booth.objects.filter(conference=demo)
    }
    assert booths == {
        "en": ["interpreter-en-1"],
        "es": ["interpreter-es-1", "interpreter-es-2"],
        "fr": ["interpreter-fr-1", "interpreter-fr-2"],
    }
    assert [b.channel for b in Booth.objects.filter(conference=demo)] == [1, 2, 3]
    assert get_user_model().objects.get(username="interpreter-fr-2").check_password("plenary-demo")


def test_the_secretariat_sets_up_booths_in_the_admin(demo: Conference) -> None:
    admin = Client(HTTP_HOST="127.0.0.1")
    admin.force_login(get_user_model().objects.get(username="secretariat"))
    listing = admin.get("/admin/interpretation/booth/")
    assert listing.status_code == 200 and "Sra. Marta Ruiz (ES booth)" in listing.text
    spanish = Booth.objects.get(conference=demo, language="es")
    assert admin.get(f"/admin/interpretation/booth/{spanish.pk}/change/").status_code == 200
    conference_page = admin.get(f"/admin/conferences/conference/{demo.pk}/change/")
    assert "interpretation_captions" in conference_page.text

    elsewhere = participant_build(conference_build(), role=Role.INTERPRETER)
    english = Participant.objects.get(user__username="interpreter-en-1")
    form = {"conference": demo.pk, "language": "ar", "channel": 4}
    refused = admin.post(
        "/admin/interpretation/booth/add/", {**form, "interpreters": [elsewhere.pk]}
    )
    assert refused.status_code == 200 and "Not interpreters of this conference" in refused.text
    clash = admin.post("/admin/interpretation/booth/add/", {**form, "channel": 2})
    assert clash.status_code == 200 and not Booth.objects.filter(language="ar").exists()
    added = admin.post("/admin/interpretation/booth/add/", {**form, "interpreters": [english.pk]})
    assert added.status_code == 302
    assert list(Booth.objects.get(language="ar").interpreters.all()) == [english]
