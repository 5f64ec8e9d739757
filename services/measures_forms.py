"""The Measures page's forms: register a measure, change its status, file and review progress reports,
major projects and applications, and the bulletin downloads. Forms are shown to the roles that may
use them; every action is checked again in the warehouse (``services.measures_view.run_action``)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from budget import measures as bm
from budget.policy import instruments
from monitor import rules as mrules
from monitor import measures as ms
from monitor import measures_outlook as mo
from reports import bulletin_doc
from services import auth, documents
from services import budget_view as bv
from services.i18n import lang, t
from services.measures_view import instrument_label, run_action, status_text
from services.tables import bilingual, user_name


def _regions(rep, scope: str | None) -> list[str]:
    cities = rep.progress.loc[~rep.progress["is_province"].astype(bool), "region"].tolist()
    return [scope] if scope in cities else ([] if scope else cities)


def _indicator_names(path: str) -> dict[str, str]:
    from services import data
    from services.i18n import name_col

    inds = data.indicators(path, data.data_version(path))
    return dict(zip(inds["code"], inds[name_col()])) if len(inds) else {}


def add_measure_form(path: str, rep, names: dict, scope: str | None) -> None:
    st.markdown(f"**{t('ms_add')}**")
    regions = _regions(rep, scope)
    if not regions:
        return
    tb = instruments()
    c = st.columns(3)
    region = c[0].selectbox(t("ms_col_city"), regions, format_func=lambda r: names.get(r, r), key="ms_add_region")
    labels = {c: instrument_label(c) for c in tb["code"]}  # built here: AppTest replays format_func outside the run
    code = c[1].selectbox(t("ms_col_instrument"), tb["code"].tolist(), format_func=labels.get, key="ms_add_instrument")
    title = c[2].text_input(t("ms_col_title"), key="ms_add_title")
    c = st.columns(4)
    owner = c[0].text_input(t("ms_col_owner"), key="ms_add_owner")
    contact = c[1].text_input(t("ms_contact"), key="ms_add_contact")
    start = c[2].text_input(t("ms_start"), value=rep.as_of, key="ms_add_start")
    end = c[3].text_input(t("ms_end"), value=f"{rep.year}-12", key="ms_add_end")
    c = st.columns(4)
    reduction = c[0].number_input(t("ms_col_reduction"), min_value=0.0, value=0.0, step=10.0, key="ms_add_reduction")
    cost = c[1].number_input(t("ms_col_cost"), min_value=0.0, value=0.0, step=100.0, key="ms_add_cost")
    basis = c[2].text_input(t("ms_basis"), key="ms_add_basis")
    inds = _indicator_names(path)  # a picker of the catalog's indicators by name, not a box for internal codes
    indicator = c[3].selectbox(t("ms_col_indicator"), [None, *inds], key="ms_add_indicator",
                               format_func=lambda k: t("fu_no_indicator") if k is None else inds[k])
    if st.button(t("ms_add_button"), key="ms_add_go", type="primary"):
        if run_action(ms.add_measure, path, region=region, title=title, instrument=code, owner=owner, start=start, end=end,
                      reduction=reduction, contact=contact or None, basis=basis or None, cost=cost or None,
                      indicator=indicator or None, path_for_check=path):
            st.session_state["ms_flash"] = t("ms_added")  # shown after the rerun
            st.rerun()


def status_form(path: str, reg: dict, scope: str | None) -> None:
    mine = reg["measures"] if scope is None else reg["measures"][reg["measures"]["region"] == scope]
    open_ = mine[~mine["status"].isin(["done", "cancelled"])]
    if open_.empty:
        return
    st.markdown(f"**{t('ms_change_status')}**")
    c = st.columns(3)
    mid = c[0].selectbox(t("ms_col_id"), open_["measure_id"].tolist(), key="ms_st_id",
                         format_func=lambda i: f"{i} · {open_.set_index('measure_id').loc[i, 'title']}")
    old = open_.set_index("measure_id").loc[mid, "status"]
    choices = {k: status_text(k) for k in bm.ALLOWED.get(old, ())}
    new = c[1].selectbox(t("ms_col_status"), list(choices), format_func=choices.get, key="ms_st_to")
    reason = c[2].text_input(t("ms_reason"), key="ms_st_reason")
    if st.button(t("ms_change_button"), key="ms_st_go") and new:
        if run_action(ms.change_status, path, mid, new, reason, path_for_check=path):
            st.rerun()


def reports_section(path: str, reg: dict, scope: str | None) -> None:
    reps = reg["reports"]
    review = {"submitted": t("ms_rv_submitted"), "accepted": t("ms_rv_accepted"), "changes_requested": t("ms_rv_changes")}
    if reps.empty:
        st.info(t("ms_no_reports"))
    else:
        st.dataframe(pd.DataFrame({
            t("ms_col_report"): reps["report_id"].astype(int), t("ms_col_id"): reps["measure_id"].astype(int),
            t("ms_period"): reps["period"], t("ms_text"): reps["text"].map(bilingual), t("ms_value"): reps["value"].map(lambda v: bv.num(v, 1)),
            t("ms_author"): reps["author"].map(lambda a: user_name(bilingual(a))), t("ms_col_review"): reps["review_status"].map(review),
            t("ms_comment"): reps["review_comment"].map(bilingual),
        }), hide_index=True, width="stretch")
    mine = reg["measures"] if scope is None else reg["measures"][reg["measures"]["region"] == scope]
    if auth.can(path, "measure_report") and len(mine):
        st.markdown(f"**{t('ms_file_report')}**")
        c = st.columns(4)
        mid = c[0].selectbox(t("ms_col_id"), mine["measure_id"].tolist(), key="ms_rp_id",
                             format_func=lambda i: f"{i} · {mine.set_index('measure_id').loc[i, 'title']}")
        period = c[1].text_input(t("ms_period"), value=bm.quarter_of(date.today()), key="ms_rp_period")
        value = c[2].number_input(t("ms_value"), min_value=0.0, value=0.0, key="ms_rp_value")
        text = c[3].text_input(t("ms_text"), key="ms_rp_text")
        if st.button(t("ms_file_button"), key="ms_rp_go"):
            if run_action(ms.add_report, path, mid, text, value=value or None, period=period, path_for_check=path):
                st.rerun()
    pending = reps[reps["review_status"] != "accepted"] if len(reps) else reps
    if auth.can(path, "measure_review") and len(pending):
        st.markdown(f"**{t('ms_review_reports')}**")
        c = st.columns(3)
        rid = c[0].selectbox(t("ms_col_report"), pending["report_id"].tolist(), key="ms_rr_id")
        decision = c[1].selectbox(t("ms_col_review"), list(ms.REPORT_DECISIONS), key="ms_rr_decision",
                                  format_func=lambda d: review[d])
        comment = c[2].text_input(t("ms_comment"), key="ms_rr_comment")
        if st.button(t("ms_review_button"), key="ms_rr_go"):
            if run_action(ms.review_report, path, rid, decision, comment or None, path_for_check=path):
                st.rerun()


def applications_section(path: str, rep, reg: dict, names: dict, scope: str | None) -> None:
    projects, apps = reg["projects"], reg["applications"]
    st.markdown(f"**{t('ms_projects')}**")
    if projects.empty:
        st.info(t("ms_no_projects"))
    else:
        em = reg["project_emissions"]
        by = em.groupby("project_id").apply(lambda g: ("，" if lang() == "zh" else ", ").join(f"{int(y)}: {bv.num(v, 0)}" for y, v in zip(g["year"], g["co2"])),
                                            include_groups=False) if len(em) else pd.Series(dtype=str)
        st.dataframe(pd.DataFrame({
            t("ms_col_project_id"): projects["project_id"].astype(int), t("ms_col_city"): projects["region"].map(lambda r: names.get(r, r)),
            t("ms_col_project"): projects["name"].map(bilingual), t("ms_sector"): projects["sector"].map(bilingual), t("ms_start"): projects["start_month"],
            t("ms_emissions"): projects["project_id"].map(by).fillna("—"), t("ms_plan"): projects["reduction_plan"].map(bilingual),
        }), hide_index=True, width="stretch")
    regions = _regions(rep, scope)
    if auth.can(path, "application_submit") and regions:
        with st.expander(t("ms_add_project")):
            c = st.columns(4)
            p_region = c[0].selectbox(t("ms_col_city"), regions, format_func=lambda r: names.get(r, r), key="ms_pj_region")
            p_name = c[1].text_input(t("ms_col_project"), key="ms_pj_name")
            p_sector = c[2].text_input(t("ms_sector"), key="ms_pj_sector")
            p_start = c[3].text_input(t("ms_start"), value=rep.as_of, key="ms_pj_start")
            c = st.columns(3)
            p_em = c[0].text_input(t("ms_emissions_input"), value=f"{rep.year}=0", key="ms_pj_emissions")
            p_basis = c[1].text_input(t("ms_basis"), key="ms_pj_basis")
            p_plan = c[2].text_input(t("ms_plan"), key="ms_pj_plan")
            if st.button(t("ms_add_project"), key="ms_pj_go"):
                try:
                    em = bm.parse_emissions(p_em)
                except bm.MeasureError as exc:
                    st.error(exc.message(lang()))
                else:
                    if run_action(ms.add_project, path, region=p_region, name=p_name, sector=p_sector, start=p_start,
                                  emissions=em, basis=p_basis or None, reduction_plan=p_plan or None, path_for_check=path):
                        st.rerun()
    st.markdown(f"**{t('ms_applications')}**")
    kinds = {"separately_listed": t("ms_kind_sl"), "advance": t("ms_kind_advance")}
    decisions = {"pending": t("ms_app_pending"), "approve": t("ms_app_approve"), "partly": t("ms_app_partly"),
                 "refuse": t("ms_app_refuse")}
    if apps.empty:
        st.info(t("ms_no_applications"))
    else:
        st.dataframe(pd.DataFrame({
            t("ms_col_app"): apps["application_id"].astype(int), t("ms_col_city"): apps["region"].map(lambda r: names.get(r, r)),
            t("ms_kind"): apps["kind"].map(kinds), t("ms_col_project"): apps["project"].map(bilingual),
            t("bv_year"): apps["year"].astype(int), t("ms_amount"): apps["amount"].round(1),
            t("ms_col_status"): apps["status"].map(decisions), t("ms_granted"): apps["amount_granted"].map(lambda v: bv.num(v, 1)),
            t("ms_reason"): apps["reason"].map(bilingual), t("ms_review_reason"): apps["review_reason"].map(bilingual),
            t("ms_reviewer"): apps["reviewer"].map(user_name),
        }), hide_index=True, width="stretch")
    if auth.can(path, "application_submit") and regions:
        st.markdown(f"**{t('ms_apply')}**")
        c = st.columns(5)
        kind = c[0].selectbox(t("ms_kind"), list(ms.APPLICATION_KINDS), format_func=kinds.get, key="ms_ap_kind")
        region = c[1].selectbox(t("ms_col_city"), regions, format_func=lambda r: names.get(r, r), key="ms_ap_region")
        own = projects[projects["region"] == region]
        project = c[2].selectbox(t("ms_col_project"), [None] + own["project_id"].tolist(), key="ms_ap_project",
                                 format_func=lambda i: "—" if i is None else own.set_index("project_id").loc[i, "name"])
        amount = c[3].number_input(t("ms_amount"), min_value=0.0, value=0.0, key="ms_ap_amount")
        reason = c[4].text_input(t("ms_reason"), key="ms_ap_reason")
        same = apps[(apps["region"] == region) & (apps["kind"] == kind) & (apps["year"].astype(int) == int(rep.year))
                    & (apps["status"] == "pending")] if len(apps) else apps
        confirmed = True
        if len(same):  # flagged before anything is stored: the same city, kind and year already waits for review
            st.warning(t("fu_dup_app", n=len(same), ids="、".join(str(int(i)) for i in same["application_id"]),
                         amounts="、".join(f"{a:,.0f}" for a in same["amount"])))
            confirmed = st.checkbox(t("fu_dup_confirm"), key="ms_ap_dup_ok")
        clicked = st.button(t("ms_apply_button"), key="ms_ap_go")
        if clicked and not confirmed:
            st.error(t("fu_dup_refused"))
        elif clicked:
            if run_action(ms.submit_application, path, kind=kind, region=region, year=rep.year, amount=amount, reason=reason,
                          project_id=project, path_for_check=path):
                st.rerun()
    pending = apps[apps["status"] == "pending"] if len(apps) else apps
    if auth.can(path, "application_review") and len(pending):
        st.markdown(f"**{t('ms_review_apps')}**")
        c = st.columns(4)
        aid = c[0].selectbox(t("ms_col_app"), pending["application_id"].tolist(), key="ms_ra_id")
        decision = c[1].selectbox(t("ms_col_status"), list(ms.DECISIONS), format_func=decisions.get, key="ms_ra_decision")
        amount = c[2].number_input(t("ms_granted"), min_value=0.0, value=0.0, key="ms_ra_amount")
        reason = c[3].text_input(t("ms_review_reason"), key="ms_ra_reason")
        st.caption(t("ms_review_note"))
        if st.button(t("ms_review_button"), key="ms_ra_go"):
            if run_action(ms.review_application, path, aid, decision, reason, amount=amount or None, path_for_check=path):
                st.rerun()


@st.cache_data(show_spinner=False, max_entries=8)
def _bulletin(path: str, version: str, doc_lang: str, kind: str) -> bytes:
    from services.budget_view import report

    rep = report(path, version)
    frames = mo.bulletin_frames(rep, ms.register(path), doc_lang)
    if kind == "xlsx":
        return bulletin_doc.bulletin_xlsx(frames, doc_lang, books=mrules.books_at_month(path, rep.year, rep.month))
    from monitor import track_record   # the bulletin quotes the estimates' live record
    return bulletin_doc.bulletin_pdf(frames, mo.quarter_label(rep, doc_lang), rep.as_of, doc_lang, books=mrules.books_at_month(path, rep.year, rep.month),
                                     record=track_record.sentence(track_record.summary(path), doc_lang))


def bulletin_section(path: str, version: str, rep) -> None:
    st.caption(t("ms_bulletin_intro", quarter=mo.quarter_label(rep, lang())))
    c = st.columns(2)
    doc_lang = c[0].radio(t("ms_bulletin_lang"), ["zh", "en"], format_func={"zh": "中文", "en": "English"}.get,
                          horizontal=True, key="ms_bl_lang")
    if c[1].button(t("ms_bulletin_make"), key="ms_bl_make"):
        st.session_state["ms_bl_ready"] = doc_lang
    if st.session_state.get("ms_bl_ready") == doc_lang:
        c = st.columns(2)
        pdf = documents.make(_bulletin, path, version, doc_lang, "pdf")   # a renderer failure: st.error, no traceback
        if pdf is not None:
            c[0].download_button(t("ms_bulletin_pdf"), pdf, file_name=f"bulletin-{rep.as_of}-{doc_lang}.pdf",
                                 mime="application/pdf", key="ms_bl_pdf")
        c[1].download_button(t("ms_bulletin_xlsx"), _bulletin(path, version, doc_lang, "xlsx"),
                             file_name=f"bulletin-{rep.as_of}-{doc_lang}.xlsx", key="ms_bl_xlsx",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

