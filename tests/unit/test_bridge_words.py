"""Bridging typed words to the archive's words (services/bridge_words.py), over a vocabulary
kept in memory and an encoder stand-in whose vectors the tests choose (the real encoder's
figures are in docs/benchmarks.md; the integration tests use it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pytest

from chancery.meaning.word_table import FaissWordTable
from chancery.search.grammar import And, Most, Or, Phrase, Word, parse_query
from chancery.search.interface import Expansion
from chancery.services import bridge_words
from chancery.services.bridge_words import WordBridge, bridged_expansions, segmented

DIMS = 256
ENGLISH = ["missiles", "turkey", "crisis", "kennedy", "kind", "dulles", "deals", "expert",
           "cuba", "missile", "soviet", "union"]


def _unit(seed: int) -> np.ndarray:
    row = np.random.default_rng(seed).normal(size=DIMS).astype(np.float32)
    return row / np.linalg.norm(row)


BASE = {w: _unit(i) for i, w in enumerate(ENGLISH)}


def _near(word: str, cosine: float, seed: int) -> np.ndarray:
    """A vector whose cosine with an English word's is about ``cosine``."""
    other = _unit(1000 + seed)
    other -= other.dot(BASE[word]) * BASE[word]
    other /= np.linalg.norm(other)
    return (cosine * BASE[word] + np.sqrt(1 - cosine ** 2) * other).astype(np.float32)


TYPED = {"ракеты": _near("missiles", 0.8, 1), "турции": _near("turkey", 0.7, 2),
         "кризис": _near("crisis", 0.5, 3), "переговоры": _near("deals", 0.56, 4)}


