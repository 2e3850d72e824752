"""Words typed in another language or script, bridged to the archive's own words, so that a
Russian, German or Chinese query finds the English documents its words are about: Турции
also searches "turkey", 导弹 "missiles", Кеннеди "kennedy" (by sound, as a name has no
meaning to embed).

The vocabulary is what the embedded documents print (their public text only), counted as
documents are embedded; a word held by MIN_DOCUMENTS of them is embedded once and kept in the
catalogue (storage/word_vectors.py), and each node holds the embedded words in memory
(meaning/word_table.py). A typed word that is itself one of the archive's words is never
bridged: English queries over an English archive search exactly what they did.

Measured on the cross-language judged set (benchmarks/cross_language.py, docs/benchmarks.md);
the constants below were chosen there."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from chancery.domain.authorities import fold
from chancery.domain.spellings import edit_distance, romanised, sound_key
from chancery.domain.vocabulary import (
    bridgeable,
    has_cjk,
    has_cyrillic,
    other_script,
    words_of,
)
from chancery.meaning.interface import Embedder, Glossary, Segmenter, Vectors, WordTable
from chancery.search.grammar import And, Node, Or, Phrase, Word, positive_words, relax
from chancery.search.interface import Expansion

MIN_DOCUMENTS = 3  # a word fewer documents print is a misprint, an OCR error or a rarity
MOST_WORDS = 100_000  # the commonest words a node holds (51 MB at 8 bits a dimension)
NEAR = 0.55  # cosine similarity a word needs to stand for a typed one
WITHIN = 0.15  # ... and no further than this below the nearest word
PER_WORD = 3  # archive words per typed word, at most
BY_SOUND = 2  # words sharing a Cyrillic word's sound key, commonest first
RELOAD_SECONDS = 30.0  # how stale another process's additions to the vocabulary may be
EMBED_CHUNK = 2048
MOST_PARTS = 32  # words a run of Chinese is searched as, at most (half the grammar's 64 terms)
_TEXT_FIELDS = ("", "title")  # bridged by meaning and sound
_NAME_FIELDS = ("author", "recipient", "person", "place")  # by sound alone
_CJK_STRETCH = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]+|[^\u2e80-\u9fff\uf900-\ufaff]+")
_SPLIT = re.compile(r"[\s\-‐]+")


class ArchiveWords(Protocol):
    """The vocabulary kept in the catalogue (storage/word_vectors.py)."""

    def count(self, model: str, words: Mapping[str, int]) -> None:
        """Add to each word's count of documents."""
        ...

    def unembedded(self, model: str, minimum: int, limit: int,
                   among: Sequence[str] = ()) -> list[str]:
        """Words held by ``minimum`` documents or more, not embedded yet (of ``among``)."""
        ...

    def store(self, model: str, words: Sequence[str], vectors: Vectors) -> None:
        """Keep the words' vectors."""
        ...

    def sequence(self) -> int:
        """Moves whenever word vectors are stored."""
        ...

    def embedded(self, model: str, limit: int) -> tuple[list[str], list[int], Vectors]:
        """The commonest embedded words: (words, documents, vectors)."""
        ...

    def clear(self, model: str) -> None:
        """Forget the counts and vectors of a model's vocabulary."""
        ...


OpenTable = Callable[[Sequence[str], Vectors], WordTable]


