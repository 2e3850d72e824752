"""`chancery suggest FILE|ID...`: the metadata the stages suggest for a text file, a PDF's own
text layer or a stored document, as a table or JSON (for scripts and checks). It registers on
the one Typer app of ``chancery.cli``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from chancery.bootstrap import build_suggesting, has_archive
from chancery.cli import JsonOpt, _app, _print_json, _reader, app, console, err
from chancery.domain.suggestions import Finding, Kind
from chancery.services.suggesting import Suggesting, Suggestions

_ROWS = [(Kind.RELEASE, "Release"), (Kind.LANGUAGE, "Language"), (Kind.DATE, "Date"),
         (Kind.CLASSIFICATION, "Classification"), (Kind.TYPE, "Type"), (Kind.FROM, "From"),
         (Kind.TO, "To"), (Kind.PERSON, "People"), (Kind.ORGANIZATION, "Organizations"),
         (Kind.PLACE, "Places"), (Kind.RELATION, "Relations"), (Kind.SUMMARY, "Summary")]


@app.command()
def suggest(ctx: typer.Context,
            sources: Annotated[list[str], typer.Argument(
                help="Text files (.txt), PDFs (their own text layer) or stored documents' "
                     "ids (public id or source id).", metavar="FILE|ID...")],
            as_json: JsonOpt = False) -> None:
    """Print the metadata suggested for each source: language, date, classification, type,
    from, to, people, organizations, places, relations to other documents and a summary,
    each with its confidence. Nothing is stored or published.

    Example: chancery suggest scan.pdf frus1958-60v19/d3 --json"""
    service = _service(ctx, sources)
    results = [_suggestions(service, source) for source in sources]
    if as_json:
        shaped = [r.as_json() for r in results]  # several sources: a list, in their order
        _print_json(shaped[0] if len(shaped) == 1 else shaped)
        return
    for result in results:
        console.print(_table(result))


def _service(ctx: typer.Context, sources: list[str]) -> Suggesting:
    """Files alone need no archive; a document's id does."""
    if all(Path(s).is_file() for s in sources) and not has_archive(ctx.obj):
        return build_suggesting(None)
    return _app(ctx).suggesting


def _suggestions(service: Suggesting, source: str) -> Suggestions:
    path = Path(source)
    try:
        if path.is_file():
            return service.for_file(path)
        found = service.for_document(source, _reader(public=False))
    except ValueError as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(1) from None
    if found is None:
        err.print(f"[red]No file or document {escape(source)!r}[/] (a path, or a public id "
                  "or source id such as frus1958-60v19/d3)")
        raise typer.Exit(1)
    return found


def _table(result: Suggestions) -> Table:
    table = Table(title=escape(result.source), title_justify="left", show_lines=False)
    for column in ("Field", "Suggestion", "Confidence", "From the words"):
        table.add_column(column, overflow="fold")
    for kind, label in _ROWS:
        for f in result.of(kind):
            table.add_row(label, escape(_shown(f)), f"{f.confidence:.2f}",
                          escape(" ".join(f.evidence.split())[:60]))
    return table


def _shown(f: Finding) -> str:
    if f.kind is Kind.DATE:
        return f"{f.value} ({f.data.get('start')}/{f.data.get('end')}, {f.data.get('precision')})"
    if f.kind is Kind.CLASSIFICATION:
        return f"{f.value} ({f.data.get('level')})"
    if f.kind is Kind.PLACE and f.data.get("role"):
        return f"{f.value} ({f.data['role']})"
    return f.value
