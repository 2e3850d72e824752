"""The `chancery` commands that edit records: edit (``--set FIELD=VALUE``), and approve or
reject a change waiting for review (docs/editing.md). A change to a published document waits
for a reviewer; a draft, a document in review or a withdrawn one changes at once.

They register on the one Typer app of ``chancery.cli``, which imports this module last."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.markup import escape

from chancery.cli import _app, _prepare_citations, _refresh_index, app, console, err
from chancery.cli_workflow import (
    AsOpt,
    CommentOpt,
    FacetOpt,
    IdsArg,
    NoteOpt,
    QueryOpt,
    _acting,
    _chosen,
)
from chancery.domain.editing import Invalid
from chancery.domain.workflow import Acting, Refused
from chancery.services.editing import Editing

# --set names: the record's own fields, the provenance's, and these lists given as JSON
_LISTS = ("links", "texts", "collections", "relations", "releases")
SetOpt = Annotated[list[str], typer.Option(
    "--set", "-s", help="FIELD=VALUE, repeatable: title, summary, type, number, date (as "
                        "printed, '18 July 1960', or 1960-07-18), classification (the marking), "
                        "holding_archive, collection, reference_code, rights, source_note, "
                        "url, funders (separated by ;); links, texts, collections, relations, "
                        "releases ([{released, agency, authority, note}]) as JSON.")]


@app.command()
def edit(ctx: typer.Context, idents: IdsArg = None, set_: SetOpt = [],  # noqa: B006
         query: QueryOpt = None, facet: FacetOpt = None, comment: CommentOpt = "",
         note: NoteOpt = None, as_: AsOpt = None) -> None:
    """Change fields of documents; a published document's change waits for a reviewer
    (`chancery approve`), the public keeping the published version until then (--note
    proposes the public note of the correction).

    Example: chancery edit 7da35b31 --set 'date=18 July 1960' --set 'reference_code=RG 59, box 3'"""
    changes = _changes(set_)
    a = _app(ctx)
    acting = _acting(a, as_)
    chosen = _chosen(a, idents, query, facet)
    outcome = _each(chosen, lambda ident: _edit(a.editing, ident, changes, acting, comment, note))
    _finish(a, outcome, "changed")


@app.command()
def approve(ctx: typer.Context, idents: IdsArg = None, query: QueryOpt = None,
            facet: FacetOpt = None, comment: CommentOpt = "", note: NoteOpt = None,
            as_: AsOpt = None) -> None:
    """Apply the changes waiting for review on documents (four eyes: not by their authors).
    Readers of a published document are told it was corrected, with --note (or the note its
    editor proposed; --note '' for none).

    Example: chancery approve 7da35b31 --note 'date corrected from the scan' --as reviewer@example.org"""
    a = _app(ctx)
    acting = _acting(a, as_)
    chosen = _chosen(a, idents, query, facet)
    outcome = _each(chosen, lambda ident: a.editing.approve(ident, acting, comment,
                                                                   note=note) + ": "
                    "the change is applied")
    _finish(a, outcome, "approved")


@app.command()
def reject(ctx: typer.Context, idents: IdsArg = None, query: QueryOpt = None,
           facet: FacetOpt = None, comment: CommentOpt = "", as_: AsOpt = None) -> None:
    """Discard the changes waiting for review on documents, saying why (--comment, kept in
    the history); the published version stays.

    Example: chancery reject 7da35b31 --comment 'the scan reads 1961'"""
    if not comment.strip():
        err.print("[red]Say why with --comment; it stays in the document's history.[/]")
        raise typer.Exit(2)
    a = _app(ctx)
    acting = _acting(a, as_)
    chosen = _chosen(a, idents, query, facet)
    outcome = _each(chosen, lambda ident: a.editing.reject(ident, acting, comment) + ": "
                    "the change is discarded")
    _finish(a, outcome, "rejected")


def _changes(items: list[str]) -> dict[str, Any]:
    """The --set pairs as a partial record; exit 2 for one that is not FIELD=VALUE."""
    if not items:
        err.print("[red]Give at least one --set FIELD=VALUE.[/]")
        raise typer.Exit(2)
    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            err.print(f"[red]--set {escape(item)!r}:[/] write FIELD=VALUE, e.g. title=Memorandum")
            raise typer.Exit(2)
        out[name] = _value(name, value)
    return out


def _value(name: str, value: str) -> Any:
    if name == "funders":
        return [f.strip() for f in value.split(";") if f.strip()]
    if name not in _LISTS:
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        err.print(f"[red]--set {name}=…: not JSON ({escape(str(exc))})[/]; e.g. "
                  """links='[{"ref": "person/herter-christian-a", "role": "author"}]'""")
        raise typer.Exit(2) from None


def _edit(editing: Editing, ident: str, changes: dict[str, Any], acting: Acting,
          comment: str, note: str | None = None) -> str:
    """One document edited as it stands now (the command reads and saves at once)."""
    _, seen, _ = editing.draft_of(ident, acting)
    saved = editing.edit(ident, changes, acting, seen, comment, note=note)
    return saved.public_id + (": waits for a reviewer (the public keeps the published "
                              "version)" if saved.pending else ": changed")


def _each(idents: list[str], change: Callable[[str], str]) -> tuple[list[str], list[str]]:
    """(what was done, what was refused) per document, each said in a line."""
    done: list[str] = []
    refused: list[str] = []
    for ident in dict.fromkeys(idents):
        try:
            done.append(change(ident))
        except Invalid as exc:
            refused.append(f"{ident}: " + "; ".join(f"{k}: {v}" for k, v in exc.errors.items()))
        except Refused as exc:
            refused.append(f"{ident}: {exc.message}")
    return done, refused


def _finish(a: Any, outcome: tuple[list[str], list[str]], verb: str) -> None:
    """Catch the index and citations up, say what happened; exit 1 if anything was refused."""
    done, refused = outcome
    if done:
        _refresh_index(a, quiet=True)
        _prepare_citations(a, [line.split(":")[0] for line in done], quiet=True)
    for line in done:
        console.print(f"  {escape(line)}", highlight=False)
    console.print(f"{len(done)} {verb}, {len(refused)} refused.", highlight=False)
    for line in refused:
        console.print(f"  [red]✗[/] {escape(line)}", highlight=False)
    raise typer.Exit(1 if refused else 0)
