"""Where names may stand in a text no recogniser reads (German, French, Chinese, ...): word runs
to look up in the authority records. Only those the archive knows become suggestions, so these
rules may be generous; they only have to be few enough to ask about."""

from __future__ import annotations

import re
from collections.abc import Iterator

from chancery.domain.suggestions import Kind
from chancery.suggest.nlp import Mention


def _words(text: str) -> frozenset[str]:
    """The words of a list written as text."""
    return frozenset(text.split())


# A document asks about this many distinct runs at most (a long German law capitalises
# thousands of nouns); the rest are the rarest, kept out to bound the lookups.
MAX_CANDIDATES = 1500
_WORD = re.compile(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?")
_PARTICLES = _words("de del der des di da du la le van von zu d' y")
_MAX_WORDS = 4
_CJK = re.compile(r"[\u4e00-\u9fff]+")
# The most common Chinese surnames (over 80% of people), a person's name is 2-3 characters.
_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
                      "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱"
                      "江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤习邓江胡温赫")
# Last characters of organization and place names: ministry, bureau, council, committee,
# party, academy; province, city, county, district, country.
_SUFFIXES = frozenset("部局院会委党署厅社团军省市县区州国镇村")
_CJK_MAX = 12


def candidates(text: str, language: str) -> list[Mention]:
    """Runs that may be names, longest first; each occurrence with its place in the text."""
    found = list(_cjk_runs(text) if language == "zh" else _capitalised_runs(text))
    counts: dict[str, int] = {}
    for m in found:
        counts[m.text] = counts.get(m.text, 0) + 1
    kept = set(sorted(counts, key=lambda t: -counts[t])[:MAX_CANDIDATES])
    return sorted((m for m in found if m.text in kept), key=lambda m: (-len(m.text), m.start))


def _capitalised_runs(text: str) -> Iterator[Mention]:
    """Every stretch of 1-4 words that begins and ends with a capital, within a run of
    capitalised words (particles allowed inside: "Charles de Gaulle")."""
    run: list[re.Match[str]] = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        joined = not run or text[run[-1].end():m.start()] in (" ", "\n", "  ")
        if (word[0].isupper() or (run and word.lower() in _PARTICLES)) and joined:
            run.append(m)
            continue
        yield from _stretches(text, run)
        run = [m] if word[0].isupper() else []
    yield from _stretches(text, run)


def _stretches(text: str, run: list[re.Match[str]]) -> Iterator[Mention]:
    for i, first in enumerate(run):
        if not first.group(0)[0].isupper():
            continue
        for last in run[i:i + _MAX_WORDS]:
            words = text[first.start():last.end()].rstrip(".")
            if last.group(0)[0].isupper() and len(words) > 2:
                yield Mention(Kind.PERSON, words, first.start(), first.start() + len(words))


def _cjk_runs(text: str) -> Iterator[Mention]:
    """Two or three characters from a common surname; up to twelve ending in an office or
    place word ("国家标准局", "北京市")."""
    for run in _CJK.finditer(text):
        s, base = run.group(0), run.start()
        for i, ch in enumerate(s):
            if ch in _SURNAMES:
                for n in (2, 3):
                    if i + n <= len(s):
                        yield Mention(Kind.PERSON, s[i:i + n], base + i, base + i + n)
            if ch in _SUFFIXES:
                for n in range(2, min(_CJK_MAX, i + 1) + 1):
                    yield Mention(Kind.PERSON, s[i + 1 - n:i + 1], base + i + 1 - n, base + i + 1)
