"""How the CLI prints records: a full document, summaries, statistics."""

from __future__ import annotations

import html
import re

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from chancery.domain.authorities import Role
from chancery.progress import duration
from chancery.search.interface import Hit, Passage, Snippet
from chancery.services.documents import ArchiveStats, StoredDocument
from chancery.services.imports import ImportSummary
from chancery.services.search import SearchPage

_ROLE_TITLES = [(Role.AUTHOR, "From"), (Role.RECIPIENT, "To"), (Role.SIGNER, "Signed"),
                (Role.ORIGIN, "Place"), (Role.MENTIONED, "People mentioned"),
                (Role.PLACE_MENTIONED, "Places mentioned"), (Role.SUBJECT, "Subjects"),
                (Role.TRANSLATOR, "Translators")]


def _field(table: Table, name: str, value: str) -> None:
    if value:
        table.add_row(name, Text(value))  # Text, not markup: "[day]" must print as written


def _record_table(s: StoredDocument) -> Table:
    d = s.document
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold cyan", no_wrap=True)
    t.add_column()
    for name, value in [
        ("Public id", d.public_id), ("Source id", d.source_id), ("Number", d.number),
        ("Type", d.doc_type.value),
        ("Date", f"{d.date.display}  [{d.date.precision.value}"
                 + (f": {d.date.start}" + (f" – {d.date.end}" if d.date.end != d.date.start else "")
                    if d.date.start else "") + "]"),
        ("Date note", d.date.note),
        ("Classification", f"{d.classification.marking} [{d.classification.level.value}]"
                           + (f" · {', '.join(d.classification.caveats)}"
                              if d.classification.caveats else "")),
        ("Summary", d.summary)]:
        _field(t, name, value)
    for role, title in _ROLE_TITLES:
        names = [f"{la.authority.name} ({la.authority.kind.value}"
                 + (f"; {la.authority.description}" if la.authority.description else "") + ")"
                 + (f" — as written: “{la.as_written}”"
                    if la.as_written and la.as_written != la.authority.name else "")
                 for la in s.authorities if la.role is role]
        _field(t, title, "\n".join(names))
    p = d.provenance
    for name, value in [("Holding archive", p.holding_archive), ("Fonds / collection", p.collection),
                        ("Reference", p.reference_code), ("Published by", p.publishing_archive),
                        ("Source note", p.source_note), ("Rights", p.rights),
                        ("Funders", "; ".join(p.funders)), ("Source URL", p.url),
                        ("Collections", "\n".join(f"{c.title} ({c.key})" for c in s.collections)),
                        ("Related", "\n".join(f"{r.label}: {r.title} ({r.public_id})"
                                              for r in s.related)),
                        ("Scans", "\n".join(f"{m.filename} · {m.media_type} · {m.pages} p. · "
                                            f"{m.size:,} bytes · sha256 {m.sha256[:12]}"
                                            for m in d.media)),
                        ("Publication", d.publication.state.value + (
                            f", embargoed until {d.publication.embargo_until}"
                            if d.publication.embargo_until else ""))]:
        _field(t, name, value)
    return t


def print_document(console: Console, s: StoredDocument) -> None:
    """Every field of a document, then each text version with its notes, then its history."""
    console.rule(Text(s.document.title, style="bold"))  # a title may read "[redacted: …]"
    console.print(_record_table(s))
    for text in s.document.texts:
        credit = f" — translated by {', '.join(text.translators)}" if text.translators else ""
        made = f" — {text.made_by}" if text.made_by else ""
        console.rule(Text(f"{text.shown_label} [{text.language}, {text.kind.value}]"
                          f"{credit}{made}"), style="dim")
        console.print(text.body, markup=False, highlight=False)
        for note in text.notes:
            console.print(f"[{note.mark or '*'}] ({note.kind.value}) {note.text}", markup=False,
                          highlight=False, style="dim")
    if s.revisions:
        console.rule("History", style="dim")
        for r in s.revisions:
            changed = f" ({', '.join(sorted(r.changes))})" if r.changes else ""
            console.print(f"{r.at:%Y-%m-%d %H:%M} {r.actor}: {r.summary}{changed}", markup=False)


