"""会议大屏 / Meeting-room screen: a 1920×1080 presentation around a map of the regions coloured by warning
level, the key figures large, the ranked metric's bars coloured by that metric, the level changes since last
quarter named, and a rotation through the metrics for an unattended screen. Readable on a phone."""
from __future__ import annotations

import streamlit as st

from services import budget_view as bv
from services import data
from services import screen_view as S
from services.i18n import name_col, t

MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

path, version = data.require_warehouse()
rep = bv.require_report(path, version)
st.markdown(S.CSS, unsafe_allow_html=True)
parent = rep.regions.set_index("code")[name_col()].get(rep.province, "") if rep.province else ""
st.markdown(f'<div class="sc-title">{t("fu_screen_title", parent=parent, year=rep.year, month=rep.month, month_en=MONTHS_EN[rep.month - 1])}</div>'
            f'<div class="sc-sub">{t("fu_screen_sub", as_of=rep.as_of)}</div>', unsafe_allow_html=True)
st.markdown(S.figures_html(rep), unsafe_allow_html=True)
left, right = st.columns([3, 2], gap="large")
with left:
    svg, kind = S.map_html(rep)
    st.markdown(svg, unsafe_allow_html=True)
with right:
    rotate = st.toggle(t("fu_rotate", s=S.ROTATE_SECONDS), value=True, key="sc_rotate")

    def ranked() -> None:
        if rotate:
            i = st.session_state.get("sc_i", -1) + 1
            st.session_state["sc_i"] = i
            metric = S.METRICS[i % len(S.METRICS)]
        else:
            metric = st.radio(t("fu_metric_pick"), S.METRICS, format_func=lambda m: t(f"rk_{m}"), horizontal=True, key="sc_metric")
        st.altair_chart(S.bars(rep, metric), width="stretch")

    st.fragment(ranked, run_every=S.ROTATE_SECONDS if rotate else None)()
    st.markdown(S.changes_html(rep), unsafe_allow_html=True)
st.page_link("app_pages/weather.py", label=t("fu_back"), icon="🌦️")
