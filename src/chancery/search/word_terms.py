"""Words as the index reads them: folded, lower-cased and stemmed by the very analyzers the
Tantivy index is built with, so a word on a scan page is marked as a hit exactly when the
search would have found it there ("embassies" finds "EMBASSY", "Koln" finds "Köln")."""

from __future__ import annotations

from functools import cached_property

from tantivy import TextAnalyzer

from chancery.search.tantivy_schema import STEMMED, analyzers


class IndexTerms:
    """The index's analyzers, applied to any text."""

    @cached_property
    def _analyzers(self) -> dict[str, TextAnalyzer]:
        return analyzers()

    def terms(self, text: str, language: str) -> list[str]:
        """The terms the index makes of ``text`` in a language ("" or one without a stemmer:
        folded and lower-cased only)."""
        lang = language.split("-")[0].lower()
        name = f"lang_{lang}" if lang in STEMMED or lang == "zh" else "plain"
        return list(self._analyzers[name].analyze(text))
