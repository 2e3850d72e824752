"""The rate limiter's bucket and who counts as the client behind a reverse proxy."""

from __future__ import annotations

from chancery.http.limits import RateLimiter, client_address

PROXY = frozenset({"10.0.0.1", "10.0.0.2"})


def test_a_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])  # one a second, bursts of 60
    assert all(limiter.wait_for("a") == 0 for _ in range(60))
    assert limiter.wait_for("a") == 1 and limiter.wait_for("b") == 0
    now[0] += 1.0
    assert limiter.wait_for("a") == 0
    assert RateLimiter(0).wait_for("a") == 0  # 0: no limit


def test_the_client_behind_trusted_proxies_and_no_one_else() -> None:
    assert client_address("203.0.113.9", "198.51.100.1", PROXY) == "203.0.113.9"  # not a proxy
    assert client_address("10.0.0.1", "198.51.100.1", PROXY) == "198.51.100.1"
    # a client writing its own header cannot choose its bucket: read from the proxy's end
    assert client_address("10.0.0.1", "1.2.3.4, 198.51.100.1, 10.0.0.2", PROXY) == "198.51.100.1"
    assert client_address("10.0.0.1", "", PROXY) == "10.0.0.1"
