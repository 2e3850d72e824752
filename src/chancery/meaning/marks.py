"""The mark a node's vector index keeps beside it: the catalogue's vector sequence number
its saved copy holds, written after the index (a crash between the two re-applies a few
changes, which is harmless: adding and removing are idempotent), and a lock file so that two
followers on one machine (serve's and a command's) take turns."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FILE = "followed"


class FileMark:
    """The mark in ``folder/followed`` and the lock in ``folder/.lock``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self) -> int | None:
        """The sequence number the saved index holds; None: no index yet."""
        try:
            return int((self.folder / FILE).read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def write(self, seen: int) -> None:
        """Record it atomically."""
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".followed-")
        with os.fdopen(fd, "w") as out:
            out.write(f"{seen}\n")
        os.replace(tmp, self.folder / FILE)

    @contextmanager
    def held(self) -> Iterator[None]:
        """This machine's follow lock, for one round."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
