"""The one translation table of the UI (Chinese by default, English selectable).

Domain labels that the pure packages own (statuses, ledger entry types) stay there; this table holds
UI text. ``t(key, **fmt)`` returns the text in the session's language.
"""
from __future__ import annotations

import streamlit as st

LANGS = {"zh": "中文", "en": "English"}
DEFAULT_LANG = "zh"

TEXT: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("碳排放预算监测", "Carbon budget monitor"),
    "language": ("语言 / Language", "语言 / Language"),
    "no_warehouse": ("未找到数据仓库：{path}。请先运行 `make run`（会自动生成示范省）或 `carbon-budget demo`。",
                     "No warehouse at {path}. Run `make run` (builds the demo province) or `carbon-budget demo` first."),
    "warehouse_error": ("无法读取数据仓库：{err}", "Cannot read the warehouse: {err}"),
    "estimate_note": ("虚线与阴影为电-碳模型估算值（非统计数），阴影为 90% 区间。",
                      "Dashed lines and shading are electricity-to-carbon model estimates (not statistics); shading is the 90% interval."),
    # pages
    "page_overview": ("数据总览", "Data overview"),
    "page_accuracy": ("模型与精度", "Model & accuracy"),
    "page_weather": ("碳预算晴雨表", "Budget weather vane"),
    "page_city": ("城市详情", "City detail"),
    "page_rankings": ("排名", "Rankings"),
    "page_alerts": ("预警", "Alerts"),
    "page_upload": ("数据上传", "Upload data"),
    "page_batches": ("数据批次", "Upload history"),
    # overview
    "ov_intro": ("数据仓库中的月度电力、能源、工业产品与排放数据，以及每个数值的来源批次。",
                 "Monthly power, energy, industrial-output and emissions data in the warehouse, and the batch each value came from."),
    "ov_regions": ("地区数", "Regions"),
    "ov_indicators": ("有数据的指标", "Indicators with data"),
    "ov_statistical": ("统计值", "Statistical values"),
    "ov_estimated": ("估算值", "Estimated values"),
    "ov_latest": ("最新月份", "Latest month"),
    "ov_holdings": ("各指标数据覆盖（按类型）", "Coverage by indicator and kind"),
    "ov_explorer": ("城市数据浏览", "City explorer"),
    "ov_city": ("城市", "City"),
    "ov_indicators_pick": ("指标", "Indicators"),
    "ov_no_series": ("该城市所选指标暂无数据。", "No data for this city and these indicators."),
    "ov_co2_by_fuel": ("分燃料核算排放", "Accounted CO2 by fuel"),
    "ov_year": ("年份", "Year"),
    "ov_no_fuel": ("该城市该年份没有能源消费统计数据，无法核算。", "No fuel statistics for this city and year: nothing to account."),
    "ov_fuel_note": ("CO2 = Σ 燃料消费量 × 排放因子 + 净调入电量 × 电网排放因子（因子及来源见下表）。",
                     "CO2 = Σ fuel use × emission factor + net imported electricity × grid factor (factors and sources below)."),
    "ov_factors": ("排放因子及来源", "Emission factors and sources"),
    "col_indicator": ("指标", "Indicator"),
    "col_kind": ("类型", "Kind"),
    "col_regions": ("地区数", "Regions"),
    "col_first": ("起始时期", "First period"),
    "col_latest": ("最新时期", "Latest period"),
    "col_values": ("数值个数", "Values"),
    "col_unit": ("单位", "Unit"),
    "col_quantity": ("消费量", "Quantity"),
    "col_co2": ("排放量（万吨CO2）", "CO2 (10k t)"),
    "col_months": ("月数", "Months"),
    "col_period": ("时期", "Period"),
    "col_value": ("数值", "Value"),
    "kind_statistical": ("统计", "statistical"),
    "kind_estimated": ("估算", "estimated"),
    "kind_verified": ("核定", "verified"),
}


def lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, **fmt) -> str:
    zh, en = TEXT[key]
    text = zh if lang() == "zh" else en
    return text.format(**fmt) if fmt else text


def name_col() -> str:
    """Column holding names in the session's language (name_zh / name_en)."""
    return "name_zh" if lang() == "zh" else "name_en"

TEXT.update({
    # model & accuracy
    "acc_intro": ("电-碳模型（LightGBM）与简单基线方法在模型从未见过的数据上的滚动回测误差。数值越小越好。",
                  "Rolling-origin backtest error of the electricity-to-carbon model (LightGBM) and simple baselines, "
                  "scored on data the model never saw. Lower is better."),
    "acc_no_run": ("尚无模型运行记录。请运行 `carbon-budget nowcast`。", "No model run yet. Run `carbon-budget nowcast`."),
    "acc_latest_run": ("最近一次模型运行", "Latest model run"),
    "acc_run_line": ("运行 #{run_id}，时间 {created_at}；数据截至 {as_of}，碳排放统计截至 {data_cut}；估算值 {n} 个。",
                     "Run #{run_id} at {created_at}; data as of {as_of}, CO2 statistics up to {data_cut}; {n} estimates."),
    "acc_beats": ("LightGBM 平均误差 {lgb:.1%}，优于最佳基线 {best}（{best_mape:.1%}）。",
                  "LightGBM mean error {lgb:.1%} beats the best baseline, {best} ({best_mape:.1%})."),
    "acc_loses": ("注意：LightGBM 平均误差 {lgb:.1%}，未能优于基线 {best}（{best_mape:.1%}）。估算仍可参考，但请以该基线为对照。",
                  "Caution: LightGBM mean error {lgb:.1%} does not beat the baseline {best} ({best_mape:.1%}). "
                  "Read the estimates against that baseline."),
    "acc_by_horizon": ("各模型按预测步长的平均绝对百分比误差（MAPE）", "MAPE by horizon, every model"),
    "acc_table": ("回测明细（全部城市合并）", "Backtest table (all cities pooled)"),
    "acc_coverage": ("预测区间的实际覆盖率", "Empirical coverage of the prediction intervals"),
    "acc_cov80": ("80% 区间覆盖率", "80% interval coverage"),
    "acc_cov90": ("90% 区间覆盖率", "90% interval coverage"),
    "acc_per_city": ("分城市误差", "Error per city"),
    "acc_skipped": ("未估算的地区", "Regions without an estimate"),
    "acc_noise": ("示范省噪声底线：真实排放与核算排放之间的误差 {floor:.1%}（模型不可能低于此值）。",
                  "Demo noise floor: error between the true and the accounted emissions, {floor:.1%} (no model can beat it)."),
    "col_model": ("模型", "Model"),
    "col_horizon": ("步长（月）", "Horizon (months)"),
    "col_mape": ("MAPE", "MAPE"),
    "col_median_ape": ("中位 APE", "Median APE"),
    "col_bias": ("偏差", "Bias"),
    "col_reason": ("原因", "Reason"),
    "col_region": ("地区", "Region"),
    "model_lightgbm": ("LightGBM 电-碳模型", "LightGBM electricity-to-carbon"),
    "model_naive_seasonal": ("去年同期", "Same month last year"),
    "model_ratio_yoy": ("去年同期 × 用电增速", "Last year × electricity growth"),
    "model_ratio_12m": ("近12月碳电比", "12-month carbon/electricity ratio"),
    "model_ridge": ("岭回归", "Ridge regression"),
})
