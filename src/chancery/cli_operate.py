"""The `chancery` commands an operator runs an archive with: check, reindex, serve, demo.

They register on the one Typer app of ``chancery.cli``, which imports this module last."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.markup import escape

from chancery.cli import _HELP, _app, _import, _refresh_index, app, console, err
from chancery.domain.backups import RESTORING
from chancery.domain.readers import Reader
from chancery.progress import StepBars, Stopwatch, count_bar
from chancery.render import print_import_summary
from chancery.search.interface import IndexBusy
from chancery.services import backup as backups
from chancery.services import documents, fixity
from chancery.services import search as search_service
from chancery.tasks.follower import start_follower
from chancery.tasks.local import start_workers, stop_workers, worker_count
from chancery.telemetry import use_metrics_dir


@app.command()
def check(ctx: typer.Context,
          verify_hashes: Annotated[bool, typer.Option(
              "--verify-hashes/--no-verify-hashes",
              help="Re-hash every stored file the catalogue names (fixity); without it, only "
                   "see that each is there.")] = True,
          repair: Annotated[bool, typer.Option(help="Catch the search index up first.")] = False,
          no_progress: Annotated[bool, typer.Option("--no-progress")] = False) -> None:
    """Check the archive's integrity and every stored file's hash; exit status 1 if anything
    is wrong.  Example: chancery check"""
    a = _app(ctx)
    if repair and search_service.index_problems(a.catalogue, a.index):
        _refresh_index(a)
    problems = backups.restore_problems(a.settings.data / RESTORING)
    problems += documents.catalogue_problems(a.catalogue)
    steps = StepBars(err, enabled=not no_progress)
    try:
        problems += fixity.file_problems(a.fixity, a.blobs, verify_hashes, steps)
    finally:
        steps.stop()
    problems += search_service.index_problems(a.catalogue, a.index)
    for p in problems:
        console.print(f"[red]✗[/] {p}")
    if not problems:
        console.print("[green]✓[/] no problems found")
    raise typer.Exit(1 if problems else 0)


@app.command()
def reindex(ctx: typer.Context) -> None:
    """Rebuild the search index from the catalogue.

    Example: chancery --data ./archive reindex"""
    a = _app(ctx)
    total = documents.count_documents(a.catalogue, Reader.editor())
    try:
        with count_bar(err, "Indexing", total) as bar:
            task = bar.add_task("index", total=total)
            n = search_service.rebuild_index(a.catalogue, a.index,
                                             lambda k: bar.advance(task, k))
    except IndexBusy as exc:  # another reindex, or a writer that kept on
        err.print(f"[red]Not reindexed:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    console.print(f"Indexed {n:,} documents in {a.settings.index_dir}")


@app.command()
def serve(ctx: typer.Context, host: str = "127.0.0.1", port: int = 8000,
          create: Annotated[bool, typer.Option(
              "--create", help="Start a new, empty archive when the data folder holds none.")] = False,
          workers: Annotated[Optional[int], typer.Option(
              "--workers", help=_HELP["workers"])] = None) -> None:
    """Serve the reading room on the web.  Example: chancery --data ./archive serve --workers 4"""
    import os

    ctx.obj = ctx.obj.served_at(host, port)  # one public address, everywhere
    a = _app(ctx, create=create)
    use_metrics_dir(a.settings)  # before the server's modules import prometheus_client
    from chancery.web.server import run
    for problem in backups.restore_problems(a.settings.data / RESTORING):
        err.print(f"[yellow]![/] {escape(problem)}")
    for problem in search_service.index_problems(a.catalogue, a.index):
        # here, before the workers start: the search index takes one writer at a time
        err.print(f"[yellow]![/] {problem}; catching up before serving")
        _refresh_index(a)
        break
    count = ctx.obj.workers if workers is None else workers
    # jobs (citations, OCR, suggestions) run in processes of their own, at a lower priority
    # than the web workers; with a broker, `chancery worker` processes take them instead
    jobs = [] if a.settings.broker_url else start_workers(a.settings, worker_count(a.settings))
    # what those workers (or Celery workers elsewhere) write reaches this machine's index
    follower = start_follower(a.settings)
    try:
        run(a, host, port, count if count > 0 else os.cpu_count() or 1)
    finally:
        stop_workers([*jobs, follower])


@app.command()
def demo(ctx: typer.Context, host: str = "127.0.0.1", port: int = 8000,
         serve_it: Annotated[bool, typer.Option("--serve/--no-serve")] = True) -> None:
    """Build the demo archive from the bundled public-domain sample and serve it.

    Example: chancery --data ./demo-data demo"""
    from chancery.demo import demo_sources
    ctx.obj = ctx.obj.served_at(host, port)
    clock = Stopwatch()
    a = _app(ctx, create=True)
    summary = _import(a, demo_sources(), clock, quiet=False)
    print_import_summary(console, summary, clock.total)
    if summary.failed:
        raise typer.Exit(1)
    if serve_it:
        console.print(f"Serving the demo archive on http://{host}:{port}")
        from chancery.web.server import run
        run(a, host, port)
