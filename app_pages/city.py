"""城市详情 / City detail: one city's budget, use, projection, alert and the ledger behind it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from budget import config as bconfig
from services import budget_view as bv
from services import charts, data, tables, view_cache
from services import measures_view
from services import enterprise_view
from services import accuracy_view
from services.i18n import lang, name_col, t

path, version = data.require_warehouse()
rep = bv.require_report(path, version)
nc = name_col()
rows = view_cache.memo(path, version, ("progress_by_region",), lambda: rep.progress.set_index("region"))
codes, labels = view_cache.memo(path, version, ("city_labels", nc), lambda: (
    list(rows.index[~rows["is_province"].astype(bool)]) + list(rows.index[rows["is_province"].astype(bool)]),
    {c: rows.loc[c, nc] for c in rows.index}))

wanted = st.query_params.get("region")
if wanted is not None and wanted not in labels:  # a bad or lower-case code: say so and offer the list, never another city
    from services import city_links

    wanted = city_links.resolve(wanted, labels, rep.regions)
if "cd_region" not in st.session_state or (wanted in labels and st.session_state.get("cd_from_query") != wanted):
    st.session_state["cd_region"] = wanted if wanted in labels else codes[0]
    st.session_state["cd_from_query"] = wanted
region = st.sidebar.selectbox(t("cd_pick"), codes, format_func=labels.get, key="cd_region")
if st.query_params.get("region") != region:  # the address follows the picker, so a card click always lands
    st.query_params["region"] = region
    st.session_state["cd_from_query"] = region
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
# the delta starts with its sign, so the arrow points the way the deviation goes; lower is better (inverse)
m[2].metric(t("bv_execution"), bv.pct(row["execution_rate"]), delta=t("cd_vs_schedule", dev=bv.pct(row["deviation"], True)),
            delta_color="inverse", help=t("bv_deviation"))
m[3].metric(t("bv_schedule"), bv.pct(row["schedule_progress"]), help=f"{t('bv_schedule_linear')}: {bv.pct(row['schedule_linear'])}")
view_cache.chart(path, version, ("gauge", region), lambda: charts.gauge_chart(
    float(row["execution_rate"] or 0), float(row["schedule_progress"] or 0), bconfig.LEVEL_COLORS.get(level, bconfig.MISSING_COLOR),
    {"execution": t("bv_execution"), "schedule": t("bv_schedule")}), width="stretch")  # built once per data version
m = st.columns(4)
m[0].metric(t("bv_p_overspend"), bv.pct(row["p_overspend"]), help=t("bv_p_overspend_help"))
m[1].metric(t("bv_run_out"), row["run_out_month"] if isinstance(row["run_out_month"], str) else t("bv_never"))
exceeded = pd.notna(row["remaining"]) and row["remaining"] < 0
if exceeded:  # nothing left to allow: say by how much the year's budget is already exceeded
    m[2].metric(t("cd_exceeded"), t("cd_amount", v=bv.num(-row["remaining"], 1)), help=t("cd_exceeded_help"))
    cut_note = t("cd_exceeded_by", v=bv.num(-row["remaining"], 1), pct=bv.pct(row["used"] / row["budget"] - 1, True))
else:
    m[2].metric(t("cd_cut"), t("cd_per_month", v=bv.num(row["cut_needed"], 1)), help=t("cd_cut_help"))
    cut_note = t("cd_cut_vs", last=bv.num(row["last_year_rest_avg"], 1), pct=bv.pct(row["cut_needed_pct"], True))
m[3].metric(t("bv_rank"), "—" if pd.isna(row["rank"]) else int(row["rank"]), help=t("bv_rank_help"))
(st.error if exceeded else st.caption)(cut_note)
m = st.columns(2)
m[0].metric(t("cd_intensity"), bv.num(row["intensity"], 3),
            help=t("cd_intensity_vs", target=bv.num(row["intensity_target"], 3), gap=bv.pct(row["intensity_gap"], True)))
m[0].caption(t("cd_intensity_vs", target=bv.num(row["intensity_target"], 3), gap=bv.pct(row["intensity_gap"], True)))
m[1].metric(t("cd_five_year"), bv.pct(row["five_year_execution"]))
m[1].caption(t("cd_five_year_vs", sched=bv.pct(row["five_year_schedule"]), dev=bv.pct(row["five_year_deviation"], True)))



def _last_year():
    if region == rep.province:
        return rep.co2[rep.co2["period"].str.startswith(str(rep.year - 1))]   # the chart sums the cities
    return rep.co2[(rep.co2["region"] == region) & rep.co2["period"].str.startswith(str(rep.year - 1))]


st.subheader(t("cd_monthly"))
view_cache.chart(path, version, ("monthly", region), lambda: charts.monthly_budget_chart(
    rep.paths[rep.paths["region"] == region], _last_year(), t("col_co2"), t("cd_last_year", year=rep.year - 1)),
    width="stretch")  # the data is selected only when the chart is built (once per data version)
st.caption(t("estimate_note"))
est_table = view_cache.memo(path, version, ("est_table", region, lang()), lambda: accuracy_view.estimate_table(
    path, version, region, [f"{rep.year}-{m:02d}" for m in range(1, 13)]))
if not est_table.empty:   # the months still estimated, each with its band and confidence word (nowcast.confidence)
    st.markdown(f"**{t('nc_est_table')}**")
    st.dataframe(est_table, hide_index=True, width="stretch")
st.subheader(t("cd_cumulative"))
view_cache.chart(path, version, ("cumulative", region), lambda: charts.cumulative_chart(
    rep.paths[rep.paths["region"] == region], rep.schedule[rep.schedule["region"] == region], float(row["budget"]),
    {"y": t("col_co2"), "budget": t("cd_budget_line"), "schedule": t("cd_schedule_curve")}), width="stretch")

st.subheader(t("cd_alert"))
alert = rep.alerts[rep.alerts["region"] == region]
if alert.empty:
    st.success(t("cd_no_alert"))
else:
    a = alert.iloc[0]
    (st.error if a["warning_level"] == "red" else st.warning)(tables.localize_bilingual(a[f"reason_{lang()}"], rep.ledger["project"]))
    st.markdown(f"**{t('cd_policy')}**")
    pol = pd.DataFrame(a["policies"])
    if not pol.empty:
        pol["instrument_type"] = pol["instrument_type"].map(lambda k: bconfig.label(bconfig.INSTRUMENT_TYPE_LABELS, k, lang()))
        st.dataframe(pol[["instrument_type", f"name_{lang()}", f"description_{lang()}"]].rename(columns={
            "instrument_type": t("col_instrument"), f"name_{lang()}": t("col_policy"), f"description_{lang()}": t("col_description")}),
            hide_index=True, width="stretch")

st.subheader(t("cd_ledger"))


def _ledger_table() -> pd.DataFrame:
    led = rep.ledger
    mine = led[(led["from_region"] == region) | (led["to_region"] == region)] if region != rep.province else led
    names = {**dict(zip(rep.regions["code"], rep.regions[nc])), "reserve": t("cd_reserve")}
    return pd.DataFrame({
        t("col_date"): mine["date"].astype(str).str[:10], t("col_type"): mine["type"].map(tables.entry_type),
        t("bv_year"): mine["year"], t("col_amount"): mine["amount"].astype(float),
        t("col_from"): mine["from_region"].map(lambda c: names.get(c, c) if isinstance(c, str) else "—"),
        t("col_to"): mine["to_region"].map(lambda c: names.get(c, c) if isinstance(c, str) else "—"),
        t("col_project"): mine["project"].map(tables.bilingual), t("col_user"): mine["user"].map(tables.user_name),
        t("col_reason_ledger"): mine["reason"].map(tables.ledger_reason)})


view_cache.dataframe(path, version, ("ledger", region), _ledger_table, hide_index=True, width="stretch",
                     column_config={t("col_amount"): st.column_config.NumberColumn(format="%.2f"),
                                    t("bv_year"): st.column_config.NumberColumn(format="%d")})
measures_view.city_section(path, version, rep, region)  # the city's measures and the what-if
enterprise_view.enterprise_section(path, version, rep, region)  # metered key emitters: CO2 beside the city, status
