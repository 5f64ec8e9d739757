"""模型与精度 / Model & accuracy: the product model (choice, weights) beside every model and baseline,
coverage per horizon, with and without thermal generation, latest run."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor.nowcast_run import choice_table, circularity_table
from services import charts, data
from services.i18n import name_col, t

BASELINES = ("naive_seasonal", "ratio_yoy")   # the simple baselines the product is judged against


def label(model: str) -> str:
    return t(f"nc_model_{model}") if model in ("product", "pooled") else t(f"model_{model}")


def pct(x) -> str:
    return f"{x:.1%}" if x is not None and pd.notna(x) else "—"


path, version = data.require_warehouse()
st.title(t("page_accuracy"))
st.caption(t("nc_intro"))

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
summary["model_label"] = summary["model"].map(label)
overall = summary.groupby("model")["mape"].mean()
base = overall.reindex([m for m in BASELINES if m in overall.index]).dropna()
main = "product" if "product" in overall else "lightgbm"
if main in overall and not base.empty:
    args = dict(prod=overall[main], best=label(base.idxmin()), best_mape=base.min(), ratio=overall[main] / base.min())
    ok = overall[main] < base.min()
    (st.success if ok else st.warning)(t("nc_beats" if ok else "nc_loses", **args))

floor = data.read(path, version, "noise_floor")
if floor is not None:
    st.caption(t("acc_noise", floor=floor))

st.subheader(t("acc_by_horizon"))
st.altair_chart(charts.horizon_chart(summary, t("col_horizon"), t("col_mape"), t("col_model"), main=main), width="stretch")

st.subheader(t("acc_table"))
table = summary[["model_label", "horizon", "mape", "median_ape", "bias", "coverage80", "coverage90"]].rename(columns={
    "model_label": t("col_model"), "horizon": t("col_horizon"), "mape": t("col_mape"), "median_ape": t("col_median_ape"),
    "bias": t("col_bias"), "coverage80": t("acc_cov80"), "coverage90": t("acc_cov90")})
st.dataframe(table.style.format({c: "{:.1%}" for c in table.columns[2:]}, na_rep="—"), hide_index=True, width="stretch")

choice = choice_table(run["settings"])
if choice:
    st.subheader(t("nc_choice"))
    st.caption(t("nc_choice_caption"))
    st.dataframe(pd.DataFrame({
        t("col_horizon"): [c["horizon"] for c in choice],
        t("nc_chosen"): [(t("nc_combination") if c["chosen"] == "combination" else label(c["chosen"]))
                         + (t("nc_pooled_note") if c["pooled"] else "") for c in choice],
        t("nc_weights"): [" · ".join(f"{label(m)} {w:.0%}" for m, w in sorted(c["weights"].items(), key=lambda kv: -kv[1]))
                          for c in choice],
        t("nc_rows"): [c["n"] for c in choice]}), hide_index=True, width="stretch")

st.subheader(t("acc_coverage"))
prod = summary[summary["model"] == main].sort_values("horizon")
c1, c2 = st.columns(2)
c1.metric(t("acc_cov80"), pct(prod["coverage80"].mean()) if not prod.empty else "—")
c2.metric(t("acc_cov90"), pct(prod["coverage90"].mean()) if not prod.empty else "—")
st.caption(t("nc_coverage_h") + " · " + t("nc_coverage_caption"))
st.dataframe(pd.DataFrame({t("col_horizon"): prod["horizon"].to_numpy(),
                           t("acc_cov80"): [pct(x) for x in prod["coverage80"]],
                           t("acc_cov90"): [pct(x) for x in prod["coverage90"]]}), hide_index=True, width="stretch")

st.subheader(t("nc_circ"))
circ = (run["settings"] or {}).get("circularity") or {}
rows = circularity_table(run["summary"], run["settings"])
if rows:
    origins = circ.get("origins") or []
    st.caption(t("nc_circ_caption", n=len(origins), origins=", ".join(origins)))
    st.dataframe(pd.DataFrame({t("col_model"): [label(r["model"]) for r in rows],
                               t("nc_with"): [pct(r["with"]) for r in rows],
                               t("nc_without"): [pct(r["without"]) for r in rows]}), hide_index=True, width="stretch")
else:
    st.caption(t("nc_circ_failed") if circ.get("error") else t("nc_circ_none"))

if not metrics.empty:
    st.subheader(t("acc_per_city"))
    regions = data.regions(path, version, None)
    names = dict(zip(regions["code"], regions[name_col()]))
    per_city = metrics[metrics["region"] != "*"].groupby(["region", "model"], as_index=False)["mape"].mean()
    wide = per_city.pivot(index="region", columns="model", values="mape")
    wide.index = [names.get(r, r) for r in wide.index]
    wide.columns = [label(m) for m in wide.columns]
    st.dataframe(wide.style.format("{:.1%}", na_rep="—"), width="stretch")

skipped = pd.DataFrame(run["skipped"] or [])
if not skipped.empty:
    st.subheader(t("acc_skipped"))
    st.dataframe(skipped.rename(columns={"region": t("col_region"), "reason": t("col_reason")}), hide_index=True)
