"""Whether the job broker answers, for the readiness check (services/health.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

PING_SECONDS = 1.0  # a broker on the same network answers in a millisecond


def broker_ping(url: str) -> Callable[[], None] | None:
    """A call that raises when the broker at ``url`` does not answer; None without a broker.
    Only Redis is asked (the broker Chancery documents); another kind is not checked."""
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        return None
    return partial(ping_redis, url)


def ping_redis(url: str, timeout: float = PING_SECONDS) -> None:
    """PING the Redis server at ``url`` on a connection of its own, within ``timeout``."""
    import redis  # celery's own dependency; loaded only when a broker is set

    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()
