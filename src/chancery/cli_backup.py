"""`chancery backup DEST` and `chancery restore SRC`: the archive's catalogue, stored files
and settings, copied consistently while it serves, and put back with every hash checked.

They register on the one Typer app of ``chancery.cli``, which imports this module last."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from chancery import __version__
from chancery.bootstrap import archive_copy, has_archive, no_rebuild_meanwhile
from chancery.cli import _app, app, console, err
from chancery.config import SETTINGS, Settings, as_environment
from chancery.domain.backups import RESTORING, BackupError
from chancery.progress import StepBars, Stopwatch, duration
from chancery.search.interface import IndexBusy
from chancery.services import backup as backups

NoProgress = Annotated[bool, typer.Option("--no-progress", help="Show no progress bars.")]


def _settings(settings: Settings) -> dict[str, str]:
    """The settings in force by their names, as a backup keeps them."""
    values = as_environment(settings)
    return {s.name: values[s.env] for s in SETTINGS}


def _own_folders(settings: Settings) -> list[Path]:
    """The folders the archive keeps things in: a backup must lie apart from them."""
    return [settings.data, settings.blob_dir, settings.derived_path]


def _reason(exc: Exception) -> str:
    """The error in words: a file system's names the file and what went wrong."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)


@app.command()
def backup(ctx: typer.Context,
           dest: Annotated[Path, typer.Argument(help="A new (or empty) folder to write it to.")],
           no_progress: NoProgress = False) -> None:
    """Back up the archive: a consistent snapshot of the catalogue, every stored file, the
    settings and a manifest of hashes; safe while `serve` and imports run. The search index
    is left out (restore rebuilds it).

    Example: chancery --data ./archive backup /backups/archive-2026-12-01"""
    clock = Stopwatch()  # the summary's time is the whole command's, as the operator waits
    if not has_archive(ctx.obj):
        err.print(f"[red]No archive in {escape(str(ctx.obj.data))}[/]: check --data or --db.")
        raise typer.Exit(1)
    catalogue, files, _ = archive_copy(ctx.obj)
    steps = StepBars(err, enabled=not no_progress)
    try:
        backups.refuse_inside(dest, _own_folders(ctx.obj), "a backup there is lost with the "
                              "archive, and a restore empties some of them; back up to "
                              "another folder, on another disk")
        report = backups.back_up_archive(catalogue, files, dest, _settings(ctx.obj),
                                         __version__, steps)
    except (BackupError, OSError) as exc:
        err.print(f"[red]Backup failed:[/] {escape(_reason(exc))}")
        raise typer.Exit(1) from None
    finally:
        steps.stop()
    for sha in report.left_out:
        err.print(f"[yellow]![/] stored file {sha} is damaged and no document names it: "
                  "left out of the backup")
    console.print(f"Backed up {report.documents:,} documents ({report.vectors:,} passage "
                  f"vectors), {report.blobs:,} stored files ({report.bytes:,} bytes) and the "
                  f"settings to {escape(str(dest))} in {duration(clock.total)}.")


@app.command()
def restore(ctx: typer.Context,
            src: Annotated[Path, typer.Argument(help="A folder `chancery backup` wrote.")],
            force: Annotated[bool, typer.Option(
                "--force", help="Replace an archive that already holds something.")] = False,
            no_progress: NoProgress = False) -> None:
    """Restore a backup into the archive the settings name (SQLite or PostgreSQL, as it was
    backed up): every file's hash is checked before anything is written, then the search
    index is rebuilt. Stop `serve` first.

    Example: chancery --data ./restored restore /backups/archive-2026-12-01"""
    clock = Stopwatch()
    catalogue, files, derived = archive_copy(ctx.obj)
    steps = StepBars(err, enabled=not no_progress)
    unfinished = ctx.obj.data / RESTORING
    try:
        backups.refuse_inside(src, _own_folders(ctx.obj), "a restore replaces or empties "
                              "them, and would take the backup with it; move it out first")
        with no_rebuild_meanwhile(ctx.obj):  # a reindex building in the index folder
            report = backups.restore_archive(src, catalogue, files, force, steps, unfinished)
            backups.clear_derived(derived)
        a = _app(ctx, create=True)  # brings a backup of an older Chancery up to date
        indexed, vectors = backups.rebuild_derived(a.catalogue, a.index, a.meaning.follow,
                                                   steps, report.documents, report.vectors)
        backups.finished(unfinished)
    except (BackupError, OSError, IndexBusy) as exc:
        err.print(f"[red]Restore failed:[/] {escape(_reason(exc))}")
        raise typer.Exit(1) from None
    finally:
        steps.stop()
    console.print(f"Restored {report.documents:,} documents ({indexed:,} indexed, {vectors:,} "
                  f"passage vectors placed), {report.blobs:,} stored files ({report.bytes:,} "
                  f"bytes) from {escape(str(src))} in {duration(clock.total)}.")
    changed = backups.settings_changed(src, _settings(ctx.obj))
    if changed:
        err.print("[yellow]![/] these settings differ from the backed-up archive's (see "
                  f"{escape(str(src / 'settings.json'))}): {', '.join(changed)}")
