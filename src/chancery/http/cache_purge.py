"""Telling the shared caches in front of the archive (nginx with Debian's cache-purge module,
or anything that takes ``PURGE /path``) to drop a document's pages the moment the workspace
takes something away: a withdrawal, an embargo, a redaction, a purge, a revert.

Pages an anonymous reader gets may be kept by a shared cache for ``cache_max_age`` seconds
(web/page_cache.py). That is the window for every page; the purge shortens it to the time a
request takes for the pages that show the document itself. The purge runs in one background
thread with a short timeout, so a cache that is down slows no editor: the failure is logged and
the page expires with its window. With read replicas it is sent once more after the replicas'
longest allowed lag: a cache refilled from a replica that had not yet replayed the change in
between would otherwise keep the old page for a whole window."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import quote

from chancery.domain.publication import Actor
from chancery.http.addresses import collection_url, doc_url
from chancery.services.clock import today
from chancery.storage.interface import Catalogue, StoredDocument

log = logging.getLogger("chancery.cache")
TIMEOUT_S = 2.0  # a cache on the same network answers a PURGE in milliseconds
# the API's reads of one document; /similar and /texts are links every document page makes
_API_PARTS = ("", "/texts", "/relations", "/citation", "/similar")
# each text by its version key is read at /texts/{key}: the whole text (a hostile test found
# it kept, redacted words and all, for the window), the versions a document may carry named
_TEXT = "/api/v1/documents/{pid}/texts/{key}"


def document_paths(public_id: str, titles: Iterable[str] = (),
                   collections: Iterable[str] = (), texts: Iterable[str] = ()) -> list[str]:
    """The addresses whose cached answer shows the document: its page under each title's slug
    (the canonical address changes with the title) and without one, its citation page and
    embed card, the API's reads of it, the home page (the latest documents) and the first
    page of each of its collections. Search pages and pages with a query are not named: they
    keep the window (cache_max_age)."""
    pid = quote(public_id, safe="/")
    found = [f"/documents/{pid}", *(quote(doc_url(public_id, t), safe="/") for t in titles),
             f"/documents/{pid}/cite", f"/embed/documents/{pid}",
             *(f"/api/v1/documents/{pid}{part}" for part in _API_PARTS),
             *(_TEXT.format(pid=pid, key=quote(k, safe="")) for k in texts), "/",
             *(quote(collection_url(k), safe="/") for k in collections)]
    return list(dict.fromkeys(found))


class CachePurger:
    """Sends ``PURGE base+path`` to every cache, from one background thread; the caller never
    waits. The thread ends when it has nothing left to send (a command's process then exits
    once its purges are out, at most ``again_after`` plus the timeouts later)."""

    def __init__(self, bases: Iterable[str], again_after: float = 0.0,
                 timeout: float = TIMEOUT_S) -> None:
        self.bases = tuple(b.rstrip("/") for b in bases)
        self.again_after, self.timeout = again_after, timeout
        self._due: list[tuple[float, int, tuple[str, ...]]] = []  # (when, order, paths)
        self._order = itertools.count()
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None
        self._busy = False

    def purge(self, paths: Iterable[str]) -> None:
        """Drop these addresses from every cache, now and (with replicas) once more later."""
        wanted = tuple(paths)
        if not self.bases or not wanted:
            return
        now = time.monotonic()
        with self._lock:
            heapq.heappush(self._due, (now, next(self._order), wanted))
            if self.again_after > 0:
                heapq.heappush(self._due, (now + self.again_after, next(self._order), wanted))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="chancery-cache-purge")
                self._thread.start()
            self._lock.notify()

    def wait(self, timeout: float = 30.0) -> bool:
        """Whether every purge asked for so far has been sent, waiting up to ``timeout``."""
        end = time.monotonic() + timeout
        with self._lock:
            while self._due or self._busy:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.05))
        return True

    def _run(self) -> None:
        while (paths := self._next()) is not None:
            for base in self.bases:
                for path in paths:
                    self._send(base + path)
            with self._lock:
                self._busy = False
                self._lock.notify_all()

    def _next(self) -> tuple[str, ...] | None:
        """The next paths once they are due; None when nothing is left (the thread ends)."""
        with self._lock:
            while self._due:
                wait = self._due[0][0] - time.monotonic()
                if wait <= 0:
                    self._busy = True
                    return heapq.heappop(self._due)[2]
                self._lock.wait(wait)
            self._thread = None
            return None

    def _send(self, url: str) -> None:
        request = urllib.request.Request(url, method="PURGE")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout):
                pass
        except urllib.error.HTTPError as exc:
            if exc.code != 404:  # 404: the cache held no copy, which is what was wanted
                log.warning("cache purge of %s answered %s", url, exc.code)
        except (OSError, ValueError) as exc:  # down, refused, timed out: the window still holds
            log.warning("cache purge of %s failed: %s", url, exc)


class PagePurge:
    """Told that a document's public view changed; purges the pages that show it."""

    def __init__(self, catalogue: Catalogue, purger: CachePurger) -> None:
        self.catalogue, self.purger = catalogue, purger

    def changed(self, public_id: str, *titles: str) -> None:
        """Purge the document's pages: under the titles given (what it was called before the
        change: a purged document is gone) and what it is called now, by editors and by the
        public (a redacted title has a slug of its own)."""
        if not self.purger.bases:
            return
        now = self.catalogue.get_document(public_id, Actor.EDITOR, today())
        self.purger.purge(_paths(public_id, titles, now))

    def gone(self, was: StoredDocument) -> None:
        """A purged document, as it was: its pages, its texts' and its collections' (after
        the purge nothing says which collection pages listed it)."""
        if self.purger.bases:
            self.purger.purge(_paths(was.document.public_id, (), was))


def _paths(public_id: str, titles: Iterable[str], now: StoredDocument | None) -> list[str]:
    if now is None:  # gone: only what the caller knew of it
        return document_paths(public_id, titles)
    d = now.document
    return document_paths(public_id, (*titles, d.title, now.public().document.title),
                          [c.collection_key for c in d.collections],
                          [t.version_key for t in d.texts])
