"""Who may read the operator's figures (/metrics, the details of /readyz): an internal
address, or whoever holds the metrics token. Counts of jobs and documents reveal how many
drafts exist, so everyone else is answered as if there were nothing to see."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable

from fastapi import Request

from chancery.config import Settings
from chancery.http.limits import client_of

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """The internal_addresses setting as networks (an address alone is a network of one)."""
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def is_internal(address: str, inside: tuple[Network, ...]) -> bool:
    """Whether ``address`` lies in one of the networks; a name that is no address (a test
    client's "testclient", a Unix socket's empty peer) never does."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # fe80::1%eth0: the zone aside
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a dual-stack socket's ::ffff:127.0.0.1 is 127.0.0.1
    return any(ip.version == net.version and ip in net for net in inside)


def holds_token(authorization: str, token: str) -> bool:
    """Whether an Authorization header is ``Bearer <token>``; never with no token set."""
    scheme, _, given = authorization.partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


class InternalReaders:
    """The rule, built once from the settings."""

    def __init__(self, settings: Settings) -> None:
        self._inside = networks(settings.internal_addresses)
        self._trusted = settings.trusted_proxies
        self._token = settings.metrics_token

    def may_see(self, request: Request) -> bool:
        """Whether this request may read the operator's figures. The client is read as the
        rate limits read it: behind a trusted proxy, from its X-Forwarded-For."""
        if holds_token(request.headers.get("authorization", ""), self._token):
            return True
        return is_internal(client_of(request, self._trusted), self._inside)