@dataclass
class WordBridge:
    """Learns the archive's words as documents are embedded, and bridges typed words to them."""

    words: ArchiveWords
    embedder: Embedder
    open_table: OpenTable
    segment: Segmenter
    glosses: Glossary
    _table: WordTable | None = field(default=None, repr=False)
    _seen: int = field(default=-1, repr=False)
    _checked: float = field(default=0.0, repr=False)

    # -- learning -------------------------------------------------------------------------

    def learn(self, documents: Iterable[Iterable[str]]) -> int:
        """Count the words of documents just embedded (each document's passages), then embed
        the words that became common enough. Returns how many words were embedded."""
        counts: Counter[str] = Counter()
        for texts in documents:
            counts.update(words_of(texts))
        self.words.count(self.embedder.model, counts)
        return self.embed_pending(sorted(counts))

    def forget(self) -> None:
        """Start the vocabulary again (before counting every document anew)."""
        self.words.clear(self.embedder.model)
        self._table = None

    def embed_pending(self, among: Sequence[str] = ()) -> int:
        """Embed every word common enough and not embedded yet (of ``among``: only a word
        just counted can have become common enough)."""
        model, done = self.embedder.model, 0
        for start in range(0, len(among), EMBED_CHUNK):
            todo = self.words.unembedded(model, MIN_DOCUMENTS, EMBED_CHUNK,
                                         among[start:start + EMBED_CHUNK])
            done += self._embed(todo)
        while not among and (todo := self.words.unembedded(model, MIN_DOCUMENTS, EMBED_CHUNK)):
            done += self._embed(todo)
        if done:
            self._table = None  # this process sees its own additions at once
        return done

    def _embed(self, words: list[str]) -> int:
        if words:
            self.words.store(self.embedder.model, words, self.embedder.embed(words))
        return len(words)

    # -- bridging -------------------------------------------------------------------------

    def bridge(self, texts: Sequence[str], names: Sequence[str] = ()) -> dict[str, tuple[str, ...]]:
        """For each typed word or phrase, the archive words it stands for (``texts``): a
        Chinese word's dictionary glosses, a Cyrillic word's Latin spelling, else the words
        nearest it in meaning; in a name field (``names``) by spelling only, a name's meaning
        being no guide. The caller leaves out what the archive holds as typed."""
        table = self._current()
        if not table.count():
            return {}
        texts = [t for t in dict.fromkeys(texts) if bridgeable(t)]
        names = [t for t in dict.fromkeys(names) if bridgeable(t)]
        spelled = {t: _spellings(table, t) for t in [*texts, *names]}
        out: dict[str, list[str]] = {t: [w for part in parts for w in part]
                                     for t, parts in spelled.items()}
        for name in names:
            if has_cjk(name):  # 肯尼迪: "Kennedy"
                out[name] += self._glossed(table, name)
        parts: list[tuple[str, str]] = []  # (text, part) left for meaning
        for text in texts:
            if has_cjk(text):
                glossed, left = self._chinese(table, text)
                out[text] += glossed
                parts += [(text, p) for p in left]
            elif not (spelled[text] and all(spelled[text])):  # Тито is Tito, not "tide"
                parts.append((text, text))
        if parts:
            vectors = self.embedder.embed([p for _, p in parts])
            for (text, _), near in zip(parts, table.nearest(vectors, PER_WORD), strict=True):
                out[text] += _close(near)
        return {t: kept for t, words in out.items()
                if (kept := tuple(w for w in dict.fromkeys(words) if w != t.lower()))}

    def _chinese(self, table: WordTable, text: str) -> tuple[list[str], list[str]]:
        """A Chinese run's glosses the archive prints, or the run left for meaning; a run of
        several words the dictionary does not have whole is bridged word by word instead,
        each a word of its own in the query (``segmented``)."""
        whole = self._glossed(table, text)
        if whole:
            return whole, []
        return [], [] if len(chinese_parts(text, self.segment)) > 1 else [text]

    def _glossed(self, table: WordTable, word: str) -> list[str]:
        """A Chinese word's dictionary glosses whose every word the archive prints."""
        return [g for g in self.glosses(word)
                if (held := words_of([g])) and all(table.has(w) for w in held)][:PER_WORD]

    def _current(self) -> WordTable:
        """This process's table, loaded again when another has embedded words (checked at
        most every RELOAD_SECONDS: the check is a catalogue read)."""
        now = time.monotonic()
        if self._table is None or now - self._checked > RELOAD_SECONDS:
            self._checked = now
            seen = self.words.sequence()
            if self._table is None or seen != self._seen:
                words, _, vectors = self.words.embedded(self.embedder.model, MOST_WORDS)
                self._table, self._seen = self.open_table(words, vectors), seen
        assert self._table is not None
        return self._table


