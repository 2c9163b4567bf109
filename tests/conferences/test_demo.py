"""``plenary demo``: refused in production unless asked for; its secretariat sets up
conferences in the admin without being a superuser."""

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django.fixtures import Settings

from server.conferences.demo import demo_parts
from server.conferences.models import Conference, Meeting

pytestmark = [pytest.mark.django_db]


def test_the_demo_is_refused_in_production_without_the_flag(settings: Settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("demo")
    assert not get_user_model().objects.exists() and not Conference.objects.exists()


def test_the_flag_loads_the_demo_in_production(settings: Settings) -> None:
    settings.PRODUCTION = True
    out = io.StringIO()
    call_command("demo", "--allow-production", stdout=out)
    assert get_user_model().objects.filter(username="secretariat").exists()
    said = [line.split(":")[0] for line in out.getvalue().splitlines()[:3]]
    assert said == [
        "Demo conference",
        "Demo negotiation text",
        "Demo recorded meeting (for minutes)",
    ]


def test_each_app_adds_its_part_after_the_apps_it_builds_on() -> None:
    assert [type(part).__name__ for part in demo_parts()] == [
        "NegotiationConfig",
        "MinutesConfig",
        "InterpretationConfig",
    ]
    upward = re.compile(r"^\s*from server\.(rooms|captions|negotiation|minutes|web)\b", re.M)
    conferences = Path(__file__).parents[2] / "server" / "conferences"
    importing = [p.name for p in conferences.rglob("*.py") if upward.search(p.read_text())]
    assert importing == []


def test_the_demo_secretariat_is_staff_but_not_a_superuser(plenary: Meeting) -> None:
    secretariat = get_user_model().objects.get(username="secretariat")
    assert secretariat.is_staff and not secretariat.is_superuser
    assert secretariat.has_perm("conferences.change_meeting")
    assert not secretariat.has_perm("auth.change_user")
    admin = Client(HTTP_HOST="127.0.0.1")
    admin.force_login(secretariat)
    assert admin.get(f"/admin/conferences/meeting/{plenary.pk}/change/").status_code == 200
    assert admin.get("/admin/auth/user/").status_code == 403
    assert admin.get("/admin/auth/group/add/").status_code == 403
