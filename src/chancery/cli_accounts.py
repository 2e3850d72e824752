"""`chancery user ...`: the accounts of the editorial workspace, managed by the operator on the
server itself (recorded in the audit log as "operator").

They register on the one Typer app of ``chancery.cli``, which imports this module last."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.markup import escape

from chancery.cli import JsonOpt, _app, _print_json, app, console, err
from chancery.domain.accounts import AccountError, User

user_app = typer.Typer(help="Accounts of the editorial workspace: add, list, disable, enable, "
                            "role, reset.\n\nExample: chancery user add ann@archive.org --role editor",
                       no_args_is_help=True)
app.add_typer(user_app, name="user")

Email = Annotated[str, typer.Argument(help="The account's email (any case).")]


@contextmanager
def _refused() -> Iterator[None]:
    """An account request that cannot be done: its reason, exit status 1."""
    try:
        yield
    except AccountError as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(1) from None


def _read_password() -> str:
    """Prompted without echo on a terminal; one line when piped (never an argument, which
    other users of the machine could read in the process list)."""
    if sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


def _print_link(ctx: typer.Context, token: str, email: str) -> None:
    console.print(f"One-time link for {escape(email)} to set a password (valid 24 hours):")
    sys.stdout.write(f"{ctx.obj.base_url}/set-password/{token}\n")


@user_app.command("add")
def add(ctx: typer.Context, email: Email,
        role: Annotated[str, typer.Option("--role", help="editor, reviewer or admin")],
        link: Annotated[bool, typer.Option(
            "--link", help="Print a one-time set-password link instead of reading a password.")
        ] = False) -> None:
    """Add an account; the password is read from stdin (hidden on a terminal), or --link
    prints a one-time link to set it.

    Example: chancery user add ann@archive.org --role editor --link"""
    a = _app(ctx)
    password = None if link else _read_password()
    with _refused():
        made, token = a.accounts.add_user(email, role, password)
    console.print(f"Added {escape(made.email)} ({made.role.value}).")
    if token:
        _print_link(ctx, token, made.email)


def _row(u: User) -> dict[str, object]:
    return {"email": u.email, "role": u.role.value, "disabled": u.disabled,
            "password_set": u.has_password, "created_at": u.created_at.isoformat()}


@user_app.command("list")
def list_(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the accounts.  Example: chancery user list --json"""
    users = _app(ctx).accounts.list_users()
    if as_json:
        _print_json([_row(u) for u in users])
        return
    for u in users:
        state = "disabled" if u.disabled else ("no password yet" if not u.has_password else "")
        console.print(f"{escape(u.email)}\t{u.role.value}\t{state}".rstrip(), highlight=False)
    if not users:
        err.print("No accounts yet: chancery user add EMAIL --role admin")


@user_app.command()
def disable(ctx: typer.Context, email: Email) -> None:
    """Disable an account; its sessions end at once.  Example: chancery user disable ann@archive.org"""
    with _refused():
        user = _app(ctx).accounts.set_disabled(email, True)
    console.print(f"Disabled {escape(user.email)}; its sessions have ended.")


@user_app.command()
def enable(ctx: typer.Context, email: Email) -> None:
    """Enable a disabled account.  Example: chancery user enable ann@archive.org"""
    with _refused():
        user = _app(ctx).accounts.set_disabled(email, False)
    console.print(f"Enabled {escape(user.email)}.")


@user_app.command()
def role(ctx: typer.Context, email: Email,
         new_role: Annotated[str, typer.Argument(
             metavar="ROLE", help="editor, reviewer, admin, or reader (no workspace)")]) -> None:
    """Give an account another role.  Example: chancery user role ann@archive.org reviewer"""
    with _refused():
        user = _app(ctx).accounts.set_role(email, new_role)
    console.print(f"{escape(user.email)}: {user.role.value} -> {new_role.strip().lower()}.")


@user_app.command()
def reset(ctx: typer.Context, email: Email) -> None:
    """Clear an account's password, end its sessions and print a one-time link to set a new one.

    Example: chancery user reset ann@archive.org"""
    with _refused():
        token = _app(ctx).accounts.reset(email)
    _print_link(ctx, token, email.strip().lower())
