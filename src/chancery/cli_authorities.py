"""`chancery authority ...`: the authority editor of the workspace at the command line: find
records, show one, rename it, add and remove names, describe it, set its identifiers in other
authority files, merge two records and split one (docs/editing.md).

Each change goes through services/authority_editing, as the workspace's forms do, acting as
the account --as (or CHANCERY_USER) names or the local operator, and lands in the audit log;
the search index then catches up, so a removed name no longer finds the documents.

They register on the one Typer app of ``chancery.cli``, which imports this module last."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape

from chancery.bootstrap import App
from chancery.cli import JsonOpt, _app, _print_json, _refresh_index, app, console, err
from chancery.cli_workflow import AsOpt, _acting
from chancery.domain.authorities import AuthorityKind, VariantSource
from chancery.domain.identifiers import LABELS, Scheme, identifier_uri
from chancery.domain.workflow import Acting
from chancery.progress import count_bar
from chancery.services.authority_editing import AuthorityDetail, Invalid
from chancery.services.respelling import Respelling, RespellSummary

authority_app = typer.Typer(help="Authority records (people, organizations, places, subjects): names "
                       "and their sources, description, identifiers, merge, split "
                       "(docs/editing.md).\n\nExample: chancery authority show "
                       "person/kennan-george-f", no_args_is_help=True)
app.add_typer(authority_app, name="authority")

KeyArg = Annotated[str, typer.Argument(metavar="KEY", help="The record's key, as in its "
                                                           "address: person/kennan-george-f.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do it without asking first.")]
SHOWN_DOCUMENTS = 20  # listed by `show` (all of the first 500 with --json)


@authority_app.command("list")
def list_(ctx: typer.Context,
          kind: Annotated[Optional[AuthorityKind], typer.Option(
              "--kind", help="Only records of this kind.")] = None,
          query: Annotated[str, typer.Option(
              "--query", "-q", help="A name or its beginning, in any of the record's "
                                    "spellings (accents and case do not matter).")] = "",
          limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 100,
          as_json: JsonOpt = False) -> None:
    """Records by key, with their kind and display name.

    Example: chancery authority list --kind person --query kennan"""
    found = _app(ctx).authorities.find(kind.value if kind else "", query, limit)
    if as_json:
        _print_json([{"key": r.key, "kind": r.kind.value, "name": r.name} for r in found])
        return
    for r in found:
        console.print(f"{escape(r.key)}\t{r.kind.value}\t{escape(r.name)}", highlight=False)
    if not found:
        err.print("No record has such a name." if query else "No records yet.")
    elif len(found) == limit:
        err.print(f"(the first {limit}; narrow with --query or --kind, or raise --limit)")


@authority_app.command()
def show(ctx: typer.Context, key: KeyArg, as_json: JsonOpt = False) -> None:
    """A record: names with their sources, identifiers, documents that name it.

    Its description and source ids too; a merged-away key shows the record it leads to.

    Example: chancery authority show person/kennan-george-f --json"""
    a = _app(ctx)
    detail = _detail(a, key, follow=True)
    if as_json:
        _print_json(_record_json(detail))
    else:
        _print_record(detail)


@authority_app.command()
def rename(ctx: typer.Context, key: KeyArg,
           name: Annotated[str, typer.Argument(help="The new display name.")],
           as_: AsOpt = None) -> None:
    """Give a record another display name (the old one stays among its names).

    Example: chancery authority rename person/kennan-george-f 'Kennan, George Frost'"""
    _save(ctx, key, as_, {"name": name}, "renamed")


@authority_app.command()
def describe(ctx: typer.Context, key: KeyArg,
             text: Annotated[str, typer.Argument(help="Who or what it is ('' to clear).")],
             as_: AsOpt = None) -> None:
    """Set a record's description.

    Example: chancery authority describe person/kennan-george-f 'Director of Policy Planning, 1947-1949'"""
    _save(ctx, key, as_, {"description": text}, "described")


@authority_app.command("set-id")
def set_id(ctx: typer.Context, key: KeyArg,
           pairs: Annotated[Optional[list[str]], typer.Argument(
               metavar="SCHEME=ID...", help="wikidata=Q123, viaf=…, gnd=…, lc=… (an id or its "
                                            "web address; several of one file repeat it; "
                                            "SCHEME= with nothing removes that file's).",
               show_default=False)] = None,
           clear: Annotated[bool, typer.Option("--clear", help="Remove every identifier first "
                                                               "(alone: remove them all).")] = False,
           as_: AsOpt = None) -> None:
    """Set a record's identifiers in Wikidata, VIAF, GND or the Library of Congress.

    The files not named keep theirs. They go out through the API and OAI-PMH.

    Example: chancery authority set-id person/kennan-george-f wikidata=Q312622 viaf=46764061"""
    given = _schemes(pairs or [])
    if not given and not clear:
        err.print("[red]Give SCHEME=ID pairs (wikidata, viaf, gnd, lc), or --clear.[/]")
        raise typer.Exit(2)
    cleared = {s.value: "" for s in Scheme} if clear else {}
    _save(ctx, key, as_, {**cleared, **given}, "identifiers set")


@authority_app.command("add-name")
def add_name(ctx: typer.Context, key: KeyArg,
             name: Annotated[str, typer.Argument(help="The spelling to add.")],
             source: Annotated[VariantSource, typer.Option(
                 "--source", help="Where it comes from.")] = VariantSource.EDITOR,
             language: Annotated[str, typer.Option(
                 "--language", help="Its language tag (ru, zh, de-Latn), if known.")] = "",
             as_: AsOpt = None) -> None:
    """Add a name or variant to a record, with its source and language.

    Documents that print it then find the record, and a search for it finds them.

    Example: chancery authority add-name person/kennan-george-f 'Кеннан' --language ru"""
    a, acting = _acting_app(ctx, as_)
    with _refused(key):
        a.authorities.add_name(key, {"variant": name, "source": source.value,
                                     "language": language}, acting)
    _done(a, f"{key}: name added.")


@authority_app.command("remove-name")
def remove_name(ctx: typer.Context, key: KeyArg,
                name: Annotated[str, typer.Argument(help="The spelling to remove, exactly as "
                                                         "`show` lists it.")],
                as_: AsOpt = None) -> None:
    """Remove a name from a record (not its display name).

    It no longer finds the record.

    Example: chancery authority remove-name person/kennan-george-f Zarnicki"""
    a, acting = _acting_app(ctx, as_)
    with _refused(key):
        a.authorities.remove_name(key, name, acting)
    _done(a, f"{key}: name removed.")


@authority_app.command()
def merge(ctx: typer.Context,
          keep: Annotated[str, typer.Argument(metavar="KEEP", help="The record that stays.")],
          gone: Annotated[str, typer.Argument(metavar="GONE", help="The record merged into it.")],
          yes: YesOpt = False, as_: AsOpt = None) -> None:
    """Merge record GONE into KEEP: its documents follow, its address leads there.

    GONE's documents, names, source ids and identifiers move to KEEP, and its pages answer
    301 to KEEP's. Only records of one kind merge; asks first unless --yes.

    Example: chancery authority merge person/kennan-george-f person/kennan-george-frost --yes"""
    a, acting = _acting_app(ctx, as_)
    kept, going = _detail(a, keep), _detail(a, gone)
    if not yes:
        typer.confirm(f"Merge {going.row.key} ({going.row.name}, {_docs(going.total_documents)}) "
                      f"into {kept.row.key} ({kept.row.name}, {_docs(kept.total_documents)})?",
                      abort=True, err=True)
    with _refused(keep):
        a.authorities.merge(keep, gone, acting)
    _done(a, f"{keep}: merged {gone} into it; its {_docs(going.total_documents)} followed, "
             f"and {gone} leads here.")


@authority_app.command()
def split(ctx: typer.Context, key: KeyArg,
          names: Annotated[str, typer.Option(
              "--names", help="The names that go to the new record, separated by ';'.")] = "",
          documents: Annotated[str, typer.Option(
              "--documents", help="Public ids of documents that go, separated by ','.")] = "",
          new_name: Annotated[str, typer.Option(
              "--new-name", help="The new record's name (default: the first of --names).")] = "",
          follow: Annotated[bool, typer.Option(
              "--follow/--no-follow", help="Also move every document that prints one of the "
                                           "names.")] = True,
          yes: YesOpt = False, as_: AsOpt = None) -> None:
    """Split off a new record with some of a record's names and documents.

    For a record that joins two people; prints the new record's key. Asks first unless --yes.

    Example: chancery authority split person/kennan-george-f --names 'Zarnicki' --documents kdoc1 --yes"""
    moving = [n.strip() for n in names.split(";") if n.strip()]
    docs = [d.strip() for d in documents.split(",") if d.strip()]
    if not moving and not docs:
        err.print("[red]Give --names 'A;B' or --documents ID,ID (or both).[/]")
        raise typer.Exit(2)
    a, acting = _acting_app(ctx, as_)
    source = _detail(a, key)
    name = new_name or (moving[0] if moving else "")
    if not yes:
        typer.confirm(f"Make a new record {name!r} from {source.row.key}, with the names "
                      f"{'; '.join(moving) or '(none)'} and {_docs(len(docs))} given"
                      f"{' and those printing the names' if follow and moving else ''}?",
                      abort=True, err=True)
    with _refused(key):
        made = a.authorities.split(key, name, moving, docs, follow, acting)
    _done(a, f"{key}: split; the new record is {made}.")


@authority_app.command()
def respell(ctx: typer.Context,
            dry_run: Annotated[bool, typer.Option(
                "--dry-run", help="Print what would change; store nothing.")] = False,
            no_progress: Annotated[bool, typer.Option("--no-progress")] = False,
            as_: AsOpt = None) -> None:
    """Make every record's generated spellings again, as a fresh import does, and lay the
    gazetteer.

    For an archive imported before the spelling bridges (pinyin, Wade-Giles, characters,
    Cyrillic). Names sources and editors gave are kept, a spelling an editor removed stays
    removed; changed records' documents are indexed again.

    Example: chancery authority respell --dry-run"""
    a, acting = _acting_app(ctx, as_)
    respeller = a.respeller
    with count_bar(err, "Respelling", respeller.total()) as bar:
        if no_progress:
            bar.stop()
        task = bar.add_task("respell", total=respeller.total())
        done = respeller.run(acting, dry_run, lambda n: bar.advance(task, n))
    if dry_run:
        for c in done.changes:
            _print_respelling(c)
    else:
        _refresh_index(a, quiet=True)
    _print_respell_summary(done, dry_run)


def _print_respelling(c: Respelling) -> None:
    added = "; ".join(v.name for v in c.added)
    removed = "; ".join(c.removed)
    console.print(f"{escape(c.key)}\t" + "  ".join(
        p for p in (f"+ {escape(added)}" if added else "", f"- {escape(removed)}" if removed
                    else "") if p), highlight=False)


def _print_respell_summary(s: RespellSummary, dry_run: bool) -> None:
    would = "would be " if dry_run else ""
    console.print(f"{s.records:,} records read: {s.changed:,} {would}changed, {s.added:,} "
                  f"generated spellings {would}added, {s.removed:,} {would}removed "
                  f"(no name of the record makes them any longer); {s.kept_removed:,} an "
                  f"editor removed stay removed.", highlight=False)
    console.print(f"Gazetteer: {s.gazetteer_added:,} spellings {would}laid onto "
                  f"{s.gazetteer_records:,} records, {s.created:,} records {would}made.",
                  highlight=False)
    if not dry_run:
        console.print(f"{_docs(s.documents)} indexed again.", highlight=False)


def _acting_app(ctx: typer.Context, as_: str | None) -> tuple[App, Acting]:
    a = _app(ctx)
    return a, _acting(a, as_)


def _save(ctx: typer.Context, key: str, as_: str | None, changes: dict[str, str],
          done: str) -> None:
    """One save of the record's form: as it stands, with the changes."""
    a, acting = _acting_app(ctx, as_)
    detail = _detail(a, key)
    form = {"name": detail.row.name, "description": detail.row.description,
            **{s.value: " ".join(detail.identifiers(s)) for s in Scheme}, **changes}
    with _refused(key):
        a.authorities.save(key, form, acting)
    _done(a, f"{key}: {done}.")


