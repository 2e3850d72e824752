"""Text versions of a document: original transcription, translations, OCR."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TextKind(StrEnum):
    """What a text version is."""

    ORIGINAL = "original"  # transcription in the language the document was written in
    TRANSLATION = "translation"
    OCR = "ocr"  # machine-read text of a scan, unreviewed


class NoteKind(StrEnum):
    """Notes that travel with a text."""

    FOOTNOTE = "footnote"
    EDITORIAL = "editorial"
    SOURCE = "source"  # the editors' source note (archive, file, classification)


@dataclass(frozen=True)
class Note:
    """A footnote or editorial note, with its printed mark."""

    mark: str
    text: str
    kind: NoteKind = NoteKind.FOOTNOTE


@dataclass(frozen=True)
class TextVersion:
    """One text of a document; paragraphs are separated by a blank line."""

    language: str  # BCP 47: "en", "ru", "zh", "de"
    kind: TextKind = TextKind.ORIGINAL
    body: str = ""
    key: str = ""  # unique within the document, e.g. "en-translation"; derived when empty
    label: str = ""  # shown on tabs: "English translation"
    translators: tuple[str, ...] = field(default_factory=tuple)
    made_by: str = ""  # who produced the version (an archive, a project, a program)
    notes: tuple[Note, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.key:  # every version is addressable, so derive a key when none is given
            object.__setattr__(self, "key", f"{self.language}-{self.kind.value}")

    @property
    def paragraphs(self) -> list[str]:
        """The body split into its paragraphs."""
        return [p for p in self.body.split("\n\n") if p.strip()]

    @property
    def version_key(self) -> str:
        """The key, or one derived from language and kind."""
        return self.key or f"{self.language}-{self.kind.value}"


def join_paragraphs(paragraphs: list[str]) -> str:
    """Body text from paragraphs, whitespace inside each folded."""
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def xml_safe(text: str) -> str:
    """The text without the control characters XML 1.0 cannot carry (OCR output and
    spreadsheets have them: form feeds, stray escapes)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
