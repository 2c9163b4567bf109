"""Settings: what production refuses, and Redis over TLS with a password."""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import (
    PLENARY,
    REPO,
    ServerProcess,
    free_port,
    production_env,
    wait_for_port,
)


def test_production_refuses_debug(tmp_path: Path) -> None:
    env = production_env(tmp_path, PLENARY_DEBUG="1")
    result = subprocess.run([*PLENARY, "check"], env=env, cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0
    assert "PLENARY_DEBUG=1 is refused when PLENARY_ENV=production" in result.stderr


@pytest.fixture
def redis_over_tls(tmp_path: Path) -> Iterator[str]:
    """A redis-server that speaks TLS only and wants a password: its ``rediss://`` URL."""
    cert, key = tmp_path / "redis.crt", tmp_path / "redis.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            *("redis-server", "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1"),
            *("--tls-cert-file", str(cert), "--tls-key-file", str(key)),
            *("--tls-ca-cert-file", str(cert), "--tls-auth-clients", "no"),
            *("--requirepass", "s3cret", "--save", "", "--dir", str(tmp_path)),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"rediss://:s3cret@127.0.0.1:{port}/0?ssl_ca_certs={cert}"
    finally:
        server.terminate()
        server.wait(10)


READINESS = (
    "import asyncio, django; django.setup(); from server.ops.probes import readiness; "
    "print(asyncio.run(readiness()).checks['channel_layer'])"
)


def test_the_channel_layer_reaches_redis_over_tls_with_its_password(
    tmp_path: Path, redis_over_tls: str
) -> None:
    env = {**ServerProcess(tmp_path).env, "DJANGO_SETTINGS_MODULE": "server.settings"}
    without_password = redis_over_tls.replace(":s3cret@", "")
    for url, password, answer in [
        (redis_over_tls, "", "ok"),
        (without_password, "s3cret", "ok"),  # REDIS_PASSWORD, as Compose and Kubernetes give it
        (without_password, "", "AuthenticationError"),
        (redis_over_tls.replace(":s3cret@", ":wrong@"), "", "AuthenticationError"),
        (redis_over_tls.replace("rediss://", "redis://").split("?")[0], "", "ConnectionError"),
    ]:
        result = subprocess.run(
            [sys.executable, "-c", READINESS],
            env={**env, "REDIS_URL": url, "REDIS_PASSWORD": password},
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert result.stdout.startswith(answer), result.stdout + result.stderr


def test_an_unknown_redis_scheme_is_refused(tmp_path: Path) -> None:
    env = {**ServerProcess(tmp_path).env, "REDIS_URL": "http://redis:6379"}
    result = subprocess.run([*PLENARY, "check"], env=env, cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0 and "REDIS_URL must start with" in result.stderr
