"""The public dataset downloads (documents.jsonl, documents.csv) as files made ahead of time.

A download of the whole archive is read from a file, never made per request (made per request,
eight of them held the CPU for 130-170 s each). The files are made in the background: when the
server starts without current ones, and whenever the catalogue has changed since (checked every
few seconds, so an import run from another process is followed). Of several server processes
one makes them (a lock file) while the others go on serving.

A file made before the catalogue's last change is never served: that change may have withdrawn
a document, and the reader waits (503 with Retry-After) rather than receive it. A file made on
an earlier day with no change since is served while today's is made: the date alone only ends
embargoes, so yesterday's file lacks documents but shows none that is hidden.

After the first, the files are made from the last ones and the documents changed since
(download_files.py): seconds at a million documents, where a whole file took an hour, during
which every change left the downloads unavailable."""

from __future__ import annotations

import contextlib
import fcntl
import filecmp
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from chancery import __version__
from chancery.services import download_files
from chancery.services.clock import today
from chancery.storage.interface import Catalogue

KINDS = ("jsonl", "csv")  # the formats made (download_files.py writes both in one pass)
POLL_S = 10.0  # how soon a change made by another process (an import) is noticed
_NICE = 10  # made at a lower priority than the readers' requests
_KEEP = 2  # generations kept: a reader may still be sent the one before the newest
log = logging.getLogger("chancery.downloads")


class Aborted(Exception):
    """The server is stopping: the file being made is left unfinished."""


# A file is made from the last one of the same version only: the package's, and the records'
# (download_files.RECORDS, raised whenever a record is written differently), since the
# lines of the documents that did not change are copied as they were.
_VERSION = f"{__version__}+r{download_files.RECORDS}"
_STAMP = re.compile(r"^(?P<stamp>documents-(?P<version>.+)-(?P<changes>\d{12})-(?P<day>\d{8}))\.")


def _stamp(path: Path) -> str:
    m = _STAMP.match(path.name)
    return m["stamp"] if m else path.name


def _keep_date(before: Path, made: Path) -> None:
    """``made`` dated as ``before``, the same file: its Last-Modified and ETag stay put."""
    kept = before.stat()
    os.utime(made, ns=(kept.st_atime_ns, kept.st_mtime_ns))


