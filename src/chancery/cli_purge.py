"""`chancery purge`: a document out of the archive for good, for a legal takedown
(docs/editing.md). It registers on the one Typer app of ``chancery.cli``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from chancery.cli import _app, app, console, err
from chancery.cli_workflow import AsOpt, _acting, _refusal


@app.command()
def purge(ctx: typer.Context,
          idents: Annotated[list[str], typer.Argument(help="Public ids or source ids.")],
          reason: Annotated[str, typer.Option(
              "--reason", help="Why (a court order, a rights holder's claim): the audit log "
                               "keeps it with the id and who, nothing else.")],
          yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
          as_: AsOpt = None) -> None:
    """Delete documents for good: the record, its history, the scans no other document uses,
    their page images, IIIF tiles and kept citations, and its search entries. Unlike withdraw
    (a 410 tombstone), a purged document answers 404 everywhere and harvesters no longer see
    it. Admins only (or the local operator); it cannot be undone.

    Example: chancery purge 7da35b31 --reason 'court order 2026-114' --as admin@example.org"""
    a = _app(ctx)
    acting = _acting(a, as_)
    with _refusal():
        a.purging.check(reason, acting)
    found = a.purging.found(idents)
    for ident, stored in found:
        said = escape(stored.document.title) if stored else "[red]no such document[/]"
        console.print(f"  {escape(ident)}: {said}", highlight=False)
    if not any(stored for _, stored in found):
        raise typer.Exit(1)
    if not yes and not typer.confirm("Purge these for good? This cannot be undone"):
        err.print("Nothing purged.")
        raise typer.Exit(1)
    with _refusal():
        outcome = a.purging.purge(idents, reason, acting)
    console.print(f"{len(outcome.changed)} purged, {len(outcome.refused)} refused.",
                  highlight=False)
    for ident, why in outcome.refused:
        console.print(f"  [red]✗[/] {escape(ident)}: {escape(why)}", highlight=False)
    raise typer.Exit(1 if outcome.refused else 0)
