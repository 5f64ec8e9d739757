"""Storage of budget plans: immutable versions, comments, approvals (migration 008).

Nothing is updated in place: a revision inserts a new version (with what changed); each version's
content carries its SHA-256, checked on every read. Approval writes the ledger entries and the
approval in ONE transaction, after ``users.authorize(con, user, "plan_approve")`` inside it.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from typing import Callable, Mapping

import duckdb
import pandas as pd

from budget.plan_errors import PlanError
from warehouse import db, store, users

MAX_COMMENT = 2000


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _has(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'plan_versions'").fetchall()[0][0] > 0


def _check_regions(con, content: Mapping) -> None:
    known = {r[0] for r in con.execute("SELECT code FROM regions").fetchall()}
    for code in [content["parent"], *content["members"]]:
        if code not in known:
            raise PlanError("unknown_region", {"region": code})


def _insert_version(con, plan_id: str, version: int, user: str, note: str, content: Mapping, changes: list) -> None:
    from intake.text_policy import free_text

    note = free_text(note, ("说明", "note"), required=False) or ""
    text = _dump(content)
    con.execute('INSERT INTO plan_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
                [plan_id, version, user, note or "", text, _sha(text), _dump(changes), store.now()])


def create(db_path: str | os.PathLike, content: Mapping, user: str | None, note: str = "",
           plan_id: str | None = None, action: str = "plan_edit") -> tuple[str, int]:
    """Store a new plan with ``content`` as version 1; returns (plan_id, 1)."""
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, action)
        _check_regions(con, content)
        years = content["years"]
        base = plan_id or f"{content['parent']}-{years[0]}-{years[-1]}"
        taken = {r[0] for r in con.execute("SELECT plan_id FROM plans").fetchall()}
        pid, n = base, 1
        while pid in taken:
            n += 1
            pid = f"{base}-{n}"
        con.execute("INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?)", [pid, content["parent"], years[0], years[-1], name, store.now()])
        _insert_version(con, pid, 1, name, note, content, [])
    return pid, 1


def revise(db_path: str | os.PathLike, plan_id: str, content: Mapping, user: str | None, note: str,
           diff: Callable[[Mapping, Mapping], list]) -> tuple[int, list]:
    """Store ``content`` as the next version of ``plan_id`` with ``diff(previous, content)``."""
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, "plan_edit")
        _check_regions(con, content)
        prev = _version(con, plan_id, None)
        changes = diff(prev["content"], content)
        version = prev["version"] + 1
        _insert_version(con, plan_id, version, name, note, content, changes)
    return version, changes


def _version(con, plan_id: str, version: int | None) -> dict:
    sql = ('SELECT plan_id, version, "user", note, content, content_sha256, changes, created_at FROM plan_versions '
           "WHERE plan_id = ? AND (? IS NULL OR version = ?) ORDER BY version DESC LIMIT 1")
    row = db.first_row(con.execute(sql, [plan_id, version, version])) if _has(con) else None
    if row is None:
        raise PlanError("not_found", {"plan": plan_id, "version": version if version is not None else "-"})
    if _sha(row[4]) != row[5]:
        raise ValueError(f"plan {plan_id} version {row[1]} does not match its checksum")
    return {"plan": row[0], "version": int(row[1]), "user": row[2], "note": row[3], "content": json.loads(row[4]),
            "changes": json.loads(row[6]), "created_at": row[7]}


def version(con: duckdb.DuckDBPyConnection, plan_id: str, version: int | None = None) -> dict:
    """One version (latest when ``version`` is None): plan, version, user, note, content, changes, created_at."""
    return _version(con, plan_id, version)


def plans(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """plan_id, parent, first_year, last_year, created_by, created_at, versions, latest, approved (version or NA)."""
    if not _has(con):
        return pd.DataFrame(columns=["plan_id", "parent", "first_year", "last_year", "created_by", "created_at",
                                     "versions", "latest", "approved"])
    return con.execute(
        """
        SELECT p.*, (SELECT count(*) FROM plan_versions v WHERE v.plan_id = p.plan_id) AS versions,
               (SELECT max(version) FROM plan_versions v WHERE v.plan_id = p.plan_id) AS latest,
               (SELECT max(version) FROM plan_approvals a WHERE a.plan_id = p.plan_id) AS approved
        FROM plans p ORDER BY p.created_at DESC, p.plan_id
        """).df()


def versions(con: duckdb.DuckDBPyConnection, plan_id: str) -> pd.DataFrame:
    """version, user, note, changes (JSON), created_at, approved_by, approved_at."""
    return con.execute(
        """
        SELECT v.version, v."user", v.note, v.changes, v.created_at, a."user" AS approved_by, a.approved_at
        FROM plan_versions v LEFT JOIN plan_approvals a USING (plan_id, version)
        WHERE v.plan_id = ? ORDER BY v.version
        """, [plan_id]).df()


def approvals(con: duckdb.DuckDBPyConnection, plan_id: str | None = None) -> pd.DataFrame:
    return con.execute('SELECT plan_id, version, "user", ledger_entries, entry_prefix, approved_at, confirmed_by, '
                       'skipped_years::TEXT AS skipped_years FROM plan_approvals '
                       "WHERE ? IS NULL OR plan_id = ? ORDER BY approved_at", [plan_id, plan_id]).df()


def add_comment(db_path: str | os.PathLike, plan_id: str, version: int | None, region: str, user: str | None,
                text: str, requested_amount: float | None = None) -> int:
    """A city's answer to a draft (checked in the transaction: plan_comment, scoped to ``region``)."""
    from intake.text_policy import TextRefused, free_text

    try:
        text = free_text(text, ("意见", "comment"), max_len=MAX_COMMENT)
    except TextRefused:
        raise PlanError("comment_empty", {"max": MAX_COMMENT}) from None
    from budget import config as bconfig

    if requested_amount is not None and (not math.isfinite(float(requested_amount)) or float(requested_amount) < 0
                                         or float(requested_amount) > 5 * bconfig.LEDGER_MAX_AMOUNT):
        raise PlanError("comment_amount", {"amount": requested_amount})
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, "plan_comment", region=region)
        v = _version(con, plan_id, version)
        if region not in v["content"]["members"]:
            raise PlanError("unknown_region", {"region": region})
        cid = con.execute("SELECT nextval('plan_comment_seq')").fetchall()[0][0]
        con.execute("INSERT INTO plan_comments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [cid, plan_id, v["version"], region, name,
                     None if requested_amount is None else float(requested_amount), text, store.now()])
    return int(cid)


