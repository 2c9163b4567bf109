"""deploy/backup.sh and deploy/restore.sh on this machine's PostgreSQL (``DATABASE_URL``;
skipped on SQLite): backups are private, the database password is on no command line, and
an encrypted backup is restored with its age identity only."""

import os
import secrets
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.support.server import PLENARY, REPO

pytestmark = [pytest.mark.slow]

BACKUP, RESTORE = REPO / "deploy" / "backup.sh", REPO / "deploy" / "restore.sh"
PLENARY_COMMAND = str(Path(sys.executable).parent / "plenary")


@dataclass
class Site:
    """A database with the demo in it, its recordings, and an empty database beside it."""

    password: str
    env: dict[str, str]  # DATABASE_URL (with the password) and PLENARY_RECORDINGS_DIR
    empty: dict[str, str]  # the same for the empty database and recordings directory
    recording: Path


def run(argv: list[str], env: dict[str, str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True)


def with_database(url: str, name: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username or 'postgres'}:{password}@{parts.hostname}:{parts.port or 5432}"
    return parts._replace(netloc=netloc, path=f"/{name}").geturl()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    for tool in ("pg_dump", "pg_restore", "age", "strace"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (make test installs it)")
    token = secrets.token_hex(4)
    names = [f"plenary_backup_{token}", f"plenary_restored_{token}"]
    admin = with_database(server, "postgres", "")
    with psycopg.connect(admin.replace(":@", "@"), autocommit=True) as connection:
        for name in names:
            connection.execute(f"CREATE DATABASE {name}")
    folder = tmp_path_factory.mktemp("site")
    password = f"pw-{secrets.token_hex(8)}"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PLENARY_"))}
    base.update(PLENARY_DATA_DIR=str(folder), PLENARY=PLENARY_COMMAND, PYTHON=sys.executable)
    env = {
        **base,
        "DATABASE_URL": with_database(server, names[0], password),
        "PLENARY_RECORDINGS_DIR": str(folder / "recordings"),
    }
    for command in (["migrate", "-v0"], ["demo"]):
        assert run([*PLENARY, *command], env).returncode == 0
    recording = folder / "recordings" / "2026" / "turn-1.pcm"
    recording.parent.mkdir(parents=True)
    recording.write_bytes(secrets.token_bytes(64_000))
    empty = {
        **base,
        "DATABASE_URL": with_database(server, names[1], password),
        "PLENARY_RECORDINGS_DIR": str(folder / "restored"),
    }
    yield Site(password, env, empty, recording)
    with psycopg.connect(admin.replace(":@", "@"), autocommit=True) as connection:
        for name in names:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_backup_is_private_and_the_password_on_no_command_line(
    site: Site, tmp_path: Path
) -> None:
    trace = tmp_path / "execve.trace"
    backup = tmp_path / "backup"
    traced = ["strace", "-f", "-qq", "-e", "trace=execve", "-s", "4096", "-o", str(trace)]
    made = run([*traced, str(BACKUP), str(backup)], site.env)
    assert made.returncode == 0, made.stderr
    commands = trace.read_text()
    assert "pg_dump" in commands and "tar" in commands  # every program it ran is there
    assert site.password not in commands
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in backup.iterdir()}
    assert files == {"plenary.dump": 0o600, "recordings.tar.gz": 0o600, "SHA256SUMS": 0o600}
    assert not list(Path(site.env.get("TMPDIR", "/tmp")).glob("plenary-pgpass.*"))


def test_an_encrypted_backup_is_restored_with_its_identity_only(site: Site, tmp_path: Path) -> None:
    identity = tmp_path / "backup-key.txt"
    subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True)
    recipient = run(["age-keygen", "-y", str(identity)], site.env).stdout.strip()
    backup = tmp_path / "backup"
    made = run([str(BACKUP), str(backup)], {**site.env, "PLENARY_BACKUP_RECIPIENT": recipient})
    assert made.returncode == 0, made.stderr
    assert {p.name for p in backup.iterdir()} == {
        "plenary.dump.age",
        "recordings.tar.gz.age",
        "SHA256SUMS",
    }
    assert b"PGDMP" not in (backup / "plenary.dump.age").read_bytes()  # pg_dump's signature

    refused = run([str(RESTORE), str(backup)], site.empty)
    assert refused.returncode != 0 and "PLENARY_BACKUP_IDENTITY" in refused.stderr
    assert not Path(site.empty["PLENARY_RECORDINGS_DIR"], "2026").exists()

    restored = {**site.empty, "PLENARY_BACKUP_IDENTITY": str(identity)}
    done = run([str(RESTORE), str(backup)], restored)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ncqg-draft-decision: OK" in done.stdout
    copy = Path(site.empty["PLENARY_RECORDINGS_DIR"], "2026", "turn-1.pcm")
    assert copy.read_bytes() == site.recording.read_bytes()
