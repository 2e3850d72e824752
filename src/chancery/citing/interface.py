"""What the services need from a citation engine and its cache."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from chancery.domain.csl import CslItem


class StyleNotFound(LookupError):
    """No installed CSL style has that name."""


class CitationError(RuntimeError):
    """The engine could not render (it is missing, or it failed), with the reason."""


@dataclass(frozen=True)
class Style:
    """An installed CSL style: ``name`` as asked for, ``form`` the one a page shows first."""

    name: str
    title: str
    path: str  # the independent style file the engine reads
    form: str  # "note", "in-text" or "bibliography"
    locale: str = ""


@dataclass(frozen=True)
class Rendered:
    """One item in one style: the citation (a note, or the in-text form) and the
    bibliography entry, each as HTML and as plain text."""

    citation_html: str
    citation_text: str
    bibliography_html: str
    bibliography_text: str

    def main(self, form: str) -> tuple[str, str]:
        """(html, text) of the form a style is mostly used in."""
        if form == "bibliography" or not self.citation_text:
            return self.bibliography_html, self.bibliography_text
        return self.citation_html, self.citation_text


class CitationEngine(Protocol):
    """Renders CSL-JSON items in a style, many at a time."""

    @property
    def version(self) -> str:
        """The engine and its version (part of every cache key)."""
        ...

    def style(self, name: str) -> Style:
        """The installed style of that name (or alias); raises StyleNotFound."""
        ...

    def render(self, items: list[CslItem], style: Style) -> list[Rendered]:
        """One rendering per item, in order; raises CitationError."""
        ...


class RenderCache(Protocol):
    """Renderings kept between runs, by a key made from everything they depend on."""

    def key(self, item: CslItem, style: Style, engine_version: str) -> str:
        """The key of one rendering."""
        ...

    def get(self, key: str) -> Rendered | None:
        """A kept rendering, or None."""
        ...

    def put(self, key: str, rendered: Rendered) -> None:
        """Keep a rendering."""
        ...