def comments(con: duckdb.DuckDBPyConnection, plan_id: str) -> pd.DataFrame:
    """comment_id, version, region, user, requested_amount, text, created_at."""
    return con.execute('SELECT comment_id, version, region, "user", requested_amount, text, created_at '
                       "FROM plan_comments WHERE plan_id = ? ORDER BY comment_id", [plan_id]).df()


def approved_versions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per plan: parent, first_year, last_year, the latest approved version and whether a later plan superseded it."""
    if not _has(con):
        return pd.DataFrame(columns=["plan_id", "parent", "first_year", "last_year", "version", "superseded_by"])
    return con.execute(
        """
        SELECT p.plan_id, p.parent, p.first_year, p.last_year, max(a.version) AS version,
               (SELECT min(s.plan_id) FROM plan_supersessions s WHERE s.supersedes = p.plan_id) AS superseded_by
        FROM plans p JOIN plan_approvals a USING (plan_id) GROUP BY ALL ORDER BY p.plan_id
        """).df()


def approve_on(con: duckdb.DuckDBPyConnection, plan_id: str, version: int | None, name: str, supersedes: str | None,
               make_entries: Callable[[Mapping, Mapping | None, str, str], tuple[pd.DataFrame, list]],
               write: Callable[[duckdb.DuckDBPyConnection, pd.DataFrame], int], confirmed_by: str | None = None) -> dict:
    """Approve a version on the open write transaction ``con`` (the caller authorised ``name``): the plan's layer
    moves from its previously approved version (or the superseded plan's) to this one — ``make_entries(content,
    previous content, name, prefix)`` gives the entries and the skipped closed years — and ``write`` checks and
    appends them. One approved plan per parent and years: an overlapping approved plan must be superseded."""
    v = _version(con, plan_id, version)
    content = v["content"]
    done = db.first_row(con.execute("SELECT version FROM plan_approvals WHERE plan_id = ? AND version = ?",
                                    [plan_id, v["version"]]))
    if done is not None:
        raise PlanError("already_approved", {"plan": plan_id, "version": v["version"]})
    years = {int(y) for y in content["years"]}
    others = approved_versions(con)
    others = others[(others["plan_id"] != plan_id) & (others["parent"] == content["parent"]) & others["superseded_by"].isna()]
    overlap = others[[bool(years & set(range(int(a), int(b) + 1))) for a, b in zip(others["first_year"], others["last_year"])]]
    previous = None
    if supersedes:
        if supersedes not in set(overlap["plan_id"]):
            raise PlanError("bad_supersedes", {"plan": supersedes})
        row = overlap[overlap["plan_id"] == supersedes].iloc[0]
        previous = _version(con, supersedes, int(row["version"]))["content"]
        overlap = overlap[overlap["plan_id"] != supersedes]
    if len(overlap):
        raise PlanError("years_taken", {"years": f"{min(years)}-{max(years)}", "plan": ", ".join(overlap["plan_id"])})
    mine = db.first_row(con.execute("SELECT max(version) FROM plan_approvals WHERE plan_id = ?", [plan_id]))
    if mine is not None and mine[0] is not None:
        previous = _version(con, plan_id, int(mine[0]))["content"]
    prefix = f"{plan_id}-v{v['version']}"
    new, skipped = make_entries(content, previous, name, prefix)
    n = write(con, new) if len(new) else 0
    con.execute('INSERT INTO plan_approvals (plan_id, version, "user", ledger_entries, entry_prefix, approved_at, '
                "skipped_years, confirmed_by) VALUES (?, ?, ?, ?, ?, ?, ?::JSON, ?)",
                [plan_id, v["version"], name, n, prefix, store.now(), json.dumps(sorted(skipped)), confirmed_by])
    if supersedes:
        con.execute("INSERT INTO plan_supersessions VALUES (?, ?, ?)", [plan_id, supersedes, store.now()])
    return {"plan": plan_id, "version": v["version"], "user": name, "confirmed_by": confirmed_by, "ledger_entries": n,
            "skipped_years": sorted(skipped), "supersedes": supersedes}


def record_approved(db_path: str | os.PathLike, content: Mapping, user: str, plan_id: str, entry_prefix: str,
                    ledger_entries: int, note: str = "") -> None:
    """Record a plan whose ledger entries are already in the books (e.g. the demo's) as version 1,
    approved by ``user``, without writing the ledger again."""
    with db.transaction(db_path) as con:
        _check_regions(con, content)
        years = content["years"]
        con.execute("INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?)", [plan_id, content["parent"], years[0], years[-1], user, store.now()])
        _insert_version(con, plan_id, 1, user, note, content, [])
        con.execute('INSERT INTO plan_approvals (plan_id, version, "user", ledger_entries, entry_prefix, approved_at) '
                    "VALUES (?, ?, ?, ?, ?, ?)", [plan_id, 1, user, ledger_entries, entry_prefix, store.now()])


def state(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever a plan, version, comment or approval is added (a cache key for the pages)."""
    if not _has(con):
        return "none"
    row = con.execute("SELECT (SELECT count(*) FROM plan_versions), (SELECT max(created_at) FROM plan_versions), "
                      "(SELECT count(*) FROM plan_comments), (SELECT count(*) FROM plan_approvals)").fetchall()[0]
    return "/".join(map(str, row))
