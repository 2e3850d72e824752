"""Counts for `chancery stats`, and the integrity check."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, distinct, func, select

from chancery.domain.publication import Actor
from chancery.storage.access import viewable_by
from chancery.storage.tables import (
    authorities,
    collections,
    document_collections,
    document_links,
    documents,
    media,
    relations,
    text_versions,
)

FACETS = ("collection", "type", "decade", "classification", "language", "state")


def count_documents(conn: Connection, actor: Actor, today: date) -> int:
    """How many documents the actor may see."""
    q = select(func.count()).select_from(documents).where(viewable_by(actor, today))
    return int(conn.execute(q).scalar_one())


def _facet_query(facet: str) -> Any:
    n = func.count(distinct(documents.c.id))
    if facet == "collection":
        return (select(collections.c.key, n)
                .join(document_collections, document_collections.c.collection_id == collections.c.id)
                .join(documents, documents.c.id == document_collections.c.document_id)
                .group_by(collections.c.key))
    if facet == "language":
        return (select(text_versions.c.language, n)
                .join(documents, documents.c.id == text_versions.c.document_id)
                .group_by(text_versions.c.language))
    if facet == "decade":
        # Decades computed in Python from the start year: portable across SQLite and PostgreSQL.
        return select(documents.c.date_start, n).group_by(documents.c.date_start)
    column = {"type": documents.c.doc_type, "classification": documents.c.class_level,
              "state": documents.c.pub_state}[facet]
    return select(column, n).group_by(column)


def counts_by(conn: Connection, facet: str, actor: Actor, today: date) -> list[tuple[str, int]]:
    """Document counts by a facet, largest first."""
    if facet not in FACETS:
        raise ValueError(f"unknown facet {facet!r}; choose from {', '.join(FACETS)}")
    counts: dict[str, int] = {}
    for value, count in conn.execute(_facet_query(facet).where(viewable_by(actor, today))):
        if facet == "decade":
            value = f"{value.year // 10 * 10}s" if value else "undated"
        counts[str(value)] = counts.get(str(value), 0) + int(count)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def check(conn: Connection) -> list[str]:
    """Integrity problems, in words: orphans, dangling relations, documents without text."""
    problems = []
    no_text = conn.execute(select(func.count()).select_from(documents).where(
        ~documents.c.id.in_(select(text_versions.c.document_id)))).scalar_one()
    if no_text:
        problems.append(f"{no_text} document(s) have no text version")
    targets = select(documents.c.public_id).union(
        select(documents.c.source_id).where(documents.c.source_id.is_not(None)))
    dangling = conn.execute(select(relations.c.target).where(
        relations.c.target.not_in(targets))).scalars().all()
    if dangling:
        problems.append(f"{len(dangling)} relation(s) point to documents not in the archive: "
                        + ", ".join(sorted(set(dangling))[:10]))
    orphans = conn.execute(select(func.count()).select_from(document_links).where(
        document_links.c.authority_id.not_in(select(authorities.c.id)))).scalar_one()
    if orphans:
        problems.append(f"{orphans} link(s) point to missing authority records")
    parents = conn.execute(select(collections.c.key).where(
        collections.c.parent_key.is_not(None),
        collections.c.parent_key.not_in(select(collections.c.key)))).scalars().all()
    if parents:
        problems.append(f"{len(parents)} collection(s) have a missing parent: {parents[:5]}")
    return problems


def media_hashes(conn: Connection) -> list[str]:
    """Every blob hash the catalogue refers to."""
    return list(conn.execute(select(media.c.sha256).distinct()).scalars())
