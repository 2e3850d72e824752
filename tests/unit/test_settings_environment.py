"""The settings a `serve --workers N` process is started with are the parent's own."""

from __future__ import annotations

import pytest

from chancery.config import SETTINGS, as_environment, load_settings


def test_settings_survive_the_trip_through_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = load_settings(data="/srv/archive", database_url="sqlite:////srv/c.sqlite3",
                           trusted_proxies="10.0.0.2, 10.0.0.1", search_rate_limit="7",
                           workers="3", archive_name="Archiv der Akten")
    env = as_environment(parent)
    assert set(env) == {s.env for s in SETTINGS}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert load_settings() == parent
