"""The `chancery` command: thin over the services."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape

from chancery import __version__
from chancery.bootstrap import App, build_app, has_archive, unreachable_catalogue
from chancery.citing.interface import CitationError, StyleNotFound
from chancery.citing.styles import PAGE_STYLES, style_names
from chancery.config import SETTINGS, load_settings
from chancery.domain.accounts import AccountError
from chancery.domain.ocr import OcrMode
from chancery.domain.readers import Reader
from chancery.domain.workflow import LOCAL_OPERATOR
from chancery.progress import ImportProgress, Stopwatch, count_bar
from chancery.render import (
    print_document,
    print_import_summary,
    print_passages,
    print_search,
    print_stats,
    search_json,
)
from chancery.search.grammar import QueryError, parse_filters
from chancery.search.interface import IndexUnavailable
from chancery.services import citing, documents, import_runs, imports
from chancery.services import search as search_service

app = typer.Typer(help="Chancery: a digital archive for declassified international-history "
                       "documents.", no_args_is_help=True, rich_markup_mode="rich")
# soft_wrap: a line is one record even in a pipe (`chancery audit | grep`), where Rich would
# otherwise cut it at 80 columns; a terminal wraps long lines by itself.
console = Console(soft_wrap=True)
err = Console(stderr=True)
_HELP = {s.name: f"{s.help} [env {s.env}]" for s in SETTINGS}

PublicOpt = Annotated[bool, typer.Option("--public", help="See only what the public may see.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@app.callback()
def main(ctx: typer.Context,
         data: Annotated[Optional[Path], typer.Option("--data", help=_HELP["data"])] = None,
         db: Annotated[Optional[str], typer.Option("--db", help=_HELP["database_url"])] = None,
         max_file_size: Annotated[Optional[int], typer.Option(
             "--max-file-size", help=_HELP["max_file_size"])] = None) -> None:
    """Global options come before the command: chancery --data DIR import ..."""
    try:
        ctx.obj = load_settings(data=str(data) if data else None, database_url=db,
                                max_file_size=str(max_file_size) if max_file_size else None)
    except ValueError as exc:  # a setting refused: said, not a traceback
        err.print(f"[red]Settings refused:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None


def run() -> None:
    """The command as the console script runs it: a catalogue that cannot be opened is said
    in one line (it was a traceback from whichever command met it first)."""
    try:
        app()
    except Exception as exc:
        reason = unreachable_catalogue(exc)
        if reason is None:
            raise
        err.print(f"[red]Cannot open the catalogue:[/] {escape(reason)} (check --db, "
                  "CHANCERY_DATABASE_URL or --data)")
        raise SystemExit(1) from None


def _archive_or_exit(ctx: typer.Context) -> None:
    if not has_archive(ctx.obj):
        err.print(f"[red]No archive in {escape(str(ctx.obj.data.resolve()))}[/]: check --data (or "
                  "CHANCERY_DATA, CHANCERY_DATABASE_URL). To start a new, empty archive there, "
                  "use `chancery init` (or `serve --create`); `chancery demo` builds the demo "
                  "archive.")
        raise typer.Exit(1)


def _app(ctx: typer.Context, create: bool = False) -> App:
    """The archive the settings name; unless ``create``, refused when there is none (a
    mistyped --data would otherwise become a new, empty archive, searched or exported as if
    it were the real one)."""
    if not create:
        _archive_or_exit(ctx)
    built = build_app(ctx.obj)
    ctx.call_on_close(built.close)  # no pooled connection outlives the command
    return built


def _reader(public: bool) -> Reader:
    """The operator reads as an editor; --public shows what the public sees today."""
    return Reader.public() if public else Reader.editor()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
def version() -> None:
    """Print Chancery's version."""
    console.print(__version__)


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the data folder and an empty catalogue.  Example: chancery --data ./archive init"""
    a = _app(ctx, create=True)
    console.print(f"Archive ready in [bold]{a.settings.data}[/] ({a.database}).")


@app.command()
def migrate(ctx: typer.Context) -> None:
    """Bring the catalogue's schema up to date.

    Example: chancery --db postgresql+psycopg:///archive migrate"""
    if not ctx.obj.catalogue_url.startswith("postgresql"):  # a new PostgreSQL database is
        _archive_or_exit(ctx)  # given its schema here; a missing SQLite file is a typo
    a = build_app(ctx.obj, migrate=False)
    before, head = documents.migrate_catalogue(a.catalogue)
    console.print(f"Schema at {head} (was {before or 'empty'}).")