def _name(changes: int, day: date, ext: str) -> str:
    # the version too: a new Chancery may write records differently (and leave more out)
    return f"documents-{_VERSION}-{changes:012d}-{day:%Y%m%d}.{ext}"


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[bool]:
    """True when this process holds the lock file; False when another one does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class PublicDownloads:
    """The download files in one folder, kept up to date by one background thread."""

    def __init__(self, catalogue: Catalogue, folder: Path, poll_s: float = POLL_S) -> None:
        self.catalogue, self.folder, self.poll_s = catalogue, folder, poll_s
        self._lock = threading.Lock()
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self._serving = False

    def current(self, ext: str, wait_s: float = 0.0) -> Path | None:
        """The file to send for ``ext`` now, or None while a current one is being made
        (waiting up to ``wait_s`` for it: a small archive's takes a moment)."""
        deadline = time.monotonic() + wait_s
        while True:
            found, fresh = self._file(ext)
            if not fresh:
                self.wake()
            if found is not None or time.monotonic() >= deadline:
                return found
            time.sleep(0.2)

    def _file(self, ext: str) -> tuple[Path | None, bool]:
        """Today's file for the catalogue as it is, else one of an earlier day with no change
        since (and False: a newer one is wanted)."""
        exact = self.folder / _name(self.catalogue.changes(), today(), ext)
        if exact.exists():
            return exact, True
        same_changes = exact.name[:exact.name.rindex("-")]
        earlier = sorted(p for p in self.folder.glob(f"{same_changes}-*.{ext}")
                         if p.name < exact.name)
        return (earlier[-1] if earlier else None), False

    def refresh(self) -> bool:
        """Make the files for the catalogue as it is now; False when they exist already or
        another process is making them. Made from the last files and what changed since
        when there are such files (download_files.py), else whole."""
        changes, day = self.catalogue.changes(), today()
        targets = {ext: self.folder / _name(changes, day, ext) for ext in KINDS}
        if all(p.exists() for p in targets.values()):
            return False
        with _exclusive(self.folder / ".lock") as mine:
            if not mine:
                return False
            base = self._base(changes, day)
            if base is None:
                download_files.write_whole(self.catalogue, targets, day, self._going)
                for ext, target in targets.items():
                    self._keep_date_if_same(target, ext)
            else:
                self._patch(base, targets, day)
            self._prune()
        return True

    def _patch(self, base: download_files.Base, targets: dict[str, Path], day: date) -> None:
        changed = download_files.changed_since(self.catalogue, base, day)
        try:
            same = download_files.write_patched(self.catalogue, base, changed, targets, day,
                                                self._going)
        except download_files.BaseDamaged:
            log.exception("the last dataset downloads are damaged: made whole again")
            download_files.write_whole(self.catalogue, targets, day, self._going)
            return
        if same:
            for ext, target in targets.items():
                _keep_date(base.files[ext], target)

    def _base(self, changes: int, day: date) -> download_files.Base | None:
        """The newest files of this version made for an earlier state, with their lists."""
        made = []
        for path in self.folder.glob(f"documents-{_VERSION}-*.jsonl"):
            m = _STAMP.match(path.name)
            if m is None or m["version"] != _VERSION:
                continue
            files = {ext: path.with_name(f"{m['stamp']}.{ext}") for ext in KINDS}
            if all(f.exists() and download_files.has_list(f) for f in files.values()):
                made.append((int(m["changes"]), m["day"], files))
        # by change count and day both: a base from a later day (a clock put back, or
        # another machine's ahead) holds documents whose embargo has not ended here yet
        earlier = [b for b in made if b[0] <= changes and b[1] <= f"{day:%Y%m%d}"]
        if not earlier:
            return None
        found, stamp, files = max(earlier, key=lambda b: (b[0], b[1]))
        return download_files.Base(files, found, datetime.strptime(stamp, "%Y%m%d").date())

    def _going(self) -> None:
        if self._stop.is_set():
            raise Aborted

    def _keep_date_if_same(self, made: Path, ext: str) -> None:
        """A file the same as the one before it keeps that one's date, so its Last-Modified
        and ETag (made from the date and size) stay put: a change the public cannot see, such
        as a draft imported, must not show in the download's headers either."""
        others = [p for p in self.folder.glob(f"documents-*.{ext}") if p != made]
        if not others:
            return
        before = max(others, key=lambda p: p.stat().st_ctime_ns)
        if filecmp.cmp(before, made, shallow=False):
            _keep_date(before, made)

    def _prune(self) -> None:
        for unfinished in self.folder.glob("documents-*.part"):  # left by a killed process
            unfinished.unlink(missing_ok=True)
        # by when each was made: st_mtime may be a kept date (_keep_date_if_same); a file
        # and its list of lines (download_files.py) go together
        made = sorted(self.folder.glob("documents-*"), key=lambda p: p.stat().st_ctime_ns)
        stamps = list(dict.fromkeys(_stamp(p) for p in reversed(made)))
        for path in made:
            if _stamp(path) not in stamps[:_KEEP]:
                path.unlink(missing_ok=True)

    def start(self) -> None:
        """Keep the files current while the server runs (made now if missing or stale)."""
        self._stop.clear()
        self._serving = True
        self.wake()

    def stop(self) -> None:
        """Stop the background thread (a file half made is left unfinished)."""
        self._serving = False
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=10)

    def wake(self) -> None:
        """Look for a change now (started on demand when the server did not start it)."""
        with self._lock:
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="chancery-downloads",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        with contextlib.suppress(AttributeError, OSError):  # a thread has its own nice value
            me = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + _NICE))
        while self._next_round():
            try:
                self.refresh()
            except Aborted:
                continue
            except Exception:  # the old files stay; the operator sees why
                log.exception("the dataset downloads could not be made")
            if self._serving:
                self._wake.wait(self.poll_s)

    def _next_round(self) -> bool:
        """Whether to look again. When not, the thread is forgotten under the lock, so that a
        wake() from then on starts a new one."""
        with self._lock:
            again = not self._stop.is_set() and (self._serving or self._wake.is_set())
            if again:
                self._wake.clear()
            else:
                self._thread = None
            return again
