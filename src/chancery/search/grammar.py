"""The search grammar readers type, parsed in one place for the CLI, the pages and the API.

    words            all must match            soviet experts
                     (three or more ordinary words: most must, see ``relax``)
    "exact phrase"                             "Soviet experts"
    a OR b           either                    Khrushchev OR Mao
    -word            exclude (also NOT word)   berlin -wall
    prefix*          word beginning            diplomat*
    word~ / word~2   spelling off by 1 (or 2)  Khrushcev~
    (a OR b) c       grouping
    field:value      one field                 author:Herter  place:"Taiwan Strait"
    date:RANGE       1958..1960, 1960-07, 1960-07-18, ..1959, 1961..
    state:STATE      draft, in-review, published, withdrawn, embargoed (staff only)

User text never reaches the engine's own parser: the engine compiles this tree into query
objects, so no operator of the engine can be smuggled in and a malformed query gets a
message here, with the place it went wrong."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from chancery.domain.dates import parse_iso_date
from chancery.domain.vocabulary import STOP_WORDS

FIELDS = ("title", "author", "recipient", "person", "place", "subject", "classification",
          "type", "lang", "collection", "date")
# Understood only in a search made as staff (the workspace, a staff token): for anyone else
# ``state:`` is an unknown field like any other, so the public grammar says nothing of drafts.
STAFF_FIELDS = ("state",)
# state:VALUE. embargoed: published but not yet public (embargo ends after the reader's day);
# published: published and public. Each document is in exactly one of them.
STATES = ("draft", "in-review", "published", "withdrawn", "embargoed")
MAX_LENGTH = 1000
MAX_CLAUSES = 64


class QueryError(ValueError):
    """A query that cannot be read, with a message a reader can act on."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Word:
    """One word, optionally a prefix (``word*``) or fuzzy (``word~``), in a field or all text."""

    text: str
    field: str = ""
    prefix: bool = False
    fuzzy: int = 0


@dataclass(frozen=True)
class Phrase:
    """Words that must stand together, in order."""

    text: str
    field: str = ""


@dataclass(frozen=True)
class DateRange:
    """Documents whose date span overlaps [start, end]; an open end is None."""

    start: date | None
    end: date | None


@dataclass(frozen=True)
class Not:
    """Excludes what its child matches."""

    child: Node


