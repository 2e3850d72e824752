"""`chancery redact-scan`: black out a region of a scan page (docs/editing.md).

It registers on the one Typer app of ``chancery.cli``, which imports this module last. (The
text and field redactions are `chancery redact`; the two may become one command.)"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.markup import escape

from chancery.cli import _app, _refresh_index, app, console, err
from chancery.cli_workflow import AsOpt, _acting
from chancery.domain.workflow import Refused


@app.command("redact-scan")
def redact_scan(ctx: typer.Context,
                ident: Annotated[str, typer.Argument(help="Public id or source id.")],
                page: Annotated[int, typer.Option("--page", help="The page, from 1.")],
                box: Annotated[str, typer.Option(
                    "--box", help="x,y,w,h in pixels of the page as IIIF serves it in full "
                                  "(its info.json width and height), or pct:x,y,w,h.")],
                reason: Annotated[str, typer.Option(
                    "--reason", help='Why: an exemption code such as "(b)(6)", or "privacy".')],
                scan: Annotated[Optional[str], typer.Option(
                    "--scan", help="Which scan, by file name or number from 1 (when the "
                                   "document has several).")] = None,
                as_: AsOpt = None) -> None:
    """Black out a region of a scan page, at once: from now on the public gets the scan only
    under a new address, with the box burned into every page image, IIIF tile and download;
    editors keep the original.

    Example: chancery redact-scan 7da35b31 --page 2 --box pct:10,40,35,4 --reason '(b)(6)'"""
    a = _app(ctx)
    acting = _acting(a, as_)
    try:
        done = a.scan_redacting.redact_box(ident, page, box, reason, acting, scan or "")
    except Refused as exc:
        err.print(f"[red]Not redacted:[/] {escape(exc.message)}")
        raise typer.Exit(1) from None
    _refresh_index(a, quiet=True)  # search results' thumbnails follow at once
    console.print(f"{done.public_id}: page {done.page} of {escape(done.filename)} redacted "
                  f"({done.box.canonical}); the public now reads it as /files/"
                  f"{done.public_key}/{escape(done.filename)}", highlight=False, soft_wrap=True)
