"""How the CLI prints records: a full document, summaries, statistics."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from chancery.domain.authorities import Role
from chancery.services.documents import ArchiveStats
from chancery.services.imports import ImportSummary
from chancery.storage.interface import StoredDocument

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
    console.rule(f"[bold]{s.document.title}")
    console.print(_record_table(s))
    for text in s.document.texts:
        credit = f" — translated by {', '.join(text.translators)}" if text.translators else ""
        made = f" — {text.made_by}" if text.made_by else ""
        console.rule(f"{text.label or text.version_key} [{text.language}, {text.kind.value}]"
                     f"{credit}{made}", style="dim")
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
    """The closing table of an import, with every failure named."""
    rate = summary.documents / seconds if seconds > 0 else 0.0
    console.print(f"[bold]{summary.files}[/] source(s) in {seconds:.1f} s ({rate:,.0f} documents/s): "
                  f"[green]{summary.imported} imported[/], [blue]{summary.updated} updated[/], "
                  f"{summary.unchanged} unchanged, "
                  f"[{'red' if summary.failed else 'green'}]{len(summary.failed)} failed[/]; "
                  f"{summary.authorities_created} new authority records")
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
