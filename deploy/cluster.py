"""The production topology on one machine, without containers (``make cluster``).

A private PostgreSQL (an owner role that migrates, a runtime role that Plenary runs as) and
Redis, the one-shot migrate job, Janus (`plenary janus`), N Daphne web processes and M
recognition workers under ``PLENARY_ENV=production``, and nginx in front with TLS (a
self-signed certificate) using the same proxy rules as every other deployment
(``deploy/nginx/``). Everything lives in one temporary directory, on free
local ports, and is removed on exit. ``tests/deploy`` drives a ``Cluster`` to run the smoke
suite and the failure drills against it.

    .venv/bin/python deploy/cluster.py [--web 2] [--asr-workers 1]
"""

import argparse
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
PLENARY = [sys.executable, "-c", "from server.cli import main; main()"]
NGINX_RULES = REPO / "deploy" / "nginx"
START_TIMEOUT = 60.0
# Two database roles, as in every deployment (docs/operations.md, "Database roles"): the
# owner migrates the schema; web processes and workers run as the runtime role, which may
# only read and append to the negotiation record.
OWNER_ROLE = "plenary_owner"
RUNTIME_ROLE = "plenary"


class ClusterError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(what: str, ready: Callable[[], bool], timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise ClusterError(f"{what} did not come up within {timeout:g} s")
        time.sleep(0.1)


class Probe:
    """A readiness check: a port that answers, optionally for a service that must be alive."""

    def __init__(self, port: int, service: "Service | None" = None) -> None:
        self.port = port
        self.service = service

    def __call__(self) -> bool:
        if self.service is not None and not self.service.running:
            raise ClusterError(f"{self.service.name} exited; see {self.service.log_path}")
        return port_answers(self.port)


@dataclass
class Service:
    """One long-running process of the cluster, with its log file."""

    name: str
    argv: Sequence[str]
    log_path: Path
    env: Mapping[str, str] = field(default_factory=dict)
    user: str | None = None  # PostgreSQL will not run as root
    process: subprocess.Popen[bytes] | None = None
    log_offset: int = 0  # where this run's output begins in the log

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.log_offset = log.tell()
            self.process = subprocess.Popen(
                list(self.argv),
                env=dict(self.env) or None,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                user=self.user,
                group=self.user,
                extra_groups=[] if self.user else None,
                start_new_session=True,  # Ctrl-C reaches the cluster, which stops each in turn
            )

    def log_text(self) -> str:
        """What this run of the service has written to its log."""
        with self.log_path.open("rb") as log:
            log.seek(self.log_offset)
            return log.read().decode(errors="replace")

    def wait_for_log(self, text: str, timeout: float = START_TIMEOUT) -> None:
        def written() -> bool:
            if not self.running:
                raise ClusterError(f"{self.name} exited; see {self.log_path}")
            return text in self.log_text()

        wait_until(f"{self.name} ({text!r} in its log)", written, timeout)

    def kill(self) -> None:
        """Stop abruptly, as a crash or an OOM kill would."""
        if self.process is not None and self.running:
            self.process.kill()
            self.process.wait(10)

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is not None and self.running:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


def _postgres_bin(program: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"))
    if found:
        return found[-1]
    on_path = shutil.which(program)
    if on_path is None:
        raise ClusterError(f"{program} not found: apt-get install postgresql (make cluster does)")
    return on_path


def _run(
    argv: Sequence[str], log: Path, *, env: Mapping[str, str] | None = None, user: str | None = None
) -> None:
    """Run a one-shot step to completion, its output appended to ``log``."""
    with log.open("ab") as out:
        done = subprocess.run(
            list(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO,
            user=user,
            group=user,
            extra_groups=[] if user else None,
        )
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise ClusterError(f"{' '.join(argv[-3:])} failed:\n{tail}")


def self_signed_certificate(certificate: Path, key: Path, logs: Path) -> None:
    """A certificate for localhost (and 127.0.0.1), valid two days, and its key."""
    _run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        logs / "openssl.log",
    )


@dataclass
class Cluster:
    web_processes: int = 2
    asr_workers: int = 1
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="plenary-cluster-")))
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(64))
    https_port: int = field(default_factory=free_port)
    postgres_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    janus_ws_port: int = field(default_factory=free_port)
    janus_admin_port: int = field(default_factory=free_port)
    janus_secrets: tuple[str, str] = field(
        default_factory=lambda: (secrets.token_urlsafe(32), secrets.token_urlsafe(32))
    )
    web_ports: list[int] = field(default_factory=list)
    web: list[Service] = field(default_factory=list)
    workers: list[Service] = field(default_factory=list)
    postgres: Service | None = None
    redis: Service | None = None
    janus: Service | None = None
    nginx: Service | None = None

    # Where things are --------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"https://localhost:{self.https_port}"

    @property
    def ws_url(self) -> str:
        return f"wss://localhost:{self.https_port}"

    @property
    def certificate(self) -> Path:
        return self.root / "nginx" / "tls" / "plenary.crt"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def database_url(self, name: str = "plenary", user: str = "postgres") -> str:
        """A connection as ``user``: the superuser by default (tests, backups, drills); Plenary
        runs as ``RUNTIME_ROLE`` and migrates as ``OWNER_ROLE``, as in every deployment."""
        return f"postgres://{user}@127.0.0.1:{self.postgres_port}/{name}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def env(self, **overrides: str) -> dict[str, str]:
        """What a Plenary process of this cluster runs with: the production profile, every
        secret and service given through the environment."""
        inherited = {
            k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PLENARY_"))
        }
        for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
            inherited.pop(name, None)
        return {
            **inherited,
            "PLENARY_ENV": "production",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url(user=RUNTIME_ROLE),
            "REDIS_URL": self.redis_url,
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": self.url,
            "PLENARY_DATA_DIR": str(self.data_dir),
            "PLENARY_ASR_WORKERS": "external",
            # One Janus of the cluster's own (`plenary janus`), as deployments run it.
            "PLENARY_JANUS": "external",
            "PLENARY_JANUS_WS_URL": f"ws://127.0.0.1:{self.janus_ws_port}",
            "PLENARY_JANUS_ADMIN_URL": f"http://127.0.0.1:{self.janus_admin_port}/admin",
            "PLENARY_JANUS_ADMIN_SECRET": self.janus_secrets[0],
            "PLENARY_JANUS_TOKEN_SECRET": self.janus_secrets[1],
            "PLENARY_JANUS_RTP_PORTS": "42000-42999",
            "PYTHONUNBUFFERED": "1",
            **overrides,
        }

    # Starting ----------------------------------------------------------------------------

    def start(self) -> None:
        for folder in (self.logs, self.data_dir, self.root / "nginx" / "tls"):
            folder.mkdir(parents=True, exist_ok=True)
        try:
            self._start_postgres()
            self._start_redis()
            self._prepare_database()
            self._start_janus()
            self.web_ports = [free_port() for _ in range(self.web_processes)]
            for index, port in enumerate(self.web_ports):
                self.web.append(self._web_service(index, port))
                self.start_web(index)
            for index in range(self.asr_workers):
                self.workers.append(self._worker_service(index))
                self.start_worker(index)
            self._start_nginx()
        except BaseException:
            self.stop()
            raise

    def _start_postgres(self) -> None:
        user = "postgres" if os.geteuid() == 0 else None
        pg = self.root / "postgres"
        pg.mkdir()
        self.root.chmod(0o755)  # the postgres user must reach its data directory
        if user:
            shutil.chown(pg, user, user)
        log = self.logs / "postgres.log"
        log.touch()
        if user:
            shutil.chown(log, user, user)
        initdb = [_postgres_bin("initdb"), "-D", str(pg / "data"), "-U", "postgres"]
        _run(
            [*initdb, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
            log,
            user=user,
        )
        self.postgres = Service(
            "postgres",
            [
                _postgres_bin("postgres"),
                "-D",
                str(pg / "data"),
                "-p",
                str(self.postgres_port),
                "-k",
                str(pg),
                "-c",
                "listen_addresses=127.0.0.1",
                # A throwaway cluster: durability is not what it tests.
                "-c",
                "fsync=off",
            ],
            log,
            user=user,
        )
        self.postgres.start()
        wait_until("PostgreSQL", self._postgres_answers)
        with psycopg.connect(self.database_url("postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN CREATEROLE")
            connection.execute(f"CREATE DATABASE plenary OWNER {OWNER_ROLE}")

    def _postgres_answers(self) -> bool:
        if self.postgres is None or not self.postgres.running:
            raise ClusterError(f"PostgreSQL exited; see {self.logs / 'postgres.log'}")
        try:
            psycopg.connect(self.database_url("postgres"), connect_timeout=1).close()
        except psycopg.OperationalError:
            return False
        return True

    def _start_redis(self) -> None:
        folder = self.root / "redis"
        folder.mkdir()
        self.redis = Service(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
            self.logs / "redis.log",
        )
        self.start_redis()

    def _start_janus(self) -> None:
        self.janus = Service(
            "janus",
            [*PLENARY, "janus", "--config-dir", str(self.root / "janus")],
            self.logs / "janus.log",
            self.env(),
        )
        self.janus.start()
        wait_until("Janus", Probe(self.janus_admin_port, self.janus))

    def start_redis(self) -> None:
        assert self.redis is not None
        self.redis.start()
        wait_until("Redis", Probe(self.redis_port, self.redis))

    def _prepare_database(self) -> None:
        """The one-shot jobs: migrate (as in every deployment), then the demo conference
        and the static files nginx serves."""
        log = self.logs / "migrate.log"
        owner = self.env(PLENARY_OWNER_DATABASE_URL=self.database_url(user=OWNER_ROLE))
        for command in (
            ["migrate", "--database", "owner", "--no-input"],
            ["runtime-grants", "--database", "owner"],
        ):
            _run([*PLENARY, *command], log, env=owner)
        demo = ["demo", "--allow-production"]  # a test cluster, on this machine only
        for command in (demo, ["collectstatic", "--no-input"]):
            _run([*PLENARY, *command], log, env=self.env())
        if self.asr_workers:
            _run([*PLENARY, "models", "prepare"], log, env=self.env())

    def _web_service(self, index: int, port: int) -> Service:
        return Service(
            f"web-{index + 1}",
            [*PLENARY, "serve", "--host", "127.0.0.1", "--port", str(port), "--proxy-headers"],
            self.logs / f"web-{index + 1}.log",
            self.env(),
        )

    def start_web(self, index: int) -> None:
        self.web[index].start()
        wait_until(self.web[index].name, Probe(self.web_ports[index], self.web[index]))

    def _worker_service(self, index: int) -> Service:
        return Service(
            f"asr-worker-{index + 1}",
            [*PLENARY, "asr-worker"],
            self.logs / f"asr-worker-{index + 1}.log",
            self.env(),
        )

    def start_worker(self, index: int) -> None:
        """Start a recognition worker and wait until it has loaded its model."""
        self.workers[index].start()
        self.workers[index].wait_for_log("ready for", timeout=120)

    def _start_nginx(self) -> None:
        folder = self.root / "nginx"
        self_signed_certificate(self.certificate, folder / "tls" / "plenary.key", self.logs)
        (folder / "nginx.conf").write_text(self.nginx_conf())
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        argv = [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")]
        _run([*argv, "-t"], self.logs / "nginx.log")
        self.nginx = Service("nginx", argv, self.logs / "nginx.log")
        self.nginx.start()
        wait_until("nginx", Probe(self.https_port, self.nginx))

    def nginx_conf(self) -> str:
        """nginx's configuration: this cluster's upstreams and TLS listener around the proxy
        rules that every deployment shares."""
        web = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;"
            for port in self.web_ports
        )
        root = self.root / "nginx"
        return NGINX_CONF.format(
            user="user root root;" if os.geteuid() == 0 else "",
            root=root,
            logs=self.logs,
            web=web,
            port=self.https_port,
            static=self.data_dir / "static",
            rules=NGINX_RULES,
        )

    # Stopping ----------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop everything, front to back, and remove the cluster's directory."""
        services = [self.nginx, *self.workers, *self.web, self.janus, self.redis, self.postgres]
        for service in services:
            if service is not None:
                service.stop()
        shutil.rmtree(self.root, ignore_errors=True)


NGINX_CONF = """\
# Generated by deploy/cluster.py for one throwaway cluster.
{user}
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {logs}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    include {rules}/plenary-http.conf;
    access_log {logs}/nginx-access.log plenary_json;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;

    upstream plenary_web {{
        least_conn;
{web}
        keepalive 16;
    }}
    upstream plenary_audio {{
        hash $uri consistent;
{web}
    }}

    server {{
        listen 127.0.0.1:{port} ssl;
        server_name localhost;
        ssl_certificate tls/plenary.crt;
        ssl_certificate_key tls/plenary.key;
        location /static/ {{
            alias {static}/;
        }}
        include {rules}/plenary-proxy.conf;
    }}
}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--web", type=int, default=2, help="Daphne web processes")
    parser.add_argument("--asr-workers", type=int, default=1, help="recognition workers")
    args = parser.parse_args()
    cluster = Cluster(web_processes=args.web, asr_workers=args.asr_workers)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        cluster.start()
        print(f"Plenary cluster up at {cluster.url}/ (self-signed certificate)")
        print(f"  PostgreSQL {cluster.database_url()}, Redis {cluster.redis_url}")
        print(f"  web processes on ports {', '.join(map(str, cluster.web_ports))}")
        print("  demo logins: chair, secretariat, kenya, spain, france, … (password plenary-demo)")
        print(f"  logs in {cluster.logs}; Ctrl-C stops everything and removes {cluster.root}")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