def print_import_summary(console: Console, summary: ImportSummary, seconds: float) -> None:
    """The closing table of an import, with every failure named: ``seconds`` is the whole
    command, and the summary's timings say what it was spent on."""
    rate = summary.documents / seconds if seconds > 0 else 0.0
    shown = f"{rate:,.0f}" if rate >= 10 else f"{rate:.2g}"  # a slow scan import: not "0"
    console.print(f"[bold]{summary.files}[/] source(s) in {duration(seconds)} "
                  f"({shown} documents/s): "
                  f"[green]{summary.imported} imported[/], [blue]{summary.updated} updated[/], "
                  f"{summary.unchanged} unchanged, "
                  f"[{'red' if summary.failed else 'green'}]{len(summary.failed)} failed[/]; "
                  f"{summary.authorities_created} new authority records")
    if summary.held_back:
        console.print(f"Held back {summary.held_back:,} spelling(s) tagged as a person that are "
                      "not plausibly their name (kept as evidence, not searched): "
                      + escape("; ".join(summary.held_back_examples))
                      + ("; …" if summary.held_back > len(summary.held_back_examples) else ""))
    if summary.conflicts:
        console.print(f"[yellow]{len(summary.conflicts)} conflict(s)[/]: edited in the workspace "
                      "since the last import, so the source's version waits for a reviewer "
                      "(chancery approve|reject ID): " + escape(", ".join(summary.conflicts)),
                      highlight=False)
    steps = [f"{name} {duration(summary.timings[name])}"
             for name in ("parse", "store", "index", "queue", "jobs", "citations")
             if name in summary.timings]
    if steps:
        console.print(f"Time spent: {', '.join(steps)}", highlight=False)
    if summary.failed:
        t = Table("File", "Item", "Reason", title="Failed", title_style="bold red")
        for f in summary.failed:
            t.add_row(f.path, f.item, f.reason)
        console.print(t)


def print_stats(console: Console, stats: ArchiveStats) -> None:
    """Counts by facet as small tables."""
    console.print(f"[bold]{stats.documents:,}[/] documents")
    for facet, counts in stats.by.items():
        t = Table(facet.title(), "documents", title=f"by {facet}", title_justify="left")
        for value, count in counts[:25]:
            t.add_row(value, f"{count:,}")
        if len(counts) > 25:
            t.add_row(f"… {len(counts) - 25} more", "")
        console.print(t)


def _snippet_text(s: Snippet) -> Text:
    out = Text()
    for f in s.fragments:
        out.append(re.sub(r"\s+", " ", f.text), style="bold yellow" if f.highlighted else "")
    return out


def print_passages(console: Console, passages: list[Passage]) -> None:
    """Every matching passage of one document, by text version."""
    console.print(f"[bold]{len(passages)}[/] matching passage(s)")
    for p in passages:
        text = Text(f"[{p.version}] ", style="cyan")
        for f in p.fragments:
            text.append(f.text, style="bold yellow" if f.highlighted else "")
        console.print(text)


