"""What may be published (公示), read from the books: only approved, publishable records — approved plan
totals and city allocations, the approved key-emitter list, separately-listed quota and advances in
the books (approved by definition: a pending one is not in the ledger), each approved year close's
adjustments with reasons, the quarterly bulletin, each five-year assessment with its consequences and
capacity funds, and the allowance year (``monitor.allowance_publication``). Nothing internal: no user names (only the approving bodies), no drafts, no pending
items, no passwords. Each record becomes a notice's frozen content (``publication.site``)."""
from __future__ import annotations

import json
import os

import pandas as pd

from budget import config, evaluation
from budget.inbox import split_bilingual
from budget import province as bp
from warehouse import budget_books, closes, db, plans, queries
from warehouse import province as store
from warehouse import measures as mstore


def _bi(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def _col(key: str, zh: str, en: str, num: bool = False, digits: int = 1) -> dict:
    return {"key": key, "zh": zh, "en": en, "num": num, "digits": digits}


def _f(v) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if x == x and abs(x) != float("inf") else None


def bodies(regions: pd.DataFrame) -> dict:
    """The issuing and approving bodies, named after the province (the only names a notice carries)."""
    prov = regions[regions["level"] == "province"]
    zh, en = (str(prov["name_zh"].iloc[0]), str(prov["name_en"].iloc[0])) if len(prov) else ("本省", "the province")
    return {"province": _bi(zh, en), "issuer": _bi(f"{zh}生态环境厅", f"Department of Ecology and Environment of {en}"),
            "approver": _bi(f"{zh}人民政府", f"People's Government of {en}")}


def _bitext(text) -> dict:
    """A stored "中文 / English" text as {zh, en} (each page shows its own language)."""
    zh, en = split_bilingual(text)
    return _bi(zh, en)


def _record(subject: str, kind: str, zh: str, en: str, content: dict) -> dict:
    return {"subject": subject, "kind": kind, "title_zh": zh, "title_en": en, "content": content}


def plan_records(con, names: dict, b: dict) -> list[dict]:
    out = []
    listing = plans.plans(con)
    for pid, approved in zip(listing["plan_id"], listing["approved"]):
        if pd.isna(approved):
            continue  # drafts are never published
        v = plans.version(con, pid, int(approved))
        c = v["content"]
        appr = plans.approvals(con, pid)
        appr = appr[appr["version"] == int(approved)].iloc[-1]
        alloc = pd.DataFrame(c["allocations"])
        per_year = alloc.pivot_table(index="region", columns="year", values="amount", aggfunc="sum").fillna(0.0)
        years = [int(y) for y in c["years"]]
        quota = pd.DataFrame(c["quota"]) if c["quota"] else pd.DataFrame(columns=["year", "region", "project", "amount"])
        rows = [{"region": names.get(r, _bi(r, r)), **{f"y{int(y)}": _f(per_year.loc[r, y]) for y in per_year.columns},
                 "five": _f(per_year.loc[r].sum())} for r in per_year.index]
        yearly = [{"year": str(y), "total": _f(c["yearly"].get(str(y), c["yearly"].get(y))),
                   "reserve": _f(c["reserve"].get(str(y), 0.0)),
                   "quota": _f(quota.loc[quota["year"].astype(int) == y, "amount"].sum()) if len(quota) else 0.0,
                   "allocated": _f(alloc.loc[alloc["year"].astype(int) == y, "amount"].sum())} for y in years]
        parent = names.get(c["parent"], _bi(c["parent"], c["parent"]))
        tables = [
            {"id": "yearly", "caption": _bi("年度目标与构成（万吨 CO2）", "Yearly targets and their parts (10k t CO2)"),
             "columns": [_col("year", "年份", "Year"), _col("total", "年度目标", "Target", True), _col("reserve", "预留储备", "Reserve", True),
                         _col("quota", "单列指标", "Separately listed", True), _col("allocated", "下达各地区", "Allocated", True)],
             "rows": yearly},
            {"id": "allocations", "caption": _bi("各地区分配（万吨 CO2）", "Allocation to the regions (10k t CO2)"),
             "columns": [_col("region", "地区", "Region")] + [_col(f"y{y}", f"{y}年", str(y), True) for y in years]
                        + [_col("five", "五年合计", "Five years", True)],
             "rows": rows, "chart": {"label": "region", "value": "five"}},
        ]
        if len(quota):
            tables.append({"id": "quota", "caption": _bi("单列指标（万吨 CO2）", "Separately-listed quota (10k t CO2)"),
                           "columns": [_col("year", "年份", "Year"), _col("region", "地区", "Region"), _col("project", "项目", "Project"),
                                       _col("amount", "数量", "Amount", True)],
                           "rows": [{"year": str(int(q["year"])), "region": names.get(q["region"], q["region"]),
                                     "project": _bitext(q["project"]), "amount": _f(q["amount"])} for q in quota.to_dict("records")]})
        content = {"date": str(appr["approved_at"])[:10], "issuer": b["issuer"],
                   "approver": b["approver"] if _confirmed(appr) else None,
                   "facts": [{**_bi("五年预算总量（万吨 CO2）", "Five-year budget (10k t CO2)"), "value": _f(c["total"])},
                             {**_bi("规划期", "Period"), "value": f"{years[0]}–{years[-1]}"},
                             {**_bi("预留比例", "Reserve share"), "value": f"{float(c['reserve_share']):.1%}"},
                             {**_bi("分配方法", "Method"), "value": _bi(config.label(config.METHOD_LABELS, c["method"], "zh"),
                                                                  config.label(config.METHOD_LABELS, c["method"], "en"))}],
                   "paragraphs": [_bi(f"{parent['zh']}{years[0]}–{years[-1]}年碳排放预算方案已经批准，现将预算总量及各地区分配结果公布如下。",
                                      f"The carbon budget plan of {parent['en']} for {years[0]}–{years[-1]} has been approved; "
                                      "its totals and the allocation to the regions are published below.")],
                   "tables": tables}
        out.append(_record(f"plan:{pid}", "plan", f"{years[0]}–{years[-1]}年碳排放预算方案及分配结果",
                           f"Carbon budget plan {years[0]}–{years[-1]} and its allocation", content))
    return out


def _confirmed(row) -> bool:
    v = row.get("confirmed_by") if hasattr(row, "get") else None
    return isinstance(v, str) and bool(v.strip())


def registry_records(con, names: dict, b: dict) -> list[dict]:
    ra = store.registry_approvals(con)
    if ra.empty:
        return []
    a = ra.iloc[-1]
    signed = a["approved_by"] != a["requested_by"]  # a second signature: the provincial government's
    content = json.loads(a["content"])
    rows = [{"code": r["code"], "name": _bi(r["name_zh"], r.get("name_en") or r["name_zh"]),
             "region": names.get(r["region"], r["region"]), "sector": r["sector"]} for r in content]
    return [_record("registry", "registry", "重点排放单位名录", "List of key emitting units", {
        "date": str(a["approved_at"])[:10], "issuer": b["issuer"],
        "approver": b["approver"] if signed else None,
        "facts": [{**_bi("单位数", "Units"), "value": str(len(rows))}],
        "paragraphs": [_bi("依据国家认定条件和本省细化标准确定的重点排放单位名录" + ("，经省人民政府审定" if signed else "") + "，现予公布。",
                           "The key emitting units under the national criteria and the province's local criteria"
                           + (", approved by the provincial government," if signed else "") + " are published below.")],
        "tables": [{"id": "list", "caption": _bi("重点排放单位名录", "Key emitting units"),
                    "columns": [_col("code", "单位代码", "Code"), _col("name", "单位名称", "Name"), _col("region", "所在地区", "Region"),
                                _col("sector", "行业", "Sector")], "rows": rows}]})]


def grant_records(con, names: dict, b: dict) -> list[dict]:
    """Separately-listed quota and advances in the books, one notice per budget year."""
    led = budget_books.entries(con)
    led = led[led["type"].isin(["separately_listed", "advance"])]
    apps = mstore.applications(con)
    why = dict(zip(apps["entry_id"].dropna(), apps.loc[apps["entry_id"].notna(), "review_reason"])) if len(apps) else {}
    out = []
    kinds = {k: _bi(config.label(config.ENTRY_TYPE_LABELS, k, "zh"), config.label(config.ENTRY_TYPE_LABELS, k, "en"))
             for k in ("separately_listed", "advance")}
    for year, g in led.groupby("year"):
        rows = [{"date": str(e["date"])[:10], "region": names.get(e["to_region"], e["to_region"]), "kind": kinds[e["type"]],
                 "amount": _f(e["amount"]),
                 "project": _bitext(e["project"]) if isinstance(e["project"], str) else "—",
                 "reason": _bitext(why.get(e["entry_id"], e["reason"]))} for e in g.to_dict("records")]
        out.append(_record(f"grants:{int(year)}", "grants", f"{int(year)}年单列指标与预支批准结果",
                           f"Separately-listed quota and advances approved for {int(year)}", {
            "date": max(r["date"] for r in rows), "issuer": b["issuer"], "approver": None, "facts": [],
            "paragraphs": [_bi("经批准的单列指标与预支（预支自下一年度预算扣减）如下。",
                               "The approved separately-listed quota and advances (an advance is deducted from the next year's budget):")],
            "tables": [{"id": "grants", "caption": _bi("批准结果（万吨 CO2）", "Approved (10k t CO2)"),
                        "columns": [_col("region", "地区", "Region"), _col("kind", "类型", "Kind"), _col("project", "项目", "Project"),
                                    _col("amount", "数量", "Amount", True, 2), _col("date", "批准日期", "Date"),
                                    _col("reason", "理由", "Reason")], "rows": rows}]}))
    return out


def close_records(con, names: dict, b: dict) -> list[dict]:
    out = []
    cv = closes.close_versions(con)
    cv = cv[cv["approved_at"].notna()]
    for year, g in cv.groupby("year"):
        meta = g.sort_values("version").iloc[-1]
        rows = closes.close_rows(con, int(meta["close_id"]))
        cities = rows[~rows["is_province"].astype(bool)]
        conclusion = lambda s: _bi(config.label(config.STATUS_LABELS, s, "zh"), config.label(config.STATUS_LABELS, s, "en")) \
            if isinstance(s, str) else None
        table = [{"region": names.get(r["region"], r["region"]), "budget": _f(r["budget"]), "accounted": _f(r["accounted"]),
                  "rate": None if _f(r["execution_rate"]) is None else 100 * _f(r["execution_rate"]),
                  "conclusion": conclusion(r["conclusion"]), "adjustment": _f(r["adjustment"]),
                  "next": _f(r["proposed_next_budget"]), "reason": _bi(r["reason_zh"] or "", r["reason_en"] or "")}
                 for r in cities.to_dict("records")]
        y = int(year)
        out.append(_record(f"close:{y}", "close", f"{y}年度碳排放预算决算及{y + 1}年预算调节结果",
                           f"{y} annual close and the {y + 1} budget adjustments", {
            "date": str(meta["approved_at"])[:10], "issuer": b["issuer"],
            "approver": b["approver"] if _confirmed(meta) else None,
            "facts": [{**_bi("决算版本", "Close version"), "value": str(int(meta["version"]))},
                      {**_bi("性质", "Nature"), "value": _bi("暂定决算", "provisional") if bool(meta["provisional"]) else _bi("正式决算", "final")}],
            "paragraphs": [_bi(f"{y}年度预算决算经批准，依据动态调节机制对{y + 1}年预算作如下调整（正数为结转增加，负数为扣减）。",
                               f"The {y} close is approved; by the dynamic adjustment rule the {y + 1} budgets move as follows "
                               "(positive: carried over, negative: deducted).")],
            "tables": [{"id": "adjustments", "caption": _bi(f"{y}年决算与{y + 1}年调节（万吨 CO2）", f"{y} close and {y + 1} adjustments (10k t CO2)"),
                        "columns": [_col("region", "地区", "Region"), _col("budget", "预算", "Budget", True),
                                    _col("accounted", "核算排放", "Accounted", True), _col("rate", "执行率%", "Execution %", True),
                                    _col("conclusion", "结论", "Conclusion"), _col("adjustment", "调节量", "Adjustment", True, 2),
                                    _col("next", f"{y + 1}年预算建议", f"{y + 1} budget", True), _col("reason", "理由", "Reason")],
                        "rows": table, "chart": {"label": "region", "value": "adjustment"}}]}))
    return out


def bulletin_records(db_path, names: dict, b: dict) -> list[dict]:
    from monitor.status import status_report

    try:
        rep = status_report(db_path)
    except (ValueError, KeyError):
        return []
    q = (rep.month - 1) // 3 + 1
    prog = rep.progress[~rep.progress["is_province"].astype(bool)]
    lab = lambda table, s: _bi(config.label(table, s, "zh"), config.label(table, s, "en")) if isinstance(s, str) else None
    rows = [{"region": names.get(r["region"], r["region"]), "status": lab(config.STATUS_LABELS, r["status"]),
             "level": lab(config.LEVEL_LABELS, r["warning_level"]),
             "rate": None if _f(r["execution_rate"]) is None else 100 * _f(r["execution_rate"]),
             "deviation": None if _f(r["deviation"]) is None else 100 * _f(r["deviation"]),
             "p": None if _f(r["p_overspend"]) is None else 100 * _f(r["p_overspend"])} for r in prog.to_dict("records")]
    return [_record(f"bulletin:{rep.year}-Q{q}", "bulletin", f"{rep.year}年第{q}季度碳预算执行情况通报（晴雨表）",
                    f"Carbon budget execution bulletin, {rep.year} Q{q} (weather vane)", {
        "date": f"{rep.as_of}", "issuer": b["issuer"], "approver": None,
        "facts": [{**_bi("数据截至", "Data as of"), "value": rep.as_of}],
        "paragraphs": [_bi("各城市碳预算执行进度与预警等级如下（偏差 = 执行率 ÷ 时序进度 − 1）。近月排放为电-碳模型估算值（非统计数）。",
                           "Each city's budget execution and warning level (deviation = execution rate ÷ time-schedule progress − 1). "
                           "Recent months are electricity-to-carbon model estimates (not statistics).")],
        "tables": [{"id": "cities", "caption": _bi("各城市执行情况", "Execution by city"),
                    "columns": [_col("region", "城市", "City"), _col("status", "状态", "Status"), _col("level", "预警等级", "Level"),
                                _col("rate", "执行率%", "Execution %", True), _col("deviation", "偏差%", "Deviation %", True),
                                _col("p", "超支概率%（估算）", "P(overspend) % (estimate)", True)],
                    "rows": rows, "chart": {"label": "region", "value": "deviation"}}]})]


def _signoff_when_stored(con, action: str, stored_at) -> str:
    """Who had to sign ``action`` off according to the rules as they were known when the item was stored (a rule
    recorded later, even back-dated, does not turn an item stored under no sign-off into an unapproved one)."""
    from budget import rules as brules
    from warehouse import rules as wrules

    at = pd.Timestamp(stored_at)
    known = [r for r in wrules.settings(con).to_dict("records") if pd.Timestamp(r["recorded_at"]) <= at]
    return brules.signoff(brules.in_force(known, at.date()), action)


def approved_assessment(con, start: int, end: int, latest_id: int) -> tuple[int | None, bool]:
    """(assessment id that may be published or filed, confirmed by a second signature) for a period: the latest
    one a ``five_year_approve`` confirmed; with none confirmed and none pending, the latest stored one when the
    rules known when it was stored asked no sign-off; otherwise nothing (pending is not published)."""
    from warehouse import approvals

    asks = approvals.listing(con)
    asks = asks[asks["action"] == "five_year_approve"]
    mine = [(r, json.loads(r["payload"] or "{}")) for r in asks.to_dict("records")]
    mine = [(r, p) for r, p in mine if int(p.get("start", 0)) == start and int(p.get("end", 0)) == end]
    confirmed = [int(p["assessment_id"]) for r, p in mine if r["status"] == "confirmed"]
    if confirmed:
        return max(confirmed), True
    if any(r["status"] == "pending" for r, _ in mine):
        return None, False
    stored = closes.assessment_versions(con, start, end)
    stored_at = stored.loc[stored["assessment_id"] == latest_id, "created_at"]
    if len(stored_at) and _signoff_when_stored(con, "five_year_approve", stored_at.iloc[0]) == "none":
        return latest_id, False
    return None, False


def assessment_records(con, names: dict, b: dict) -> list[dict]:
    out = []
    av = closes.assessment_versions(con)
    for (a, z), g in av.groupby(["period_start", "period_end"]):
        a, z = int(a), int(z)
        aid, signed = approved_assessment(con, a, z, int(g.sort_values("version").iloc[-1]["assessment_id"]))
        if aid is None:
            continue  # awaiting its sign-off: not published
        meta = g[g["assessment_id"] == aid].iloc[0]
        rows = closes.assessment_rows(con, aid)
        cities = rows[~rows["is_province"].astype(bool)].sort_values("score", ascending=False)
        grade = lambda g_: _bi(bp.label_grade(g_, "zh"), bp.label_grade(g_, "en"))
        scores = [{"region": names.get(r["region"], r["region"]), "score": _f(r["score"]), "grade": grade(r["grade"]),
                   "rank": None if pd.isna(r["rank"]) else str(int(r["rank"])),
                   "total": None if _f(r["total_completion"]) is None else 100 * _f(r["total_completion"]),
                   "intensity": None if _f(r["intensity_decline"]) is None else 100 * _f(r["intensity_decline"])}
                  for r in cities.to_dict("records")]
        acts = store.actions(con, a, z)
        act_rows = [{"region": names.get(r["region"], r["region"]), "grade": grade(r["grade"]),
                     "kind": _bi(bp.label(r["kind"]), bp.label(r["kind"], "en")),
                     "measure": _bi(bp.label(r["measure"]), bp.label(r["measure"], "en")), "text": _bitext(r["text"]),
                     "amount": _f(r["amount"]), "date": str(r["decided_at"])[:10]} for r in acts.to_dict("records")]
        funds = store.funds(con, a, z)
        fg = funds.groupby(["region", "purpose"], as_index=False)["amount"].sum() if len(funds) else funds
        fund_rows = [{"region": names.get(r["region"], r["region"]), "purpose": _bi(bp.label(r["purpose"]), bp.label(r["purpose"], "en")),
                      "amount": _f(r["amount"])} for r in fg.to_dict("records")]
        out.append(_record(f"assessment:{a}-{z}", "assessment", f"{a}–{z}年碳排放预算考核结果及其运用",
                           f"Carbon budget assessment {a}–{z} and what follows from it", {
            "date": str(max([meta["created_at"]] + list(acts["decided_at"])))[:10], "issuer": b["issuer"],
            "approver": b["approver"] if signed else None,
            "facts": [{**_bi("评价指标数", "Indicators"), "value": str(len(evaluation.INDICATORS))}],
            "paragraphs": [_bi("依据五年决算与预算管理质量评价，各城市综合得分、等级与排名如下；对考核结果优秀、良好的给予奖励，对不合格的予以问责。",
                               "From the five-year close and the evaluation of budget management, each city's score, grade and rank "
                               "are below; good results are rewarded and poor ones held to account.")],
            "tables": [{"id": "scores", "caption": _bi("考核得分、等级与排名", "Scores, grades and ranks"),
                        "columns": [_col("region", "城市", "City"), _col("score", "综合得分", "Score", True), _col("grade", "等级", "Grade"),
                                    _col("rank", "排名", "Rank"), _col("total", "总量完成比%", "Total vs budget %", True),
                                    _col("intensity", "强度下降%", "Intensity decline %", True)],
                        "rows": scores, "chart": {"label": "region", "value": "score"}},
                       {"id": "actions", "caption": _bi("考核结果运用（奖优罚劣）", "Consequences (rewards and accountability)"),
                        "columns": [_col("region", "城市", "City"), _col("grade", "等级", "Grade"), _col("kind", "类别", "Kind"),
                                    _col("measure", "措施", "Measure"), _col("text", "说明", "Details"),
                                    _col("amount", "金额（万元）", "Amount (10k yuan)", True), _col("date", "决定日期", "Date")],
                        "rows": act_rows},
                       {"id": "capacity", "caption": _bi("能力建设资金（万元）", "Capacity funding (10k yuan)"),
                        "columns": [_col("region", "城市", "City"), _col("purpose", "用途", "Purpose"),
                                    _col("amount", "金额", "Amount", True)], "rows": fund_rows}]}))
    return out


def collect(db_path: str | os.PathLike) -> tuple[list[dict], dict]:
    """(records, bodies): every publishable record of the warehouse as it stands."""
    with db.connect(db_path) as con:
        regions = queries.regions(con)
        names = {str(r["code"]): _bi(str(r["name_zh"]), str(r["name_en"])) for r in regions.to_dict("records")}
        b = bodies(regions)
        records = (plan_records(con, names, b) + registry_records(con, names, b) + grant_records(con, names, b)
                   + close_records(con, names, b) + assessment_records(con, names, b))
    from monitor.allowance_publication import allowance_records  # it builds on this module's helpers

    return records + bulletin_records(db_path, names, b) + allowance_records(db_path, names, b), b