def _schemes(pairs: list[str]) -> dict[str, str]:
    """SCHEME=ID pairs as the form's fields (a scheme repeated: its ids together)."""
    out: dict[str, list[str]] = {}
    for pair in pairs:
        scheme, sep, value = pair.partition("=")
        if not sep or scheme.strip().lower() not in {s.value for s in Scheme}:
            err.print(f"[red]{escape(pair)!r}:[/] write SCHEME=ID with SCHEME one of "
                      f"{', '.join(s.value for s in Scheme)} (wikidata=Q312622)")
            raise typer.Exit(2)
        out.setdefault(scheme.strip().lower(), []).append(value.strip())
    return {k: " ".join(v) for k, v in out.items()}


def _detail(a: App, key: str, follow: bool = False) -> AuthorityDetail:
    """The record; exit 1 when there is none (saying where a merged-away key leads)."""
    found = a.authorities.detail(key)
    moved = a.authorities.moved_to(key) if found is None else None
    if moved and follow and (found := a.authorities.detail(moved)) is not None:
        err.print(f"{escape(key)} was merged into {escape(moved)}; showing that record.")
    elif found is None:
        where = f": it was merged into {escape(moved)}" if moved else (
            " (keys look like person/kennan-george-f; find one with `chancery authority list "
            "--query NAME`)")
        err.print(f"[red]No authority record {escape(key)}[/]{where}")
        raise typer.Exit(1)
    return found


