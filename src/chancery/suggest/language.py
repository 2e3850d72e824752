"""The language a text is written in: py3langid, restricted to the languages the archive
holds (FACTS.md: 100% on short en/ru/zh/de snippets restricted, 80% unrestricted)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.context import SuggestContext

if TYPE_CHECKING:  # py3langid loads numpy: imported by the first text read, not every command
    from py3langid.langid import LanguageIdentifier

NAME = "language"
VERSION = "1"

LANGUAGES = ("en", "ru", "de", "zh", "fr")
_MIN_LETTERS = 12  # below this a guess is noise (a stamp, a file number)


def find(text: str, ctx: SuggestContext) -> list[Finding]:
    """The language named by the record or a CSV (sure), else the one the text reads as."""
    if ctx.language:
        return [Finding(Kind.LANGUAGE, ctx.language, 1.0, data={"source": "given"},
                        stage=f"{NAME}/{VERSION}")]
    if sum(c.isalpha() for c in text) < _MIN_LETTERS:
        return []
    language, probability = _identifier().classify(text)
    return [Finding(Kind.LANGUAGE, str(language), round(float(probability), 3),
                    data={"source": "detected"}, stage=f"{NAME}/{VERSION}")]


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # loads numpy: on first use
    found = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    found.set_languages(list(LANGUAGES))
    return found
