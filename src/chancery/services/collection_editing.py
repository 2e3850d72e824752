"""Editing collections: creating one, its title, description and parent (a collection may not
end up inside itself), the order of siblings and of the documents in one. A collection's key
is its path (parent's key, "/", its own part), which pages, sets and search filters read as
the tree: a move gives it and the keys below it the new parent's path, and the old keys lead
on. Every change is written to the audit log; documents whose collections change are marked
as written so the search index follows."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chancery.domain.authorities import slugify
from chancery.domain.collections import Collection
from chancery.domain.workflow import Acting
from chancery.services.authority_editing import Invalid
from chancery.services.clock import utc_now
from chancery.services.publishing import AuditLog

MAX_TITLE = 500
MAX_DESCRIPTION = 4000
MEMBERS_SHOWN = 1000  # documents a collection's workspace page lists (and can reorder)
MEMBERS_ORDERED = 1_000_000  # a whole collection, when its order is given at once
MAX_KEY = 300  # the longest key the addresses read (moved_to cuts there)
# a key is a path of parts as FRUS and bundles write them: "frus/frus1958-60v19/ch3", "box-3"
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,79})*")


class CollectionStore(Protocol):
    """What editing collections needs from storage (storage/collection_edits.py)."""

    def every(self) -> list[Collection]: ...
    def counts(self) -> dict[str, set[int]]: ...
    def members(self, key: str, limit: int) -> list[tuple[str, str, str, str]]: ...
    def moved_to(self, key: str) -> str | None: ...
    def create(self, c: Collection) -> None: ...
    def update(self, key: str, title: str, description: str, keys: dict[str, str],
               parents: dict[str, str], now: datetime) -> int: ...
    def set_order(self, keys: list[str]) -> None: ...
    def set_members_order(self, key: str, public_ids: list[str], now: datetime) -> int: ...


@dataclass(frozen=True)
class CollectionDetail:
    """A collection as its workspace page shows it."""

    collection: Collection
    children: list[Collection]
    members: list[tuple[str, str, str, str]]  # (public id, title, date, state), in order
    parents: list[Collection]  # where it may go: every collection not inside it


@dataclass(frozen=True)
class CountedCollection:
    """A collection in the tree with its documents (every state): directly in it, and in it
    or any collection below it."""

    depth: int
    collection: Collection
    documents: int
    in_all: int


class CollectionEditor:
    """The use cases of the collection editor, over a store and an audit log."""

    def __init__(self, store: CollectionStore, audit: AuditLog,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store, self.audit, self.clock = store, audit, clock

    def tree(self) -> list[tuple[int, Collection]]:
        """Every collection with its depth, each followed by its children in their order."""
        every = self.store.every()
        out: list[tuple[int, Collection]] = []

        def walk(parent: str, depth: int) -> None:
            for c in _children(every, parent):
                out.append((depth, c))
                walk(c.key, depth + 1)
        walk("", 0)
        return out

    def counted_tree(self) -> list[CountedCollection]:
        """The tree of ``tree()`` with each collection's document counts."""
        tree, direct = self.tree(), self.store.counts()
        parents = {c.key: c.parent_key for _, c in tree}
        below: dict[str, set[int]] = {}
        for key, ids in direct.items():  # each document goes up the parent links, once a level
            seen: set[str] = set()
            while key in parents and key not in seen:
                seen.add(key)
                below.setdefault(key, set()).update(ids)
                key = parents[key]
        return [CountedCollection(d, c, len(direct.get(c.key, ())), len(below.get(c.key, ())))
                for d, c in tree]

    def detail(self, key: str) -> CollectionDetail | None:
        """A collection with its children, documents and the parents it may move to."""
        every = self.store.every()
        found = next((c for c in every if c.key == key), None)
        if found is None:
            return None
        inside = _subtree(every, key)
        return CollectionDetail(found, _children(every, key),
                                self.store.members(key, MEMBERS_SHOWN),
                                [c for c in every if c.key not in inside])

    def moved_to(self, key: str) -> str | None:
        """The key a collection has now, by one it had before a move."""
        return self.store.moved_to(key[:300])

    def create(self, form: dict[str, str], actor: Acting) -> str:
        """A new collection, last among its siblings; returns its key: the one the form
        gives ("key", under the parent's), or one made from the title."""
        every = self.store.every()
        title, description, errors = _texts(form)
        given = form.get("key", "").strip()
        parent = form.get("parent", "").strip() or (given.rsplit("/", 1)[0] if "/" in given else "")
        if parent and all(c.key != parent for c in every):
            errors["parent"] = f"No collection has the key {parent[:MAX_KEY]}: choose a parent " \
                               "from the list, or none."
        key = _chosen_key(given, parent, {c.key for c in every}, errors)
        if errors:
            raise Invalid(errors)
        key = key or _free_key(f"{parent}/{slugify(title)}" if parent else slugify(title),
                               {c.key for c in every})
        self.store.create(Collection(key, title, parent, len(_children(every, parent)),
                                     description))
        self.audit(actor.audit_name, "collection-create", key, title=title, parent=parent,
                   **dict(actor.via))
        return key

    def save(self, key: str, form: dict[str, str], actor: Acting) -> str:
        """Set title, description and parent; returns the collection's key (new after a
        move). Invalid for a parent inside the collection, or one there is not."""
        every = self.store.every()
        found = _find(every, key)
        title, description, errors = _texts(form)
        parent = form.get("parent", "").strip()
        if parent in _subtree(every, key):
            errors["parent"] = "A collection cannot go inside itself or one of its own."
        elif parent and all(c.key != parent for c in every):
            errors["parent"] = "Choose a parent from the list, or none."
        if errors:
            raise Invalid(errors)
        keys, parents = _moved_keys(every, found, parent)
        n = self.store.update(key, title, description, keys, parents, self.clock())
        self.audit(actor.audit_name, "collection-edit", key, title=title, parent=parent,
                   key_now=keys[key], documents=n, **dict(actor.via))
        return keys[key]

    def move(self, key: str, up: bool, actor: Acting) -> None:
        """Move a collection one place up or down among its siblings."""
        every = self.store.every()
        found = _find(every, key)
        order = [c.key for c in _children(every, found.parent_key)]
        self.store.set_order(_swap(order, key, up))
        self.audit(actor.audit_name, "collection-order", key, up=up, **dict(actor.via))

    def move_member(self, key: str, public_id: str, up: bool, actor: Acting) -> None:
        """Move a document one place up or down within a collection."""
        _find(self.store.every(), key)
        order = [m[0] for m in self.store.members(key, MEMBERS_SHOWN)]
        if public_id not in order:
            raise Invalid({"documents": "This document is not in this collection."})
        n = self.store.set_members_order(key, _swap(order, public_id, up), self.clock())
        self.audit(actor.audit_name, "collection-document-order", key, document=public_id,
                   up=up, documents=n, **dict(actor.via))

    def order_members(self, key: str, public_ids: list[str], actor: Acting) -> int:
        """Put the documents given first in a collection, in that order, the others after
        them as they were; returns how many moved. Invalid for one not in the collection."""
        _find(self.store.every(), key)
        order = [m[0] for m in self.store.members(key, MEMBERS_ORDERED)]
        given = list(dict.fromkeys(p.strip() for p in public_ids if p.strip()))
        stray = [p for p in given if p not in order]
        if stray or not given:
            raise Invalid({"documents": "Not in this collection: " + ", ".join(stray[:10])
                           if stray else "Give the documents in the order they go."})
        rest = [p for p in order if p not in set(given)]
        n = self.store.set_members_order(key, given + rest, self.clock())
        self.audit(actor.audit_name, "collection-document-order", key, documents=n,
                   first=given[:20], **dict(actor.via))
        return n


