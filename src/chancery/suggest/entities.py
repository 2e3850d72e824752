"""The entities stage: the people, organizations and places a document names, each linked
to an authority record or proposed as a new one.

English goes through spaCy's small model, Russian through natasha. No German or French model
is installed (PyPI's `de-core-news-md` is a 999.9.9 placeholder, not a model), and German
capitalises every noun, so for German, French and any other language written in Latin or
Cyrillic letters, capitalised word runs are looked up in the authority records and only the
names the archive already knows are suggested; Chinese likewise, from runs that begin with a
common surname or end in an office or place word. A name found by rule is never proposed as
a new record: only a recogniser's names are."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from chancery.domain.authorities import AuthorityKind, fold, name_tokens
from chancery.domain.suggestions import Finding, Kind
from chancery.enrich.names import has_cyrillic
from chancery.suggest.context import KnownNames
from chancery.suggest.entity_rules import (
    Verdict,
    in_spans,
    is_clean,
    shape_confidence,
    stamp_spans,
    verdict,
)
from chancery.suggest.known_only import candidates
from chancery.suggest.linking import PERSONAL_TITLES, Linked, Way, clean_name, link
from chancery.suggest.nlp import Mention, english_mentions, russian_mentions

NAME = "entities"
VERSION = "1"

_AUTHORITY_KIND = {Kind.PERSON: AuthorityKind.PERSON, Kind.ORGANIZATION: AuthorityKind.ORGANIZATION,
                   Kind.PLACE: AuthorityKind.PLACE}
_FINDING_KIND = {a: k for k, a in _AUTHORITY_KIND.items()}
_RECOGNISERS: dict[str, Callable[[str], list[Mention]]] = {
    "en": english_mentions, "ru": russian_mentions}
# Each further mention of a name adds this to its confidence, up to _MORE_MAX.
_MORE, _MORE_MAX = 0.05, 0.1


class EntityContext(Protocol):
    """What the stage needs to know beside the text."""

    @property
    def language(self) -> str:
        """The text's language, ISO 639-1 ("en", "ru"); "" when unknown."""
        ...

    @property
    def known_names(self) -> KnownNames | None:
        """The archive's authority records by name (see `linking`); None without an archive."""
        ...


@dataclass
class _Group:
    """The mentions of one name in a document."""

    tokens: tuple[str, ...]
    forms: list[tuple[str, Mention]] = field(default_factory=list)  # (cleaned, as found)
    verdict: Verdict = Verdict.NO  # the best any of its forms got

    @property
    def kind(self) -> Kind:
        return Counter(m.kind for _, m in self.forms).most_common(1)[0][0]

    @property
    def display(self) -> str:
        """The fullest form, in mixed case where the text has one."""
        return max((c for c, _ in self.forms), key=lambda c: (len(c.split()), not c.isupper()))


def find(text: str, ctx: EntityContext) -> list[Finding]:
    """People, organizations and places the text names, best first within each kind."""
    language = ctx.language or ("ru" if has_cyrillic(text) else "en")
    recognise = _RECOGNISERS.get(language)
    if recognise is None:
        return _known_only(text, language, ctx.known_names)
    found = []
    for g in _group(_plausible(text, recognise(text))):
        sure = g.verdict is Verdict.YES or (g.verdict is Verdict.REPEATED and len(g.forms) > 1)
        linked = link(g.display, _AUTHORITY_KIND[g.kind], ctx.known_names, sound=sure)
        if sure or linked.way in (Way.SPELLING, Way.VARIANT):
            found.append(_finding(g, linked))
    return sorted(found, key=lambda f: (f.kind, -f.confidence, f.start))


def _plausible(text: str, mentions: list[Mention]) -> list[tuple[str, Mention, Verdict]]:
    """(cleaned name, mention) for the mentions that stand outside the release stamp and
    are not debris; a name after a personal title is a person's."""
    stamps, clean = stamp_spans(text), is_clean(text)
    out: list[tuple[str, Mention, Verdict]] = []
    for m in mentions:
        if in_spans(m.start, m.end, stamps):
            continue
        m = _titled(text, m)
        cleaned = clean_name(m.normal or m.text, person=m.kind is Kind.PERSON)
        seen = verdict(cleaned, m.kind, clean)
        if seen is not Verdict.NO:
            out.append((cleaned, m, seen))
    return out


