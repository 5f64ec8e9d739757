"""Objections (异议) and answers, composed: a city's reporter objects to its allocation in a plan, a
year's adjustment or its assessment (or to a comment of its own on a draft that was not taken up),
with a requested amount and reasons; a province admin answers (accepted, partly, refused) with
reasons. Plan comments are answered the same way. Role and city are checked in the writing
transaction (``users.authorize``); nothing blocks silently: open objections are listed on the plan and
accounts pages and in their documents."""
from __future__ import annotations

import os

import pandas as pd

from budget import province as bp
from warehouse import closes, db, plans, users
from warehouse import province as store


def _subject_regions(con, kind: str, ident: str) -> set[str] | None:
    """The regions the subject concerns (None: it does not exist)."""
    if kind == "plan":
        try:
            content = plans.version(con, ident)["content"]
        except Exception:  # noqa: BLE001 - PlanError: no such plan
            return None
        return set(content["members"])
    if kind == "close":
        cid = closes.latest_close_id(con, int(ident))
        return None if cid is None else set(closes.close_rows(con, cid)["region"].astype(str))
    if kind == "assessment":
        a, b = (int(x) for x in ident.split("-"))
        v = closes.assessment_versions(con, a, b)
        return None if v.empty else set(closes.assessment_rows(con, int(v.iloc[0]["assessment_id"]))["region"].astype(str))
    row = db.first_row(con.execute("SELECT region FROM plan_comments WHERE comment_id = ?", [int(ident)]))
    return None if row is None else {row[0]}


WHAT = {"plan": ("方案", "plan"), "close": ("年度决算", "year close"), "assessment": ("五年考核", "assessment"),
        "comment": ("意见", "comment"), "objection": ("异议", "objection"), "filing": ("备案", "filing")}


def add(db_path: str | os.PathLike, *, region: str, about: str, text: str, user: str | None, amount=None) -> dict:
    """Record an objection; returns it. ProvinceError / PermissionDenied: nothing stored."""
    kind, ident = bp.parse_about(about)
    body = bp.text(text)
    amt = bp.number(amount, "requested", bp.MAX_REQUEST)
    region = str(region or "").strip()
    with db.transaction(db_path) as con:
        if not con.execute("SELECT count(*) FROM regions WHERE code = ?", [region]).fetchall()[0][0]:
            raise bp.ProvinceError("unknown_region", value=region)
        who = users.authorize(con, user, "objection_add", region=region)
        concerned = _subject_regions(con, kind, ident)
        if concerned is None:
            raise bp.ProvinceError("not_found", what=WHAT[kind][0], what_en=WHAT[kind][1], value=ident)
        if region not in concerned:
            raise bp.ProvinceError("wrong_region", what=WHAT[kind][0], what_en=WHAT[kind][1], value=ident, region=region)
        oid = store.insert_objection(con, {"region": region, "about_kind": kind, "about_id": ident, "text": body,
                                           "requested_amount": amt}, who)
    return {"objection_id": oid, "region": region, "about": f"{kind}:{ident}", "text": body,
            "requested_amount": amt, "reporter": who, "status": "open"}


def parse_subject(value) -> tuple[str, int]:
    """An answer's subject: ``N`` or ``objection:N`` (an objection), ``comment:N`` (a plan comment)."""
    kind, sep, ident = str(value or "").strip().rpartition(":")
    kind = kind if sep else "objection"
    if kind not in ("objection", "comment") or not ident.strip().isdigit():
        raise bp.ProvinceError("not_found", what="异议或意见", what_en="objection or comment", value=value)
    return kind, int(ident)


def answer(db_path: str | os.PathLike, subject, *, decision: str, text: str, user: str | None) -> dict:
    """An admin's answer to an objection (``N``) or a plan comment (``comment:N``). One answer each."""
    kind, sid = parse_subject(subject)
    decision = bp.choice(decision, bp.DECISIONS, "decision")
    body = bp.text(text)
    with db.transaction(db_path) as con:
        who = users.authorize(con, user, "objection_answer")
        table, col = ("objections", "objection_id") if kind == "objection" else ("plan_comments", "comment_id")
        exists = con.execute(f"SELECT count(*) FROM {table} WHERE {col} = ?", [sid]).fetchall()[0][0]  # names fixed above
        if not exists:
            raise bp.ProvinceError("not_found", what=WHAT[kind][0], what_en=WHAT[kind][1], value=sid)
        if store.answered(con, kind, sid):
            raise bp.ProvinceError("already_answered", what=WHAT[kind][0], what_en=WHAT[kind][1], value=sid)
        store.insert_answer(con, kind, sid, decision, body, who)
    return {"subject": f"{kind}:{sid}", "decision": decision, "text": body, "answered_by": who}


def listing(db_path: str | os.PathLike) -> pd.DataFrame:
    """Every objection with its answer (``store.OBJECTION_COLUMNS``)."""
    with db.connect(db_path) as con:
        return store.objections(con)


def for_subject(db_path: str | os.PathLike, kind: str, ident) -> pd.DataFrame:
    """The objections about one plan / year close / assessment period (every status)."""
    f = listing(db_path)
    return f[(f["about_kind"] == kind) & (f["about_id"].astype(str) == str(ident))].reset_index(drop=True)


def comments_with_answers(db_path: str | os.PathLike, plan_id: str) -> pd.DataFrame:
    """A plan's comments with their answers (decision, answer, answered_by, answered_at)."""
    with db.connect(db_path) as con:
        cm, ans = plans.comments(con, plan_id), store.comment_answers(con)
    return cm.merge(ans, on="comment_id", how="left")


def requested_against_total(db_path: str | os.PathLike, plan_id: str, version: int | None = None) -> dict:
    """What the cities ask for against what the plan gives them: per city the allocation (five-year, 万吨),
    the latest amount requested in a comment or an objection, and the sums; ``over`` = requested − allocated."""
    with db.connect(db_path) as con:
        content = plans.version(con, plan_id, version)["content"]
        cm, obj = plans.comments(con, plan_id), store.objections(con)
    alloc = pd.DataFrame(content["allocations"]).groupby("region")["amount"].sum() if content["allocations"] else pd.Series(dtype=float)
    obj = obj[(obj["about_kind"] == "plan") & (obj["about_id"] == plan_id)]
    asks = pd.concat([cm[["region", "requested_amount", "created_at"]], obj[["region", "requested_amount", "created_at"]]])
    asks = asks.dropna(subset=["requested_amount"]).sort_values("created_at").drop_duplicates("region", keep="last")
    rows = pd.DataFrame({"region": asks["region"].astype(str), "requested": asks["requested_amount"].astype(float)})
    rows["allocated"] = rows["region"].map(alloc).astype(float)
    rows["over"] = rows["requested"] - rows["allocated"]
    return {"plan": plan_id, "total": float(content["total"]), "allocated_to_askers": float(rows["allocated"].sum()),
            "requested": float(rows["requested"].sum()), "over": float(rows["over"].sum()),
            "rows": rows.sort_values("region").reset_index(drop=True)}


def unanswered_comments(db_path: str | os.PathLike) -> list[int]:
    """Plan comments still waiting for an answer (oldest first)."""
    with db.connect(db_path) as con:
        ids = [int(r[0]) for r in con.execute("SELECT comment_id FROM plan_comments ORDER BY comment_id").fetchall()]
        done = set(store.comment_answers(con)["comment_id"].astype(int))
    return [i for i in ids if i not in done]
