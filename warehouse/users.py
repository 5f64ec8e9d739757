"""App users, roles and permissions (argon2 password hashes; the password itself is never kept).

Roles are ordered admin ≥ analyst ≥ viewer. ``PERMISSIONS`` is the one table that says which role an
action needs; the CLI and the pages ask ``require_role`` / ``can`` rather than comparing roles.
"""
from __future__ import annotations

import os
import unicodedata
from datetime import datetime

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from warehouse import db

ROLES = ("viewer", "analyst", "admin")                     # lowest to highest
RANK = {role: i for i, role in enumerate(ROLES)}
PERMISSIONS = {                                             # action -> lowest role allowed
    "view": "viewer",
    "upload": "analyst",
    "rollback": "analyst",
    "budget_change": "admin",
    "manage_users": "admin",
}
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 64

_hasher = PasswordHasher()
_dummy_hash: str | None = None


class PermissionDenied(Exception):
    """Refused: unknown or disabled user, or a role below the one needed."""

    def __init__(self, code: str, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.code, self.message_en, self.message_zh = code, message_en, message_zh


class UserError(ValueError):
    """A user cannot be added or changed (bad name, role or password, or a duplicate)."""

    def __init__(self, code: str, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.code, self.message_en, self.message_zh = code, message_en, message_zh


def needed_role(role_or_action: str) -> str:
    """The role an action needs (``'rollback'`` -> ``'analyst'``); a role name is returned as is."""
    if role_or_action in RANK:
        return role_or_action
    if role_or_action in PERMISSIONS:
        return PERMISSIONS[role_or_action]
    raise ValueError(f"unknown role or action {role_or_action!r}; roles: {', '.join(ROLES)}; "
                     f"actions: {', '.join(PERMISSIONS)}")


def can(role: str | None, role_or_action: str) -> bool:
    """Whether ``role`` is enough for a role or an action of ``PERMISSIONS``."""
    return role in RANK and RANK[role] >= RANK[needed_role(role_or_action)]


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'users'").fetchall()[0][0] > 0


def _norm(name: str | None) -> str:
    return unicodedata.normalize("NFKC", str(name or "")).strip()


def _check_name(name: str) -> str:
    name = _norm(name)
    if not name or len(name) > MAX_NAME_LENGTH or any(unicodedata.category(c)[0] in "CZ" and c != " " for c in name):
        raise UserError("bad_name", f"user names are 1-{MAX_NAME_LENGTH} printable characters",
                        f"用户名须为 1-{MAX_NAME_LENGTH} 个可打印字符")
    return name


def add_user(db_path: str | os.PathLike, name: str, role: str, password: str) -> None:
    """Add a user with an argon2 hash of ``password`` (the password is neither stored nor logged)."""
    name = _check_name(name)
    if role not in RANK:
        raise UserError("bad_role", f"unknown role {role!r}; use one of {', '.join(ROLES)}",
                        f"未知角色 {role!r}；可选：{', '.join(ROLES)}")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("weak_password", f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
                        f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    hashed = _hasher.hash(password)
    with db.transaction(db_path) as con:
        if con.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchall()[0][0]:
            raise UserError("user_exists", f"user {name!r} already exists", f"用户 {name!r} 已存在")
        con.execute("INSERT INTO users VALUES (?, ?, ?, ?, false)", [name, role, hashed, datetime.now()])


def set_disabled(db_path: str | os.PathLike, name: str, disabled: bool = True) -> None:
    """Disable (or re-enable) a user; a disabled user can neither sign in nor act."""
    with db.transaction(db_path) as con:
        name = _norm(name)
        if not con.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchall()[0][0]:
            raise UserError("unknown_user", f"no user {name!r}", f"没有用户 {name!r}")
        con.execute("UPDATE users SET disabled = ? WHERE name = ?", [bool(disabled), name])


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not-a-password-" + os.urandom(8).hex())
    return _dummy_hash


def verify(db_path: str | os.PathLike, name: str, password: str) -> str | None:
    """The user's role when the password matches and the user is enabled, else None.

    Unknown users are checked against a dummy hash so that the time taken does not tell whether a
    name exists; argon2's own comparison is constant-time.
    """
    row = None
    if db.db_path(db_path).exists():
        with db.connect(db_path) as con:
            if _has_table(con):
                row = db.first_row(con.execute("SELECT role, password_hash, disabled FROM users WHERE name = ?",
                                  [_norm(name)]))
    try:
        _hasher.verify(row[1] if row else _dummy(), str(password or ""))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or row[2]:
        return None
    return row[0]


def any_users(db_path: str | os.PathLike) -> bool:
    """Whether any user (enabled or not) exists; with none, the app and CLI run without sign-in."""
    if not db.db_path(db_path).exists():
        return False
    with db.connect(db_path) as con:
        return any_users_con(con)


def any_users_con(con: duckdb.DuckDBPyConnection) -> bool:
    return _has_table(con) and con.execute("SELECT count(*) FROM users").fetchall()[0][0] > 0


def list_users(db_path: str | os.PathLike) -> pd.DataFrame:
    """name, role, created_at, disabled (never the hashes)."""
    empty = pd.DataFrame(columns=["name", "role", "created_at", "disabled"])
    if not db.db_path(db_path).exists():
        return empty
    with db.connect(db_path) as con:
        if not _has_table(con):
            return empty
        return con.execute("SELECT name, role, created_at, disabled FROM users ORDER BY name").df()


def check_role(con: duckdb.DuckDBPyConnection, user: str | None, role_needed: str) -> str:
    """``require_role`` on an open connection (e.g. inside the transaction that does the action)."""
    needed = needed_role(role_needed)
    row = None
    if user and _has_table(con):
        row = db.first_row(con.execute("SELECT role, disabled FROM users WHERE name = ?", [_norm(user)]))
    if row is None:
        raise _unknown(user, needed)
    role, disabled = row
    if disabled:
        raise PermissionDenied("user_disabled", f"user {user!r} is disabled", f"用户 {user!r} 已停用")
    if RANK[role] < RANK[needed]:
        raise PermissionDenied("role_insufficient", f"{user!r} is a {role}; this needs a {needed} or higher",
                               f"{user!r} 的角色为 {role}，此操作需要 {needed} 或更高角色")
    return role


def require_role(db_path: str | os.PathLike, user: str | None, role_needed: str) -> str:
    """The user's role if it is at least ``role_needed`` (a role or an action of ``PERMISSIONS``).

    Raises ``PermissionDenied`` when the user is missing or disabled or the role is insufficient.
    """
    if not db.db_path(db_path).exists():
        raise _unknown(user, needed_role(role_needed))
    with db.connect(db_path) as con:
        return check_role(con, user, role_needed)


def _unknown(user: str | None, needed: str) -> PermissionDenied:
    return PermissionDenied("unknown_user", f"unknown user {user!r}; sign in as a {needed} or higher",
                            f"未知用户 {user!r}；请以 {needed} 或更高角色登录")
