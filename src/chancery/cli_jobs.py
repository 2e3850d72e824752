"""`chancery jobs` (what is queued, running, done and failed per stage, with rate and ETA;
the failures), `chancery jobs retry --failed`, `chancery worker`, and the waiting `chancery
import` does for its stages. They register on the one Typer app of ``chancery.cli``."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from multiprocessing.process import BaseProcess
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from chancery.bootstrap import App
from chancery.cli import JsonOpt, _app, _print_json, _refresh_index, app, console, err
from chancery.domain.jobs import FOLLOWS, Job, Stage, StageCounts
from chancery.progress import StageBars, Stopwatch
from chancery.services.imports import ImportSummary
from chancery.tasks.local import start_workers, stop_workers, worker_count

jobs_app = typer.Typer(help="The jobs queued for documents (OCR, suggestions, citations): "
                            "counts per stage with rate and ETA, and the failures.  Example: "
                            "chancery jobs --json; chancery jobs retry --failed",
                       invoke_without_command=True, no_args_is_help=False)
app.add_typer(jobs_app, name="jobs")
_WAIT_POLL = 0.5  # seconds between looks at the counts while waiting


def _stage(name: Optional[str]) -> Stage | None:
    if name is None:
        return None
    try:
        return Stage(name)
    except ValueError:
        raise typer.BadParameter(f"no stage {name!r}; the stages: "
                                 + ", ".join(s.value for s in Stage)) from None


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return time.strftime("%H:%M:%S", time.gmtime(seconds)) if seconds else "done"


def counts_json(counts: Sequence[StageCounts]) -> list[dict[str, object]]:
    """Counts per stage as JSON-ready data."""
    return [{"stage": c.stage.value, "queued": c.queued, "running": c.running, "done": c.done,
             "failed": c.failed, "per_second": round(c.per_second, 3),
             "eta_seconds": None if c.eta_seconds is None else round(c.eta_seconds, 1)}
            for c in counts]


def failures_json(failed: Sequence[Job]) -> list[dict[str, object]]:
    """Failures as JSON-ready data: document, file, stage, reason."""
    return [{"document": j.public_id, "file": j.file, "stage": j.stage.value, "reason": j.error,
             "attempts": j.attempts, "at": j.finished_at} for j in failed]


def print_failures(out: Console, failed: Sequence[Job]) -> None:
    """The failed jobs: document, file, stage and reason."""
    if not failed:
        return
    t = Table("Document", "File", "Stage", "Reason", title="Failed jobs", title_style="bold red")
    for j in failed:
        t.add_row(j.public_id, escape(j.file), j.stage.value, escape(j.error))
    out.print(t)


@jobs_app.callback()
def jobs(ctx: typer.Context, as_json: JsonOpt = False,
         limit: Annotated[int, typer.Option(help="Failures to list at most.")] = 50) -> None:
    """What is queued, running, done and failed per stage, with rate and ETA, then the
    failures with file, stage and reason.  Example: chancery jobs --json"""
    if ctx.invoked_subcommand is not None:
        return
    a = _app(ctx)
    counts, failed, workers = a.jobs.counts(), a.jobs.failures(limit), a.jobs.workers()
    if as_json:
        _print_json({"stages": counts_json(counts), "failures": failures_json(failed),
                     "workers": [{"name": w.name, "kind": w.kind, "seen_at": w.seen_at}
                                 for w in workers]})
        return
    t = Table("Stage", "Queued", "Running", "Done", "Failed", "Rate", "ETA", title="Jobs")
    for c in counts:
        t.add_row(c.stage.value, f"{c.queued:,}", f"{c.running:,}", f"{c.done:,}",
                  f"[red]{c.failed:,}[/]" if c.failed else "0", f"{c.per_second:,.1f}/s",
                  _eta(c.eta_seconds))
    console.print(t if counts else "No jobs.")
    console.print(f"{len(workers)} worker(s) alive" + (": " + ", ".join(
        f"{w.name} ({w.kind})" for w in workers) if workers else
        " (run `chancery worker`, or `chancery serve`, to run queued jobs)"), highlight=False)
    print_failures(console, failed)


@jobs_app.command()
def retry(ctx: typer.Context,
          failed: Annotated[bool, typer.Option("--failed", help="Queue the failed jobs again "
                                               "(only those).")] = False,
          stage: Annotated[Optional[str], typer.Option(help="Only this stage's.")] = None,
          no_wait: Annotated[bool, typer.Option("--no-wait", help="Return once they are "
                                                "queued.")] = False,
          as_json: JsonOpt = False) -> None:
    """Queue the failed jobs again and run them, showing progress.

    Example: chancery jobs retry --failed --stage ocr"""
    if not failed:
        raise typer.BadParameter("say which jobs: --failed (the only ones retried today)")
    a = _app(ctx)
    only = _stage(stage)
    # the stages of the jobs retried, and what their success queues (a retried OCR is
    # followed by its suggestions); other queued work is left to the workers
    of = {j.stage for j in a.jobs.failures(limit=100_000) if only in (None, j.stage)}
    stages = _with_follow_ups([s for s in Stage if s in of and s in a.jobs.stages])
    n = a.jobs.retry_failed(only)
    if not no_wait:
        wait_for(a, stages, quiet=as_json)
        _refresh_index(a, quiet=True)  # what the jobs wrote (OCR text) is searched at once
    still = a.jobs.failures()
    if as_json:
        _print_json({"retried": n, "failures": failures_json(still)})
    else:
        console.print(f"{n:,} failed job(s) queued again.")
        print_failures(console, still)
    raise typer.Exit(1 if still else 0)


def wait_for(a: App, stages: Sequence[Stage], quiet: bool = False) -> bool:
    """Wait until these stages have nothing queued or running, one progress bar per stage;
    when no worker is alive, this command's own worker processes run them. False when it
    stopped early (the workers died, or Ctrl-C): the rest stays queued."""
    if not stages:
        return True
    procs = [] if a.jobs.workers() else start_workers(a.settings, worker_count(a.settings),
                                                      stages, until_idle=True)
    try:
        with StageBars(err, [c for c in a.jobs.counts() if c.stage in stages],
                       enabled=not quiet) as bars:
            return _watch(a, stages, bars, procs)
    except KeyboardInterrupt:
        err.print("[yellow]Stopped waiting[/]: the rest stays queued (`chancery jobs`).")
        return False
    finally:
        stop_workers(procs)


def _watch(a: App, stages: Sequence[Stage], bars: StageBars, procs: list[BaseProcess]) -> bool:
    while True:
        counts = [c for c in a.jobs.counts() if c.stage in stages]
        bars.update(counts)
        if not any(c.remaining for c in counts):
            return True
        if procs and not any(p.is_alive() for p in procs) and not a.jobs.workers():
            err.print("[red]The job workers stopped[/]; the rest stays queued (`chancery jobs`).")
            return False
        time.sleep(_WAIT_POLL)


@app.command()
def worker(ctx: typer.Context,
           processes: Annotated[Optional[int], typer.Option(
               "--processes", help="Processes that run jobs; 0: one per core "
                                   "[env CHANCERY_JOB_WORKERS]")] = None) -> None:
    """Run queued jobs until stopped: a Celery worker when CHANCERY_BROKER_URL is set (on any
    machine that reaches the catalogue and the broker), else the archive's own workers.

    Example: CHANCERY_BROKER_URL=redis://queue:6379/0 chancery --db ... worker"""
    a = _app(ctx)
    settings = a.settings if processes is None else replace(a.settings, job_workers=processes)
    count = worker_count(settings)
    a.close()
    if settings.broker_url:
        from chancery.tasks.celery import run_worker
        run_worker(settings, count)
        return
    err.print(f"Running jobs in {count} process(es); Ctrl-C stops them.")
    procs = start_workers(settings, count)
    try:
        for p in procs:
            p.join()
    except KeyboardInterrupt:
        pass
    finally:
        stop_workers(procs)


