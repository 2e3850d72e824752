"""The spelling pairs of issue #13 (benchmarks/gold/spelling_pairs.csv) and how their
``historic_docs_grep`` and ``modern_docs_grep`` columns are counted.

A form's count is the number of FRUS documents (``<div type="document">`` of the core volumes)
whose text, tags stripped, holds the form as whole words: case-insensitive, any run of
white space between its words, ’ read as '. It is a plain grep over the source, independent
of Chancery: what a form can be expected to find, not what search finds.

Run: .venv/bin/python benchmarks/spelling_pairs.py [--core DIR]  (recounts every pair and
prints the rows whose counts differ from the file's)"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "benchmarks" / "gold" / "spelling_pairs.csv"
CORE = ROOT.parent / "shared" / "corpus" / "frus" / "core"
COLUMNS = ("modern", "historic", "kind", "language", "historic_docs_grep", "modern_docs_grep",
           "note")
KINDS = ("person", "place")
_DOCUMENT = "{http://www.tei-c.org/ns/1.0}div"
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@dataclass(frozen=True)
class Pair:
    """A form a reader types today and the form the archive prints for the same name."""

    modern: str
    historic: str
    kind: str  # "person" or "place": the kind of authority record a bridge puts it on
    language: str  # BCP 47 tag of the modern form ("zh-Hans", "ru", "de", "zh-Latn-pinyin")
    historic_docs_grep: int
    modern_docs_grep: int
    note: str

    @property
    def label(self) -> str:
        """A readable test id: "Zhou Enlai->Chou En-lai"."""
        return f"{self.modern}->{self.historic}"


def read_pairs(path: Path = PAIRS) -> list[Pair]:
    """The pairs of the file, in its order; raises ValueError on a malformed row."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: columns must be {', '.join(COLUMNS)}")
        return [_pair(row, n) for n, row in enumerate(reader, start=2)]


def _pair(row: dict[str, str], line: int) -> Pair:
    if not row["modern"].strip() or not row["historic"].strip() or row["kind"] not in KINDS:
        raise ValueError(f"line {line}: a modern and a historic form, kind person or place")
    return Pair(row["modern"].strip(), row["historic"].strip(), row["kind"],
                row["language"].strip(), int(row["historic_docs_grep"]),
                int(row["modern_docs_grep"]), row["note"].strip())


def document_texts(core: Path = CORE) -> list[str]:
    """The text of every document of the volumes in ``core``, tags stripped, as grep sees it."""
    return [t for volume in sorted(core.glob("*.xml")) for t in _volume_texts(volume)]


def _volume_texts(volume: Path) -> Iterator[str]:
    for el in ET.parse(volume).getroot().iter(_DOCUMENT):
        if el.get("type") == "document":
            text = unicodedata.normalize("NFC", "".join(el.itertext())).translate(_QUOTES)
            yield re.sub(r"\s+", " ", text).lower()  # lowered once: counting is case-blind


def grep_count(form: str, texts: Sequence[str]) -> int:
    """How many of the (lowered) texts hold the form as whole words, case-blind."""
    words = unicodedata.normalize("NFC", form).translate(_QUOTES).lower().split()
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)")
    # a substring test first: the regular expression alone takes a minute for the file
    return sum(1 for t in texts if words[0] in t and pattern.search(t))


def main(argv: list[str] | None = None) -> int:
    """Recount the pairs' forms over the core volumes; print the rows that differ."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--core", type=Path, default=CORE)
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    args = parser.parse_args(argv)
    texts = document_texts(args.core)
    differ = 0
    for p in read_pairs(args.pairs):
        counted = (grep_count(p.historic, texts), grep_count(p.modern, texts))
        if counted != (p.historic_docs_grep, p.modern_docs_grep):
            differ += 1
            print(f"{p.label}: file {p.historic_docs_grep}/{p.modern_docs_grep}, "
                  f"counted {counted[0]}/{counted[1]}")
    print(f"{len(texts)} documents; {differ} pair(s) differ from {args.pairs.name}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
