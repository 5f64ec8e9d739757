"""数据批次 / Upload history: every batch, its report and rows, rollback, and comparing two batches."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from services import actions, auth, data
from services.i18n import lang, t
from warehouse import users

path, version = data.require_warehouse()
st.title(t("page_batches"))
st.caption(t("bh_intro"))
auth.gate(path, "rollback")
L = lang()
table = data.read(path, version, "batches")
st.dataframe(table.rename(columns={
    "batch_id": t("col_batch"), "created_at": t("col_created"), "created_by": t("col_user"), "origin": t("col_origin"),
    "source_name": t("col_file"), "rows_loaded": t("col_loaded"), "rows_rejected": t("col_rejected"),
    "status": t("col_status")}), hide_index=True, width="stretch")

ids = table["batch_id"].tolist()
labels = {r.batch_id: f"#{r.batch_id} · {r.origin} · {r.source_name or ''} · {str(r.created_at)[:16]}" for r in table.itertuples()}
batch = st.selectbox(t("bh_pick"), ids, format_func=labels.get, key="bh_pick")
row = table.set_index("batch_id").loc[batch]
tab_report, tab_rows = st.tabs([t("bh_report"), t("bh_rows")])
with tab_report:
    report = data.read(path, version, "batches.batch_report", batch)
    if report.empty:
        st.write("—")
    else:
        cols = [c for c in ["row", "column", "value", "severity", f"problem_{L}", f"fix_{L}"] if c in report.columns]
        st.dataframe(report[cols], hide_index=True, width="stretch")
with tab_rows:
    st.dataframe(data.read(path, version, "batches.batch_rows", batch), hide_index=True, width="stretch")

st.subheader(t("bh_rollback"))
if row["origin"] != "upload" or row["status"] == "rolled_back":
    st.caption(t("bh_not_rollbackable"))
else:
    confirm = st.checkbox(t("bh_rollback_confirm", batch=batch), key="bh_confirm")
    if st.button(t("bh_rollback"), key="bh_rollback", disabled=not confirm):
        try:
            result = actions.rollback(path, auth.current_user()[0], batch)
        except users.PermissionDenied as exc:
            st.error(t("auth_denied", msg=exc.message_zh if L == "zh" else exc.message_en))
            st.stop()
        if result.ok:
            st.success(t("bh_rollback_done", msg=result.message_zh if L == "zh" else result.message_en))
        else:
            st.error(result.message_zh if L == "zh" else result.message_en)

st.subheader(t("bh_compare"))
c1, c2 = st.columns(2)
a = c1.selectbox(t("bh_a"), ids, index=min(1, len(ids) - 1), format_func=labels.get, key="bh_a")
b = c2.selectbox(t("bh_b"), ids, index=0, format_func=labels.get, key="bh_b")
diff = data.read(path, version, "batches.compare_batches", a, b)
st.dataframe(diff, hide_index=True, width="stretch")