@contextmanager
def _refused(key: str, what: str = "authority record") -> Iterator[None]:
    """A change the editor refuses: each reason by field, nothing changed, exit 1."""
    try:
        yield
    except LookupError:
        err.print(f"[red]No {what} {escape(key)}[/]")
        raise typer.Exit(1) from None
    except Invalid as exc:
        err.print("[red]Refused, nothing changed:[/]")
        for name, message in exc.errors.items():
            err.print(f"  {escape(name)}: {escape(message)}", highlight=False)
        raise typer.Exit(1) from None


def _done(a: App, said: str) -> None:
    _refresh_index(a, quiet=True)  # a search by a name follows the change at once
    console.print(escape(said), highlight=False)


def _docs(n: int) -> str:
    return f"{n} document{'' if n == 1 else 's'}"


def _record_json(d: AuthorityDetail) -> dict[str, Any]:
    r = d.row
    return {"key": r.key, "kind": r.kind.value, "name": r.name, "description": r.description,
            "names": [{"name": v.name, "source": v.source.value, "language": v.language,
                       "scheme": v.scheme} for v in d.names],
            "identifiers": {s.value: d.identifiers(s) for s in Scheme if d.identifiers(s)},
            "source_ids": d.source_ids, "documents": d.total_documents,
            "linked_documents": [{"public_id": x.public_id, "title": x.title, "state": x.state,
                                  "role": x.role, "as_written": x.as_written}
                                 for x in d.documents]}


