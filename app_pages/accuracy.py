"""模型与精度 / Model & accuracy: backtest of the nowcast beside its baselines, coverage, latest run."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from services import charts, data
from services.i18n import name_col, t

path, version = data.require_warehouse()
st.title(t("page_accuracy"))
st.caption(t("acc_intro"))

run = data.read(path, version, "latest_model_run")
if run is None:
    st.info(t("acc_no_run"))
    st.stop()

st.subheader(t("acc_latest_run"))
st.write(t("acc_run_line", run_id=run["run_id"], created_at=str(run["created_at"])[:16], as_of=run["as_of"],
           data_cut=run["data_cut"], n=run["n_estimates"]))

summary = pd.DataFrame(run["summary"] or [])
metrics = pd.DataFrame(run["metrics"] or [])
if summary.empty:
    st.info(t("acc_no_run"))
    st.stop()
summary["model_label"] = summary["model"].map(lambda m: t(f"model_{m}"))
overall = summary.groupby("model")["mape"].mean()
best = overall.drop("lightgbm", errors="ignore")
if "lightgbm" in overall and not best.empty:
    args = dict(lgb=overall["lightgbm"], best=t(f"model_{best.idxmin()}"), best_mape=best.min())
    (st.success if overall["lightgbm"] < best.min() else st.warning)(t("acc_beats" if overall["lightgbm"] < best.min() else "acc_loses", **args))

floor = data.read(path, version, "noise_floor")
if floor is not None:
    st.caption(t("acc_noise", floor=floor))

st.subheader(t("acc_by_horizon"))
st.altair_chart(charts.horizon_chart(summary, t("col_horizon"), t("col_mape"), t("col_model")), width="stretch")

st.subheader(t("acc_coverage"))
lgb = summary[summary["model"] == "lightgbm"]
c1, c2 = st.columns(2)
c1.metric(t("acc_cov80"), f"{lgb['coverage80'].mean():.0%}" if not lgb.empty else "—")
c2.metric(t("acc_cov90"), f"{lgb['coverage90'].mean():.0%}" if not lgb.empty else "—")

st.subheader(t("acc_table"))
table = summary[["model_label", "horizon", "mape", "median_ape", "bias", "coverage80", "coverage90"]].rename(columns={
    "model_label": t("col_model"), "horizon": t("col_horizon"), "mape": t("col_mape"), "median_ape": t("col_median_ape"),
    "bias": t("col_bias"), "coverage80": t("acc_cov80"), "coverage90": t("acc_cov90")})
st.dataframe(table.style.format({c: "{:.1%}" for c in table.columns[2:]}), hide_index=True, width="stretch")

if not metrics.empty:
    st.subheader(t("acc_per_city"))
    regions = data.regions(path, version, None)
    names = dict(zip(regions["code"], regions[name_col()]))
    per_city = metrics[metrics["region"] != "*"].groupby(["region", "model"], as_index=False)["mape"].mean()
    wide = per_city.pivot(index="region", columns="model", values="mape")
    wide.index = [names.get(r, r) for r in wide.index]
    wide.columns = [t(f"model_{m}") for m in wide.columns]
    st.dataframe(wide.style.format("{:.1%}"), width="stretch")

skipped = pd.DataFrame(run["skipped"] or [])
if not skipped.empty:
    st.subheader(t("acc_skipped"))
    st.dataframe(skipped.rename(columns={"region": t("col_region"), "reason": t("col_reason")}), hide_index=True)
