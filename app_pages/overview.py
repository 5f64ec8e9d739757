"""数据总览 / Data overview: what the warehouse holds, a city explorer, accounted CO2 by fuel."""
from __future__ import annotations

import streamlit as st

from services import charts, data, tables
from services.i18n import name_col, t
from warehouse.periods import is_monthly

path, version = data.require_warehouse()
st.title(t("page_overview"))
st.caption(t("ov_intro"))

totals = data.read(path, version, "totals")
cols = st.columns(5)
cols[0].metric(t("ov_regions"), totals["regions"])
cols[1].metric(t("ov_indicators"), totals["indicators"])
cols[2].metric(t("ov_statistical"), f"{totals['statistical']:,}")
cols[3].metric(t("ov_estimated"), f"{totals['estimated']:,}")
cols[4].metric(t("ov_latest"), totals["latest_month"] or "—")

nc = name_col()
st.subheader(t("ov_holdings"))
holdings = data.read(path, version, "holdings")
holdings["kind"] = holdings["kind"].map(lambda k: t(f"kind_{k}"))
st.dataframe(
    holdings.assign(unit=holdings["unit"].map(tables.unit))[[nc, "unit", "kind", "regions", "first_period", "latest_period", "n_values"]].rename(columns={
        nc: t("col_indicator"), "unit": t("col_unit"), "kind": t("col_kind"), "regions": t("col_regions"),
        "first_period": t("col_first"), "latest_period": t("col_latest"), "n_values": t("col_values")}),
    hide_index=True, width="stretch",
)

st.subheader(t("ov_explorer"))
# every region of the tree (country, provinces, cities, districts): cities first, then the other levels
LEVEL_ORDER = {"city": 0, "province": 1, "district": 2, "country": 3}
cities = data.regions(path, version, None)
cities = cities.assign(_o=cities["level"].map(LEVEL_ORDER).fillna(9)).sort_values(["_o", "code"])
inds = data.indicators(path, version)
if cities.empty:
    st.info(t("ov_no_series"))
    st.stop()
labels = dict(zip(cities["code"], cities[nc]))
left, right = st.columns([1, 3])
city = left.selectbox(t("ov_region"), list(labels), format_func=labels.get, key="ov_city")
ind_labels = dict(zip(inds["code"], inds[nc] + " (" + inds["unit"].map(tables.unit) + ")"))
chosen = right.multiselect(t("ov_indicators_pick"), list(ind_labels), default=[c for c in ("elec_total", "co2_total") if c in ind_labels],
                           format_func=ind_labels.get, key="ov_inds", placeholder=t("choose_options"), select_all=False)
series = data.read(path, version, "series", city, chosen)
bands = data.read(path, version, "estimate_bands", city)
if series.empty:
    st.info(t("ov_no_series"))
else:
    for code in chosen:
        one = series[(series["indicator"] == code) & is_monthly(series["period"])]   # months and 1–2月合计
        if one.empty:
            continue
        st.altair_chart(charts.series_chart(one, bands if code == "co2_total" else None, ind_labels[code]), width="stretch")
    st.caption(t("estimate_note"))

st.subheader(t("ov_co2_by_fuel"))
years = sorted({p[:4] for p in series["period"]}, reverse=True) if not series.empty else []
year = st.selectbox(t("ov_year"), years or ["—"], key="ov_year")
by_fuel = data.read(path, version, "co2_by_source", city, int(year)) if year != "—" else None
if by_fuel is None or by_fuel.empty:
    st.info(t("ov_no_fuel"))
else:
    st.caption(t("ov_fuel_note"))
    st.altair_chart(charts.bar_chart(by_fuel, nc, "co2", t("col_co2")), width="stretch")
    st.dataframe(by_fuel.assign(unit=by_fuel["unit"].map(tables.unit))[[nc, "quantity", "unit", "co2", "months"]].rename(columns={
        nc: t("col_indicator"), "quantity": t("col_quantity"), "unit": t("col_unit"), "co2": t("col_co2"),
        "months": t("col_months")}), hide_index=True, width="stretch")
with st.expander(t("ov_factors")):
    st.dataframe(tables.factors_table(data.read(path, version, "emission_factors"), dict(zip(inds["code"], inds[nc]))),
                 hide_index=True, width="stretch")