def print_search(console: Console, page: SearchPage) -> None:
    """A page of search results: hits with snippets, then the facets' leading values."""
    r = page.results
    if r.stale_by:
        console.print(f"[yellow]The search index is {r.stale_by:,} change(s) behind the catalogue;"
                      " if no import is running, run `chancery reindex`.[/]")
    console.print(f"[bold]{r.total:,}[/] documents match · page {page.page} of {page.pages}"
                  f" · sorted by {page.sort}")
    if page.notice:
        console.print(f"[yellow]{escape(page.notice)}[/] Put a word in quotes to require it.")
    if r.by_meaning:
        console.print(f"{r.by_meaning:,} found by meaning, not by your words (--no-meaning: "
                      "your words only)")
    if page.bridged:
        console.print("Also searched, in the archive's words: " + escape("; ".join(
            f"{typed} → {', '.join(words)}" for typed, words in page.bridged.items())))
    for n, hit in enumerate(r.hits, start=(page.page - 1) * page.per_page + 1):
        _print_hit(console, page, n, hit)
    for sug in page.suggestions:
        plural = "" if sug.total == 1 else "s"
        lead = "Did you mean" if sug.reason == "spelling" else "Try"
        console.print(f"Nothing found. {lead}: [bold]{escape(sug.label)}[/] "
                      f"({sug.total:,} document{plural})")
    for facet, buckets in r.facets.items():
        if buckets:
            shown = ", ".join(f"{'✓ ' if b.selected else ''}{b.label or b.value} "
                              f"({'≈ ' if b.approximate else ''}{b.count:,})"
                              for b in buckets[:6])
            console.print(Text(f"{facet}: ", style="bold").append(shown), highlight=False)
    if r.estimated:
        console.print("≈: estimated from a sample of the results; --exact counts exactly",
                      style="dim")


def _print_hit(console: Console, page: SearchPage, n: int, hit: Hit) -> None:
    meta = " · ".join(x for x in (hit.date_display or "undated", hit.doc_type,
                                  hit.classification) if x)
    console.print(Text(f"{n}. {hit.title}", style="bold"), Text(f"  [{hit.public_id}]", "cyan"))
    console.print(Text(f"   {meta}  {hit.source_id}", style="dim"))
    for s in hit.snippets:
        console.print(Text("   … ").append_text(_snippet_text(s)).append(" …"))
    why = page.passages.get(hit.public_id)
    if hit.matched_by == "meaning" and why:
        console.print(Text("   matched by meaning: ", "italic").append(f"… {why.text}"))


def search_json(page: SearchPage) -> dict[str, object]:
    """A page of search results as JSON-ready data."""
    r = page.results
    return {
        "query": page.query, "total": r.total, "page": page.page, "per_page": page.per_page,
        "sort": page.sort, "filters": {k: list(v) for k, v in page.filters.items()},
        "stale_by": r.stale_by, "all_words_total": page.all_words, "notice": page.notice or None,
        "by_meaning": r.by_meaning,
        "bridged": {k: list(v) for k, v in page.bridged.items()},
        "hits": [{"public_id": h.public_id, "source_id": h.source_id, "title": h.title,
                  "date": h.date_display, "date_start": h.date_start.isoformat() if h.date_start else None,
                  "type": h.doc_type, "classification": h.classification, "level": h.level,
                  "score": round(h.score, 4),
                  "snippet": " … ".join("".join(f"<mark>{html.escape(f.text)}</mark>" if f.highlighted
                                                 else html.escape(f.text)
                                                 for f in s.fragments) for s in h.snippets),
                  "snippets": [{"version": s.version, "language": s.language,
                                "fragments": [[f.text, f.highlighted] for f in s.fragments]}
                               for s in h.snippets],
                  "matched_by": h.matched_by, "passage": _passage_json(page, h.public_id)}
                 for h in r.hits],
        "facets": {f: [{"value": b.value, "label": b.label, "count": b.count, "selected": b.selected,
                        "approximate": b.approximate}
                       for b in buckets] for f, buckets in r.facets.items()},
        "approximate": {f: f in r.estimated for f in r.facets},
        "suggestions": [{"query": s.query, "total": s.total, "reason": s.reason,
                         "filters_kept": s.keeps_filters} for s in page.suggestions],
    }


def _passage_json(page: SearchPage, public_id: str) -> dict[str, str] | None:
    """The passage a hit found by meaning matched, as JSON-ready data."""
    why = page.passages.get(public_id)
    return {"where": why.where, "text": why.text} if why else None
