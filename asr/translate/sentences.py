"""Sentence splitting by rule: no model, no download (argostranslate's own splitters fetch a
model on first use)."""

import re

# A sentence ends at . ! ? … (or their CJK forms) followed by space, unless the word before
# the full stop is a common abbreviation.
BOUNDARY = re.compile(r"(?<=[.!?…\u3002\uff01\uff1f])\s+")
ABBREVIATIONS = frozenset(
    {
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "prof.",
        "st.",
        "no.",
        "art.",
        "para.",
        "e.g.",
        "i.e.",
        "etc.",
        "sr.",
        "sra.",
        "núm.",
        "hr.",
        "fr.",
        "nr.",
        "z.b.",
        "m.",
        "mme.",
    }
)


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for piece in BOUNDARY.split(text.strip()):
        if not piece:
            continue
        if sentences and sentences[-1].rsplit(maxsplit=1)[-1].lower() in ABBREVIATIONS:
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return sentences
