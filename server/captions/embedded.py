"""Recognition inside the web process (``PLENARY_ASR_WORKERS=embedded``, the default of
the single-process server): one ``RecognitionWorker`` per event loop, started when the
first speaker's audio arrives."""

import asyncio
import logging
import weakref

from channels.layers import get_channel_layer
from django.conf import settings

from .speech import speech_engines
from .worker import RecognitionWorker

logger = logging.getLogger(__name__)

_workers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[None]]" = (
    weakref.WeakKeyDictionary()
)


def embedded_worker_start() -> None:
    loop = asyncio.get_running_loop()
    task = _workers.get(loop)
    if task is not None and not task.done():
        return
    layer = get_channel_layer()
    assert layer is not None, "CHANNEL_LAYERS must be configured"
    worker = RecognitionWorker(
        layer,
        speech_engines,
        max_streams=settings.ASR_MAX_STREAMS,
        threads=settings.ASR_THREADS,
    )
    _workers[loop] = loop.create_task(_run(worker), name="asr-embedded")


async def _run(worker: RecognitionWorker) -> None:
    try:
        await worker.run()
    except Exception:
        # Speakers are told that no worker answers (see link.py); the next one retries.
        logger.exception("the embedded recognition worker stopped")
