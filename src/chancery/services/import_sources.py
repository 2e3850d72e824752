"""The reading half of an import: which files and folders to read, which importer reads each,
and the parsed batches in order, parsed in a second process while the caller stores (large
imports only). Storing them is services/imports.py's."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from chancery.domain.documents import ParsedDocument
from chancery.domain.media import MEDIA_TYPES
from chancery.domain.records import content_hash
from chancery.ingest.base import Failure, Importer, ImportRefused, Limits, SourceBatch
from chancery.lifetime import die_with_parent

_READ_AHEAD = 2  # sources parsed ahead of the writer: bounds memory to a few volumes


def choose_importer(path: Path, importers: Sequence[Importer]) -> Importer | None:
    """The importer that matches a path best, if any matches at all."""
    scored = [(imp.score(path), i, imp) for i, imp in enumerate(importers)]
    best = max(scored, default=(0.0, 0, None))
    return best[2] if best[0] > 0 else None


def expand_paths(paths: Sequence[Path], importers: Sequence[Importer],
                 under_csv: bool = False) -> Iterator[Path]:
    """Files and bundle folders to import: a folder no importer claims is walked. Below a
    folder holding a CSV, scans are the CSV's to describe, not a document each."""
    for path in paths:
        if path.is_dir() and choose_importer(path, importers) is None:
            children = sorted(p for p in path.iterdir() if not p.name.startswith("."))
            csv_here = under_csv or any(p.suffix.lower() == ".csv" for p in children)
            yield from expand_paths([p for p in children if not (csv_here and _is_scan(p))],
                                    importers, csv_here)
        else:
            yield path


def _is_scan(path: Path) -> bool:
    return path.suffix.lower() in MEDIA_TYPES and path.is_file()


def source_size(path: Path) -> int:
    """Bytes of a source file or folder, for the progress bar (0 when it is missing)."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0


def read_source(path: Path, importers: Sequence[Importer], limits: Limits) -> list[SourceBatch]:
    """Parse one source into batches; a file that cannot be read becomes a failed batch."""
    name = str(path)
    if not path.exists():
        return [SourceBatch(name, "", items=[Failure(name, "no such file or folder")])]
    importer = choose_importer(path, importers)
    if importer is None:
        return [SourceBatch(name, "", items=[Failure(name, "unrecognised format: not FRUS TEI, "
                                                           "a Chancery bundle, a CSV or a scan")])]
    try:
        return [_with_digests(b) for b in importer.read(path, limits)]
    except ImportRefused as exc:
        return [SourceBatch(name, importer.name, items=[Failure(name, str(exc))])]
    except (OSError, UnicodeDecodeError) as exc:
        return [SourceBatch(name, importer.name, items=[Failure(name, f"cannot read: {exc}")])]


def parsed_sources(sources: list[Path], importers: Sequence[Importer], limits: Limits,
                   parallel: bool) -> Iterator[list[SourceBatch]]:
    """Each source's batches, in order. In parallel mode a reader process parses the next
    sources while this one writes: parsing and storing each take about half of an import,
    so on two cores the pipeline nearly halves the time."""
    if not parallel or len(sources) < 2:
        yield from (read_source(p, importers, limits) for p in sources)
        return
    # spawn, not fork: the parent holds database connections and a progress-bar thread.
    with ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        pending: deque[Future[list[SourceBatch]]] = deque()
        for path in sources:
            pending.append(pool.submit(read_source, path, list(importers), limits))
            if len(pending) > _READ_AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _with_digests(batch: SourceBatch) -> SourceBatch:
    """The batch with each document's content hash, made here, in the reading process (in
    parallel mode the second core's), not by the process that stores."""
    batch.digests = [content_hash(i.document, list(i.authorities))
                     if isinstance(i, ParsedDocument) else "" for i in batch.items]
    return batch
