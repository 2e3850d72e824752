"""Every authority record a reader is shown, with its names and how many documents name it:
what name suggestions as a reader types are made from."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Connection, distinct, func, select

from chancery.domain.authorities import AuthorityKind, fold
from chancery.domain.publication import Actor
from chancery.storage import rows
from chancery.storage.interface import ListedAuthority
from chancery.storage.lookups import naming
from chancery.storage.tables import authorities, authority_names, document_links, documents


def listed_authorities(conn: Connection, actor: Actor, today: date) -> list[ListedAuthority]:
    """The records the public registers list for the actor (lookups.naming), most named
    first, each with every name that names it."""
    joined = document_links.join(documents, documents.c.id == document_links.c.document_id) \
        .join(authorities, authorities.c.id == document_links.c.authority_id)
    counted = naming(select(document_links.c.authority_id,
                            func.count(distinct(document_links.c.document_id)))
                     .select_from(joined), actor, today).group_by(document_links.c.authority_id)
    counts: dict[int, int] = {aid: n for aid, n in conn.execute(counted)}
    names: dict[int, dict[str, str]] = defaultdict(dict)  # name -> folded, as stored
    for aid, name, folded in conn.execute(select(
            authority_names.c.authority_id, authority_names.c.name, authority_names.c.folded)
            .where(rows.is_a_name())):
        if aid in counts:
            names[aid][name] = folded
    records = select(authorities.c.id, authorities.c.key, authorities.c.kind, authorities.c.name)
    out = [_listed(key, kind, name, counts[aid], names[aid])
           for aid, key, kind, name in conn.execute(records) if aid in counts]
    return sorted(out, key=lambda a: (-a.documents, a.name, a.key))


def _listed(key: str, kind: str, name: str, documents: int,
            names: dict[str, str]) -> ListedAuthority:
    every = {name: names.get(name) or fold(name), **names}  # the preferred name first
    return ListedAuthority(key, AuthorityKind(kind), name, documents, tuple(every),
                           tuple(every.values()))
