"""`chancery embed`: the passages of documents embedded for search by meaning, by hand (the
job workers of `chancery serve` or `chancery worker` do it by themselves after imports and
edits), then this machine's vector index caught up. It registers on the Typer app of
``chancery.cli``."""

from __future__ import annotations

from typing import Annotated

import typer

from chancery.cli import JsonOpt, _app, _print_json, app, console, err
from chancery.progress import count_bar


@app.command()
def embed(ctx: typer.Context,
          every: Annotated[bool, typer.Option(
              "--all", help="Embed every document again (after a new model), not only those "
                            "written since they were embedded.")] = False,
          as_json: JsonOpt = False) -> None:
    """Embed the passages of the documents that need it (new, or changed since), store their
    vectors in the catalogue, and bring this machine's vector index up to them.

    Example: chancery embed; chancery embed --all --json"""
    a = _app(ctx)
    total = a.meaning.count_pending(every)
    with count_bar(err, "Embedding", total) as bar:
        if as_json:
            bar.stop()
        task = bar.add_task("embed", total=total)
        report = a.meaning.embed_pending(every, lambda r: bar.advance(task, r.documents))
    added = a.meaning.follow()
    if as_json:
        _print_json({"documents": report.documents, "embedded": report.embedded,
                     "passages": report.passages, "seconds": round(report.seconds, 2),
                     "passages_per_second": round(report.per_second, 1),
                     "index_added": added})
        return
    if not report.documents:
        console.print("Nothing to embed: every document's vectors are up to date.")
    else:
        console.print(
            f"{report.documents:,} document(s) read, {report.embedded:,} embedded: "
            f"{report.passages:,} passages in {report.seconds:,.1f} s "
            f"({report.per_second:,.0f} passages/s, "
            f"{report.documents / max(report.seconds, 1e-9):,.1f} documents/s)"
            + ("; the others' public text had not changed." if report.embedded < report.documents
               else "."), highlight=False)
    console.print(f"Vector index: {added:,} vector(s) added.", highlight=False)
