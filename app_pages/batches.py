"""数据批次 / Upload history: every batch, its report and rows, rollback, and comparing two batches."""
from __future__ import annotations

import streamlit as st

from services import actions, auth, data, tables, upload_view
from services.i18n import lang, name_col, t
from warehouse import users

path, version = data.require_warehouse()
st.title(t("page_batches"))
st.caption(t("bh_intro"))
auth.gate(path, "rollback")
L = lang()
regions = data.regions(path, version, None)
names = dict(zip(regions["code"], regions[name_col()]))
inds = data.indicators(path, version)
ind_names = dict(zip(inds["code"], inds[name_col()]))

table = data.read(path, version, "batches")
st.dataframe(tables.readable(table.drop(columns=["note"], errors="ignore")), hide_index=True, width="stretch")

ids = table["batch_id"].tolist()
labels = {r.batch_id: " · ".join(x for x in (f"#{r.batch_id}", tables.pair(tables.ORIGINS, r.origin),
                                             r.source_name if isinstance(r.source_name, str) else "", str(r.created_at)[:16]) if x)
          for r in table.itertuples()}
batch = st.selectbox(t("bh_pick"), ids, format_func=labels.get, key="bh_pick")
row = table.set_index("batch_id").loc[batch]
tab_report, tab_rows = st.tabs([t("bh_report"), t("bh_rows")])
with tab_report:
    report = data.read(path, version, "batches.batch_report", batch)
    if report.empty:
        st.write("—")
    else:
        cols = [c for c in ["row", "column", "value", "severity", f"problem_{L}", f"fix_{L}"] if c in report.columns]
        shown = tables.readable(report[cols].rename(columns={f"problem_{L}": "problem", f"fix_{L}": "fix"}), names, ind_names)
        st.dataframe(shown.rename(columns={"problem": t("col_problem"), "fix": t("col_fix")}), hide_index=True, width="stretch")
with tab_rows:
    st.dataframe(tables.readable(data.read(path, version, "batches.batch_rows", batch), names, ind_names),
                 hide_index=True, width="stretch")

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
        st.session_state["bh_last"] = result
last = st.session_state.get("bh_last")
if last is not None:
    if last.ok:
        st.success(t("bh_rollback_done", msg=last.message_zh if L == "zh" else last.message_en))
    else:
        st.error(last.message_zh if L == "zh" else last.message_en)
upload_view.refresh_panel(path)

st.subheader(t("bh_compare"))
c1, c2 = st.columns(2)
a = c1.selectbox(t("bh_a"), ids, index=min(1, len(ids) - 1), format_func=labels.get, key="bh_a")
b = c2.selectbox(t("bh_b"), ids, index=0, format_func=labels.get, key="bh_b")
diff = data.read(path, version, "batches.compare_batches", a, b)
st.dataframe(tables.readable(diff.drop(columns=["key"]), names, ind_names, digits={"diff_pct": 1}), hide_index=True,
             width="stretch")
