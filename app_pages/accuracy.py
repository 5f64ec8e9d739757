"""模型与精度 / Model & accuracy: the live record first (what we said, what happened), then the bands at
every rolling origin, the product's choice with its evidence, every model beside the baselines."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor.nowcast_run import choice_table, circularity_table
from nowcast import confidence
from services import accuracy_view as av
from services import charts, data
from services.i18n import lang, name_col, t

BASELINES = ("naive_seasonal", "ratio_yoy")   # the simple baselines the product is judged against
pct = av.pct


def label(model: str) -> str:
    return t(f"nc_model_{model}") if model in ("product", "pooled") else t(f"model_{model}")


path, version = data.require_warehouse()
st.title(t("page_accuracy"))
st.caption(t("nc_intro"))
regions = data.regions(path, version, None)
names = dict(zip(regions["code"], regions[name_col()]))

st.subheader(t("nc_live"))
st.caption(t("nc_live_intro"))
scored, rec = av.record(path, version)
if not rec["n"]:
    st.info(t("nc_live_none", pending=rec["pending"]))
else:
    m = st.columns(5)
    m[0].metric(t("nc_live_n"), f"{rec['n']:,}", help=f"{rec['first_period']} – {rec['last_period']}")
    m[1].metric(t("nc_live_mape"), pct(rec["mape"]))
    m[2].metric(t("nc_live_cov"), pct(rec["coverage90"]))
    m[3].metric(t("nc_live_hw"), pct(rec["half_width90"]))
    m[4].metric(t("nc_live_pending"), f"{rec['pending']:,}")
    order = [r for r in names if r in set(scored["region"])]
    pick = st.selectbox(t("nc_live_region"), order, format_func=lambda c: names.get(c, c), key="nc_live_region")
    st.altair_chart(av.record_chart(scored, pick), width="stretch")
    st.caption(t("nc_live_chart_caption"))
    st.markdown(f"**{t('nc_live_by_m')}**")
    st.altair_chart(av.month_chart(pd.DataFrame(rec["by_month"])), width="stretch")
    st.markdown(f"**{t('nc_live_by_h')}**")
    st.dataframe(av.table(rec["by_horizon"], "horizon", t("col_horizon")), hide_index=True, width="stretch")
st.caption(confidence.RULE[lang()])

run = data.read(path, version, "latest_model_run")
if run is None or not (run["summary"] or []):
    st.info(t("acc_no_run"))
    st.stop()
st.subheader(t("acc_latest_run"))
st.write(t("acc_run_line", run_id=run["run_id"], created_at=str(run["created_at"])[:16], as_of=run["as_of"],
           data_cut=run["data_cut"], n=run["n_estimates"]))
summary = pd.DataFrame(run["summary"])
summary["model_label"] = summary["model"].map(label)
overall = summary.groupby("model")["mape"].mean()
base = overall.reindex([m for m in BASELINES if m in overall.index]).dropna()
main = "product" if "product" in overall else "lightgbm"
if main in overall and not base.empty:
    args = dict(prod=overall[main], best=label(base.idxmin()), best_mape=base.min(), ratio=overall[main] / base.min())
    ok = overall[main] <= base.min()
    (st.success if ok else st.warning)(t("nc_beats" if ok else "nc_loses", **args))
floor = data.read(path, version, "noise_floor")
if floor is not None:
    st.caption(t("acc_noise", floor=floor))

choice = choice_table(run["settings"])
if choice:
    st.subheader(t("nc_choice"))
    st.caption(t("nc_choice_caption") + " " + t("nc_evidence_caption"))
    raw = ((run["settings"] or {}).get("product") or {}).get("choice") or {}
    st.dataframe(pd.DataFrame({
        t("col_horizon"): [c["horizon"] for c in choice],
        t("nc_chosen"): [(t("nc_combination") if c["chosen"] == "combination" else label(c["chosen"]))
                         + (t("nc_pooled_note") if c["pooled"] else "") for c in choice],
        t("nc_weights"): [" · ".join(f"{label(m)} {w:.0%}" for m, w in sorted(c["weights"].items(), key=lambda kv: -kv[1]))
                          for c in choice],
        t("nc_evidence"): [av.evidence_text(raw.get(str(c["horizon"]), {})) for c in choice],
        t("nc_rows"): [c["n"] for c in choice]}), hide_index=True, width="stretch")

st.subheader(t("nc_bands"))
st.caption(t("nc_bands_caption"))
by_o = pd.DataFrame(((run["settings"] or {}).get("backtest") or {}).get("by_origin") or [])
by_o = by_o[by_o["model"] == main] if not by_o.empty else by_o
if not by_o.empty:
    st.altair_chart(av.origin_chart(by_o), width="stretch")
    inside = int(((by_o["coverage90"] >= 0.85) & (by_o["coverage90"] <= 0.95)).sum())
    st.caption(t("nc_bands_inside", k=inside, n=len(by_o), hw=float(by_o["half_width90"].mean())))
prod = summary[summary["model"] == main].sort_values("horizon")
st.caption(t("nc_coverage_h") + " · " + t("nc_coverage_caption"))
st.dataframe(pd.DataFrame({t("col_horizon"): prod["horizon"].to_numpy(),
                           t("acc_cov80"): [pct(x) for x in prod["coverage80"]],
                           t("acc_cov90"): [pct(x) for x in prod["coverage90"]],
                           t("nc_col_hw"): [pct(x) for x in prod.get("half_width90", pd.Series([None] * len(prod)))]}),
             hide_index=True, width="stretch")

st.subheader(t("acc_by_horizon"))
st.altair_chart(charts.horizon_chart(summary, t("col_horizon"), t("col_mape"), t("col_model"), main=main), width="stretch")
table = summary[["model_label", "horizon", "mape", "median_ape", "bias", "coverage80", "coverage90"]].rename(columns={
    "model_label": t("col_model"), "horizon": t("col_horizon"), "mape": t("col_mape"), "median_ape": t("col_median_ape"),
    "bias": t("col_bias"), "coverage80": t("acc_cov80"), "coverage90": t("acc_cov90")})
with st.expander(t("acc_table")):
    st.dataframe(table.style.format({c: "{:.1%}" for c in table.columns[2:]}, na_rep="—"), hide_index=True, width="stretch")

st.subheader(t("nc_circ"))
circ = (run["settings"] or {}).get("circularity") or {}
rows = circularity_table(run["summary"], run["settings"])
if rows:
    st.caption(t("nc_circ_caption", n=len(circ.get("origins") or []), origins=", ".join(circ.get("origins") or [])))
    st.dataframe(pd.DataFrame({t("col_model"): [label(r["model"]) for r in rows], t("nc_with"): [pct(r["with"]) for r in rows],
                               t("nc_without"): [pct(r["without"]) for r in rows]}), hide_index=True, width="stretch")
else:
    st.caption(t("nc_circ_failed") if circ.get("error") else t("nc_circ_none"))

metrics = pd.DataFrame(run["metrics"] or [])
if not metrics.empty:
    st.subheader(t("acc_per_city"))
    per_city = metrics[metrics["region"] != "*"].groupby(["region", "model"], as_index=False)["mape"].mean()
    wide = per_city.pivot(index="region", columns="model", values="mape")
    wide.index = [names.get(r, r) for r in wide.index]
    wide.columns = [label(m) for m in wide.columns]
    st.dataframe(wide.style.format("{:.1%}", na_rep="—"), width="stretch")
skipped = pd.DataFrame(run["skipped"] or [])
if not skipped.empty:
    st.subheader(t("acc_skipped"))
    st.dataframe(skipped.rename(columns={"region": t("col_region"), "reason": t("col_reason")}), hide_index=True)
