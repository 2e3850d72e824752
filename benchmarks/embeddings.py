"""Embedding the passages of the FRUS core volumes (issue #13, "Meaning"): throughput of the
embed job's code (documents/s, passages/s, by the wall clock and per CPU-second, since the
machine is shared), passages per document, catalogue bytes per passage, the latency of a
question, and "more like this" by the mean of a document's passages against its best passage,
judged by how many of its ten neighbours sit in the same FRUS chapter.

Run: PYTHONPATH=src .venv/bin/python benchmarks/embeddings.py [--data DIR] [--sample N]
(without --data the 9 core volumes are imported into a temporary archive; --sample embeds only
the first N documents, for a quick figure)"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.passages import passages_of
from chancery.services.imports import import_paths

CORE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "frus" / "core"
QUESTIONS = ["withdrawal of Soviet technicians from China", "отзыв советских специалистов из Китая",
             "Abzug der sowjetischen Techniker aus China", "苏联专家撤出中国",
             "the blockade of Cuba", "nuclear test ban negotiations"]


def _archive(data: Path | None) -> App:
    if data is not None:
        return build_app(load_settings(data=str(data), database_url=""))
    app = build_app(load_settings(data=tempfile.mkdtemp(prefix="embed-bench-"), database_url=""))
    import_paths([CORE], app.import_context())
    return app


def _chapters(app: App) -> tuple[dict[str, str], Counter[int]]:
    """Each document's deepest collection (its chapter), and passages per document."""
    chapter, passages = {}, Counter[int]()
    for chunk in app.catalogue.documents_for_index():
        for s in chunk:
            keys = [c.key for c in s.collections]
            chapter[s.document.public_id] = max(keys, key=len) if keys else ""
            passages[len(passages_of(s.public().document))] += 1
    return chapter, passages


def _embed(app: App, sample: int | None) -> None:
    load = os.getloadavg()[0]
    cpu, wall = time.process_time(), time.perf_counter()
    if sample:
        ids = app.meaning.vectors.pending(app.meaning.embedder.model, 0, sample)
        report = app.meaning.embed_documents(ids)
    else:
        report = app.meaning.embed_pending()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"embedded {report.embedded:,} documents, {report.passages:,} passages in {wall:,.1f} s "
          f"wall, {cpu:,.1f} s CPU (load average {load:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after)")
    print(f"  {report.embedded / wall:,.2f} documents/s, {report.passages / wall:,.1f} passages/s "
          f"(wall); {report.passages / max(cpu, 1e-9):,.1f} passages per CPU-second")


def _bytes(app: App) -> None:
    path = app.settings.data / "catalogue.sqlite3"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        n = conn.execute("SELECT count(*) FROM passage_vectors").fetchone()[0]
        size = conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN ('passage_vectors', "
            "'ix_passage_vectors_document_id', 'ix_passage_vectors_seq', 'document_embeddings')"
        ).fetchone()[0]
    print(f"catalogue: {n:,} passage vectors, {size / max(n, 1):,.0f} bytes per passage "
          "(rows, indexes and each document's embedding record; SQLite)")


def _questions(app: App) -> None:
    app.meaning.follow()
    app.meaning.near_text("warm up", 1)
    times = []
    for q in QUESTIONS * 5:
        started = time.perf_counter()
        app.meaning.near_text(q, 10)
        times.append((time.perf_counter() - started) * 1000)
    print(f"near_text over {_count(app):,} passages: "
          f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")


def _count(app: App) -> int:
    return len(app.meaning.vectors.vectors_since(0, 0, 10**9).keys)


def _more_like_this(app: App, chapter: dict[str, str]) -> None:
    embedded = [p for p in sorted(chapter) if app.meaning.vectors.vectors_of(
        p, app.meaning.embedder.model)[1].keys]
    random.seed(13)
    sample = random.sample(embedded, min(100, len(embedded)))
    sizes = Counter(chapter[p] for p in embedded)
    chance = statistics.mean((sizes[chapter[p]] - 1) / (len(embedded) - 1) for p in sample)
    print(f"more like this, {len(sample)} documents, share of the 10 nearest in the same "
          f"chapter (chance {chance:.3f}):")
    for name, ask in (("mean of passages", app.meaning.near_document),
                      ("best passage", app.meaning.near_document_by_best)):
        same = total = 0
        started = time.perf_counter()
        for p in sample:
            hits = ask(p, 10)
            same += sum(chapter[h.public_id] == chapter[p] for h in hits)
            total += len(hits)
        ms = (time.perf_counter() - started) * 1000 / len(sample)
        print(f"  {name}: {same / max(total, 1):.3f} ({ms:.1f} ms a document)")


def main() -> None:
    """Import (or open), embed, measure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--sample", type=int)
    args = parser.parse_args()
    app = _archive(args.data)
    chapter, passages = _chapters(app)
    docs, total = sum(passages.values()), sum(k * n for k, n in passages.items())
    print(f"{docs:,} documents, {total:,} passages: {total / docs:.1f} per document "
          f"(median {statistics.median(passages.elements()):.0f}, max {max(passages)})")
    _embed(app, args.sample)
    _bytes(app)
    _questions(app)
    _more_like_this(app, chapter)
    app.close()


if __name__ == "__main__":
    main()
