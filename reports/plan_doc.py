"""The budget plan document (碳排放预算方案): a version's tables as xlsx and a Chinese PDF.

Pure: a stored version (dict from ``warehouse.plans.version``), region names and the approval rows
in, bytes out. Headings are fixed in ``HEADINGS`` so tests can look for them in the PDF text.
"""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from budget import config
from budget.plan_versions import frames
from reports import typst_pdf as tp
from reports.xlsx import workbook

HEADINGS = {  # numbered in the order they appear (一、二、…): a section left out leaves no gap in the numbering
    "totals": "五年总量与年度目标",
    "scenarios": "情景预测与强度约束",
    "allocation": "纵向分配方案",
    "fairness": "公平性指标",
    "reserve": "预留储备与单列指标",
    "horizontal": "横向分配",
    "duties": "责任分工与时间安排",
    "objections": "意见、异议与答复",
}
NUMERALS = "一二三四五六七八九十"


def _numbering():
    """heading(key) -> "一、…", "二、…" in the order called."""
    n = [0]

    def title(key: str) -> str:
        n[0] += 1
        return f"{NUMERALS[n[0] - 1] if n[0] <= len(NUMERALS) else n[0]}、{HEADINGS[key]}"
    return title


WEIGHT_NAMES = {"history": "历史排放", "gdp": "GDP", "intensity": "强度", "per_capita": "人口"}


def _label(table, key) -> str:
    return config.label(table, key, "zh")


def tables(v: Mapping, names: Mapping[str, str]) -> dict[str, pd.DataFrame]:
    """Every table of the document with Chinese column names (the xlsx sheets, in order)."""
    c = v["content"]
    f = frames(c)
    name = lambda code: names.get(code, code)
    yearly = f["yearly"].merge(f["reserve"], on="year", how="left").rename(columns={"amount": "reserve"})
    q = f["quota"]
    qy = q.groupby("year")["amount"].sum() if len(q) else pd.Series(dtype=float)
    yearly["quota"] = yearly["year"].map(qy).fillna(0.0)
    yearly["members"] = yearly["year"].map(f["allocations"].groupby("year")["amount"].sum()).fillna(0.0)
    totals = yearly.rename(columns={"year": "年份", "total": "年度目标（万吨）", "reserve": "预留储备（万吨）",
                                    "quota": "单列指标（万吨）", "members": "下达各地区（万吨）"})
    s = f["summary"].copy()
    summary = pd.DataFrame({
        "情景": s["scenario"].map(lambda k: _label(config.SCENARIO_LABELS, k)),
        "五年排放（万吨，估算）": s["total"], "90%区间下限": s["lo90"], "90%区间上限": s["hi90"],
        "强度约束隐含总量（万吨）": s["implied_total"], "末年强度下降": s["intensity_decline"],
        "满足强度约束": s["meets"].map({True: "是", False: "否"}),
    })
    p = f["paths"]
    paths = pd.DataFrame({"情景": p["scenario"].map(lambda k: _label(config.SCENARIO_LABELS, k)), "年份": p["year"],
                          "排放（万吨，估算）": p["emissions"], "90%下限": p["lo90"], "90%上限": p["hi90"],
                          "GDP（亿元）": p["gdp"], "强度（吨/万元）": p["intensity"],
                          "强度指数（基准年=1）": p["intensity_index"], "目标强度指数": p["target_intensity_index"],
                          "强度约束隐含排放（万吨）": p["implied"]})
    a = f["allocations"]
    wide = a.pivot_table(index="region", columns="year", values="amount", aggfunc="sum").fillna(0.0)
    wide.columns = [f"{y}年" for y in wide.columns]
    wide["五年合计"] = wide.sum(axis=1)
    wide = wide.reset_index()
    wide.insert(1, "地区名称", wide["region"].map(name))
    wide = wide.rename(columns={"region": "地区"})
    fac = f["factors"]
    factors = pd.DataFrame({"地区": fac["region"], "地区名称": fac["region"].map(name),
                            "近五年年均排放（万吨）": fac["history"], "GDP（亿元）": fac["gdp"],
                            "常住人口（万人）": fac["population"], "强度（吨/万元）": fac["intensity"]})
    fr = f["fairness"]
    fairness = pd.DataFrame({"地区": fr["region"], "地区名称": fr["region"].map(name), "五年预算（万吨）": fr["five_year"],
                             "年均预算（万吨）": fr["annual"], "人均（吨/人·年）": fr["per_capita"],
                             "单位GDP（吨/万元）": fr["per_gdp"], "近五年年均排放（万吨）": fr["history"],
                             "较近五年变化": fr["change"]})
    reserve = f["reserve"].rename(columns={"year": "年份", "amount": "预留储备（万吨）"})
    quota = (q.assign(地区名称=q["region"].map(name))
              .rename(columns={"year": "年份", "region": "地区", "project": "项目", "amount": "单列指标（万吨）"})
             if len(q) else pd.DataFrame(columns=["年份", "地区", "项目", "单列指标（万吨）", "地区名称"]))
    h = f["horizontal"]
    horizontal = (h.assign(city=h["city"].map(name)).rename(columns={
        "city": "城市", "kind": "对象", "method": "方法", "unit": "单位代码", "name_zh": "名称", "name_en": "Name",
        "year": "年份", "amount": "分配量（万吨）"}) if len(h) else pd.DataFrame(columns=["城市", "对象", "方法", "单位代码", "名称", "年份", "分配量（万吨）"]))
    for frame in (totals, paths, reserve, quota, horizontal):  # years are labels, not quantities
        if "年份" in frame:
            frame["年份"] = frame["年份"].astype(str)
    return {"总量与年度目标": totals, "情景比较": summary, "情景路径": paths, "纵向分配": wide, "分配因子": factors,
            "公平性": fairness, "预留储备": reserve, "单列指标": quota, "横向分配": horizontal, "版本": version_table(v)}


