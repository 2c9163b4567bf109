"""Comparing what a browser captured with the audio it was given (16 kHz mono samples)."""

import numpy as np

RATE = 16000
STEP = RATE // 100  # 10 ms
PIECE = RATE // 2  # what similarity() matches at a time …
SLIP = 2 * STEP  # … within this of the whole capture's alignment


def _envelope(audio: np.ndarray, seconds: float) -> np.ndarray:
    usable = min(len(audio), int(seconds * RATE)) // STEP * STEP
    levels: np.ndarray = np.sqrt((audio[:usable].reshape(-1, STEP) ** 2).mean(axis=1))
    return levels


def lag(reference: np.ndarray, capture: np.ndarray) -> int:
    """The k for which ``capture[i]`` best matches ``reference[i + k]``, over every shift (a
    capture starts when its socket took its first frame, not when the audio began, and that
    may be seconds either way): the peak of their cross-correlation, computed by FFT."""
    size = 1 << (len(reference) + len(capture) - 1).bit_length()
    product = np.fft.rfft(reference, size) * np.conj(np.fft.rfft(capture, size))
    correlation = np.fft.irfft(product, size)
    peak = int(np.argmax(correlation))
    return peak if peak < len(reference) else peak - size


def aligned(reference: np.ndarray, capture: np.ndarray) -> np.ndarray:
    """``capture`` shifted onto ``reference``'s time line: silence before it where it began
    after the reference, cut where it began before."""
    lead = lag(reference, capture)
    if lead >= 0:
        return np.concatenate([np.zeros(lead, capture.dtype), capture])
    return capture[-lead:]


def _overlap(reference: np.ndarray, capture: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The stretch of ``reference`` the capture holds, and the aligned capture over it."""
    start = max(0, lag(reference, capture))
    heard = aligned(reference, capture)[start : len(reference)]
    return reference[start : start + len(heard)], heard


def similarity(reference: np.ndarray, capture: np.ndarray) -> float:
    """The normalised correlation of the aligned capture with ``reference`` where both hold
    audio: 1.0 for the same audio; a resampler with aliasing or a browser's call processing
    (noise suppression, gain control) brings it down. Each half second is matched within
    ``SLIP`` of where the whole capture aligns: a browser short of CPU drops a 10 ms buffer
    now and then, which shifts what follows without changing how it sounds."""
    said, heard = _overlap(reference, capture)
    dot = said_energy = heard_energy = 0.0
    for start in range(0, len(heard) - PIECE, PIECE):
        piece = said[start : start + PIECE]
        around = heard[max(0, start - SLIP) : start + PIECE + SLIP]
        if len(around) < PIECE:
            break
        scores = np.correlate(around, piece, "valid")
        best = int(np.argmax(scores))
        match = around[best : best + PIECE]
        dot += float(scores[best])
        said_energy += float(np.dot(piece, piece))
        heard_energy += float(np.dot(match, match))
    return float(dot / (np.sqrt(said_energy * heard_energy) + 1e-12))


def level_db(reference: np.ndarray, capture: np.ndarray) -> float:
    """The capture's level against ``reference``'s, in dB, where ``reference`` is speech."""
    said, heard = _overlap(reference, capture)
    seconds = len(heard) / RATE
    ref, cap = _envelope(said, seconds), _envelope(heard, seconds)
    speech = ref > 0.02
    return 20 * float(np.log10((cap[speech].mean() + 1e-9) / (ref[speech].mean() + 1e-9)))
