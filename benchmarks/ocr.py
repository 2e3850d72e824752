"""OCR on the real JFK scans (../shared/corpus/scans): our path (enrich/ocr, Tesseract through
tesserocr, page rendered from the PDF inside the timing) against bare `tesseract` on the same
page images (rendered once at 300 dpi, outside the timing), in the same run; our path with 1
and 2 worker processes; word and character error rates against the text layer shipped with
the scans (reference-ocr/, itself Tesseract 4.1 output: a noisy baseline) and, when helper
transcriptions exist, against benchmarks/gold/transcriptions/ (<pdf stem>_p<page>.txt, as
benchmarks/gold/README.md names them).

"words_missed" is the order-free word error (see bag_error).
Run: PYTHONPATH=src .venv/bin/python benchmarks/ocr.py [--pages 10 | --all] [--threshold]
``--threshold`` prints, per page, the share of dictionary words in the shipped layer and in
our OCR (how enrich/ocr/quality.py's GOOD_ENOUGH was chosen)."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"  # as the stage runs: one thread per Tesseract

import jellyfish
import pypdfium2 as pdfium

from chancery.domain.ocr import OcrMode
from chancery.enrich.ocr.quality import dictionary_ratio
from chancery.enrich.ocr.reader import ScanReader

ROOT = Path(__file__).resolve().parents[1]
SCANS = ROOT.parent / "shared" / "corpus" / "scans"
GOLD = ROOT / "benchmarks" / "gold" / "transcriptions"
_GOLD_NAME = re.compile(r"^(?P<stem>.+?)[-_.]p(?:age)?(?P<page>\d+)\.txt$")

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
    """Hand transcriptions, by page, when they exist."""
    found = {}
    for path in sorted(GOLD.glob("*.txt")) if GOLD.is_dir() else []:
        m = _GOLD_NAME.match(path.name)
        if m:
            found[(f"{m['stem']}.pdf", int(m["page"]))] = path.read_text(encoding="utf-8")
    return found


# -- error rates ----------------------------------------------------------------------------

def _tokens(text: str) -> list[str]:
    return text.split()


def wer(truth: str, read: str) -> float:
    """Word error rate: word-level edit distance over the truth's words (each distinct word
    mapped to one character, so a C Levenshtein does the work)."""
    a, b = _tokens(truth), _tokens(read)
    codes: dict[str, str] = {}
    for w in a + b:
        codes.setdefault(w, chr(0x4E00 + len(codes)))
    return jellyfish.levenshtein_distance("".join(codes[w] for w in a),
                                          "".join(codes[w] for w in b)) / max(1, len(a))


def bag_error(truth: str, read: str) -> float:
    """Word error whatever the reading order: the share of the truth's words (with their
    counts) the reading lacks. The shipped layer reads columns and stamps in another order
    than Tesseract 5 does, which sequence WER counts as errors."""
    a, b = Counter(_tokens(truth)), Counter(_tokens(read))
    return 1 - sum((a & b).values()) / max(1, sum(a.values()))


def cer(truth: str, read: str) -> float:
    """Character error rate over the truth's characters, whitespace folded."""
    a, b = " ".join(truth.split()), " ".join(read.split())
    return jellyfish.levenshtein_distance(a, b) / max(1, len(a))


# -- the two readers ------------------------------------------------------------------------

_READER: ScanReader | None = None


def ours(page: Page) -> str:
    """Our path, as the OCR stage runs it: the PDF page rendered and read (mode always)."""
    global _READER
    if _READER is None:
        _READER = ScanReader(threading.Lock())
    data = (SCANS / page[0]).read_bytes()
    reading = _READER.read_page(data, "application/pdf", page[1], 0, OcrMode.ALWAYS, "en")
    return reading.text if reading else ""


def render(page: Page, cache: Path) -> Path:
    """The page at 300 dpi as a greyscale PNG, rendered once and kept."""
    target = cache / f"{page[0][:-4]}-p{page[1]}.png"
    if not target.exists():
        doc = pdfium.PdfDocument(str(SCANS / page[0]))
        doc[page[1] - 1].render(scale=300 / 72, grayscale=True).to_pil().save(target, dpi=(300, 300))
        doc.close()
    return target


