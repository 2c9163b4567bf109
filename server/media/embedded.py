"""The Janus of this server process, where ``plenary serve`` runs one (``PLENARY_JANUS=
embedded``), and what ``/readyz`` says of media."""

import logging

from django.conf import settings

from .admin import JanusAdmin, JanusError
from .janus_config import JanusConfig
from .process import JanusProcess
from .rooms import rooms_recreate

logger = logging.getLogger(__name__)

_janus: JanusProcess | None = None


def janus_embedded_start() -> JanusProcess:
    """Start Janus as this process's child (configuration under the data directory) and
    create the rooms of the meetings in session."""
    global _janus
    config = JanusConfig.from_settings()
    janus = JanusProcess(
        settings.DATA_DIR / "janus" / str(config.ws_port),  # servers side by side: one each
        config,
        settings.JANUS_BINARY,
        restarted=rooms_recreate,
    )
    janus.start()
    _janus = janus
    rooms_recreate()
    logger.info("Janus is running (pid %s)", janus.process.pid if janus.process else None)
    return janus


def janus_embedded_stop() -> None:
    global _janus
    if _janus is not None:
        _janus.stop()
        _janus = None


async def media_readiness() -> str | None:
    """For ``/readyz``: None where this process has no Janus to talk to (tests, tools);
    ``ok`` once its admin API answers."""
    if settings.JANUS == "embedded" and _janus is None:
        return None
    try:
        await JanusAdmin().info()
    except JanusError as exc:
        return f"Janus: {exc}"[:200]
    return "ok"
