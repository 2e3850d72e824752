"""A per-client rate limit (a token bucket per address): beyond it, 429 with Retry-After."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    """``per_minute`` requests a minute per client, with bursts up to the same number."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)
        self._lock = threading.Lock()

    def wait_for(self, client: str) -> int:
        """0 when the request may go ahead (and is counted); else seconds to wait."""
        if self.rate <= 0:
            return 0
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                self._forget_idle(now)
                return 0
            self._buckets[client] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self.rate))

    def _forget_idle(self, now: float) -> None:
        # a client idle long enough to have a full bucket needs no entry
        if len(self._buckets) > 10_000:
            full = self.capacity / self.rate if self.rate else 0
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}


def client_address(peer: str, forwarded_for: str, trusted: frozenset[str]) -> str:
    """Who is asking: the connecting address, or, when that is a trusted reverse proxy, the
    nearest address in X-Forwarded-For that is not one of ours (a client can write anything
    at the far end of that header, so it is read from the proxy's end)."""
    if peer not in trusted:
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if hop not in trusted:
            return hop
    return peer
