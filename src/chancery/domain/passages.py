"""Passages: the pieces of a document that search by meaning embeds one vector each.

A sentence encoder reads a sentence or a short paragraph well and a whole telegram badly (its
meaning is averaged away), so a document is cut into runs of whole paragraphs of about
``PASSAGE_WORDS`` words. Each passage is addressed like a search passage,
"<version key>#<n>" with n the index of its first paragraph, or "summary#0" for the title
and summary, so a hit by meaning can show the paragraph that matched."""

from __future__ import annotations

from dataclasses import dataclass

from chancery.domain.documents import Document

PASSAGE_WORDS = 120  # aim; a longer single paragraph is cut at this many words
SHORTEST = 8  # words: a run shorter than this joins the one before (signatures, "Secret.")


@dataclass(frozen=True)
class TextPassage:
    """One passage of a document's text, as it is embedded."""

    where: str  # "<version key>#<first paragraph>" or "summary#0"
    text: str


def passages_of(document: Document) -> list[TextPassage]:
    """The passages of a document as given (call it on the public view, so that nothing a
    redaction withholds is ever embedded): the title and summary, then each text version."""
    out: list[TextPassage] = []
    head = " ".join(p for p in (document.title, document.summary) if p.strip())
    if head.strip():
        out.append(TextPassage("summary#0", " ".join(head.split())))
    for version in document.texts:
        out.extend(_runs(version.version_key, version.paragraphs))
    return out


def _runs(key: str, paragraphs: list[str]) -> list[TextPassage]:
    runs: list[tuple[int, list[str]]] = []
    for n, paragraph in enumerate(paragraphs):
        words = paragraph.split()
        for start in range(0, len(words), PASSAGE_WORDS):
            piece = words[start:start + PASSAGE_WORDS]
            last = runs[-1][1] if runs else None
            if last is not None and (len(last) + len(piece) <= PASSAGE_WORDS
                                     or len(piece) < SHORTEST):
                last.extend(piece)
            else:
                runs.append((n, list(piece)))
    return [TextPassage(f"{key}#{n}", " ".join(words)) for n, words in runs]
