"""Liveness and readiness answer orchestrators, whatever host name they use."""

from collections.abc import Iterator

import pytest
from channels.layers import channel_layers
from django.test import AsyncClient
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.support.server import free_port

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_layer_at(settings: SettingsWrapper) -> Iterator[SettingsWrapper]:
    channel_layers.backends.clear()
    yield settings
    channel_layers.backends.clear()


def use_redis(settings: SettingsWrapper, url: str) -> None:
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [url]}}
    }
    channel_layers.backends.clear()


async def test_liveness_answers_any_host_without_a_redirect(settings: SettingsWrapper) -> None:
    settings.SECURE_SSL_REDIRECT = True
    response = await AsyncClient().get("/healthz", headers={"host": "10.1.2.3:8000"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_the_database_and_redis_answer(
    redis_layer_at: SettingsWrapper, redis_url: str
) -> None:
    use_redis(redis_layer_at, redis_url)
    response = await AsyncClient().get("/readyz", headers={"host": "10.1.2.3:8000"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    # "recognition" is checked only in a process that preloads it (an earlier test may have).
    assert body["checks"].pop("recognition", "ok") == "ok"
    assert body["checks"] == {"database": "ok", "channel_layer": "ok"}


async def test_not_ready_while_redis_is_unreachable(redis_layer_at: SettingsWrapper) -> None:
    use_redis(redis_layer_at, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    response = await AsyncClient().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert "ConnectionError" in body["checks"]["channel_layer"]


async def test_an_ordinary_page_still_checks_the_host() -> None:
    response = await AsyncClient().get("/login/", headers={"host": "evil.example"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/readyz", "/metrics"])
async def test_internal_endpoints_are_hidden_from_proxied_requests(path: str) -> None:
    response = await AsyncClient().get(path, headers={"x-forwarded-for": "203.0.113.9"})
    assert response.status_code == 404
    assert (await AsyncClient().get(path)).status_code == 200
