"""OCR on the real JFK scans (../shared/corpus/scans), every comparison side by side in one run
(the machine is shared, so only ratios within a run mean anything):

(a) our path (enrich/ocr: Tesseract through tesserocr, PSM 1, the page rendered from the PDF
    inside the timing) against bare `tesseract` (Debian's CLI, default settings) on the same
    pages rendered once at 300 dpi outside the timing; the two alternate page by page, so a
    change of load falls on both. Wall-clock and CPU seconds per page (the CLI's CPU is its
    child process's), so the comparison can be judged apart from the load.
(b) our path in 1 and in 2 worker processes (spawned and warmed up before the clock starts,
    as the archive's long-lived workers are), the pages handed out longest first so that no
    long page runs alone at the end. CPU seconds per page in each: if they stay level, the
    work parallelises and the wall-clock ratio is capped by what else the cores are doing
    (the load average is printed beside each figure).
(c) word and character error rates of the raw readings and of the spelling-corrected reading
    the index keeps beside them (chancery.ocr.spelling.respell, no names protected) against
    the text layer shipped with the scans (reference-ocr/, Tesseract 4.1 output: a noisy
    baseline) and against the hand transcriptions in benchmarks/gold/transcriptions/
    (<pdf stem>_p<page>.txt; scored as benchmarks/gold/README.md says: the release header,
    the first two lines of a first page, is dropped from the truth and the nearest stretch of
    each reading, so the document text alone is scored; `[illegible]` is dropped).

Rates: "wer" is the word edit distance on whitespace tokens as written (case and punctuation
count); "wer_words" the same on lowercase words without punctuation (what search and the
spelling correction work on); "words_missed" the share of the truth's words the reading lacks
whatever their order (the shipped layer reads stamps and columns in another order, which
sequence WER counts as errors); "cer" characters, whitespace folded.

Run: PYTHONPATH=src .venv/bin/python benchmarks/ocr.py [--pages 20 | --all] [--no-gold]
     [--skip-workers] [--threshold] [--rescore]
The gold pages are added to the sample unless --no-gold. ``--threshold`` prints, per page, the
share of dictionary words in the shipped layer and in our OCR (how enrich/ocr/quality.py's
GOOD_ENOUGH was chosen)."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import resource
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"  # as the stage runs: one thread per Tesseract

import jellyfish
import pypdfium2 as pdfium

from chancery.domain.ocr import OcrMode
from chancery.enrich.ocr.quality import dictionary_ratio
from chancery.enrich.ocr.reader import ScanReader
from chancery.ocr.spelling import respell

ROOT = Path(__file__).resolve().parents[1]
SCANS = ROOT.parent / "shared" / "corpus" / "scans"
GOLD = ROOT / "benchmarks" / "gold" / "transcriptions"
_GOLD_NAME = re.compile(r"^(?P<stem>.+?)[-_.]p(?:age)?(?P<page>\d+)\.txt$")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
ILLEGIBLE = "[illegible]"
HEADER_LINES = 2  # "14-00000" and the 2025 release line, on a file's first page

Page = tuple[str, int]  # (pdf file name, page from 1)


def all_pages() -> list[Page]:
    """Every page of the 43 PDFs, in file order."""
    found = []
    for pdf in sorted(SCANS.glob("*.pdf")):
        doc = pdfium.PdfDocument(str(pdf))
        found += [(pdf.name, n) for n in range(1, len(doc) + 1)]
        doc.close()
    return found


def sample(pages: list[Page], n: int) -> list[Page]:
    """n pages spread evenly over the corpus (the same ones each run)."""
    if n >= len(pages):
        return pages
    step = len(pages) / n
    return [pages[int(i * step)] for i in range(n)]


def reference(page: Page) -> str:
    """The shipped text layer of a page (pdftotext, pages split by form feed)."""
    text = (SCANS / "reference-ocr" / page[0].replace(".pdf", ".txt")).read_text()
    parts = text.split("\f")
    return parts[page[1] - 1] if page[1] <= len(parts) else ""


def gold() -> dict[Page, str]:
    """Hand transcriptions, by page."""
    found = {}
    for path in sorted(GOLD.glob("*.txt")) if GOLD.is_dir() else []:
        m = _GOLD_NAME.match(path.name)
        if m:
            found[(f"{m['stem']}.pdf", int(m["page"]))] = path.read_text(encoding="utf-8")
    return found


# -- error rates ----------------------------------------------------------------------------

def _tokens(text: str) -> list[str]:
    return text.split()


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _edits(a: list[str], b: list[str]) -> int:
    """Word-level edit distance (each distinct word mapped to one character, so a C
    Levenshtein does the work)."""
    codes: dict[str, str] = {}
    for w in a + b:
        codes.setdefault(w, chr(0x4E00 + len(codes)))
    return int(jellyfish.levenshtein_distance("".join(codes[w] for w in a),
                                              "".join(codes[w] for w in b)))


def _missed(a: list[str], b: list[str]) -> int:
    """The truth's words (with their counts) the reading lacks, whatever the order."""
    ca, cb = Counter(a), Counter(b)
    return sum(ca.values()) - sum((ca & cb).values())


