"""Backup and restore (deploy/backup.sh, deploy/restore.sh) against the cluster's
PostgreSQL: a dump restored into a fresh database verifies every negotiation hash chain,
still contains a head kept before the backup, keeps the append-only trigger, and the
recordings come back byte for byte (``make cluster-test``)."""

import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from deploy.cluster import PLENARY, REPO, Cluster

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(240)]

PLENARY_COMMAND = str(Path(sys.executable).parent / "plenary")


def run(argv: list[str], env: dict[str, str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True)


def test_a_restored_dump_verifies_and_keeps_recordings(cluster: Cluster, tmp_path: Path) -> None:
    recording = cluster.data_dir / "recordings" / "2026" / "turn-1.pcm"
    recording.parent.mkdir(parents=True, exist_ok=True)
    recording.write_bytes(secrets.token_bytes(64_000))
    env = cluster.env(PLENARY_RECORDINGS_DIR=str(cluster.data_dir / "recordings"))
    head = run([*PLENARY, "negotiation", "head", "ncqg-draft-decision"], env)
    assert head.returncode == 0, head.stderr
    kept_head = head.stdout.split()[0]

    backup = tmp_path / "backup"
    made = run([str(REPO / "deploy" / "backup.sh"), str(backup)], env)
    assert made.returncode == 0, made.stderr
    assert {p.name for p in backup.iterdir()} == {"plenary.dump", "recordings.tar.gz", "SHA256SUMS"}

    with psycopg.connect(cluster.database_url("postgres"), autocommit=True) as connection:
        connection.execute("CREATE DATABASE restored")
    restored = cluster.env(
        DATABASE_URL=cluster.database_url("restored"),
        PLENARY_RECORDINGS_DIR=str(tmp_path / "recordings"),
        PLENARY=PLENARY_COMMAND,
    )
    done = run([str(REPO / "deploy" / "restore.sh"), str(backup)], restored)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ncqg-draft-decision: OK" in done.stdout
    assert (tmp_path / "recordings" / "2026" / "turn-1.pcm").read_bytes() == recording.read_bytes()

    verify = [*PLENARY, "negotiation", "verify", "ncqg-draft-decision", "--head", kept_head]
    kept = run(verify, restored)
    assert kept.returncode == 0, kept.stderr
    with (
        psycopg.connect(cluster.database_url("restored")) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
    ):
        connection.execute("DELETE FROM negotiation_negotiationevent")


def test_a_damaged_backup_is_refused(cluster: Cluster, tmp_path: Path) -> None:
    backup = tmp_path / "backup"
    env = cluster.env(PLENARY_RECORDINGS_DIR=str(cluster.data_dir / "recordings"))
    assert run([str(REPO / "deploy" / "backup.sh"), str(backup)], env).returncode == 0
    with (backup / "plenary.dump").open("r+b") as dump:
        dump.seek(100)
        dump.write(b"\0" * 16)
    restored = cluster.env(
        DATABASE_URL=cluster.database_url("postgres"),
        PLENARY_RECORDINGS_DIR=str(tmp_path / "recordings"),
    )
    refused = run([str(REPO / "deploy" / "restore.sh"), str(backup)], restored)
    assert refused.returncode != 0
    assert "FAILED" in refused.stdout + refused.stderr
