"""schemathesis against the published OpenAPI document (``/api/schema/``): every operation it
declares is called through Django's WSGI handler — the whole middleware stack, CSRF and
sessions included — by a logged-in chair, with inputs schemathesis generates from the
document, and none answers a server error or a status the document does not list. Bounded
(``PLENARY_FUZZ_EXAMPLES`` raises the examples per operation for a run by hand)."""

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import status_code_conformance

from server.api.openapi import openapi_document
from server.conferences.models import Conference
from server.rooms.models import RoomEvent

# The operation's own type parameters are schemathesis's business.
Case = schemathesis.Case[APIOperation]  # type: ignore[type-arg]
SCHEMA = schemathesis.openapi.from_dict(openapi_document())
SCHEMA.app = get_wsgi_application()
CSRF = "plenaryschemathesis0123456789ab"  # a CSRF secret of the form Django accepts


@pytest.fixture
def chair_cookies(demo: Conference) -> Iterator[dict[str, str]]:
    client = Client()
    client.force_login(demo.participants.get(user__username="chair").user)
    # As Django's test client does: a request must not close the test's open transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@SCHEMA.parametrize()
@settings(
    max_examples=int(os.environ.get("PLENARY_FUZZ_EXAMPLES", "3")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_schemathesis_every_operation_keeps_to_the_document(
    case: Case, chair_cookies: dict[str, str]
) -> None:
    before = RoomEvent.objects.count()
    response = case.call(cookies=chair_cookies, headers={"X-CSRFToken": CSRF})
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
    if response.status_code >= 400:
        assert RoomEvent.objects.count() == before  # a refusal changes nothing