def _chosen_key(key: str, parent: str, taken: set[str], errors: dict[str, str]) -> str:
    """The full key for a key given with a new collection ("" when none is given): under the
    parent's when it does not start with it (a key is read as a path, so box-3 under
    planning is planning/box-3)."""
    if not key:
        return ""
    if parent and not key.startswith(parent + "/"):
        key = f"{parent}/{key}"
    if len(key) > MAX_KEY or not _KEY.fullmatch(key):
        errors["key"] = ("A key is letters, digits, '.', '_' and '-', its parts separated by "
                         "'/' (box-3, or planning/box-3 under planning).")
    elif key in taken:
        errors["key"] = f"{key} is the key of another collection."
    return key


def _texts(form: dict[str, str]) -> tuple[str, str, dict[str, str]]:
    title, description = " ".join(form.get("title", "").split()), form.get("description", "").strip()
    errors = {}
    if not title:
        errors["title"] = "Give a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep the title under {MAX_TITLE} characters."
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Keep the description under {MAX_DESCRIPTION} characters."
    return title, description, errors


def _find(every: list[Collection], key: str) -> Collection:
    found = next((c for c in every if c.key == key), None)
    if found is None:
        raise LookupError(key)
    return found


def _children(every: list[Collection], parent: str) -> list[Collection]:
    return sorted((c for c in every if c.parent_key == parent), key=lambda c: (c.position, c.key))


def _subtree(every: list[Collection], key: str) -> set[str]:
    """The key and every key below it, by parent links (not by the keys' text)."""
    inside, frontier = {key}, [key]
    while frontier:
        below = [c.key for c in every if c.parent_key in frontier and c.key not in inside]
        inside.update(below)
        frontier = below
    return inside


def _moved_keys(every: list[Collection], found: Collection,
                parent: str) -> tuple[dict[str, str], dict[str, str]]:
    """(old key -> new for the collection and all below it, key -> new parent) for a move;
    keys that did not extend the old path keep theirs."""
    inside = _subtree(every, found.key)
    if parent == found.parent_key:
        return {k: k for k in inside}, {}
    own = found.key.rsplit("/", 1)[-1]
    taken = {c.key for c in every if c.key not in inside}
    new = _free_key(f"{parent}/{own}" if parent else own, taken)
    keys = {k: new + k[len(found.key):] if k.startswith(found.key + "/") else k for k in inside}
    keys[found.key] = new
    if any(v in taken for k, v in keys.items() if k != found.key):
        raise Invalid({"parent": "A collection below this one has a key that is taken there."})
    return keys, {found.key: parent}


def _free_key(base: str, taken: set[str]) -> str:
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _swap(order: list[str], item: str, up: bool) -> list[str]:
    i = order.index(item)
    j = i - 1 if up else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    return order
