"""Logging in is throttled, on the login page and the admin's alike, per username and address,
in the database (so the limit holds across server processes)."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from server.conferences.models import Conference

pytestmark = [pytest.mark.django_db]

RIGHT, WRONG = "plenary-demo", "not-the-password"


def log_in(path: str, username: str, password: str, address: str = "127.0.0.1") -> int:
    response = Client(REMOTE_ADDR=address).post(path, {"username": username, "password": password})
    status: int = response.status_code
    return status


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_repeated_failed_logins_are_throttled(
    demo: Conference, settings: SettingsWrapper, path: str
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(path, "secretariat", WRONG) == 200  # the form again, with its error
    assert log_in(path, "secretariat", WRONG) == 429
    assert log_in(path, "secretariat", RIGHT) == 429, "not even the right password, for now"
    assert AccessAttempt.objects.filter(username="secretariat").exists()

    # Neither another user at that address nor this user elsewhere is locked out.
    assert log_in("/login/", "chair", RIGHT) == 302
    assert log_in(path, "secretariat", RIGHT, address="192.0.2.7") == 302


def test_a_successful_login_starts_the_count_again(demo: Conference) -> None:
    for _ in range(3):
        assert log_in("/login/", "kenya", WRONG) == 200
    assert log_in("/login/", "kenya", RIGHT) == 302
    assert not AccessAttempt.objects.filter(username="kenya").exists()
