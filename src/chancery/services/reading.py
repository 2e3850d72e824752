"""The reading room's use cases: a document page with everything around it, an authority's
page, a collection's page, the archive's figures. Every read goes through the access rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chancery.domain.authorities import Role
from chancery.domain.citations import house_citation
from chancery.domain.collections import Collection
from chancery.domain.documents import Document
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.domain.texts import TextKind, TextVersion, cited_numbers, sibling_source_id
from chancery.search.grammar import MatchAll
from chancery.search.interface import Bucket, Hit, SearchRequest
from chancery.services.search import Search
from chancery.storage.interface import AuthorityRow as AuthorityRow  # entry points' type
from chancery.storage.interface import (
    Catalogue,
    LinkedAuthority,
    StoredDocument,
    WithdrawnDocument,
)

# The order the record lists a document's authorities in, with the heading of each role.
ROLE_HEADINGS = [(Role.AUTHOR, "From"), (Role.RECIPIENT, "To"), (Role.SIGNER, "Signed by"),
                 (Role.ORIGIN, "Place"), (Role.MENTIONED, "People and organizations mentioned"),
                 (Role.PLACE_MENTIONED, "Places mentioned"), (Role.SUBJECT, "Subjects"),
                 (Role.TRANSLATOR, "Translators")]


def _who(reader: Reader | Actor) -> tuple[Actor, date]:
    """The actor and date the catalogue filters with (a bare actor reads as of today)."""
    r = Reader.of(reader)
    return r.actor, r.today


@dataclass(frozen=True)
class Withdrawn:
    """A document that was public and has been taken down: its page answers 410."""

    public_id: str
    title: str


@dataclass(frozen=True)
class DocumentPage:
    """A document with what its page shows around it."""

    stored: StoredDocument
    citation: str
    roles: list[tuple[str, list[LinkedAuthority]]]
    trail: list[Collection] = field(default_factory=list)  # from the series down
    previous: tuple[str, str] | None = None
    next: tuple[str, str] | None = None
    parallel: tuple[TextVersion, TextVersion] | None = None  # original beside a translation
    # documents of the same series the notes cite ("Document 303"): number -> (public id, title)
    cited: dict[str, tuple[str, str]] = field(default_factory=dict)


def document_page(catalogue: Catalogue, ident: str, archive_name: str,
                  reader: Reader | Actor = Actor.PUBLIC) -> DocumentPage | Withdrawn | None:
    """A document page by public or source id; Withdrawn when taken down; None when there is
    nothing the reader may see."""
    actor, now = _who(reader)
    stored = catalogue.get_document(ident, actor, now)
    if stored is None:
        # only what the public once saw has a tombstone; anything else stays unknown
        gone = catalogue.withdrawn(ident)
        return Withdrawn(gone.public_id, gone.title) if gone else None
    doc = stored.document
    roles = [(heading, [la for la in stored.authorities if la.role is role])
             for role, heading in ROLE_HEADINGS]
    trail = _trail(stored.collections, catalogue.collections(actor, now))
    previous = following = None
    if trail:
        previous, following = catalogue.neighbours(stored.id, trail[-1].key, actor, now)
    return DocumentPage(stored, house_citation(doc, archive_name, stored.revised), [r for r in roles if r[1]],
                        trail, previous, following, _parallel(doc.texts),
                        _cited(catalogue, doc, actor, now))


def _trail(mine: list[Collection], every: list[Collection]) -> list[Collection]:
    """The deepest collection of a document with its ancestors, outermost first."""
    if not mine:
        return []
    by_key = {c.key: c for c in every}
    deepest = max(mine, key=lambda c: c.key.count("/"))
    trail: list[Collection] = []
    current: Collection | None = by_key.get(deepest.key, deepest)
    while current is not None and current not in trail:
        trail.append(current)
        current = by_key.get(current.parent_key) if current.parent_key else None
    return list(reversed(trail))


_MAX_CITED = 20  # a note rarely cites more


def _cited(catalogue: Catalogue, doc: Document, actor: Actor,
           now: date) -> dict[str, tuple[str, str]]:
    """The documents of the same series that the notes cite by number, those the reader may
    see (a link to a hidden one would lead to a 404)."""
    notes = [n.text for t in doc.texts for n in t.notes] + [doc.provenance.source_note]
    numbers = {n for text in notes for n in cited_numbers(text)}
    idents = {number: sibling_source_id(doc.source_id, number)
              for number in sorted(numbers, key=int)[:_MAX_CITED]}
    found = catalogue.titles_by_source([i for i in idents.values() if i], actor, now)
    return {number: found[ident] for number, ident in idents.items() if ident in found}


def _parallel(texts: tuple[TextVersion, ...]) -> tuple[TextVersion, TextVersion] | None:
    original = next((t for t in texts if t.kind is TextKind.ORIGINAL), None)
    translation = next((t for t in texts if t.kind is TextKind.TRANSLATION), None)
    return (original, translation) if original and translation else None


@dataclass(frozen=True)
class CollectionFigures:
    """A top-level collection as the home page shows it: how many documents the reader may
    see in it and below, and the years they span."""

    collection: Collection
    documents: int
    first_year: int | None
    last_year: int | None


@dataclass(frozen=True)
class ArchiveFigures:
    """What the home page says about the archive as a whole."""

    documents: int
    first_year: int | None
    last_year: int | None
    languages: list[Bucket]
    archives: list[Bucket]
    collections: list[CollectionFigures]
    years: list[Bucket]  # documents per year, dated years only, for the timeline
    recent: list[Hit]  # the latest additions, newest first


def archive_figures(catalogue: Catalogue, search: Search,
                    reader: Reader | Actor = Actor.PUBLIC) -> ArchiveFigures:
    """Counts, date spans, languages, archives and top collections of what the reader sees,
    from the search index (fast at a million documents), and the latest additions."""
    actor, now = _who(reader)
    results = search.documents("", sort="recent", per_page=8, reader=Reader(actor, now)).results
    years = sorted((b for b in results.facets.get("year", []) if b.value.isdigit()),
                   key=lambda b: int(b.value))
    tops = [c for c in catalogue.collections(actor, now) if not c.parent_key]
    spans = {s.value: s for s in search.index.spans(SearchRequest(MatchAll(), actor, now),
                                                    "collection", [c.key for c in tops])}
    shown = [CollectionFigures(c, spans[c.key].count, spans[c.key].first_year,
                               spans[c.key].last_year) for c in tops if c.key in spans]
    return ArchiveFigures(results.total, int(years[0].value) if years else None,
                          int(years[-1].value) if years else None,
                          results.facets.get("language", []), results.facets.get("archive", []),
                          shown, years, results.hits)


def withdrawn_document(catalogue: Catalogue, ident: str) -> WithdrawnDocument | None:
    """The tombstone of a document the public once saw and that has been taken down."""
    return catalogue.withdrawn(ident)


def authority_list(catalogue: Catalogue, kind: str, after: str = "", limit: int = 200,
                   reader: Reader | Actor = Actor.PUBLIC) -> list[AuthorityRow]:
    """Records of one kind in key order after ``after``: only those a document the reader
    may see names, so the list gives away no unpublished record."""
    return catalogue.list_authorities(kind, *_who(reader), after, limit)


def authority_record(catalogue: Catalogue, key: str,
                     reader: Reader | Actor = Actor.PUBLIC) -> tuple[AuthorityRow, list[str]] | None:
    """An authority record with all its names, when a document the actor may see names it
    (the slugs follow from names, so a record of drafts alone must answer as unknown)."""
    return catalogue.authority(key, *_who(reader))


def collections(catalogue: Catalogue, reader: Reader | Actor = Actor.PUBLIC) -> list[Collection]:
    """The collections holding something the reader may see, parents before children."""
    return catalogue.collections(*_who(reader))


def collection_record(catalogue: Catalogue, key: str,
                      reader: Reader | Actor = Actor.PUBLIC) -> tuple[Collection, list[Collection],
                                                                     list[Collection]] | None:
    """A collection the reader may see, its ancestors (outermost first) and its children."""
    every = catalogue.collections(*_who(reader))
    found = next((c for c in every if c.key == key), None)
    if found is None:
        return None
    children = sorted((c for c in every if c.parent_key == key), key=lambda c: (c.position, c.key))
    return found, _trail([found], every)[:-1], children
