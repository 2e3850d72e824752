"""Suggested metadata against gold, two sets.

Part 1, FRUS: documents drawn at random (fixed seed) from ../shared/corpus/frus, read by the
FRUS importer; the text suggested on is what a scan of the printed page would show below the
editors' heading: dateline, body, signature and footnotes, without the heading and its source
note, and without any TEI markup. Scored against the TEI's own date (exact start and end) and
dateline place (the first placeName of the dateline; a document whose dateline names none is
right when no place is suggested). Editorial notes and catalogue entries are left out: they
are the editors' prose, not documents with a dateline.

Part 2, JFK scans: hand labels at benchmarks/gold/jfk_labels.csv (helper "gold"), committed
before any tuning; each PDF's text layer read in reading order and scored as
benchmarks/suggest_jfk.py says, for a dev half (the only one rules were tuned on), a held-out
half and both.

    PYTHONPATH=src python benchmarks/suggest.py frus [--n 500] [--seed 1962] [--show-wrong 20]
    PYTHONPATH=src python benchmarks/suggest.py jfk [--show-wrong 40] [--held-out]
        [--ocr-pages 2]   (the first 2 pages of each file as the OCR stage reads them)
        [--ocr-always]    (with --ocr-pages: our Tesseract on those pages, text layer or not)"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import suggest_jfk
from lxml import etree

from chancery.domain.authorities import Role, fold
from chancery.domain.documents import DocumentType, ParsedDocument
from chancery.domain.suggestions import Finding, Kind
from chancery.domain.texts import NoteKind
from chancery.ingest.base import Limits
from chancery.ingest.frus import FrusImporter
from chancery.suggest.pipeline import suggest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FRUS = CORPUS / "frus"
SCANS = CORPUS / "scans"
GOLD = ROOT / "benchmarks" / "gold" / "jfk_labels.csv"
SEED = 1962
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_SKIPPED = (DocumentType.EDITORIAL_NOTE, DocumentType.CATALOGUE_ENTRY)


@dataclass(frozen=True)
class FrusCase:
    """One sampled document: the visible text and the TEI's own answers."""

    source_id: str
    text: str
    date: tuple[str, str] | None  # (start, end) ISO, None when the TEI gives no span
    dated_dateline: bool  # the date stands in the dateline (else only in the heading)
    place: str  # the dateline's first place name as printed, "" when it names none


def visible_text(parsed: ParsedDocument) -> str:
    """Dateline, body and signature, then the footnotes: no heading, no source note."""
    text = parsed.document.texts[0]
    notes = [f"[{n.mark}] {n.text}" for n in text.notes if n.kind is NoteKind.FOOTNOTE]
    return "\n\n".join([text.body, *notes])


def _datelines(path: Path) -> dict[str, bool]:
    """For each document of a volume, whether its dateline carries a date element."""
    found = {}
    for div in etree.parse(str(path)).getroot().iter(f"{TEI}div"):
        if div.get("type") == "document":
            line = div.find(f"{TEI}dateline")
            if line is None:
                line = div.find(f"{TEI}opener/{TEI}dateline")
            found[div.get(XML_ID) or ""] = line is not None and line.find(f".//{TEI}date") is not None
    return found


def frus_cases() -> Iterator[FrusCase]:
    """Every full-text document of the corpus, volume by volume."""
    for path in sorted(FRUS.glob("*/*.xml")):
        dated = _datelines(path)
        for batch in FrusImporter().read(path, Limits(1 << 31, 1000)):
            for parsed in batch.documents:
                doc = parsed.document
                if doc.doc_type in _SKIPPED or not doc.texts:
                    continue
                span = (doc.date.start.isoformat(), doc.date.end.isoformat()) \
                    if doc.date.start and doc.date.end else None
                origin = next((a.as_written for a in doc.links if a.role is Role.ORIGIN), "")
                yield FrusCase(doc.source_id, visible_text(parsed), span,
                               dated.get(doc.source_id.rsplit("/", 1)[-1], False), origin)


