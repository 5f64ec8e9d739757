"""A recommended policy mix that knows the situation, and expected against achieved reduction. Pure.

:func:`recommend_mix` picks instruments (codes of ``data/policy_toolbox.csv``) from three sources,
in this order, each with why:
1. the drivers the alert names (year-on-year change of an indicator, e.g. crude steel +12% →
   capacity replacement, regional approval limits, phasing out backward capacity): ``DRIVER_INSTRUMENTS``;
2. the nowcast's attribution (the contribution group adding most, e.g. industrial output):
   ``GROUP_INSTRUMENTS``;
3. the status' combination of the source paper (``budget.policy.recommend_policies``), plus the
   major-project path when a separately-listed project is in the city.
An instrument appears once (its first reason) and says whether the city already has a measure with
it in place (not cancelled) and which.

:func:`expected_vs_achieved` compares, per measure, the reduction expected to date with what the
owners report and with what the measure's indicator shows (its year-on-year change over the
measure's months; a CO2 estimate where a factor per unit is known: ``INDICATOR_CO2``). The
indicator moves for every reason, not only the measure: it is labelled an estimate.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from budget import config
from budget.measures import month_index
from budget.policy import instruments, recommend_policies

_HEAVY = ("capacity_replacement", "regional_approval_limit", "phase_out")
DRIVER_INSTRUMENTS = {
    "out_crude_steel": _HEAVY, "out_pig_iron": _HEAVY, "out_steel_products": _HEAVY, "out_cement": _HEAVY,
    "out_flat_glass": _HEAVY, "out_nonferrous": ("capacity_replacement", "stricter_standards"),
    "out_ethylene": ("project_carbon_review", "regional_approval_limit"),
    "gen_thermal": ("stricter_standards", "differential_price"),
    "fuel_raw_coal": ("phase_out", "stricter_standards", "differential_price"),
    "fuel_coke": ("phase_out", "stricter_standards"),
    "elec_total": ("differential_price", "green_finance"), "elec_secondary": ("differential_price", "stricter_standards"),
    "elec_net_import": ("green_finance",),
    "gen_hydro": ("green_finance",), "gen_wind": ("green_finance",), "gen_solar": ("green_finance",),
}
GROUP_INSTRUMENTS = {
    "industry": ("capacity_replacement", "project_carbon_review"),
    "power_mix": ("stricter_standards", "differential_price"),
    "energy_fuel": ("stricter_standards", "phase_out"),
    "electricity": ("differential_price", "green_finance"),
}
#: 万吨 CO2 per canonical unit of the indicator, for the indicator-based estimate of what a measure
#: achieved. Fuels: data/emission_factors.csv. Products: typical route intensities (assumptions).
INDICATOR_CO2 = {
    "out_crude_steel": (1.8, "assumption: ≈1.8 t CO2/t crude steel (blast furnace–converter route)"),
    "out_pig_iron": (1.5, "assumption: ≈1.5 t CO2/t pig iron"),
    "out_cement": (0.6, "assumption: ≈0.6 t CO2/t cement (process + fuel)"),
    "gen_thermal": (0.00085, "assumption: ≈850 g CO2/kWh coal-fired generation"),
    "fuel_raw_coal": (1.9003, "data/emission_factors.csv"),
    "fuel_coke": (2.8604, "data/emission_factors.csv"),
}
MIX_COLUMNS = ["code", "instrument_type", "name_zh", "name_en", "why_zh", "why_en", "source", "in_place", "in_place_titles"]


def _pct(x: float) -> str:
    return f"{x * 100:+.1f}%"


def recommend_mix(status: str | None, drivers=(), contributions=(), major_project: bool = False,
                  city_measures: pd.DataFrame | None = None, indicator_catalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """The mix for one city: ``MIX_COLUMNS`` (see module docs).

    ``drivers``: records with indicator, name_zh, name_en, yoy (an alert's ``drivers``);
    ``contributions``: records with group, value, basis (an alert's ``contributions``);
    ``city_measures``: the city's measures (instrument, title, effective_status or status).
    """
    tb = instruments().set_index("code")
    rows: dict[str, dict] = {}

    def add(code: str, zh: str, en: str, source: str) -> None:
        if code in tb.index and code not in rows:
            r = tb.loc[code]
            rows[code] = {"code": code, "instrument_type": r["instrument_type"], "name_zh": r["name_zh"],
                          "name_en": r["name_en"], "why_zh": zh, "why_en": en, "source": source}

    for d in drivers or ():
        ind, yoy = str(d.get("indicator")), d.get("yoy")
        if yoy is None or not np.isfinite(float(yoy)) or float(yoy) <= 0 and config.DRIVER_RELEVANCE.get(ind, 0) > 0:
            continue
        name_en = str(d.get("name_en") or ind)
        for code in DRIVER_INSTRUMENTS.get(ind, ()):
            add(code, f"{d.get('name_zh') or ind}同比 {_pct(float(yoy))}",
                f"{name_en[:1].lower() + name_en[1:]} {_pct(float(yoy))} yoy", "driver")
    labels = {}
    if indicator_catalog is not None:
        labels = dict(zip(indicator_catalog["code"], zip(indicator_catalog["name_zh"], indicator_catalog["name_en"])))
    for c in contributions or ():
        g, v = str(c.get("group")), float(c.get("value") or 0.0)
        if v <= 0 or g in config.NON_DRIVER_GROUPS:
            continue
        zh, en = labels.get(g, (config.label(config.DRIVER_GROUP_LABELS, g, "zh"), config.label(config.DRIVER_GROUP_LABELS, g, "en")))
        for code in GROUP_INSTRUMENTS.get(g, ()):
            add(code, f"快算模型归因：{zh} {v:+.1f} 万吨", f"nowcast attribution: {en} {v:+.1f} (10^4 t)", "attribution")
    case_zh = config.label(config.POLICY_CASE_LABELS, status or "", "zh")
    case_en = config.label(config.POLICY_CASE_LABELS, status or "", "en")
    for p in recommend_policies(status, major_project).to_dict("records"):
        if p["case"] == "major_project":
            add(p["code"], "重大项目导致预算偏紧", "a major project strains the budget", "major_project")
        else:
            add(p["code"], f"{case_zh}的政策组合", f"the {case_en.lower()} combination", "status")
    out = pd.DataFrame(list(rows.values()), columns=MIX_COLUMNS[:-2])
    titles: dict[str, list[str]] = {}
    if city_measures is not None and len(city_measures):
        st = city_measures["effective_status"] if "effective_status" in city_measures.columns else city_measures["status"]
        live = city_measures[st.ne("cancelled")]
        for code, title in zip(live["instrument"], live["title"]):
            titles.setdefault(str(code), []).append(str(title))
    out["in_place"] = out["code"].map(lambda c: c in titles).astype(bool)
    out["in_place_titles"] = out["code"].map(lambda c: "；".join(titles.get(c, [])))
    return out


def expected_vs_achieved(measures: pd.DataFrame, reports: pd.DataFrame | None, drivers: pd.DataFrame | None,
                         year: int, month: int) -> pd.DataFrame:
    """Per measure (measure_id): months_active (in ``year`` up to ``month``), expected_to_date (万吨 =
    reduction / 12 × months_active), reported_to_date (the latest accepted report's value, else the
    latest report's; NaN if none), reported_accepted (bool), indicator, indicator_yoy (the
    indicator over those months against the same months of last year), indicator_estimate
    (万吨 = −change × ``INDICATOR_CO2`` factor; an estimate of all causes, NaN without a factor)."""
    cols = ["measure_id", "months_active", "expected_to_date", "reported_to_date", "reported_accepted",
            "indicator", "indicator_yoy", "indicator_estimate"]
    if measures is None or measures.empty:
        return pd.DataFrame(columns=cols)
    d = None
    if drivers is not None and len(drivers):
        d = drivers.assign(period=drivers["period"].astype(str))
        d = d[d["period"].str.len() == 7].drop_duplicates(["region", "indicator", "period"], keep="last")
        d = d.set_index(["region", "indicator", "period"])["value"]
    rep = None
    if reports is not None and len(reports):
        rep = reports[reports["value"].notna()].sort_values("submitted_at", kind="stable")
    rows = []
    for m in measures.to_dict("records"):
        start = m["actual_start"] if isinstance(m.get("actual_start"), str) and m["actual_start"] else m["planned_start"]
        end = m["actual_end"] if isinstance(m.get("actual_end"), str) and m["actual_end"] else m["planned_end"]
        lo, hi = max(month_index(start), year * 12), min(month_index(end), year * 12 + month - 1)
        months = [i % 12 + 1 for i in range(lo, hi + 1)] if hi >= lo and m.get("effective_status", m.get("status")) != "cancelled" else []
        expected = float(m["reduction"]) / 12.0 * len(months)
        reported, accepted = np.nan, False
        if rep is not None:
            mine = rep[rep["measure_id"] == m["measure_id"]]
            ok = mine[mine["review_status"] == "accepted"] if "review_status" in mine.columns else mine.iloc[0:0]
            pick = ok if len(ok) else mine
            if len(pick):
                reported, accepted = float(pick["value"].iloc[-1]), bool(len(ok))
        yoy = est = np.nan
        ind = m.get("indicator")
        if isinstance(ind, str) and ind and d is not None and months:
            cur = [d.get((m["region"], ind, f"{year}-{k:02d}")) for k in months]
            prev = [d.get((m["region"], ind, f"{year - 1}-{k:02d}")) for k in months]
            if all(x is not None for x in cur + prev) and sum(prev) > 0:
                yoy = sum(cur) / sum(prev) - 1
                if ind in INDICATOR_CO2:
                    est = max(0.0, sum(prev) - sum(cur)) * INDICATOR_CO2[ind][0]
        rows.append((m["measure_id"], len(months), expected, reported, accepted, ind, yoy, est))
    return pd.DataFrame(rows, columns=cols)
