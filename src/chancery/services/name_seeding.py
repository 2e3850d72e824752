"""Authority records for the names a reader types and the archive does not print.

A historian types Beijing, Guangzhou and Liu Shaoqi; FRUS prints Peiping, Canton and Liu
Shao-chi, often only in running text, where no list of persons or dateline made a record that
search could expand. The gazetteer (shipped data, each entry with its source) names such
places and people with all their spellings. Each entry is laid once onto the archive's
records: its spellings are added to every stored record of its kind that already carries one
of them ("Moscow" from a dateline gains Moskau, Moscou and Москва), or, when none does, it
becomes a record of its own. Either way the record keeps the entry's source id
("gazetteer:place/beijing"), so the entry is never laid again: a spelling an editor removed
stays removed, and an editor sees, adds and removes these spellings like any other."""

from __future__ import annotations

from collections.abc import Sequence

from chancery.domain.authorities import Authority, AuthorityKind, fold
from chancery.services.authorities import AuthorityResolver, PhoneticKey, VariantMaker
from chancery.storage.interface import CatalogueSession

SOURCE_PREFIX = "gazetteer:"


def seed_names(session: CatalogueSession, entries: Sequence[Authority],
               make_variants: VariantMaker, phonetic: PhoneticKey) -> int:
    """Lay the entries not laid before onto the stored records; the number of records made."""
    laid = session.authority_ids_for_sources([s for a in entries for s in a.source_ids])
    todo = [a for a in entries if not any(s in laid for s in a.source_ids)]
    names = AuthorityResolver(session, make_variants, phonetic)
    created = 0
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
                session.add_authority_names(authority_id, rows, entry.source_ids)
            if not matched:
                session.create_authority(full, rows)
                created += 1
    return created
