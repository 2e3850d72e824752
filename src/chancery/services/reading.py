"""The reading room's use cases: a document page with everything around it, an authority's
page, a collection's page, the archive's figures. Every read goes through the access rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from chancery.domain.authorities import Role
from chancery.domain.citations import house_citation
from chancery.domain.collections import Collection
from chancery.domain.publication import Actor, PublicationState
from chancery.domain.texts import TextKind, TextVersion
from chancery.search.interface import Bucket
from chancery.services.clock import today
from chancery.services.search import Search
from chancery.storage.interface import AuthorityRow, Catalogue, LinkedAuthority, StoredDocument

# The order the record lists a document's authorities in, with the heading of each role.
ROLE_HEADINGS = [(Role.AUTHOR, "From"), (Role.RECIPIENT, "To"), (Role.SIGNER, "Signed by"),
                 (Role.ORIGIN, "Place"), (Role.MENTIONED, "People and organizations mentioned"),
                 (Role.PLACE_MENTIONED, "Places mentioned"), (Role.SUBJECT, "Subjects"),
                 (Role.TRANSLATOR, "Translators")]


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


def document_page(catalogue: Catalogue, ident: str, archive_name: str,
                  actor: Actor = Actor.PUBLIC) -> DocumentPage | Withdrawn | None:
    """A document page by public or source id; Withdrawn when taken down; None when there is
    nothing the reader may see."""
    now = today()
    stored = catalogue.get_document(ident, actor, now)
    if stored is None:
        hidden = catalogue.get_document(ident, Actor.EDITOR, now)
        if hidden and hidden.document.publication.state is PublicationState.WITHDRAWN:
            return Withdrawn(hidden.document.public_id, hidden.document.title)
        return None
    doc = stored.document
    roles = [(heading, [la for la in stored.authorities if la.role is role])
             for role, heading in ROLE_HEADINGS]
    trail = _trail(stored.collections, catalogue.collections())
    previous = following = None
    if trail:
        previous, following = catalogue.neighbours(stored.id, trail[-1].key, actor, now)
    return DocumentPage(stored, house_citation(doc, archive_name), [r for r in roles if r[1]],
                        trail, previous, following, _parallel(doc.texts))


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


def _parallel(texts: tuple[TextVersion, ...]) -> tuple[TextVersion, TextVersion] | None:
    original = next((t for t in texts if t.kind is TextKind.ORIGINAL), None)
    translation = next((t for t in texts if t.kind is TextKind.TRANSLATION), None)
    return (original, translation) if original and translation else None


@dataclass(frozen=True)
class ArchiveFigures:
    """What the home page says about the archive as a whole."""

    documents: int
    first_year: int | None
    last_year: int | None
    languages: list[Bucket]
    archives: list[Bucket]
    collections: list[tuple[Collection, int]]
    recent: list[tuple[str, str, str]]  # public id, title, date as printed


def archive_figures(catalogue: Catalogue, search: Search) -> ArchiveFigures:
    """Counts, date span, languages, archives and top collections of what the public sees,
    from the search index (fast at a million documents), and the latest additions."""
    results = search.documents("", sort="recent", per_page=8).results
    years = sorted(int(b.value) for b in results.facets.get("year", []) if b.value.isdigit())
    counts = {b.value: b.count for b in results.facets.get("collection", [])}
    tops = [(c, counts[c.key]) for c in catalogue.collections()
            if not c.parent_key and c.key in counts]
    return ArchiveFigures(results.total, years[0] if years else None,
                          years[-1] if years else None, results.facets.get("language", []),
                          results.facets.get("archive", []), tops,
                          [(h.public_id, h.title, h.date_display) for h in results.hits])


def authority_record(catalogue: Catalogue, key: str) -> tuple[AuthorityRow, list[str]] | None:
    """An authority record with all its names."""
    return catalogue.authority(key)


def collection_record(catalogue: Catalogue, key: str) -> tuple[Collection, list[Collection],
                                                               list[Collection]] | None:
    """A collection, its ancestors (outermost first) and its children in order."""
    every = catalogue.collections()
    found = next((c for c in every if c.key == key), None)
    if found is None:
        return None
    children = sorted((c for c in every if c.parent_key == key), key=lambda c: (c.position, c.key))
    return found, _trail([found], every)[:-1], children
