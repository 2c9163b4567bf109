"""Interpretation benchmark (run by hand, as root: everything runs in a network namespace of
its own, tests/support/netns.py; nothing leaves it).

    .venv/bin/python bench/media/interpretation.py                  # 6 booths, N = 10, 50, 100
    .venv/bin/python bench/media/interpretation.py --listeners 20 --window 5

One Janus as Plenary configures it, with ``booths`` interpretation channels made by
``server.media.channels`` (AudioBridge room, Streaming mountpoint, the forward between them).
Each booth has one interpreter speaking (a plain RTP participant sending Opus speech,
unmuted by the admin API as the server unmutes the live holder). It prints:

* Janus's CPU with the booths mixing and no listener, then with N light listeners spread
  over the channels (aiortc peers watching a mountpoint, decoding off, as bench/media/run.py
  subscribes to the floor), per listener and listeners per core;
* a listener's channel switch: from the Streaming ``switch`` request to Janus's
  ``switched`` answer (no renegotiation: the next packet the peer gets is the new channel's);
* a handover: the admin API's unmute of the partner and mute of the holder sent together,
  the time until both are answered.
"""

import argparse
import asyncio
import contextlib
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.media.run import (  # noqa: E402
    JanusSocket,
    bench_django,
    bench_janus,
    data_field,
    measure,
    offer_answered,
    outside,
    plugin_field,
)

STATEMENT = "We support the draft decision on climate finance and we thank the chair."
MEETING = 77  # the booth rooms of meeting 77: 7701…


async def interpreter_speaks(
    socket: JanusSocket, room: int, participant: int, packets: list[bytes]
) -> asyncio.Task[None]:
    """A plain RTP interpreter in ``room``, sending ``packets`` (20 ms each) in a loop."""
    from server.media.admin import room_pin
    from server.media.channels import AUDIOBRIDGE, LOOPBACK
    from tests.support.rtp import rtp_packet

    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        asyncio.DatagramProtocol, local_addr=(LOOPBACK, 0)
    )
    port = transport.get_extra_info("sockname")[1]
    attached = await socket.request({"janus": "attach", "plugin": AUDIOBRIDGE})
    handle = int(str(data_field(attached, "id")))
    body = {
        "request": "join",
        "room": room,
        "id": participant,
        "pin": room_pin(room),
        "muted": True,
        "rtp": {"ip": LOOPBACK, "port": port, "payload_type": 111},
    }
    joined = await socket.request({"janus": "message", "handle_id": handle, "body": body})
    rtp = plugin_field(joined, "rtp")
    assert isinstance(rtp, dict), joined
    to = (str(rtp["ip"]), int(rtp["port"]))

    async def speak() -> None:
        start = loop.time()
        n = 0
        try:
            while True:
                payload = packets[n % len(packets)]
                transport.sendto(rtp_packet(payload, n, n * 960, participant), to)
                n += 1
                await asyncio.sleep(max(0.0, start + n * 0.02 - loop.time()))
        finally:
            transport.close()

    return asyncio.create_task(speak())


async def listener_start(socket: JanusSocket, mountpoint: int) -> tuple[object, int]:
    """One aiortc listener watching ``mountpoint``: attach, watch, answer, start."""

    from server.media.admin import room_pin
    from server.media.channels import STREAMING

    attached = await socket.request({"janus": "attach", "plugin": STREAMING})
    handle = int(str(data_field(attached, "id")))
    watch = {"request": "watch", "id": mountpoint, "pin": room_pin(mountpoint)}
    offered = await socket.request({"janus": "message", "handle_id": handle, "body": watch})
    return await offer_answered(socket, handle, offered), handle


