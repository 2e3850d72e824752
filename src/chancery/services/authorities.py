"""Matching the people, organizations, places and subjects an import names to the archive's
authority records, creating records for new ones."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from chancery.domain.authorities import (
    Authority,
    AuthorityKind,
    NameVariant,
    VariantSource,
    fold,
    is_fuller_form,
    is_same_person,
    name_tokens,
)
from chancery.storage.interface import AuthorityRow, CatalogueSession, NameRow, NewNames

VariantMaker = Callable[[Authority], Authority]
PhoneticKey = Callable[[str], str]
# Source ids of curated records an authority is known to be, by one of its names (the
# gazetteer's "gazetteer:person/liu-shaoqi" for "Liu Shao-chi"): an entry matches the record
# that carries one, as if a source had given it
SameAs = Callable[[Authority], tuple[str, ...]]


def merge_same_ref(items: Iterable[Authority]) -> dict[str, Authority]:
    """One Authority per ref, with the variants of every copy of it."""
    merged: dict[str, Authority] = {}
    for a in items:
        have = merged.get(a.ref)
        if have is None:
            merged[a.ref] = a
            continue
        names = {have.name} | {v.name for v in have.variants}
        extra = tuple(v for v in a.variants if v.name not in names)
        ids = tuple(dict.fromkeys(have.source_ids + a.source_ids))
        merged[a.ref] = Authority(have.kind, have.name, have.ref, have.key,
                                  have.description or a.description, have.variants + extra, ids)
    return merged


def is_distinctive_name(name: str) -> bool:
    """A full name with a given name and a middle name or initial ("Herter, Christian A.",
    "Johnson, U. Alexis"): within one national series, such a name is one person."""
    tokens = name_tokens(name)
    return len(tokens) >= 3 and any(len(t) > 1 for t in tokens[:-1])


def same_listed_person(entry: Authority, stored: Authority) -> bool:
    """Whether a list-of-persons entry names a stored person. Offices change from volume to
    volume (Herter: Under Secretary, Secretary of State, then Special Representative for
    Trade Negotiations), so a distinctive full name suffices; a short one ("Klein, David")
    also needs a description that agrees, and anything doubtful stays apart."""
    if is_same_person(entry, stored):
        return True
    return (entry.kind is stored.kind is AuthorityKind.PERSON
            and name_tokens(entry.name) == name_tokens(stored.name)
            and is_distinctive_name(entry.name))


def _candidate_matches(a: Authority, candidates: list[AuthorityRow]) -> AuthorityRow | None:
    if a.kind is AuthorityKind.PERSON and a.source_ids:
        for c in candidates:
            if same_listed_person(a, Authority(c.kind, c.name, description=c.description)):
                return c
        return None
    return candidates[0] if candidates else None


def _fuller_form(a: Authority, candidates: list[AuthorityRow]) -> AuthorityRow | None:
    """A stored person whose name is a fuller or other romanised form of this entry's."""
    if not a.source_ids:  # only list-of-persons entries carry the descriptions to tell
        return None
    return next((c for c in candidates if is_fuller_form(
        a, Authority(c.kind, c.name, description=c.description))), None)


class AuthorityResolver:
    """Resolves batch refs to stored authority ids inside one catalogue session."""

    def __init__(self, session: CatalogueSession, make_variants: VariantMaker,
                 phonetic: PhoneticKey, same_as: SameAs | None = None) -> None:
        self.session = session
        self.make_variants = make_variants
        self.phonetic = phonetic
        self.same_as = same_as
        self.created = 0

    def name_rows(self, a: Authority) -> list[NameRow]:
        """Every name of an authority with its match keys."""
        variants = [NameVariant(a.name, VariantSource.SOURCE), *a.variants]
        return [NameRow(v, "", "") if v.source is VariantSource.HELD_BACK  # never matched
                else NameRow(v, fold(v.name), self.phonetic(v.name)) for v in variants]

    def resolve(self, items: Iterable[Authority]) -> dict[str, int]:
        """Stored ids for every ref: matched by source id, then by name, else created."""
        merged = merge_same_ref(items)
        known_by = {ref: (*a.source_ids, *self._curated(a)) for ref, a in merged.items()}
        by_source = self.session.authority_ids_for_sources(
            [s for ids in known_by.values() for s in ids])
        ids: dict[str, int] = {}
        pending: list[Authority] = []
        laid: list[NewNames] = []
        for ref, a in merged.items():
            known = next((by_source[s] for s in known_by[ref] if s in by_source), None)
            if known is None:
                pending.append(a)
            else:
                ids[ref] = known
                laid.append(NewNames(known, self.name_rows(a), a.source_ids))
        self.session.add_names(laid)  # before matching by name: the names they bring match
        for kind in AuthorityKind:
            ids.update(self._resolve_by_name([a for a in pending if a.kind is kind], kind))
        return ids

    def _curated(self, a: Authority) -> tuple[str, ...]:
        """A person's curated record ids: a list entry for someone the gazetteer made a
        record of ("Liu Shao-chi, Chairman" after "Liu Shaoqi") is that record, not a second
        one. Places need no help: they are matched by name alone."""
        if self.same_as is None or a.kind is not AuthorityKind.PERSON:
            return ()
        return self.same_as(a)

    def _resolve_by_name(self, items: list[Authority], kind: AuthorityKind) -> dict[str, int]:
        """Match each item by name or make it a record. Records to make get stand-in ids
        (-1, -2 ...) until the whole batch is created at once, a few statements in all."""
        if not items:
            return {}
        found = self.session.authorities_named(kind, sorted({fold(a.name) for a in items}))
        sounding = (self.session.authorities_sounding(kind, sorted({self.phonetic(a.name) for a in items}))
                    if kind is AuthorityKind.PERSON else {})
        ids: dict[str, int] = {}
        laid: list[NewNames] = []
        made: list[Authority] = []
        for a in items:
            match = (_candidate_matches(a, found.get(fold(a.name), []))
                     or _fuller_form(a, sounding.get(self.phonetic(a.name), [])))
            if match is not None:
                ids[a.ref] = match.id
                laid.append(NewNames(match.id, self.name_rows(a), a.source_ids))
                continue
            made.append(self.make_variants(a))
            ids[a.ref] = -len(made)
            row = AuthorityRow(ids[a.ref], "", a.kind, a.name, a.description)
            found.setdefault(fold(a.name), []).append(row)  # later items in the batch meet it
            if kind is AuthorityKind.PERSON:
                sounding.setdefault(self.phonetic(a.name), []).append(row)
        return self._create(made, ids, laid)

    def _create(self, made: list[Authority], ids: dict[str, int],
                laid: list[NewNames]) -> dict[str, int]:
        """Create the records made, then lay the names matched onto them or others."""
        real = self.session.create_authorities([(full, self.name_rows(full)) for full in made])
        self.created += len(real)

        def stored(i: int) -> int:
            return real[-i - 1] if i < 0 else i

        self.session.add_names([replace(n, authority_id=stored(n.authority_id)) for n in laid])
        return {ref: stored(i) for ref, i in ids.items()}
