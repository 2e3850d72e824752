"""`chancery collection ...`: the collection editor of the workspace at the command line: the
tree with its counts, a new collection, its title, description and parent (never inside
itself), its place among its siblings, and the order of its documents (docs/editing.md).

Each change goes through services/collection_editing, as the workspace's forms do, acting as
the account --as (or CHANCERY_USER) names or the local operator, and lands in the audit log;
the search index then catches up (a collection's key is in its documents' facets).

They register on the one Typer app of ``chancery.cli``, which imports this module last."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, NoReturn, Optional

import typer
from rich.markup import escape

from chancery.bootstrap import App
from chancery.cli import JsonOpt, _app, _print_json, _refresh_index, app, console, err
from chancery.cli_authorities import _refused
from chancery.cli_workflow import AsOpt, _acting
from chancery.services.collection_editing import CollectionDetail

collection_app = typer.Typer(help="Collections: the tree, a new one, title, description, "
                                  "parent, order (docs/editing.md).\n\nExample: chancery "
                                  "collection add box-3 'Box 3' --parent planning",
                             no_args_is_help=True)
app.add_typer(collection_app, name="collection")

KeyArg = Annotated[str, typer.Argument(metavar="KEY", help="The collection's key, as in its "
                                                           "address: planning/1947.")]
DescriptionOpt = Annotated[Optional[str], typer.Option("--description", help="What it holds.")]


class Way(StrEnum):
    """Where `collection move` takes a collection among its siblings."""

    UP = "up"
    DOWN = "down"


@collection_app.command("list")
def list_(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every collection as a tree, with how many documents are in each.

    The counts take every state: documents directly in it, and with those below it.

    Example: chancery collection list"""
    tree = _app(ctx).collections.counted_tree()
    if as_json:
        _print_json([{"key": t.collection.key, "title": t.collection.title,
                      "parent": t.collection.parent_key or None, "depth": t.depth,
                      "documents": t.documents, "in_all": t.in_all} for t in tree])
        return
    for t in tree:
        below = f", {t.in_all} with those below" if t.in_all != t.documents else ""
        console.print(f"{'  ' * t.depth}{escape(t.collection.key)}  "
                      f"{escape(t.collection.title)}  ({t.documents}{below})", highlight=False)
    if not tree:
        err.print("No collections yet: chancery collection add KEY TITLE")


@collection_app.command()
def add(ctx: typer.Context,
        key: Annotated[str, typer.Argument(metavar="KEY", help="Its key: box-3 (under "
                                                               "--parent planning: planning/box-3).")],
        title: Annotated[str, typer.Argument(help="Its title.")],
        parent: Annotated[str, typer.Option("--parent", help="The collection it goes in.")] = "",
        description: DescriptionOpt = None, as_: AsOpt = None) -> None:
    """Make a collection, last among its siblings.

    Example: chancery collection add box-3 'Box 3: telegrams, 1961' --parent planning"""
    a = _app(ctx)
    acting = _acting(a, as_)
    with _refused(key, "collection"):
        made = a.collections.create({"key": key, "title": title, "parent": parent,
                                     "description": description or ""}, acting)
    _done(a, f"{made}: made.")


@collection_app.command()
def edit(ctx: typer.Context, key: KeyArg,
         title: Annotated[Optional[str], typer.Option("--title", help="A new title.")] = None,
         description: DescriptionOpt = None,
         parent: Annotated[Optional[str], typer.Option(
             "--parent", help="Move it into this collection ('' for the top); its key and "
                              "those below follow, and the old addresses lead on.")] = None,
         as_: AsOpt = None) -> None:
    """Change a collection's title, description or parent.

    A collection never goes into itself or one below it.

    Example: chancery collection edit planning/1947 --title 'Papers of 1947' --parent memos"""
    if title is None and description is None and parent is None:
        err.print("[red]Give --title, --description or --parent.[/]")
        raise typer.Exit(2)
    a = _app(ctx)
    acting = _acting(a, as_)
    c = _detail(a, key).collection
    form = {"title": c.title if title is None else title,
            "description": c.description if description is None else description,
            "parent": c.parent_key if parent is None else parent}
    with _refused(key, "collection"):
        now = a.collections.save(key, form, acting)
    _done(a, f"{key}: saved" + (f"; its key is now {now}." if now != key else "."))


@collection_app.command()
def move(ctx: typer.Context, key: KeyArg,
         way: Annotated[Way, typer.Argument(metavar="up|down", help="Which way.")],
         as_: AsOpt = None) -> None:
    """Move a collection one place up or down among its siblings.

    Example: chancery collection move planning/1947 up"""
    a = _app(ctx)
    acting = _acting(a, as_)
    with _refused(key, "collection"):
        a.collections.move(key, way is Way.UP, acting)
    _done(a, f"{key}: moved {way.value}.")


@collection_app.command()
def order(ctx: typer.Context, key: KeyArg,
          idents: Annotated[list[str], typer.Argument(
              metavar="ID...", help="Public ids of documents in it, in the order they go; "
                                    "those not given follow, as they were.")],
          as_: AsOpt = None) -> None:
    """Put a collection's documents in an order.

    The workspace lists them so, and bundle exports keep each document's place.

    Example: chancery collection order planning/1947 kdoc2 kdoc1"""
    a = _app(ctx)
    acting = _acting(a, as_)
    with _refused(key, "collection"):
        a.collections.order_members(key, idents, acting)
    n = len(set(idents))
    _done(a, f"{key}: {n} document{'' if n == 1 else 's'} first, in the order given.")


def _detail(a: App, key: str) -> CollectionDetail:
    found = a.collections.detail(key)
    if found is None:
        _unknown(a, key)
    return found


def _unknown(a: App, key: str) -> NoReturn:
    moved = a.collections.moved_to(key)
    where = f": it moved to {escape(moved)}" if moved else (
        " (see `chancery collection list`)")
    err.print(f"[red]No collection {escape(key)}[/]{where}")
    raise typer.Exit(1)


def _done(a: App, said: str) -> None:
    _refresh_index(a, quiet=True)  # the collection facet and filter follow at once
    console.print(escape(said), highlight=False)
