"""The embedded Janus: a child of ``plenary serve`` run from the configuration Plenary writes
(``janus_config``), started before the server answers, restarted if it dies (its rooms
created again), stopped with the server (docs/media.md, "Running Janus")."""

import logging
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from .janus_config import JanusConfig, janus_config_write

logger = logging.getLogger(__name__)

START_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 5.0
RESTART_PAUSE_SECONDS = 0.5  # between two restarts, should Janus die at once each time


def _dies_with_us() -> list[str]:
    """Janus gets SIGTERM should this process die without stopping it (a SIGKILL, an OOM
    kill), so that no Janus outlives its server and holds its ports: util-linux's setpriv
    sets the parent-death signal, which ``exec`` keeps. The thread that starts Janus must
    outlive it: the main thread, or the watcher, which ends only with ``stop``."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []


def _no_core_dump() -> list[str]:
    """A crashing Janus leaves no core file: it would hold the admin and token secrets."""
    prlimit = shutil.which("prlimit")
    return [prlimit, "--core=0", "--"] if prlimit else []


class JanusProcess:
    """One Janus child and the thread that restarts it; ``restarted`` runs (in that thread)
    each time it answers again after a restart, before ``restarts`` counts it."""

    def __init__(
        self,
        directory: Path,
        config: JanusConfig,
        binary: str = "janus",
        restarted: Callable[[], object] | None = None,
    ) -> None:
        self.directory = directory
        self.config = config
        self.binary = binary
        self.restarted = restarted
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.watcher: threading.Thread | None = None
        self.restarts = 0

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.config.admin_port}{self.config.admin_path}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.config.ws_port}"

    def start(self) -> None:
        """Write the configuration, start Janus and wait until it answers."""
        path = janus_config_write(self.directory, self.config)
        self._spawn(path)
        self.watcher = threading.Thread(target=self._watch, name="janus-watch", daemon=True)
        self.watcher.start()

    def _spawn(self, path: Path) -> None:
        log = (self.directory / "janus.log").open("ab")
        self.process = subprocess.Popen(
            [
                *_no_core_dump(),
                *_dies_with_us(),
                *[self.binary, "-F", str(self.directory), "-C", str(path), "-o"],
            ],
            cwd=self.directory,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self._wait_answering(self.process)

    def answers(self) -> bool:
        body = {"janus": "info", "transaction": "ready", "admin_secret": self.config.admin_secret}
        try:
            return httpx.post(self.admin_url, json=body, timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def _wait_answering(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self.answers():
            if process.poll() is not None:
                raise RuntimeError(
                    f"Janus exited with code {process.returncode} as it started: "
                    f"see {self.directory / 'janus.log'}"
                )
            if time.monotonic() > deadline:
                raise TimeoutError(f"Janus did not answer within {START_TIMEOUT_SECONDS:g} s")
            time.sleep(0.02)

    def _watch(self) -> None:
        while not self.stopping.is_set():
            process = self.process
            if process is None:
                return
            code = process.wait()
            if self.stopping.is_set():
                return
            logger.warning("Janus (pid %s) exited with code %s: restarting it", process.pid, code)
            time.sleep(RESTART_PAUSE_SECONDS)
            try:
                self._spawn(self.directory / "janus.jcfg")
            except (RuntimeError, TimeoutError) as exc:
                logger.error("Janus could not be restarted: %s", exc)
                continue
            if self.stopping.is_set():  # stopped while it restarted
                self._end(self.process)
                return
            logger.info("Janus restarted (pid %s)", self.process.pid if self.process else None)
            if self.restarted is not None:
                try:
                    self.restarted()
                except Exception:  # the next client's request creates its room again
                    logger.exception("rooms could not be created again after Janus restarted")
            self.restarts += 1  # counted once its rooms are back

    def stop(self) -> None:
        """Stop Janus, and the watcher with it (a restart under way ends too)."""
        self.stopping.set()
        self._end(self.process)
        if self.watcher is not None and self.watcher is not threading.current_thread():
            self.watcher.join(START_TIMEOUT_SECONDS + STOP_TIMEOUT_SECONDS)

    @staticmethod
    def _end(process: subprocess.Popen[bytes] | None) -> None:
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
