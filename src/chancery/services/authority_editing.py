"""Editing authority records: the display name, names and variants with their source, the
description and identifiers in other authority files; merging two records (the documents
follow) and splitting one. Every change is checked field by field (the errors say what is
wrong, by field, so a form can show them beside what was typed) and written to the audit log.

Documents that name a changed record are marked as written, so the search index catches up
on its next sync: a removed variant then no longer finds them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chancery.domain.authorities import (
    Authority,
    AuthorityKind,
    NameVariant,
    VariantSource,
    fold,
)
from chancery.domain.identifiers import IdentifierError, Scheme, read_identifiers
from chancery.domain.workflow import Acting
from chancery.services.clock import utc_now
from chancery.services.publishing import AuditLog
from chancery.storage.interface import AuthorityRow, NameRow

MAX_NAME = 300  # characters: the longest names in FRUS lists of persons are under 200
MAX_DESCRIPTION = 4000
DOCUMENTS_SHOWN = 500  # documents a record's page lists (and a split can pick from)
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}")

PhoneticKey = Callable[[str], str]


class AuthorityStore(Protocol):
    """What editing records needs from storage (storage/authority_edits.py)."""

    def record(self, key: str) -> tuple[AuthorityRow, list[NameVariant], list[str]] | None: ...
    def linked_documents(self, authority_id: int,
                         limit: int) -> tuple[int, list[tuple[str, str, str, str, str]]]: ...
    def find(self, kind: str, folded: str, limit: int) -> list[AuthorityRow]: ...
    def moved_to(self, key: str) -> str | None: ...
    def holders(self, scheme: str, value: str) -> list[str]: ...
    def update(self, authority_id: int, name: NameRow, description: str,
               identifiers: list[tuple[str, str]], now: datetime) -> int: ...
    def add_name(self, authority_id: int, name: NameRow, now: datetime) -> int: ...
    def remove_name(self, authority_id: int, name: str, now: datetime) -> int: ...
    def merge(self, into: AuthorityRow, gone: AuthorityRow, names: list[NameRow],
              now: datetime) -> int: ...
    def split(self, source: AuthorityRow, new: Authority, names: list[NameRow],
              moved_names: list[str], moved_documents: list[str],
              now: datetime) -> tuple[str, int]: ...


class Invalid(ValueError):
    """What is wrong with an edit, by form field ("name", "wikidata", "other", …)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class LinkedDocument:
    """A document that names the record, as the record's page lists it."""

    public_id: str
    title: str
    state: str
    role: str
    as_written: str


@dataclass(frozen=True)
class AuthorityDetail:
    """A record as its workspace page shows it."""

    row: AuthorityRow
    names: list[NameVariant]
    source_ids: list[str]
    total_documents: int
    documents: list[LinkedDocument] = field(default_factory=list)

    def identifiers(self, scheme: Scheme) -> list[str]:
        """The record's identifiers in one file."""
        return [v for s, v in self.row.identifiers if s == scheme.value]


