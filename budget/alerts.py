"""Overspend alerts (预警) with reasons written from the data, in Chinese and English.

For every city at orange or red, :func:`build_alerts` writes a reason such as
"1–10月累计排放超时序进度 8.3%，主要因粗钢产量同比 +12.0%" /
"Jan–Oct cumulative emissions 8.3% ahead of schedule, mainly crude steel output +12.0% yoy".

Drivers are explained two ways, both over months 1..m of the year:
(a) nowcast driver-group contributions (dict group -> 万吨 per estimated month): the change
    against the same months of last year when last year's contributions exist, else the level;
    the group adding most is named;
(b) year-on-year change of each driver indicator, weighted by ``config.DRIVER_RELEVANCE``
    (negative for clean generation, so falling hydro output counts as pushing emissions up);
    the ``config.TOP_DRIVERS`` highest positive scores are named.
Both are computed for all regions at once (group-bys over region, indicator or group, month and
year); the loop over alerts only writes the text.
"""
from __future__ import annotations

import json
import re
from typing import Mapping

import pandas as pd

from budget import config
from budget.periods import span_label, split_months
from budget.policy import policy_cases, recommend_policies

ALERT_COLUMNS = [
    "region", "year", "month", "warning_level", "status", "deviation", "p_overspend", "run_out_month",
    "projects", "drivers", "contributions", "reason_zh", "reason_en", "policy_cases", "policies",
]
DRIVER_RECORD = ["region", "indicator", "name_zh", "name_en", "yoy", "score"]


