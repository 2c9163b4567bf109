"""Comparing what a browser captured with the audio it was given (16 kHz mono samples)."""

import numpy as np

RATE = 16000
STEP = RATE // 100  # 10 ms


def _envelope(audio: np.ndarray, seconds: float) -> np.ndarray:
    usable = min(len(audio), int(seconds * RATE)) // STEP * STEP
    levels: np.ndarray = np.sqrt((audio[:usable].reshape(-1, STEP) ** 2).mean(axis=1))
    return levels


def _best_shift(a: np.ndarray, b: np.ndarray, shifts: range) -> int:
    """The k for which b[i] best matches a[i + k]."""
    n = min(len(a), len(b))
    scores = [
        float(np.dot(a[max(0, k) : n + min(0, k)], b[max(0, -k) : n - max(0, k)])) for k in shifts
    ]
    return shifts[int(np.argmax(scores))]


def aligned(reference: np.ndarray, capture: np.ndarray) -> np.ndarray:
    """``capture`` shifted onto ``reference``'s time line (a capture starts when its socket
    took its first frame, not when the audio began): by the envelopes of the first 20 s to
    10 ms, then by the samples to one."""
    coarse = _best_shift(_envelope(reference, 20), _envelope(capture, 20), range(-200, 200))
    shifted = _shift(capture, coarse * STEP)
    fine = _best_shift(reference[: 20 * RATE], shifted[: 20 * RATE], range(-STEP, STEP))
    return _shift(shifted, fine)


def _shift(capture: np.ndarray, lead: int) -> np.ndarray:
    """``capture`` with ``lead`` samples of silence before it (or that many cut off)."""
    if lead >= 0:
        return np.concatenate([np.zeros(lead, capture.dtype), capture])
    return capture[-lead:]


def similarity(reference: np.ndarray, capture: np.ndarray) -> float:
    """The normalised correlation of the aligned capture with ``reference`` over its length:
    1.0 for the same audio; a resampler with aliasing or a browser's call processing (noise
    suppression, gain control) brings it down."""
    heard = aligned(reference, capture)[: len(reference)]
    said = reference[: len(heard)]
    return float(np.dot(said, heard) / (np.linalg.norm(said) * np.linalg.norm(heard) + 1e-12))


def level_db(reference: np.ndarray, capture: np.ndarray) -> float:
    """The capture's level against ``reference``'s, in dB, where ``reference`` is speech."""
    heard = aligned(reference, capture)[: len(reference)]
    speech = _envelope(reference, len(reference) / RATE) > 0.02
    ref, cap = _envelope(reference, len(heard) / RATE), _envelope(heard, len(heard) / RATE)
    n = min(len(ref), len(cap))
    mask = speech[:n]
    return 20 * float(np.log10((cap[:n][mask].mean() + 1e-9) / (ref[:n][mask].mean() + 1e-9)))
