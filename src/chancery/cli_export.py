"""`chancery export`: the archive, or what a search finds, as a bundle or a dataset. An
export with an editor's eyes (without --public) is written to the audit log
(services/export_audit). It registers on the one Typer app of ``chancery.cli``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from chancery.bootstrap import App
from chancery.cli import (
    PublicOpt,
    _app,
    _facet_options,
    _reader,
    _search_errors,
    app,
    console,
    err,
)
from chancery.cli_workflow import AsOpt, _acting
from chancery.domain.readers import Reader
from chancery.progress import count_bar
from chancery.services import datasets, documents, exports
from chancery.services.documents import StoredDocument
from chancery.services.export_audit import record_export


@app.command()
def export(ctx: typer.Context,
           out: Annotated[Path, typer.Option("--out", "-o", help=(
               "Folder to write a bundle to (new or empty), or the file for jsonl, csv, parquet."))],
           fmt: Annotated[str, typer.Option("--format", help="bundle, jsonl, csv or parquet.")] = "bundle",
           query: Annotated[Optional[str], typer.Option(
               "--query", "-q", help="Only the documents this search finds (docs/search.md), "
                                     "oldest first.")] = None,
           facet: Annotated[Optional[list[str]], typer.Option(
               "--facet", "-f", help="Only documents with this facet value, e.g. year:1960; "
                                     "repeatable, as in `chancery search`.")] = None,
           public: PublicOpt = False,
           no_progress: Annotated[bool, typer.Option("--no-progress")] = False,
           as_: AsOpt = None) -> None:
    """Export the archive, or what a search finds: a bundle that re-imports, or the records as
    JSON lines, CSV or Parquet. Without --public it holds what only editors see, and the
    audit log records who exported what (--as, or the local operator).

    Example: chancery export --format jsonl --out berlin-1960.jsonl --query 'Berlin date:1960' --public"""
    if fmt not in ("bundle", *datasets.FORMATS):
        err.print(f"[red]Unknown format {fmt!r}[/]; use bundle, jsonl, csv or parquet")
        raise typer.Exit(2)
    a = _app(ctx)
    reader = _reader(public)
    who = None if public else _acting(a, as_)  # an unknown --as is refused before writing
    total, only = _export_selection(a, query, facet, reader)
    with count_bar(err, "Exporting", total) as bar:
        if no_progress:
            bar.stop()
        task = bar.add_task("export", total=total)
        tick = lambda n: bar.advance(task, n)  # noqa: E731
        try:
            if fmt == "bundle":
                result = exports.export_bundle(a.catalogue, a.scan_files, out, reader, tick, only)
            elif fmt == "parquet":
                datasets.write_parquet(a.catalogue, reader, out, tick, only=only)
            else:
                lines = datasets.jsonl_lines if fmt == "jsonl" else datasets.csv_lines
                datasets.write_lines(lines(a.catalogue, reader, tick, only), out)
        except (FileExistsError, OSError) as exc:
            err.print(f"[red]{escape(str(exc))}[/]")
            raise typer.Exit(2) from None
    count = result.documents if fmt == "bundle" else total
    if who is not None:
        record_export(a.accounts.record, who.audit_name, reader, fmt, count, query, facet or [],
                      out=str(out))
    if fmt == "bundle":
        console.print(f"Wrote {result.documents:,} documents, {result.authorities:,} authority "
                      f"records and {result.files:,} files to {result.path}")
    else:
        console.print(f"Wrote {total:,} documents to {out} ({fmt})")


def _export_selection(a: App, query: str | None, facet: list[str] | None,
                      reader: Reader) -> tuple[int, Iterator[StoredDocument] | None]:
    """(how many, which) documents an export writes: all, or what the search finds."""
    if query is None and not facet:
        return documents.count_documents(a.catalogue, reader), None
    with _search_errors():
        chosen = a.search.select(query or "", filters=_facet_options(facet or []), reader=reader)
    return chosen.total, datasets.selected(a.catalogue, chosen.chunks, reader)