def _fold(text: str) -> str:
    return " ".join(text.split())


def rates(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Pooled rates of readings against truths: errors over all pages / truth size."""
    n_tok = sum(len(_tokens(t)) for t, _ in pairs) or 1
    n_words = sum(len(_words(t)) for t, _ in pairs) or 1
    n_chars = sum(len(_fold(t)) for t, _ in pairs) or 1
    return {
        "pages": len(pairs),
        "wer": round(sum(_edits(_tokens(t), _tokens(r)) for t, r in pairs) / n_tok, 3),
        "wer_words": round(sum(_edits(_words(t), _words(r)) for t, r in pairs) / n_words, 3),
        "words_missed": round(sum(_missed(_words(t), _words(r)) for t, r in pairs) / n_words, 3),
        "cer": round(sum(jellyfish.levenshtein_distance(_fold(t), _fold(r)) for t, r in pairs)
                     / n_chars, 3)}


def gold_pair(page: Page, truth: str, read: str) -> tuple[str, str]:
    """The truth without `[illegible]` and, on a first page, without the release header; the
    reading without the stretch of text nearest to each header line (the document text
    alone)."""
    lines = truth.splitlines()
    if page[1] == 1:
        header, lines = lines[:HEADER_LINES], lines[HEADER_LINES:]
        for wanted in header:
            read = without(read, wanted)
    return "\n".join(lines).replace(ILLEGIBLE, " "), read


def without(text: str, line: str) -> str:
    """``text`` (whitespace folded) with the substring nearest to ``line`` cut out, when that
    substring is within a third of the line's length in edits (approximate substring matching:
    edit distance with a free start and end in the text)."""
    a, h = _fold(text), _fold(line)
    if not h:
        return a
    cost, start = [0] * (len(a) + 1), list(range(len(a) + 1))
    for i, ch in enumerate(h, 1):
        prev_cost, prev_start = cost, start
        cost, start = [i] + [0] * len(a), [0] + [0] * len(a)
        for j in range(1, len(a) + 1):
            options = ((prev_cost[j - 1] + (a[j - 1] != ch), prev_start[j - 1]),
                       (prev_cost[j] + 1, prev_start[j]), (cost[j - 1] + 1, start[j - 1]))
            cost[j], start[j] = min(options)
    end = min(range(len(a) + 1), key=lambda j: cost[j])
    if cost[end] > len(h) / 3:
        return a
    return f"{a[:start[end]]} {a[end:]}"


# -- the two readers ------------------------------------------------------------------------

_READER: ScanReader | None = None


def ours(page: Page) -> tuple[str, float]:
    """Our path, as the OCR stage runs it (mode always): text and CPU seconds."""
    global _READER
    if _READER is None:
        _READER = ScanReader(threading.Lock())
    cpu = time.process_time()
    data = (SCANS / page[0]).read_bytes()
    reading = _READER.read_page(data, "application/pdf", page[1], 0, OcrMode.ALWAYS, "en")
    return (reading.text if reading else ""), time.process_time() - cpu


def _warm(_: int) -> int:
    """Load Tesseract's English model in a worker before the clock starts."""
    if _READER is None:
        ours((sorted(p.name for p in SCANS.glob("*.pdf"))[0], 1))
    time.sleep(0.2)  # so the next warm-up call goes to another worker
    return os.getpid()


