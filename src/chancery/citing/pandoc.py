"""Rendering CSL styles with pandoc's citeproc (the pandoc binary shipped by the
``pypandoc_binary`` wheel, or one on the PATH).

Chosen by tests against expected outputs written from the styles' rules: citeproc-py 0.11
prints substituted names twice, abbreviates given names where a style says not to and
ignores ``punctuation-in-quote``; pandoc gets them right. A call costs ~0.1-0.2 s whatever
its size, so items are rendered many to a call, and the results are cached by the caller."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from functools import cached_property, partial
from pathlib import Path

import lxml.html

from chancery.citing.interface import CitationError, Rendered, Style
from chancery.citing.styles import find_style
from chancery.domain.csl import CslItem
from chancery.lifetime import die_with_parent

_TIMEOUT_S = 120
# renderings are batch work: below the web server's threads in the scheduler's eyes
_NICE = [nice, "-n", "10"] if (nice := shutil.which("nice")) else []


def pandoc_binary() -> str:
    """The bundled pandoc, else one on the PATH; empty when there is none."""
    spec = importlib.util.find_spec("pypandoc")
    if spec and spec.origin:
        bundled = Path(spec.origin).parent / "files" / "pandoc"
        if bundled.is_file():
            return str(bundled)
    return shutil.which("pandoc") or ""


class PandocEngine:
    """CSL rendering through pandoc --citeproc, a batch of items per process."""

    def __init__(self, binary: str = "") -> None:
        self.binary = binary or pandoc_binary()

    @cached_property
    def version(self) -> str:
        """``pandoc X.Y`` (part of every cache key)."""
        return self._run(["--version"], "").splitlines()[0].strip()

    def style(self, name: str) -> Style:
        """The installed style of that name."""
        return find_style(name)

    def render(self, items: list[CslItem], style: Style) -> list[Rendered]:
        """Each item's citation and bibliography entry, in order."""
        if not items:
            return []
        keyed = [{**item, "id": f"i{n}"} for n, item in enumerate(items)]
        doc = "\n\n".join(f"[@i{n}]" for n in range(len(items)))
        with tempfile.TemporaryDirectory(prefix="chancery-cite-") as tmp:
            bib = Path(tmp) / "items.json"
            bib.write_text(json.dumps(keyed, ensure_ascii=False))
            args = ["-f", "markdown", "-t", "html", "--wrap=none", "--citeproc",
                    f"--csl={style.path}", f"--bibliography={bib}",
                    "--metadata=link-citations:false", "--metadata=suppress-bibliography:false"]
            if style.locale:
                args.append(f"--metadata=lang:{style.locale}")
            html = self._run(args, doc + "\n\n::: {#refs}\n:::\n")
        return _parse(html, len(items))

    def _run(self, args: list[str], stdin: str) -> str:
        if not self.binary:
            raise CitationError("pandoc is not installed (pip install pypandoc_binary)")
        try:
            done = subprocess.run([*_NICE, self.binary, *args], input=stdin, capture_output=True,
                                  text=True, timeout=_TIMEOUT_S, check=False,
                                  preexec_fn=partial(die_with_parent, os.getpid()))
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CitationError(f"pandoc could not run: {exc}") from exc
        if done.returncode != 0:
            raise CitationError(f"pandoc failed: {done.stderr.strip()[:500]}")
        return str(done.stdout)


def _inner_html(el: lxml.html.HtmlElement) -> str:
    text = str(lxml.html.tostring(el, encoding="unicode", with_tail=False))
    return text[text.index(">") + 1:text.rindex("<")].strip()


def _text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def _parse(html: str, n: int) -> list[Rendered]:
    root = lxml.html.fromstring(f"<div>{html}</div>")
    for back in root.xpath("//a[contains(@class, 'footnote-back')]"):
        back.drop_tree()
    for cited in root.xpath("//*[@data-cites]"):  # our batch keys, meaningless to a reader
        del cited.attrib["data-cites"]
    notes = {li.get("id"): li for li in root.xpath("//section[contains(@class,'footnotes')]//li")}
    paragraphs = [p for p in root.xpath("./p")]
    out = []
    for i in range(n):
        cite_html = cite_text = ""
        if i < len(paragraphs):
            ref = paragraphs[i].xpath(".//a[contains(@class,'footnote-ref')]")
            target = notes.get(ref[0].get("href", "").lstrip("#")) if ref else None
            para = target.find("p") if target is not None else paragraphs[i]
            if para is not None:
                cite_html, cite_text = _inner_html(para), _text(para)
        entry = root.xpath(f"//div[@id='ref-i{i}']")
        bib_html = _inner_html(entry[0]) if entry else ""
        bib_text = _text(entry[0]) if entry else ""
        out.append(Rendered(cite_html, cite_text, bib_html, bib_text))
    return out
