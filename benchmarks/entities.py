"""The entities stage against FRUS's own tags, and its speed.

Run: PYTHONPATH=src .venv/bin/python benchmarks/entities.py [N] [SEED]
Draws N documents (default 40) at random from ../shared/corpus/frus/core, keeps what the
suggest benchmark keeps (dateline, paragraphs, signature and footnotes; no heading, no source
note), runs `chancery.suggest.entities.find` without an archive, and compares the distinct
names per document with the TEI's persName / placeName / orgName, name against name (titles,
"the" and "'s" aside). FRUS tags every person in a list of persons but leaves many untagged in
the text (Herter, Moscow), and tags places mostly in datelines, so precision here is a lower
bound; recall is the figure to watch. Also prints words per second and, on the JFK reference
OCR, how many distinct names spaCy reports before and after the plausibility rules."""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from chancery.domain.authorities import name_tokens
from chancery.domain.suggestions import Kind
from chancery.suggest import entities
from chancery.suggest.linking import KnownNames, clean_name
from chancery.suggest.nlp import english_mentions

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
TEI = "{http://www.tei-c.org/ns/1.0}"
TAGS = {f"{TEI}persName": Kind.PERSON, f"{TEI}placeName": Kind.PLACE,
        f"{TEI}orgName": Kind.ORGANIZATION}


@dataclass(frozen=True)
class Plain:
    """A context without an archive: every name the recogniser finds is proposed."""

    language: str = "en"
    known_names: KnownNames | None = None


def document_text(div: Any) -> str:
    """Dateline, paragraphs, signature and footnotes of a FRUS document (no heading, no
    source note), as the suggest benchmark gives them."""
    copy = deepcopy(div)
    for el in list(copy.iter(f"{TEI}head")) + [n for n in copy.iter(f"{TEI}note")
                                               if n.get("type") == "source"]:
        el.getparent().remove(el)
    return "\n\n".join(" ".join("".join(p.itertext()).split())
                       for p in copy.iter(f"{TEI}p", f"{TEI}dateline", f"{TEI}signed",
                                          f"{TEI}note") if "".join(p.itertext()).strip())


def gold(div: Any) -> dict[Kind, set[tuple[str, ...]]]:
    """The names the TEI tags in the text we give the stage."""
    out: dict[Kind, set[tuple[str, ...]]] = {k: set() for k in TAGS.values()}
    copy = deepcopy(div)
    for el in list(copy.iter(f"{TEI}head")) + [n for n in copy.iter(f"{TEI}note")
                                               if n.get("type") == "source"]:
        el.getparent().remove(el)
    for tag, kind in TAGS.items():
        for el in copy.iter(tag):
            tokens = name_tokens(clean_name("".join(el.itertext())))
            if tokens:
                out[kind].add(tokens)
    return out


def predicted(text: str) -> dict[Kind, set[tuple[str, ...]]]:
    """Every form of every name the stage suggests, by kind."""
    out: dict[Kind, set[tuple[str, ...]]] = {k: set() for k in TAGS.values()}
    for f in entities.find(text, Plain()):
        for form in f.data["forms"].split("|"):
            out[f.kind].add(name_tokens(clean_name(form)))
    return out


def sample(n: int, seed: int) -> list[Any]:
    divs = []
    for path in sorted((CORPUS / "frus" / "core").glob("*.xml")):
        tree = etree.parse(str(path))
        divs += [d for d in tree.iter(f"{TEI}div") if d.get("type") == "document"]
    return random.Random(seed).sample(divs, n)


def frus_scores(n: int, seed: int) -> None:
    counts: dict[Kind, Counter[str]] = {k: Counter() for k in TAGS.values()}
    words, seconds = 0, 0.0
    for div in sample(n, seed):
        text = document_text(div)
        words += len(text.split())
        t = time.perf_counter()
        got = predicted(text)
        seconds += time.perf_counter() - t
        for kind, names in gold(div).items():
            counts[kind]["tp"] += len(names & got[kind])
            counts[kind]["gold"] += len(names)
            counts[kind]["found"] += len(got[kind])
    for kind, c in counts.items():
        p = c["tp"] / c["found"] if c["found"] else 0.0
        r = c["tp"] / c["gold"] if c["gold"] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{kind.value:14} gold {c['gold']:4}  found {c['found']:4}  P {p:.2f}  R {r:.2f}"
              f"  F1 {f1:.2f}")
    print(f"FRUS: {n} documents, {words} words, {words / seconds:,.0f} words/s (stage, warm)")


def ocr_counts() -> None:
    raw: set[tuple[str, str]] = set()
    kept: set[tuple[str, str]] = set()
    for path in sorted((CORPUS / "scans" / "reference-ocr").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        raw |= {(m.kind.value, " ".join(m.text.split())) for m in english_mentions(text)}
        kept |= {(f.kind.value, f.value) for f in entities.find(text, Plain())}
    print(f"JFK reference OCR: {len(raw)} distinct names from spaCy, {len(kept)} kept")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1962
    english_mentions("Warm up.")
    frus_scores(n, seed)
    ocr_counts()


if __name__ == "__main__":
    main()
