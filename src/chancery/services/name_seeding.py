"""Authority records for the names a reader types and the archive does not print.

A historian types Beijing, Guangzhou and Liu Shaoqi; FRUS prints Peiping, Canton and Liu
Shao-chi, often only in running text, where no list of persons or dateline made a record that
search could expand. The gazetteer (shipped data, each entry with its source) names such
places and people with all their spellings. Each entry is laid once onto the archive's
records: its spellings are added to every stored record of its kind that already carries one
of them ("Moscow" from a dateline gains Moskau, Moscou and Москва), or, when none does, it
becomes a record of its own — but only once some document of the archive prints one of its
names (asked of the search index after an import), so that an archive is not handed two
hundred records nobody names. Either way the record keeps the entry's source id
("gazetteer:place/beijing"), so the entry is never laid again: a spelling an editor removed
stays removed, and an editor sees, adds and removes these spellings like any other."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from chancery.domain.authorities import Authority, AuthorityKind, NameVariant, VariantSource, fold
from chancery.domain.publication import Actor
from chancery.search.grammar import Or, Phrase
from chancery.search.interface import SearchIndex, SearchRequest
from chancery.services.authorities import AuthorityResolver, PhoneticKey, VariantMaker
from chancery.storage.interface import CatalogueSession, NameRow

Printed = Callable[[list[str]], bool]  # whether some document prints one of these names


@dataclass(frozen=True)
class Laid:
    """What laying the gazetteer did: records made, and the stored records it added names to."""

    created: int
    laid_on: frozenset[int]


def seed_names(session: CatalogueSession, entries: Sequence[Authority],
               make_variants: VariantMaker, phonetic: PhoneticKey,
               printed: Printed | None = None) -> int:
    """Lay the entries not laid before onto the stored records; an entry no record carries
    becomes a record when ``printed`` says a document prints one of its names (never
    without it). The number of records made."""
    return lay_entries(session, entries, make_variants, phonetic, printed).created


def lay_entries(session: CatalogueSession, entries: Sequence[Authority],
                make_variants: VariantMaker, phonetic: PhoneticKey,
                printed: Printed | None = None) -> Laid:
    """seed_names, telling also which stored records gained names (their documents are to
    be indexed again when they were stored before)."""
    laid = session.authority_ids_for_sources([s for a in entries for s in a.source_ids])
    todo = [a for a in entries if not any(s in laid for s in a.source_ids)]
    names = AuthorityResolver(session, make_variants, phonetic)
    created, laid_on = 0, set()
    for kind in AuthorityKind:
        items = [a for a in todo if a.kind is kind]
        if not items:
            continue
        found = session.authorities_named(kind, sorted({fold(n) for a in items
                                                        for n in a.all_names()}))
        for entry in items:
            full = make_variants(entry)
            rows = names.name_rows(full)
            matched = {r.id for n in entry.all_names() for r in found.get(fold(n), [])}
            for authority_id in sorted(matched):
                session.add_authority_names(authority_id, _as_generated(rows, full.name),
                                            entry.source_ids)
            laid_on |= matched
            if not matched and printed is not None and printed(entry.all_names()):
                session.create_authority(full, rows)
                created += 1
    return Laid(created, frozenset(laid_on))


def _as_generated(rows: list[NameRow], name: str) -> list[NameRow]:
    """An entry's names as laid onto a record that has its own: the entry's preferred name
    ("Andrei Gromyko") is the gazetteer's help, not a form a source printed for the record,
    so no further spelling is generated from it (a fresh import of an export then makes the
    same record)."""
    scheme = next((v.variant.scheme for v in rows if v.variant.scheme), "")
    return [replace(r, variant=NameVariant(name, VariantSource.GENERATED, "", scheme))
            if r.variant.name == name and r.variant.source is VariantSource.SOURCE else r
            for r in rows]


def prints_any(index: SearchIndex, today: date) -> Printed:
    """Whether any stored document, draft or published, prints one of the names: the
    record made is an editor's help (the registers list records public documents name)."""
    def printed(names: list[str]) -> bool:
        query = Or(tuple(Phrase(n) for n in names if len(fold(n)) >= 2))
        request = SearchRequest(query, Actor.EDITOR, today, limit=1, snippets=False,
                                facets=False)
        return bool(query.children) and index.search(request).total > 0
    return printed
