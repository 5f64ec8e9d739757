"""年度决算报告 and 五年决算报告: the final accounts as Chinese PDF (typst, with charts) and xlsx.

Pure: DataFrames from ``monitor.accounts`` (close rows, fuels, assessment rows) in, bytes out.
Headings are fixed in ``ANNUAL_HEADINGS`` / ``FIVE_YEAR_HEADINGS`` so tests can look for them.
"""
from __future__ import annotations

import math
from typing import Mapping

import pandas as pd

from budget import adjustment_rule, config, evaluation, lmdi
from reports import typst_pdf as tp
from reports.chart_images import spec_png, specs_png
from reports.xlsx import workbook

ANNUAL_HEADINGS = {
    "summary": "一、决算总览",
    "execution": "二、各地区预算执行与结论",
    "causes": "三、原因分析（LMDI 因素分解）",
    "fuels": "四、分燃料排放",
    "adjustment": "五、动态调节与下一年度预算建议",
    "objections": "六、异议与答复",
}
FIVE_YEAR_HEADINGS = {
    "summary": "一、五年核算总览",
    "targets": "二、总量与强度目标完成情况",
    "fuels": "三、分燃料五年排放",
    "evaluation": "四、预算管理质量评价",
    "ranking": "五、评分、等级与排名",
    "consequences": "六、考核结果运用与能力建设资金",
    "objections": "七、异议与答复",
}
FACTOR_ZH = {"activity": "经济规模（GDP）", "structure": "产业结构（三次产业增加值占比）",
             "energy_intensity": "能源强度", "carbon_intensity": "能源碳强度（燃料结构、电网因子）"}
FUEL_ZH = {"fuel_raw_coal": "原煤", "fuel_coke": "焦炭", "fuel_gasoline": "汽油", "fuel_diesel": "柴油",
           "fuel_kerosene": "煤油", "fuel_fuel_oil": "燃料油", "fuel_lpg": "液化石油气", "fuel_natural_gas": "天然气",
           "elec_net_import": "净调入电力"}
KIND_ZH = {"none": "不调整", "deduction": "扣减", "carryover": "结转", "exempt": "重大项目例外",
           "no_next_budget": "无下一年预算", "no_data": "数据不全"}


def _status(s) -> str:
    return "—" if s is None or (isinstance(s, float) and math.isnan(s)) else config.label(config.STATUS_LABELS, s, "zh")


def _name(rows: pd.DataFrame) -> pd.Series:
    return rows["name_zh"].fillna(rows["region"]) if "name_zh" in rows else rows["region"]


