"""The cluster that the smoke suite and the failure drills run against (``make
cluster-test``): one per test module, stopped and removed afterwards."""

from collections.abc import Iterator

import pytest

from deploy.cluster import Cluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    running = Cluster(web_processes=2, asr_workers=0)
    running.start()
    yield running
    running.stop()
