"""Who counts as internal for /metrics and the details of /readyz: the address rule and the
token rule, and the settings that feed them refusing what they cannot read."""

from __future__ import annotations

import pytest

from chancery.config import load_settings
from chancery.http.internal import holds_token, is_internal, networks

INSIDE = networks(["127.0.0.1", "::1", "10.20.0.0/16", "2001:db8:5::/48"])


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "10.20.0.1", "10.20.255.254",
                                     "2001:db8:5::1", "::ffff:127.0.0.1", "::ffff:10.20.3.4",
                                     "2001:db8:5::1%eth0"])
def test_addresses_in_the_networks_are_internal(address: str) -> None:
    assert is_internal(address, INSIDE)


@pytest.mark.parametrize("address", ["127.0.0.2", "10.21.0.1", "2001:db8:6::1", "::2",
                                     "203.0.113.9", "testclient", "", "localhost",
                                     "10.20.0.1, 127.0.0.1", "::ffff:203.0.113.9"])
def test_other_addresses_and_names_are_not(address: str) -> None:
    assert not is_internal(address, INSIDE)


def test_the_token_opens_only_as_a_bearer_and_never_when_unset() -> None:
    assert holds_token("Bearer s3cret", "s3cret")
    assert holds_token("bearer  s3cret ", "s3cret")  # the scheme is case-insensitive
    for header in ("Bearer s3cre", "Bearer s3cret2", "Basic s3cret", "s3cret", "", "Bearer"):
        assert not holds_token(header, "s3cret"), header
    assert not holds_token("Bearer ", "") and not holds_token("Bearer", "")


def test_settings_refuse_what_they_cannot_read() -> None:
    """A mistyped network must not leave /metrics open to the wrong people (or to none):
    the server refuses to start; so does an unknown log format."""
    assert load_settings(internal_addresses="10.0.0.0/8, ::1").internal_addresses == \
        frozenset({"10.0.0.0/8", "::1"})
    for bad in ("10.0.0.0/33", "localhost", "127.0.0.1/8/8"):
        with pytest.raises(ValueError):
            load_settings(internal_addresses=bad)
    assert load_settings(log_format="JSON").log_format == "json"
    with pytest.raises(ValueError, match="log_format"):
        load_settings(log_format="yaml")
