"""五年决算 / Five-year accounts: the period's assessment (考核): five-year totals, target completion,
the evaluation indicators, score, grade and ranking; admins enter the scores the data cannot give."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from budget import evaluation
from budget.year_close import plan_periods_for
from services.documents import make as make_document
from services import accounts_view as av
from budget import config as bconfig
from services import auth, data, province_view
from services import budget_view as bv
from services import units
from services.freshness import after_write
from services.i18n import lang, t
from services.tables import user_name

path, version = data.require_warehouse()
L = lang()
st.title(t("acc_page_five"))
st.caption(t("acc_five_intro"))
years = av.budget_years(path, version)
stored = av.assessments(path, version)
periods = sorted({(int(a), int(b)) for a, b in zip(stored["period_start"], stored["period_end"])} |
                 set(plan_periods_for(years, av.plan_periods(path, version))), reverse=True)  # the warehouse's plans
if not periods:
    st.info(t("acc_no_years"))
    st.stop()
default = next((i for i, pr in enumerate(periods) if len(stored) and pr == (int(stored.iloc[0]["period_start"]), int(stored.iloc[0]["period_end"]))), 0)
start, end = st.selectbox(t("acc_period"), periods, index=default, format_func=lambda pr: f"{pr[0]}–{pr[1]}", key="acc_period")
is_admin = auth.can(path, "assessment_score")
name, _ = auth.current_user()
mine = stored[(stored["period_start"] == start) & (stored["period_end"] == end)]
if mine.empty:
    st.info(t("acc_no_assessment", period=f"{start}-{end}"))
    if is_admin and st.button(t("acc_rerun"), key="acc_rerun_first"):
        res = av.rerun_five_year(path, name, start, end)
        if res.ok:
            after_write(t("fu_assess_done", period=f"{start}–{end}", v=res.payload.get("version", "?")))
        st.error(t("acc_failed", msg=res.message_zh if L == "zh" else res.message_en))
    st.stop()
latest = mine.iloc[0]
rows = av.assessment(path, version, int(latest["assessment_id"]))
st.caption(t("acc_version", version=int(latest["version"]), when=str(latest["created_at"])[:16], who=user_name(latest["created_by"])))
regions = data.regions(path, version, None).set_index("code")
label = lambda r: regions[f"name_{L}"].get(r, r)
grade = lambda g: evaluation.GRADE_LABELS.get(g, {}).get(L, "—") if isinstance(g, str) else "—"
prov = rows[rows["is_province"].astype(bool)]
p = prov.iloc[0] if len(prov) else rows.iloc[0]
m = st.columns(4)
m[0].metric(t("fu_five_total"), units.mass(p["five_year_accounted"]))
m[1].metric(t("fu_five_budget"), units.mass(p["five_year_budget"]))
m[2].metric(t("acc_total_completion"), units.pct(p["total_completion"]))
m[3].metric(t("acc_intensity_decline"), units.pct(p["intensity_decline"]))

st.subheader(t("acc_grades"))
cities = rows[~rows["is_province"].astype(bool)].sort_values("rank")
rank = pd.DataFrame({t("acc_col_rank"): pd.to_numeric(cities["rank"], errors="coerce").map(units.rank),
                     t("acc_col_name"): cities["region"].map(label),
                     t("acc_col_score"): cities["score"].map(bv.num), t("acc_col_grade"): cities["grade"].map(grade),
                     t("acc_total_completion"): cities["total_completion"].map(bv.pct),
                     t("acc_intensity_decline"): cities["intensity_decline"].map(bv.pct),
                     t("acc_col_coverage"): cities["coverage"].map(bv.pct)})
st.dataframe(rank, hide_index=True, width="stretch")
chart = pd.DataFrame({"city": cities["region"].map(label), "score": cities["score"].astype(float),
                      "grade": cities["grade"].map(grade)}).dropna()
if len(chart):  # a grade keeps its colour in every language: red is 不合格 / Fail, green 优秀 / Excellent
    grades = [g for _, g in evaluation.GRADES]
    st.vega_lite_chart(chart, {"mark": "bar", "encoding": {
        "x": {"field": "city", "type": "nominal", "sort": "-y", "title": None, "axis": {"labelAngle": -40}},
        "y": {"field": "score", "type": "quantitative", "title": t("acc_col_score"), "scale": {"domain": [0, 100]}},
        "color": {"field": "grade", "type": "nominal", "title": t("acc_col_grade"),
                  "scale": {"domain": [grade(g) for g in grades], "range": [bconfig.GRADE_COLORS[g] for g in grades]}}}},
        width="stretch")

st.subheader(t("acc_indicators"))
ind = pd.DataFrame({t("acc_col_name"): rows["region"].map(label)})
for k in evaluation.INDICATORS:
    ind[evaluation.INDICATOR_LABELS[k][L]] = rows[f"score_{k}"].map(bv.num)
st.dataframe(ind, hide_index=True, width="stretch")
with st.expander(t("acc_weights")):
    st.dataframe(pd.DataFrame({t("acc_score_indicator"): [evaluation.INDICATOR_LABELS[k][L] for k in evaluation.INDICATORS],
                               t("acc_weights"): [w for w, _ in evaluation.INDICATORS.values()]}), hide_index=True)

if is_admin:
    with st.form("acc_score_form"):
        st.write(t("acc_score_form"))
        region = st.selectbox(t("acc_score_region"), list(rows["region"]), format_func=label, key="acc_score_region")
        indicator = st.selectbox(t("acc_score_indicator"), list(evaluation.ENTERED),
                                 format_func=lambda k: evaluation.INDICATOR_LABELS[k][L], key="acc_score_indicator")
        value = st.number_input(t("acc_score_value"), min_value=0.0, max_value=100.0, value=80.0, step=1.0, key="acc_score_value")
        if st.form_submit_button(t("acc_score_submit")):
            res = av.rerun_five_year(path, name, start, end, score=(region, indicator, value))
            if res.ok:
                after_write(t("fu_score_done", region=label(region), indicator=evaluation.INDICATOR_LABELS[indicator][L],
                              score=f"{value:g}", v=res.payload.get("version", "?")),
                            reset=("acc_score_region", "acc_score_indicator", "acc_score_value"))
            st.error(t("acc_failed", msg=res.message_zh if L == "zh" else res.message_en))
else:
    st.caption(t("acc_admin_only"))

province_view.assessment_block(path, version, f"{start}-{end}", dict(zip(regions.index, regions[f"name_{L}"])))

if st.button(t("acc_make_docs"), key="acc_five_docs"):
    st.session_state["acc_five_docs_for"] = int(latest["assessment_id"])
if st.session_state.get("acc_five_docs_for") == int(latest["assessment_id"]):
    pdf, xlsx = make_document(av.five_year_docs, path, version, int(latest["assessment_id"]), start, end) or (None, None)
    if pdf is not None:   # a renderer failure is a message, never a traceback
        c = st.columns(2)
        c[0].download_button(t("acc_pdf"), pdf, file_name=f"five_year_accounts_{start}_{end}.pdf", mime="application/pdf",
                             key="acc_five_pdf")
        c[1].download_button(t("acc_xlsx"), xlsx, file_name=f"five_year_accounts_{start}_{end}.xlsx", key="acc_five_xlsx",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