@dataclass(frozen=True)
class And:
    """All children must match."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Any child may match."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class MatchAll:
    """The empty query: every document (narrowed by facets, sorted by date)."""


@dataclass(frozen=True)
class Most:
    """Ordinary words of which at least ``minimum`` must match; a document with more of them
    ranks above one with fewer, however common the words."""

    children: tuple[Word, ...]
    minimum: int


Node = Word | Phrase | DateRange | Not | And | Or | MatchAll | Most

# STOP_WORDS (domain/vocabulary.py): the words a question is built of that say nothing about
# which documents are meant; in a relaxed query they are neither required nor counted.

# "phrase" | ( | ) | field: | -  | a word (anything else up to a space, paren or quote)
_TOKEN = re.compile(r'\s*(?:(?P<quote>"[^"]*"?)|(?P<open>\()|(?P<close>\))|'
                    r'(?P<field>[A-Za-z]+):(?=\S)|(?P<minus>-)(?=[^\s)])|(?P<word>[^\s()"]+))')


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    pos: int


def _tokens(text: str) -> list[_Tok]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        kind = m.lastgroup or "word"
        out.append(_Tok(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return out


def parse_query(text: str, staff: bool = False) -> Node:
    """The tree for a query string; raises QueryError with a helpful message. ``staff``:
    also understand the fields only staff may use (state:)."""
    if len(text) > MAX_LENGTH:
        raise QueryError(f"the query is {len(text):,} characters long; the limit is {MAX_LENGTH:,}")
    parser = _Parser(_tokens(text), (*FIELDS, *STAFF_FIELDS) if staff else FIELDS)
    if not parser.toks:
        return MatchAll()
    node = parser.or_expr("")
    if parser.i < len(parser.toks):
        tok = parser.toks[parser.i]
        raise QueryError(f"unexpected {tok.text!r}: is a '(' missing?", tok.pos)
    if parser.clauses > MAX_CLAUSES:
        raise QueryError(f"the query has {parser.clauses} terms; the limit is {MAX_CLAUSES}")
    return node


class _Parser:
    def __init__(self, toks: list[_Tok], fields: tuple[str, ...] = FIELDS) -> None:
        self.toks, self.i, self.clauses, self.fields = toks, 0, 0, fields

    def _peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def or_expr(self, field: str) -> Node:
        parts = [self.and_expr(field)]
        while (tok := self._peek()) is not None and tok.kind == "word" and tok.text == "OR":
            self.i += 1
            if self._peek() is None or self._peek().kind == "close":  # type: ignore[union-attr]
                raise QueryError("OR needs something on both sides", tok.pos)
            parts.append(self.and_expr(field))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self, field: str) -> Node:
        parts: list[Node] = []
        while (tok := self._peek()) is not None and tok.kind != "close" and not (
                tok.kind == "word" and tok.text == "OR"):
            parts.append(self.unary(field))
        if not parts:
            tok = self._peek()
            raise QueryError("OR needs something on both sides" if tok else
                             "the query ends too early", tok.pos if tok else None)
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, field: str) -> Node:
        tok = self.toks[self.i]
        if tok.kind == "minus" or (tok.kind == "word" and tok.text in ("NOT", "AND")):
            self.i += 1
            if self._peek() is None:
                raise QueryError(f"nothing follows {tok.text!r}", tok.pos)
            child = self.unary(field)
            return child if tok.text == "AND" else Not(child)
        return self.atom(field)

    def atom(self, field: str) -> Node:
        tok = self.toks[self.i]
        self.i += 1
        if tok.kind == "open":
            node = self.or_expr(field)
            if (close := self._peek()) is None or close.kind != "close":
                raise QueryError("a '(' is never closed", tok.pos)
            self.i += 1
            return node
        if tok.kind == "close":
            raise QueryError("a ')' has no '(' before it", tok.pos)
        if tok.kind == "field":
            return self.field_value(tok)
        self.clauses += 1
        if field == "state":
            return state_word(tok.text.strip('"'), tok.pos)
        if tok.kind == "quote":
            return _phrase(tok, field)
        return _word(tok, field)

    def field_value(self, tok: _Tok) -> Node:
        name = tok.text.lower()
        if name not in self.fields:
            raise QueryError(f"unknown field {tok.text + ':'!r}; the fields are "
                             + ", ".join(f + ":" for f in self.fields), tok.pos)
        value = self._peek()
        if value is None or value.kind in ("close", "minus"):
            raise QueryError(f"{name}: needs a value", tok.pos)
        if name == "date":
            self.i += 1
            self.clauses += 1
            return parse_date_range(value.text.strip('"'), value.pos)
        return self.atom(name)


def _phrase(tok: _Tok, field: str) -> Node:
    if len(tok.text) < 2 or not tok.text.endswith('"'):
        raise QueryError("a quotation mark is never closed", tok.pos)
    inner = tok.text[1:-1].strip()
    if not inner:
        raise QueryError("empty quotation marks", tok.pos)
    return Phrase(inner, field)


_FUZZY = re.compile(r"^(.+?)~([12]?)$")


def _word(tok: _Tok, field: str) -> Word:
    text = tok.text
    if m := _FUZZY.match(text):
        return Word(m.group(1), field, fuzzy=int(m.group(2) or 1))
    if text.endswith("*"):
        stem = text.rstrip("*")
        if len(stem) < 2:
            raise QueryError(f"{text!r}: a prefix needs at least two letters before '*'", tok.pos)
        return Word(stem, field, prefix=True)
    if not any(ch.isalnum() for ch in text):
        raise QueryError(f"{text!r} is not a word", tok.pos)
    return Word(text, field)


def state_word(value: str, pos: int | None = None) -> Word:
    """``state:VALUE`` as a word of the state field; QueryError naming the states otherwise."""
    state = value.strip().lower()
    if state not in STATES:
        raise QueryError(f"state:{value} is not a publication state; use "
                         + ", ".join(f"state:{s}" for s in STATES), pos)
    return Word(state, "state")


def parse_date_range(value: str, pos: int | None = None) -> DateRange:
    """``1958..1960``, ``1960-07``, ``..1959`` or ``1961..`` as a date range."""
    first, sep, last = value.partition("..")
    try:
        start = parse_iso_date(first).start if first else None
        end = parse_iso_date(last if sep else first).end if (last or not sep) else None
    except ValueError:
        raise QueryError(f"date:{value} is not a date; write date:1960, date:1960-07, "
                         "date:1960-07-18 or a range such as date:1958..1960", pos) from None
    if start is None and end is None:
        raise QueryError("date: needs at least one end, e.g. date:..1960", pos)
    if start and end and start > end:
        raise QueryError(f"date:{value} ends before it starts", pos)
    return DateRange(start, end)


def parse_filters(values: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Facet selections written ``facet:value`` (``f=`` in addresses and the API, ``--facet`` on
    the command line), read in one place; values of one facet collect in order. Unknown facet
    names are left for the search to refuse with the list of facets."""
    out: dict[str, tuple[str, ...]] = {}
    for item in values:
        name, sep, value = item.partition(":")
        name, value = name.strip(), value.strip()
        if not (sep and name and value):
            raise QueryError(f"{item!r}: write a facet selection as facet:value, "
                             "e.g. type:telegram or year:1960")
        out[name] = (*out.get(name, ()), value)
    return out


