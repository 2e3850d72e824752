"""What readers are shown of the words read on scan pages: hit boxes over the page images,
IIIF Content Search, a searchable PDF. Every one of them starts from ``visible``, which reads
the document through the access rule and takes the word layer through the one redaction rule
(domain/word_redactions.py), so no channel can show a word the public may not read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from chancery.domain.corrections import withheld_phrases
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.domain.served_scans import ServedScan
from chancery.domain.word_redactions import visible_words
from chancery.domain.words import PageWords, Word
from chancery.search.grammar import Phrase, QueryError, parse_query, positive_words
from chancery.search.grammar import Word as QueryWord
from chancery.storage.interface import Catalogue, StoredDocument

MAX_HITS = 2_000  # word boxes in one answer: a word on every line of a long report


class WordLayers(Protocol):
    """The words read on a document's scan pages (storage/words.py)."""

    def pages(self, document_id: int, media: int | None = None) -> list[PageWords]: ...


class Terms(Protocol):
    """Text as the search index reads it (search/word_terms.py)."""

    def terms(self, text: str, language: str) -> list[str]: ...


class SearchablePdfs(Protocol):
    """Searchable PDFs made of a scan's served pages and its visible words (blobs/)."""

    def path_of(self, scan: ServedScan, pages: Sequence[PageWords]) -> Path | None: ...


@dataclass(frozen=True)
class ScanWords:
    """A document as its reader may see it, with the words of its scan pages they may read."""

    stored: StoredDocument
    pages: list[PageWords]

    def canvas(self, media: int, page: int) -> int:
        """The page's number (from 1) across all the document's scans, as the IIIF manifest
        numbers its canvases."""
        return sum(m.pages for m in self.stored.document.media[:media]) + page

    def has_words(self, media: int | None = None) -> bool:
        """Whether any word is left to show (of one scan, when ``media`` is given)."""
        return any(p.words for p in self.pages if media is None or p.media == media)


@dataclass(frozen=True)
class PageHits:
    """The words on one page that a search matched, with the page's size in the same pixels."""

    media: int
    page: int
    width: int
    height: int
    canvas: int
    words: tuple[Word, ...]
    context: PageWords  # every visible word of the page, for the text around a hit


class WordBoxes:
    """Scan words for readers, over the catalogue, the word layers and the index's analyzer."""

    def __init__(self, catalogue: Catalogue, layers: WordLayers, terms: Terms,
                 pdfs: SearchablePdfs | None = None) -> None:
        self.catalogue, self.layers, self.terms, self.pdfs = catalogue, layers, terms, pdfs

    def visible(self, ident: str, reader: Reader) -> ScanWords | None:
        """The document's scan words the reader may read, or None when they may not see it.
        Editors read the originals, and so every word; anyone else the redaction rule's."""
        seen = self.catalogue.get_document(ident.strip(), reader.actor, reader.today)
        return None if seen is None else self._visible(seen, reader)

    def searchable_scans(self, seen: StoredDocument, reader: Reader) -> list[int]:
        """The scans (numbered from 1) of a document as the reader read it that have words
        they may read, so a searchable PDF of each can be offered."""
        if not seen.document.media:  # a transcription alone (every FRUS page): no look needed
            return []
        found = self._visible(seen, reader)
        return [n for n in range(1, len(seen.document.media) + 1) if found.has_words(n - 1)]

    def _visible(self, seen: StoredDocument, reader: Reader) -> ScanWords:
        pages = self.layers.pages(seen.id)
        if not pages or reader.is_editor:
            return ScanWords(seen, pages)
        # the public read has the redactions applied and gone: what they withhold is read
        # from the editors' side, for this document only once the reader may see it
        full = self.catalogue.get_document(seen.document.public_id, Actor.EDITOR, reader.today)
        if full is None:
            return ScanWords(seen, [])
        live = [r for r in full.redactions if r.in_force]
        names = {la.authority.key: [la.authority.name, la.as_written, *la.variants]
                 for la in full.authorities}
        files = [m.sha256 for m in full.document.media]
        return ScanWords(seen, visible_words(pages, files, live,
                                             withheld_phrases(full.document, live, names)))

    def hits(self, ident: str, q: str, reader: Reader) -> tuple[ScanWords, list[PageHits]] | None:
        """The visible words a search for ``q`` matches, page by page, matched as the index
        matches them (folded, stemmed in the document's languages); None for a document the
        reader may not see. Raises QueryError for a query that cannot be read."""
        leaves = [leaf for leaf in positive_words(parse_query(q)) if not leaf.field]
        found = self.visible(ident, reader)
        if found is None:
            return None
        languages = [*found.stored.document.languages, ""]
        out, total = [], 0
        for page in found.pages:
            matched = _matches(page.words, leaves, languages, self.terms)
            if matched and total < MAX_HITS:
                words = tuple(page.words[i] for i in sorted(matched))[:MAX_HITS - total]
                total += len(words)
                out.append(PageHits(page.media, page.page, page.width, page.height,
                                    found.canvas(page.media, page.page), words, page))
        return found, out

    def searchable_pdf(self, ident: str, scan: int, reader: Reader) -> tuple[Path, str] | None:
        """A scan (numbered from 1) as a PDF of its served pages with its visible words as an
        invisible text layer, and a file name for it; None when there is no such scan, or no
        word on it the reader may read."""
        found = self.visible(ident, reader)
        files = found.stored.document.media if found else ()
        if found is None or self.pdfs is None or not 1 <= scan <= len(files):
            return None
        media = files[scan - 1]
        served = self.catalogue.served_scan(media.sha256, reader.actor, reader.today)
        if served is None or not found.has_words(scan - 1):
            return None
        path = self.pdfs.path_of(served, [p for p in found.pages if p.media == scan - 1])
        stem = media.filename.rsplit(".", 1)[0] or f"scan-{scan}"
        return (path, f"{stem}-searchable.pdf") if path else None


def check_query(q: str) -> str:
    """The query to look for, or QueryError: empty, or no word to find on a page."""
    leaves = [leaf for leaf in positive_words(parse_query(q)) if not leaf.field]
    if not q.strip() or not leaves:
        raise QueryError("give a word or phrase to find on the pages (q=...)")
    return q


def _matches(words: Sequence[Word], leaves: Sequence[QueryWord | Phrase],
             languages: Sequence[str], terms: Terms) -> set[int]:
    """Indexes of the words any query word or phrase matches in any of the languages."""
    found: set[int] = set()
    for language in dict.fromkeys(languages):
        stream = [(t, i) for i, w in enumerate(words) for t in terms.terms(w.text, language)]
        tokens = [t for t, _ in stream]
        for leaf in leaves:
            wanted = terms.terms(leaf.text, "" if _is_prefix(leaf) else language)
            for start in _runs(tokens, wanted, _is_prefix(leaf)):
                found |= {stream[k][1] for k in range(start, start + len(wanted))}
    return found


def _is_prefix(leaf: QueryWord | Phrase) -> bool:
    return isinstance(leaf, QueryWord) and leaf.prefix


def _runs(tokens: list[str], wanted: list[str], prefix: bool) -> list[int]:
    """Where the run of terms ``wanted`` starts in ``tokens`` (its last one a prefix)."""
    n = len(wanted)
    if not n:
        return []
    return [s for s in range(len(tokens) - n + 1)
            if tokens[s:s + n - 1] == wanted[:-1]
            and (tokens[s + n - 1].startswith(wanted[-1]) if prefix
                 else tokens[s + n - 1] == wanted[-1])]