@app.command("import")
def import_(ctx: typer.Context,
            paths: Annotated[list[Path], typer.Argument(help="Files or folders to import.")],
            as_json: JsonOpt = False,
            no_progress: Annotated[bool, typer.Option("--no-progress")] = False,
            as_: Annotated[Optional[str], typer.Option(
                "--as", envvar="CHANCERY_USER", help="The account importing (an email), as the "
                "workspace's list of imports names it; without it, the local operator.")] = None,
            allow_purged: Annotated[bool, typer.Option(
                "--allow-purged", help="Import documents that were purged, again (each is "
                "audited); without it they are refused and the rest imported.")] = False,
            ocr: Annotated[OcrMode, typer.Option(
                "--ocr", help="Scans: auto reads a PDF's own text layer where it is good "
                "enough and OCRs the rest; always OCRs; never keeps the text layer only. A "
                "CSV's ocr column overrides it per row.")] = OcrMode.AUTO,
            no_wait: Annotated[bool, typer.Option(
                "--no-wait", help="Return once the documents are stored and searchable; their "
                "OCR and suggestions stay queued for `chancery worker` or `serve`.")] = False,
            embed: Annotated[bool, typer.Option(
                "--embed", help="Embed the new and changed documents for search by meaning "
                "before returning (else the job workers of `serve` or `worker` do it, or "
                "`chancery embed`).")] = False
            ) -> None:
    """Import FRUS TEI volumes, Chancery bundles, CSV + files, or bare scans (PDF, TIFF,
    JPEG, PNG: one draft document each); the format is detected.

    Example: chancery import ../shared/corpus/frus/core my-bundle/ box3.csv scans/"""
    clock = Stopwatch()
    a = _app(ctx, create=True)  # the first import makes the archive
    try:
        acting = a.accounts.acting(as_)
    except AccountError as exc:
        err.print(f"[red]--as:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    summary = _import(a, paths, clock, quiet=as_json or no_progress, operator=acting.name,
                      allow_purged=allow_purged, ocr=ocr, wait=not no_wait)
    for public_id in summary.readmitted:  # a takedown undone: who did it, on the record
        a.accounts.record(acting.audit_name, "import-purged", public_id)
    from chancery.cli_embed import embed_now, embedding_json, print_embedding
    from chancery.cli_jobs import after_import_json, print_after_import
    embedded = embed_now(a, quiet=as_json or no_progress) if embed else None
    if as_json:
        _print_json({**summary.as_dict(), "seconds": round(clock.total, 3),
                     "timings": {k: round(v, 3) for k, v in summary.timings.items()},
                     "indexed_while_storing": summary.indexed,
                     "jobs": after_import_json(a, summary),
                     **({"embedding": embedding_json(*embedded)} if embedded else {})})
    else:
        print_import_summary(console, summary, clock.total)
        print_after_import(a, summary)
        if embedded:
            print_embedding(*embedded)
    raise typer.Exit(1 if summary.failed or summary.job_failures else 0)


def _import(a: App, paths: list[Path], clock: Stopwatch, quiet: bool,
            operator: str = LOCAL_OPERATOR, allow_purged: bool = False,
            ocr: OcrMode = OcrMode.AUTO, wait: bool = True) -> imports.ImportSummary:
    """Import (recorded, with who ran it), bring the index up to date, queue the jobs of the
    changed documents (their citations, the stages their importer asked for) and, unless
    told not to, wait for those other than citations; timing each step."""
    from chancery.cli_jobs import queue_after_import
    bar = ImportProgress(err, enabled=not quiet)
    before = documents.change_count(a.catalogue)
    summary = import_runs.run_import(paths, a.import_context(True, allow_purged, ocr), a.import_runs,
                                     operator, bar)
    bar.stop()
    if summary.indexed is not None and not quiet:  # a large import indexed as it stored
        err.print(f"Search index: {summary.indexed:,} document(s) indexed while storing.")
    with clock.step("index"):  # what a follower left (nothing, unless it failed)
        _refresh_index(a, quiet=quiet or summary.indexed is not None)
    if summary.imported or summary.updated:
        with clock.step("store"):  # historic names the new documents print (Peiping)
            summary.authorities_created += a.lay_gazetteer()
    queue_after_import(a, summary, documents.changed_since(a.catalogue, before), clock,
                       wait, quiet)
    if summary.waited:  # the stages waited for wrote texts (OCR) and fields: searchable too
        with clock.step("index"):
            _refresh_index(a, quiet=True)
    for step, seconds in clock.steps.items():
        summary.add_time(step, seconds)
    return summary


