"""The cross-language judged set of issue #13 (queries_translated.yaml): at least 40 judged
queries in Russian, German and Chinese, judged by the queries.yaml entry of the same id.

No corpus needed: this checks the set itself; benchmarks/cross_language.py measures it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import opencc
import yaml

from tests.relevance.test_relevance import load_queries

HERE = Path(__file__).parent
LANGUAGES = ("ru", "de", "zh")
MIN_QUERIES = 40  # the issue: "at least 40 of the existing judged queries"

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# The search syntax a translation keeps from the English: dates, fields, OR, fuzzy.
SYNTAX = re.compile(r"date:\S+|\b(?:author|recipient|title):|\bOR\b|~")
# A quoted phrase in all text; a field's value may gain quotes when the name has two words in
# the language (recipient:Chiang is recipient:"Чан Кайши").
PHRASE = re.compile(r'(?<!:)"[^"]*"')


@dataclass(frozen=True)
class Translated:
    """One judged query in the three languages (its judgments are in queries.yaml)."""

    id: str
    ru: str
    de: str
    zh: str

    def text(self, language: str) -> str:
        """The query in a language of LANGUAGES."""
        return str(getattr(self, language))


def load_translations(path: Path = HERE / "queries_translated.yaml") -> list[Translated]:
    """The translated queries in file order."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["translations"]
    return [Translated(str(t["id"]), str(t["ru"]), str(t["de"]), str(t["zh"])) for t in raw]


def test_at_least_40_judged_queries_in_every_language() -> None:
    """Each id once, each a judged query of queries.yaml, each with ru, de and zh text."""
    judged = {q.id for q in load_queries()}
    translated = load_translations()
    ids = [t.id for t in translated]
    assert len(ids) == len(set(ids)), "an id translated twice"
    assert set(ids) <= judged, f"not judged in queries.yaml: {set(ids) - judged}"
    assert len(ids) >= MIN_QUERIES
    for t in translated:
        assert all(t.text(lang).strip() for lang in LANGUAGES), t.id


def test_each_language_is_written_in_its_script() -> None:
    """Russian in Cyrillic, Chinese in simplified characters (OpenCC's traditional-to-simplified
    conversion leaves it as it is), German in neither."""
    to_simplified = opencc.OpenCC("t2s.json")
    for t in load_translations():
        assert CYRILLIC.search(t.ru) and not CJK.search(t.ru), t.id
        assert CJK.search(t.zh) and not CYRILLIC.search(t.zh), t.id
        assert to_simplified.convert(t.zh) == t.zh, f"{t.id}: traditional characters"
        assert not CYRILLIC.search(t.de) and not CJK.search(t.de), t.id


def test_translations_keep_the_search_syntax_of_the_english() -> None:
    """The same dates, fields, ORs and fuzzy marks as the English query, and as many quoted
    phrases (the words inside them translated)."""
    english = {q.id: q.query for q in load_queries()}
    for t in load_translations():
        for lang in LANGUAGES:
            text = t.text(lang)
            assert SYNTAX.findall(text) == SYNTAX.findall(english[t.id]), (t.id, lang)
            assert len(PHRASE.findall(text)) == len(PHRASE.findall(english[t.id])), (t.id, lang)
