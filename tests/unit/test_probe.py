"""The readiness probe's own logic: its checks run beside a busy server, concurrent probes
share one run, and a probe that gave up never stops the next ones (web/health.py)."""

from __future__ import annotations

import threading
import time

import anyio
import anyio.to_thread
import pytest

from chancery.services.health import Check
from chancery.web import health
from chancery.web.health import Probe


def _counting(seconds: float = 0.0) -> tuple[Probe, list[int]]:
    calls: list[int] = []

    def database() -> Check:
        calls.append(1)
        time.sleep(seconds)
        return Check("database", True, {})

    return Probe(database, "database"), calls


def test_a_probe_answers_while_every_thread_of_the_server_is_busy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by a hostile test: with the pool's threads all serving pages, a probe waited for
    one, timed out, and the check it had reserved never ran, so every later probe said
    "an earlier check has not answered yet" until a restart."""
    monkeypatch.setattr(health, "CHECK_SECONDS", 0.5)
    probe, _ = _counting()
    release = threading.Event()

    async def main() -> list[Check]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 1
        answers = []
        async with anyio.create_task_group() as group:
            group.start_soon(lambda: anyio.to_thread.run_sync(release.wait))  # the one thread
            await anyio.sleep(0.05)
            answers.append(await probe.run())
            release.set()
        answers.append(await probe.run())
        return answers

    assert [a.ok for a in anyio.run(main)] == [True, True]


def test_probes_at_the_same_moment_share_one_run_and_all_pass() -> None:
    probe, calls = _counting(0.2)

    async def main() -> list[Check]:
        answers: list[Check] = []

        async def one() -> None:
            answers.append(await probe.run())

        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(one)
        return answers

    answers = anyio.run(main)
    assert len(answers) == 20 and all(a.ok for a in answers)
    assert len(calls) == 1


def test_a_stuck_check_fails_in_time_is_not_started_again_and_recovers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "CHECK_SECONDS", 0.2)
    release = threading.Event()
    calls: list[int] = []

    def database() -> Check:
        calls.append(1)
        release.wait(5)
        return Check("database", True, {})

    probe = Probe(database, "database")
    first = anyio.run(probe.run)
    assert (first.ok, first.details) == (False, {"error": "no answer within 0.2 s"})
    second = anyio.run(probe.run)
    assert (second.ok, second.details) == (False, {"error": "an earlier check has not answered yet"})
    assert len(calls) == 1
    release.set()
    time.sleep(0.05)
    assert anyio.run(probe.run).ok and len(calls) == 2


def test_a_check_that_raises_is_a_failed_check() -> None:
    def broken() -> Check:
        raise OSError("disk gone")

    answer = anyio.run(Probe(broken, "disk").run)
    assert (answer.name, answer.ok, answer.details) == ("disk", False, {"error": "disk gone"})
