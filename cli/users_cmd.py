"""CLI: `users add NAME --role R`, `users list`, `users disable NAME`, `rollback BATCH`.

Passwords are read with getpass (twice), never from the command line; when stdin is not a terminal
(scripts, tests) one line of stdin is the password. Whoever runs the CLI owns the warehouse file, so
while no users exist the CLI may do anything; once users exist, actions that need a role take
``--user NAME`` and that user must hold the role (see ``warehouse.users.PERMISSIONS``).
"""
from __future__ import annotations

import getpass
import json
import sys

from warehouse import users

EXIT_OK, EXIT_REJECTED = 0, 1
CLI_USER = "cli"


def _err(code: str, en: str, zh: str) -> int:
    print(f"refused ({code}): {en} / {zh}", file=sys.stderr)
    return EXIT_REJECTED


def _actor(db_path: str, user: str | None, action: str) -> str:
    """The acting user's name; raises PermissionDenied when users exist and ``user`` may not act."""
    if not users.any_users(db_path):
        return user or CLI_USER
    if not user:
        needed = users.needed_role(action)
        raise users.PermissionDenied("user_required", f"users exist: give --user NAME (a {needed} or higher)",
                                     f"已设置用户：请用 --user 指定用户（{needed} 或更高角色）")
    users.require_role(db_path, user, action)
    return user


def read_password() -> str | None:
    """The new password: one stdin line when stdin is not a terminal, else getpass twice (None if they differ)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password / 密码: ")
    second = getpass.getpass("again / 再次输入: ")
    return first if first == second else None


def cmd_users_add(args) -> int:
    try:
        if not users.any_users(args.db_path) and args.role != "admin":
            return _err("first_user_admin", "the first user must be an admin (add one with --role admin), "
                        "else nobody could manage users", "第一个用户必须是管理员（--role admin），否则无人能管理用户")
        if users.has_admin(args.db_path) or args.role != "admin":
            _actor(args.db_path, args.user, "manage_users")
        # else: no enabled admin exists — whoever owns the warehouse file may add one (the way back in)
        password = read_password()
        if password is None:
            return _err("password_mismatch", "the two passwords differ; nothing was stored", "两次输入的密码不一致，未保存")
        users.add_user(args.db_path, args.name, args.role, password, region=args.region)
    except (users.PermissionDenied, users.UserError) as exc:
        return _err(exc.code, exc.message_en, exc.message_zh)
    print(f"user {users.normalize_name(args.name)} added as {args.role}" + (f" for region {args.region}" if args.region else ""))
    return EXIT_OK


def cmd_users_list(args) -> int:
    frame = users.list_users(args.db_path)
    if args.json:
        print(json.dumps(frame.astype(object).where(frame.notna(), None).to_dict(orient="records"),
                         ensure_ascii=False, default=str))
    elif frame.empty:
        print("no users (the app and the CLI run without sign-in)")
    else:
        for r in frame.itertuples():
            print(f"{r.name}\t{r.role}\t{r.created_at:%Y-%m-%d %H:%M}" + ("\tdisabled" if r.disabled else ""))
    return EXIT_OK


def cmd_users_disable(args) -> int:
    try:
        _actor(args.db_path, args.user, "manage_users")
        users.set_disabled(args.db_path, args.name, not args.enable)
    except (users.PermissionDenied, users.UserError) as exc:
        return _err(exc.code, exc.message_en, exc.message_zh)
    print(f"user {args.name} " + ("enabled" if args.enable else "disabled"))
    return EXIT_OK


def cmd_rollback(args) -> int:
    from warehouse import rollback

    try:
        actor = _actor(args.db_path, args.user, "rollback")
        result = rollback.rollback_batch(args.db_path, args.batch, actor)
    except (users.PermissionDenied, rollback.RollbackRefused) as exc:
        return _err(exc.code, exc.message_en, exc.message_zh)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    else:
        print(result["message_en"])
        for k in result["skipped_keys"][:20]:
            print(f"  skipped {k['region']} {k['period']} {k['indicator']} ({k['kind']}): "
                  f"now {k['current_value']} from batch {k['current_batch']}")
    return EXIT_OK


def add_parsers(sub) -> None:
    u = sub.add_parser("users", help="app users and roles (viewer, reporter, analyst, admin)")
    usub = u.add_subparsers(dest="users_command", required=True)
    a = usub.add_parser("add", help="add a user; the password is prompted for (or one line of stdin)")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=(*users.ROLES, users.APPROVER))
    a.add_argument("--region", default=None, help="scope the user to one region code (required for a reporter)")
    a.add_argument("--user", default=None, help="acting admin (needed once an admin exists)")
    a.set_defaults(func=cmd_users_add)
    ls = usub.add_parser("list", help="users and roles (no password hashes)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_users_list)
    d = usub.add_parser("disable", help="disable a user (--enable to undo)")
    d.add_argument("name")
    d.add_argument("--enable", action="store_true")
    d.add_argument("--user", default=None, help="acting admin (needed once users exist)")
    d.set_defaults(func=cmd_users_disable)

    r = sub.add_parser("rollback", help="undo a batch by appending the values before it (exit 1 when refused)")
    r.add_argument("batch", type=int)
    r.add_argument("--user", default=None, help="acting analyst or admin (needed once users exist)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_rollback)