def _ours_here(page: Page) -> tuple[str, float, int]:
    """Our path in a worker: text, CPU seconds and which worker."""
    return (*ours(page), os.getpid())


def render(page: Page, cache: Path) -> Path:
    """The page at 300 dpi as a greyscale PNG, rendered once and kept."""
    target = cache / f"{page[0][:-4]}-p{page[1]}.png"
    if not target.exists():
        doc = pdfium.PdfDocument(str(SCANS / page[0]))
        doc[page[1] - 1].render(scale=300 / 72, grayscale=True).to_pil().save(target, dpi=(300, 300))
        doc.close()
    return target


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare_tesseract(image: Path) -> tuple[str, float]:
    """`tesseract IMAGE stdout -l eng --dpi 300` (Debian's 5.3 CLI): text and CPU seconds."""
    cpu = _child_cpu()
    out = subprocess.run(["tesseract", str(image), "stdout", "-l", "eng", "--dpi", "300"],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout
    return out, _child_cpu() - cpu


# -- the runs -------------------------------------------------------------------------------

def _load() -> float:
    return round(os.getloadavg()[0], 2)


def side_by_side(pages: list[Page], images: list[Path]) -> dict[str, object]:
    """(a): the CLI and our path page by page, alternating which goes first."""
    wall = {"cli": 0.0, "ours": 0.0}
    cpu = {"cli": 0.0, "ours": 0.0}
    texts: dict[str, list[str]] = {"cli": [], "ours": []}
    ours_cpu: list[float] = []
    ours(pages[0])  # load the model once, as a worker has it loaded
    loads = [_load()]
    for i, (page, image) in enumerate(zip(pages, images, strict=True)):
        runs: list[tuple[str, Callable[[], tuple[str, float]]]] = [
            ("cli", partial(bare_tesseract, image)), ("ours", partial(ours, page))]
        for name, call in runs if i % 2 == 0 else runs[::-1]:
            started = time.perf_counter()
            text, seconds = call()
            wall[name] += time.perf_counter() - started
            cpu[name] += seconds
            texts[name].append(text)
            if name == "ours":
                ours_cpu.append(seconds)
    loads.append(_load())
    n = len(pages)
    return {"texts": texts, "ours_cpu": ours_cpu, "figures": {
        "pages": n, "load_average": loads,
        "pages_per_minute": {k: round(n * 60 / v, 1) for k, v in wall.items()},
        "cpu_seconds_per_page": {k: round(v / n, 2) for k, v in cpu.items()},
        "wall_ours_over_cli": round(wall["ours"] / wall["cli"], 2),
        "cpu_ours_over_cli": round(cpu["ours"] / cpu["cli"], 2)}}


def in_workers(pages: list[Page], workers: int) -> dict[str, float]:
    """(b): our path over the pages in a pool of warmed-up worker processes."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        seen: set[int] = set()
        while len(seen) < workers:
            seen |= set(pool.map(_warm, range(workers)))
        load = _load()
        started = time.perf_counter()
        done = list(pool.map(_ours_here, pages))
        wall = time.perf_counter() - started
    cpu = sum(seconds for _, seconds, _ in done)
    per_worker: dict[int, float] = {}
    for _, seconds, pid in done:
        per_worker[pid] = per_worker.get(pid, 0.0) + seconds
    return {"workers": workers, "pages_per_minute": round(len(pages) * 60 / wall, 1),
            "wall_seconds": round(wall, 1), "cpu_seconds_per_page": round(cpu / len(pages), 2),
            "cores_busy": round(cpu / wall, 2), "cpu_seconds": round(cpu, 1),
            "busiest_worker_cpu_seconds": round(max(per_worker.values()), 1),
            "load_average_before": load,
            "load_average_after": _load()}


def scaling(pages: list[Page], seconds: list[float], rounds: int) -> dict[str, object]:
    """(b), 1 and 2 workers alternately ``rounds`` times; the best of each (the run least
    disturbed by other work) and every run."""
    order = [p for _, p in sorted(zip(seconds, pages, strict=True), reverse=True)]
    runs = [in_workers(order, w) for _ in range(rounds) for w in (1, 2)]
    best = {w: max((r for r in runs if r["workers"] == w), key=lambda r: r["pages_per_minute"])
            for w in (1, 2)}
    return {"runs": runs,
            "two_over_one_best": round(best[2]["pages_per_minute"] / best[1]["pages_per_minute"], 2),
            "cpu_per_page_two_over_one": round(best[2]["cpu_seconds_per_page"]
                                               / best[1]["cpu_seconds_per_page"], 2),
            # what 2 workers would give on 2 otherwise idle cores: the 1-worker CPU time over
            # the busiest worker's CPU time in the 2-worker run (balance and contention in it)
            "two_over_one_on_idle_cores": round(best[1]["cpu_seconds"]
                                                / best[2]["busiest_worker_cpu_seconds"], 2)}


def accuracy(pages: list[Page], texts: dict[str, list[str]]) -> dict[str, object]:
    """(c): raw and spelling-corrected readings against the shipped layer and the gold."""
    readings = {"ours": texts["ours"], "ours_respelled": [respell(t, "en") for t in texts["ours"]],
                "tesseract_cli": texts["cli"],
                "tesseract_cli_respelled": [respell(t, "en") for t in texts["cli"]]}
    layer = {k: rates([(reference(p), t) for p, t in zip(pages, v, strict=True)])
             for k, v in readings.items()}
    truths = gold()
    at = {p: i for i, p in enumerate(pages)}
    readings["shipped_layer"] = [reference(p) for p in pages]
    on_gold = {k: rates([gold_pair(p, truths[p], v[at[p]]) for p in truths if p in at])
               for k, v in readings.items()}
    per_page = {f"{p[0][:-8]} p{p[1]}": {k: rates([gold_pair(p, truths[p], v[at[p]])])["wer_words"]
                                         for k, v in readings.items()}
                for p in truths if p in at}
    return {"vs_shipped_layer": layer, "vs_gold": on_gold, "vs_gold_wer_words_per_page": per_page}


def threshold(pages: list[Page]) -> None:
    """Dictionary-word share of the shipped layer against our OCR, page by page."""
    for page in sorted(pages, key=lambda p: dictionary_ratio(reference(p))):
        layer, read = dictionary_ratio(reference(page)), dictionary_ratio(ours(page)[0])
        print(f"{layer:.2f} {read:.2f} {read - layer:+.2f}  {page[0]} p{page[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20, help="pages sampled (default 20)")
    parser.add_argument("--all", action="store_true", help="all 201 pages")
    parser.add_argument("--no-gold", action="store_true", help="leave out the 5 gold pages")
    parser.add_argument("--rounds", type=int, default=1, help="1- and 2-worker runs each")
    parser.add_argument("--skip-workers", action="store_true", help="no (b)")
    parser.add_argument("--threshold", action="store_true", help="layer vs OCR dictionary share")
    parser.add_argument("--rescore", action="store_true",
                        help="(c) again from the readings the last run kept in --cache")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/chancery-ocr-bench"))
    args = parser.parse_args()
    pages = all_pages()
    chosen = pages if args.all else sample(pages, args.pages)
    chosen += [p for p in ([] if args.no_gold else sorted(gold())) if p not in chosen]
    if args.threshold:
        threshold(chosen)
        return
    if args.rescore:
        kept = json.loads((args.cache / "texts.json").read_text())
        pages_read = [(name, number) for name, number in kept.pop("pages")]
        print(json.dumps({"accuracy": accuracy(pages_read, kept)}, indent=2))
        return
    args.cache.mkdir(parents=True, exist_ok=True)
    images = [render(p, args.cache) for p in chosen]
    a = side_by_side(chosen, images)
    found: dict[str, object] = {"side_by_side": a["figures"]}
    print(json.dumps(found, indent=2), flush=True)
    texts: dict[str, list[str]] = a["texts"]  # type: ignore[assignment]
    (args.cache / "texts.json").write_text(json.dumps({"pages": chosen, **texts}))
    found["accuracy"] = accuracy(chosen, texts)
    print(json.dumps({"accuracy": found["accuracy"]}, indent=2), flush=True)
    if not args.skip_workers:
        found["workers"] = scaling(chosen, a["ours_cpu"], args.rounds)  # type: ignore[arg-type]
        print(json.dumps({"workers": found["workers"]}, indent=2), flush=True)


if __name__ == "__main__":
    main()
