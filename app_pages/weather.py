"""碳预算晴雨表 / Budget weather vane: every city's budget status at a glance (landing page)."""
from __future__ import annotations

import streamlit as st

from services import budget_view as bv
from services import accuracy_view, cards, data, upload_view, view_cache
from services.i18n import lang, name_col, t

path, version = data.require_warehouse()
st.title(t("page_weather"))
rep = bv.require_report(path, version)
st.caption(t("bv_as_of", year=rep.year, as_of=rep.as_of))
st.caption(t("wv_intro"))
upload_view.refresh_note(path)  # a refresh after an upload is running: these figures are from before it



def _split():
    """(province rows, city rows, each city's card HTML) in the session's language: built once per data version."""
    words = accuracy_view.region_words(path, version, [f"{rep.year}-{m:02d}" for m in range(1, 13)])
    progress = rep.progress.assign(confidence=rep.progress["region"].map(lambda r: words.get(r, "")))   # the estimates' confidence
    cities = progress[~progress["is_province"].astype(bool)]
    return progress[progress["is_province"].astype(bool)], cities, cards.card_html(cities)


province, cities, card_html = view_cache.memo(path, version, ("wv_split", lang()), _split)

if not province.empty:
    st.subheader(t("wv_province"))
    p = province.iloc[0]
    left, right = st.columns([1, 2])
    left.markdown(cards.CSS + cards.card(p, None, "wv-province"), unsafe_allow_html=True)
    m = right.columns(4)
    m[0].metric(t("bv_budget"), bv.num(p["budget"], 0))
    m[1].metric(t("bv_execution"), bv.pct(p["execution_rate"]), help=t("bv_used_split", stat=bv.num(p["used_statistical"], 0), est=bv.num(p["used_estimated"], 0)))
    m[2].metric(t("bv_schedule"), bv.pct(p["schedule_progress"]), help=f"{t('bv_schedule_linear')}: {bv.pct(p['schedule_linear'])}")
    m[3].metric(t("bv_p_overspend"), bv.pct(p["p_overspend"]))
    counts = cities["status"].value_counts()
    right.write(t("wv_counts", surplus=int(counts.get("surplus", 0)), balance=int(counts.get("balance", 0)),
                  overspend=int(counts.get("overspend", 0))))


@st.fragment
def city_cards() -> None:
    """Filters and cards: a filter change reruns only this part, not the province header above."""
    f1, f2, f3 = st.columns([2, 2, 1])
    statuses = f1.multiselect(t("wv_filter_status"), ["surplus", "balance", "overspend"], format_func=bv.status_label,
                              key="wv_status", placeholder=t("choose_options"), select_all=False)
    levels = f2.multiselect(t("wv_filter_level"), ["red", "orange", "green"], format_func=bv.level_label, key="wv_level",
                            placeholder=t("choose_options"), select_all=False)
    search = f3.text_input(t("wv_search"), key="wv_search").strip()
    shown = cities
    if statuses:
        shown = shown[shown["status"].isin(statuses)]
    if levels:
        shown = shown[shown["warning_level"].isin(levels)]
    if search:
        shown = shown[shown["name_zh"].str.contains(search, regex=False) | shown["name_en"].str.contains(search, case=False, regex=False)
                      | shown["region"].str.contains(search, case=False, regex=False)]
    if shown.empty:
        st.info(t("wv_none"))
        return
    cards.show_grid(shown, card_html=card_html)  # each card is an in-session link to its city page (no reload, sign-in kept)
    labels = dict(zip(shown["region"], shown[name_col()]))
    c1, c2 = st.columns([3, 1])
    pick = c1.selectbox(t("cd_pick"), list(labels), format_func=labels.get, key="wv_pick", label_visibility="collapsed")
    if c2.button(t("wv_open"), key="wv_open"):
        st.switch_page("app_pages/city.py", query_params={"region": pick})


city_cards()
