"""数据上传 / Upload data: templates, check (every problem before anything is stored), commit."""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from services import actions, auth, data, upload_view, view_cache
from services import budget_view as bv
from services.i18n import lang, t
from intake import region_list, templates as upload_templates, validate as upload_validate
from reports.safe_text import to_csv_bytes
from warehouse import users

path, version = data.require_warehouse()
st.title(t("page_upload"))
st.caption(t("up_intro"))
auth.gate(path, "upload")

L = lang()
with st.expander(t("up_templates")):
    cols = st.columns(5)
    all_regions = data.regions(path, version, None)   # the valid names: a sheet + drop-down in the xlsx
    digest = hashlib.sha256(all_regions.to_json(orient="split").encode()).hexdigest()  # templates depend on these only
    for col, (shape, fmt) in zip(cols, [("long", "xlsx"), ("long", "csv"), ("wide", "xlsx"), ("wide", "csv")]):
        maker = upload_templates.template_long if shape == "long" else upload_templates.template_wide
        col.download_button(t(f"up_tpl_{shape}_{fmt}"),  # built once per region list and language
                            view_cache.lasting(("tpl", shape, fmt, L, digest), lambda: maker(fmt, L, all_regions)),
                            file_name=f"template_{shape}_{L}.{fmt}", key=f"tpl_{shape}_{fmt}")
    cols[4].download_button(t("intake_tpl_regions_csv"), view_cache.lasting(
        ("tpl_regions", L, digest), lambda: region_list.regions_csv(all_regions, L)),
                            file_name=f"regions_{L}.csv", mime="text/csv", key="tpl_regions_csv")
    st.caption(t("intake_tpl_regions_note"))

last = st.session_state.get("up_last")
if last is not None:  # the last commit of this session: shown until the next one, the refresh runs meanwhile
    upload_view.committed(path, last["result"], last["before"])

upload_view.uploader_text()
up = st.file_uploader(t("up_file"), type=["xlsx", "csv"], key="up_file", help=t("up_file_help"))
if up is None:
    st.stop()
payload, filename = up.getvalue(), up.name
digest = hashlib.sha256(payload).hexdigest()
sheet = None
if filename.lower().endswith(".xlsx"):
    sheets = data.sheet_names(payload, filename)
    if len(sheets) > 1:
        sheet = st.selectbox(t("up_sheet"), sheets, key="up_sheet")

state_key = f"up_check_{digest}_{sheet}"
if st.button(t("up_check"), key="up_check", type="primary"):
    try:
        st.session_state[state_key] = actions.check_upload(path, auth.current_user()[0], payload, filename, sheet)
    except users.PermissionDenied as exc:
        st.error(t("auth_denied", msg=exc.message_zh if L == "zh" else exc.message_en))
        st.stop()
checked = st.session_state.get(state_key)
if checked is None:
    st.stop()

report = checked.report
n_err, n_warn = int((report["severity"] == "error").sum()), int((report["severity"] == "warning").sum())
st.write(t("up_summary", rows=checked.rows_in, errors=n_err, warnings=n_warn, clean=checked.rows_loaded))
if checked.status == "unchanged":
    st.info(checked.message_zh if L == "zh" else checked.message_en)
elif n_err:
    st.error(t("up_has_errors"))
else:
    st.success(t("up_clean"))
if not report.empty:
    shown = pd.DataFrame({
        t("col_row"): report["row"].astype("string").fillna("—"), t("col_column"): report["column"].fillna("—"),
        t("col_value"): report["value"].astype("string").fillna("—"),
        t("col_severity"): report["severity"].map(lambda s: t(f"sev_{s}")),
        t("col_problem"): report[f"problem_{L}"], t("col_fix"): report[f"fix_{L}"]})
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button(t("up_download_report"), to_csv_bytes(upload_validate.report_for_export(report)),
                       file_name=f"report_{filename}.csv", mime="text/csv", key="up_report_csv")

accept = st.checkbox(t("up_accept_valid"), key="up_accept") if n_err else False
can_commit = checked.status == "dry-run" and checked.rows_loaded > 0 and (not n_err or accept)
if st.button(t("up_commit"), key="up_commit", disabled=not can_commit):
    try:
        before = bv.report(path, version).progress
    except ValueError:  # no budget plan yet
        before = None
    with st.spinner(t("up_committing")):
        try:
            result = actions.commit_upload(path, auth.current_user()[0], payload, filename, sheet=sheet,
                                           accept_valid_rows=accept)
        except users.PermissionDenied as exc:
            st.error(t("auth_denied", msg=exc.message_zh if L == "zh" else exc.message_en))
            st.stop()
    st.session_state.pop(state_key, None)
    st.session_state["up_last"] = {"result": result, "before": before}
    st.rerun()  # show the result at the top; the refresh runs in the background meanwhile
