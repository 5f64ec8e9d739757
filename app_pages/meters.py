"""电表数据上传 / Meter data upload: template, check (every problem before anything is stored), load as one
batch, the batch's report, and rolling a meter batch back."""
from __future__ import annotations

import hashlib

import streamlit as st

from intake import meters_validate as mv
from reports.safe_text import to_csv_bytes
from services import auth, data, meter_actions
from services.i18n import lang, name_col, t
from warehouse import users

path, version = data.require_warehouse()
st.title(t("mt_page"))
st.caption(t("mt_intro"))
auth.gate(path, "meter_upload")
L = lang()
user = auth.current_user()[0]
reg = meter_actions.registry(path, version)
regions = data.regions(path, version, None)
names = dict(zip(regions["code"], regions[name_col()]))


def _refused(exc: users.PermissionDenied) -> None:
    st.error(t("auth_denied", msg=exc.message_zh if L == "zh" else exc.message_en))
    st.stop()


with st.expander(t("mt_templates"), expanded=reg.empty):
    c1, c2 = st.columns(2)
    c1.download_button(t("mt_tpl_csv"), meter_actions.template_bytes(), file_name="meters_template.csv",
                       mime="text/csv", key="mt_tpl_csv")
    c2.download_button(t("mt_tpl_enterprises"), to_csv_bytes(mv.enterprise_list(reg, L)), file_name=f"enterprises_{L}.csv",
                       mime="text/csv", key="mt_tpl_enterprises", disabled=reg.empty)
    st.caption(t("mt_tpl_note", example=meter_actions.example_line(reg)))
if reg.empty:
    st.warning(t("mt_no_registry"))

last = st.session_state.get("mt_last")
if last is not None:  # this session's last load: its result and the batch by month and city
    if last.ok:
        st.success(t("mt_loaded", batch=last.payload.get("batch"), n=f"{last.payload.get('rows_loaded', 0):,}"))
        parts = meter_actions.batch_parts(path, version, int(last.payload["batch"]))
        st.write(t("mt_loaded_parts"))
        st.dataframe(meter_actions.parts_table(parts, names), hide_index=True, width="stretch")
    else:
        st.error(t("mt_failed", msg=last.message_zh if L == "zh" else last.message_en))

up = st.file_uploader(t("mt_file"), type=["csv", "parquet"], key="mt_file")
if up is not None:
    payload, filename = up.getvalue(), up.name
    state_key = f"mt_check_{hashlib.sha256(payload).hexdigest()}"
    if st.button(t("mt_check"), key="mt_check", type="primary"):
        try:
            st.session_state[state_key] = meter_actions.check(path, user, payload, filename)
        except users.PermissionDenied as exc:
            _refused(exc)
    checked = st.session_state.get(state_key)
    if checked is not None:
        report = checked.report
        n_err, n_warn = len(checked.errors), len(checked.warnings)
        st.write(t("mt_summary", rows=f"{checked.rows_in:,}", errors=n_err, warnings=n_warn, clean=f"{checked.rows_loaded:,}"))
        (st.error if n_err or checked.status == "rejected" else st.success)(t("mt_has_errors") if n_err or checked.status == "rejected" else t("mt_clean"))
        if not report.empty:
            st.dataframe(meter_actions.report_table(report), hide_index=True, width="stretch")
            st.download_button(t("mt_report_csv"), to_csv_bytes(report), file_name=f"report_{filename}.csv",
                               mime="text/csv", key="mt_report_csv")
        if st.button(t("mt_load"), key="mt_load", disabled=checked.status != "dry-run"):
            with st.spinner(t("mt_loading")):
                try:
                    st.session_state["mt_last"] = meter_actions.load(path, user, payload, filename)
                except users.PermissionDenied as exc:
                    _refused(exc)
            st.session_state.pop(state_key, None)
            st.rerun()

st.subheader(t("mt_batches"))
batches = meter_actions.batches(path, version)
if batches.empty:
    st.info(t("mt_no_batches"))
    st.stop()
shown = meter_actions.batch_table(batches)
st.dataframe(shown, hide_index=True, width="stretch")

st.subheader(t("mt_rollback"))
standing = batches[(batches["origin"] == "meters") & (batches["status"] != "rolled_back")]
if standing.empty:
    st.caption(t("mt_rollback_none"))
else:
    labels = {int(r.batch_id): f"#{int(r.batch_id)} · {r.source_name or ''} · {str(r.created_at)[:16]}" for r in standing.itertuples()}
    batch = st.selectbox(t("mt_rollback_pick"), list(labels), format_func=labels.get, key="mt_rb_pick")
    confirm = st.checkbox(t("mt_rollback_confirm", batch=batch), key="mt_rb_confirm")
    if st.button(t("mt_rollback"), key="mt_rb", disabled=not confirm):
        try:
            st.session_state["mt_rb_last"] = meter_actions.rollback(path, user, batch)
        except users.PermissionDenied as exc:
            _refused(exc)
        st.rerun()
done = st.session_state.get("mt_rb_last")
if done is not None:
    (st.success if done.ok else st.error)(t("mt_rollback_done", msg=done.message_zh if L == "zh" else done.message_en)
                                           if done.ok else (done.message_zh if L == "zh" else done.message_en))