def required_words(n: int) -> int:
    """How many of n ordinary words a document must have: all of one or two, all but one of
    three or four, then three in five (5 -> 3, 6 -> 4, 8 -> 5, 10 -> 6)."""
    if n <= 2:
        return n
    if n <= 4:
        return n - 1
    return -(-3 * n // 5)


def relax(node: Node) -> Node:
    """A query of ordinary words as a reader writes a question: the documents with most of its
    words match, stop words are not required, and explicit syntax (quotes, ``-``, ``OR``,
    fields, ``*`` and ``~``) keeps its strict meaning. A query with nothing to relax, or only
    stop words, is returned as it is."""
    if not isinstance(node, And):
        return node
    plain = [c for c in node.children if isinstance(c, Word) and _is_plain(c)]
    strict = [c for c in node.children if not (isinstance(c, Word) and _is_plain(c))]
    content = list({w.text.lower(): w for w in plain if w.text.lower() not in STOP_WORDS}.values())
    if not content or (len(content) == len(plain)
                       and required_words(len(content)) == len(content)):
        return node
    needed = required_words(len(content))
    words: list[Node] = [Most(tuple(content), needed)] if needed < len(content) else [*content]
    parts = (*strict, *words)
    return parts[0] if len(parts) == 1 else And(parts)


def every_word(node: Node) -> Node:
    """A relaxed query with all its words required again (stop words still left out)."""
    if isinstance(node, Most):
        return And(node.children)
    if isinstance(node, And):
        return And(tuple(c for child in node.children
                         for c in (child.children if isinstance(child, Most) else (child,))))
    return node


def is_relaxed(node: Node) -> bool:
    """Whether a (relaxed) query lets a document miss some of its words."""
    return isinstance(node, Most) or (isinstance(node, And)
                                       and any(isinstance(c, Most) for c in node.children))


def _is_plain(word: Word) -> bool:
    return not (word.field or word.prefix or word.fuzzy)


def positive_words(node: Node) -> list[Word | Phrase]:
    """The words and phrases that must or may match (not the excluded ones): for highlighting
    and for finding the authority records a query names."""
    if isinstance(node, Word | Phrase):
        return [node]
    if isinstance(node, And | Or | Most):
        return [w for child in node.children for w in positive_words(child)]
    return []
