"""Does a reader's spelling find what the archive prints? The spelling pairs of issue #13
(benchmarks/gold/spelling_pairs.csv) searched through the product, as the public sees it.

Run: .venv/bin/python benchmarks/spellings.py [--data DIR] [--core DIR] [--pairs FILE]

1. Imports the core FRUS volumes into a fresh temporary archive as `chancery import` does
   (about 6 s), or searches the archive in --data as it is (import it first with
   `chancery --data DIR import ../shared/corpus/frus/core`).
2. For each pair, searches the modern form and the historic form as a reader types them
   (no quotes) through the search service the CLI, the web pages and the API use, and
   counts every document each finds. The issue's rule: the modern form finds at least half
   of what the historic form finds, and at most 1.5 times as much (apostrophe-less
   Wade-Giles is ambiguous: Chang is Zhang or Chang; Canton is also a Swiss canton).
   Also printed: whether the snippet of the modern search's first hit highlights a word of
   the historic spelling (the one the text uses).
3. The plausibility report: every person record whose searchable names (held-back ones are
   not searched) include a spelling that chancery.domain.spellings.is_plausible_spelling
   rejects for the record's name; the issue wants none (no other person's surname among any
   record's spellings)."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from chancery.bootstrap import App, build_app, has_archive
from chancery.config import load_settings
from chancery.domain.authorities import fold
from chancery.domain.readers import Reader
from chancery.domain.spellings import is_plausible_spelling
from chancery.services import reading
from chancery.services.imports import import_paths
from chancery.services.search import MAX_PER_PAGE, refresh_index

sys.path.insert(0, str(Path(__file__).parent))  # the sibling module, run or imported
from spelling_pairs import CORE, PAIRS, Pair, read_pairs

LOW, HIGH = 0.5, 1.5  # the rule: half of the historic form's documents, 1.5x as many at most


@dataclass(frozen=True)
class Measured:
    """What the two forms of a pair find, and what the modern search's first hit marks."""

    pair: Pair
    historic: frozenset[str]  # public ids
    modern: frozenset[str]
    marks: tuple[str, ...]  # highlighted words in the snippets of the modern search's first hit

    @property
    def overlap(self) -> int:
        """Documents both forms find."""
        return len(self.historic & self.modern)

    @property
    def ratio(self) -> float | None:
        """Modern hits over historic hits (None when the historic form finds nothing)."""
        return len(self.modern) / len(self.historic) if self.historic else None

    @property
    def passes(self) -> bool:
        """The issue's rule: the modern form finds at least half of the documents the
        historic form finds (the same documents, not merely as many) and at most 1.5 times
        as many documents in all."""
        h = len(self.historic)
        return h > 0 and self.overlap >= LOW * h and len(self.modern) <= HIGH * h

    @property
    def marks_historic(self) -> bool:
        """Whether the first hit highlights a word of the historic spelling that the modern
        form does not share ("Shao" or "chi" for Liu Shaoqi, not "Liu")."""
        own = set(fold(self.pair.modern).split())
        wanted = set(fold(self.pair.historic).split()) - own or set(fold(self.pair.historic).split())
        return any(w in wanted for m in self.marks for w in fold(m).split())


def build_archive(data: Path, core: Path = CORE) -> App:
    """A new archive in ``data`` with the core volumes imported and indexed, as `chancery
    import` leaves it (the same import context; the index caught up after)."""
    app = build_app(load_settings(data=str(data), database_url=""))
    summary = import_paths([core], app.import_context(parallel=True))
    if summary.failed:
        raise RuntimeError(f"import failed: {summary.failed}")
    refresh_index(app.catalogue, app.index)
    app.lay_gazetteer()  # as `chancery import` does once the import is indexed
    return app


def open_archive(data: Path) -> App:
    """An archive made before (by `chancery import` or build_archive); a mistyped folder is
    refused rather than measured as an empty archive."""
    settings = load_settings(data=str(data), database_url="")
    if not has_archive(settings):
        raise SystemExit(f"no archive in {data}: import the core volumes into it first")
    return build_app(settings)


