"""``plenary asr-worker``: a speech-recognition worker process (docs/captions.md).

Workers meet the web processes through the Redis channel layer: start as many as the
machines allow, on any host that reaches Redis and the database. Each takes up to
``--streams`` floor streams at once.
"""

import asyncio
import signal
from argparse import ArgumentParser

from channels.layers import get_channel_layer
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from prometheus_client import start_http_server

from server.captions.speech import speech_engines
from server.captions.worker import RecognitionWorker


class Command(BaseCommand):
    help = "Run a speech-recognition worker for floor audio (needs REDIS_URL)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--streams", type=int, default=settings.ASR_MAX_STREAMS)
        parser.add_argument(
            "--threads", type=int, default=settings.ASR_THREADS, help="recognitions at once"
        )
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=settings.ASR_METRICS_PORT,
            help="serve Prometheus metrics on this port (0: none)",
        )
        parser.add_argument(
            "--metrics-host",
            default=settings.ASR_METRICS_HOST,
            help="the address the metrics listen on (default 127.0.0.1: this host only)",
        )

    def handle(
        self,
        *args: object,
        streams: int,
        threads: int,
        metrics_port: int,
        metrics_host: str,
        **options: object,
    ) -> None:
        if not settings.REDIS_URL:
            raise CommandError("asr-worker needs REDIS_URL: workers meet web processes there.")
        if metrics_port:
            # Its own small HTTP server: /metrics for Prometheus, and a liveness probe.
            start_http_server(metrics_port, addr=metrics_host)
            self.stdout.write(f"metrics on http://{metrics_host}:{metrics_port}/metrics")
        layer = get_channel_layer()
        assert layer is not None
        worker = RecognitionWorker(layer, speech_engines, max_streams=streams, threads=threads)
        asyncio.run(_serve(worker))


async def _serve(worker: RecognitionWorker) -> None:
    """Run until SIGTERM or SIGINT; then hand every stream back so that the audio sockets
    take them to another worker at once."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    running = asyncio.create_task(worker.run())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if running.done():
        running.result()  # it failed: say why
        return
    await worker.hand_back("the worker is shutting down")
    running.cancel()
