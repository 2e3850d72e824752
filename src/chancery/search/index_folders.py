"""Which folder under the index folder is the one searched, so that a rebuild can be made
beside it and searches move to it in one rename (`chancery reindex` during an upgrade).

The index folder holds the index itself (an archive never rebuilt this way: the files lie
in the folder) or generation folders ``gen-<n>`` and a file ``CURRENT`` naming the one
searched. Replacing ``CURRENT`` (written aside, then renamed over it) is atomic: a process
reads the old name or the new one, never neither, and each process notices the change on its
next search and opens the new folder. The old folder is removed after the switch; a process
still searching it keeps its files, which are mapped (on POSIX, removing a mapped file
leaves the mapping)."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from pathlib import Path

from chancery.search.interface import IndexBusy

CURRENT = "CURRENT"
REBUILDING = "REBUILDING.lock"  # held by the one rebuild under way (fcntl: freed at exit)
_GENERATION = re.compile(r"gen-\d+(-\d+)?")
# the files an index of the first layout keeps in the index folder itself: Tantivy's
# (segments, meta.json, .managed.json) and ours; not its lock files, which another process
# may hold
_ROOT_FILE = re.compile(r"[0-9a-f]{32}\.[a-z0-9.]+|meta\.json|\.managed\.json|"
                        r"chancery-index\.json(\.tmp)?")


def current(root: Path) -> Path:
    """The folder of the index searched: the generation ``CURRENT`` names, or ``root``."""
    try:
        name = (root / CURRENT).read_text().strip()
    except OSError:
        return root
    return root / name if _GENERATION.fullmatch(name) else root


class RebuildRunning(IndexBusy):
    """Another process is building an index beside the one searched."""


def hold_rebuild(root: Path) -> int:
    """The rebuild lock of ``root``, taken (a file descriptor to close when the rebuild is
    done; the system frees it when the process ends). Two rebuilds at once each removed the
    other's folder as left over, and the index named a folder that was gone (#14)."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / REBUILDING, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise RebuildRunning(f"another process is rebuilding the search index at {root}: "
                             "wait for it to finish") from None
    return fd


def beside(root: Path, generation: int) -> Path:
    """A new, empty folder for an index of ``generation`` next to the one searched (what a
    build that never finished left there is removed)."""
    searched = current(root)
    for folder in root.glob("gen-*"):
        if folder != searched and _GENERATION.fullmatch(folder.name):
            shutil.rmtree(folder, ignore_errors=True)
    folder = root / f"gen-{generation}"
    if folder == searched:  # the catalogue's generation went back (a restore): start apart
        folder = root / f"gen-{generation}-{len(list(root.glob('gen-*')))}"
    folder.mkdir(parents=True)
    return folder


def switch(root: Path, folder: Path) -> None:
    """Make ``folder`` (made by ``beside``) the one searched, in one rename, and remove the
    one searched before."""
    if folder.parent != root or not _GENERATION.fullmatch(folder.name):
        raise ValueError(f"{folder} is not an index folder of {root}")
    old = current(root)
    tmp = root / (CURRENT + ".tmp")
    tmp.write_text(folder.name)
    tmp.replace(root / CURRENT)
    if old == root:  # the first layout: its files lie beside the generation folders
        for entry in root.iterdir():
            if entry.is_file() and _ROOT_FILE.fullmatch(entry.name):
                entry.unlink(missing_ok=True)
    else:
        shutil.rmtree(old, ignore_errors=True)