async def inside(args: argparse.Namespace) -> None:
    folder = bench_django("plenary-bench-interpretation-")
    from aiortc import RTCPeerConnection

    from asr import pcm16_to_float
    from server.media.admin import JanusAdmin
    from server.media.channels import ChannelAdmin
    from server.media.rooms import media_room
    from server.media.tokens import core_token
    from tests.support.fake_capture import speech_wav
    from tests.support.rtp import opus_packets

    janus = bench_janus(folder)
    assert janus.process is not None
    pid = janus.process.pid
    channels = ChannelAdmin(JanusAdmin(janus.admin_url))
    rooms = [media_room(MEETING, channel) for channel in range(1, args.booths + 1)]
    for room in rooms:
        await channels.booth_create(room, rtp_participants=True)
        await channels.channel_ensure(room)
    wav = speech_wav(STATEMENT, folder / "statement.wav")
    import wave

    with wave.open(str(wav)) as reader:
        pcm = reader.readframes(reader.getnframes())
    packets = opus_packets(pcm16_to_float(pcm))
    socket = JanusSocket(janus.ws_url, core_token(3600).text)
    await socket.open()
    speakers = []
    for n, room in enumerate(rooms):
        speakers.append(await interpreter_speaks(socket, room, 1000 + n, packets))
        await channels.booth_mute(room, 1000 + n, mute=False)
        await interpreter_speaks(socket, room, 2000 + n, packets)  # the partner, muted
    await asyncio.sleep(2)
    baseline = await measure(pid, args.window)
    print(
        f"Janus with {args.booths} booths mixing (2 interpreters each, one live), "
        f"no listener: {baseline.janus * 100:.1f} % of a core"
    )

    # a handover in each booth: unmute the partner and mute the holder together
    handovers = []
    for n, room in enumerate(rooms):
        start = time.monotonic()
        await asyncio.gather(
            channels.booth_mute(room, 2000 + n, mute=False),
            channels.booth_mute(room, 1000 + n, mute=True),
        )
        handovers.append((time.monotonic() - start) * 1000)
    print(
        f"handover (admin API unmute + mute together): median {statistics.median(handovers):.0f}"
        f" ms, max {max(handovers):.0f} ms over {len(handovers)} booths"
    )

    print(
        f"{'listeners':>10}{'receiving':>11}{'Janus %core':>13}{'per listener %':>16}"
        f"{'listeners/core':>16}{'generator %':>13}"
    )
    for count in args.listeners:
        listening = JanusSocket(janus.ws_url, core_token(3600).text)
        await listening.open()
        pcs: list[RTCPeerConnection] = []
        handles: list[int] = []
        try:
            for n in range(count):
                pc, handle = await listener_start(listening, rooms[n % len(rooms)])
                assert isinstance(pc, RTCPeerConnection)
                pcs.append(pc)
                handles.append(handle)
            deadline = time.monotonic() + 60
            while any(pc.connectionState != "connected" for pc in pcs):
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(2)
            before = [await received(pc) for pc in pcs]
            cpu = await measure(pid, args.window)
            after = [await received(pc) for pc in pcs]
            receiving = sum(1 for a, b in zip(before, after, strict=True) if b > a)
            per = max(cpu.janus - baseline.janus, 0.0) / count
            per_core = f"{1 / per:.0f}" if per > 0 else "-"
            print(
                f"{count:>10}{receiving:>11}{cpu.janus * 100:>13.1f}{per * 100:>16.2f}"
                f"{per_core:>16}{cpu.generator * 100:>13.0f}"
            )
            if count == args.listeners[0]:
                await switch_times(listening, handles, rooms)
        finally:
            await asyncio.gather(*(pc.close() for pc in pcs), return_exceptions=True)
            await listening.close()
    for speaker in speakers:
        speaker.cancel()
    with contextlib.suppress(Exception):
        await socket.close()
    janus.stop()


async def received(pc: object) -> int:
    from aiortc import RTCPeerConnection
    from aiortc.stats import RTCTransportStats

    assert isinstance(pc, RTCPeerConnection)
    report = await pc.getStats()
    return sum(s.bytesReceived for s in report.values() if isinstance(s, RTCTransportStats))


async def switch_times(socket: JanusSocket, handles: list[int], rooms: list[int]) -> None:
    """Each listener switches to the next channel: the time to Janus's ``switched``."""
    times = []
    for n, handle in enumerate(handles[: len(rooms) * 2]):
        target = rooms[(n + 1) % len(rooms)]
        start = time.monotonic()
        reply = await socket.request(
            {"janus": "message", "handle_id": handle, "body": {"request": "switch", "id": target}}
        )
        times.append((time.monotonic() - start) * 1000)
        result = plugin_field(reply, "result")
        if not isinstance(result, dict) or result.get("switched") != "ok":
            print(f"switch refused: {reply.get('plugindata')}")
    if times:
        print(
            f"channel switch (request to Janus's answer, no renegotiation): median "
            f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms over {len(times)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--listeners",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[10, 50, 100],
        help="listener counts, comma-separated (default 10,50,100)",
    )
    parser.add_argument("--booths", type=int, default=6, help="interpretation booths (6)")
    parser.add_argument("--window", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        asyncio.run(inside(args))
    else:
        outside(__file__)


if __name__ == "__main__":
    main()
