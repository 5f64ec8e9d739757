"""App users, roles and permissions (argon2 password hashes; the password itself is never kept).

Roles are ordered admin ≥ analyst ≥ reporter ≥ viewer. ``PERMISSIONS`` is the one table that says which
role an action needs; the CLI and the pages ask ``authorize`` / ``require_role`` / ``can`` rather than comparing
roles. A user may be scoped to one region (``users.region``; NULL = province-wide): a scoped user acts only on
that region and the regions below it, whatever the role.

Names are normalised (NFKC: full-width letters and digits become ASCII; whitespace trimmed and collapsed)
before they are stored or compared, so "ａｄｍｉｎ " and "admin" are one user, and records carry the name as
stored. The CLI's ``--user NAME`` is not a password check: whoever runs the CLI owns the warehouse file
(see README, "Users"); the app signs users in with their password.
"""
from __future__ import annotations

import os
import unicodedata
from datetime import datetime

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from intake import text_policy
from warehouse import db

ROLES = ("viewer", "reporter", "analyst", "admin")         # lowest to highest
#: 省政府审定 — the provincial government's sign-off: sees everything, confirms or refuses what the province's
#: rules send to it (``APPROVER_ACTIONS``), does nothing else. Outside the linear order above.
APPROVER = "approver"
APPROVER_ACTIONS = frozenset({"view", "approval_confirm"})
RANK = {role: i for i, role in enumerate(ROLES)}
RANK[APPROVER] = RANK["viewer"]
PERMISSIONS = {                                             # action -> lowest role allowed
    "view": "viewer",
    "plan_comment": "reporter",       # answer a draft plan for one's own city
    "measure_edit": "reporter",       # keep one's own city's measures
    "measure_report": "reporter",     # progress reports on one's own city's measures
    "application_submit": "reporter",  # separately-listed quota / advance applications
    "upload": "analyst",
    "rollback": "analyst",
    "registry_upload": "analyst",
    "meter_upload": "analyst",
    "plan_edit": "admin",
    "plan_approve": "admin",
    "measure_review": "admin",
    "application_review": "admin",
    "close_approve": "admin",
    "close_run": "admin",             # store a close version or a five-year assessment
    "assessment_score": "admin",
    "budget_change": "admin",
    "regions_load": "admin",
    "demo_replace": "admin",
    "manage_users": "admin",
    "rules_set": "admin",
    "targets_load": "admin",
    "approval_confirm": "admin",      # a second admin, or an approver (APPROVER_ACTIONS)
    "objection_add": "reporter",      # a city objects to its allocation, adjustment or assessment (issue 17)
    "objection_answer": "admin",      # the province answers objections and plan comments
    "filing_submit": "admin",         # filing upward (备案) and entering receipts
    "publish": "admin",               # public notices and the disclosure site
    "assessment_action": "admin",     # rewards and accountability after an assessment
    "capacity_funds": "admin",        # capacity funding to cities
    "registry_approve": "admin",      # propose the key-emitter list for approval (审定)
    "allowance_manage": "admin",      # coverage, pre-allocation, true-up, the stabilisation reserve (issue 18)
    "allowance_advance": "admin",     # approve a unit's advance from next year's allowance
    "allowance_buyback": "admin",     # the province's buy-back (market regulation)
    "allowance_surrender": "analyst",  # record a unit's surrender
    "allowance_prices": "analyst",    # upload market prices
    "budget_trade": "admin",          # a regional budget trade between cities
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
    """Whether ``role`` is enough for a role or an action of ``PERMISSIONS`` (an approver: only its own actions)."""
    if role == APPROVER:
        return role_or_action in APPROVER_ACTIONS or needed_role(role_or_action) == "viewer" or role_or_action == APPROVER
    if role_or_action == APPROVER:
        return False
    return role in RANK and RANK[role] >= RANK[needed_role(role_or_action)]


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'users'").fetchall()[0][0] > 0


def _norm(name: str | None) -> str:
    """The canonical spelling of a user name (NFKC, whitespace trimmed and collapsed)."""
    return " ".join(unicodedata.normalize("NFKC", str(name or "")).split())


normalize_name = _norm


def _check_name(name: str) -> str:
    raw = unicodedata.normalize("NFKC", str(name or "")).strip()
    name = _norm(name)
    if not name or len(name) > MAX_NAME_LENGTH or any(unicodedata.category(c)[0] in "CZ" and c != " " for c in raw):
        raise UserError("bad_name", f"user names are 1-{MAX_NAME_LENGTH} printable characters",
                        f"用户名须为 1-{MAX_NAME_LENGTH} 个可打印字符")
    return name


def add_user(db_path: str | os.PathLike, name: str, role: str, password: str, region: str | None = None) -> None:
    """Add a user with an argon2 hash of ``password`` (the password is neither stored nor logged).

    ``region`` scopes the user to one region code (it must exist); a reporter must have one.
    """
    name = _check_name(name)
    region = _norm(region) or None
    if role == "reporter" and region is None:
        raise UserError("region_required", "a reporter is scoped to one region: give --region CODE",
                        "市级填报人须限定一个地区：请用 --region 指定地区代码")
    if role not in RANK:
        raise UserError("bad_role", f"unknown role {role!r}; use one of {', '.join((*ROLES, APPROVER))}",
                        f"未知角色 {role!r}；可选：{', '.join((*ROLES, APPROVER))}")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("weak_password", f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
                        f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    hashed = _hasher.hash(password)
    with db.transaction(db_path) as con:
        if con.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchall()[0][0]:
            raise UserError("user_exists", f"user {name!r} already exists", f"用户 {name!r} 已存在")
        if region is not None and not con.execute("SELECT count(*) FROM regions WHERE code = ?", [region]).fetchall()[0][0]:
            raise UserError("unknown_region", f"no region with code {region!r}", f"没有代码为 {region!r} 的地区")
        con.execute("INSERT INTO users (name, role, password_hash, created_at, disabled, region) "
                    "VALUES (?, ?, ?, ?, false, ?)", [name, role, hashed, datetime.now(), region])


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


def has_admin(db_path: str | os.PathLike) -> bool:
    """Whether an enabled admin exists (while none does, the file's owner may add one from the CLI)."""
    frame = list_users(db_path)
    return bool(((frame["role"] == "admin") & ~frame["disabled"].astype(bool)).any()) if len(frame) else False


def user_region(con: duckdb.DuckDBPyConnection, user: str | None) -> str | None:
    """The region a user is scoped to (None: province-wide or unknown)."""
    if not user or not _has_table(con):
        return None
    row = db.first_row(con.execute("SELECT region FROM users WHERE name = ?", [_norm(user)]))
    return row[0] if row else None


def list_users(db_path: str | os.PathLike) -> pd.DataFrame:
    """name, role, created_at, disabled, region (never the hashes)."""
    empty = pd.DataFrame(columns=["name", "role", "created_at", "disabled", "region"])
    if not db.db_path(db_path).exists():
        return empty
    with db.connect(db_path) as con:
        if not _has_table(con):
            return empty
        return con.execute("SELECT name, role, created_at, disabled, region FROM users ORDER BY name").df()


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
    if not can(role, role_needed):
        raise PermissionDenied("role_insufficient", f"{user!r} is a {role}; this needs a {needed} or higher",
                               f"{user!r} 的角色为 {role}，此操作需要 {needed} 或更高角色")
    return role


def _in_scope(con: duckdb.DuckDBPyConnection, scope: str, region: str) -> bool:
    """Whether ``region`` is ``scope`` or lies below it in the region tree."""
    seen, code = set(), region
    while code and code not in seen:
        if code == scope:
            return True
        seen.add(code)
        row = db.first_row(con.execute("SELECT parent FROM regions WHERE code = ?", [code]))
        code = row[0] if row else None
    return False


def authorize(con: duckdb.DuckDBPyConnection, user: str | None, action: str, region: str | None = None) -> str:
    """Who acts, checked inside the transaction that writes: the stored name of ``user``.

    With no users configured the warehouse belongs to whoever runs the CLI: allowed, as ``user`` or "cli".
    Otherwise the user must exist, be enabled, hold the role ``action`` needs, and — when scoped to a
    region — act only on that region or below (``region`` None on a scoped user's action is refused for
    actions above viewer, since such an action concerns the whole province).
    """
    if not any_users_con(con):
        if user and text_policy.unsafe_position(unicodedata.normalize("NFKC", str(user)).strip(" \t\r\n")) is not None:
            raise PermissionDenied("bad_name", f"the name {user!r} holds control or bidirectional characters",
                                   f"名称 {user!r} 含有控制字符或方向控制字符")
        return _norm(user) or "cli"
    check_role(con, user, action)
    name = _norm(user)
    scope = user_region(con, name)
    if scope is not None and needed_role(action) != "viewer":
        if region is None or not _in_scope(con, scope, str(region)):
            target = region or "the whole province / 全省"
            raise PermissionDenied("out_of_scope", f"{name!r} may act only on region {scope}, not {target}",
                                   f"{name!r} 仅可办理地区 {scope} 的事项，不能办理 {target}")
    return name


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
