"""The cluster that the smoke suite and the failure drills run against (``make
cluster-test``): one per test module, with the recognition workers the module asks for in
``ASR_WORKERS`` (default none), stopped and removed afterwards."""

from collections.abc import AsyncIterator, Iterator

import pytest

from deploy.cluster import Cluster
from tests.deploy.client import Delegate, Join, RoomClient, join_on


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    running = Cluster(web_processes=2, asr_workers=getattr(request.module, "ASR_WORKERS", 0))
    running.start()
    yield running
    running.stop()


@pytest.fixture
async def join(cluster: Cluster) -> AsyncIterator[Join]:
    opened: list[RoomClient] = []

    async def joining(username: str, process: int) -> RoomClient:
        room = await join_on(cluster, Delegate(cluster, username).log_in(), process)
        opened.append(room)
        return room

    yield joining
    for room in opened:
        await room.close()
