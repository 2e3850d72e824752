"""Every authority record a reader is shown, with its names and how many documents name it:
what name suggestions as a reader types are made from."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Connection, distinct, func, select

from chancery.domain.authorities import AuthorityKind
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
    names: dict[int, list[str]] = defaultdict(list)
    for aid, name in conn.execute(select(authority_names.c.authority_id, authority_names.c.name)
                                  .where(rows.is_a_name())):
        if aid in counts:
            names[aid].append(name)
    records = select(authorities.c.id, authorities.c.key, authorities.c.kind, authorities.c.name)
    out = [ListedAuthority(key, AuthorityKind(kind), name, counts[aid],
                           tuple(dict.fromkeys([name, *names[aid]])))
           for aid, key, kind, name in conn.execute(records) if aid in counts]
    return sorted(out, key=lambda a: (-a.documents, a.name, a.key))
