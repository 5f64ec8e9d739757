"""政策调节 / Measures: the register of measures with owners, progress reports and their review, major
projects and applications (separately-listed quota, advances), the quarterly bulletin."""
from __future__ import annotations

import streamlit as st

from services import auth, data
from services import budget_view as bv
from services import measures_forms as mf
from services import measures_view as mv
from services.i18n import name_col, t

path, version = data.require_warehouse()
rep = bv.require_report(path, version)
reg = mv.register(path, version)
names = rep.progress.set_index("region")[name_col()].to_dict()
scope = mv.user_scope(path)

st.title(t("page_measures"))
st.caption(t("ms_intro"))
if st.session_state.get("ms_flash"):
    st.success(st.session_state.pop("ms_flash"))
ms = reg["measures"]
late = int((ms["effective_status"] == "late").sum()) if len(ms) else 0
pending = int((reg["applications"]["status"] == "pending").sum()) if len(reg["applications"]) else 0
m = st.columns(4)
m[0].metric(t("ms_n_measures"), len(ms))
m[1].metric(t("ms_n_late"), late)
m[2].metric(t("ms_n_cities"), ms["region"].nunique() if len(ms) else 0)
m[3].metric(t("ms_n_pending"), pending)
if not auth.can(path, "measure_edit"):
    st.info(t("ms_read_only"))

tabs = st.tabs([t("ms_tab_register"), t("ms_tab_reports"), t("ms_tab_applications"), t("ms_tab_bulletin")])
with tabs[0]:
    pick = st.multiselect(t("ms_filter_city"), sorted(ms["region"].unique()) if len(ms) else [],
                          format_func=lambda r: names.get(r, r), key="ms_filter", placeholder=t("choose_options"), select_all=False)
    shown = ms[ms["region"].isin(pick)] if pick else ms
    if shown.empty:
        st.info(t("ms_none"))
    else:
        st.dataframe(mv.measures_table(shown, names), hide_index=True, width="stretch")
        hist = reg["history"][reg["history"]["measure_id"].isin(shown["measure_id"])]
        with st.expander(t("ms_history")):
            st.dataframe(mv.history_table(hist), hide_index=True, width="stretch")
    if auth.can(path, "measure_edit"):
        mf.add_measure_form(path, rep, names, scope)
        mf.status_form(path, reg, scope)
with tabs[1]:
    mf.reports_section(path, reg, scope)
with tabs[2]:
    mf.applications_section(path, rep, reg, names, scope)
with tabs[3]:
    mf.bulletin_section(path, version, rep)
