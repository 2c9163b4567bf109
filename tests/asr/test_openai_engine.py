"""The openai-whisper engine, on a tiny checkpoint the test builds through whisper's own
model dimensions and saves, so the real loading code runs (its output is noise)."""

from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from asr.errors import ModelUnavailable
from asr.transcriber import EngineOptions, TranscribeOptions

whisper = pytest.importorskip("whisper", reason="the openai-whisper extra is not installed")
torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from whisper.model import ModelDimensions, Whisper

    dims = ModelDimensions(
        n_mels=80,
        n_audio_ctx=1500,
        n_audio_state=32,
        n_audio_head=1,
        n_audio_layer=1,
        n_vocab=51865,
        n_text_ctx=448,
        n_text_state=32,
        n_text_head=1,
        n_text_layer=1,
    )
    torch.manual_seed(0)
    model = Whisper(dims)
    # Whisper leaves this uninitialised (checkpoints overwrite it): NaNs would come out.
    torch.nn.init.normal_(model.decoder.positional_embedding, std=0.02)
    path = tmp_path_factory.mktemp("openai") / "tiny.pt"
    torch.save({"dims": asdict(dims), "model_state_dict": model.state_dict()}, path)
    return path


def test_a_checkpoint_loads_and_transcribes_through_the_interface(tiny_checkpoint: Path) -> None:
    from whisper.tokenizer import LANGUAGES

    from asr.engines import load_transcriber

    engine = load_transcriber(
        EngineOptions(
            engine="openai-whisper", model=str(tiny_checkpoint), device="cpu", cpu_threads=1
        )
    )
    audio = (np.sin(np.linspace(0, 2000, 16000 * 2)) * 0.1).astype(np.float32)
    segments, info = engine.transcribe(
        audio,
        TranscribeOptions(
            language="en", beam_size=1, temperature_fallback=False, word_timestamps=True
        ),
        offset=5.0,
    )
    assert info.language == "en" and info.duration == 2.0
    assert all(s.start >= 5.0 and s.language == "en" for s in segments)
    assert all(s.start <= w.start <= w.end <= s.end + 0.5 for s in segments for w in s.words)
    language, probability = engine.detect_language(audio)
    assert language in LANGUAGES and 0.0 <= probability <= 1.0


def test_a_missing_checkpoint_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asr.engines.openai import OpenAIWhisperTranscriber

    with pytest.raises(ModelUnavailable, match="No openai-whisper checkpoint"):
        OpenAIWhisperTranscriber(EngineOptions(model=str(tmp_path / "missing.pt")))
    monkeypatch.delenv("PLENARY_ASR_MODEL", raising=False)
    with pytest.raises(ModelUnavailable, match=r"needs EngineOptions\.model"):
        OpenAIWhisperTranscriber(EngineOptions())