def bare_tesseract(image: Path) -> str:
    """`tesseract IMAGE stdout -l eng --dpi 300` (Debian's 5.3 CLI)."""
    return subprocess.run(["tesseract", str(image), "stdout", "-l", "eng", "--dpi", "300"],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout


def timed(fn: object, items: list[object], workers: int) -> tuple[list[str], float]:
    """Results in order and seconds taken, in this process (workers 0) or a pool."""
    started = time.perf_counter()
    if workers == 0:
        out = [fn(i) for i in items]  # type: ignore[operator]
    else:
        with ProcessPoolExecutor(workers) as pool:
            out = list(pool.map(fn, items))  # type: ignore[arg-type]
    return out, time.perf_counter() - started


def _rates(truths: dict[Page, str], pages: list[Page], texts: list[str]) -> dict[str, float]:
    pairs = [(truths[p], t) for p, t in zip(pages, texts, strict=True) if p in truths]
    words = sum(len(_tokens(a)) for a, _ in pairs) or 1
    chars = sum(len(" ".join(a.split())) for a, _ in pairs) or 1
    return {"pages": len(pairs),
            "wer": round(sum(wer(a, b) * len(_tokens(a)) for a, b in pairs) / words, 3),
            "words_missed": round(sum(bag_error(a, b) * len(_tokens(a)) for a, b in pairs)
                                  / words, 3),
            "cer": round(sum(cer(a, b) * len(" ".join(a.split())) for a, b in pairs) / chars, 3)}


def run(pages: list[Page], cache: Path) -> dict[str, object]:
    """Every figure for these pages."""
    cache.mkdir(parents=True, exist_ok=True)
    images = [render(p, cache) for p in pages]
    cli_texts, cli_s = timed(bare_tesseract, list(images), 0)
    our_texts, one_s = timed(ours, list(pages), 1)
    _, two_s = timed(ours, list(pages), 2)
    per_min = {"tesseract_cli": len(pages) * 60 / cli_s, "ours_1_worker": len(pages) * 60 / one_s,
               "ours_2_workers": len(pages) * 60 / two_s}
    refs = {p: reference(p) for p in pages}
    found: dict[str, object] = {
        "pages": len(pages), "pages_per_minute": {k: round(v, 1) for k, v in per_min.items()},
        "cli_over_ours": round(per_min["tesseract_cli"] / per_min["ours_1_worker"], 2),
        "two_over_one": round(per_min["ours_2_workers"] / per_min["ours_1_worker"], 2),
        "vs_shipped_layer": {"ours": _rates(refs, pages, our_texts),
                             "tesseract_cli": _rates(refs, pages, cli_texts)}}
    truths = gold()
    if truths:
        wanted = [p for p in truths if p not in pages]
        extra = [ours(p) for p in wanted]
        found["vs_gold"] = {"ours": _rates(truths, pages + wanted, our_texts + extra),
                            "shipped_layer": _rates(truths, list(truths),
                                                    [reference(p) for p in truths])}
    return found


def threshold(pages: list[Page]) -> None:
    """Dictionary-word share of the shipped layer against our OCR, page by page."""
    for page in sorted(pages, key=lambda p: dictionary_ratio(reference(p))):
        layer, read = dictionary_ratio(reference(page)), dictionary_ratio(ours(page))
        print(f"{layer:.2f} {read:.2f} {read - layer:+.2f}  {page[0]} p{page[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10, help="pages sampled (default 10)")
    parser.add_argument("--all", action="store_true", help="all 201 pages")
    parser.add_argument("--threshold", action="store_true", help="layer vs OCR dictionary share")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/chancery-ocr-bench"))
    args = parser.parse_args()
    pages = all_pages()
    chosen = pages if args.all else sample(pages, args.pages)
    if args.threshold:
        threshold(chosen)
        return
    print(json.dumps(run(chosen, args.cache), indent=2))


if __name__ == "__main__":
    main()
