"""The demo's policy adjustment: measures with owners in the cities that overspend (some late),
the steel complex as a major project whose separately-listed quota application is approved into a
ledger entry, one advance application pending and one refused.

Dates are relative to the demo's as-of month, so "late" holds whatever month the demo is built for:
a measure planned to start three months before the as-of month and not started is late, and one that
started in January with only its first-quarter report has missed later reports. Only the twelve
hand-written city profiles get measures (a 300-city build stays fast). The ledger entry is written
by ``system`` like the rest of the demo plan, so the demo stays replaceable.
"""
from __future__ import annotations

import os

from budget import measures as bm
from budget.policy import instruments
from monitor import measures as ms
from warehouse import db
from warehouse import measures as store

SYSTEM = "system"


def _month(year: int, month: int) -> str:
    while month < 1:
        year, month = year - 1, month + 12
    while month > 12:
        year, month = year + 1, month - 12
    return f"{year:04d}-{month:02d}"


def _quarters(year: int, last_month: int) -> list[str]:
    """Quarters of ``year`` that ended by ``last_month``."""
    return [f"{year}-Q{q}" for q in range(1, 5) if 3 * q <= last_month]


def demo_measures(year: int, month: int) -> list[dict]:
    """The demo register: (measure fields, status changes, reports) per measure."""
    late_start = _month(year, month - 3)
    q = _quarters(year, month)
    return [
        dict(region="SF03", instrument="stricter_standards", title="煤电机组节能降碳改造", owner_dept="市发展改革委（能源科） / City DRC (energy section)",
             owner_contact="李工 0571-8800 / Engineer Li 0571-8800", planned_start=f"{year}-03", planned_end=f"{year + 1}-12", reduction=180.0,
             reduction_basis="6台机组供电煤耗降低 8 g/kWh × 年发电量", cost=42000.0, indicator="gen_thermal",
             moves=[("in_progress", "改造合同签订，首台机组停机改造 / Retrofit contract signed; first unit shut down for retrofit", f"{year}-04")],
             reports=[(p, "已完成改造机组 %d 台 / %d unit(s) retrofitted" % (i + 1, i + 1), 20.0 * (i + 1), "accepted") for i, p in enumerate(q[1:])]),
        dict(region="SF03", instrument="phase_out", title="淘汰30万千瓦以下落后煤电机组", owner_dept="市工业和信息化局 / City MIIT bureau",
             owner_contact="王科长 / Section chief Wang", planned_start=late_start, planned_end=f"{year + 1}-06", reduction=240.0,
             reduction_basis="关停机组近三年平均排放", cost=15000.0, moves=[], reports=[]),
        dict(region="SF07", instrument="project_carbon_review", title="新建化工项目碳排放评价", owner_dept="市生态环境局 / City ecology and environment bureau",
             owner_contact="赵处长 / Director Zhao", planned_start=f"{year}-01", planned_end=f"{year + 2}-12", reduction=120.0,
             reduction_basis="评价后核减新增产能的排放", cost=800.0, indicator="out_ethylene",
             moves=[("in_progress", "评价办法印发 / Assessment rules issued", f"{year}-01")], reports=[(q[0], "完成 3 个项目评价 / 3 project assessments completed", 15.0, "accepted")] if q else []),
        dict(region="SF07", instrument="differential_price", title="高耗能企业差别电价", owner_dept="市发展改革委（价格科） / City DRC (pricing section)",
             owner_contact=None, planned_start=_month(year, month + 1), planned_end=f"{year + 1}-12", reduction=90.0,
             reduction_basis="价格弹性测算", cost=None, moves=[], reports=[]),
        dict(region="SF08", instrument="regional_approval_limit", title="高耗能项目区域限批", owner_dept="市发展改革委 / City DRC",
             owner_contact="陈主任 / Director Chen", planned_start=f"{year}-06", planned_end=f"{year + 1}-06", reduction=150.0,
             reduction_basis="暂停审批项目的设计排放", cost=0.0,
             moves=[("in_progress", "限批通知下发 / Approval-suspension notice issued", f"{year}-06")],
             reports=[(p, "暂停审批高耗能项目 2 个 / Approvals of 2 energy-intensive projects suspended", 25.0, None) for p in q if p >= f"{year}-Q2"]),
        dict(region="SF08", instrument="weather_vane", title="按月公开碳预算执行晴雨表", owner_dept="市生态环境局 / City ecology and environment bureau",
             owner_contact=None, planned_start=f"{year}-01", planned_end=f"{year}-06", reduction=0.0,
             reduction_basis="信息类工具，不单独计减排量", cost=50.0,
             moves=[("in_progress", "首期晴雨表发布 / First weather vane published", f"{year}-01"), ("done", "按计划完成 / Completed as planned", None)],
             reports=[(p, "晴雨表按月发布 / Weather vane published monthly", None, "accepted") for p in q[:2]]),
        dict(region="SF04", instrument="stricter_standards", title="重点用能单位节能监察", owner_dept="市工业和信息化局（节能科） / City MIIT bureau (energy-saving section)",
             owner_contact="吴科长 / Section chief Wu", planned_start=f"{year}-08", planned_end=f"{year + 1}-07", reduction=35.0,
             reduction_basis="监察企业节能量 × 排放因子", cost=300.0, moves=[("in_progress", "监察计划下达 / Inspection plan issued", f"{year}-08")],
             reports=[(p, "完成 12 家企业节能监察 / Energy-saving inspection of 12 enterprises completed", 4.0, "accepted") for p in q if p >= f"{year}-Q3"]),
        dict(region="SF06", instrument="green_finance", title="文旅设施低碳改造绿色信贷", owner_dept="市金融办 / City finance office",
             owner_contact="孙科长 / Section chief Sun", planned_start=late_start, planned_end=f"{year + 1}-12", reduction=40.0,
             reduction_basis="改造项目节能量", cost=5000.0, moves=[], reports=[]),
        dict(region="SF10", instrument="capacity_replacement", title="钢铁产能减量置换（1.25:1）", owner_dept="市工业和信息化局 / City MIIT bureau",
             owner_contact="周处长 0571-6600 / Director Zhou 0571-6600", planned_start=f"{year}-05", planned_end=f"{year + 1}-12", reduction=200.0,
             reduction_basis="置换退出产能 160 万吨 × 1.8 t CO2/t × 70% 年内生效", cost=90000.0, indicator="out_crude_steel",
             moves=[("in_progress", "置换方案获批 / Replacement plan approved", f"{year}-05")],
             reports=[(p, "退出高炉 1 座 / 1 blast furnace retired", 30.0, "accepted" if i == 0 else "changes_requested")
                      for i, p in enumerate(p for p in q if p >= f"{year}-Q2")]),
    ]


