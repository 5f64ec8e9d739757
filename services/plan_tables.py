"""Tables and the scenario chart of the plan page, in the session's language."""
from __future__ import annotations

import json

import altair as alt
import pandas as pd

from budget import config
from budget.plan_versions import frames
from services.charts import FONT
from services import units
from services.i18n import lang, t
from services.tables import bilingual, user_name


def scenario_name(key: str) -> str:
    return config.label(config.SCENARIO_LABELS, key, lang())


def method_name(key: str) -> str:
    return config.label(config.METHOD_LABELS, key, lang())


def yearly(content: dict) -> pd.DataFrame:
    f = frames(content)
    y = f["yearly"].merge(f["reserve"], on="year", how="left")
    return pd.DataFrame({t("plan_col_year"): y["year"].astype(str), t("plan_col_target"): y["total"].map(units.wan),
                         t("plan_col_reserve"): y["amount"].fillna(0.0).map(units.wan)})


def allocation(content: dict, names: dict) -> pd.DataFrame:
    """Members × years with the five-year sum and the fairness figures."""
    f = frames(content)
    wide = f["allocations"].pivot_table(index="region", columns="year", values="amount", aggfunc="sum").fillna(0.0)
    wide.columns = [str(c) for c in wide.columns]
    fair = f["fairness"].set_index("region")
    out = wide.reset_index()
    out.insert(0, t("plan_col_region"), out.pop("region").map(lambda c: names.get(c, c)))
    out[t("plan_col_five")] = wide.sum(axis=1).to_numpy()
    for col in list(wide.columns) + [t("plan_col_five")]:  # one format for 万吨: thousands separators, no decimals
        out[col] = out[col].map(units.wan)
    for col, key, fmt in (("per_capita", "plan_col_per_capita", lambda v: units.wan(v, 2)),
                          ("per_gdp", "plan_col_per_gdp", units.intensity), ("history", "plan_col_history", units.wan),
                          ("change", "plan_col_change", lambda v: units.pct(v, signed=True))):
        out[t(key)] = [fmt(v) for v in wide.index.map(fair[col]).to_numpy(dtype=float)]
    return out


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("plan_scenario"): frame["scenario"].map(scenario_name),
                         t("plan_col_total"): frame["total"].map(units.wan), t("plan_col_implied"): frame["implied_total"].map(units.wan),
                         t("plan_col_decline"): frame["intensity_decline"].map(units.pct),
                         t("plan_col_meets"): frame["meets"].map({True: t("plan_yes"), False: t("plan_no")})})


def quota(content: dict, names: dict) -> pd.DataFrame:
    q = frames(content)["quota"]
    if q.empty:
        return q
    return pd.DataFrame({t("plan_col_year"): q["year"].astype(str), t("plan_col_region"): q["region"].map(lambda c: names.get(c, c)),
                         t("plan_col_project"): q["project"].map(bilingual), t("plan_col_amount"): q["amount"].map(units.wan)})


FIELD_KEYS = {"scenario": "plan_scenario", "method": "plan_method", "weights": "plan_weights", "reserve_share": "fu_reserve_share",
              "shape": "fu_shape", "total": "plan_total", "projects": "plan_quota_table", "projects_on_top": "fu_projects_on_top",
              "horizontal": "plan_horizontal"}


def change_field(field: str, names: dict | None = None) -> str:
    """A changed field of a plan version in words: 预留比例, 2027 年度目标, 钢城市 分配量 …"""
    head, _, rest = str(field).partition(".")
    if head == "yearly":
        return t("fu_field_yearly", year=rest)
    if head == "allocation":
        return t("fu_field_allocation", region=(names or {}).get(rest, rest))
    return t(FIELD_KEYS[head]) if head in FIELD_KEYS else str(field)


def change_value(field: str, v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    if field == "scenario":
        return scenario_name(v)
    if field == "method":
        return method_name(v)
    if field == "reserve_share":
        return units.pct(v)
    if field == "weights" and isinstance(v, dict):
        return "、".join(f"{weight_name(k)} {units.pct(x, digits=0)}" for k, x in v.items())
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return units.wan(v)
    return "—" if isinstance(v, (list, dict)) and not v else str(v)


def weight_name(key: str) -> str:
    """A mix weight's name (history / GDP / population) instead of its code."""
    return t(f"fu_weight_{key}") if key in ("history", "gdp", "per_capita") else str(key)


def versions(frame: pd.DataFrame, names: dict | None = None) -> pd.DataFrame:
    sep = "；" if lang() == "zh" else "; "

    def changes(text):
        items = json.loads(text) if isinstance(text, str) else []
        return sep.join(f"{change_field(c['field'], names)}: {change_value(c['field'], c['old'])} → "
                        f"{change_value(c['field'], c['new'])}" for c in items[:6]) + (" …" if len(items) > 6 else "") or "—"
    return pd.DataFrame({t("plan_version"): frame["version"], t("plan_col_user"): frame["user"].map(user_name),
                         t("plan_col_note"): frame["note"].map(bilingual), t("plan_col_changes"): frame["changes"].map(changes),
                         t("plan_col_when"): frame["created_at"].astype(str).str[:16],
                         t("plan_col_approved"): frame["approved_by"].map(user_name)})


def comments(frame: pd.DataFrame, names: dict) -> pd.DataFrame:
    return pd.DataFrame({t("plan_version"): frame["version"], t("plan_col_region"): frame["region"].map(lambda c: names.get(c, c)),
                         t("plan_col_user"): frame["user"].map(user_name), t("plan_col_comment"): frame["text"],
                         t("plan_col_requested"): frame["requested_amount"].map(units.wan),
                         t("plan_col_when"): frame["created_at"].astype(str).str[:16]})


def compare(frame: pd.DataFrame, names: dict, a: int, b: int) -> pd.DataFrame:
    g = frame.groupby("region", as_index=False)[["a", "b", "delta"]].sum()
    return pd.DataFrame({t("plan_col_region"): g["region"].map(lambda c: names.get(c, c)),
                         f"{t('plan_version')} {a}": g["a"].map(units.wan), f"{t('plan_version')} {b}": g["b"].map(units.wan),
                         t("plan_col_delta"): g["delta"].map(lambda v: f"{v:+,.0f}" if v == v else "—")})


def scenario_chart(paths: pd.DataFrame) -> alt.LayerChart:
    p = paths.assign(name=paths["scenario"].map(scenario_name), date=pd.to_datetime(paths["year"].astype(str) + "-07-01"))
    color = alt.Color("name:N", title=t("plan_scenario"))
    x = alt.X("date:T", title=t("plan_col_year"), axis=alt.Axis(format="%Y"))
    band = alt.Chart(p).mark_area(opacity=0.15).encode(x=x, y=alt.Y("lo90:Q", title=t("plan_col_amount")), y2="hi90:Q", color=color)
    line = alt.Chart(p).mark_line(point=True).encode(x=x, y="emissions:Q", color=color,
                                                     tooltip=["name:N", "year:O", alt.Tooltip("emissions:Q", format=",.0f")])
    return (band + line).properties(height=280, title=t("plan_scen_chart")).configure(font=FONT)
