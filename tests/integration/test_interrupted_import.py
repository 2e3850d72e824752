"""An import killed with SIGKILL: its helper processes die with it, `chancery check` reports
the search index left behind, and `check --repair` (or the next `serve`) catches it up."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chancery.bootstrap import build_app
from chancery.config import load_settings
from chancery.domain.publication import Actor
from chancery.services.clock import today
from tests.conftest import CORPUS, need

pytestmark = [pytest.mark.corpus]
CORE = CORPUS / "frus" / "core"


CLI = str(Path(sys.executable).with_name("chancery"))


def _chancery(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "--data", str(data), *args], capture_output=True, text=True,
                          timeout=300, check=False)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has died; only its exit status is left


def _stored(data: Path) -> int:
    try:
        with sqlite3.connect(f"file:{data / 'catalogue.sqlite3'}?mode=ro", uri=True) as db:
            return int(db.execute("select count(*) from documents").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_killed_import_is_reported_and_repaired(tmp_path: Path) -> None:
    need(CORE.is_dir(), f"FRUS corpus not found at {CORE}")
    data = tmp_path / "data"
    first = _chancery(data, "import", str(CORE / "frus1961-63v06.xml"))
    assert first.returncode == 0, first.stdout + first.stderr
    before = _stored(data)
    big = [str(CORE / n) for n in ("frus1958-60v08.xml", "frus1958-60v09.xml", "frus1961-63v05.xml")]
    proc = subprocess.Popen([CLI, "--data", str(data), "import", *big],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _stored(data) < before + 50 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    helpers = _children(proc.pid)
    assert proc.poll() is None and helpers, "the import ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    for _ in range(100):  # the parser process goes with it
        if not any(_alive(p) for p in helpers):
            break
        time.sleep(0.05)
    assert not any(_alive(p) for p in helpers), "helper processes outlived the killed import"

    check = _chancery(data, "check")
    assert check.returncode == 1 and "behind the catalogue" in check.stdout, check.stdout
    repair = _chancery(data, "check", "--repair")
    assert repair.returncode == 0, repair.stdout + repair.stderr
    app = build_app(load_settings(data=str(data), database_url=""))
    try:
        found = app.search.documents("", actor=Actor.EDITOR, facets=False).results.total
        assert found == app.catalogue.count_documents(Actor.EDITOR, today()) > before
    finally:
        app.catalogue.dispose()
