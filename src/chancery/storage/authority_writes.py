"""Authority records an import makes or names it adds, written a batch at a time.

An import of a volume makes hundreds of records and lays names onto hundreds more. One
statement per record (its key looked up, the row, its names, its source ids) was 20,000 round
trips for the 42 FRUS volumes, most of PostgreSQL's store time; here a batch costs the same
few statements whatever its size, on either backend."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Connection, select

from chancery.domain.authorities import Authority, slugify
from chancery.storage import bulk, rows
from chancery.storage.among import among
from chancery.storage.interface import NameRow, NewNames
from chancery.storage.tables import authorities, authority_names, authority_source_ids

_KEYS_TRIED = 20  # keys looked up at once for a taken one: "name-2" ... "name-20"
_CHUNK = bulk.KEYS_AT_ONCE


def create_authorities(conn: Connection, items: Sequence[tuple[Authority, list[NameRow]]]
                       ) -> list[int]:
    """Store new authority records with their names and source ids; their ids, in order."""
    if not items:
        return []
    keys = _unique_keys(conn, [a for a, _ in items])
    new_ids = bulk.insert_keyed(conn, authorities, "key", [
        {"key": key, "kind": a.kind.value, "name": a.name, "description": a.description}
        for (a, _), key in zip(items, keys, strict=True)])
    # A new record has no names yet, and its source ids matched nothing (else it would not
    # be new): insert without looking first, the hot path of a large first import.
    names = [row for (_, ns), new_id in zip(items, new_ids, strict=True)
             for row in {n.variant.name: rows.name_row(new_id, n) for n in ns}.values()]
    bulk.insert_rows(conn, authority_names, names)
    sources = [{"source_id": s, "authority_id": new_id}
               for (a, _), new_id in zip(items, new_ids, strict=True)
               for s in dict.fromkeys(a.source_ids)]
    bulk.insert_rows(conn, authority_source_ids, sources)
    return new_ids


def add_names(conn: Connection, additions: Sequence[NewNames]) -> None:
    """Add names and source ids to stored records, duplicates ignored: a name a record has,
    a source id some record carries, or one an earlier addition of the batch brings."""
    ids = sorted({a.authority_id for a in additions})
    have = {(aid, name) for part in _chunks(ids) for aid, name in conn.execute(
        select(authority_names.c.authority_id, authority_names.c.name)
        .where(among(authority_names.c.authority_id, part)))}
    new: dict[tuple[int, str], rows.RowDict] = {}
    for a in additions:
        own = {n.variant.name: rows.name_row(a.authority_id, n) for n in a.names}
        for name, row in own.items():
            if (a.authority_id, name) not in have:
                new.setdefault((a.authority_id, name), row)
    bulk.insert_rows(conn, authority_names, list(new.values()))
    _add_sources(conn, [(s, a.authority_id) for a in additions for s in a.source_ids])


def _add_sources(conn: Connection, pairs: list[tuple[str, int]]) -> None:
    wanted = sorted({s for s, _ in pairs})
    known = {s for part in _chunks(wanted) for s in conn.execute(
        select(authority_source_ids.c.source_id)
        .where(among(authority_source_ids.c.source_id, part))).scalars()}
    fresh: dict[str, int] = {}
    for source_id, authority_id in pairs:
        if source_id not in known:
            fresh.setdefault(source_id, authority_id)
    bulk.insert_rows(conn, authority_source_ids,
                     [{"source_id": s, "authority_id": aid} for s, aid in fresh.items()])


def _unique_keys(conn: Connection, items: list[Authority]) -> list[str]:
    """A key for each new record: its own, else "kind/slug", "kind/slug-2" ... the first free
    one, records earlier in the batch taking theirs first."""
    bases = [a.key or f"{a.kind.value}/{slugify(a.name)}" for a in items]
    taken = _taken(conn, list(dict.fromkeys(b for a, b in zip(items, bases, strict=True)
                                            if not a.key)))
    taken |= {a.key for a in items if a.key}
    keys = []
    for a, base in zip(items, bases, strict=True):
        key = a.key
        if not key:
            key, n = base, 2
            while key in taken:
                key, n = f"{base}-{n}", n + 1
            taken.add(key)
        keys.append(key)
    return keys


def _taken(conn: Connection, bases: list[str]) -> set[str]:
    """Stored keys that new records of these bases could collide with, looked up by the
    unique index (a LIKE scans every record, and SQLite's is case-blind): the bases, then
    the next few keys of those taken, then, for a base with all of them taken, every key
    that may follow it."""
    taken = _stored(conn, bases)
    crowded = [base for base in bases if base in taken]
    taken |= _stored(conn, [k for base in crowded for k in _next_keys(base)])
    for base in crowded:
        if all(k in taken for k in _next_keys(base)):
            taken |= set(conn.execute(select(authorities.c.key).where(
                authorities.c.key.like(base + "%"))).scalars())
    return taken


def _stored(conn: Connection, keys: list[str]) -> set[str]:
    return {k for part in _chunks(keys) for k in conn.execute(
        select(authorities.c.key).where(among(authorities.c.key, part))).scalars()}


def _next_keys(base: str) -> list[str]:
    return [f"{base}-{n}" for n in range(2, _KEYS_TRIED + 1)]


def _chunks(values: list[str] | list[int]) -> Iterator[Sequence[object]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]

