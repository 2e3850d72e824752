"""IIIF Content Search API 2.0 inside a manifest: ``{manifest}/search?q=`` answers the words
the query matches on the document's scan pages as an AnnotationPage, one "highlighting"
annotation per word targeting its canvas region (``canvas#xywh=``), with the words around it
as a "contextualizing" TextQuoteSelector, so Mirador or the Universal Viewer can list and
draw the hits. Only words the public may read are searched (services/word_boxes.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from chancery.bootstrap import App
from chancery.domain.readers import Reader
from chancery.domain.words import PageWords, Word
from chancery.search.grammar import QueryError
from chancery.services.word_boxes import PageHits, check_query

PRESENTATION = "http://iiif.io/api/presentation/3/context.json"
SEARCH = "http://iiif.io/api/search/2/context.json"
PROFILE = "http://iiif.io/api/search/2/search"
MOTIVATION = "highlighting"
CONTEXT_WORDS = 4  # words shown before and after a hit
Json = dict[str, Any]


class BadSearch(ValueError):
    """A search that cannot be answered (no q, or one that cannot be read)."""


def service(manifest_id: str) -> Json:
    """The SearchService2 description a manifest carries."""
    return {"id": f"{manifest_id}/search", "type": "SearchService2", "profile": PROFILE}


def answer(app: App, public_id: str, root: str, params: Mapping[str, str],
           reader: Reader) -> Json | None:
    """The AnnotationPage for a search within a document's manifest; None when the reader may
    not see the document (or it has no scans). Raises BadSearch for a q it cannot read."""
    q = params.get("q", "")
    try:
        found = app.word_boxes.hits(public_id, check_query(q), reader)
    except QueryError as exc:
        raise BadSearch(exc.message) from None
    if found is None or not found[0].stored.document.media \
            or found[0].stored.document.public_id != public_id:
        return None
    mid = f"{root}/manifests/{public_id}"
    wanted = set(params.get("motivation", MOTIVATION).split()) or {MOTIVATION}
    hits = found[1] if MOTIVATION in wanted else []
    items = [_annotation(mid, h, w) for h in hits for w in h.words]
    body: Json = {"@context": [PRESENTATION, SEARCH], "id": _self(mid, params),
                  "type": "AnnotationPage", "items": items}
    ignored = sorted(set(params) - {"q", "motivation"})
    if ignored:
        body["ignored"] = ignored
    if items:
        body["annotations"] = [{"type": "AnnotationPage",
                                "items": [_context(mid, h, w) for h in hits for w in h.words]}]
    return body


def _self(mid: str, params: Mapping[str, str]) -> str:
    return f"{mid}/search?{urlencode({k: v for k, v in params.items() if k in ('q', 'motivation')})}"


def _region(w: Word) -> str:
    return f"{w.x},{w.y},{w.w},{w.h}"


def _annotation_id(mid: str, h: PageHits, w: Word) -> str:
    return f"{mid}/canvas/{h.canvas}/words/{_region(w)}"


def _annotation(mid: str, h: PageHits, w: Word) -> Json:
    return {"id": _annotation_id(mid, h, w), "type": "Annotation", "motivation": MOTIVATION,
            "body": {"type": "TextualBody", "value": w.text, "format": "text/plain"},
            "target": f"{mid}/canvas/{h.canvas}#xywh={_region(w)}"}


def _context(mid: str, h: PageHits, w: Word) -> Json:
    """The words around a hit on its page (the visible ones only), for a viewer's list."""
    before, after = _around(h.context, w)
    selector = {"type": "TextQuoteSelector", "exact": w.text}
    if before:
        selector["prefix"] = before + " "
    if after:
        selector["suffix"] = " " + after
    return {"id": f"{_annotation_id(mid, h, w)}/context", "type": "Annotation",
            "motivation": "contextualizing",
            "target": {"type": "SpecificResource", "source": _annotation_id(mid, h, w),
                       "selector": [selector]}}


def _around(page: PageWords, word: Word) -> tuple[str, str]:
    at = page.words.index(word)
    return (" ".join(x.text for x in page.words[max(0, at - CONTEXT_WORDS):at]),
            " ".join(x.text for x in page.words[at + 1:at + 1 + CONTEXT_WORDS]))
