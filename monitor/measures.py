"""Policy adjustment (政策调节), composed for the CLI and the pages: every write checks its input
(``budget.measures``), then the role and the region IN the transaction that writes
(``users.authorize``), so a city reporter cannot touch another city's records whichever door they use.

An approved application writes its ledger entry (``separately_listed`` or ``advance``) in the same
transaction as the decision, through ``budget_books.append_entries`` with the whole-ledger check of
``monitor.ledger_change``; a refusal writes no entry. Nothing is edited in place.
"""
from __future__ import annotations

import math
import os
from datetime import date

import pandas as pd

import budget
from budget import measures as bm
from budget.policy import instruments
from monitor.ledger_change import check_targets, closed_years, validate_entries
from warehouse import budget_books, db, users
from warehouse import measures as store

MAX_REPORT_VALUE = bm.MAX_REDUCTION * 10  # cumulative over a multi-year measure
APPLICATION_KINDS = ("separately_listed", "advance")
DECISIONS = ("approve", "partly", "refuse")
REPORT_DECISIONS = ("accepted", "changes_requested")


def _regions(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT code FROM regions").fetchall()}


def _indicators(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT code FROM indicators").fetchall()}


def _measure(con, measure_id) -> dict:
    try:
        mid = int(measure_id)
    except (TypeError, ValueError):
        raise bm.MeasureError("unknown_measure", value=measure_id) from None
    frame = store.measures(con)
    hit = frame[frame["measure_id"] == mid]
    if hit.empty:
        raise bm.MeasureError("unknown_measure", value=measure_id)
    return hit.iloc[0].to_dict()


def add_measure(db_path: str | os.PathLike, *, region: str, title: str, instrument: str, owner: str, start: str,
                end: str, reduction, user: str | None = None, contact: str | None = None, basis: str | None = None,
                cost=None, indicator: str | None = None) -> dict:
    """Register a measure (status planned); returns it. MeasureError / PermissionDenied: nothing stored."""
    tb = instruments().set_index("code")
    raw = {"region": region, "title": title, "instrument": instrument, "owner_dept": owner, "owner_contact": contact,
           "planned_start": start, "planned_end": end, "reduction": reduction, "reduction_basis": basis,
           "cost": cost, "indicator": indicator}
    with db.transaction(db_path) as con:
        rec = bm.validate_measure(raw, _regions(con), tb.index, _indicators(con))
        who = users.authorize(con, user, "measure_edit", region=rec["region"])
        mid = store.insert_measure(con, rec, str(tb.loc[rec["instrument"], "instrument_type"]), who)
        out = _measure(con, mid)
    return out


def change_status(db_path: str | os.PathLike, measure_id, status: str, reason: str, *, user: str | None = None,
                  actual_start: str | None = None, actual_end: str | None = None) -> dict:
    """Move a measure to ``status`` with a reason (starting sets the actual start, finishing the end)."""
    with db.transaction(db_path) as con:
        m = _measure(con, measure_id)
        who = users.authorize(con, user, "measure_edit", region=str(m["region"]))
        today = date.today().strftime("%Y-%m")
        if status == "in_progress" and not actual_start and not isinstance(m.get("actual_start"), str):
            actual_start = today
        if status == "done" and not actual_end:
            actual_end = today
        change = bm.check_transition(str(m["status"]), status, reason, actual_start, actual_end,
                                     previous_start=m.get("actual_start"), today=date.today())
        store.insert_status(con, int(m["measure_id"]), change, m, who)
        out = _measure(con, m["measure_id"])
    return out


def add_report(db_path: str | os.PathLike, measure_id, text: str, *, user: str | None = None, value=None,
               period: str | None = None) -> dict:
    """File a progress report (quarter ``period``, default the current one; ``value`` = achieved
    reduction to date, 万吨 CO2). Several per measure; the history is kept."""
    body = bm.text_field(text, "text", max_len=4000)
    period = period or bm.quarter_of(date.today())
    bm.parse_quarter(period, "period")
    v = bm.number(value, "value", MAX_REPORT_VALUE, required=False)
    with db.transaction(db_path) as con:
        m = _measure(con, measure_id)
        who = users.authorize(con, user, "measure_report", region=str(m["region"]))
        period = bm.check_report_period(period, m, date.today())   # within the measure's span, not in the future
        rid = store.insert_report(con, int(m["measure_id"]), period, body, v, who)
    return {"report_id": rid, "measure_id": int(m["measure_id"]), "region": m["region"], "period": period,
            "text": body, "value": v, "author": who, "review_status": "submitted"}


def review_report(db_path: str | os.PathLike, report_id, decision: str, comment: str | None = None, *,
                  user: str | None = None) -> dict:
    """A province admin accepts a report or asks for changes (a comment is then required)."""
    if decision not in REPORT_DECISIONS:
        raise bm.MeasureError("bad_decision", value=decision)
    note = bm.text_field(comment, "comment", required=decision == "changes_requested", max_len=2000)
    with db.transaction(db_path) as con:
        reps = store.reports(con)
        hit = reps[reps["report_id"] == _int(report_id, "unknown_report")]
        if hit.empty:
            raise bm.MeasureError("unknown_report", value=report_id)
        who = users.authorize(con, user, "measure_review")
        store.insert_report_review(con, int(hit["report_id"].iloc[0]), decision, note, who)
    return {"report_id": int(hit["report_id"].iloc[0]), "review_status": decision, "comment": note, "reviewer": who}


def _int(x, code: str) -> int:
    try:
        return int(x)
    except (TypeError, ValueError):
        raise bm.MeasureError(code, value=x) from None


def add_project(db_path: str | os.PathLike, *, region: str, name: str, sector: str, start: str,
                emissions: dict, basis: str | None = None, reduction_plan: str | None = None,
                user: str | None = None) -> int:
    """Register a major project with its expected emissions by year (万吨 CO2) and reduction plan."""
    nm, sec = bm.text_field(name, "name", max_len=200), bm.text_field(sector, "sector", max_len=100)
    bm.parse_month(start, "start")
    rows = []
    for year, co2 in sorted((emissions or {}).items()):
        y = _int(year, "bad_number")
        rows.append((y, bm.number(co2, "co2", bm.MAX_REDUCTION), bm.text_field(basis, "basis", required=False)))
    with db.transaction(db_path) as con:
        if region not in _regions(con):
            raise bm.MeasureError("unknown_region", value=region)
        who = users.authorize(con, user, "application_submit", region=region)
        return store.insert_project(con, {"region": region, "name": nm, "sector": sec, "start_month": str(start),
                                          "reduction_plan": bm.text_field(reduction_plan, "plan", required=False,
                                                                          max_len=4000)}, rows, who)


def submit_application(db_path: str | os.PathLike, *, kind: str, region: str, year: int, amount, reason: str,
                       user: str | None = None, project_id: int | None = None) -> int:
    """A city applies for separately-listed quota (for one of its major projects) or an advance on
    next year's budget. Pending until an admin reviews it."""
    if kind not in APPLICATION_KINDS:
        raise bm.MeasureError("bad_kind", value=kind)
    amt = bm.number(amount, "amount", budget.config.LEDGER_MAX_AMOUNT, positive=True)
    why = bm.text_field(reason, "reason", max_len=2000)
    y = _int(year, "bad_number")
    with db.transaction(db_path) as con:
        if region not in _regions(con):
            raise bm.MeasureError("unknown_region", value=region)
        budget_years = {int(r[0]) for r in con.execute("SELECT DISTINCT year FROM budget_ledger").fetchall()}
        bm.check_application_year(y, kind, budget_years, closed_years(con))
        if kind == "separately_listed":
            projects = store.projects(con)
            hit = projects[projects["project_id"] == _int(project_id, "unknown_project")]
            if hit.empty:
                raise bm.MeasureError("unknown_project", value=project_id)
            if hit["region"].iloc[0] != region:
                raise bm.MeasureError("project_region", project=hit["name"].iloc[0],
                                      project_region=hit["region"].iloc[0], value=region)
        who = users.authorize(con, user, "application_submit", region=region)
        return store.insert_application(con, {"kind": kind, "region": region, "project_id": project_id,
                                              "year": y, "amount": amt, "reason": why}, who)


def review_application(db_path: str | os.PathLike, application_id, decision: str, reason: str, *,
                       user: str | None = None, amount=None, from_reserve: bool = True) -> dict:
    """Approve (the requested amount), approve partly (``amount`` below it) or refuse, with a reason.

    An approval writes the ledger entry — ``separately_listed`` for the project (drawn from the
    reserve unless ``from_reserve`` is False: then on top of the province total) or ``advance`` (capped
    by ``budget.config.ADVANCE_CAP_SHARE``) — in the same transaction as the decision; a refusal writes
    none. LedgerError (e.g. the cap), MeasureError or PermissionDenied: nothing stored.
    """
    if decision not in DECISIONS:
        raise bm.MeasureError("bad_decision", value=decision)
    why = bm.text_field(reason, "reason", max_len=2000)
    aid = _int(application_id, "unknown_application")
    with db.connect(db_path) as con:
        app = store.application(con, aid) if store.has_tables(con) else None
    if app is None:
        raise bm.MeasureError("unknown_application", value=application_id)
    if app["status"] != "pending":
        raise bm.MeasureError("already_reviewed", value=aid)
    granted = 0.0
    if decision == "approve":
        granted = float(app["amount"])
    elif decision == "partly":
        granted = bm.number(amount, "amount", float(app["amount"]), positive=True)
        if not (0 < granted < float(app["amount"])):
            raise bm.MeasureError("partly_amount", requested=app["amount"], value=amount)

    def decide(con) -> str:
        who = users.authorize(con, user, "application_review")
        now = store.application(con, aid)
        if now is None or now["status"] != "pending":
            raise bm.MeasureError("already_reviewed", value=aid)
        return who

    if decision == "refuse":
        with db.transaction(db_path) as con:
            who = decide(con)
            store.insert_application_review(con, aid, "refuse", 0.0, why, None, who)
        return {"application_id": aid, "status": "refuse", "amount_granted": 0.0, "entry_id": None}
    if app["kind"] == "separately_listed":
        entry = budget.new_entry("separately_listed", int(app["year"]), granted, user=users.normalize_name(user or "cli"),
                                 reason=f"application {aid}: {why}", to_region=app["region"], project=app["project"],
                                 from_region=budget.config.RESERVE_ACCOUNT if from_reserve else None)
    else:
        entry = budget.new_entry("advance", int(app["year"]), granted, user=users.normalize_name(user or "cli"),
                                 reason=f"application {aid}: {why}", to_region=app["region"])
    frame = budget.entries_to_frame([entry])

    def authorize(con) -> None:  # runs inside append_entries' transaction, before the ledger check
        who = decide(con)
        check_targets(con, frame)
        store.insert_application_review(con, aid, decision, granted, why, entry.entry_id, who)

    budget_books.append_entries(db_path, frame, validate=validate_entries, authorize=authorize)
    return {"application_id": aid, "status": decision, "amount_granted": granted, "entry_id": entry.entry_id}


def register(db_path: str | os.PathLike, today: date | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the stage; measures carry effective_status (late derived as of ``today``)."""
    data = store.read_all(db_path)
    data["measures"] = bm.measure_states(data["measures"], data["reports"], today or date.today())
    return data


def measure_record(rec: dict) -> dict:
    """A measure as JSON-ready values (NaN/NaT → None, timestamps as text)."""
    out = {}
    for k, v in rec.items():
        if v is None or (isinstance(v, float) and not math.isfinite(v)) or v is pd.NaT:
            out[k] = None
        elif hasattr(v, "isoformat"):
            out[k] = v.isoformat(sep=" ") if isinstance(v, pd.Timestamp) else v.isoformat()
        elif hasattr(v, "item"):
            out[k] = v.item()
        else:
            out[k] = v
    return out
