"""Fixtures the integration tests share."""

from __future__ import annotations

import pytest

from tests.integration.sources import Clock


@pytest.fixture
def clock() -> Clock:
    """A clock the test moves, for accounts, sessions and tokens."""
    return Clock()