def _titled(text: str, m: Mention) -> Mention:
    before = text[max(0, m.start - 25):m.start].split()
    first = m.text.split()[:1]
    titles = [fold(w) for w in before[-1:] + (first if len(m.text.split()) > 1 else [])]
    if m.kind is not Kind.PERSON and any(t in PERSONAL_TITLES for t in titles):
        return replace(m, kind=Kind.PERSON)
    return m


def _group(named: list[tuple[str, Mention, Verdict]]) -> list[_Group]:
    """One group per name: the same words (case, accents, titles and "'s" aside), and a
    single word joins the one fuller name of a person that ends with it, whatever the
    recogniser called it ("Dulles" tagged as a place beside "Allen Dulles")."""
    groups: dict[tuple[str, ...], _Group] = {}
    for cleaned, m, seen in named:
        g = groups.setdefault(name_tokens(cleaned), _Group(name_tokens(cleaned)))
        g.forms.append((cleaned, m))
        g.verdict = max(g.verdict, seen)
    for tokens, g in list(groups.items()):
        if len(tokens) != 1:
            continue
        fuller = [o for t, o in groups.items()
                  if len(t) > 1 and t[-1] == tokens[0] and o.kind is Kind.PERSON]
        if len(fuller) == 1:
            fuller[0].forms += [(c, replace(m, kind=Kind.PERSON)) for c, m in g.forms]
            fuller[0].verdict = max(fuller[0].verdict, g.verdict)
            del groups[tokens]
    return list(groups.values())


def _finding(g: _Group, linked: Linked) -> Finding:
    first = min((m for _, m in g.forms), key=lambda m: m.start)
    kind = _FINDING_KIND[linked.kind] if linked.key and linked.kind else g.kind
    confidence = shape_confidence(g.display, g.kind) + min(_MORE_MAX, _MORE * (len(g.forms) - 1))
    if linked.key:
        confidence = max(confidence, linked.confidence)
    return Finding(kind, linked.name or g.display, round(min(confidence, 0.99), 2),
                   evidence=first.text, start=first.start, end=first.end,
                   data=_data(g, linked), authority_key=linked.key, stage=f"{NAME}/{VERSION}")


def _data(g: _Group, linked: Linked) -> dict[str, str]:
    data = {"link": linked.way.value, "mentions": str(len(g.forms)),
            "forms": "|".join(dict.fromkeys(" ".join(m.text.split()) for _, m in g.forms))}
    if linked.key:
        data["link_confidence"] = f"{linked.confidence:.2f}"
    if linked.way is Way.NEW:
        data["proposed_name"] = g.display
    if linked.candidates:
        data["candidates"] = " ".join(linked.candidates)
    return data


def _known_only(text: str, language: str, known: KnownNames | None) -> list[Finding]:
    """Names the archive knows, found by rule in a language without a recogniser."""
    if known is None:
        return []
    taken: list[tuple[int, int]] = []
    hits: dict[str, tuple[Linked, list[Mention]]] = {}
    asked: dict[str, Linked] = {}
    for m in candidates(text, language):  # longest first
        if in_spans(m.start, m.end, taken):
            continue
        if m.text not in asked:
            asked[m.text] = link(m.text, AuthorityKind.PERSON, known, sound=False)
        linked = asked[m.text]
        if linked.key and linked.kind:
            taken.append((m.start, m.end))
            hits.setdefault(linked.key, (linked, []))[1].append(
                Mention(_FINDING_KIND[linked.kind], m.text, m.start, m.end))
    out = [_finding(_Group(name_tokens(ms[0].text), [(m.text, m) for m in ms], Verdict.YES), lk)
           for lk, ms in hits.values()]
    return sorted(out, key=lambda f: (f.kind, -f.confidence, f.start))
