"""``wildtrace users add|list|disable|token``: accounts of the web app and the API.

``add`` asks for the password twice on a terminal, or reads one line from stdin
(``--password-stdin``) for scripts; a password is never taken from the command line,
where it would stay in shell history and the process list. ``token`` prints a new API
token once (only its hash is kept).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from accounts.base import ROLES, AccountError
from accounts.sqlite import SqliteAccounts
from wildtrace.components import accounts_session
from wildtrace.config import Settings


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def _handle(args: argparse.Namespace, settings: Settings) -> int:
    with accounts_session(settings) as accounts:
        return _act(args, accounts)


def _act(args: argparse.Namespace, accounts: SqliteAccounts) -> int:
    try:
        if args.action == "list":
            for u in accounts.list_users():
                state = "disabled" if u.disabled else "active"
                bound = f" sources={','.join(u.sources)}" if u.sources else ""
                print(f"{u.username}\t{u.role}\t{state}\t{u.display_name}{bound}")
            return 0
        if not args.name:
            raise AccountError(f"users {args.action} needs a NAME")
        if args.action == "add":
            sources = tuple(s.strip() for s in (args.sources or "").split(",") if s.strip())
            user = accounts.add_user(
                args.name,
                _password(args),
                args.role,
                display_name=args.display_name or "",
                sources=sources,
            )
            print(f"added {user.username} ({user.role})")
        elif args.action in ("disable", "enable"):
            user = accounts.set_disabled(args.name, args.action == "disable")
            print(f"{user.username}: {'disabled' if user.disabled else 'enabled'}")
        else:
            print(accounts.new_token(args.name, args.label or ""))
        return 0
    except AccountError as exc:
        print(f"wildtrace users: {exc}", file=sys.stderr)
        return 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("users", help="web app accounts: add, list, disable, API tokens")
    parser.add_argument("action", choices=("add", "list", "disable", "enable", "token"))
    parser.add_argument("name", nargs="?", help="account name (lower-case)")
    parser.add_argument("--role", choices=ROLES, default="investigator")
    parser.add_argument("--display-name", help="name shown in the audit log (default: NAME)")
    parser.add_argument("--sources", help="partner accounts: comma-separated source names")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    parser.add_argument("--label", help="token: what it is for")
    parser.set_defaults(handler=_handle)
