"""Tables and the scenario chart of the plan page, in the session's language."""
from __future__ import annotations

import json

import altair as alt
import pandas as pd

from budget import config
from budget.plan_versions import frames
from services.charts import FONT
from services.i18n import lang, t
from services.tables import bilingual, user_name


def scenario_name(key: str) -> str:
    return config.label(config.SCENARIO_LABELS, key, lang())


def method_name(key: str) -> str:
    return config.label(config.METHOD_LABELS, key, lang())


def yearly(content: dict) -> pd.DataFrame:
    f = frames(content)
    y = f["yearly"].merge(f["reserve"], on="year", how="left")
    return pd.DataFrame({t("plan_col_year"): y["year"].astype(str), t("plan_col_target"): y["total"],
                         t("plan_col_reserve"): y["amount"].fillna(0.0)})


def allocation(content: dict, names: dict) -> pd.DataFrame:
    """Members × years with the five-year sum and the fairness figures."""
    f = frames(content)
    wide = f["allocations"].pivot_table(index="region", columns="year", values="amount", aggfunc="sum").fillna(0.0)
    wide.columns = [str(c) for c in wide.columns]
    fair = f["fairness"].set_index("region")
    out = wide.reset_index()
    out.insert(0, t("plan_col_region"), out.pop("region").map(lambda c: names.get(c, c)))
    out[t("plan_col_five")] = wide.sum(axis=1).to_numpy()
    for col, key in (("per_capita", "plan_col_per_capita"), ("per_gdp", "plan_col_per_gdp"), ("history", "plan_col_history"),
                     ("change", "plan_col_change")):
        out[t(key)] = wide.index.map(fair[col]).to_numpy(dtype=float)
    return out


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("plan_scenario"): frame["scenario"].map(scenario_name),
                         t("plan_col_total"): frame["total"], t("plan_col_implied"): frame["implied_total"],
                         t("plan_col_decline"): frame["intensity_decline"],
                         t("plan_col_meets"): frame["meets"].map({True: t("plan_yes"), False: t("plan_no")})})


def quota(content: dict, names: dict) -> pd.DataFrame:
    q = frames(content)["quota"]
    if q.empty:
        return q
    return pd.DataFrame({t("plan_col_year"): q["year"].astype(str), t("plan_col_region"): q["region"].map(lambda c: names.get(c, c)),
                         t("plan_col_project"): q["project"].map(bilingual), t("plan_col_amount"): q["amount"]})


def versions(frame: pd.DataFrame) -> pd.DataFrame:
    def changes(text):
        items = json.loads(text) if isinstance(text, str) else []
        return "；".join(f"{c['field']}: {c['old']} → {c['new']}" for c in items[:6]) + (" …" if len(items) > 6 else "") or "—"
    return pd.DataFrame({t("plan_version"): frame["version"], t("plan_col_user"): frame["user"].map(user_name),
                         t("plan_col_note"): frame["note"].map(bilingual), t("plan_col_changes"): frame["changes"].map(changes),
                         t("plan_col_when"): frame["created_at"].astype(str).str[:16],
                         t("plan_col_approved"): frame["approved_by"].map(user_name)})


def comments(frame: pd.DataFrame, names: dict) -> pd.DataFrame:
    return pd.DataFrame({t("plan_version"): frame["version"], t("plan_col_region"): frame["region"].map(lambda c: names.get(c, c)),
                         t("plan_col_user"): frame["user"].map(user_name), t("plan_col_comment"): frame["text"],
                         t("plan_col_requested"): frame["requested_amount"], t("plan_col_when"): frame["created_at"].astype(str).str[:16]})


def compare(frame: pd.DataFrame, names: dict, a: int, b: int) -> pd.DataFrame:
    g = frame.groupby("region", as_index=False)[["a", "b", "delta"]].sum()
    return pd.DataFrame({t("plan_col_region"): g["region"].map(lambda c: names.get(c, c)),
                         f"{t('plan_version')} {a}": g["a"], f"{t('plan_version')} {b}": g["b"], t("plan_col_delta"): g["delta"]})


def scenario_chart(paths: pd.DataFrame) -> alt.LayerChart:
    p = paths.assign(name=paths["scenario"].map(scenario_name), date=pd.to_datetime(paths["year"].astype(str) + "-07-01"))
    color = alt.Color("name:N", title=t("plan_scenario"))
    x = alt.X("date:T", title=t("plan_col_year"), axis=alt.Axis(format="%Y"))
    band = alt.Chart(p).mark_area(opacity=0.15).encode(x=x, y=alt.Y("lo90:Q", title=t("plan_col_amount")), y2="hi90:Q", color=color)
    line = alt.Chart(p).mark_line(point=True).encode(x=x, y="emissions:Q", color=color,
                                                     tooltip=["name:N", "year:O", alt.Tooltip("emissions:Q", format=",.0f")])
    return (band + line).properties(height=280, title=t("plan_scen_chart")).configure(font=FONT)
