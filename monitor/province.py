"""What follows an assessment (奖优罚劣) and the province's capacity funding of its cities, composed:
an admin records a reward or accountability action for a city and period — linked to the city's grade
in the period's latest assessment (``budget.province.GRADE_KINDS``) — and capacity funds given to a
city (amount 万元, purpose monitoring / verification / reporting, year). The five-year evaluation's
"funding and capacity" indicator is computed from these funds (``budget.evaluation``)."""
from __future__ import annotations

import os

import pandas as pd

from budget import province as bp
from warehouse import closes, db, users
from warehouse import province as store


def _region(con, region) -> str:
    code = str(region or "").strip()
    if not con.execute("SELECT count(*) FROM regions WHERE code = ?", [code]).fetchall()[0][0]:
        raise bp.ProvinceError("unknown_region", value=region)
    return code


def grade_of(con, region: str, start: int, end: int) -> tuple[str | None, int | None]:
    """(grade, assessment id) of ``region`` in the latest assessment of the period (None when absent)."""
    v = closes.assessment_versions(con, start, end)
    if v.empty:
        return None, None
    aid = int(v.iloc[0]["assessment_id"])
    rows = closes.assessment_rows(con, aid)
    hit = rows[(rows["region"].astype(str) == region) & ~rows["is_province"].astype(bool)]  # cities are assessed
    if hit.empty or not isinstance(hit["grade"].iloc[0], str):
        return None, aid
    return str(hit["grade"].iloc[0]), aid


def record_action(db_path: str | os.PathLike, *, region: str, period: str, kind: str, text: str, user: str | None,
                  amount=None, measure: str | None = None) -> dict:
    """A reward or accountability action following the period's assessment (admin; one transaction)."""
    start, end = bp.period(period)
    body = bp.text(text)
    with db.transaction(db_path) as con:
        code = _region(con, region)
        who = users.authorize(con, user, "assessment_action")
        grade, aid = grade_of(con, code, start, end)
        if grade is None:
            raise bp.ProvinceError("no_grade", region=code, period=f"{start}-{end}")
        kind, measure, amt = bp.check_action(kind, measure, grade, amount)
        action_id = store.insert_action(con, {"region": code, "period_start": start, "period_end": end, "kind": kind,
                                              "measure": measure, "grade": grade, "assessment_id": aid, "text": body,
                                              "amount": amt}, who)
    return {"action_id": action_id, "region": code, "period": f"{start}-{end}", "kind": kind, "measure": measure,
            "grade": grade, "amount": amt, "text": body, "decided_by": who}


def add_funds(db_path: str | os.PathLike, *, region: str, year, amount, purpose: str, user: str | None) -> dict:
    """Capacity funds given to a city (admin)."""
    return add_funds_many(db_path, [{"region": region, "year": year, "amount": amount, "purpose": purpose}], user)[0]


def add_funds_many(db_path: str | os.PathLike, grants: list[dict], user: str | None) -> list[dict]:
    """Several grants ({region, year, amount, purpose}) in one transaction: all recorded or none."""
    checked = [(g["region"], bp.year(g["year"]), bp.number(g["amount"], "amount", bp.MAX_FUNDS, required=True, positive=True),
                bp.choice(g["purpose"], bp.FUND_PURPOSES, "purpose")) for g in grants]
    out = []
    with db.transaction(db_path) as con:
        who = users.authorize(con, user, "capacity_funds")
        for region, y, amt, purpose in checked:
            code = _region(con, region)
            fid = store.insert_fund(con, {"region": code, "year": y, "amount": amt, "purpose": purpose}, who)
            out.append({"fund_id": fid, "region": code, "year": y, "amount": amt, "purpose": purpose, "recorded_by": who})
    return out


def actions(db_path: str | os.PathLike, period: str | None = None) -> pd.DataFrame:
    start, end = bp.period(period) if period else (None, None)
    with db.connect(db_path) as con:
        return store.actions(con, start, end)


def funds(db_path: str | os.PathLike, year: int | None = None) -> pd.DataFrame:
    with db.connect(db_path) as con:
        return store.funds(con, year, year)


# ------------------------------------------------------------------------------------------ the key-emitter list
def _registry_content(con) -> list[dict]:
    from warehouse import key_emitters

    reg = key_emitters.registry(con)
    f = reg.astype(object).where(reg.notna(), None)
    return [{k: r[k] for k in ("code", "name_zh", "name_en", "region", "sector")} for r in f.to_dict("records")]


def _approve_registry(con, payload: dict, requested_by: str, confirmed_by: str | None) -> dict:
    """Approval handler ``registry_approve``: the list as it stands, if it is still the list proposed."""
    content = _registry_content(con)
    if not content:
        raise bp.ProvinceError("empty_list")
    digest = store.sha(store.dump(content))
    if payload.get("sha256") != digest:
        raise bp.ProvinceError("list_changed")
    rid = store.insert_registry_approval(con, content, requested_by, confirmed_by or requested_by)
    return {"registry_approval": rid, "emitters": len(content), "sha256": digest}


def register_handlers(register) -> None:
    """Called by ``monitor.approvals``: the actions of this room that may need a second signature."""
    register("registry_approve", _approve_registry)


def propose_registry(db_path: str | os.PathLike, user: str | None) -> dict:
    """An admin proposes the key-emitter list as it stands for approval (审定); it takes effect at once
    or when the approver confirms, as the rule ``signoff.registry_approve`` says."""
    from monitor import approvals

    with db.connect(db_path) as con:
        content = _registry_content(con)
    if not content:
        raise bp.ProvinceError("empty_list")
    digest = store.sha(store.dump(content))
    return approvals.submit(db_path, "registry_approve", {"sha256": digest, "emitters": len(content)},
                            f"重点排放单位名录 {len(content)} 家 / key-emitter list, {len(content)} units", user,
                            permission="registry_approve")
