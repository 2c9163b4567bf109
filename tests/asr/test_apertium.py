"""Apertium's long-lived null-flush pipelines: the same output as ``apertium -u``, one set of
processes for many sentences and threads, a restart after a crash, a timeout on a hang."""

import os
import shutil
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from asr.errors import TranslationTimeout
from asr.translate.apertium import ApertiumPipeline, ApertiumTranslator, escape, unescape

pytestmark = pytest.mark.skipif(
    shutil.which("apertium") is None or not ApertiumTranslator().pairs(),
    reason="apertium is not installed (make test installs it)",
)

SENTENCES = [
    "The delegation of Spain supports the proposal.",
    "We thank the ZXBB for the draft [resolution] in brackets.",
    "Costs $5 <b> a/b @home {x} back\\slash ~tilde ^caret.",
    "Are there any objections? I see none",
    "The meeting rose at 6 p.m.",
]


def apertium_u(text: str, mode: str) -> str:
    return subprocess.run(
        ["apertium", "-u", mode], input=text, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_escaping_round_trips() -> None:
    for text in SENTENCES:
        assert unescape(escape(text)) == text


def test_the_pipeline_translates_as_apertium_does_without_a_process_per_sentence() -> None:
    apertium = ApertiumTranslator()
    pipeline = apertium.pipeline("en", "es")
    for text in SENTENCES:
        assert apertium.translate(text, "en", "es") == apertium_u(text, "eng-spa")
    pids = pipeline.pids
    assert len(pids) > 5  # every stage of the mode
    apertium.translate("One more sentence.", "en", "es")
    assert pipeline.pids == pids
    assert apertium.translate("La delegación apoya la propuesta.", "es", "fr") == apertium_u(
        "La delegación apoya la propuesta.", "es-fr"
    )
    apertium.close()


def test_threads_share_a_pipeline() -> None:
    apertium = ApertiumTranslator()
    sentences = [f"The committee adopted draft resolution {n} without a vote." for n in range(24)]
    alone = [apertium.translate(s, "en", "es") for s in sentences]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda s: apertium.translate(s, "en", "es"), sentences))
    assert together == alone
    apertium.close()


def test_a_killed_pipeline_restarts() -> None:
    apertium = ApertiumTranslator()
    pipeline = apertium.pipeline("en", "es")
    before = apertium.translate("We thank the secretariat.", "en", "es")
    killed = pipeline.pids[len(pipeline.pids) // 2]
    os.kill(killed, signal.SIGKILL)
    assert apertium.translate("We thank the secretariat.", "en", "es") == before
    assert killed not in pipeline.pids
    apertium.close()


def test_a_hung_pipeline_times_out_and_the_next_sentence_translates() -> None:
    apertium = ApertiumTranslator()
    mode = apertium.pipeline("en", "es").mode
    pipeline = ApertiumPipeline(mode, timeout=0.5)
    assert pipeline.translate("Good morning.") == "Buenos días."
    hung = pipeline.pids[0]
    os.kill(hung, signal.SIGSTOP)
    with pytest.raises(TranslationTimeout, match=r"took more than 0\.5 s"):
        pipeline.translate("We thank the secretariat.")
    assert pipeline.pids == []  # killed, not left hanging
    assert pipeline.translate("Good morning.") == "Buenos días."
    pipeline.close()
