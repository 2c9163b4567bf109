"""Every page comes with a Content-Security-Policy and a Permissions-Policy, and holds
nothing the policy would block: no inline script, style or event handler."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.fixtures import Settings

from server.conferences.models import Conference, Meeting
from server.negotiation.demo import negotiation_demo_load

pytestmark = [pytest.mark.django_db]


def client_for(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def directives(policy: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (d.split() for d in policy.split(";") if d.strip())}


@pytest.fixture
def pages(demo: Conference, plenary: Meeting, closed_session: Meeting) -> list[str]:
    text = negotiation_demo_load(demo)
    return [
        "/",
        f"/meetings/{plenary.pk}/",
        f"/meetings/{closed_session.pk}/",  # refused (403) to Senegal, below
        "/meetings/9999/",  # not found
        "/negotiation/",
        f"/negotiation/{text.pk}/",
        f"/negotiation/{text.pk}/diff",
        f"/negotiation/{text.pk}/clauses/5/",
        f"/minutes/meetings/{plenary.pk}/",
        "/admin/",
        "/admin/conferences/meeting/",
        f"/admin/conferences/meeting/{plenary.pk}/change/",
    ]


def test_every_page_has_a_content_security_policy(pages: list[str]) -> None:
    """``default-src 'self'``, scripts from the site only, sockets to its own origin."""
    for username in ("secretariat", "senegal"):
        client = client_for(username)
        for path in [*pages, "/login/"]:
            reply = client.get(path)
            assert reply.status_code in (200, 302, 403, 404), (path, reply.status_code)
            policy = directives(reply["Content-Security-Policy"])
            assert policy["default-src"] == ["'self'"], path
            assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
            assert policy["connect-src"] == ["'self'", "ws://127.0.0.1"], path
            assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
            assert "mediastream:" in policy["media-src"]
            permissions = reply["Permissions-Policy"]
            assert "microphone=(self)" in permissions and "camera=(self)" in permissions


def test_behind_https_sockets_must_be_secure(plenary: Meeting, settings: Settings) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    reply = client_for("kenya").get(f"/meetings/{plenary.pk}/", HTTP_X_FORWARDED_PROTO="https")
    policy = directives(reply["Content-Security-Policy"])
    assert policy["connect-src"] == ["'self'", "wss://127.0.0.1"]


def test_pages_hold_nothing_the_policy_would_block(pages: list[str]) -> None:
    client = client_for("secretariat")
    for path in [*pages, "/login/"]:
        page = client.get(path).content.decode()
        for script in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in script or 'type="application/json"' in script, (path, script)
        assert not re.search(r"<[^>]+\sstyle=", page), path
        assert not re.search(r"<[^>]+\son[a-z]+=", page), path
        assert "javascript:" not in page, path


def test_html_exports_are_documents_without_script(demo: Conference) -> None:
    text = negotiation_demo_load(demo)
    reply = client_for("kenya").get(f"/negotiation/{text.pk}/export/compilation.html")
    policy = directives(reply["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"] and "script-src" not in policy
    assert policy["style-src"] == ["'unsafe-inline'"]