class AuthorityEditor:
    """The use cases of the authority editor, over a store, an audit log and the phonetic
    key that name matching uses."""

    def __init__(self, store: AuthorityStore, phonetic: PhoneticKey, audit: AuditLog,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store, self.phonetic, self.audit, self.clock = store, phonetic, audit, clock

    def detail(self, key: str) -> AuthorityDetail | None:
        """A record with its names and the documents that name it; None if unknown."""
        found = self.store.record(key)
        if found is None:
            return None
        row, names, sources = found
        total, docs = self.store.linked_documents(row.id, DOCUMENTS_SHOWN)
        return AuthorityDetail(row, names, sources, total, [LinkedDocument(*d) for d in docs])

    def find(self, kind: str, text: str, limit: int = 100) -> list[AuthorityRow]:
        """Records of a kind ("" any) with a name beginning with the text, by key."""
        if kind and kind not in {k.value for k in AuthorityKind}:
            return []
        return self.store.find(kind, fold(text)[:200], limit)

    def moved_to(self, key: str) -> str | None:
        """Where a merged-away record's key leads (None: it was not merged away)."""
        return self.store.moved_to(key[:200])

    def save(self, key: str, form: dict[str, str], actor: Acting) -> AuthorityRow:
        """Set the display name, description and identifiers from a form; Invalid with the
        errors by field. The old display name stays among the names."""
        row = self._row(key)
        name, description = _name(form.get("name", ""), "name"), form.get("description", "").strip()
        errors = dict(name[1])
        if len(description) > MAX_DESCRIPTION:
            errors["description"] = f"Keep the description under {MAX_DESCRIPTION} characters."
        identifiers = self._identifiers(row, form, errors)
        if errors:
            raise Invalid(errors)
        variant = NameVariant(name[0], VariantSource.EDITOR)
        n = self.store.update(row.id, self._name_row(variant), description, identifiers,
                              self.clock())
        self.audit(actor.audit_name, "authority-edit", key, name=name[0],
                   identifiers=[f"{s}:{v}" for s, v in identifiers], documents=n, **dict(actor.via))
        return row

    def add_name(self, key: str, form: dict[str, str], actor: Acting) -> None:
        """Add a name with its source (and language); Invalid with the errors by field."""
        row, name = self._row(key), _name(form.get("variant", ""), "variant")
        errors = dict(name[1])
        source = _source(form.get("source", ""), errors)
        language = form.get("language", "").strip()
        if language and not _LANGUAGE.fullmatch(language):
            errors["language"] = "Give a language tag such as ru, zh or de-Latn, or leave it empty."
        if name[0] and any(v.name == name[0] for v in self._names(key)):
            errors["variant"] = "This record has this name already."
        if errors:
            raise Invalid(errors)
        n = self.store.add_name(row.id, self._name_row(NameVariant(name[0], source, language)),
                                self.clock())
        self.audit(actor.audit_name, "authority-name-add", key, name=name[0],
                   source=source.value, documents=n, **dict(actor.via))

    def remove_name(self, key: str, name: str, actor: Acting) -> None:
        """Remove a name (not the display name); Invalid when it cannot go."""
        row = self._row(key)
        if name == row.name:
            raise Invalid({"names": "This is the display name: choose another one first."})
        if not any(v.name == name for v in self._names(key)):
            raise Invalid({"names": "This record has no such name."})
        n = self.store.remove_name(row.id, name, self.clock())
        self.audit(actor.audit_name, "authority-name-remove", key, name=name, documents=n,
                   **dict(actor.via))

    def merge(self, key: str, other: str, actor: Acting) -> int:
        """Merge the record ``other`` into ``key``: its documents, names, source ids and
        identifiers move over and its address leads here. Returns the documents that follow."""
        row = self._row(key)
        found = self.store.record(other.strip()[:200])
        if found is None:
            raise Invalid({"other": "No record has this key (it looks like person/kennan-george-f)."})
        gone, names, _ = found
        if gone.id == row.id:
            raise Invalid({"other": "A record cannot be merged with itself."})
        if gone.kind is not row.kind:
            raise Invalid({"other": f"That record is a {gone.kind.value}, this one a "
                                    f"{row.kind.value}: only records of one kind merge."})
        n = self.store.merge(row, gone, [self._name_row(v) for v in names], self.clock())
        self.audit(actor.audit_name, "authority-merge", key, merged=gone.key, documents=n,
                   **dict(actor.via))
        return n

    def split(self, key: str, new_name: str, names: list[str], documents: list[str],
              follow_printed: bool, actor: Acting) -> str:
        """Make a new record named ``new_name`` from this one, moving the chosen names and
        the chosen documents (and, with ``follow_printed``, every document whose printed form
        is one of the moved names); returns the new record's key."""
        row, have = self._row(key), self._names(key)
        name, errors = _name(new_name, "new_name")
        moving = [v for v in have if v.name in set(names)]
        errors.update(self._strays(row, have, names, documents))
        if row.name in names:
            errors["split_names"] = "The display name stays: choose another display name first."
        docs = self._documents_to_move(row, {fold(v.name) for v in moving}, documents,
                                       follow_printed)
        if not moving and not docs:
            errors.setdefault("split_names", "Choose the names or the documents that go to the "
                                             "new record.")
        if errors:
            raise Invalid(errors)
        new = Authority(row.kind, name, description="")
        rows_ = [self._name_row(v) for v in (NameVariant(name, VariantSource.EDITOR), *moving)]
        made, n = self.store.split(row, new, rows_, [v.name for v in moving], docs, self.clock())
        self.audit(actor.audit_name, "authority-split", key, new=made,
                   names=[v.name for v in moving], documents=n, **dict(actor.via))
        return made

    def _strays(self, row: AuthorityRow, have: list[NameVariant], names: list[str],
                documents: list[str]) -> dict[str, str]:
        """Names the record does not have and documents that do not name it (a typing slip
        at the command line: the workspace offers only the record's own)."""
        errors = {}
        unknown = [n for n in names if n not in {v.name for v in have}]
        if unknown:
            errors["split_names"] = "This record has no name " + "; ".join(unknown[:5]) + "."
        linked = {d[0] for d in self.store.linked_documents(row.id, 1_000_000)[1]}
        stray = [d for d in documents if d not in linked]
        if stray:
            errors["documents"] = "These documents do not name this record: " + \
                ", ".join(stray[:10]) + "."
        return errors

    def _documents_to_move(self, row: AuthorityRow, folded_names: set[str],
                           chosen: list[str], follow_printed: bool) -> list[str]:
        linked = self.store.linked_documents(row.id, 1_000_000)[1]
        ids = {d[0] for d in linked}
        picked = {c for c in chosen if c in ids}
        if follow_printed and folded_names:
            picked |= {d[0] for d in linked if d[4] and fold(d[4]) in folded_names}
        return sorted(picked)

    def _row(self, key: str) -> AuthorityRow:
        found = self.store.record(key[:200])
        if found is None:
            raise LookupError(key)
        return found[0]

    def _names(self, key: str) -> list[NameVariant]:
        found = self.store.record(key[:200])
        return found[1] if found else []

    def _name_row(self, v: NameVariant) -> NameRow:
        if v.source is VariantSource.HELD_BACK:  # evidence, never matched (as imports store it)
            return NameRow(v, "", "")
        return NameRow(v, fold(v.name), self.phonetic(v.name))

    def _identifiers(self, row: AuthorityRow, form: dict[str, str],
                     errors: dict[str, str]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for scheme in Scheme:
            try:
                values = read_identifiers(scheme, form.get(scheme.value, "")[:1000])
            except IdentifierError as exc:
                errors[scheme.value] = f"{exc}."
                continue
            for value in values:
                elsewhere = [k for k in self.store.holders(scheme.value, value) if k != row.key]
                if elsewhere:
                    errors[scheme.value] = (f"{value} is on {elsewhere[0]} already: if both "
                                            "records are one, merge them.")
                out.append((scheme.value, value))
        return out


def _name(typed: str, field_name: str) -> tuple[str, dict[str, str]]:
    name = " ".join(typed.split())
    if not name:
        return "", {field_name: "Give a name."}
    if len(name) > MAX_NAME:
        return name, {field_name: f"Keep a name under {MAX_NAME} characters."}
    return name, {}


def _source(typed: str, errors: dict[str, str]) -> VariantSource:
    try:
        return VariantSource(typed or VariantSource.EDITOR.value)
    except ValueError:
        errors["source"] = "Choose where the name comes from."
        return VariantSource.EDITOR
