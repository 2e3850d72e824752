"""Hybrid ranking (issue #13): nDCG@10 and recall@10 of words alone against words + meaning
fused, on the judged set tests/relevance/queries.yaml, for a grid of similarity thresholds and
fusion constants, per group (the queries of issue #3, the questions in ordinary words).

    PYTHONPATH=src:. nice -n 10 python benchmarks/hybrid_ranking.py --data /tmp/hybrid/data

The first run imports the nine core FRUS volumes and embeds every passage (31,505: about 200
passages a second on a quiet machine with BLAS on one thread, 3-10 when 5 others share the 2
cores); later runs reuse both. With
``--subset N`` only the documents that can change a top 10 are embedded: the judged ones, the
first 10 of each query by words, and N others drawn at random (seed 13) to stand in for the
rest of the archive as distractors. Meaning is the archive's own service: the vectors are
kept in the archive's catalogue, so a second run embeds nothing."""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from tests.conftest import CORPUS
from tests.meaning_helpers import embedded
from tests.relevance.test_relevance import Judged, group, load_queries, ndcg_at, recall_at

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.readers import Reader
from chancery.search import fusion
from chancery.services import search, search_meaning
from chancery.services.imports import import_paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--thresholds", default="0.3,0.35,0.4,0.45,0.5,0.55,0.6,1.1")
    parser.add_argument("--k", default="60")
    parser.add_argument("--subset", type=int, default=-1, help="random other documents")
    args = parser.parse_args()
    app = build_app(load_settings(data=str(args.data), database_url=""))
    if app.catalogue.index_generation() == 0 or app.index.state() is None:
        import_paths([CORPUS / "frus" / "core"], app.import_context())
        search.rebuild_index(app.catalogue, app.index)
    started = time.perf_counter()
    queries = load_queries()
    wanted = _subset(app, queries, args.subset) if args.subset >= 0 else None
    near = embedded(app, wanted)
    took = time.perf_counter() - started
    print(f"{near.vectors.sequence():,} vectors stored; ready in {took:.0f} s")
    hybrid = app.search
    print("threshold  k   group     nDCG@10 recall@10  (1.1 = words alone)")
    for k in (int(x) for x in args.k.split(",")):
        fusion.RRF_K = k
        for threshold in (float(x) for x in args.thresholds.split(",")):
            search_meaning.THRESHOLD = threshold
            rows: dict[str, list[tuple[float, float]]] = {}
            for q in queries:
                hits = hybrid.documents(q.query, per_page=10, facets=False).results.hits
                ranking = [h.source_id for h in hits]
                rows.setdefault(group(q) or "issue3", []).append(
                    (ndcg_at(ranking, q.relevant), recall_at(ranking, q.relevant)))
            for name, part in rows.items():
                print(f"{threshold:9.2f} {k:3d}   {name:9} {sum(r[0] for r in part) / len(part):.3f}"
                      f"   {sum(r[1] for r in part) / len(part):.3f}")


def _subset(app: App, queries: list[Judged], others: int) -> list[str]:
    """Public ids: the judged documents, the first 10 by words of each query, and ``others``
    drawn at random from the rest."""
    editor = Reader.editor()
    chosen: set[str] = set()
    for q in queries:
        for sid in q.relevant:
            stored = app.catalogue.get_document(sid, editor.actor, editor.today)
            if stored is not None:
                chosen.add(stored.document.public_id)
        chosen |= {h.public_id for h in app.search.documents(q.query, per_page=10,
                                                             facets=False).results.hits}
    rest = sorted({s.document.public_id for chunk in app.catalogue.documents_for_index()
                   for s in chunk} - chosen)
    return sorted(chosen) + random.Random(13).sample(rest, min(others, len(rest)))


if __name__ == "__main__":
    main()
