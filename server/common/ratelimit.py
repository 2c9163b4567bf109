"""A token bucket: ``rate`` tokens a second, at most ``burst`` saved up; and one bucket per
user for the room's operations, shared by that user's sockets and HTTP requests in this
process."""

import math
import threading
import time
from collections.abc import Callable

from django.conf import settings


class TokenBucket:
    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()  # the HTTP views take from it in their own threads

    def take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True

    def retry_after(self) -> int:
        """Whole seconds until the next token (at least 1)."""
        with self._lock:
            return max(1, math.ceil((1 - self._tokens) / self.rate))


_user_buckets: dict[int, TokenBucket] = {}
_user_buckets_lock = threading.Lock()


def user_bucket(user_id: int) -> TokenBucket:
    """The room-operations budget of one user (``ROOM_RATE_PER_SECOND``, bursts of
    ``ROOM_RATE_BURST``)."""
    with _user_buckets_lock:
        bucket = _user_buckets.get(user_id)
        if bucket is None:
            bucket = TokenBucket(settings.ROOM_RATE_PER_SECOND, settings.ROOM_RATE_BURST)
            _user_buckets[user_id] = bucket
        return bucket


def user_buckets_reset() -> None:
    """Forget every budget (tests, which reuse the same users)."""
    with _user_buckets_lock:
        _user_buckets.clear()