def chinese_parts(text: str, segment: Segmenter) -> list[str]:
    """A run with Chinese in it as the words it is made of: each Chinese stretch cut into
    words (one character alone is most often a particle: left out), the rest as written
    ("U-2侦察机": "U-2", "侦察机")."""
    out: list[str] = []
    for stretch in _CJK_STRETCH.findall(text):
        if has_cjk(stretch):
            out += [w for w in segment(stretch) if len(w) > 1 and has_cjk(w)]
        elif stretch.strip(" -·.,"):
            out.append(stretch.strip(" -·.,"))
    # a pasted paragraph is hundreds of words: the grammar's own limit on terms holds here too
    return list(dict.fromkeys(out))[:MOST_PARTS]


def segmented(tree: Node, segment: Segmenter) -> Node:
    """A query with each run of Chinese (written without spaces) either as typed or as the
    words it is made of, so that each word can be bridged on its own and a document must
    hold most of them (a question's words, grammar.relax), or all of them for a quoted
    phrase, not any one. Fields, prefixes and misspellings are left alone."""
    if isinstance(tree, And):
        return And(tuple(segmented(c, segment) for c in tree.children))
    if isinstance(tree, Or):
        return Or(tuple(segmented(c, segment) for c in tree.children))
    plain = isinstance(tree, Phrase) or (isinstance(tree, Word) and not (tree.prefix or tree.fuzzy))
    if isinstance(tree, Word | Phrase) and plain and not tree.field and has_cjk(tree.text):
        parts = chinese_parts(tree.text, segment)
        if parts and parts != [tree.text]:
            words = tuple(Word(p) for p in parts)
            split = words[0] if len(words) == 1 else And(words)
            return Or((tree, split if isinstance(tree, Phrase) else relax(split)))
    return tree


def _spellings(table: WordTable, text: str) -> list[list[str]]:
    """For each word of a Cyrillic text, the archive's Latin spellings of it ([] for a text
    in another script)."""
    if not has_cyrillic(text):
        return []
    return [_latin(table, part) for part in _SPLIT.split(text) if part]


def _latin(table: WordTable, word: str) -> list[str]:
    """A Cyrillic word's Latin spellings the archive prints: its plain romanisation, and the
    words sharing its sound key no further from that than a quarter of its letters (Кеннеди:
    kennedy, not kind; Даллес: dulles, not deals)."""
    latin = romanised(word)
    near = ([latin] if table.has(latin) else []) + table.sounding(sound_key(word), 2 * BY_SOUND)
    most = max(1, len(latin) // 4)
    return [w for w in dict.fromkeys(near) if edit_distance(latin, w) <= most][:BY_SOUND]


def _close(near: list[tuple[str, float]]) -> list[str]:
    best = near[0][1] if near else 0.0
    return [w for w, score in near if score >= NEAR and score >= best - WITHIN]

def bridged_expansions(bridge: WordBridge | None, tree: Node, named: Mapping[str, Expansion],
                       held: Callable[[list[str]], set[str]]) -> dict[str, Expansion]:
    """The archive's words for each typed word or phrase of a query that names no authority
    record (``named``: those that do, with their own spellings), as more spellings of it.
    Only what the archive does not hold as typed is bridged: a word in another script, or
    one with a word no document the reader may see holds (``held`` says which of some words
    such a document holds), so an English query over an English archive is searched as
    typed. Prefixes and misspellings (``*``, ``~``) are the reader's own and stay as typed."""
    if bridge is None:
        return {}
    leaves = [leaf for leaf in positive_words(tree) if fold(leaf.text) not in named
              and not (isinstance(leaf, Word) and (leaf.prefix or leaf.fuzzy))
              and leaf.field in (*_TEXT_FIELDS, *_NAME_FIELDS)]
    latin = {w for leaf in leaves if not other_script(leaf.text)
             for w in _SPLIT.split(leaf.text.lower()) if w}
    known = held(sorted(latin)) if latin else set()
    leaves = [leaf for leaf in leaves if other_script(leaf.text) or not all(
        w in known for w in _SPLIT.split(leaf.text.lower()) if w)]
    found = bridge.bridge([leaf.text for leaf in leaves if leaf.field in _TEXT_FIELDS],
                          [leaf.text for leaf in leaves if leaf.field in _NAME_FIELDS])
    return {fold(text): Expansion((), words) for text, words in found.items()}
