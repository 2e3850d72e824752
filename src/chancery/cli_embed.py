"""`chancery embed`: the passages of documents embedded for search by meaning, by hand (the
job workers of `chancery serve` or `chancery worker` do it by themselves after imports and
edits), then this machine's vector index caught up; and `chancery import --embed`, which does
the same before it returns. It registers on the Typer app of ``chancery.cli``."""

from __future__ import annotations

from typing import Annotated

import typer

from chancery.bootstrap import App
from chancery.cli import JsonOpt, _app, _print_json, app, console, err
from chancery.progress import count_bar
from chancery.services.meaning import EmbedReport


@app.command()
def embed(ctx: typer.Context,
          every: Annotated[bool, typer.Option(
              "--all", help="Embed every document again (after a new model), not only those "
                            "written since they were embedded.")] = False,
          words: Annotated[bool, typer.Option(
              "--words", help="Count the archive's vocabulary again from every document and "
                              "embed it (an archive embedded before the vocabulary was "
                              "kept): what bridges words of other languages.")] = False,
          as_json: JsonOpt = False) -> None:
    """Embed the passages of the documents that need it (new, or changed since), store their
    vectors in the catalogue, and bring this machine's vector index up to them.

    Example: chancery embed; chancery embed --all --json; chancery embed --words"""
    a = _app(ctx)
    report, added = embed_now(a, every, quiet=as_json)
    learnt = a.meaning.learn_words() if words else None
    if as_json:
        _print_json({**embedding_json(report, added),
                     **({"words_embedded": learnt} if learnt is not None else {})})
    else:
        print_embedding(report, added)
        if learnt is not None:
            console.print(f"Vocabulary counted again: {learnt:,} word(s) embedded.",
                          highlight=False)


def embed_now(a: App, every: bool = False, quiet: bool = False) -> tuple[EmbedReport, int]:
    """Embed what needs it with a progress bar (rate, ETA), then catch the vector index up;
    returns the report and the vectors the index gained."""
    total = a.meaning.count_pending(every)
    with count_bar(err, "Embedding", total) as bar:
        if quiet:
            bar.stop()
        task = bar.add_task("embed", total=total)
        report = a.meaning.embed_pending(every, lambda r: bar.advance(task, r.documents))
    return report, a.meaning.follow()


def embedding_json(report: EmbedReport, added: int) -> dict[str, object]:
    """An embedding run as JSON-ready data."""
    return {"documents": report.documents, "embedded": report.embedded,
            "passages": report.passages, "seconds": round(report.seconds, 2),
            "passages_per_second": round(report.per_second, 1), "index_added": added}


def print_embedding(report: EmbedReport, added: int) -> None:
    """What was embedded, how fast, and what the vector index gained."""
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
