"""Knowing a re-imported document again when its source is not the one it came from.

An exported bundle names every authority by the archive's own key, and its documents carry
exactly what the archive holds; its content hashes, though, differ from those of the FRUS
volume or CSV the documents were first imported from. These two checks let such a re-import
match the stored records and report the documents as unchanged instead of rewriting them."""

from __future__ import annotations

from dataclasses import replace

from chancery.domain.authorities import Authority, fold
from chancery.domain.documents import Document
from chancery.domain.publication import Actor
from chancery.domain.records import document_record
from chancery.services.authorities import AuthorityResolver
from chancery.services.clock import today
from chancery.storage.interface import AuthorityRow, Catalogue, NewNames, StoredDocument


def resolve_keeping_keys(resolver: AuthorityResolver, catalogue: Catalogue,
                         items: list[Authority]) -> dict[str, int]:
    """Stored ids for every ref. A record that carries a stored key is that record when kind
    and name agree; a key the archive gives to another record is dropped, so the resolver
    makes a new key rather than fail on a taken one; everything else goes to the resolver."""
    stored: dict[str, AuthorityRow | None] = {}
    keyed: dict[str, int] = {}
    rest: list[Authority] = []
    laid: list[NewNames] = []
    for a in items:
        if a.ref in keyed:
            continue
        if a.key and a.key not in stored:
            found = catalogue.authority(a.key, Actor.EDITOR, today())
            stored[a.key] = found[0] if found else None
        row = stored.get(a.key) if a.key else None
        if row is not None and row.kind is a.kind and fold(row.name) == fold(a.name):
            keyed[a.ref] = row.id
            laid.append(NewNames(row.id, resolver.name_rows(a), a.source_ids))
        else:
            rest.append(replace(a, key="") if row is not None else a)
    resolver.session.add_names(laid)
    return {**resolver.resolve(rest), **keyed}


def same_as_stored(old: StoredDocument | None, doc: Document, ids: dict[str, int]) -> bool:
    """Whether an incoming document, its links resolved to stored ids, equals the stored one."""
    if old is None:
        return False
    before, after = document_record(old.document), document_record(doc)
    before.pop("links")
    after.pop("links")
    links = [(la.authority.id, la.role, la.as_written) for la in old.authorities]
    return before == after and links == [(ids[lk.ref], lk.role, lk.as_written) for lk in doc.links]
