"""A text version as its page shows it: note markers in the text link to their notes and
back, and a note's "Document 303" links to that document of the same series."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from chancery.domain.texts import CITED_DOCUMENT, Note, NoteKind, TextVersion
from chancery.web.pages import doc_url

# A printed note marker: "[1]", "[a]", "[*]"; other brackets ("[sic]", "[illegible]") stay text.
_MARK = re.compile(r"\[(\d{1,3}|[a-z]|[*†‡§])\]")


@dataclass(frozen=True)
class NoteView:
    """One note as shown: its anchor, the anchor of its marker in the text (if any), its label."""

    anchor: str
    back: str
    mark: str
    label: str  # "Source:" for a source note that does not say so itself, else ""
    html: Markup


@dataclass(frozen=True)
class TextView:
    """A text's paragraphs with linked markers, and its notes."""

    paragraphs: list[Markup]
    notes: list[NoteView]


def text_view(text: TextVersion, cited: dict[str, tuple[str, str]]) -> TextView:
    """The paragraphs and notes of a text version, linked."""
    key = re.sub(r"[^\w-]", "_", text.version_key)
    anchors = {n.mark: f"note-{key}-{i}" for i, n in enumerate(text.notes, 1) if n.mark}
    seen: set[str] = set()
    paragraphs = [_marked(p, anchors, seen) for p in text.paragraphs]
    notes = [NoteView(f"note-{key}-{i}", f"ref-{anchors[n.mark]}" if n.mark in seen else "",
                      n.mark, note_label(n), linked_note(n.text, cited))
             for i, n in enumerate(text.notes, 1)]
    return TextView(paragraphs, notes)


def _marked(paragraph: str, anchors: dict[str, str], seen: set[str]) -> Markup:
    """A paragraph whose markers link to their notes; the first marker of a note is the one
    its back link returns to."""
    out: list[Markup] = []
    pos = 0
    for found in _MARK.finditer(paragraph):
        mark = found.group(1)
        if mark not in anchors:
            continue
        ident = Markup(' id="ref-{}"').format(anchors[mark]) if mark not in seen else Markup("")
        seen.add(mark)
        out.append(escape(paragraph[pos:found.start()].rstrip(" ")))
        out.append(Markup('<sup class="fn"><a href="#{}"{} aria-label="Note {}">{}</a></sup>')
                   .format(anchors[mark], ident, mark, mark))
        pos = found.end()
    out.append(escape(paragraph[pos:]))
    return Markup("").join(out)


def note_label(note: Note) -> str:
    """The kind of a note to print before it, unless the note begins with it already
    (FRUS source notes read "Source: ...")."""
    if note.kind is NoteKind.FOOTNOTE:
        return ""
    label = note.kind.value.capitalize()
    return "" if note.text.lstrip("[ ").lower().startswith(label.lower()) else f"{label}:"


def linked_note(text: str, cited: dict[str, tuple[str, str]]) -> Markup:
    """A note with each "Document 303" the reader may open as a link to it."""
    out: list[Markup] = []
    pos = 0
    for found in CITED_DOCUMENT.finditer(text):
        target = cited.get(found.group(1))
        if target is None:
            continue
        out.append(escape(text[pos:found.start()]))
        out.append(Markup('<a href="{}">{}</a>').format(doc_url(*target), found.group(0)))
        pos = found.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)