def driver_changes(drivers: pd.DataFrame, year: int, month: int, catalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """Year-on-year change by driver over months 1..m (months present in both years).

    ``drivers``: region, period (YYYY-MM), indicator, value. ``catalog``: code, name_zh, name_en
    (data/indicators.csv). Returns region, indicator, name_zh, name_en, value, value_last_year,
    yoy (fraction), relevance, score = relevance × yoy; sorted by region then score descending.
    Indicators without a relevance in config are dropped.
    """
    d = drivers[drivers["indicator"].isin(list(config.DRIVER_RELEVANCE))]
    cols = ["region", "indicator", "name_zh", "name_en", "value", "value_last_year", "yoy", "relevance", "score"]
    d = d[["indicator", "region", "period", "value"]].astype({"region": str, "period": str, "value": float})
    ok, y, m = split_months(d["period"])
    d = d[ok].assign(year=y[ok], month=m[ok])
    # filtering on the period before dropping duplicate periods (the last row wins) changes nothing
    d = d[(d["month"] <= month) & d["year"].isin([year, year - 1])]
    d = d.drop_duplicates(["indicator", "region", "period"], keep="last")
    both_years = d.groupby("indicator")["year"].nunique()
    d = d[d["indicator"].map(both_years).eq(2)]  # an indicator needs rows in both years
    if d.empty:
        return pd.DataFrame(columns=cols)
    wide = d.groupby(["indicator", "region", "month", "year"])["value"].sum().unstack("year")
    wide = wide.dropna(subset=[year, year - 1])
    s = wide.groupby(level=["indicator", "region"])[[year, year - 1]].sum()
    out = pd.DataFrame({"region": s.index.get_level_values("region").astype(str),
                        "indicator": s.index.get_level_values("indicator"),
                        "value": s[year].to_numpy(), "value_last_year": s[year - 1].to_numpy()})
    out = out[out["value_last_year"] > 0]
    out["yoy"] = out["value"] / out["value_last_year"] - 1
    out["relevance"] = out["indicator"].map(config.DRIVER_RELEVANCE).astype(float)
    out["score"] = out["relevance"] * out["yoy"]
    names = catalog.set_index("code") if catalog is not None else pd.DataFrame(columns=["name_zh", "name_en"], dtype=object)
    for col in ("name_zh", "name_en"):  # the code itself where the catalog has no name
        out[col] = out["indicator"].map(names[col]).astype(object).fillna(out["indicator"].astype(object))
    return out[cols].sort_values(["region", "score"], ascending=[True, False]).reset_index(drop=True)


_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _contrib_dict(x) -> dict:
    if isinstance(x, str):
        try:
            x = json.loads(x)
        except ValueError:
            return {}
    return {str(k): float(v) for k, v in x.items()} if isinstance(x, Mapping) else {}


def contribution_changes(estimates: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """Nowcast contributions summed over months 1..m: region, group, value (万吨), basis.

    ``estimates``: region, period (YYYY-MM), contributions (dict or JSON). basis = 'yoy' (value =
    change against the same months of last year, when both years have contributions) or 'level'.
    Sorted by region, then value descending.
    """
    rows = []
    for region, period, contributions in zip(estimates["region"], estimates["period"], estimates["contributions"]):
        p = str(period)
        if not _MONTH.fullmatch(p):  # a quarter ('2026-Q1') or a year is not a month: left out
            continue
        y, m = int(p[:4]), int(p[5:7])
        if m <= month and y in (year, year - 1):
            for k, v in _contrib_dict(contributions).items():
                rows.append((str(region), y, m, k, v))
    cols = ["region", "group", "value", "basis"]
    if not rows:
        return pd.DataFrame([], columns=cols)
    df = pd.DataFrame(rows, columns=["region", "year", "month", "group", "value"])
    # a month is common when the region has contributions for it in both years
    n_years = df.groupby(["region", "month"])["year"].transform("nunique").to_numpy()
    common = df[n_years == 2]
    with_common = df["region"].isin(common["region"].unique()).to_numpy()
    parts = []
    if len(common):
        a = common[common["year"] == year].groupby(["region", "group"])["value"].sum()
        b = common[common["year"] == year - 1].groupby(["region", "group"])["value"].sum()
        delta = a.sub(b, fill_value=0.0)
        parts.append(delta.reset_index().assign(basis="yoy"))
    level = df[~with_common & (df["year"] == year).to_numpy()]
    if len(level):
        parts.append(level.groupby(["region", "group"])["value"].sum().reset_index().assign(basis="level"))
    if not parts:
        return pd.DataFrame([], columns=cols)
    res = pd.concat(parts, ignore_index=True)[cols].sort_values(["region", "group"], kind="stable")
    res["value"] = res["value"].astype(float)
    return res.sort_values(["region", "value"], ascending=[True, False]).reset_index(drop=True)


def _group_labels(catalog: pd.DataFrame | None) -> dict[str, dict[str, str]]:
    """code -> {lang: name} from the first catalog row of each code."""
    if catalog is None:
        return {}
    first = catalog.drop_duplicates("code", keep="first")
    return {code: {"zh": str(zh), "en": str(en)}
            for code, zh, en in zip(first["code"], first["name_zh"], first["name_en"])}


def _group_label(group: str, lang: str, labels: dict[str, dict[str, str]]) -> str:
    if group in labels:
        return labels[group][lang]
    return config.label(config.DRIVER_GROUP_LABELS, group, lang)


def _pct(x: float, signed: bool = False) -> str:
    return f"{x * 100:+.1f}%" if signed else f"{x * 100:.1f}%"


def _prob(p: float) -> str:
    return ">99%" if p > 0.99 else "<1%" if p < 0.01 else f"{p * 100:.0f}%"


def _reason(row, drivers: list[dict], contribs: list[dict], projects: list[str],
            labels: dict[str, dict[str, str]], lang: str, p_orange: float = config.ORANGE_P_OVERSPEND) -> str:
    m, dev, p = int(row.month), row.deviation, row.p_overspend
    span = span_label(m, lang)
    zh = lang == "zh"
    ahead = bool(pd.notna(dev) and dev > 0)
    if ahead:
        head = f"{span}累计排放超时序进度 {_pct(dev)}" if zh else f"{span} cumulative emissions {_pct(dev)} ahead of schedule"
    else:
        head = f"{span}累计排放较时序进度 {_pct(dev, True)}" if zh else f"{span} cumulative emissions {_pct(dev, True)} against schedule"
    if pd.notna(p) and p >= p_orange:
        if ahead:
            head += f"（全年超支概率 {_prob(p)}）" if zh else f" (probability of overspending the year: {_prob(p)})"
        else:
            head += f"，但全年超支概率 {_prob(p)}" if zh else f", but the probability of overspending the year is {_prob(p)}"
    parts = [head]
    if len(drivers):
        items = []
        for d in drivers:
            if zh:
                items.append(f"{d['name_zh']}同比 {_pct(d['yoy'], True)}")
            else:
                name = str(d["name_en"])
                items.append(f"{name[:1].lower() + name[1:]} {_pct(d['yoy'], True)} yoy")
        parts.append(("，主要因" if zh else ", mainly ") + ("、" if zh else ", ").join(items))
    tail = []
    if len(contribs):
        c = contribs[0]
        g = _group_label(str(c["group"]), lang, labels)
        if c["basis"] == "yoy":
            tail.append(f"快算模型归因：{g}同比 {c['value']:+.1f} 万吨" if zh else f"nowcast attribution: {g} {c['value']:+.1f} (10^4 t) yoy")
        else:
            tail.append(f"快算模型归因：{g}使估算排放较去年同期增加 {c['value']:.1f} 万吨" if zh else
                        f"nowcast attribution: {g} adds {c['value']:.1f} (10^4 t) against the same months last year")
    if isinstance(row.run_out_month, str) and row.run_out_month:
        y, mo = int(row.run_out_month[:4]), int(row.run_out_month[5:7])
        mon = span_label(mo, "en").split("–")[-1]
        over = float(getattr(row, "used", float("nan"))) - float(getattr(row, "budget", float("nan")))
        if (y, mo) <= (int(row.year), int(row.month)):  # the tense follows the facts: already gone, maybe already over
            if over > 0:
                tail.append(f"年度预算已于{y}年{mo}月用尽，目前已超出 {over:,.0f} 万吨" if zh else
                            f"the annual budget ran out in {mon} {y} and is already exceeded by {over:,.0f} (10k t)")
            else:
                tail.append(f"年度预算已于{y}年{mo}月用尽" if zh else f"the annual budget ran out in {mon} {y}")
        else:
            tail.append(f"按当前趋势预计{y}年{mo}月用尽年度预算" if zh else
                        f"at the current trend the annual budget runs out in {mon} {y}")
    if projects:
        tail.append(("单列项目：" if zh else "separately-listed project: ") + ("、" if zh else ", ").join(projects))
    text = parts[0] + "".join(parts[1:])
    if tail:
        text += ("；" if zh else "; ") + ("；" if zh else "; ").join(tail)
    return text + ("。" if zh else ".")


def _projects_by_region(major_projects) -> dict[str, list[str]]:
    if major_projects is None:
        return {}
    if isinstance(major_projects, pd.DataFrame):
        out: dict[str, list[str]] = {}
        for r in major_projects.itertuples():
            out.setdefault(str(r.region), [])
            if str(r.project) not in out[str(r.region)]:
                out[str(r.region)].append(str(r.project))
        return out
    return {str(k): ([v] if isinstance(v, str) else list(v)) for k, v in major_projects.items()}


def build_alerts(
    progress: pd.DataFrame,
    *,
    drivers: pd.DataFrame | None = None,
    indicator_catalog: pd.DataFrame | None = None,
    estimates: pd.DataFrame | None = None,
    major_projects=None,
    toolbox: pd.DataFrame | None = None,
    levels: tuple[str, ...] = ("red", "orange"),
    rules: dict | None = None,
) -> pd.DataFrame:
    """Alerts for every city (province row excluded) whose warning_level is in ``levels``.

    Inputs: ``progress`` from ``compute_progress``; ``drivers`` long frame region, period,
    indicator, value; ``indicator_catalog`` code, name_zh, name_en (data/indicators.csv);
    ``estimates`` nowcast rows region, period, contributions; ``major_projects`` mapping region ->
    project name(s) or a frame region, project (e.g. ``balances.projects`` for the year).

    Returns ``ALERT_COLUMNS``, red first then by deviation: drivers (records region, indicator,
    name_zh, name_en, yoy, score), contributions (records group, value, basis), projects (list),
    reason_zh, reason_en, policy_cases (list of toolbox cases; 'major_project' added for a city
    with a separately-listed project), policies (toolbox records of the recommended mix).
    ``rules``: the province's rules in force; the reason names the probability of overspend from the province's
    orange threshold (``warning.orange_p_overspend``), else the shipped default.
    """
    p_orange = float((rules or {}).get("warning.orange_p_overspend", config.ORANGE_P_OVERSPEND))
    cities = progress[~progress["is_province"].astype(bool)]
    sel = cities[cities["warning_level"].isin(levels)]
    if sel.empty:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    year, month = int(sel["year"].iloc[0]), int(sel["month"].iloc[0])
    dch = driver_changes(drivers, year, month, indicator_catalog) if drivers is not None else None
    cch = contribution_changes(estimates, year, month) if estimates is not None else None
    projects = _projects_by_region(major_projects)
    regions = set(sel["region"].astype(str))
    top_by_region: dict[str, list[dict]] = {}
    if dch is not None:
        top = dch[dch["region"].isin(regions) & (dch["score"] >= config.MIN_DRIVER_SCORE)]
        top = top.groupby("region", sort=False).head(config.TOP_DRIVERS)
        for rec in top[DRIVER_RECORD].to_dict("records"):
            top_by_region.setdefault(rec["region"], []).append(rec)
    cont_by_region: dict[str, list[dict]] = {}
    if cch is not None:
        cont = cch[cch["region"].isin(regions) & (cch["value"] > 0) & ~cch["group"].isin(config.NON_DRIVER_GROUPS)]
        for region, rec in zip(cont["region"], cont[["group", "value", "basis"]].to_dict("records")):
            cont_by_region.setdefault(region, []).append(rec)
    labels = _group_labels(indicator_catalog)
    mixes: dict[tuple, list[dict]] = {}
    rows = []
    for row in sel.itertuples():
        region = str(row.region)
        top, cont = top_by_region.get(region, []), cont_by_region.get(region, [])
        proj = projects.get(region, [])
        status_for_mix = row.status if isinstance(row.status, str) else "overspend"
        key = (status_for_mix, bool(proj))
        if key not in mixes:
            mixes[key] = recommend_policies(status_for_mix, bool(proj), toolbox).to_dict("records")
        rows.append({
            "region": region, "year": year, "month": month, "warning_level": row.warning_level,
            "status": row.status, "deviation": row.deviation, "p_overspend": row.p_overspend,
            "run_out_month": row.run_out_month, "projects": proj,
            "drivers": [dict(d) for d in top], "contributions": [dict(c) for c in cont],
            "reason_zh": _reason(row, top, cont, proj, labels, "zh", p_orange),
            "reason_en": _reason(row, top, cont, proj, labels, "en", p_orange),
            "policy_cases": policy_cases(status_for_mix, bool(proj)),
            "policies": [dict(p) for p in mixes[key]],
        })
    out = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    out["_sev"] = out["warning_level"].map(config.LEVEL_SEVERITY)
    out = out.sort_values(["_sev", "deviation"], ascending=[False, False], kind="stable").drop(columns="_sev")
    return out.reset_index(drop=True)
