"""What a filing holds, per kind: the approved item's PDF and xlsx (the same documents the pages give,
with objections and answers) and a JSON of its numbers. Only approved items can be filed."""
from __future__ import annotations

from datetime import date as _date

import json
import os

import pandas as pd

from budget import province as bp
from monitor import objections as mobj
from warehouse import closes, db, plans, queries
from warehouse import province as store


def _names(con) -> dict[str, str]:
    r = queries.regions(con)
    return dict(zip(r["code"].astype(str), r["name_zh"].astype(str)))


def _num(v, nd: int = 4):
    return None if v is None or (isinstance(v, float) and v != v) else round(float(v), nd)


def _nf(what_zh: str, what_en: str, value) -> bp.ProvinceError:
    return bp.ProvinceError("not_found", what=what_zh, what_en=what_en, value=value)


def _not_approved(what_zh: str, what_en: str, value) -> bp.ProvinceError:
    return bp.ProvinceError("not_approved", what=what_zh, what_en=what_en, act="备案", act_en="file it", value=value)


def objection_tables(db_path, kind: str, ident, names: dict, plan_id: str | None = None) -> pd.DataFrame:
    """The objections (and a plan's comments) with their answers, as the documents print them."""
    from reports import province_doc

    comments = mobj.comments_with_answers(db_path, plan_id) if plan_id else None
    return province_doc.objections_table(mobj.for_subject(db_path, kind, ident), names, comments)


def annual_extras(db_path, year: int) -> dict:
    """The province's tables of an annual close document: {objections}."""
    with db.connect(db_path) as con:
        names = _names(con)
    from monitor import rules as mrules

    books = mrules.document_books(db_path, on=_date(int(year), 12, 31), signatures=mrules.close_signatures(db_path, year))
    return {"objections": objection_tables(db_path, "close", int(year), names), "books": books}


def five_year_extras(db_path, start: int, end: int) -> dict:
    """The province's tables of a five-year document: {objections, actions, funds}."""
    from reports import province_doc

    with db.connect(db_path) as con:
        names = _names(con)
        acts, funds = store.actions(con, int(start), int(end)), store.funds(con, int(start), int(end))
    from monitor import rules as mrules

    with db.connect(db_path) as con:
        root = con.execute("SELECT code FROM regions WHERE parent IS NULL OR parent = '' ORDER BY code LIMIT 1").fetchall()
    books = mrules.document_books(db_path, on=_date(int(end), 12, 31),
                                  target=(root[0][0], int(start), int(end)) if root else None)
    return {"objections": objection_tables(db_path, "assessment", f"{int(start)}-{int(end)}", names),
            "actions": province_doc.actions_table(acts, names), "funds": province_doc.funds_table(funds, names),
            "books": books}


def plan_documents(db_path, plan_id: str, number: int) -> tuple[bytes, bytes]:
    """(PDF, xlsx) of an approved plan version: the same documents as the plan page's (comments, objections and
    answers, the target handed down, the rules in force, both signatures)."""
    from monitor import plan as mplan

    return mplan.document(db_path, plan_id, number)


def plan_package(db_path, plan_id: str) -> dict:
    from monitor import plan as mplan  # the plan's JSON contract

    with db.connect(db_path) as con:
        if plan_id not in set(plans.plans(con)["plan_id"].astype(str)):
            raise _nf("方案", "plan", plan_id)
        appr = plans.approvals(con, plan_id)
        if appr.empty:
            raise _not_approved("方案", "the plan", plan_id)
        number = int(appr["version"].max())
        v = plans.version(con, plan_id, number)
    pdf, xlsx = plan_documents(db_path, plan_id, number)
    a = appr[appr["version"] == number].iloc[-1].to_dict()
    summary = mplan.contract(plan_id, number, v["content"]) | {
        "approved_by": a.get("user"), "approved_at": a.get("approved_at"), "confirmed_by": a.get("confirmed_by"),
        "objections": _objections(mobj.for_subject(db_path, "plan", plan_id))}
    return {"stem": f"plan_{plan_id}_v{number}", "object_id": plan_id, "pdf": pdf, "xlsx": xlsx, "summary": summary}


def _objections(frame: pd.DataFrame) -> list[dict]:
    return [{"objection_id": int(r["objection_id"]), "region": r["region"], "requested_amount": _num(r["requested_amount"]),
             "status": r["status"], "text": r["text"], "answer": r["answer"] if isinstance(r["answer"], str) else None}
            for r in frame.to_dict("records")]


