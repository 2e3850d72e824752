"""Compiling our query tree into Tantivy query objects, with the access rule and facet filters.

Each word is analyzed with the same analyzer as the field it is looked for in (so a Russian
word is stemmed as Russian in body_ru and left alone in names), and becomes a term query, or a
phrase query when the analyzer splits it (Sino-Soviet, a Chinese word)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import MAXYEAR, MINYEAR, date

import tantivy
from tantivy import FieldType, Occur, Query

from chancery.domain.authorities import fold
from chancery.domain.classification import classify_marking
from chancery.domain.documents import parse_document_type
from chancery.domain.publication import Actor, PublicationState
from chancery.search.grammar import (
    And,
    DateRange,
    MatchAll,
    Most,
    Node,
    Not,
    Or,
    Phrase,
    Word,
)
from chancery.search.interface import Expansion, SearchRequest
from chancery.search.tantivy_schema import (
    EDITOR_FIELDS,
    NAME_ROLES,
    TEXT_FIELDS,
    day_number,
    field_analyzer,
)

KEYWORD_QUERIES = {"type", "classification", "lang", "collection"}
YEAR = re.compile(r"1[4-9][0-9]{2}|20[0-9]{2}")
# What each word of a relaxed query adds when it matches, over and above its BM25: more than
# the BM25 of all of a question's words together reaches (tens, at a million documents a few
# hundred at most), so documents rank by how many of the words they have, then by BM25.
_WORD_TIER = 1_000.0


class QueryCompiler:
    """Turns query trees into Tantivy queries for one index."""

    def __init__(self, schema: tantivy.Schema, analyzers: dict[str, tantivy.TextAnalyzer],
                 text_fields: dict[str, float] | None = None) -> None:
        self.schema = schema
        self.analyzers = analyzers
        # where a plain word is looked for: the public fields, and for editors the words
        # redactions withhold (which the public's queries never name, so never match)
        self.text_fields = text_fields or TEXT_FIELDS
        self._editors = (self if text_fields else
                         QueryCompiler(schema, analyzers, {**TEXT_FIELDS, **EDITOR_FIELDS}))

    def for_actor(self, actor: Actor) -> QueryCompiler:
        """The compiler of this actor's words: editors also search what is redacted."""
        return self._editors if actor is Actor.EDITOR else self

    def compile(self, request: SearchRequest) -> Query:
        """The whole query: the reader's query, narrowed by facets and the access rule."""
        clauses = [(Occur.Must, self.words(request))]
        clauses += [(Occur.Must, q) for q in self.facet_filters(request.filters)]
        clauses += viewable_by(self.schema, request.actor, request.today)
        return Query.boolean_query(clauses)

    def words(self, request: SearchRequest) -> Query:
        """What the reader asked for, before facets and the access rule: the query, or any of
        the documents found by meaning. Those add nothing to a score (a document the words
        match ranks as they rank it), so the scores still rank the words alone."""
        words = self.for_actor(request.actor).node(request.query, request.expansions,
                                                   request.today)
        if not request.meaning:
            return words
        found = Query.term_set_query(self.schema, "id", list(request.meaning))
        return Query.boolean_query([(Occur.Should, words),
                                    (Occur.Should, Query.const_score_query(found, 0.0))])

    def meaning_only(self, request: SearchRequest, skip: str = "") -> Query:
        """The documents found by meaning (``request.meaning``) that the words do not match,
        inside the facet filters (but ``skip``'s) and the access rule: what a search's
        counts over the words alone leave out."""
        words = self.for_actor(request.actor).node(request.query, request.expansions,
                                                   request.today)
        clauses = [(Occur.Must, Query.term_set_query(self.schema, "id", list(request.meaning))),
                   (Occur.MustNot, words)]
        clauses += [(Occur.Must, q) for q in self.facet_filters(request.filters, skip)]
        clauses += viewable_by(self.schema, request.actor, request.today)
        return Query.boolean_query(clauses)

    def facet_filters(self, filters: dict[str, tuple[str, ...]],
                      skip: str = "") -> list[Query]:
        """One clause per facet: its selected values combine with OR."""
        out = []
        for facet, values in filters.items():
            if facet != skip and values:
                out.append(_any(self._facet_term(facet, v) for v in values))
        return out

    def _facet_term(self, facet: str, value: str) -> Query:
        if facet in ("year", "decade"):
            if value == "undated":
                return Query.range_query(self.schema, "date_start", FieldType.Integer, 0, 0)
            try:
                number = int(value)
            except ValueError:
                return Query.empty_query()
            if not MINYEAR <= number <= MAXYEAR:  # no date has it; tantivy would overflow (500)
                return Query.empty_query()
            return Query.term_query(self.schema, facet, number)
        return Query.term_query(self.schema, f"f_{facet}", value)

    def node(self, node: Node, expansions: dict[str, Expansion], today: date) -> Query:
        """One node of the query tree, for a reader on ``today`` (state:embargoed)."""
        if isinstance(node, MatchAll):
            return Query.all_query()
        if isinstance(node, And):
            return self._and(node, expansions, today)
        if isinstance(node, Or):
            return _any(self.node(c, expansions, today) for c in node.children)
        if isinstance(node, Not):  # alone, it excludes from everything
            return Query.boolean_query([(Occur.Must, Query.all_query()),
                                        (Occur.MustNot, self.node(node.child, expansions, today))])
        if isinstance(node, DateRange):
            return self._dates(node)
        if isinstance(node, Most):
            return self._most(node, expansions, today)
        if node.field == "state":
            return in_state(self.schema, node.text, today)
        return self._leaf(node, expansions.get(fold(node.text)))

    def _most(self, node: Most, expansions: dict[str, Expansion], today: date) -> Query:
        tiers = []
        for word in node.children:
            found = self.node(word, expansions, today)
            tier = Query.const_score_query(found, _WORD_TIER)
            tiers.append((Occur.Should, Query.boolean_query([(Occur.Should, found),
                                                              (Occur.Should, tier)])))
        return Query.boolean_query(tiers, minimum_number_should_match=node.minimum)

    def _and(self, node: And, expansions: dict[str, Expansion], today: date) -> Query:
        clauses = [(Occur.MustNot if isinstance(c, Not) else Occur.Must,
                    self.node(c.child if isinstance(c, Not) else c, expansions, today))
                   for c in node.children]
        if all(o == Occur.MustNot for o, _ in clauses):
            clauses.append((Occur.Must, Query.all_query()))
        return Query.boolean_query(clauses)

    def _dates(self, r: DateRange) -> Query:
        # overlap: the document starts before the range ends and ends after it starts
        clauses = []
        if r.end:
            clauses.append((Occur.Must, Query.range_query(
                self.schema, "date_start", FieldType.Integer, 1, day_number(r.end))))
        if r.start:
            clauses.append((Occur.Must, Query.range_query(
                self.schema, "date_end", FieldType.Integer, day_number(r.start), 99991231)))
        return Query.boolean_query(clauses)

    def _leaf(self, leaf: Word | Phrase, expansion: Expansion | None) -> Query:
        if isinstance(leaf, Word) and not leaf.field and YEAR.fullmatch(leaf.text):
            # a bare year is what a document prints or when it was written: "experts 1960"
            # finds the note of July 1960 that never prints its year
            year = int(leaf.text)
            return _any([self._text(leaf, self.text_fields),
                         self._dates(DateRange(date(year, 1, 1), date(year, 12, 31)))])
        if leaf.field in KEYWORD_QUERIES:
            return self._keyword(leaf.field, leaf.text)
        if leaf.field in NAME_ROLES:
            fields = {f"n_{leaf.field}": 1.0}
            key_field = f"f_{leaf.field}"
        elif leaf.field == "title":
            fields, key_field = {"title": 1.0}, ""
        else:
            fields, key_field = self.text_fields, "f_person"
        options = [self._text(leaf, fields)]
        if expansion and (leaf.field == "" or leaf.field in NAME_ROLES):
            options += [Query.term_query(self.schema, f, k) for k in expansion.keys
                        for f in ({key_field, "f_place", "f_subject"} if leaf.field == ""
                                  else {key_field})]
            options += [self._text(Phrase(s), fields)
                        for s in self.needed(leaf.text, expansion.spellings)]
            # one name, however many spellings: the best match counts, not their sum
            return Query.disjunction_max_query(options, tie_breaker=0.1)
        return _any(options)

    def needed(self, text: str, spellings: tuple[str, ...]) -> list[str]:
        """The spellings that can match a document nothing shorter matches: "Nikita S.
        Khrushchev" holds "Khrushchev", so every document it finds, "Khrushchev" finds too,
        and its phrase (with a word as common as "s") only costs time."""
        plain = self.analyzers["plain"]
        shorter = [tuple(plain.analyze(text))]
        out = []
        for spelling in sorted(spellings, key=lambda x: len(list(plain.analyze(x)))):
            tokens = tuple(plain.analyze(spelling))
            if tokens and not any(_contains(tokens, part) for part in shorter if part):
                out.append(spelling)
                shorter.append(tokens)
        return out

    def _text(self, leaf: Word | Phrase, fields: dict[str, float]) -> Query:
        return _any(self._in_field(leaf, f, boost) for f, boost in fields.items())

    def _in_field(self, leaf: Word | Phrase, field: str, boost: float) -> Query:
        analyzer = self.analyzers[field_analyzer(field)]
        if isinstance(leaf, Word) and (leaf.prefix or leaf.fuzzy):
            # no stemming for a prefix or a misspelling: fold and lowercase only
            plain: list[str | tuple[int, str]] = list(self.analyzers["plain"].analyze(leaf.text))
            if len(plain) != 1:
                return Query.empty_query()
            if leaf.prefix:
                query = Query.phrase_prefix_query(self.schema, field, plain)
            else:
                query = Query.fuzzy_term_query(self.schema, field, str(plain[0]),
                                               distance=leaf.fuzzy)
        else:
            tokens: list[str | tuple[int, str]] = list(analyzer.analyze(leaf.text))
            if not tokens:
                return Query.empty_query()
            query = (Query.term_query(self.schema, field, tokens[0]) if len(tokens) == 1
                     else Query.phrase_query(self.schema, field, tokens))
        return query if boost == 1.0 else Query.boost_query(query, boost)

    def _keyword(self, field: str, text: str) -> Query:
        name = {"lang": "language"}.get(field, field)
        value = text.strip().lower()
        if field == "type":
            value = parse_document_type(text).value
        elif field == "classification":
            value = classify_marking(text).level.value
        elif field == "collection":
            return _any([Query.term_query(self.schema, "f_collection", text.strip()),
                         Query.regex_query(self.schema, "f_collection",
                                           r"(.*/)?" + _regex_escape(text.strip()))])
        return Query.term_query(self.schema, f"f_{name}", value)