def found(app: App, query: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Every document the public finds for a query as typed, and the words the first hit's
    snippets highlight."""
    reader = Reader.public()
    first = app.search.documents(query, per_page=MAX_PER_PAGE, facets=False, reader=reader)
    ids = {h.public_id for h in first.results.hits}
    for n in range(2, first.pages + 1):
        page = app.search.documents(query, page=n, per_page=MAX_PER_PAGE, facets=False,
                                    reader=reader)
        ids |= {h.public_id for h in page.results.hits}
    hits = first.results.hits
    marks = tuple(f.text for s in hits[0].snippets for f in s.fragments
                  if f.highlighted) if hits else ()
    return frozenset(ids), marks


def measure(app: App, pair: Pair) -> Measured:
    """Both forms of a pair searched through the product."""
    historic, _ = found(app, pair.historic)
    modern, marks = found(app, pair.modern)
    return Measured(pair, historic, modern, marks)


@dataclass(frozen=True)
class Implausible:
    """A searchable spelling of a person record that is not plausibly the record's name."""

    record: str  # the record's name and key
    spelling: str
    foreign: tuple[str, ...]  # surnames of other person records it holds ("stalin")


def implausible_spellings(app: App) -> list[Implausible]:
    """Searchable names of person records (other than the record's own name, which is not a
    spelling of it) that is_plausible_spelling rejects for the record's name; read through
    the reading service, as an editor (the names of every record expand searches)."""
    records = [(row, reading.authority_record(app.catalogue, row.key, Reader.editor()))
               for row in _person_records(app)]
    owners: dict[str, set[str]] = {}
    for row, _ in records:
        for word in _surname_words(row.name):
            owners.setdefault(word, set()).add(row.key)
    wrong = []
    for row, record in records:
        own = set(fold(row.name).split())
        for name in record[1] if record else []:
            if fold(name) == fold(row.name) or is_plausible_spelling(name, [row.name]):
                continue
            words = fold(name).split()
            foreign = tuple(w for w in words if w not in own and owners.get(w, set()) - {row.key})
            rest = "".join(w for w in words if w not in foreign)
            if foreign and len(rest) >= 3 and rest in "".join(fold(row.name).split()):
                # the record's own given names under another romanisation of its surname:
                # "Chiang T'ing-fu" for "Tsiang, Ting-fu" (蔣廷黻), not another person
                foreign = ()
            wrong.append(Implausible(f"{row.name} ({row.key})", name, foreign))
    return wrong


def _surname_words(name: str) -> list[str]:
    """The surname words of a name listed "Surname, Given" ("Madame Nhu" says nothing of
    which word is a surname); short ones ("Ho", "Yu") are too common to tell."""
    surname, comma, _ = name.partition(",")
    return [w for w in fold(surname).split() if len(w) >= 4] if comma else []


def _person_records(app: App) -> Iterator[reading.AuthorityRow]:
    """Every person record, a page at a time in key order (editors see them all)."""
    after = ""
    while page := reading.authority_list(app.catalogue, "person", after, 500, Reader.editor()):
        yield from page
        after = page[-1].key


# -- printing ------------------------------------------------------------------------


def _row(m: Measured) -> str:
    ratio = f"{m.ratio:.2f}" if m.ratio is not None else "-"
    marked = ", ".join(dict.fromkeys(m.marks))[:40]
    return (f"{_cell(m.pair.modern, 18)} {_cell(m.pair.historic, 16)} "
            f"{m.pair.historic_docs_grep:>5} {len(m.historic):>6} "
            f"{len(m.modern):>6} {m.overlap:>6} {ratio:>6}  {'PASS' if m.passes else 'fail'}  "
            f"{'yes' if m.marks_historic else 'no ':<3}  {marked}")


def _cell(text: str, width: int) -> str:
    """The text cut and padded to a width in terminal columns (a Chinese character takes two)."""
    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out, used = out + ch, used + w
    return out + " " * (width - used)


def report(measured: list[Measured], wrong: list[Implausible]) -> None:
    """The table (grep: documents printing the historic form; hist, modern: documents each
    form finds; both: found by both), the summary, the median ratio, the plausibility report."""
    print(f"{'modern':<18} {'historic':<16} {'grep':>5} {'hist':>6} {'modern':>6} {'both':>6} "
          f"{'ratio':>6}  rule  mark first hit's highlighted words")
    for m in measured:
        print(_row(m))
    ratios = [m.ratio for m in measured if m.ratio is not None]
    passing = sum(m.passes for m in measured)
    marked = sum(m.marks_historic for m in measured)
    print(f"\n{passing} / {len(measured)} pairs pass (the modern form finds at least {LOW:g} of "
          f"the historic form's documents, and at most {HIGH:g}x as many)")
    print(f"median ratio modern/historic {statistics.median(ratios):.2f}; the first hit "
          f"highlights the historic spelling in {marked} / {len(measured)}")
    foreign = [w for w in wrong if w.foreign]
    print(f"\nplausibility report: {len(wrong)} searchable spelling(s) of person records not "
          f"plausibly their name; {len(foreign)} hold another person's surname")
    for w in (foreign + [w for w in wrong if not w.foreign])[:20]:
        held = f"  <- surname of another person: {', '.join(w.foreign)}" if w.foreign else ""
        print(f"  {w.record}: {w.spelling!r}{held}")


def main(argv: list[str] | None = None) -> list[Measured]:
    """Measure every pair and print the table; returns the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="an archive with the core volumes imported "
                        "(default: a fresh temporary one)")
    parser.add_argument("--core", type=Path, default=CORE)
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    args = parser.parse_args(argv)
    pairs = read_pairs(args.pairs)
    with tempfile.TemporaryDirectory(prefix="chancery-spellings-") as tmp:
        app = open_archive(args.data) if args.data else build_archive(Path(tmp), args.core)
        try:
            measured = [measure(app, p) for p in pairs]
            report(measured, implausible_spellings(app))
        finally:
            app.close()
    return measured


if __name__ == "__main__":
    main()
