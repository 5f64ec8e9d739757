"""The demo province as general contractor (issue 17), called last by ``demo_province.build.build``:

1. capacity funds to every city for 2021–2025 (monitoring every year; verification and reporting in more
   or fewer years by city, so the "funding and capacity" indicator differs) and the 2021–2025 assessment
   run again so that indicator is computed from them;
2. one reward or accountability action per grade present in the assessment;
3. the key-emitter list approved (审定);
4. a city objects to its 2026–2030 allocation and the province answers, partly accepting;
5. the plan filed with the centre (package beside the warehouse) and its receipt entered;
6. the public-disclosure site written beside the warehouse (``<warehouse>.publication/``).

Acting names are the demo's people (``ADMIN``, ``REPORTER``); with no users configured the books record them as
given, and once the users exist the same calls check their roles.
"""
from __future__ import annotations

import os
from pathlib import Path

from demo_province.plan_demo import PLAN_ID
from monitor import accounts, filings, objections, province, publish
from warehouse import db, key_emitters, plans

ADMIN, REPORTER = "张管理", "李填报"
PERIOD = (2021, 2025)
ACTIONS = {  # grade -> (kind, measure, text zh / en, amount 万元)
    "excellent": ("reward", "special_funds", "考核优秀，安排碳预算管理专项资金 / Excellent: special funds for budget management", 500.0),
    "good": ("reward", "policy_tilt", "考核良好，新增项目用能与碳排放指标予以倾斜 / Good: priority for new projects' quota", None),
    "pass": ("accountability", "criticism", "考核合格但执行偏差较大，予以通报 / Pass with large deviations: publicly criticised", None),
    "fail": ("accountability", "interview", "考核不合格，约谈市政府主要负责人并限期整改 / Fail: the mayor is summoned, rectification within a deadline", None),
}


def _funds(db_path, cities: list[str]) -> int:
    grants = []
    for i, city in enumerate(cities):
        for year in range(PERIOD[0], PERIOD[1] + 1):
            mine = [("monitoring", 120.0 + 10 * (i % 4))]
            if (year + i) % 3 != 0:
                mine.append(("verification", 60.0))
            if i % 3 != 2 or year >= 2024:
                mine.append(("reporting", 30.0))
            grants += [{"region": city, "year": year, "amount": a, "purpose": p} for p, a in mine]
    return len(province.add_funds_many(db_path, grants, ADMIN))


def build_province(db_path: str | os.PathLike) -> dict:
    base = Path(db_path).resolve()
    with db.connect(db_path) as con:
        cities = [str(r[0]) for r in con.execute("SELECT code FROM regions WHERE level = 'city' ORDER BY code").fetchall()]
        has_registry = len(key_emitters.registry(con)) > 0
    funds = _funds(db_path, cities)
    result, _ = accounts.run_five_year(db_path, *PERIOD, user=ADMIN)  # the indicator now computed from the funds
    rows = result.rows[~result.rows["is_province"].astype(bool)].sort_values("score", ascending=False)
    done = []
    for grade, (kind, measure, text, amount) in ACTIONS.items():
        hit = rows[rows["grade"] == grade]
        if len(hit):
            province.record_action(db_path, region=str(hit["region"].iloc[0]), period=f"{PERIOD[0]}-{PERIOD[1]}", kind=kind,
                                   measure=measure, text=text, amount=amount, user=ADMIN)
            done.append(grade)
    registry = province.propose_registry(db_path, ADMIN) if has_registry else None
    city = "SF03" if "SF03" in cities else cities[0]
    with db.connect(db_path) as con:
        given = sum(a["amount"] for a in plans.version(con, PLAN_ID)["content"]["allocations"] if a["region"] == city)
    obj = objections.add(db_path, region=city, about=f"plan:{PLAN_ID}", user=REPORTER, amount=round(given * 1.04, -1),
                         text="本市新建产业园用能需求未充分考虑，请求增加分配 / The new industrial park's needs were not "
                              "fully considered; please allocate more")
    objections.answer(db_path, obj["objection_id"], decision="partly", user=ADMIN,
                      text="部分采纳：2027 年起从省级储备中调剂，年度决算时复核 / Partly accepted: a transfer from the "
                           "provincial reserve from 2027, reviewed at each annual close")
    filing = filings.submit(db_path, "plan", PLAN_ID, user=ADMIN, out_dir=base.with_name(f"{base.name}.filings") / PLAN_ID)
    filings.receipt(db_path, filing["filing_id"], user=ADMIN,
                    text="生态环境部回执 环气候备〔2026〕12号 / Ministry receipt no. 12 (demo)")
    site = publish.publish(db_path, base.with_name(f"{base.name}.publication"), user=ADMIN)
    return {"capacity_funds": funds, "actions": done, "registry": registry, "objection": obj["objection_id"],
            "filing": filing["filing_id"], "notices": site["notices"], "site": site["out"]}
