"""The `chancery` commands of the editorial workflow: submit, publish, withdraw, reinstate,
request-changes, embargo, history and revert (docs/editing.md).

They register on the one Typer app of ``chancery.cli``, which imports this module last."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape

from chancery.bootstrap import App
from chancery.cli import (
    _app,
    _facet_options,
    _prepare_citations,
    _print_json,
    _reader,
    _refresh_index,
    _search_errors,
    app,
    console,
    err,
)
from chancery.domain.accounts import AccountError
from chancery.domain.history import HistoryEntry
from chancery.domain.workflow import Acting, Refused, Step
from chancery.services.clock import utc_stamp
from chancery.services.publishing import DocumentHistory, Outcome

IdsArg = Annotated[Optional[list[str]], typer.Argument(
    help="Public ids or source ids (or use --query).", show_default=False)]
QueryOpt = Annotated[Optional[str], typer.Option(
    "--query", "-q", help="Every document this search finds (docs/search.md), whatever its "
                          "state.")]
FacetOpt = Annotated[Optional[list[str]], typer.Option(
    "--facet", "-f", help="With --query: narrow by a facet value, e.g. year:1960; repeatable.")]
CommentOpt = Annotated[str, typer.Option("--comment", "-m", help="Why: kept in the history.")]
NoteOpt = Annotated[Optional[str], typer.Option(
    "--note", help="A public note on what a change of a published document corrects: readers "
                   "see 'Corrected on DATE: NOTE' (without it, 'Corrected on DATE').")]
AsOpt = Annotated[Optional[str], typer.Option(
    "--as", envvar="CHANCERY_USER", help="The account acting (an email); without it, the "
                                         "local operator. [env CHANCERY_USER]")]

_EXAMPLES = {
    Step.SUBMIT: "chancery submit 7da35b31 --comment 'ready for review'",
    Step.PUBLISH: "chancery --data ./archive publish --query 'collection:box-3' --as reviewer@example.org",
    Step.WITHDRAW: "chancery withdraw 7da35b31 --comment 'rights holder objected'",
    Step.REINSTATE: "chancery reinstate 7da35b31 --comment 'rights cleared'",
    Step.REQUEST_CHANGES: "chancery request-changes 7da35b31 --comment 'date is the draft's'",
}
_HELPS = {
    Step.SUBMIT: "Send drafts to review (draft → in-review).",
    Step.PUBLISH: "Publish documents in review (in-review → published); four eyes: not by "
                  "the person who submitted them.",
    Step.WITHDRAW: "Withdraw published documents at once (published → withdrawn); their pages "
                   "answer 410 and harvesters get a deletion.",
    Step.REINSTATE: "Send withdrawn documents back to review (withdrawn → in-review).",
    Step.REQUEST_CHANGES: "Send documents in review back to draft with a comment "
                          "(in-review → draft).",
}


def _step_command(step: Step) -> Callable[..., None]:
    def command(ctx: typer.Context, idents: IdsArg = None, query: QueryOpt = None,
                facet: FacetOpt = None, comment: CommentOpt = "", as_: AsOpt = None) -> None:
        a = _app(ctx)
        acting = _acting(a, as_)
        chosen = _chosen(a, idents, query, facet)
        with _refusal():
            outcome = a.publishing.take_step(chosen, step, acting, comment)
        _finish(a, outcome, step.done)
    command.__doc__ = f"{_HELPS[step]}\n\nExample: {_EXAMPLES[step]}"
    return command


for _step in Step:
    app.command(_step.value)(_step_command(_step))


@app.command()
def embargo(ctx: typer.Context, idents: IdsArg = None,
            until: Annotated[Optional[str], typer.Option(
                "--until", help="The day it becomes public by itself (YYYY-MM-DD).")] = None,
            clear: Annotated[bool, typer.Option("--clear", help="Lift the embargo.")] = False,
            query: QueryOpt = None, facet: FacetOpt = None, comment: CommentOpt = "",
            as_: AsOpt = None) -> None:
    """Hold documents back until a day, or lift the hold; on that day every channel shows a
    published document by itself, without re-indexing.

    Example: chancery embargo 7da35b31 --until 2027-01-01 --comment 'donor agreement'"""
    if clear == (until is not None):
        err.print("[red]Give either --until YYYY-MM-DD or --clear.[/]")
        raise typer.Exit(2)
    day = _day(until) if until else None
    a = _app(ctx)
    acting = _acting(a, as_)
    chosen = _chosen(a, idents, query, facet)
    with _refusal():
        outcome = a.publishing.set_embargo(chosen, day, acting, comment)
    _finish(a, outcome, f"embargoed until {day.isoformat()}" if day else "embargo cleared")


@app.command()
def history(ctx: typer.Context,
            ident: Annotated[str, typer.Argument(help="Public id or source id.")],
            as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """A document's states and revisions: who, when, why, and what each changed.

    Example: chancery history 7da35b31"""
    found = _app(ctx).publishing.history(ident)
    if found is None:
        err.print(f"[red]No document {escape(ident)!r}[/]")
        raise typer.Exit(1)
    if as_json:
        _print_json(_history_json(found))
    else:
        _print_history(found)


@app.command()
def revert(ctx: typer.Context, ident: Annotated[str, typer.Argument(help="Public id or source id.")],
           to: Annotated[int, typer.Option("--to", help="The revision whose field values to "
                                                        "restore (see `chancery history`).")],
           comment: CommentOpt = "", note: NoteOpt = None, as_: AsOpt = None) -> None:
    """Write a document's field values as they were after a revision back, as a new revision
    (its publication state stays as it is); on a published document, a correction readers
    are told of (--note says what).

    Example: chancery revert 7da35b31 --to 2 --comment 'the import garbled the summary'"""
    a = _app(ctx)
    try:
        public_id = a.publishing.revert(ident, to, _acting(a, as_), comment, note)
    except Refused as exc:
        err.print(f"[red]Not reverted:[/] {escape(exc.message)}")
        raise typer.Exit(1) from None
    _refresh_index(a, quiet=True)
    _prepare_citations(a, [public_id], quiet=True)
    console.print(f"{public_id}: reverted to revision {to}.", highlight=False)


def _acting(a: App, given: str | None) -> Acting:
    """The account --as (or CHANCERY_USER) names, which must exist and be enabled; without
    either, the local operator."""
    try:
        return a.accounts.acting(given)
    except AccountError as exc:
        err.print(f"[red]--as:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None


@contextmanager
def _refusal() -> Iterator[None]:
    """A step refused as a whole (the account's role does not take it): said once, exit 1."""
    try:
        yield
    except Refused as exc:
        err.print(f"[red]Refused, nothing changed:[/] {escape(exc.message)}")
        raise typer.Exit(1) from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        err.print(f"[red]--until {escape(text)!r} is not a date[/]; write YYYY-MM-DD")
        raise typer.Exit(2) from None


def _chosen(a: App, idents: list[str] | None, query: str | None,
            facet: list[str] | None) -> list[str]:
    """The documents named, or every one the search finds (taken whole before any change, so
    the changes cannot move what the search pages through)."""
    if bool(idents) == (query is not None or bool(facet)):
        err.print("[red]Name documents by id or by --query (and --facet), not both or neither.[/]")
        raise typer.Exit(2)
    if idents:
        return idents
    with _search_errors():
        found = a.search.select(query or "", filters=_facet_options(facet or []),
                                reader=_reader(public=False))
        chosen = [pid for chunk in found.chunks for pid in chunk]
    if not chosen:
        err.print("The search finds no document; nothing changed.")
        raise typer.Exit(1)
    return chosen


def _finish(a: App, outcome: Outcome, done: str) -> None:
    """Catch the search index up, then say what happened; exit 1 if anything was refused."""
    if outcome.changed:
        _refresh_index(a, quiet=True)  # `search --public` reflects the change at once
    console.print(f"{len(outcome.changed)} {done}, {len(outcome.refused)} refused.",
                  highlight=False)
    for ident, reason in outcome.refused:
        console.print(f"  [red]✗[/] {escape(ident)}: {escape(reason)}", highlight=False)
    raise typer.Exit(1 if outcome.refused else 0)


def _history_json(found: DocumentHistory) -> dict[str, Any]:
    return {"public_id": found.public_id, "title": found.title,
            "state": found.publication.state.value,
            "embargo_until": found.publication.embargo_until,
            "revisions": [_entry_json(e) for e in found.entries]}


def _entry_json(e: HistoryEntry) -> dict[str, Any]:
    step = None if e.step is None else {
        "from": e.step.from_state.value, "to": e.step.to_state.value, "comment": e.step.comment}
    return {"revision": e.number, "at": utc_stamp(e.at), "by": e.actor, "summary": e.summary,
            "step": step, "changes": {k: {"old": old, "new": new}
                                      for k, (old, new) in e.changes.items()}}


def _print_history(found: DocumentHistory) -> None:
    pub = found.publication
    held = f", embargoed until {pub.embargo_until.isoformat()}" if pub.embargo_until else ""
    console.print(f"[bold]{escape(found.title)}[/] ({found.public_id}): {pub.state.value}{held}",
                  highlight=False)
    for e in found.entries:
        step = f" [cyan]{e.step.from_state.value} → {e.step.to_state.value}[/]" if e.step else ""
        console.print(f"\n[bold]{e.number}[/]  {utc_stamp(e.at)}  {escape(e.actor)}{step}  "
                      f"{escape(e.summary)}", highlight=False)
        for name, old, new in _fields(e.changes):
            console.print(f"     {name}: {escape(_short(old))} → {escape(_short(new))}",
                          highlight=False)


def _fields(changes: dict[str, list[Any]]) -> list[tuple[str, object, object]]:
    """Changed fields; in a group (publication, date, provenance) only the parts that changed."""
    out: list[tuple[str, object, object]] = []
    for name, (old, new) in changes.items():
        if isinstance(old, dict) and isinstance(new, dict):
            out += [(f"{name}.{k}", old.get(k), new.get(k)) for k in {**old, **new}
                    if old.get(k) != new.get(k)]
        else:
            out.append((name, old, new))
    return out


def _short(value: object, width: int = 100) -> str:
    text = "—" if value in (None, "", [], {}) else str(value)
    return text if len(text) <= width else text[:width - 1] + "…"
