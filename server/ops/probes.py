"""Liveness and readiness (docs/operations.md).

* ``/healthz``: the process answers. Nothing else is checked, so a database outage does not
  make an orchestrator restart every web process at once.
* ``/readyz``: the database answers a query and the channel layer accepts a message, and a
  process that recognises speech itself has its speech engines loaded and warmed. A process
  that is not ready is taken out of the load balancer until it is.
"""

import asyncio
from dataclasses import dataclass

from channels.layers import get_channel_layer
from django.db import connection

from server.captions.speech import recognition_readiness
from server.common.asyncdb import db_async
from server.media.embedded import media_readiness

CHECK_TIMEOUT_SECONDS = 2.0
READINESS_GROUP = "ops.readiness"


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(result == "ok" for result in self.checks.values())


@db_async
def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _channel_layer_answers() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("CHANNEL_LAYERS is not configured")
    # A message to a group nobody is in: Redis must take it, and no one receives it.
    await layer.group_send(READINESS_GROUP, {"type": "ops.readiness"})


async def _outcome(check: "asyncio.Future[None]") -> str:
    try:
        await asyncio.wait_for(check, CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"timed out after {CHECK_TIMEOUT_SECONDS:g} s"
    except Exception as exc:  # any failure means "not ready"; its kind is what operators need
        return f"{type(exc).__name__}: {exc}"[:200]
    return "ok"


async def readiness() -> Readiness:
    database = asyncio.ensure_future(_database_answers())
    layer = asyncio.ensure_future(_channel_layer_answers())
    results = await asyncio.gather(_outcome(database), _outcome(layer))
    checks = {"database": results[0], "channel_layer": results[1]}
    recognition = recognition_readiness()
    if recognition is not None:
        checks["recognition"] = recognition
    media = await media_readiness()
    if media is not None:
        checks["media"] = media
    return Readiness(checks)
