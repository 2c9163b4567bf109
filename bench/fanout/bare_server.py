"""The limit: a bare ``websockets`` broadcast server. The first message of a connection
that says ``publish`` makes it the publisher; everything it sends is stamped with a
sequence number and broadcast to every other connection."""

import asyncio
import json
import sys

from websockets.asyncio.server import ServerConnection, broadcast, serve

listeners: set[ServerConnection] = set()
sequence = 0


async def handler(socket: ServerConnection) -> None:
    global sequence
    first = await socket.recv()
    if first != "publish":
        listeners.add(socket)
        snapshot = {"type": "snapshot", "seq": sequence}
        await socket.send(json.dumps(snapshot, separators=(",", ":")))
        try:
            await socket.wait_closed()
        finally:
            listeners.discard(socket)
        return
    async for message in socket:
        sequence += 1
        text = json.loads(message)["data"]["text"]
        event = {"type": "chat.message", "seq": sequence, "data": {"text": text}}
        broadcast(listeners, json.dumps(event, separators=(",", ":")))


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, max_queue=None):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