def _one(findings: list[Finding], kind: Kind, role: str = "") -> Finding | None:
    return next((f for f in findings if f.kind is kind
                 and (not role or f.data.get("role") == role)), None)


def score_frus(n: int, seed: int, show_wrong: int) -> dict[str, float]:
    """Sample, suggest, score; print the figures and some wrong cases."""
    started = time.perf_counter()
    cases = random.Random(seed).sample(list(frus_cases()), n)
    read = time.perf_counter() - started
    date_right = dateline_right = dateline_total = place_right = 0
    wrong: list[str] = []
    started = time.perf_counter()
    for case in cases:
        found = suggest(case.text)
        date = _one(found, Kind.DATE)
        got = (date.data["start"], date.data["end"]) if date else None
        if got == case.date:
            date_right += 1
            dateline_right += case.dated_dateline
        else:
            wrong.append(f"date  {case.source_id}: TEI {case.date} got {got} "
                         f"({date.evidence if date else ''!r})")
        dateline_total += case.dated_dateline
        place = _one(found, Kind.PLACE, "dateline")
        if fold(place.value if place else "") == fold(case.place):
            place_right += 1
        else:
            wrong.append(f"place {case.source_id}: TEI {case.place!r} got "
                         f"{place.value if place else ''!r}")
    took = time.perf_counter() - started
    figures = {"date": date_right / n, "date_dateline": dateline_right / max(dateline_total, 1),
               "place": place_right / n}
    print(f"FRUS: {n} documents (seed {seed}), read in {read:.0f} s, suggested in {took:.1f} s "
          f"({n / took:.0f} documents/s)")
    print(f"  date exact match  {figures['date']:.1%}  ({n - date_right} wrong)")
    print(f"    of the {dateline_total} whose dateline carries the date: "
          f"{figures['date_dateline']:.1%}")
    print(f"  dateline place    {figures['place']:.1%}  ({n - place_right} wrong)")
    for line in wrong[:show_wrong]:
        print("   ", line)
    return figures


# --- part 2: the JFK scans against hand labels (benchmarks/suggest_jfk.py) ----------------

def score_jfk(gold: Path = GOLD, scans: Path = SCANS, show_wrong: int = 0,
              held_out: bool = False, ocr_pages: int = 0,
              ocr_always: bool = False) -> dict[str, dict[str, float]]:
    """Each labelled scan's own text layer, in reading order, suggested on and scored per
    field for the dev half, the held-out half and both (suggest_jfk.py says how); with
    ``ocr_pages``, its first pages read as the OCR stage reads them (in mode always with
    ``ocr_always``)."""
    if not ocr_pages:
        return suggest_jfk.report(suggest_jfk.run(gold, scans), show_wrong, held_out)
    reader, counts = suggest_jfk.ocr_reader(ocr_pages, always=ocr_always)
    judged = suggest_jfk.run(gold, scans, reader)
    mode = "always" if ocr_always else "auto"
    print(f"First {ocr_pages} pages as the OCR stage reads them (mode {mode}): {counts[0]} of "
          f"{counts[1]} pages by our Tesseract, the rest from the layer")
    return suggest_jfk.report(judged, show_wrong, held_out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("part", choices=["frus", "jfk"])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--show-wrong", type=int, default=20)
    parser.add_argument("--held-out", action="store_true",
                        help="jfk: show wrong cases of the held-out half too (not while tuning)")
    parser.add_argument("--ocr-pages", type=int, default=0,
                        help="jfk: read the first N pages of each file as the OCR stage does")
    parser.add_argument("--ocr-always", action="store_true",
                        help="jfk, with --ocr-pages: our Tesseract on those pages, layer or not")
    args = parser.parse_args(argv)
    if args.part == "frus":
        score_frus(args.n, args.seed, args.show_wrong)
    else:
        score_jfk(show_wrong=args.show_wrong if argv.count("--show-wrong") else 0,
                  held_out=args.held_out, ocr_pages=args.ocr_pages, ocr_always=args.ocr_always)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