def version_table(v: Mapping, approval: pd.DataFrame | None = None) -> pd.DataFrame:
    rows = [("方案", v["plan"]), ("版本", v["version"]), ("编制人", v["user"]), ("说明", v.get("note") or ""),
            ("编制时间", str(v.get("created_at", ""))[:19])]
    if approval is not None and len(approval):
        rows += [("批准人", approval["user"].iloc[0]), ("批准时间", str(approval["approved_at"].iloc[0])[:19])]
    for ch in v.get("changes") or []:
        rows.append((f"修改：{ch['field']}", f"{ch['old']} → {ch['new']}"))
    return pd.DataFrame(rows, columns=["项目", "内容"])


def xlsx(v: Mapping, names: Mapping[str, str], approval: pd.DataFrame | None = None,
         objections: pd.DataFrame | None = None, books: Mapping | None = None) -> bytes:
    """``objections``: the table of ``reports.province_doc.objections_table`` (comments and objections with answers)."""
    sheets = tables(v, names)
    sheets["版本"] = version_table(v, approval)
    if objections is not None:
        sheets["异议与答复"] = objections
    from reports import books_doc

    sheets.update(books_doc.sheets(books))
    return workbook(sheets)


def pdf(v: Mapping, names: Mapping[str, str], approval: pd.DataFrame | None = None,
        objections: pd.DataFrame | None = None, books: Mapping | None = None) -> bytes:
    """``books``: {target, rules, signatures} (``reports.books_doc``) printed as the document's last section."""
    c = v["content"]
    t = tables(v, names)
    parent = names.get(c["parent"], c["parent"])
    y0, y1 = c["years"][0], c["years"][-1]
    approved = approval is not None and len(approval) > 0
    status = (f"第 {v['version']} 版，{approval['user'].iloc[0]} 于 {str(approval['approved_at'].iloc[0])[:10]} 批准"
              if approved else f"第 {v['version']} 版草案（未批准）")
    method = _label(config.METHOD_LABELS, c["method"])
    if c["method"] == "mix":
        method += "：" + "，".join(f"{WEIGHT_NAMES.get(k, k)} {w:.0%}" for k, w in c["weights"].items())
    reserve_total = sum(float(x or 0) for x in c["reserve"].values())
    title = _numbering()
    body = tp.heading(title("totals"))
    body += tp.kv_table([
        ("五年碳排放预算总量（万吨 CO2）", tp.fmt_number(c["total"], 2)),
        ("规划期", f"{y0}–{y1} 年"), ("选定情景", _label(config.SCENARIO_LABELS, c["scenario"])),
        ("基准年及排放（万吨）", f"{c['base_year']} 年，{tp.fmt_number(c['base_emissions'], 2)}"),
        ("年度目标路径", {"linear": "线性", "scenario": "按情景", "typed": "逐年填报"}.get(c["shape"], c["shape"])),
        ("分配方法", method), ("预留储备", f"{c['reserve_share']:.1%}，合计 {tp.fmt_number(reserve_total, 2)} 万吨"),
        ("强度约束", f"末年较基准年下降 {c['target_decline']:.0%}"), ("状态", status)])
    body += tp.table(t["总量与年度目标"], digits=2)
    body += tp.heading(title("scenarios"))
    body += tp.para("情景排放为估算值（带 90% 区间），强度约束隐含总量 = 目标强度 × 预期 GDP。")
    body += tp.table(t["情景比较"], digits={k: 1 for k in t["情景比较"].columns} | {"末年强度下降": 3})
    body += tp.heading(title("allocation"))
    body += tp.para(f"分配方法：{method}。各地区分配量（万吨 CO2）如下，分配因子见下表。")
    body += tp.table(t["纵向分配"], digits=1, size="7pt")
    body += tp.table(t["分配因子"], digits=2, size="7pt")
    body += tp.heading(title("fairness"))
    body += tp.para("人均 = 年均预算 / 常住人口；单位 GDP = 年均预算 / 规划期预期 GDP；变化为年均预算较近五年年均排放（负值表示收紧）。")
    body += tp.table(t["公平性"], digits={k: 2 for k in t["公平性"].columns} | {"较近五年变化": 3}, size="7pt")
    body += tp.heading(title("reserve"))
    body += tp.table(t["预留储备"], digits=2)
    if len(t["单列指标"]):
        body += tp.table(t["单列指标"][["年份", "地区", "地区名称", "项目", "单列指标（万吨）"]], digits=2)
    else:
        body += tp.para("本方案无单列指标。")
    if len(t["横向分配"]):
        body += tp.heading(title("horizontal"))
        body += tp.table(t["横向分配"][["城市", "对象", "方法", "单位代码", "名称", "年份", "分配量（万吨）"]], digits=2, size="7pt")
    body += tp.heading(title("duties"))
    body += tp.bullets([
        f"{parent}作为总承包人：统筹五年总量，持有预留储备，审批调剂、预支与单列指标，组织年度决算与考评。",
        "各下级地区：按下达的年度预算组织实施，将预算横向分解到行业或重点排放单位，按季度报送执行情况。",
        "重点排放单位：按分解量控制排放，报送经核查的年度排放与用电数据。",
        "统计与分析部门：按月更新用电、能源与工业产品数据，运行电-碳模型快算，发布晴雨表与预警。",
    ])
    body += tp.bullets([f"{y0 - 1} 年：方案编制、征求意见、修改与批准；"]
                       + [f"{y} 年：按季度监测预警，年末年度决算并逐年调整；" for y in c["years"]]
                       + [f"{y1 + 1} 年上半年：五年决算与评估。"])
    if objections is not None:
        from reports.province_doc import objections_markup

        body += objections_markup(objections, title("objections"))
    from reports import books_doc

    body += books_doc.markup(books)
    return tp.render_pdf(body, f"{parent}碳排放预算方案（{y0}–{y1}年）", status)
