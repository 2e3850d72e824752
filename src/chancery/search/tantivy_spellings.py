"""Spellings the index knows near a word a reader typed, read from Tantivy's term dictionary
(the "did you mean" of a search that found nothing).

Candidates are the terms of each text field that share the word's first letter and are
within two edits of it (Damerau-Levenshtein on the analyzed forms, so a stemmed field is
compared stem to stem). The term dictionary's counts include documents the reader may not
see, so each candidate kept is then counted again under the access rule, and shown as a
visible document prints it: a word only a hidden document holds is never offered.
Measured on the 9 core FRUS volumes (3,172 documents, 18,819 terms in body_en): walking the
terms under one first letter takes under 1 ms per field."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import jellyfish
import tantivy
from tantivy import Occur, Query

from chancery.domain.publication import Actor
from chancery.search.hit_bounds import unseen_at_most
from chancery.search.tantivy_query import viewable_by
from chancery.search.tantivy_schema import RESPELLED, TEXT_FIELDS, field_analyzer

# the OCR reading is a guess of ours, never a spelling to offer; "names" is not stored, so
# its spellings are shown as the reader's word is cased
_FIELDS = tuple(f for f in TEXT_FIELDS if f != RESPELLED)
_SHORTEST = 4  # shorter words have too many neighbours one edit away to guess from
_CHECKED = 4  # candidates per word counted under the access rule


@dataclass(frozen=True)
class _Candidate:
    field: str
    term: str
    edits: int
    count: int  # documents holding the term, hidden ones included

    @property
    def cost(self) -> float:
        return weighed(self.edits, self.count)


def weighed(edits: int, documents: int) -> float:
    """Lower is likelier: one edit more is worth a hundred times the documents (so a word the
    archive holds twice loses to a spelling one edit away that it holds 200 times or more)."""
    return edits - math.log10(documents + 1) / 2


def known_spellings(searcher: tantivy.Searcher, schema: tantivy.Schema,
                    analyzers: dict[str, tantivy.TextAnalyzer], word: str, actor: Actor,
                    today: date, limit: int = 2) -> list[tuple[str, int]]:
    """Up to ``limit`` spellings near ``word`` that documents ``actor`` may see contain,
    likeliest first, each with how many of those documents hold it; [] when the word
    itself is as likely as any (it is common, or nothing is near)."""
    found = [c for f in _FIELDS for c in _near(searcher, f, _analyzed(analyzers, f, word))]
    here = max((searcher.doc_freq(f, a) for f in _FIELDS
                for a in [_analyzed(analyzers, f, word)] if a), default=0)
    # a word no document holds takes its likeliest neighbour; a rare one, only a much likelier
    better = sorted((c for c in found if c.edits and (not here or c.cost < weighed(0, here))),
                    key=lambda c: (c.cost, c.term))
    visible = _visible_filter(schema, actor, today)
    out: dict[str, int] = {}
    for c in better[:_CHECKED]:
        shown = _shown(searcher, schema, c, visible, word)
        if shown and shown[0].lower() != word.lower():
            out.setdefault(shown[0], shown[1])
    return sorted(out.items(), key=lambda s: -s[1])[:limit]


def held_words(searcher: tantivy.Searcher, schema: tantivy.Schema,
               analyzers: dict[str, tantivy.TextAnalyzer], words: list[str], actor: Actor,
               today: date) -> set[str]:
    """The words some document ``actor`` may see holds in any text field (as each field
    analyzes it), never depending on a document the reader may not see. The term dictionary
    answers most: a word no document holds costs no search, nor does one held by more
    documents than there can be unseen ones (hidden, or deleted and not yet merged away);
    only a rarer one is looked for under the access rule (a short posting list)."""
    visible = _visible_filter(schema, actor, today)[1:]
    unseen = unseen_at_most(searcher, actor)
    out: set[str] = set()
    for word in words:
        held = {(f, t): searcher.doc_freq(f, t) for f in _FIELDS
                for t in analyzers[field_analyzer(f)].analyze(word)[:1]}
        if any(n > unseen for n in held.values()) or _visible_holds(
                searcher, [Query.term_query(schema, f, t) for (f, t), n in held.items() if n],
                visible):
            out.add(word)
    return out


def _visible_holds(searcher: tantivy.Searcher, terms: list[Query],
                   visible: list[tuple[Occur, Query]]) -> bool:
    if not terms:
        return False
    query = Query.boolean_query([
        (Occur.Must, Query.boolean_query([(Occur.Should, q) for q in terms])), *visible])
    return bool(searcher.search(query, 1).hits)


def _analyzed(analyzers: dict[str, tantivy.TextAnalyzer], field: str, word: str) -> str:
    tokens = analyzers[field_analyzer(field)].analyze(word)
    return tokens[0] if len(tokens) == 1 and len(tokens[0]) >= _SHORTEST else ""


def _near(searcher: tantivy.Searcher, field: str, term: str) -> list[_Candidate]:
    if not term:
        return []
    most = 1 if len(term) < 6 else 2
    out = []
    for other, count in searcher.terms_with_prefix(field, term[0]):
        if abs(len(other) - len(term)) <= most:
            edits = jellyfish.damerau_levenshtein_distance(term, other)
            if edits <= most:
                out.append(_Candidate(field, other, edits, count))
    return out


def _visible_filter(schema: tantivy.Schema, actor: Actor, today: date) -> list[tuple[Occur, Query]]:
    return [(Occur.Must, Query.all_query()), *viewable_by(schema, actor, today)]


def _shown(searcher: tantivy.Searcher, schema: tantivy.Schema, c: _Candidate,
           visible: list[tuple[Occur, Query]], typed: str) -> tuple[str, int] | None:
    """The candidate as a visible document prints it, and how many visible documents hold
    it; None when none does."""
    query = Query.boolean_query([(Occur.Must, Query.term_query(schema, c.field, c.term)),
                                 *visible[1:]])
    found = searcher.search(query, 1, count=True)
    total = int(getattr(found, "count", None) or 0)
    if not total:
        return None
    if c.field == "names":  # not stored: the folded spelling, cased as the reader typed
        return _cased(c.term, typed), total
    gen = tantivy.SnippetGenerator.create(searcher, query, schema, c.field)
    snippet = gen.snippet_from_doc(searcher.doc(found.hits[0][1]))
    text = snippet.fragment().encode()
    marks = [text[h.start:h.end].decode(errors="ignore") for h in snippet.highlighted()]
    return (marks[0], total) if marks else (_cased(c.term, typed), total)


def _cased(term: str, typed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return term.upper()
    return term[:1].upper() + term[1:] if typed[:1].isupper() else term
