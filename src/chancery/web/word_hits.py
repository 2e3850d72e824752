"""Search hits drawn on the page images of a document's scans: reached from a search result
with the query (``?q=``), each matched word gets a box over it, placed in percent of the page
so it sits on the word at any width the page is shown at: SVG rects over the image, in HTML
alone (no JavaScript, no inline style)."""

from __future__ import annotations

from dataclasses import dataclass

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.search.grammar import QueryError


@dataclass(frozen=True)
class Mark:
    """A box over a word, in percent of the page image."""

    left: float
    top: float
    width: float
    height: float
    text: str

    @property
    def box(self) -> dict[str, str]:
        """x, y, width and height of an SVG rect in percent of the page (the SVG covers the
        image): attributes, not an inline style, so the strict CSP holds."""
        return {"x": f"{self.left:.3f}%", "y": f"{self.top:.3f}%",
                "width": f"{self.width:.3f}%", "height": f"{self.height:.3f}%"}


@dataclass(frozen=True)
class PageMarks:
    """The marks of one search on a document's pages: by the scan's served key, then page."""

    by_scan: dict[str, dict[int, list[Mark]]]
    count: int
    pages: list[tuple[str, int]]  # (scan key, page) with a mark, in order: "found on p. 2"

    def on(self, key: str, page: int) -> list[Mark]:
        """The marks on one page of one scan."""
        return self.by_scan.get(key, {}).get(page, [])


NONE = PageMarks({}, 0, [])


def page_marks(app: App, public_id: str, q: str, reader: Reader) -> PageMarks:
    """The boxes to draw for a search on a document's pages; none for no query or a query
    that cannot be read (the page shows as it would without one)."""
    if not q.strip():
        return NONE
    try:
        found = app.word_boxes.hits(public_id, q, reader)
    except QueryError:
        return NONE
    if found is None:
        return NONE
    scan_words, hits = found
    media = scan_words.stored.document.media
    by_scan: dict[str, dict[int, list[Mark]]] = {}
    for h in hits:
        key = media[h.media].sha256 if h.media < len(media) else ""
        by_scan.setdefault(key, {})[h.page] = [
            Mark(100 * w.x / h.width, 100 * w.y / h.height, 100 * w.w / h.width,
                 100 * w.h / h.height, w.text) for w in h.words]
    pages = [(media[h.media].sha256, h.page) for h in hits if h.media < len(media)]
    return PageMarks(by_scan, sum(len(h.words) for h in hits), pages)