@contextmanager
def _search_errors() -> Iterator[None]:
    """A malformed query exits 2 with its message; an index that cannot answer exits 1."""
    try:
        yield
    except QueryError as exc:
        err.print(f"[red]Cannot read the query:[/] {escape(exc.message)}")
        raise typer.Exit(2) from None
    except IndexUnavailable as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(1) from None


@app.command()
def show(ctx: typer.Context,
         ident: Annotated[str, typer.Argument(help="Public id or source id (frus1958-60v19/d3).")],
         as_json: JsonOpt = False, public: PublicOpt = False) -> None:
    """Print a document's full record and texts.  Example: chancery show frus1958-60v19/d3"""
    stored = documents.show_document(_app(ctx).catalogue, ident, _reader(public))
    if stored is None:
        err.print(f"[red]No document {ident!r}[/] (public id or source id, e.g. frus1958-60v19/d3)")
        raise typer.Exit(1)
    if as_json:
        view = documents.document_view(stored)
        view.pop("id", None)  # the catalogue's row number: public_id is the document's id
        _print_json(view)
    else:
        print_document(console, stored)


@app.command("list")
def list_(ctx: typer.Context,
          collection: Annotated[Optional[str], typer.Option(
              help="Collection key, e.g. frus/frus1958-60v19.")] = None,
          limit: int = 50, offset: int = 0, as_json: JsonOpt = False, public: PublicOpt = False) -> None:
    """List documents in date order.

    Example: chancery list --collection frus/frus1958-60v19 --limit 20"""
    rows = documents.list_documents(_app(ctx).catalogue, _reader(public), collection, limit, offset)
    if as_json:
        _print_json([r.__dict__ for r in rows])
        return
    for r in rows:
        console.print(f"[cyan]{r.public_id}[/]  {r.date_display or 'undated':<24.24} "
                      f"{r.doc_type:<18.18} {r.title}  [dim]{r.source_id}[/]", highlight=False)


@app.command()
def stats(ctx: typer.Context, as_json: JsonOpt = False, public: PublicOpt = False) -> None:
    """Counts by collection, type, decade, classification and language.  Example: chancery stats --json"""
    result = documents.archive_stats(_app(ctx).catalogue, _reader(public))
    if as_json:
        _print_json(result.as_dict())
    else:
        print_stats(console, result)


@app.command()
def search(ctx: typer.Context,
           query: Annotated[str, typer.Argument(help="Query in the search grammar (docs/search.md).")],
           facet: Annotated[Optional[list[str]], typer.Option(
               "--facet", "-f", help="Narrow by a facet value, e.g. type:telegram or year:1960; "
                                     "repeat it; values of one facet combine with OR.")] = None,
           sort: Annotated[str, typer.Option(help="relevance, date (oldest first) or -date.")] = "relevance",
           page: int = 1, per_page: Annotated[int, typer.Option("--per-page")] = 10,
           within: Annotated[Optional[str], typer.Option(
               "--in", help="Search inside one document (public id or source id): every "
                            "matching passage.")] = None,
           exact: Annotated[bool, typer.Option(
               "--exact", help="Count every facet exactly; over a broad result the people, "
                               "places and other names are otherwise estimated (≈).")] = False,
           no_meaning: Annotated[bool, typer.Option(
               "--no-meaning", help="Your words only: no documents found by meaning.")] = False,
           as_json: JsonOpt = False, public: PublicOpt = False) -> None:
    """Search the archive, with facet counts and highlighted snippets.

    Example: chancery search '"Soviet experts" date:1960' --facet type:note --sort date"""
    a = _app(ctx)
    if within:
        _search_within(a, within, query, _reader(public), as_json)
        return
    with _search_errors():
        result = a.search.documents(query, filters=_facet_options(facet or []), sort=sort,
                                    page=page, per_page=per_page, reader=_reader(public),
                                    exact=exact, meaning=not no_meaning)
    if as_json:
        _print_json(search_json(result))
    else:
        print_search(console, result)


def _search_within(a: App, ident: str, query: str, reader: Reader, as_json: bool) -> None:
    with _search_errors():
        passages = a.search.within(ident, query, reader=reader)
    if passages is None:
        err.print(f"[red]No document {ident!r}[/]")
        raise typer.Exit(1)
    if as_json:
        _print_json([{"where": p.where, "version": p.version,
                      "fragments": [[f.text, f.highlighted] for f in p.fragments]} for p in passages])
    else:
        print_passages(console, passages)