# ------------------------------------------------------------------------------------------ annual
def annual_tables(rows: pd.DataFrame, fuels: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every table of the annual report with Chinese column names (the xlsx sheets, in order)."""
    r = rows.reset_index(drop=True)
    name = _name(r)
    execution = pd.DataFrame({
        "地区": r["region"], "名称": name, "预算（万吨）": r["budget"], "核算排放（万吨）": r["accounted"],
        "其中估算（万吨）": r["accounted_estimated"], "执行率": r["execution_rate"], "偏差": r["deviation"],
        "结论": r["conclusion"].map(_status), "GDP（亿元）": r["gdp"], "碳强度（吨/万元）": r["intensity"],
        "强度变化": r["intensity_change"], "强度目标": r["intensity_target"],
        "五年预算（万吨）": r["five_year_budget"], "五年累计排放（万吨）": r["five_year_used_to_date"],
        "五年时序进度": r["five_year_schedule"], "五年执行进度": r["five_year_execution"],
        "估算或缺失月份": [", ".join(list(a) + list(b)) for a, b in zip(r["months_estimated"], r["months_missing"])],
    })
    # effects rounded as printed (1 decimal) so that they add up exactly to the printed change (largest remainder)
    ly = lmdi.round_effects(r[[f"lmdi_{f}" for f in lmdi.FACTORS]].to_numpy(dtype=float), r["change_vs_last_year"], 1)
    vb = lmdi.round_effects(r[[f"lmdi_budget_{f}" for f in lmdi.FACTORS]].to_numpy(dtype=float), r["change_vs_budget"], 1)
    causes = pd.DataFrame({"地区": r["region"], "名称": name, "上年排放（万吨）": r["last_year"],
                           "较上年变化（万吨）": r["change_vs_last_year"].astype(float).round(1),
                           **{FACTOR_ZH[f]: ly[:, i] for i, f in enumerate(lmdi.FACTORS)}})
    causes_budget = pd.DataFrame({"地区": r["region"], "名称": name, "较预算差额（万吨）": r["change_vs_budget"].astype(float).round(1),
                                  **{FACTOR_ZH[f]: vb[:, i] for i, f in enumerate(lmdi.FACTORS)}})
    wide = fuels.pivot_table(index="region", columns="indicator", values="co2", aggfunc="sum").fillna(0.0) if len(fuels) \
        else pd.DataFrame(index=pd.Index([], name="region"))
    wide.columns = [FUEL_ZH.get(c, c) for c in wide.columns]
    wide["合计"] = wide.sum(axis=1)
    wide = wide.reset_index().rename(columns={"region": "地区"})
    adjust = pd.DataFrame({"地区": r["region"], "名称": name, "下一年预算（万吨）": r["next_budget"],
                           "调节方式": r["adjustment_kind"].map(lambda k: KIND_ZH.get(k, k)),
                           "调节量（万吨）": r["adjustment"], "建议下一年预算（万吨）": r["proposed_next_budget"],
                           "理由": r["reason_zh"]})
    rule = pd.DataFrame({"调节规则": adjustment_rule.RULE_TEXT["zh"]})
    return {"预算执行": execution, "原因-较上年": causes, "原因-较预算": causes_budget, "分燃料排放": wide,
            "调节建议": adjust, "调节规则": rule}


def _bar(data: list[dict], x: str, y: str, title: str, color: str | None = None, sort: str | None = None) -> dict:
    enc = {"x": {"field": x, "type": "nominal", "sort": sort or None, "axis": {"labelAngle": -40}, "title": None},
           "y": {"field": y, "type": "quantitative", "title": None}}
    if color:
        enc["color"] = {"field": color, "type": "nominal", "title": None}
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "title": title, "width": 620, "height": 230,
            "background": "white",
            "data": {"values": data}, "mark": {"type": "bar"}, "encoding": enc,
            "config": {"font": "Noto Sans CJK SC"}}


#: Charts show at most this many cities (those that matter most); the tables always list every city.
CHART_CITIES = 30


def _top(cities: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    return cities.loc[key.abs().sort_values(ascending=False).index[:CHART_CITIES]].sort_values("region") \
        if len(cities) > CHART_CITIES else cities


def annual_charts(rows: pd.DataFrame) -> dict[str, bytes]:
    cities = rows[~rows["is_province"].astype(bool)]
    cities = _top(cities, cities["deviation"].fillna(0.0))
    name = _name(cities)
    ex = [{"城市": n, "执行率": float(v) * 100} for n, v in zip(name, cities["execution_rate"]) if pd.notna(v)]
    more = len(rows) - 1 > CHART_CITIES
    spec = _bar(ex, "城市", "执行率", "年度预算执行率（%，100 = 预算）" + ("，偏差最大的 30 个城市" if more else ""))
    spec["layer"] = [{"mark": "bar", "encoding": spec.pop("encoding")},
                     {"mark": {"type": "rule", "color": "#c62828"}, "encoding": {"y": {"datum": 100}}}]
    spec.pop("mark")
    lm = [{"城市": n, "因素": FACTOR_ZH[f], "万吨": float(v)} for n, (_, row) in zip(name, cities.iterrows())
          for f in lmdi.FACTORS for v in [row[f"lmdi_{f}"]] if pd.notna(v)]
    specs = {"execution.png": spec} if ex else {}
    if lm:
        specs["lmdi.png"] = _bar(lm, "城市", "万吨", "较上年变化的 LMDI 因素分解（万吨）", "因素")
    return specs_png(specs)  # one renderer call for both charts


def annual_pdf(rows: pd.DataFrame, fuels: pd.DataFrame, year: int, provisional: bool, months_estimated: list[str],
               version: int | None = None, objections: pd.DataFrame | None = None, books: dict | None = None) -> bytes:
    """年度决算报告 (PDF bytes); ``objections``: the table of ``reports.province_doc.objections_table``."""
    t = annual_tables(rows, fuels)
    charts = annual_charts(rows)
    img = lambda name: tp.image(name) if name in charts else tp.para("（无数据，无法作图）")
    prov = rows[rows["is_province"].astype(bool)]
    p = prov.iloc[0] if len(prov) else rows.iloc[0]
    body = tp.heading(ANNUAL_HEADINGS["summary"])
    if provisional:
        body += tp.para(f"【暂定决算】以下月份的排放仍为电-碳模型估算值或尚无数据：{', '.join(months_estimated)}。"
                        "统计数据到位后须重新决算。")
    body += tp.kv_table([
        ("决算年度", str(year)), ("版本", str(version or "—")),
        ("省级预算（万吨）", tp.fmt_number(p["budget"], 1)), ("核算排放（万吨）", tp.fmt_number(p["accounted"], 1)),
        ("执行率", "—" if pd.isna(p["execution_rate"]) else f"{p['execution_rate']:.1%}"),
        ("结论", _status(p["conclusion"])),
        ("较上年变化（万吨）", tp.fmt_number(p["change_vs_last_year"], 1)),
        ("碳强度（吨/万元）", tp.fmt_number(p["intensity"], 3)),
    ])
    body += tp.heading(ANNUAL_HEADINGS["execution"]) + img("execution.png")
    ex = t["预算执行"][["地区", "名称", "预算（万吨）", "核算排放（万吨）", "执行率", "偏差", "结论", "碳强度（吨/万元）", "五年执行进度"]]
    body += tp.table(ex, digits={"执行率": 3, "偏差": 3, "碳强度（吨/万元）": 3, "五年执行进度": 3})
    body += tp.heading(ANNUAL_HEADINGS["causes"])
    body += tp.para("恒等式：CO2 = Σ 各产业 GDP × 增加值占比 × 该产业能源强度（能耗 ÷ 增加值）× 能源碳强度（CO2 ÷ 能耗）；"
                    "加法 LMDI 分解，各因素之和等于变化量（按显示精度取整后仍相等）。缺少分产业增加值的地区不列产业结构项，"
                    "按 CO2 = GDP × 能耗强度 × 能源碳强度分解。")
    body += img("lmdi.png") + tp.table(t["原因-较上年"]) + tp.table(t["原因-较预算"])
    body += tp.heading(ANNUAL_HEADINGS["fuels"]) + tp.table(t["分燃料排放"])
    body += tp.heading(ANNUAL_HEADINGS["adjustment"]) + tp.bullets(adjustment_rule.RULE_TEXT["zh"])
    body += tp.table(t["调节建议"], size="7pt")
    title = f"{year}年度碳排放预算决算报告" + ("（暂定）" if provisional else "")
    if objections is not None:
        from reports.province_doc import objections_markup

        body += objections_markup(objections, ANNUAL_HEADINGS["objections"])
    from reports import books_doc

    body += books_doc.markup(books)
    return tp.render_pdf(body, title, "年度决算 · 依据统计核算数据与动态调节机制", images=charts)


def annual_xlsx(rows: pd.DataFrame, fuels: pd.DataFrame, objections: pd.DataFrame | None = None,
                books: dict | None = None) -> bytes:
    from reports import books_doc

    sheets = {**annual_tables(rows, fuels), **books_doc.sheets(books)}
    if objections is not None:
        sheets["异议与答复"] = objections
    return workbook(sheets)


# ------------------------------------------------------------------------------------------ five-year
def five_year_tables(rows: pd.DataFrame, fuels: pd.DataFrame, closes: pd.DataFrame | None = None,
                     sectors: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    r = rows.reset_index(drop=True)
    name = _name(r)
    targets = pd.DataFrame({
        "地区": r["region"], "名称": name, "五年核算排放（万吨）": r["five_year_accounted"],
        "五年预算（万吨）": r["five_year_budget"], "总量完成比": r["total_completion"],
        "基期强度": r["intensity_base"], "末年强度": r["intensity_end"], "强度下降": r["intensity_decline"],
        "目标下降": r["intensity_target_decline"], "强度目标完成比": r["intensity_completion"]})
    ev = {"地区": r["region"], "名称": name}
    for k in evaluation.INDICATORS:
        ev[evaluation.INDICATOR_LABELS[k]["zh"]] = r[f"score_{k}"]
    evaluation_t = pd.DataFrame(ev)
    raw = pd.DataFrame({"地区": r["region"], "名称": name, "预算偏差均值": r["budget_accuracy"],
                        "红色预警年数": r["red_years"], "预警后措施天数": r["alert_response_days"],
                        "快算MAPE": r["nowcast_mape"], "按时报送占比": r["upload_on_time_share"],
                        "能力资金覆盖": r["capacity_coverage"] if "capacity_coverage" in r else float("nan")})
    ranking = pd.DataFrame({"排名": pd.to_numeric(r["rank"], errors="coerce").astype(float), "地区": r["region"], "名称": name, "综合得分": r["score"],
                            "等级": r["grade"].map(lambda g: evaluation.GRADE_LABELS.get(g, {}).get("zh", "—")),
                            "有数据指标权重": r["coverage"]}).sort_values("排名", na_position="last")
    wide = fuels.pivot_table(index="region", columns="indicator", values="co2", aggfunc="sum").fillna(0.0) if len(fuels) \
        else pd.DataFrame(index=pd.Index([], name="region"))
    wide.columns = [FUEL_ZH.get(c, c) for c in wide.columns]
    wide["合计"] = wide.sum(axis=1)
    out = {"目标完成": targets, "分燃料": wide.reset_index().rename(columns={"region": "地区"}),
           "评价指标得分": evaluation_t, "评价指标原值": raw, "排名": ranking,
           "权重": pd.DataFrame({"指标": [evaluation.INDICATOR_LABELS[k]["zh"] for k in evaluation.INDICATORS],
                               "权重": [w for w, _ in evaluation.INDICATORS.values()],
                               "来源": ["数据计算" if s == "computed" else "评分录入" for _, s in evaluation.INDICATORS.values()]})}
    if sectors is not None and len(sectors):
        from budget.allowances import canonical_sector, sector_label  # sector names, never codes, in the Chinese document

        named = sectors.assign(sector=sectors["sector"].map(lambda v: sector_label(canonical_sector(v), "zh")))
        out["分行业（重点排放单位）"] = named.rename(columns={"region": "地区", "sector": "行业", "co2": "排放（万吨）"})
    if closes is not None and len(closes):
        c = closes.pivot_table(index="region", columns="year", values="accounted", aggfunc="sum")
        c.columns = [f"{y}年" for y in c.columns]
        out["逐年核算排放"] = c.reset_index().rename(columns={"region": "地区"})
    return out


def five_year_pdf(rows: pd.DataFrame, fuels: pd.DataFrame, start: int, end: int, closes: pd.DataFrame | None = None,
                  sectors: pd.DataFrame | None = None, objections: pd.DataFrame | None = None,
                  actions: pd.DataFrame | None = None, funds: pd.DataFrame | None = None, books: dict | None = None) -> bytes:
    """五年决算报告 (PDF bytes). ``actions`` / ``funds`` / ``objections``: the tables of ``reports.province_doc``
    (what followed the assessment, capacity funds, objections and answers)."""
    t = five_year_tables(rows, fuels, closes, sectors)
    prov = rows[rows["is_province"].astype(bool)]
    p = prov.iloc[0] if len(prov) else rows.iloc[0]
    body = tp.heading(FIVE_YEAR_HEADINGS["summary"]) + tp.kv_table([
        ("期间", f"{start}–{end}"), ("五年核算排放（万吨）", tp.fmt_number(p["five_year_accounted"], 1)),
        ("五年预算（万吨）", tp.fmt_number(p["five_year_budget"], 1)),
        ("总量完成比", "—" if pd.isna(p["total_completion"]) else f"{p['total_completion']:.1%}"),
        ("强度下降", "—" if pd.isna(p["intensity_decline"]) else f"{p['intensity_decline']:.1%}"),
        ("强度目标下降", "—" if pd.isna(p["intensity_target_decline"]) else f"{p['intensity_target_decline']:.1%}"),
    ])
    if "逐年核算排放" in t:
        body += tp.table(t["逐年核算排放"])
    body += tp.heading(FIVE_YEAR_HEADINGS["targets"]) + tp.table(t["目标完成"], digits=3)
    body += tp.heading(FIVE_YEAR_HEADINGS["fuels"]) + tp.table(t["分燃料"])
    if "分行业（重点排放单位）" in t:
        body += tp.table(t["分行业（重点排放单位）"])
    body += tp.heading(FIVE_YEAR_HEADINGS["evaluation"])
    body += tp.para("能由数据计算的指标自动计算；无法计算的由管理员评分录入；无数据的指标不计入，其余权重按比例放大。")
    body += tp.table(t["权重"], digits=2) + tp.table(t["评价指标得分"], size="7pt") + tp.table(t["评价指标原值"], digits=3)
    cities = rows[~rows["is_province"].astype(bool)]
    if len(cities) > CHART_CITIES:  # the best and the worst 15
        ranked = cities.sort_values("score", ascending=False)
        cities = pd.concat([ranked.head(CHART_CITIES // 2), ranked.tail(CHART_CITIES // 2)])
    data = [{"城市": n, "得分": float(s)} for n, s in zip(_name(cities), cities["score"]) if pd.notna(s)]
    images = {"scores.png": spec_png(_bar(data, "城市", "得分", "综合得分（满分 100）", sort="-y"))} if data else {}
    body += tp.heading(FIVE_YEAR_HEADINGS["ranking"]) + (tp.image("scores.png") if data else "") + tp.table(t["排名"], digits={"排名": 0, "综合得分": 1, "有数据指标权重": 2})
    if actions is not None or funds is not None or objections is not None:
        from reports import province_doc

        empty = pd.DataFrame()
        body += province_doc.actions_markup(actions if actions is not None else empty, funds if funds is not None else empty,
                                            FIVE_YEAR_HEADINGS["consequences"])
        if objections is not None:
            body += province_doc.objections_markup(objections, FIVE_YEAR_HEADINGS["objections"])
    from reports import books_doc

    body += books_doc.markup(books)
    return tp.render_pdf(body, f"{start}–{end}年五年碳排放预算决算报告", "五年决算 · 核算、目标完成与质量评价", images=images)


def five_year_xlsx(rows: pd.DataFrame, fuels: pd.DataFrame, closes: pd.DataFrame | None = None,
                   sectors: pd.DataFrame | None = None, objections: pd.DataFrame | None = None,
                   actions: pd.DataFrame | None = None, funds: pd.DataFrame | None = None, books: dict | None = None) -> bytes:
    from reports import books_doc

    sheets = {**five_year_tables(rows, fuels, closes, sectors), **books_doc.sheets(books)}
    for name, frame in (("考核结果运用", actions), ("能力建设资金", funds), ("异议与答复", objections)):
        if frame is not None:
            sheets[name] = frame
    return workbook(sheets)


def report_names(kind: str, label: str) -> Mapping[str, str]:
    return {"pdf": f"{kind}_{label}.pdf", "xlsx": f"{kind}_{label}.xlsx"}
