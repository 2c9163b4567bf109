"""Cold start: a server that recognises speech itself loads and warms its recogniser as it
starts; ``/readyz`` waits for it, a speaker who comes sooner is told captions are starting,
and their first statement is captioned completely."""

import asyncio
import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.test import AsyncClient

from asr.wer import normalised_words
from server.captions import speech
from tests.support.server import ServerProcess

from .conftest import near_offline, offline_text
from .conftest import speech as spoken_audio
from .test_worker_process import captions_until_quiet, finals_text, give_floor_to_spain, next_of
from .test_worker_process import speak as send_audio

pytestmark = [pytest.mark.slow]

STATEMENT = "Spain thanks the chair and supports the draft decision on the fund for adaptation."


def readyz(server: ServerProcess) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"{server.url}/readyz", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


async def statuses_until_live(microphone: Any) -> list[str]:
    states: list[str] = []
    while not states or states[-1] != "live":
        states.append((await next_of(microphone, "audio.status", timeout=120))["state"])
    return states


async def test_cold_start_the_first_statement_after_a_server_start_is_captioned_completely(
    data_dir: Path, tmp_path: Path
) -> None:
    env = {"PLENARY_ASR_PRELOAD": "1", "PLENARY_ASR_WORKER_TIMEOUT": "2"}
    server = ServerProcess(data_dir, env)
    server.prepare()
    server.start()
    try:
        # The speaker comes at once, before the recogniser is ready, and speaks at once.
        kenya, microphone = await give_floor_to_spain(server)
        audio = spoken_audio(STATEMENT, "en", tmp_path, pause=2.0)
        speaking = asyncio.create_task(send_audio(microphone, audio))
        states = await statuses_until_live(microphone)
        assert set(states) <= {"starting", "live"}, states  # never "no worker available"
        await speaking
        events: list[dict[str, Any]] = []
        deadline = time.monotonic() + 120  # a busy machine may take long; none lost meanwhile
        while not {"thanks", "adaptation"} <= set(normalised_words(finals_text(events))):
            assert time.monotonic() < deadline, finals_text(events)
            events += await captions_until_quiet(kenya, quiet=5.0)
        offline = await asyncio.to_thread(offline_text, audio, "en")
        near_offline(STATEMENT, finals_text(events), offline)
        status, body = readyz(server)
        assert (status, body["checks"]["recognition"]) == (200, "ok")
        await microphone.close()
        await kenya.close()
    finally:
        server.stop()
    assert "the speech engines could not be loaded" not in server.log()


@pytest.mark.django_db(transaction=True)
async def test_cold_start_readyz_says_not_ready_until_the_recogniser_is_warm() -> None:
    speech.speech_engines_preload()
    response = await AsyncClient().get("/readyz")
    if speech.recognition_readiness() != "ok":  # the engines may already be loaded here
        assert response.status_code == 503
        assert response.json()["checks"]["recognition"] == "loading the speech recogniser"
    deadline = time.monotonic() + 120
    while speech.recognition_readiness() != "ok":
        assert time.monotonic() < deadline, speech.recognition_readiness()
        await asyncio.sleep(0.2)
    response = await AsyncClient().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["recognition"] == "ok"
