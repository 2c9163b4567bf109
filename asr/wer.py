"""Word error rate, for tests and benchmarks: case, punctuation and the way a small number is
written (Whisper writes "4" where the reference says "four") do not count."""

import re
import unicodedata

WORD = re.compile(r"[\w']+")
UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _spelled(number: int) -> list[str]:
    """0 to 99 as English words."""
    if number < 20:
        return [UNITS[number]]
    tens, units = divmod(number, 10)
    return [TENS[tens - 2]] + ([UNITS[units]] if units else [])


def normalised_words(text: str) -> list[str]:
    """Lower-cased words without punctuation (``and/or`` is two words, ``don't`` one), numbers
    below 100 spelled out in English."""
    words = WORD.findall(unicodedata.normalize("NFC", text).lower().replace("\u2019", "'"))
    return [
        spelled
        for word in words
        for spelled in (
            _spelled(int(word)) if word.isascii() and word.isdigit() and int(word) < 100 else [word]
        )
    ]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / words in the reference."""
    ref, hyp = normalised_words(reference), normalised_words(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, expected in enumerate(ref, start=1):
        current = [i]
        for j, heard in enumerate(hyp, start=1):
            substitution = previous[j - 1] + (expected != heard)
            current.append(min(previous[j] + 1, current[j - 1] + 1, substitution))
        previous = current
    return previous[-1] / max(1, len(ref))
