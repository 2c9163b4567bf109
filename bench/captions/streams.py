"""Concurrent floor streams per recognition worker (run by hand; bounded in time).

    .venv/bin/python bench/captions/streams.py [--streams 1,2,3,4] [--threads 1]

One real ``RecognitionWorker`` (Whisper base, the machine's CPU or GPU) takes K streams at
once: K meetings, each with a speaker on the floor and listeners who read Spanish and
French, each fed the same espeak-ng statements in real time, 100 ms at a time, their
starts staggered. For each K it prints the latency from the end of each statement to its
final caption (p50, p95, max), the recognition real-time factor, the drafts skipped and
how many finals arrived. The largest K whose p95 stays within the target (2.5 s) is what a
worker can take on this machine: docs/capacity.md.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
DATA = Path(tempfile.mkdtemp(prefix="plenary-bench-streams-"))
os.environ["PLENARY_DATA_DIR"] = str(DATA)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")

import django  # noqa: E402

django.setup()

from channels.layers import BaseChannelLayer, get_channel_layer  # noqa: E402
from django.core.management import call_command  # noqa: E402
from prometheus_client import REGISTRY  # noqa: E402

from asr import SAMPLE_RATE, decode_file  # noqa: E402
from server.captions import services  # noqa: E402
from server.captions.messages import STREAMS_CHANNEL  # noqa: E402
from server.captions.models import Recording  # noqa: E402
from server.captions.speech import speech_engines  # noqa: E402
from server.captions.worker import RecognitionWorker  # noqa: E402
from server.common.asyncdb import db_async  # noqa: E402
from server.conferences.demo import PLENARY_SYMBOL, demo_load  # noqa: E402
from server.conferences.models import Meeting, Participant  # noqa: E402
from server.rooms import services as room_services  # noqa: E402
from server.rooms.events import group_name  # noqa: E402

STATEMENTS = [
    ("en", "The delegation of Canada supports the amendment to article four."),
    ("en", "We request a short suspension of the meeting to consult our capital."),
    ("es", "La delegación de México apoya la propuesta del presidente."),
    ("en", "Our government cannot accept the proposed wording of paragraph two."),
    ("es", "Agradecemos a la secretaría la preparación del informe."),
    ("en", "The committee will resume its work tomorrow morning at ten o'clock."),
]
PAUSE = 1.5
FRAME = SAMPLE_RATE // 10 * 2  # bytes in 100 ms of PCM16
TARGET_P95 = 2.5


def statements_audio() -> tuple[bytes, list[float]]:
    """The statements with pauses as PCM16, and the stream time at which each ends."""
    pieces, ends, at = [np.zeros(SAMPLE_RATE, np.float32)], [], 1.0
    for language, text in STATEMENTS:
        path = DATA / f"{abs(hash(text))}.wav"
        subprocess.run(
            ["espeak-ng", "-v", language, "-s", "150", "-w", str(path), text], check=True
        )
        (samples,) = decode_file(path, mono=True)
        at += len(samples) / SAMPLE_RATE
        ends.append(at)
        pieces += [samples, np.zeros(int(PAUSE * SAMPLE_RATE), np.float32)]
        at += PAUSE
    pcm = (np.clip(np.concatenate(pieces), -1, 1) * 32767).astype("<i2").tobytes()
    return pcm, ends


def meetings_with_speakers(count: int) -> list[Recording]:
    """``count`` open meetings, each with a speaker on the floor, a recording of the turn, and
    readers of Spanish and French present (so each final is translated)."""
    conference = demo_load()
    plenary = Meeting.objects.get(conference=conference, symbol=PLENARY_SYMBOL)
    people = {p.user.username: p for p in Participant.objects.filter(conference=conference)}
    recordings = []
    for index in range(count):
        meeting = Meeting.objects.create(
            conference=conference,
            title=f"Bench meeting {index}",
            status=Meeting.Status.OPEN,
            scheduled_start=plenary.scheduled_start,
        )
        for reader in ("spain", "france"):
            room_services.connection_open(
                meeting=meeting,
                participant=people[reader],
                channel_name=f"bench-{meeting.pk}-{reader}",
                server_id="bench",
            )
        room_services.floor_give(
            actor=people["chair"], meeting=meeting, participant_id=people["kenya"].pk
        )
        recording, _ = services.recording_open(
            meeting=meeting, participant=people["kenya"], format="pcm16"
        )
        recordings.append(recording)
    return recordings


async def speak(
    layer: BaseChannelLayer, recording: Recording, pcm: bytes, delay: float
) -> tuple[float, str]:
    """Open a stream for ``recording`` and feed it ``pcm`` in real time; returns the wall
    time of stream time 0 and the reply channel."""
    reply = await layer.new_channel()
    await layer.send(
        STREAMS_CHANNEL,
        {
            "type": "asr.open",
            "stream": f"bench-{recording.pk}",
            "reply": reply,
            "recording": recording.pk,
            "language": None,
            "languages": ["en", "es", "fr"],
            "start": 0.0,
        },
    )
    while (opened := await layer.receive(reply))["type"] != "asr.opened":
        pass
    worker = str(opened["worker"])
    await asyncio.sleep(delay)
    started = time.time()
    for index in range(0, len(pcm), FRAME):
        due = started + index / 2 / SAMPLE_RATE
        await asyncio.sleep(max(0.0, due - time.time()))
        await layer.send(
            worker,
            {
                "type": "asr.audio",
                "stream": f"bench-{recording.pk}",
                "at": index / 2 / SAMPLE_RATE,
                "pcm": pcm[index : index + FRAME],
            },
        )
    await layer.send(
        worker, {"type": "asr.close", "stream": f"bench-{recording.pk}", "flush": True}
    )
    return started, reply


async def finals_of(
    layer: BaseChannelLayer, meeting_id: int, until: float
) -> list[tuple[float, float]]:
    """(arrival wall time, end wall time) of each caption.final of the meeting."""
    channel = await layer.new_channel()
    await layer.group_add(group_name(meeting_id), channel)
    finals = []
    while time.time() < until:
        try:
            message = await asyncio.wait_for(layer.receive(channel), until - time.time())
        except TimeoutError:
            break
        if message.get("type") != "room.event":
            continue
        event = json.loads(str(message["text"]))
        if event["type"] == "caption.final":
            end = datetime.fromisoformat(event["data"]["end"]).timestamp()
            finals.append((time.time(), end))
    return finals


COUNTERS = (
    "plenary_asr_real_time_factor_sum",
    "plenary_asr_real_time_factor_count",
    "plenary_caption_drafts_skipped_total",
)


def sample(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(count: int, threads: int, pcm: bytes, ends: list[float]) -> None:
    layer = get_channel_layer()
    assert layer is not None
    recordings = await db_async(meetings_with_speakers)(count)
    worker = RecognitionWorker(layer, speech_engines, max_streams=count, threads=threads)
    running = asyncio.create_task(worker.run())
    await worker.ready.wait()
    before = {name: sample(name) for name in COUNTERS}
    cpu_before = time.process_time()
    until = time.time() + len(pcm) / 2 / SAMPLE_RATE + 8 + count
    listening = [asyncio.create_task(finals_of(layer, r.meeting_id, until)) for r in recordings]
    await asyncio.sleep(0.2)
    spoken = await asyncio.gather(
        *(speak(layer, r, pcm, i * 0.37) for i, r in enumerate(recordings))
    )
    heard = await asyncio.gather(*listening)
    running.cancel()
    # The worker's compute (recognition and translation) per second of audio of a stream:
    # what the machine's other load distorts less than latency.
    cpu = (time.process_time() - cpu_before) / (count * len(pcm) / 2 / SAMPLE_RATE)
    latencies, finals = [], 0
    for (started, _), recording, arrivals in zip(spoken, recordings, heard, strict=True):
        finals += len(arrivals)
        offset = recording.started_at.timestamp()
        for end in ends:
            wall_end = started + end
            near = [(at, e) for at, e in arrivals if abs(e - offset - end) < 1.2]
            if near:
                latencies.append(max(near, key=lambda pair: pair[1])[0] - wall_end)
    rtf_sum, rtf_count, drafts_skipped = (sample(name) - before[name] for name in COUNTERS)
    mean_rtf = rtf_sum / max(1.0, rtf_count)
    verdict = "ok" if latencies and percentile(latencies, 0.95) <= TARGET_P95 else "over target"
    print(
        f"{count} stream(s), {threads} thread(s): statement end → final "
        f"p50 {percentile(latencies, 0.5):.2f} s, p95 {percentile(latencies, 0.95):.2f} s, "
        f"max {max(latencies):.2f} s (n={len(latencies)}/{len(ends) * count}); "
        f"RTF per step {mean_rtf:.2f}; drafts skipped {drafts_skipped:.0f}; finals {finals}; "
        f"CPU {cpu:.2f} s per stream-second; load {os.getloadavg()[0]:.1f}; {verdict}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--streams", default="1,2,3,4")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    speech_engines()  # load once, before timing
    pcm, ends = statements_audio()
    print(f"{len(STATEMENTS)} statements, {len(pcm) / 2 / SAMPLE_RATE:.0f} s of audio per stream")
    for count in (int(c) for c in args.streams.split(",")):
        asyncio.run(run(count, args.threads, pcm, ends))


if __name__ == "__main__":
    main()
