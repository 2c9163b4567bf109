"""What Chromium's fake capture devices play in the media tests and the media benchmark: a
WAV of speech (``--use-file-for-fake-audio-capture``) and a Y4M clip with a moving picture
(``--use-file-for-fake-video-capture``), made on the spot with espeak-ng and numpy."""

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np

from asr import SAMPLE_RATE, decode_file

WIDTH, HEIGHT, FPS = 640, 360, 25


def speech_wav(text: str, path: Path, *, voice: str = "en", lead: float = 1.0) -> Path:
    """``text`` spoken by espeak-ng after ``lead`` seconds of silence, 16 kHz mono PCM16."""
    if shutil.which("espeak-ng") is None:
        raise FileNotFoundError("espeak-ng is not installed (apt-get install espeak-ng)")
    spoken = path.with_suffix(".espeak.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(spoken), text], check=True)
    (samples,) = decode_file(spoken, mono=True)
    padded = np.concatenate([np.zeros(int(lead * SAMPLE_RATE), np.float32), samples])
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(padded, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def moving_clip(path: Path, *, seconds: float = 4.0, shade: int = 200, grain: int = 0) -> Path:
    """A 640 by 360 Y4M clip: a bright bar of luma ``shade`` sweeping across a dark field
    (moving, so every frame differs and the encoder keeps sending); ``grain`` adds fresh
    noise of that amplitude to every frame, which costs an encoder bits as a camera's
    picture does (the bare bar compresses to almost nothing)."""
    frames = int(seconds * FPS)
    noise = np.random.default_rng(0)
    chroma = np.full((HEIGHT // 2) * (WIDTH // 2) * 2, 128, np.uint8).tobytes()
    bar = WIDTH // 8
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for index in range(frames):
            luma = np.full((HEIGHT, WIDTH), 16, np.uint8)
            left = (index * WIDTH // frames) % WIDTH
            luma[:, left : left + bar] = shade
            if grain:
                grainy = luma + noise.integers(0, grain, luma.shape, dtype=np.uint8)
                luma = np.minimum(grainy, 235).astype(np.uint8)
            out.write(b"FRAME\n" + luma.tobytes() + chroma)
    return path
