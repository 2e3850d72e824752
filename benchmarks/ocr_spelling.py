"""Does spelling correction of Tesseract's output help? Word accuracy of the raw and the
corrected OCR against hand transcriptions, and the right words (names above all) it breaks.

Run: .venv/bin/python benchmarks/ocr_spelling.py [--gold DIR] [--cache DIR] [--reference]

Ground truth: the hand transcriptions in benchmarks/gold/transcriptions/, one page each,
named after the scan and the page (``104-10216-10171_p1.txt``: page 1 of
``104-10216-10171_ocr.pdf``). Each page is rendered at 300 dpi by `pdftoppm` and read by bare
`tesseract` (eng, default settings, one thread); both are cached under --cache, so a second
run costs seconds. ``--reference`` measures against the text layer shipped with the scans
instead (a noisy baseline, not ground truth: only for developing before the gold exists).

Scored as benchmarks/gold/README.md says (``document_text``): ``[illegible]`` is dropped, and
so is the release header of a first page (the OCR's reading of it then finds nothing to match).
Word accuracy: the words of the transcription matched, in order, by the OCR (difflib's
longest matching blocks over lowercase words without punctuation), over the transcription's
words. "broken" counts words the raw OCR had right and the correction made wrong; "names"
those of them capitalised in the transcription. Every setting of the grid is printed so the
choice in chancery.ocr.spelling can be checked."""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from chancery.ocr.spelling import MAX_DISTANCE, MIN_LENGTH, respell

ROOT = Path(__file__).resolve().parents[1]
SCANS = ROOT.parent / "shared" / "corpus" / "scans"
_PAGE_NAME = re.compile(r"(?P<scan>.+?)(?:_ocr)?[_-]p(?:age)?(?P<page>\d+)")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class Page:
    """A page of a scan with its true text."""

    pdf: Path
    number: int
    truth: str


def words(text: str) -> list[str]:
    """The words of a text as compared: lowercase, punctuation dropped."""
    return [w.lower() for w in _WORD.findall(text)]


def matched(truth: list[str], ocr: list[str]) -> set[int]:
    """Indexes of the truth's words the OCR has, in order."""
    blocks = difflib.SequenceMatcher(None, truth, ocr, autojunk=False).get_matching_blocks()
    return {b.a + k for b in blocks for k in range(b.size)}


def render_and_read(page: Page, cache: Path) -> str:
    """Tesseract's text of a page, rendered and read once, then taken from the cache."""
    stem = f"{page.pdf.stem}-{page.number}"
    text_file = cache / f"{stem}.txt"
    if not text_file.exists():
        image = cache / f"{stem}.png"
        if not image.exists():
            subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile",
                            "-f", str(page.number), "-l", str(page.number), str(page.pdf),
                            str(cache / stem)], check=True)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        subprocess.run(["tesseract", str(image), str(cache / stem), "-l", "eng"], check=True,
                       env=env, capture_output=True)
    return text_file.read_text()


def document_text(truth: str, page: int) -> str:
    """A transcription scored as benchmarks/gold/README.md says: `[illegible]` dropped (it
    stands for a word nobody could read), and on a first page the release header (its first
    two lines) dropped, so the document's own words are counted."""
    lines = truth.splitlines()[2:] if page == 1 else truth.splitlines()
    return "\n".join(lines).replace("[illegible]", " ")


def gold_pages(folder: Path) -> list[Page]:
    """The transcribed pages, with the scan each names."""
    out = []
    for path in sorted(folder.glob("*.txt")):
        found = _PAGE_NAME.fullmatch(path.stem)
        if found is None:
            sys.exit(f"{path.name}: expected <scan>_p<page>.txt")
        pdf = SCANS / f"{found['scan']}_ocr.pdf"
        out.append(Page(pdf, int(found["page"]), document_text(path.read_text(),
                                                               int(found["page"]))))
    return out


def reference_pages(count: int) -> list[Page]:
    """The first page of the first scans, against the text layer shipped with them."""
    out = []
    for txt in sorted((SCANS / "reference-ocr").glob("*.txt"))[:count]:
        first = txt.read_text().split("\f")[0]
        if len(words(first)) >= 50:  # near-empty layers (handwriting) say nothing
            out.append(Page(SCANS / f"{txt.stem}.pdf", 1, first))
    return out


def score(truth_text: str, raw: str, fixed: str) -> tuple[int, int, int, int, int]:
    """(truth words, right in raw, right corrected, broken, names broken)."""
    truth = words(truth_text)
    shown = _WORD.findall(truth_text)  # the same words with their capitals
    right_raw, right_fixed = matched(truth, words(raw)), matched(truth, words(fixed))
    broken = right_raw - right_fixed
    names = {i for i in broken if shown[i][:1].isupper()}
    return len(truth), len(right_raw), len(right_fixed), len(broken), len(names)


