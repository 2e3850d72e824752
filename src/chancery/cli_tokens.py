"""`chancery token ...` and `chancery audit`: API tokens for scripts, and the audit log, for
the operator on the server itself (recorded in the audit log as "operator").

They register on the one Typer app of ``chancery.cli``, which imports this module last."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from typing import Annotated, Optional

import typer
from rich.markup import escape

from chancery.cli import JsonOpt, _app, _print_json, app, console, err
from chancery.cli_accounts import _refused
from chancery.domain.accounts import AuditEntry
from chancery.domain.tokens import ApiToken
from chancery.services.clock import utc_stamp

token_app = typer.Typer(help="API tokens for scripts: create, list, revoke (docs/api.md)."
                             "\n\nExample: chancery token create ann@archive.org --scope write "
                             "--name nightly-import", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def create(ctx: typer.Context,
           email: Annotated[str, typer.Argument(help="The account the token acts as.")],
           scope: Annotated[str, typer.Option("--scope", help="read (see what the account sees) "
                                                              "or write (also change state)")],
           name: Annotated[str, typer.Option("--name", help="What it is for, to tell tokens "
                                                            "apart in the list.")] = "") -> None:
    """Make a token for an account; it is printed once, here, and never again.

    Example: chancery token create ann@archive.org --scope read --name catalogue-sync"""
    with _refused():
        made, secret = _app(ctx).tokens.create(email, scope, name)
    err.print(f"Token {made.id} for {escape(made.owner)} ({made.scope.value}). Keep it now: it "
              "is shown only this once (only its hash is kept).")
    sys.stdout.write(secret + "\n")  # alone on stdout, so `$(chancery token create ...)` works


def _row(t: ApiToken) -> dict[str, object]:
    return {"id": t.id, "owner": t.owner, "name": t.name, "scope": t.scope.value,
            "created_at": utc_stamp(t.created_at),
            "last_used_at": utc_stamp(t.last_used_at) if t.last_used_at else None,
            "revoked_at": utc_stamp(t.revoked_at) if t.revoked_at else None}


@token_app.command("list")
def list_(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the tokens (never the tokens themselves), with when each was last used.

    Example: chancery token list --json"""
    tokens = _app(ctx).tokens.list()
    if as_json:
        _print_json([_row(t) for t in tokens])
        return
    for t in tokens:
        used = f"used {utc_stamp(t.last_used_at)}" if t.last_used_at else "never used"
        state = f"revoked {utc_stamp(t.revoked_at)}" if t.revoked_at else used
        console.print(f"{t.id}\t{escape(t.owner)}\t{t.scope.value}\t{escape(t.name or '-')}\t"
                      f"made {utc_stamp(t.created_at)}\t{state}", highlight=False)
    if not tokens:
        err.print("No tokens yet: chancery token create EMAIL --scope read")


@token_app.command()
def revoke(ctx: typer.Context,
           token_id: Annotated[int, typer.Argument(metavar="ID", help="From chancery token list.")]
           ) -> None:
    """Revoke a token; the next request with it is refused.  Example: chancery token revoke 3"""
    with _refused():
        gone = _app(ctx).tokens.revoke(token_id)
    console.print(f"Revoked token {gone.id} of {escape(gone.owner)}.", highlight=False)


@app.command()
def audit(ctx: typer.Context,
          since: Annotated[Optional[str], typer.Option(
              "--since", help="From this day on (YYYY-MM-DD, UTC).")] = None,
          limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, the "
                                                                    "latest.")] = 1000,
          as_json: JsonOpt = False) -> None:
    """The audit log, newest last: logins and failures, accounts, roles, tokens, and changes
    made through the API.

    Example: chancery audit --since 2026-12-01 --json"""
    start = _since(since) if since else None
    entries = _app(ctx).accounts.audit(start, limit)
    if as_json:
        _print_json([_entry(e) for e in entries])
    else:
        for e in entries:
            said = ", ".join(f"{k}={v}" for k, v in e.detail.items())
            console.print(f"{utc_stamp(e.at)}  {escape(e.actor)}  {e.action}  "
                          f"{escape(e.subject)}  {escape(said)}".rstrip(), highlight=False)
    if len(entries) == limit:
        err.print(f"(the latest {limit}; use --since or --limit for more)")


def _since(text: str) -> datetime:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        err.print(f"[red]--since {escape(text)!r} is not a date[/]; write YYYY-MM-DD")
        raise typer.Exit(2) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _entry(e: AuditEntry) -> dict[str, object]:
    return {"at": utc_stamp(e.at), "actor": e.actor, "action": e.action, "subject": e.subject,
            "detail": e.detail}
