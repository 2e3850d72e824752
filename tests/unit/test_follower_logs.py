"""The index follower's lines: JSON with log_format=json, as the web workers write theirs,
else the plain lines it always printed (found by a hostile test: it printed plain text in
either format, between the JSON lines a log collector reads)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from chancery.config import load_settings
from chancery.tasks.follower import _rounds
from chancery.telemetry import process_logs


@pytest.fixture
def root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def _two_rounds() -> None:
    """A round that caught 381 documents up, then one whose database was restarting."""
    stop = threading.Event()
    answers: list[int | Exception] = [381, RuntimeError("the database is restarting")]

    def step() -> int:
        if not answers:
            stop.set()
            return 0
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    _rounds("index", step, stop, 0)


def test_json_lines_with_log_format_json(tmp_path: Path, root_logger: None,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    process_logs(load_settings(data=str(tmp_path), log_format="json"))
    _two_rounds()
    out = capsys.readouterr()
    lines = [json.loads(line) for line in out.err.splitlines()]
    assert [(line["level"], line["logger"]) for line in lines] == [
        ("INFO", "chancery.follower"), ("WARNING", "chancery.follower")]
    assert lines[0]["message"].startswith("chancery index follower: 381 caught up in ")
    assert lines[1]["message"] == "chancery index follower: the database is restarting"
    assert out.out == ""


def test_plain_lines_on_stdout_otherwise(tmp_path: Path, root_logger: None,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    process_logs(load_settings(data=str(tmp_path)))
    _two_rounds()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("chancery index follower: 381 caught up in ")
    assert lines[1:] == ["chancery index follower: the database is restarting"]