def _refresh_index(a: App, quiet: bool = False) -> None:
    """Keep search in step after an import: catch up, or build the index if there is none."""
    total = documents.count_documents(a.catalogue, Reader.editor())
    with count_bar(err, "Indexing", total) as bar:
        if quiet:
            bar.stop()
        task = bar.add_task("index", total=total)
        mode, n = search_service.refresh_index(a.catalogue, a.index, lambda k: bar.advance(task, k))
        bar.update(task, completed=total)
    if mode == "busy":  # said even when quiet: search misses the changes until caught up
        err.print("[yellow]![/] Search index busy (another process is writing it): the changes "
                  "are searched once it is caught up (`chancery serve` does so by itself; "
                  "else `chancery check --repair`).")
    elif not quiet:
        err.print(f"Search index {mode}: {n:,} document(s) indexed.")


def _prepare_citations(a: App, public_ids: list[str] | None, quiet: bool = False) -> None:
    """Render the document page's citation styles for these documents (all when None), so
    no page waits for the citation engine."""
    total = len(public_ids) if public_ids is not None else documents.count_documents(
        a.catalogue, Reader.editor())
    if not total:
        return
    try:
        with count_bar(err, "Citations", total) as bar:
            if quiet:
                bar.stop()
            task = bar.add_task("cite", total=total)
            n = citing.prerender(a.catalogue, a.citer, PAGE_STYLES, public_ids,
                                 lambda k: bar.advance(task, k))
    except CitationError as exc:  # the archive works without them: pages show the house style
        err.print(f"[yellow]Citation styles not prepared:[/] {escape(str(exc))}")
        return
    if not quiet:
        err.print(f"Citations: {n:,} rendering(s) made in {len(PAGE_STYLES)} styles.")


@app.command()
def cite(ctx: typer.Context,
         idents: Annotated[Optional[list[str]], typer.Argument(
             help="Public or source ids (several: a selection, one after another).")] = None,
         style: Annotated[str, typer.Option(
             "--style", help="house, chicago-note, chicago-bibliography, chicago-author-date, "
                             "mla, apa, turabian, bibtex, ris, csl-json, or any CSL style name")
         ] = "house",
         list_styles: Annotated[bool, typer.Option("--list-styles")] = False,
         prepare: Annotated[bool, typer.Option(
             "--prepare", help="Render the page styles for every document now.")] = False,
         public: PublicOpt = False) -> None:
    """Cite a document in the house style, a CSL style, or as BibTeX / RIS / CSL-JSON.

    Example: chancery cite frus1958-60v19/d3 --style chicago-note
             chancery cite 7da35b31 0874552c --style bibtex > selection.bib"""
    if list_styles:  # needs no archive
        console.print("\n".join(style_names()), markup=False, highlight=False)
        return
    a = _app(ctx)
    if prepare:
        _prepare_citations(a, None)
        return
    if not idents:
        raise typer.BadParameter("give document ids, --list-styles or --prepare")
    try:
        out = citing.cite_selection(a.catalogue, a.citer, idents, style, _reader(public))
    except (StyleNotFound, CitationError) as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(2) from None
    except citing.NoDocument as exc:
        err.print(f"[red]No document {escape(str(exc.args[0]))!r}.[/]")
        raise typer.Exit(1) from None
    sys.stdout.write(out if out.endswith("\n") else out + "\n")


def _facet_options(values: list[str]) -> dict[str, tuple[str, ...]]:
    """--facet values in the grammar of f= everywhere (facet:value); the older facet=value
    still works, with a warning, so scripts written for it keep running."""
    written = []
    for item in values:
        name, sep, _ = item.partition("=")
        if sep and ":" not in name:
            err.print(f"[yellow]--facet {escape(item)}: write facet:value "
                      f"({escape(item.replace('=', ':', 1))}); facet=value will go away[/]")
            item = item.replace("=", ":", 1)
        written.append(item)
    return parse_filters(written)


# the operator's commands (check, reindex, serve, demo), `user ...`, `token ...`, `audit` and the editorial
# workflow's (submit, publish, ..., history, revert, edit, approve, reject, redact,
# redact-scan), `purge`, `export`, `suggest`, `authority ...` and `collection ...` register
# themselves on `app`
from chancery import (  # noqa: E402, F401
    cli_accounts,
    cli_authorities,
    cli_backup,
    cli_collections,
    cli_editing,
    cli_embed,
    cli_export,
    cli_jobs,
    cli_operate,
    cli_purge,
    cli_redact,
    cli_redact_scans,
    cli_suggest,
    cli_tokens,
    cli_workflow,
)