def create_demo_measures(db_path: str | os.PathLike, as_of: str, project_city: str, project_name: str) -> dict:
    """Write the demo's measures, the major project and three applications; returns counts."""
    year, month = (int(x) for x in as_of.split("-"))
    tb = instruments().set_index("code")
    with db.transaction(db_path) as con:
        regions = {r[0] for r in con.execute("SELECT code FROM regions").fetchall()}
        indicators = {r[0] for r in con.execute("SELECT code FROM indicators").fetchall()}
        n = 0
        for spec in demo_measures(year, month):
            if spec["region"] not in regions:
                continue
            rec = bm.validate_measure(spec, regions, tb.index, indicators)
            mid = store.insert_measure(con, rec, str(tb.loc[rec["instrument"], "instrument_type"]), SYSTEM)
            prev = {"status": "planned"}
            for status, reason, start in spec["moves"]:
                change = bm.check_transition(prev["status"], status, reason, start,
                                             _month(year, 6) if status == "done" else None)
                store.insert_status(con, mid, change, prev, SYSTEM)
                prev = {"status": status, "actual_start": change["actual_start"] or prev.get("actual_start")}
            for period, text, value, decision in spec["reports"]:
                rid = store.insert_report(con, mid, period, text, value, "{0}（示范） / {1} (demo)".format(*spec["owner_dept"].split(" / ")))
                if decision:
                    store.insert_report_review(con, rid, decision, None if decision == "accepted" else "请补充置换产能核查材料 / Please add the verification papers for the replaced capacity",
                                               SYSTEM)
            n += 1
        apps = []
        if project_city in regions:
            pid = store.insert_project(con, {"region": project_city, "name": project_name, "sector": "钢铁 / steel",
                                             "start_month": "2025-03", "reduction_plan": "配套产能减量置换、余热余能利用、"
                                             "电炉短流程比例逐年提高（示范） / Matching capacity reduction, waste-heat recovery and a rising "
                                             "share of electric-arc furnaces (demo)"},
                                       [(y, 1500.0 + 50 * (y - year), "项目能评报告（示范数据）") for y in range(year, year + 5)],
                                       SYSTEM)
            apps.append(store.insert_application(con, {"kind": "separately_listed", "region": project_city, "project_id": pid,
                                                       "year": year, "amount": 80.0,
                                                       "reason": "东湾钢铁基地二期投产，申请本年度单列指标 / Dongwan steel complex phase II starts: separately-listed quota for this year requested"}, SYSTEM))
        for region, amount, reason in (("SF07", 120.0, "乙烯装置满负荷运行，申请预支下一年度预算 / Ethylene plant at full load: advance on next year's budget requested"),
                                       ("SF08", 300.0, "外贸订单增长，申请预支下一年度预算 / Export orders growing: advance on next year's budget requested")):
            if region in regions:
                apps.append(store.insert_application(con, {"kind": "advance", "region": region, "year": year,
                                                           "amount": amount, "reason": reason}, SYSTEM))
    if project_city in regions and apps:
        ms.review_application(db_path, apps[0], "approve", "项目必要性与减排方案经省级论证通过（示范） / Need and reduction plan passed the provincial review (demo)", user=SYSTEM)
    if len(apps) == 3:
        ms.review_application(db_path, apps[2], "refuse", "超出预支上限且未提交整改方案（示范） / Beyond the advance cap and no corrective plan submitted (demo)", user=SYSTEM)
    return {"measures": n, "applications": len(apps)}
