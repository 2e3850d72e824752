"""Citing documents: the CSL-JSON item of a stored document, renderings in any installed
style (made in batches and kept), and the exports reference managers read."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from chancery.citing.interface import CitationEngine, RenderCache, Rendered, Style
from chancery.domain.authorities import AuthorityKind, Role
from chancery.domain.citation_formats import bibtex, coins, ris
from chancery.domain.citations import house_citation
from chancery.domain.csl import Agent, CslItem, csl_item
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.storage.interface import Catalogue, StoredDocument

BATCH = 400  # items per engine call: one call costs ~0.15 s however many it renders


class NoDocument(LookupError):
    """No document by that id that the reader may see."""


@dataclass(frozen=True)
class Citer:
    """The engine, its cache and what every citation names: the archive and its address."""

    engine: CitationEngine
    cache: RenderCache
    archive_name: str
    public_url: str


@dataclass(frozen=True)
class Citation:
    """A document cited in one style."""

    style: Style
    rendered: Rendered

    @property
    def html(self) -> str:
        """The form a reader wants first, as HTML."""
        return self.rendered.main(self.style.form)[0]

    @property
    def text(self) -> str:
        """The same, as plain text."""
        return self.rendered.main(self.style.form)[1]


def _agents(stored: StoredDocument, role: Role) -> list[Agent]:
    return [Agent(la.authority.name, "person" if la.authority.kind is AuthorityKind.PERSON
                  else "organization") for la in stored.authorities if la.role is role]


def _volume(stored: StoredDocument) -> str:
    """The published edition a numbered document is printed in: its outermost collection
    below a series (a FRUS volume), never a chapter or a thematic collection."""
    if not stored.document.number:
        return ""
    inner = [c for c in stored.collections if c.parent_key]
    return min(inner, key=lambda c: c.key.count("/")).title if inner else ""


def csl_for(stored: StoredDocument, citer: Citer) -> CslItem:
    """The CSL-JSON item of a stored document."""
    doc = stored.document
    return csl_item(doc, authors=_agents(stored, Role.AUTHOR),
                    recipients=_agents(stored, Role.RECIPIENT),
                    publisher=doc.provenance.publishing_archive or citer.archive_name,
                    url=f"{citer.public_url.rstrip('/')}/documents/{doc.public_id}",
                    volume=_volume(stored), revised=_revised(stored))


def _revised(stored: StoredDocument) -> date | None:
    """The day the public record last changed after it was first cited: its latest
    correction or redaction in force (a reader who cited it before sees that it changed)."""
    return stored.revised


def cite_item(citer: Citer, item: CslItem, style_name: str) -> Citation:
    """One item in one style, from the cache or rendered now (and kept)."""
    style = citer.engine.style(style_name)
    key = citer.cache.key(item, style, citer.engine.version)
    found = citer.cache.get(key)
    if found is None:
        found = citer.engine.render([item], style)[0]
        citer.cache.put(key, found)
    return Citation(style, found)


def kept_citations(citer: Citer, item: CslItem, style_names: Iterable[str]) -> dict[str, Citation]:
    """The renderings already made (a page never waits for the engine)."""
    out = {}
    for name in style_names:
        style = citer.engine.style(name)
        found = citer.cache.get(citer.cache.key(item, style, citer.engine.version))
        if found is not None:
            out[name] = Citation(style, found)
    return out


def prerender(catalogue: Catalogue, citer: Citer, style_names: Iterable[str],
              public_ids: list[str] | None = None,
              advance: Callable[[int], None] = lambda n: None) -> int:
    """Render what is missing for these documents (all when None) in these styles, in
    batches; returns how many renderings were made."""
    styles = [citer.engine.style(n) for n in style_names]
    made = 0
    for chunk in _read_ahead(catalogue.documents_for_index(public_ids)):
        # the index's read is an editor's: cite what the public reads, never a redacted word
        items = [csl_for(s.public(), citer) for s in chunk]
        for style in styles:
            keys = [citer.cache.key(i, style, citer.engine.version) for i in items]
            missing = [(k, i) for k, i in zip(keys, items, strict=True) if citer.cache.get(k) is None]
            for start in range(0, len(missing), BATCH):
                batch = missing[start:start + BATCH]
                for (k, _), rendered in zip(batch, citer.engine.render([i for _, i in batch], style),
                                            strict=True):
                    citer.cache.put(k, rendered)
                made += len(batch)
        advance(len(chunk))
    return made


def _read_ahead(chunks: Iterator[list[StoredDocument]]) -> Iterator[list[StoredDocument]]:
    """The chunks of a catalogue read, each fetched one ahead of the caller's work: a read of
    one chunk (a page's few documents) is finished, and its connection given back, before
    pandoc spends its seconds, so none is left checked out when that work is cut short (a
    server stopping, a test ending)."""
    held = next(chunks, None)
    while held is not None:
        following = next(chunks, None)
        yield held
        held = following


EXPORTS = ("bibtex", "ris", "csl-json")


def export(items: list[CslItem], fmt: str) -> str:
    """Items as ``bibtex``, ``ris`` or ``csl-json``."""
    if fmt == "bibtex":
        return "\n".join(bibtex(i) for i in items)
    if fmt == "ris":
        return "".join(ris(i) for i in items)
    if fmt == "csl-json":
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown export format {fmt!r}; use bibtex, ris or csl-json")


def document_item(catalogue: Catalogue, citer: Citer, ident: str,
                  reader: Reader | Actor = Actor.PUBLIC) -> CslItem | None:
    """The CSL-JSON item of a document the reader may see, by public or source id."""
    r = Reader.of(reader)
    stored = catalogue.get_document(ident, r.actor, r.today)
    return csl_for(stored, citer) if stored else None


def cite_document(catalogue: Catalogue, citer: Citer, ident: str, style: str,
                  reader: Reader | Actor = Actor.PUBLIC) -> str | None:
    """A document cited as text in ``style``: house, an export format, or a CSL style."""
    try:
        return cite_selection(catalogue, citer, [ident], style, reader)
    except NoDocument:
        return None


def coins_for(catalogue: Catalogue, citer: Citer, public_ids: list[str],
              reader: Reader | Actor = Actor.PUBLIC) -> dict[str, str]:
    """COinS (for Zotero to save several results at once) of documents already found by a
    search the reader was allowed to make."""
    r = Reader.of(reader)
    # without the texts' bodies and relations, which no citation uses
    found = catalogue.documents_seen_by(public_ids, r.actor, r.today, bodies=False) \
        if public_ids else []
    return {s.document.public_id: coins(csl_for(s, citer)) for s in found}


def cite_selection(catalogue: Catalogue, citer: Citer, idents: list[str], style: str,
                   reader: Reader | Actor = Actor.PUBLIC) -> str:
    """Several documents in one style: an export format holds them all (one BibTeX file, one
    CSL-JSON array); a style gives one citation per line. Raises NoDocument(ident) for a
    document the reader may not see."""
    r = Reader.of(reader)
    stored = []
    for ident in idents:
        found = catalogue.get_document(ident, r.actor, r.today)
        if found is None:
            raise NoDocument(ident)
        stored.append(found)
    if style in EXPORTS:
        return export([csl_for(s, citer) for s in stored], style)
    if style == "house":
        return "\n".join(house_citation(s.document, citer.archive_name, s.revised) for s in stored)
    return "\n".join(cite_item(citer, csl_for(s, citer), style).text for s in stored)


@dataclass(frozen=True)
class CiteStage:
    """The citation job (Stage.CITE): a document's page styles rendered and kept, many
    documents in one engine call when a worker takes a batch."""

    catalogue: Catalogue
    citer: Citer
    style_names: tuple[str, ...]
    public_ids: Callable[[list[int]], dict[int, str]]  # catalogue ids to public ids

    def __call__(self, document_id: int, options: Mapping[str, str]) -> None:
        """Render one document's page styles (already kept ones are not made again)."""
        self.run_many([document_id])

    def run_many(self, document_ids: Sequence[int]) -> None:
        """Render the page styles of these documents, in batches."""
        found = self.public_ids(list(document_ids))
        if found:
            prerender(self.catalogue, self.citer, self.style_names, list(found.values()))