class Words:
    """The vocabulary store (ArchiveWords) in memory."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.vectors: dict[str, np.ndarray] = {}
        self.seq = 0

    def count(self, model: str, words: Mapping[str, int]) -> None:
        self.counts.update(words)

    def unembedded(self, model: str, minimum: int, limit: int,
                   among: Sequence[str] = ()) -> list[str]:
        return sorted(w for w, n in self.counts.items() if n >= minimum
                      and w not in self.vectors and (not among or w in among))[:limit]

    def store(self, model: str, words: Sequence[str], vectors: np.ndarray) -> None:
        self.vectors.update(zip(words, vectors, strict=True))
        self.seq += 1

    def sequence(self) -> int:
        return self.seq

    def embedded(self, model: str, limit: int) -> tuple[list[str], list[int], np.ndarray]:
        words = sorted(self.vectors, key=lambda w: -self.counts[w])[:limit]
        rows = np.array([self.vectors[w] for w in words], dtype=np.float32).reshape(-1, DIMS)
        return words, [self.counts[w] for w in words], rows

    def clear(self, model: str) -> None:
        self.counts.clear()
        self.vectors.clear()
        self.seq += 1


class Encoder:
    """Chosen vectors for the words of these tests; records what it was asked."""

    model, dims = "test@1", DIMS

    def __init__(self) -> None:
        self.asked: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.asked += texts
        return np.array([BASE.get(t, TYPED.get(t.lower(), _unit(hash(t) % 997)))
                         for t in texts], dtype=np.float32)


GLOSSES = {"导弹": ["missile"], "古巴": ["Cuba"], "危机": ["crisis"], "肯尼迪": ["Kennedy"],
           "热线": ["hotline"], "苏联": ["Soviet Union"]}


def _bridge(words: Words | None = None) -> tuple[WordBridge, Encoder]:
    encoder = Encoder()
    store = words or Words()
    bridge = WordBridge(store, encoder, FaissWordTable, _segment, lambda w: GLOSSES.get(w, []))
    if not store.vectors:
        bridge.learn([ENGLISH] * bridge_words.MIN_DOCUMENTS)
    encoder.asked.clear()
    return bridge, encoder


def _segment(text: str) -> list[str]:
    """Cut at the words GLOSSES knows, as jieba would."""
    out, rest = [], text
    while rest:
        head = next((w for w in GLOSSES if rest.startswith(w)), rest[:2])
        out.append(head)
        rest = rest[len(head):]
    return out


def test_only_words_enough_documents_print_are_embedded() -> None:
    bridge, _ = _bridge(Words())
    bridge.learn([["Missiles in Turkey", "the crisis"], ["missiles", "crisis"]])
    store = bridge.words
    assert isinstance(store, Words)
    assert store.counts["missiles"] == bridge_words.MIN_DOCUMENTS + 2
    assert "missiles" in store.vectors
    bridge.learn([["Zanzibar"]])
    assert store.counts["zanzibar"] == 1 and "zanzibar" not in store.vectors


def test_a_word_is_bridged_to_the_archive_words_nearest_in_meaning() -> None:
    bridge, _ = _bridge()
    found = bridge.bridge(["ракеты", "Турции", "кризис"])
    assert found["ракеты"] == ("missiles",)
    assert found["Турции"] == ("turkey",)
    assert "кризис" not in found  # 0.5: below NEAR


def test_a_cyrillic_name_is_bridged_by_spelling_not_by_meaning() -> None:
    """Кеннеди is spelt kennedy (one edit from "kennedi"), not "kind" (same sound key); a
    name found so is not asked of meaning. Даллес is dulles, not deals."""
    bridge, encoder = _bridge()
    found = bridge.bridge(["Кеннеди"], ["Даллес"])
    assert found == {"Кеннеди": ("kennedy",), "Даллес": ("dulles",)}
    assert encoder.asked == []


def test_a_name_field_is_never_bridged_by_meaning() -> None:
    bridge, encoder = _bridge()
    assert bridge.bridge([], ["переговоры"]) == {}
    assert encoder.asked == []
    assert bridge.bridge(["переговоры"]) == {"переговоры": ("deals",)}


def test_chinese_takes_the_dictionary_glosses_the_archive_prints() -> None:
    """导弹 is "missile" by the dictionary, not asked of meaning; 热线's gloss "hotline" is
    a word the archive does not print, so meaning is asked; 肯尼迪 in a name field too."""
    bridge, encoder = _bridge()
    found = bridge.bridge(["导弹", "热线"], ["肯尼迪"])
    assert found["导弹"] == ("missile",) and found["肯尼迪"] == ("Kennedy",)
    assert encoder.asked == ["热线"]
    # a run of several words, no gloss for the whole: bridged word by word (segmented)
    assert "古巴导弹危机" not in bridge.bridge(["古巴导弹危机"])


def test_a_chinese_run_is_searched_as_typed_or_as_its_words() -> None:
    tree = segmented(parse_query('古巴导弹危机 "苏联导弹" title:古巴导弹 1960年'), _segment)
    assert isinstance(tree, And)
    run, quoted, field, year = tree.children
    assert run == Or((Word("古巴导弹危机"), Most((Word("古巴"), Word("导弹"), Word("危机")), 2)))
    assert quoted == Or((Phrase("苏联导弹"), And((Word("苏联"), Word("导弹")))))
    assert field == Word("古巴导弹", field="title")
    assert year == Or((Word("1960年"), Word("1960")))
    assert segmented(parse_query("Soviet missiles"), _segment) == parse_query("Soviet missiles")


def test_a_pasted_paragraph_of_chinese_is_searched_as_at_most_32_words() -> None:
    """The grammar refuses more than 64 terms; a paragraph typed without spaces is one term
    until it is cut, so the cut keeps to 32 distinct words."""
    run = "".join(f"{chr(0x4e00 + 2 * n)}{chr(0x4e01 + 2 * n)}" for n in range(100))
    tree = segmented(parse_query(run), _segment)
    assert isinstance(tree, Or) and isinstance(tree.children[1], Most)
    assert len(tree.children[1].children) == bridge_words.MOST_PARTS
    assert segmented(parse_query("古巴古巴古巴导弹"), _segment) == Or(
        (Word("古巴古巴古巴导弹"), And((Word("古巴"), Word("导弹")))))


def test_only_what_the_archive_does_not_hold_is_bridged() -> None:
    """English words a visible document holds stay as typed; a word in another script is
    bridged whatever the archive holds; a name an authority record knows keeps its own
    spellings; prefixes and misspellings are the reader's."""
    bridge, _ = _bridge()
    held = {"missiles", "turkey"}
    asked: list[list[str]] = []

    def holds(words: list[str]) -> set[str]:
        asked.append(words)
        return held & set(words)

    tree = parse_query("missiles Turkey ракеты Кеннеди turk* Raketen~")
    named = {"кеннеди": Expansion(("person:1",), ("Kennedy",))}
    found = bridged_expansions(bridge, tree, named, holds)
    assert set(found) == {"ракеты"} and found["ракеты"].spellings == ("missiles",)
    assert asked == [["missiles", "turkey"]]
    assert bridged_expansions(None, tree, named, holds) == {}


def test_another_process_sees_new_words_after_the_reload_interval(
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = Words()
    first, _ = _bridge(store)
    second = WordBridge(store, Encoder(), FaissWordTable, _segment, lambda w: [])
    assert second.bridge(["Турции"]) == {"Турции": ("turkey",)}
    TYPED["кубы"] = _near("cuba", 0.9, 5)
    store.vectors.pop("cuba")
    monkeypatch.setattr(bridge_words, "RELOAD_SECONDS", 3600.0)
    second._table = None  # as loaded before cuba was embedded
    assert "кубы" not in second.bridge(["кубы"])
    first.embed_pending()
    assert "кубы" not in second.bridge(["кубы"])  # within the interval: the old table
    monkeypatch.setattr(bridge_words, "RELOAD_SECONDS", 0.0)
    assert second.bridge(["кубы"]) == {"кубы": ("cuba",)}
