"""The `chancery redact` and `chancery unredact` commands (docs/editing.md): withhold words,
fields, links and scan regions from the public at once; ask for, and approve, their removal.

They register on the one Typer app of ``chancery.cli``, which imports this module last."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from chancery.bootstrap import App
from chancery.cli import _app, _prepare_citations, _print_json, _refresh_index, app, console, err
from chancery.cli_workflow import AsOpt, CommentOpt, FacetOpt, IdsArg, QueryOpt, _acting, _chosen
from chancery.domain.redactions import Redaction, RedactionKind
from chancery.domain.workflow import Acting, Refused
from chancery.services.clock import utc_stamp
from chancery.services.redacting import Redacted, Wanted


@app.command()
def redact(ctx: typer.Context, idents: IdsArg = None,
           version: Annotated[str, typer.Option(
               "--version", help="The text version (its key, e.g. en-original, or its "
                                 "language) whose words --text names: every occurrence.")] = "",
           text: Annotated[str, typer.Option(
               "--text", help="The exact words (white space and case do not matter).")] = "",
           field: Annotated[str, typer.Option(
               "--field", help="A field: title, summary, date, classification, source_note or "
                               "reference_code; all of it, or only the words of --text.")] = "",
           link: Annotated[str, typer.Option(
               "--link", help="An authority record's key (person/...): the document's link "
                              "to it, and with it the record's name.")] = "",
           page: Annotated[int, typer.Option(
               "--page", help="A page of the document's scans, counted from 1 over all of "
                              "them, with --box.")] = 0,
           box: Annotated[str, typer.Option(
               "--box", help="The region: x,y,w,h in full-image pixels, or pct:x,y,w,h.")] = "",
           reason: Annotated[str, typer.Option(
               "--reason", "-r", help="Why: an exemption such as (b)(6), or privacy. The "
                                      "public reads \\[redacted: REASON].")] = "",
           list_: Annotated[bool, typer.Option(
               "--list", help="List the document's redactions (with their ids).")] = False,
           as_json: Annotated[bool, typer.Option("--json", help="With --list: JSON.")] = False,
           query: QueryOpt = None, facet: FacetOpt = None, as_: AsOpt = None) -> None:
    """Withhold words, a field, a link or a region of a scan from the public, at once: every
    page, search, feed, export and citation shows \\[redacted: REASON] instead.

    Example: chancery redact 7da35b31 --version en --text "John Smith" --reason "(b)(6)\""""
    a = _app(ctx)
    if list_:
        _list(a, idents or [], as_json)
        return
    wanted = Wanted(reason, text, version, field, link, page, box)
    acting = _acting(a, as_)
    chosen = _chosen(a, idents, query, facet)
    made, refused = [], []
    for ident in dict.fromkeys(chosen):
        try:
            made.append(a.redacting.redact(ident, wanted, acting))
        except Refused as exc:
            refused.append((ident, exc.message))
    for done in made:
        _said(done)
    for ident, why in refused:
        console.print(f"  [red]✗[/] {escape(ident)}: not redacted: {escape(why)}", highlight=False)
    _follow(a, [d.public_id for d in made])
    raise typer.Exit(1 if refused else 0)


@app.command()
def unredact(ctx: typer.Context, ident: Annotated[str, typer.Argument(help="Public id or source id.")],
             redaction: Annotated[int, typer.Argument(
                 help="The redaction's id (chancery redact ID --list).")],
             approve: Annotated[bool, typer.Option(
                 "--approve", help="As a reviewer: approve a removal someone else asked for; "
                                   "the public reads the words again.")] = False,
             comment: CommentOpt = "", as_: AsOpt = None) -> None:
    """Ask for a redaction to be lifted (it stays in force), or, with --approve, lift it.

    Example: chancery unredact 7da35b31 3 --comment 'released in full in 2026'"""
    a = _app(ctx)
    acting: Acting = _acting(a, as_)
    try:
        if approve:
            r = a.redacting.approve_removal(ident, redaction, acting, comment)
        else:
            r = a.redacting.request_removal(ident, redaction, acting, comment)
    except Refused as exc:
        err.print(f"[red]Refused, nothing changed:[/] {escape(exc.message)}")
        raise typer.Exit(1) from None
    if approve:
        public_id = a.redacting.redactions(ident)[0].document.public_id
        _follow(a, [public_id])
        console.print(f"Redaction {r.id} lifted: the public reads it again.", highlight=False)
    else:
        console.print(f"Removal of redaction {r.id} asked for; it stays in force until a "
                      "reviewer approves (chancery unredact ID N --approve).", highlight=False)


def _said(done: Redacted) -> None:
    r = done.redaction
    found = f"{done.found} occurrence(s) " if r.text else ""
    console.print(f"{done.public_id}: redacted {found}{_where(r)} (redaction {r.id}).",
                  highlight=False)
    if done.elsewhere:
        where = ", ".join(f"{n} in {name}" for name, n in done.elsewhere)
        console.print(f"  [yellow]warning:[/] the same words also occur {where}; those are not "
                      "redacted (redact them with --version KEY or --field title|summary "
                      "--text …).", highlight=False)


def _where(r: Redaction) -> str:
    if r.kind is RedactionKind.TEXT:
        return f"in {r.version}"
    if r.kind is RedactionKind.BOX:
        return f"a box on page {r.page} of scan {r.media[:12]}"
    return f"in the {r.field}" if r.text else f"the {r.field}"


def _follow(a: App, public_ids: list[str]) -> None:
    """Every channel follows at once: the index, and the page's citations made anew."""
    if public_ids:
        _refresh_index(a, quiet=True)
        _prepare_citations(a, public_ids, quiet=True)


def _list(a: App, idents: list[str], as_json: bool) -> None:
    if len(idents) != 1:
        err.print("[red]--list takes one document id.[/]")
        raise typer.Exit(2)
    try:
        stored, found = a.redacting.redactions(idents[0])
    except Refused as exc:
        err.print(f"[red]{escape(exc.message)}[/]")
        raise typer.Exit(1) from None
    if as_json:
        _print_json({"public_id": stored.document.public_id, "redactions": [_json(r) for r in found]})
        return
    if not found:
        console.print(f"{stored.document.public_id}: no redactions.", highlight=False)
    for r in found:
        words = f" {r.text!r}" if r.text else ""
        console.print(f"{r.id}  {r.state.value:<18} {_where(r)}{escape(words)}  "
                      f"{escape('[' + r.reason + ']')}  by {escape(r.by)}, "
                      f"{utc_stamp(r.at) if r.at else ''}", highlight=False)


def _json(r: Redaction) -> dict[str, Any]:
    return {"id": r.id, "state": r.state.value, "kind": r.kind.value, "reason": r.reason,
            "text": r.text, "version": r.version, "field": r.field, "media": r.media,
            "page": r.page, "box": r.box.canonical if r.box else None, "by": r.by,
            "at": utc_stamp(r.at) if r.at else None}