def registry_package(db_path, object_id) -> dict:
    from reports import province_doc

    with db.connect(db_path) as con:
        ra = store.registry_approvals(con)
        names = _names(con)
    if ra.empty:
        raise _not_approved("重点排放单位名录", "the key-emitter list", object_id)
    rid = int(ra["approval_id"].max()) if str(object_id).strip() in ("", "latest") else str(object_id).strip()
    hit = ra[ra["approval_id"].astype(str) == str(rid)]
    if hit.empty:
        raise _nf("名录审定", "list approval", object_id)
    a = hit.iloc[0].to_dict()
    content = json.loads(a["content"])
    summary = {"approval_id": int(a["approval_id"]), "content_sha256": a["content_sha256"], "emitters": len(content),
               "approved_by": a["approved_by"], "approved_at": a["approved_at"], "list": content}
    return {"stem": f"registry_{a['approval_id']}", "object_id": str(a["approval_id"]),
            "pdf": province_doc.registry_pdf(content, names, a), "xlsx": province_doc.registry_xlsx(content, names, a),
            "summary": summary}


def close_package(db_path, object_id) -> dict:
    from monitor import accounts
    from reports import accounts_doc

    year = bp.year(object_id)
    with db.connect(db_path) as con:
        cv = closes.close_versions(con, year)
        cv = cv[cv["approved_at"].notna()]
        if cv.empty:
            raise _not_approved(f"{year} 年度决算", f"the {year} close", year)
        meta = cv.iloc[0].to_dict()
        rows, fuels = closes.close_rows(con, int(meta["close_id"])), closes.close_fuels(con, int(meta["close_id"]))
        regions = queries.regions(con).set_index("code")[["name_zh", "name_en"]]
    rows = rows.join(regions, on="region")
    months = json.loads(meta["months_estimated"]) if isinstance(meta["months_estimated"], str) else []
    obj = mobj.for_subject(db_path, "close", year)
    kw = annual_extras(db_path, year)
    pdf = accounts_doc.annual_pdf(rows, fuels, year, bool(meta["provisional"]), months, int(meta["version"]), **kw)
    xlsx = accounts_doc.annual_xlsx(rows, fuels, **kw)
    record = accounts.close_record(accounts.YearClose(year, None, bool(meta["provisional"]), months, rows, fuels, ""))
    summary = record | {"close_id": int(meta["close_id"]), "version": int(meta["version"]), "approved_by": meta["approved_by"],
                        "approved_at": meta["approved_at"], "confirmed_by": meta.get("confirmed_by"),
                        "objections": _objections(obj)}
    return {"stem": f"close_{year}_v{int(meta['version'])}", "object_id": str(year), "pdf": pdf, "xlsx": xlsx,
            "summary": summary}


def five_year_package(db_path, object_id) -> dict:
    from monitor import accounts
    from reports import accounts_doc

    from monitor.publication_records import approved_assessment

    a, b = bp.period(object_id)
    with db.connect(db_path) as con:
        av = closes.assessment_versions(con, a, b)
        aid = approved_assessment(con, a, b, int(av.iloc[0]["assessment_id"]))[0] if len(av) else None
        if aid is None:
            raise _not_approved(f"{a}–{b} 五年考核", f"the {a}-{b} assessment", f"{a}-{b}")
        meta = av[av["assessment_id"] == aid].iloc[0].to_dict()
        rows = closes.assessment_rows(con, int(meta["assessment_id"]))
        acts, funds = store.actions(con, a, b), store.funds(con, a, b)
        regions = queries.regions(con).set_index("code")[["name_zh", "name_en"]]
    rows = rows.join(regions, on="region")
    result = accounts.compute_five_year(db_path, a, b)
    obj = mobj.for_subject(db_path, "assessment", f"{a}-{b}")
    kw = five_year_extras(db_path, a, b)
    pdf = accounts_doc.five_year_pdf(rows, result.fuels, a, b, result.closes, result.sectors, **kw)
    xlsx = accounts_doc.five_year_xlsx(rows, result.fuels, result.closes, result.sectors, **kw)
    record = accounts.five_year_record(accounts.FiveYearClose(a, b, result.province, rows, result.closes, result.fuels,
                                                              result.sectors, result.entered))
    summary = record | {"assessment_id": int(meta["assessment_id"]), "version": int(meta["version"]),
                        "actions": [{k: (_num(v, 2) if k == "amount" else v) for k, v in r.items()
                                     if k in ("region", "kind", "measure", "grade", "text", "amount", "decided_at")}
                                    for r in acts.to_dict("records")],
                        "capacity_funds": [{k: r[k] for k in ("region", "year", "purpose", "amount")} for r in funds.to_dict("records")],
                        "objections": _objections(obj)}
    return {"stem": f"five_year_{a}_{b}_v{int(meta['version'])}", "object_id": f"{a}-{b}", "pdf": pdf, "xlsx": xlsx,
            "summary": summary}


def build(db_path: str | os.PathLike, kind: str, object_id) -> dict:
    """{stem, object_id, pdf, xlsx, summary} of an approved item (ProvinceError when it is not)."""
    return {"plan": lambda: plan_package(db_path, str(object_id).strip()), "registry": lambda: registry_package(db_path, object_id),
            "close": lambda: close_package(db_path, object_id),
            "five-year": lambda: five_year_package(db_path, object_id)}[kind]()
