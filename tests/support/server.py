"""A real Plenary server process for end-to-end tests: Daphne, its own data directory."""

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PLENARY = [sys.executable, "-c", "from server.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def production_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """This environment under ``PLENARY_ENV=production``, with made-up secrets and services
    (nothing is contacted unless a test does so)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PLENARY_"))}
    env.update(
        {
            "PLENARY_ENV": "production",
            "PLENARY_DATA_DIR": str(data_dir),
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": "postgres://plenary@db.internal:5432/plenary",
            "REDIS_URL": "redis://redis.internal:6379/0",
            "ALLOWED_HOSTS": "plenary.example.org",
        }
    )
    env.update(overrides)
    return env


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


@dataclass
class ServerProcess:
    """``plenary serve`` in a subprocess, with migrate and the demo conference loaded."""

    data_dir: Path
    extra_env: Mapping[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    janus_ws_port: int = field(default_factory=free_port)
    janus_admin_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        """The test run's environment, less its database and layer: a server process gets
        its own SQLite database in ``data_dir`` unless ``extra_env`` says otherwise."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}
        }
        # Not the speech recogniser at start unless a test asks: most need none. Its Janus
        # child on ports of its own, so that servers run side by side.
        env.update(
            {
                "PLENARY_DATA_DIR": str(self.data_dir),
                "PYTHONUNBUFFERED": "1",
                "PLENARY_ASR_PRELOAD": "0",
                "PLENARY_JANUS_WS_URL": f"ws://127.0.0.1:{self.janus_ws_port}",
                "PLENARY_JANUS_ADMIN_URL": f"http://127.0.0.1:{self.janus_admin_port}/admin",
            }
        )
        env.update(self.extra_env)
        return env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def prepare(self) -> None:
        for command in (["migrate", "-v0"], ["demo"]):
            subprocess.run(
                [*PLENARY, *command], env=self.env, cwd=REPO, check=True, capture_output=True
            )

    def start(self) -> None:
        log = open(self.data_dir / f"server-{self.port}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [*PLENARY, "serve", "--port", str(self.port)],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port)

    def wait_until_ready(self, timeout: float = 300.0) -> None:
        """Until ``/readyz`` says ready (with ``PLENARY_ASR_PRELOAD=1``: the recogniser is
        loaded and warmed)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=5):
                    return
            except urllib.error.HTTPError:
                if time.monotonic() > deadline:
                    message = f"not ready after {timeout} s: {self.log()[-2000:]}"
                    raise TimeoutError(message) from None
                time.sleep(0.5)

    def kill(self) -> None:
        """Stop abruptly, as a crash would: no disconnect handlers run."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.data_dir.glob("server-*.log"))

    def shell(self, code: str) -> str:
        """What ``code`` prints, run by ``plenary shell`` against this server's database."""
        done = subprocess.run(
            [*PLENARY, "shell", "--no-imports", "-c", code],
            env=self.env,
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def janus_child(self, timeout: float = 10) -> int:
        """The pid of the Janus this server started (whichever of its threads started it)."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while True:
            tasks = Path(f"/proc/{self.process.pid}/task").iterdir()
            children = [int(c) for t in tasks for c in _proc_read(t / "children").split()]
            found = [c for c in children if _proc_read(Path(f"/proc/{c}/comm")).strip() == "janus"]
            if found:
                return found[0]
            assert time.monotonic() < deadline, "plenary serve has no Janus child"
            time.sleep(0.05)

    def logout(self, session: str) -> int:
        """Log out over HTTP like a browser (the page's logout form); return the status."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        request = urllib.request.Request(self.url + "/", headers={"Cookie": f"sessionid={session}"})
        page = opener.open(request).read().decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, "the page has no logout form"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": match.group(1)}).encode()
        csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
        request = urllib.request.Request(
            f"{self.url}/logout/",
            data=body,
            headers={"Cookie": f"sessionid={session}; csrftoken={csrf}"},
        )
        status: int = opener.open(request).status
        return status

    def login(self, username: str, password: str = "plenary-demo") -> str:
        """Log in over HTTP like a browser; return the session cookie's value."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{self.url}/login/").read().decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, "the login page has no CSRF token"
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
        ).encode()
        request = urllib.request.Request(
            f"{self.url}/login/", data=body, headers={"Referer": f"{self.url}/login/"}
        )
        opener.open(request)
        for cookie in jar:
            if cookie.name == "sessionid":
                return cookie.value or ""
        raise AssertionError(f"logging in as {username} gave no session")


def _proc_read(path: Path) -> str:
    """A /proc file, or "" where its thread or process has just ended."""
    try:
        return path.read_text()
    except (FileNotFoundError, ProcessLookupError):
        return ""
