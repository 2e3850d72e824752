"""The gazetteer of historic names shipped with Chancery (`data/gazetteer.tsv`).

No syllable table turns Beijing into Peiping, Guangzhou into Canton or Sun Zhongshan into
Sun Yat-sen: those are names of their own, so they are listed, each entry with the published
list it follows. Variants are given as generated help (`VariantSource.GENERATED`, scheme
"gazetteer", the language tag of the form), never as evidence a document printed them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from chancery.domain.authorities import Authority, AuthorityKind, NameVariant, VariantSource, fold

SCHEME = "gazetteer"
_KINDS = {"place": AuthorityKind.PLACE, "person": AuthorityKind.PERSON}
_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # BCP 47, as far as we use it


@dataclass(frozen=True)
class GazetteerEntry:
    """A place or person with the modern name a reader types and the forms sources print."""

    kind: AuthorityKind
    name: str  # the preferred modern form: "Beijing", "Zhou Enlai"
    variants: tuple[NameVariant, ...]
    source: str  # the published lists the entry follows, written out

    def all_names(self) -> list[str]:
        """The preferred name and each distinct variant, in order."""
        return list(dict.fromkeys([self.name, *(v.name for v in self.variants)]))


class GazetteerError(ValueError):
    """A row of the gazetteer that cannot be read, with its line number."""


def parse(text: str) -> tuple[GazetteerEntry, ...]:
    """The entries of a gazetteer file; a bad row raises GazetteerError naming its line."""
    sources: dict[str, str] = {}
    entries: list[GazetteerEntry] = []
    seen: dict[tuple[AuthorityKind, str], int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            if line.startswith("@source"):
                key, citation = _source_line(line)
                sources[key] = citation
                continue
            entry = _entry(line, sources)
            _claim_names(entry, seen, number)
        except GazetteerError as err:
            raise GazetteerError(f"gazetteer line {number}: {err}") from None
        entries.append(entry)
    return tuple(entries)


def _source_line(line: str) -> tuple[str, str]:
    fields = line.split("\t")
    if len(fields) != 3 or not fields[1].strip() or not fields[2].strip():
        raise GazetteerError("a source line is '@source<TAB>key<TAB>citation'")
    return fields[1].strip(), fields[2].strip()


def _entry(line: str, sources: dict[str, str]) -> GazetteerEntry:
    fields = line.split("\t")
    if len(fields) != 4:
        raise GazetteerError(f"expected 4 tab-separated fields, found {len(fields)}")
    kind_text, name, variant_text, source_keys = (f.strip() for f in fields)
    if kind_text not in _KINDS:
        raise GazetteerError(f"kind {kind_text!r} is not one of {sorted(_KINDS)}")
    if not name:
        raise GazetteerError("no preferred name")
    unknown = [k for k in source_keys.split("+") if k not in sources]
    if not source_keys or unknown:
        raise GazetteerError(f"unknown or missing source {unknown or source_keys!r}")
    variants = tuple(_variant(v, name) for v in variant_text.split(" | ") if v.strip())
    if not variants:
        raise GazetteerError(f"{name!r} has no variants")
    citation = "; ".join(sources[k] for k in source_keys.split("+"))
    return GazetteerEntry(_KINDS[kind_text], name, variants, citation)


def _variant(text: str, name: str) -> NameVariant:
    tag, sep, form = text.strip().partition(":")
    if not sep or not _TAG.match(tag) or not form.strip():
        raise GazetteerError(f"variant {text.strip()!r} is not 'language:form'")
    if form.strip() == name:
        raise GazetteerError(f"variant {form!r} repeats the preferred name")
    return NameVariant(form.strip(), VariantSource.GENERATED, tag, SCHEME)


def _claim_names(entry: GazetteerEntry, seen: dict[tuple[AuthorityKind, str], int],
                 number: int) -> None:
    """One spelling names one place (or one person): a second claim is a mistake."""
    for name in entry.all_names():
        key = (entry.kind, fold(name))
        if key in seen and seen[key] != number:
            raise GazetteerError(f"{name!r} already names the entry on line {seen[key]}")
        seen[key] = number


@cache
def entries() -> tuple[GazetteerEntry, ...]:
    """Every entry of the gazetteer shipped with Chancery (read once)."""
    data = resources.files("chancery").joinpath("data/gazetteer.tsv")
    return parse(data.read_text(encoding="utf-8"))


@cache
def _by_name() -> dict[tuple[AuthorityKind, str], GazetteerEntry]:
    return {(e.kind, fold(n)): e for e in entries() for n in e.all_names()}


def entry_for(names: Iterable[str], kind: AuthorityKind) -> GazetteerEntry | None:
    """The entry one of the names (any spelling, compared folded) belongs to, if any."""
    index = _by_name()
    for name in names:
        found = index.get((kind, fold(name)))
        if found is not None:
            return found
    return None


def as_authorities() -> tuple[Authority, ...]:
    """Every entry as an authority record to lay onto the archive's records
    (services/name_seeding.py), each with a source id that marks it laid:
    "gazetteer:place/beijing"."""
    return tuple(Authority(e.kind, e.name, variants=e.variants, source_ids=(_source_id(e),))
                 for e in entries())


def same_as(authority: Authority) -> tuple[str, ...]:
    """The source id of the entry one of the authority's names belongs to, if any: what a
    record laid from that entry carries (services/authorities.py SameAs)."""
    entry = entry_for(authority.all_names(), authority.kind)
    return (_source_id(entry),) if entry is not None else ()


def _source_id(entry: GazetteerEntry) -> str:
    return f"{SCHEME}:{entry.kind.value}/{_slug(entry.name)}"


def _slug(name: str) -> str:
    return "-".join(fold(name).split())
