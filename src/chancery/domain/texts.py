"""Text versions of a document: original transcription, translations, OCR."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class TextKind(StrEnum):
    """What a text version is."""

    ORIGINAL = "original"  # transcription in the language the document was written in
    TRANSLATION = "translation"
    OCR = "ocr"  # machine-read text of a scan, unreviewed


# Names of the languages texts come in, for tabs, headings and facets (BCP 47 primary tags).
LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "de": "German", "zh": "Chinese", "fr": "French",
                  "es": "Spanish", "it": "Italian", "pl": "Polish", "cs": "Czech", "hu": "Hungarian",
                  "ro": "Romanian", "bg": "Bulgarian", "ja": "Japanese", "ko": "Korean",
                  "vi": "Vietnamese"}
_KIND_NAMES = {TextKind.ORIGINAL: "original", TextKind.TRANSLATION: "translation",
               TextKind.OCR: "OCR"}


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
    # machine-read text: the words' mean confidence, 0-100, as Tesseract gave it (None: not
    # OCR'd by us, or read from the file's own text layer, which carries none)
    confidence: float | None = None

    def __post_init__(self) -> None:
        if not self.key:  # every version is addressable, so derive a key when none is given
            object.__setattr__(self, "key", f"{self.language}-{self.kind.value}")

    @property
    def shown_label(self) -> str:
        """What a reader sees on the version's tab: its own label, else one made from language
        and kind ("English (OCR)", "Russian (original)"), never a key like "en-ocr"."""
        if self.label:
            return self.label
        language = LANGUAGE_NAMES.get(self.language.split("-")[0].lower(), "")
        return f"{language or 'Text'} ({_KIND_NAMES[self.kind]})"

    @property
    def is_machine_read(self) -> bool:
        """Whether the text is unreviewed OCR, which reads worse than the scan it came from."""
        return self.kind is TextKind.OCR

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


# "Document 303" in a FRUS note is document 303 of the same volume.
CITED_DOCUMENT = re.compile(r"\bDocument (\d{1,4})\b")
_NUMBERED = re.compile(r"^(.+/d)\d+$")  # source ids of numbered series: "frus1958-60v19/d3"


def cited_numbers(text: str) -> set[str]:
    """The document numbers a note cites as "Document 303"."""
    return set(CITED_DOCUMENT.findall(text))


def sibling_source_id(source_id: str, number: str) -> str:
    """The source id of document ``number`` in the same numbered series, or "" when the
    source id is not of a numbered series."""
    found = _NUMBERED.match(source_id)
    return f"{found.group(1)}{number}" if found else ""
