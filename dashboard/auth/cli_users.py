"""`postloan user add|reset-password|disable|enable|unlock|list`: who may sign in, from the command line.

A password is asked for twice on a terminal, read from the first line of stdin (--password-stdin), or
generated and printed once (--generate); it never appears in the arguments, where `ps` and the shell
history would keep it. Changes are audited under the user name "cli".
"""

from __future__ import annotations

import argparse
import sys
from getpass import getpass
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from dashboard.actor import Actor
from dashboard.auth.users import (
    NewUser,
    add_user,
    list_users,
    new_password,
    reset_password,
    set_disabled,
    unlock,
)
from dashboard.usage import UsageError
from dashboard.work.errors import FormInvalid, WorkError
from db.models.enums import USER_ROLES

CLI_ACTOR = Actor("cli", "admin", name="postloan user")


def add_user_parser(commands: Any) -> None:
    """The `user` command, on the subparsers of the `postloan` parser."""
    user = commands.add_parser("user", help="manage who may sign in to the dashboard")
    actions = user.add_subparsers(dest="user_action", required=True, parser_class=type(user))
    add = actions.add_parser("add", help="create a user")
    add.add_argument("username", help="lower case: letters, digits, '.', '_', '-'")
    add.add_argument("--name", required=True, help="the person's name as shown in the app")
    add.add_argument("--role", required=True, choices=USER_ROLES)
    add.add_argument("--staff", help="staff id: required for officer and collector, used by risk_manager")
    add.add_argument("--agency", help="agency id: required for agency")
    add.add_argument("--branch", help="branch id: a manager's or risk manager's subtree (default: all)")
    _password_options(add)
    reset = actions.add_parser("reset-password", help="set a new password (clears a lock)")
    reset.add_argument("username")
    _password_options(reset)
    for name, what in (
        ("disable", "stop a user signing in"),
        ("enable", "let a disabled user sign in again"),
        ("unlock", "lift a lock after failed sign-ins"),
    ):
        actions.add_parser(name, help=what).add_argument("username")
    actions.add_parser("list", help="every user, without passwords")


def _password_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    group.add_argument("--generate", action="store_true", help="generate a password and print it once")


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """The password, and whether it was generated (and so must be printed)."""
    if args.generate:
        return new_password(), True
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the password on: give --password-stdin or --generate")
    first = getpass("password: ")
    if getpass("the same again: ") != first:
        raise UsageError("the two passwords differ")
    return first, False


def format_table(frame: pd.DataFrame) -> str:
    shown = frame.astype(object).where(frame.notna(), "")
    widths = {c: max(len(str(c)), *(len(str(v)) for v in shown[c])) for c in shown.columns}
    lines = ["  ".join(str(c).ljust(widths[c]) for c in shown.columns)]
    lines += ["  ".join(str(v).ljust(widths[c]) for c, v in row.items()) for _, row in shown.iterrows()]
    return "\n".join(line.rstrip() for line in lines)


def run_user(args: argparse.Namespace, engine: Engine) -> int:
    try:
        return _run(args, engine)
    except FormInvalid as exc:
        for field, text in exc.field_texts("en").items():
            print(f"postloan: {field}: {text}", file=sys.stderr)
        return 1
    except WorkError as exc:
        print(f"postloan: error: {exc.text('en')}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, engine: Engine) -> int:
    action = args.user_action
    if action == "list":
        with engine.connect() as conn:
            users = list_users(conn)
        print(format_table(users) if len(users) else "no users yet: add one with `postloan user add`")
        return 0
    if action in ("add", "reset-password"):
        password, generated = _password(args)
        if action == "add":
            user = NewUser(
                username=args.username,
                name=args.name,
                role=args.role,
                password=password,
                staff_id=args.staff,
                agency_id=args.agency,
                branch_id=args.branch,
            )
            add_user(engine, CLI_ACTOR, user)
            print(f"added {args.username} ({args.role})")
        else:
            reset_password(engine, CLI_ACTOR, args.username, password)
            print(f"new password set for {args.username}")
        if generated:
            print(f"password of {args.username} (shown this once): {password}")
        return 0
    if action == "unlock":
        unlock(engine, CLI_ACTOR, args.username)
    else:
        set_disabled(engine, CLI_ACTOR, args.username, action == "disable")
    print(f"{args.username}: {action}d" if action != "unlock" else f"{args.username}: unlocked")
    return 0