def viewable_by(schema: tantivy.Schema, actor: Actor,
                today: date) -> list[tuple[Occur, Query]]:
    """The access rule as index clauses; mirrors ``domain.publication.can_view`` (a test
    checks they agree): the public sees published documents past any embargo."""
    if actor is Actor.EDITOR:
        return []
    # Excluding the rare cases is much cheaper than requiring the common one: almost every
    # document is published, and only embargoed ones need their date compared.
    hidden = [Query.term_query(schema, "pub_state", state.value) for state in PublicationState
              if state is not PublicationState.PUBLISHED]
    return [(Occur.MustNot, q) for q in [*hidden, _held(schema, today)]]


def in_state(schema: tantivy.Schema, state: str, today: date) -> Query:
    """Documents in one publication state as the workspace counts them (grammar.STATES): a
    published document whose embargo ends after ``today`` is "embargoed", not "published",
    so each document is in exactly one state. An embargo on a draft leaves it a draft."""
    held = _held(schema, today)
    published = Query.term_query(schema, "pub_state", PublicationState.PUBLISHED.value)
    if state == "embargoed":
        return Query.boolean_query([(Occur.Must, published), (Occur.Must, held)])
    if state == PublicationState.PUBLISHED.value:
        return Query.boolean_query([(Occur.Must, published), (Occur.MustNot, held)])
    return Query.term_query(schema, "pub_state", state)


def _held(schema: tantivy.Schema, today: date) -> Query:
    """Documents with an embargo that ends after ``today`` (whatever their state)."""
    return Query.boolean_query([
        (Occur.Must, Query.term_query(schema, "pub_state", "embargoed")),
        (Occur.Must, Query.range_query(schema, "embargo", FieldType.Integer,
                                       day_number(today) + 1, 99991231))])


def _any(queries: Iterable[Query]) -> Query:
    items = list(queries)
    if len(items) == 1:
        return items[0]
    return Query.boolean_query([(Occur.Should, q) for q in items]) if items else Query.empty_query()


def _regex_escape(text: str) -> str:
    return "".join("\\" + ch if ch in r".+*?()|[]{}^$\#&~\"<>@" else ch for ch in text)


def _contains(tokens: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(tokens[i:i + n] == part for i in range(len(tokens) - n + 1))

