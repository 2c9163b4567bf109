"""``plenary serve``: Daphne with Plenary's limits (frame size, WebSocket timeout).

``--workers N`` runs N Daphne processes behind one address: the parent binds the socket
and each child accepts on it. Rooms then span processes, so this needs Redis.

With ``PLENARY_JANUS=embedded`` (the default) the serving process starts Janus first as its
child (server/media/embedded.py), restarts it should it die and stops it on the way out;
``--workers`` children then use the parent's Janus.
"""

import os
import signal
import socket
import subprocess
import sys
from argparse import ArgumentParser
from types import FrameType

from daphne.cli import CommandLineInterface
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from server.captions.speech import speech_engines_preload
from server.media.embedded import janus_embedded_start, janus_embedded_stop


class Command(BaseCommand):
    help = "Serve Plenary (HTTP and WebSockets) with Daphne."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="Daphne processes (Redis)")
        parser.add_argument("--fd", type=int, help="Serve on an inherited listening socket")
        parser.add_argument("--proxy-headers", action="store_true", help="Behind nginx")

    def handle(
        self,
        *args: object,
        host: str,
        port: int,
        workers: int,
        fd: int | None,
        proxy_headers: bool,
        **options: object,
    ) -> None:
        if settings.JANUS == "embedded":
            janus = janus_embedded_start()
            self.stdout.write(
                f"Janus is running (pid {janus.process.pid if janus.process else '?'})"
            )
        try:
            self.serve(host, port, workers, fd, proxy_headers)
        finally:
            janus_embedded_stop()

    def serve(
        self, host: str, port: int, workers: int, fd: int | None, proxy_headers: bool
    ) -> None:
        if workers > 1:
            self.serve_workers(host, port, workers, proxy_headers)
            return
        if settings.ASR_WORKERS == "embedded" and settings.ASR_PRELOAD:
            speech_engines_preload()  # the first speaker finds recognition ready
        where = ["--fd", str(fd)] if fd is not None else ["-b", host, "-p", str(port)]
        if fd is None:
            self.stdout.write(f"Plenary is serving on http://{host}:{port}/")
        CommandLineInterface().run([*where, *daphne_options(proxy_headers)])

    def serve_workers(self, host: str, port: int, workers: int, proxy_headers: bool) -> None:
        if not settings.REDIS_URL:
            raise CommandError("--workers needs REDIS_URL: the in-process layer is per process")
        listener = socket.create_server((host, port), backlog=2048, reuse_port=False)
        fd = listener.fileno()
        command = [sys.executable, "-c", "from server.cli import main; main()", "serve"]
        children = [
            subprocess.Popen(
                [*command, "--fd", str(fd), *(["--proxy-headers"] if proxy_headers else [])],
                pass_fds=[fd],
                env={**os.environ, "PLENARY_JANUS": "external"},  # the parent runs it
            )
            for _ in range(workers)
        ]
        self.stdout.write(f"Plenary is serving on http://{host}:{port}/ with {workers} workers")

        def stop(signum: int, frame: FrameType | None) -> None:
            for child in children:
                child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for child in children:
            child.wait()


def daphne_options(proxy_headers: bool) -> list[str]:
    return [
        "--websocket_timeout",
        str(settings.WEBSOCKET_TIMEOUT),
        # Daphne refuses larger frames outright; the room answers anything over
        # ROOM_MAX_MESSAGE_BYTES with an error instead, so let those through to it.
        "--websocket-max-message-size",
        str(4 * 1024 * 1024),
        "--websocket-max-frame-size",
        str(4 * 1024 * 1024),
        "--application-close-timeout",
        "10",
        *(["--proxy-headers"] if proxy_headers else []),
        "server.asgi:application",
    ]
