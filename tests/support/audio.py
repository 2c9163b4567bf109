"""Comparing what a browser captured with the audio it was given (16 kHz mono samples)."""

import numpy as np

RATE = 16000
STEP = RATE // 100  # 10 ms


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
    (noise suppression, gain control) brings it down."""
    said, heard = _overlap(reference, capture)
    return float(np.dot(said, heard) / (np.linalg.norm(said) * np.linalg.norm(heard) + 1e-12))


def level_db(reference: np.ndarray, capture: np.ndarray) -> float:
    """The capture's level against ``reference``'s, in dB, where ``reference`` is speech."""
    said, heard = _overlap(reference, capture)
    seconds = len(heard) / RATE
    ref, cap = _envelope(said, seconds), _envelope(heard, seconds)
    speech = ref > 0.02
    return 20 * float(np.log10((cap[speech].mean() + 1e-9) / (ref[speech].mean() + 1e-9)))
