"""预警 / Alerts: every city at orange or red, with reasons and the policy mix; sortable and downloadable."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from services import budget_view as bv
from services import data
from services.i18n import lang, name_col, t

path, version = data.require_warehouse()
rep = bv.require_report(path, version)
st.title(t("page_alerts"))
st.caption(t("bv_as_of", year=rep.year, as_of=rep.as_of))
st.caption(t("al_intro"))
alerts = rep.alerts
if alerts.empty:
    st.success(t("al_none"))
    st.stop()
L = lang()
table = pd.DataFrame({
    t("bv_city"): alerts[name_col()],
    t("bv_level"): alerts["warning_level"].map(bv.level_label),
    t("bv_status"): alerts["status"].map(bv.status_label),
    t("bv_deviation"): alerts["deviation"].astype(float),
    t("bv_p_overspend"): alerts["p_overspend"].astype(float),
    t("bv_run_out"): alerts["run_out_month"].fillna("—"),
    t("al_reason"): alerts[f"reason_{L}"],
    t("al_policies"): alerts["policies"].map(lambda ps: "；".join(p[f"name_{L}"] for p in ps) if L == "zh"
                                             else "; ".join(p[f"name_{L}"] for p in ps)),
})
st.dataframe(table, hide_index=True, width="stretch", column_config={
    t("bv_deviation"): st.column_config.NumberColumn(format="percent"),
    t("bv_p_overspend"): st.column_config.NumberColumn(format="percent"),
    t("al_reason"): st.column_config.TextColumn(width="large")})
st.download_button(t("al_download"), table.to_csv(index=False).encode("utf-8-sig"),
                   file_name=f"alerts_{rep.as_of}_{L}.csv", mime="text/csv", key="al_csv")
