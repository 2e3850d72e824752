"""Page images rendered from real scans: many first views of the same page at once all get
the same whole PNG, and no temporary file is left behind."""

from __future__ import annotations

import io
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PIL import Image

from chancery.blobs.folder import FolderBlobStore
from chancery.blobs.pages import PageImages
from tests.integration.sources import PDF

READERS = 48
PROCESSES = 6


def _first_views(pages: PageImages, sha: str, page: int) -> list[bytes]:
    """READERS threads ask for the same unrendered page at the same moment and read the file
    they are given, as the web server does."""
    start = threading.Barrier(READERS)

    def view(_: int) -> bytes:
        start.wait()
        path = pages.image(sha, "application/pdf", page, 1000)
        assert path is not None
        return path.read_bytes()

    with ThreadPoolExecutor(READERS) as pool:
        return list(pool.map(view, range(READERS)))


def test_simultaneous_first_views_of_a_page_all_get_the_whole_image(tmp_path: Path) -> None:
    """48 readers opening both pages of a scan at once each get one identical, complete PNG
    (the render that finished first), and the cache holds only the finished images."""
    blobs = FolderBlobStore(tmp_path / "blobs")
    sha, _ = blobs.put(PDF)
    pages = PageImages(blobs, tmp_path / "derived")
    for page in (1, 2):
        bodies = _first_views(pages, sha, page)
        assert all(b == bodies[0] for b in bodies), f"page {page}: readers got different files"
        with Image.open(io.BytesIO(bodies[0])) as png:
            png.load()  # a truncated or interleaved file fails here
            assert png.format == "PNG" and png.width == 1000
    left = sorted(p.name for p in (tmp_path / "derived").rglob("*") if p.is_file())
    assert left == [f"{sha}-1-1000.png", f"{sha}-2-1000.png"]


def _render_in_process(args: tuple[Path, str, int]) -> bytes:
    root, sha, page = args
    pages = PageImages(FolderBlobStore(root / "blobs"), root / "derived")
    _BARRIER.wait()
    path = pages.image(sha, "application/pdf", page, 1000)
    assert path is not None
    return path.read_bytes()


_BARRIER: Any = None


def _share(barrier: Any) -> None:
    global _BARRIER
    _BARRIER = barrier


def test_worker_processes_rendering_the_same_page_do_not_mix_their_files(tmp_path: Path) -> None:
    """Several server processes (serve --workers) making the same first view at once each
    write their own temporary file and rename it whole: every reader gets a complete PNG."""
    blobs = FolderBlobStore(tmp_path / "blobs")
    sha, _ = blobs.put(PDF)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PROCESSES)
    with context.Pool(PROCESSES, initializer=_share, initargs=(barrier,)) as pool:
        bodies = pool.map(_render_in_process, [(tmp_path, sha, 2)] * PROCESSES)
    for body in bodies:
        with Image.open(io.BytesIO(body)) as png:
            png.load()
    assert [p.suffix for p in (tmp_path / "derived").rglob("*") if p.is_file()] == [".png"]
