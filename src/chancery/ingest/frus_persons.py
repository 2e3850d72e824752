"""The people, organizations and places of one FRUS volume, as authority records.

People come from the volume's List of Persons (``persName/@corresp="#p_HCA1"``), so an
authority's ref is ``<volume-id>#<person id>``; names without a list entry, institutions
and places get refs from their folded text ("name:rankin", "org:department of state",
"place:washington"). Entries that only refer to another ("Home, see Douglas-Home") are
aliases of that entry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chancery.domain.authorities import Authority, AuthorityKind, NameVariant, VariantSource, fold
from chancery.domain.spellings import is_plausible_spelling
from chancery.ingest.frus_fields import PERSNAME, Element, inline_text, tei

DIV, ITEM = tei("div"), tei("item")
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_SEE = re.compile(r"^[\s,;:.(]*see\s*$", re.I)


@dataclass
class _Entry:
    kind: AuthorityKind
    name: str
    description: str = ""
    source_ids: tuple[str, ...] = ()
    forms: dict[str, str] = field(default_factory=dict)  # folded form -> form as printed
    held: dict[str, str] = field(default_factory=dict)  # tagged forms that are not the name
    listed: tuple[str, ...] = ()  # the listed name and its aliases, which forms must fit


@dataclass
class Listed:
    """An entry of the List of Persons or the List of Abbreviations."""

    id: str
    name: str
    description: str  # the office held, or the expansion of an abbreviation
    aliases: list[str] = field(default_factory=list)  # names listed as "X, see <this>"


def read_list(root: Element, div_id: str, tag: str) -> dict[str, Listed]:
    """Entries of the volume's List of Persons ("persons") or of Abbreviations ("terms"):
    the name as listed and the rest of its item (office held, expansion)."""
    lists = [d for d in root.iter(DIV) if d.get(XML_ID) == div_id]
    entries: dict[str, Listed] = {}
    for el in (e for d in lists for e in d.iter(tei(tag)) if e.get(XML_ID)):
        item = next(el.iterancestors(ITEM), None)
        name = inline_text(el, None)
        full = inline_text(item, None) if item is not None else name
        rest = full[full.find(name) + len(name):] if name in full else ""
        entries[el.get(XML_ID, "")] = Listed(el.get(XML_ID, ""), name, rest.lstrip(" ,;:"))
    for alt in (e for d in lists for e in d.iter(PERSNAME) if e.get("type") == "alt"):
        _link_alias(alt, entries)
    return entries


def _link_alias(alt: Element, entries: dict[str, Listed]) -> None:
    # "Zhou Enlai, see Chou En-lai": documents citing the first id mean the person listed
    # under the second, and the first name becomes one of that person's variants. Only a
    # "see" between the two makes an alias: "Whitman, Ann C., President Eisenhower's
    # Personal Secretary" also marks Eisenhower as type="alt", and is not Eisenhower.
    item = next(alt.iterancestors(ITEM), None)
    own = next((e for e in item.iter(PERSNAME) if e.get(XML_ID)), None) \
        if item is not None else None
    if item is None or own is None or not _SEE.match(_text_between(item, own, alt)):
        return
    target = entries.get((alt.get("corresp") or "").lstrip("#"))
    alias = entries.get(own.get(XML_ID, ""))
    if alias is not None and target is not None and alias is not target:
        target.aliases.append(alias.name)
        entries[alias.id] = target


def _text_between(item: Element, first: Element, last: Element) -> str:
    """The item's text after ``first`` and before ``last`` (as printed, notes dropped)."""
    full, name, other = (inline_text(e, None) for e in (item, first, last))
    start = full.find(name) + len(name) if name in full else 0
    end = full.find(other, start)
    return full[start:end] if end >= 0 else ""


class AuthorityRegistry:
    """Every person, organization and place the documents of one volume link to."""

    def __init__(self, volume_id: str, persons: dict[str, Listed],
                 terms: dict[str, Listed]) -> None:
        self.volume_id = volume_id
        self._persons, self._terms = persons, terms
        self._entries: dict[str, _Entry] = {}

    def person(self, el: Element) -> tuple[str, str] | None:
        """Ref and printed form of a persName; the List of Persons entry when it has one."""
        written = inline_text(el, None)
        pid = (el.get("corresp") or "").split(" ")[0].lstrip("#")
        listed = self._persons.get(pid)
        if listed is None:
            return self._named(AuthorityKind.PERSON, "name", written.strip("[] "), written)
        ref = f"{self.volume_id}#{listed.id}"
        entry = self._entries.get(ref)
        if entry is None:
            entry = self._entries[ref] = _Entry(AuthorityKind.PERSON, listed.name,
                                                listed.description, (ref,),
                                                listed=(listed.name, *listed.aliases))
            for alias in listed.aliases:
                entry.forms.setdefault(fold(alias), alias)
        self._add_tagged(entry, written)
        return ref, written

    @staticmethod
    def _add_tagged(entry: _Entry, written: str) -> None:
        # The link stays as the source tags it; only a plausible spelling becomes a name.
        key = fold(written)
        if key in entry.forms or key in entry.held:
            return
        if is_plausible_spelling(written, entry.listed):
            entry.forms[key] = written
        else:
            entry.held[key] = written

    def held_back(self) -> list[str]:
        """Tagged spellings kept as evidence only, as the import reports them."""
        return [f'"{form}" tagged as {e.name} ({self.volume_id})'
                for e in self._entries.values() for form in e.held.values()]

    def organization(self, el: Element) -> tuple[str, str] | None:
        """An institution named by a gloss ("Department of State"); an abbreviation
        pointing to the List of Abbreviations is named by its expansion."""
        written = inline_text(el, None)
        tid = (el.get("target") or "").lstrip("#")
        term = self._terms.get(tid)
        if term is None or not term.description:
            return self._named(AuthorityKind.ORGANIZATION, "org", written, written)
        found = self._named(AuthorityKind.ORGANIZATION, "org", term.description, written)
        if found:
            self._entries[found[0]].source_ids = (f"{self.volume_id}#{tid}",)
        return found

    def place(self, el: Element) -> tuple[str, str] | None:
        """A place named in a dateline."""
        written = inline_text(el, None)
        return self._named(AuthorityKind.PLACE, "place", written, written)

    def _named(self, kind: AuthorityKind, prefix: str, name: str,
               written: str) -> tuple[str, str] | None:
        key = fold(name)
        if not key:
            return None
        ref = f"{prefix}:{key}"
        entry = self._entries.setdefault(ref, _Entry(kind, name))
        entry.forms.setdefault(fold(written), written)
        return ref, written

    def authorities(self) -> dict[str, Authority]:
        """The finished records by ref, each with every other form the volume prints."""
        return {ref: Authority(
            kind=e.kind, name=e.name, ref=ref, description=e.description,
            variants=tuple(NameVariant(f) for k, f in e.forms.items() if k != fold(e.name))
            + tuple(NameVariant(f, VariantSource.HELD_BACK) for f in e.held.values()),
            source_ids=e.source_ids) for ref, e in self._entries.items()}
