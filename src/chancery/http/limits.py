"""Per-client rate limits (a token bucket per address and budget): beyond one, 429 with
Retry-After. The buckets live in the catalogue, so that every server process (`serve
--workers N`) draws on the same budget; this process's own buckets stand in while the
catalogue is busy. Shared by the reading room, the API and IIIF, which each draw their own
budgets."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from chancery.storage.interface import BucketsBusy, RateBuckets

log = logging.getLogger("chancery.limits")


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


class SharedLimiter:
    """``per_minute`` requests a minute per client in one budget, counted in the catalogue."""

    def __init__(self, budget: str, per_minute: int, buckets: RateBuckets,
                 clock: Callable[[], float] = time.time) -> None:
        self.budget, self.per_minute = budget, per_minute
        self._buckets, self._clock = buckets, clock
        # while an import holds SQLite's write lock each process counts alone: a budget N
        # times too large for a moment, rather than no limit or requests queued behind it
        self._local = RateLimiter(per_minute)
        self._warned_at = -math.inf

    def wait_for(self, client: str) -> int:
        """0 when the request may go ahead (and is counted); else seconds to wait."""
        if self.per_minute <= 0:
            return 0
        try:
            wait = self._buckets.take(f"{self.budget}:{client}", self.per_minute, self._clock())
        except BucketsBusy as exc:
            if time.monotonic() - self._warned_at > 60:  # once a minute, not per request
                self._warned_at = time.monotonic()
                log.warning("rate limits counted in this process only: %s", exc)
            return self._local.wait_for(client)
        return max(1, math.ceil(wait)) if wait > 0 else 0

    async def wait_for_async(self, client: str) -> int:
        """wait_for, off the event loop (it writes to the database) unless there is no limit."""
        return await run_in_threadpool(self.wait_for, client) if self.per_minute > 0 else 0


def client_of(request: Request, trusted: frozenset[str]) -> str:
    """The client a request counts against (see client_address)."""
    peer = request.client.host if request.client else ""
    return client_address(peer, forwarded_for(request.headers), trusted)


def forwarded_for(headers: Headers) -> str:
    """Every X-Forwarded-For line, in order, as one list (RFC 9110 5.3): a proxy such as
    HAProxy (`option forwardfor`) adds a line of its own after the client's, so reading the
    first line alone read what the client wrote, and took it for the proxy's word."""
    return ", ".join(headers.getlist("x-forwarded-for"))
