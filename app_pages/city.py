"""城市详情 / City detail: one city's budget, use, projection, alert and the ledger behind it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from budget import config as bconfig
from services import budget_view as bv
from services import charts, data
from services.i18n import lang, name_col, t

path, version = data.require_warehouse()
rep = bv.require_report(path, version)
nc = name_col()
rows = rep.progress.set_index("region")
codes = list(rows.index[~rows["is_province"].astype(bool)]) + list(rows.index[rows["is_province"].astype(bool)])
labels = {c: rows.loc[c, nc] for c in codes}

wanted = st.query_params.get("region")
if "cd_region" not in st.session_state or (wanted in labels and st.session_state.get("cd_from_query") != wanted):
    st.session_state["cd_region"] = wanted if wanted in labels else codes[0]
    st.session_state["cd_from_query"] = wanted
region = st.sidebar.selectbox(t("cd_pick"), codes, format_func=labels.get, key="cd_region")
row = rows.loc[region]

st.title(f"{t('page_city')} · {labels[region]}")
st.caption(t("bv_as_of", year=rep.year, as_of=rep.as_of))
level = row["warning_level"] if isinstance(row["warning_level"], str) else None
arrow, change = bv.level_change(level, row["previous_level"])
st.markdown(f"### {bv.weather_icon(row['status'], level)} {bv.status_label(row['status'])} · {bv.level_label(level)}  "
            f"<span style='font-size:0.9rem'>{arrow} {change}</span>", unsafe_allow_html=True)

m = st.columns(4)
m[0].metric(t("bv_budget"), bv.num(row["budget"], 0))
m[1].metric(t("bv_used"), bv.num(row["used"], 0),
            help=t("bv_used_split", stat=bv.num(row["used_statistical"], 0), est=bv.num(row["used_estimated"], 0)))
m[2].metric(t("bv_execution"), bv.pct(row["execution_rate"]), delta=f"{t('bv_deviation')} {bv.pct(row['deviation'], True)}",
            delta_color="inverse")
m[3].metric(t("bv_schedule"), bv.pct(row["schedule_progress"]), help=f"{t('bv_schedule_linear')}: {bv.pct(row['schedule_linear'])}")
st.altair_chart(charts.gauge_chart(float(row["execution_rate"] or 0), float(row["schedule_progress"] or 0),
                                   bconfig.LEVEL_COLORS.get(level, bconfig.MISSING_COLOR),
                                   {"execution": t("bv_execution"), "schedule": t("bv_schedule")}), width="stretch")
m = st.columns(4)
m[0].metric(t("bv_p_overspend"), bv.pct(row["p_overspend"]))
m[1].metric(t("bv_run_out"), row["run_out_month"] if isinstance(row["run_out_month"], str) else t("bv_never"))
m[2].metric(t("cd_cut"), bv.num(row["cut_needed"], 1),
            help=t("cd_cut_vs", last=bv.num(row["last_year_rest_avg"], 1), pct=bv.pct(row["cut_needed_pct"], True)))
m[3].metric(t("bv_rank"), "—" if pd.isna(row["rank"]) else int(row["rank"]))
st.caption(t("cd_cut_vs", last=bv.num(row["last_year_rest_avg"], 1), pct=bv.pct(row["cut_needed_pct"], True)))
m = st.columns(2)
m[0].metric(t("cd_intensity"), bv.num(row["intensity"], 3),
            help=t("cd_intensity_vs", target=bv.num(row["intensity_target"], 3), gap=bv.pct(row["intensity_gap"], True)))
m[0].caption(t("cd_intensity_vs", target=bv.num(row["intensity_target"], 3), gap=bv.pct(row["intensity_gap"], True)))
m[1].metric(t("cd_five_year"), bv.pct(row["five_year_execution"]))
m[1].caption(t("cd_five_year_vs", sched=bv.pct(row["five_year_schedule"]), dev=bv.pct(row["five_year_deviation"], True)))

path_rows = rep.paths[rep.paths["region"] == region]
last_year = rep.co2[(rep.co2["region"] == region) & rep.co2["period"].str.startswith(str(rep.year - 1))]
if region == rep.province:
    last_year = rep.co2[rep.co2["period"].str.startswith(str(rep.year - 1))].groupby("period", as_index=False)["value"].sum()
st.subheader(t("cd_monthly"))
st.altair_chart(charts.monthly_budget_chart(path_rows, last_year, t("col_co2"), str(rep.year - 1)), width="stretch")
st.caption(t("estimate_note"))
st.subheader(t("cd_cumulative"))
st.altair_chart(charts.cumulative_chart(path_rows, rep.schedule[rep.schedule["region"] == region], float(row["budget"]),
                                        {"y": t("col_co2"), "budget": t("cd_budget_line"), "schedule": t("cd_schedule_curve")}),
                width="stretch")

st.subheader(t("cd_alert"))
alert = rep.alerts[rep.alerts["region"] == region]
if alert.empty:
    st.success(t("cd_no_alert"))
else:
    a = alert.iloc[0]
    (st.error if a["warning_level"] == "red" else st.warning)(a[f"reason_{lang()}"])
    st.markdown(f"**{t('cd_policy')}**")
    pol = pd.DataFrame(a["policies"])
    if not pol.empty:
        pol["instrument_type"] = pol["instrument_type"].map(lambda k: bconfig.label(bconfig.INSTRUMENT_TYPE_LABELS, k, lang()))
        st.dataframe(pol[["instrument_type", f"name_{lang()}", f"description_{lang()}"]].rename(columns={
            "instrument_type": t("col_instrument"), f"name_{lang()}": t("col_policy"), f"description_{lang()}": t("col_description")}),
            hide_index=True, width="stretch")

st.subheader(t("cd_ledger"))
led = rep.ledger
mine = led[(led["from_region"] == region) | (led["to_region"] == region)] if region != rep.province else led
mine = mine.assign(type=mine["type"].map(lambda k: bconfig.label(bconfig.ENTRY_TYPE_LABELS, k, lang())))
st.dataframe(mine[["date", "type", "year", "amount", "from_region", "to_region", "project", "user", "reason"]].rename(columns={
    "date": t("col_date"), "type": t("col_type"), "year": t("bv_year"), "amount": t("col_amount"), "from_region": t("col_from"),
    "to_region": t("col_to"), "project": t("col_project"), "user": t("col_user"), "reason": t("col_reason_ledger")}),
    hide_index=True, width="stretch")