def queue_after_import(a: App, summary: ImportSummary, changed: list[str], clock: Stopwatch,
                       wait: bool, quiet: bool) -> None:
    """Queue the changed documents' jobs; unless ``wait`` is off, wait for those other than
    citations (a page renders a missing citation itself, and workers render the queue)."""
    with clock.step("queue"):
        queued = a.jobs.queue_documents(changed, summary.asked, summary.sources)
        again = a.jobs.queue_changed_options(summary.unchanged_asked, summary.unchanged_sources)
    requeued = Counter(s for stages in again.values() for s in stages)
    summary.queued = {s.value: queued.get(s, 0) + requeued[s] for s in Stage
                      if s in queued or s in requeued}
    summary.requeued = {s.value: n for s, n in requeued.items()}
    stages = _with_follow_ups([s for s in Stage if s.value in summary.queued
                               and s is not Stage.CITE])
    if wait and stages:
        with clock.step("jobs"):
            summary.waited = wait_for(a, stages, quiet)
        with clock.step("index"):  # the OCR text the jobs wrote is searched the same day
            _refresh_index(a, quiet=True)
    mine = set(summary.sources) | set(again)
    summary.job_failures = [j for j in a.jobs.failures(limit=10_000)
                            if j.public_id in mine and j.stage is not Stage.CITE]


def _with_follow_ups(stages: list[Stage]) -> list[Stage]:
    """The stages and those their success queues (OCR leads to suggestions), citations
    aside: a wait for OCR that ended before the suggestions would leave them unmade."""
    out = list(stages)
    for stage in out:
        out.extend(f for f in FOLLOWS.get(stage, ()) if f not in out and f is not Stage.CITE)
    return out


def _who_runs(a: App) -> str:
    workers = a.jobs.workers()
    if workers:
        return f"{len(workers)} worker(s) alive run them in the background"
    if a.settings.broker_url:
        return "`chancery worker` processes run them, through the broker, when they start"
    return "`chancery serve` or `chancery worker` runs them in the background"


def print_after_import(a: App, summary: ImportSummary) -> None:
    """What was queued after the import, who runs it, and what failed among what it waited
    for."""
    cite = summary.queued.get(Stage.CITE.value, 0)
    if cite:
        console.print(f"Citations: {cite:,} document(s) queued for their citation styles; "
                      f"{_who_runs(a)} (a document page renders a missing one when it is "
                      "read).", highlight=False)
    others = {k: n for k, n in summary.queued.items() if k != Stage.CITE.value}
    if others and not summary.waited:
        console.print("Queued, not waited for: " + ", ".join(
            f"{n:,} {k}" for k, n in others.items()) + f"; {_who_runs(a)} (`chancery jobs`).",
            highlight=False)
    for stage, n in summary.requeued.items():
        console.print(f"{n:,} unchanged document(s) queued for {stage} again: their {stage} "
                      "settings changed since it last ran.", highlight=False)
    print_failures(console, summary.job_failures)
    if summary.job_failures:
        console.print("Retry them with `chancery jobs retry --failed`.")


def after_import_json(a: App, summary: ImportSummary) -> dict[str, object]:
    """The "jobs" key of `import --json`."""
    return {"queued": summary.queued, "settings_changed": summary.requeued,
            "waited": summary.waited,
            "workers": len(a.jobs.workers()), "failed": failures_json(summary.job_failures)}
