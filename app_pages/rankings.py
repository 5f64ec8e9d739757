"""排名 / Rankings: cities ranked four ways, rank changes, a presentation mode, CSV and PNG downloads."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from budget import config as bconfig
from reports.safe_text import to_csv_bytes
from services import budget_view as bv
from services import charts, data, png
from services.i18n import lang, name_col, t

METRICS = {"deviation": "rank_deviation", "intensity_change": "rank_intensity", "yoy_change": "rank_yoy",
           "p_overspend": "rank_p_overspend"}
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

path, version = data.require_warehouse()
rep = bv.require_report(path, version)
nc = name_col()
st.title(t("page_rankings"))
st.caption(t("rk_intro"))
c1, c2 = st.columns([3, 1])
metric = c1.radio(t("rk_metric"), list(METRICS), format_func=lambda m: t(f"rk_{m}"), horizontal=True, key="rk_metric")
big = c2.toggle(t("rk_presentation"), key="rk_big")
c2.page_link("app_pages/screen.py", label=t("fu_screen_link"), icon="🖥️")  # the meeting-room screen: map, figures, rotation

rank_col, change_col = METRICS[metric], f"rank_change_{metric}"
ranked = rep.rankings.sort_values([rank_col, "region"]).reset_index(drop=True)
title = t("rk_title", year=rep.year, month=rep.month, month_en=MONTHS_EN[rep.month - 1], metric=t(f"rk_{metric}"))
chart_title = t("rk_chart_title", year=rep.year, month=rep.month, month_en=MONTHS_EN[rep.month - 1])


def arrow(change) -> str:
    if pd.isna(change):
        return "·"
    return f"▲{int(change)}" if change > 0 else f"▼{-int(change)}" if change < 0 else bv.same_sign()


table = pd.DataFrame({
    t("bv_rank"): ranked[rank_col].astype("Int64"),
    t("bv_city"): ranked[nc],
    t(f"rk_{metric}"): ranked[metric].map(lambda v: bv.pct(v, metric != "p_overspend")),
    t("bv_status"): ranked["status"].map(bv.status_label),
    t("bv_level"): ranked["warning_level"].map(bv.level_label),
    t("rk_change"): ranked[change_col].map(arrow),
})
if big:
    st.markdown("<style>section[data-testid='stSidebar']{display:none;} .rk-big td,.rk-big th{font-size:2rem;padding:.4rem 1.2rem;}"
                ".rk-big{width:100%;border-collapse:collapse;} .rk-big tr:nth-child(even){background:#f3f6f9;}</style>",
                unsafe_allow_html=True)
    st.markdown(f"<h1 style='font-size:3rem'>{html.escape(title)}</h1>", unsafe_allow_html=True)
    st.markdown(table.to_html(index=False, classes="rk-big", border=0, escape=True), unsafe_allow_html=True)
else:
    st.subheader(title)
    st.dataframe(table, hide_index=True, width="stretch")

chart = charts.ranking_chart(ranked.assign(label=ranked[nc]), "label", metric, chart_title, t(f"rk_{metric}"),
                             "warning_level", bconfig.LEVEL_COLORS, big=big, signed=metric != "p_overspend",
                             subtitle=t(f"rk_{metric}"))
st.altair_chart(chart, width="content")

d1, d2 = st.columns(2)
csv = table.assign(**{t("rk_change"): ranked[change_col].map(  # words in the file: a bare "=" would read as a formula
    lambda c: "—" if pd.isna(c) else f"▲{int(c)}" if c > 0 else f"▼{-int(c)}" if c < 0 else t("fu_no_change"))})
d1.download_button(t("rk_download_csv"), to_csv_bytes(csv),
                   file_name=f"ranking_{metric}_{rep.as_of}_{lang()}.csv", mime="text/csv", key="rk_csv")
spec = chart.to_json()  # rendered only when the button is clicked (deferred), then cached
d2.download_button(t("rk_download_png"), lambda: png.spec_png(spec), file_name=f"ranking_{metric}_{rep.as_of}_{lang()}.png",
                   mime="image/png", key="rk_png")