def main() -> None:
    """Print the figures for each page and for every setting of the grid."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "benchmarks" / "gold" / "transcriptions")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/chancery-ocr-spelling"))
    ap.add_argument("--reference", type=int, default=0, metavar="N",
                    help="measure against the shipped text layer of the first N scans instead")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    pages = reference_pages(args.reference) if args.reference else gold_pages(args.gold)
    if not pages:
        sys.exit(f"no transcriptions in {args.gold}")
    raw = [render_and_read(p, args.cache) for p in pages]
    print(f"{len(pages)} pages, truth: {'reference text layer' if args.reference else args.gold}")
    start = time.perf_counter()
    respell("warm up", "en")  # the dictionary loads once per process, outside the timings
    print(f"English dictionary loaded in {time.perf_counter() - start:.1f} s")
    _per_page(pages, raw)
    _grid(pages, raw)
    _unprotected(pages, raw)
    _findable(pages, raw)
    _throughput(raw)


def _per_page(pages: list[Page], raw: list[str]) -> None:
    print(f"\nchosen setting: distance {MAX_DISTANCE}, words of {MIN_LENGTH}+ letters")
    print(f"{'page':32} {'words':>6} {'raw':>6} {'fixed':>6} {'broken':>6} {'names':>5}")
    for page, text in zip(pages, raw, strict=True):
        n, r, f, b, nm = score(page.truth, text, respell(text, "en"))
        print(f"{page.pdf.stem + ' p' + str(page.number):32} {n:6} {r / n:6.1%} {f / n:6.1%} "
              f"{b:6} {nm:5}")


def _grid(pages: list[Page], raw: list[str]) -> None:
    print(f"\n{'distance':>8} {'min len':>7} {'raw':>6} {'fixed':>6} {'broken':>6} "
          f"{'names':>5} {'words/s':>8}")
    for distance in (1, 2):
        for min_length in (3, 4, 5):
            totals = [0, 0, 0, 0, 0]
            spent, count = 0.0, 0
            for page, text in zip(pages, raw, strict=True):
                start = time.perf_counter()
                fixed = respell(text, "en", max_distance=distance, min_length=min_length)
                spent += time.perf_counter() - start
                count += len(text.split())
                totals = [a + b for a, b in zip(totals, score(page.truth, text, fixed),
                                                 strict=True)]
            rate = count / spent
            n, r, f, b, nm = totals
            print(f"{distance:8} {min_length:7} {r / n:6.1%} {f / n:6.1%} {b:6} {nm:5} "
                  f"{rate:8,.0f}")


def _unprotected(pages: list[Page], raw: list[str]) -> None:
    """What correcting every word would do (lowercased, no word is a name any more)."""
    totals = [0, 0, 0, 0, 0]
    for page, text in zip(pages, raw, strict=True):
        totals = [a + b for a, b in zip(totals, score(page.truth, text,
                                                      respell(text.lower(), "en")), strict=True)]
    n, r, f, b, nm = totals
    print(f"{'every word, names too':>16} {r / n:6.1%} {f / n:6.1%} {b:6} {nm:5}")


def _findable(pages: list[Page], raw: list[str]) -> None:
    """What search gains: the page's distinct words a search finds it by, in the raw text and
    in raw + corrected (the index has both); and words only the correction has that the page
    does not (a search for them finds the page wrongly)."""
    truth_n = found_raw = found_both = false = 0
    for page, text in zip(pages, raw, strict=True):
        truth = set(words(page.truth))
        have, fixed = set(words(text)), set(words(respell(text, "en")))
        truth_n, found_raw = truth_n + len(truth), found_raw + len(truth & have)
        found_both += len(truth & (have | fixed))
        false += len(fixed - have - truth)
    print(f"\nsearchable distinct words: raw {found_raw / truth_n:.1%}, raw + corrected "
          f"{found_both / truth_n:.1%} (of {truth_n}); wrong words the correction adds: {false}")


def _throughput(raw: list[str], rounds: int = 20) -> None:
    """Words a second of the chosen setting over the pages read ``rounds`` times, and what
    loading the dictionary costs (once per process)."""
    start = time.perf_counter()
    for _ in range(rounds):
        for text in raw:
            respell(text, "en")
    spent = time.perf_counter() - start
    count = rounds * sum(len(text.split()) for text in raw)
    print(f"\nthroughput: {count / spent:,.0f} words/s ({count:,} words, one core)")


if __name__ == "__main__":
    main()