def _print_record(d: AuthorityDetail) -> None:
    r = d.row
    console.print(f"[bold]{escape(r.name)}[/]  {escape(r.key)} ({r.kind.value})", highlight=False)
    if r.description:
        console.print(escape(r.description), highlight=False)
    console.print("\nNames:")
    for v in d.names:
        extra = "  ".join(x for x in (v.language, v.scheme) if x)
        console.print(f"  {escape(v.name)}\t{v.source.value}  {escape(extra)}".rstrip(),
                      highlight=False)
    for s in Scheme:
        for value in d.identifiers(s):
            console.print(f"{LABELS[s]}: {escape(value)}  {identifier_uri(s, value)}",
                          highlight=False)
    if d.source_ids:
        console.print(f"Source ids: {escape(', '.join(d.source_ids))}", highlight=False)
    console.print(f"\n{_docs(d.total_documents)} {'names' if d.total_documents == 1 else 'name'} "
                  "it:", highlight=False)
    for x in d.documents[:SHOWN_DOCUMENTS]:
        console.print(f"  {x.public_id}\t{x.state}\t{x.role}\t{escape(x.title)}", highlight=False)
    if d.total_documents > SHOWN_DOCUMENTS:
        console.print(f"  … (the first {SHOWN_DOCUMENTS}; --json lists {len(d.documents)})",
                      highlight=False)
