"""审定 / Sign-off: what waits for a second signature (a plan, a close, a change of the province total …),
for the provincial approver (省政府审定) and admins. Confirming runs the action in the same transaction."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from services import approvals_view as V
from services import auth, data
from services.freshness import after_write
from services.i18n import lang, t
from services.tables import bilingual, user_name

path, version = data.require_warehouse()
auth.gate(path, "approval_confirm")
me, _ = auth.current_user()
L = lang()
st.title(t("fu_page_approvals"))
st.caption(t("fu_approvals_intro"))
rows = V.listing(path, version)
status = {"pending": t("fu_ap_pending"), "confirmed": t("fu_ap_confirmed"), "refused": t("fu_ap_refused")}
pending = rows[rows["status"] == "pending"]
if pending.empty:
    st.success(t("fu_ap_none"))
else:
    st.subheader(t("fu_ap_waiting", n=len(pending)))
    for r in pending.itertuples():
        with st.container(border=True):
            st.markdown(f"**{t('fu_ap_no', id=int(r.id))}** · {bilingual(r.summary)}")
            st.caption(t("fu_ap_asked", who=user_name(r.requested_by), when=str(r.requested_at)[:16]))
            c = st.columns([1, 2, 1])
            if c[0].button(t("fu_ap_confirm"), key=f"ap_ok_{r.id}", type="primary", disabled=r.requested_by == me):
                res = V.confirm(path, me, int(r.id))
                if res.ok:
                    after_write(t("fu_ap_confirmed_done", id=int(r.id), what=bilingual(r.summary)))
                st.error(t("fu_admin_refused", msg=res.message_zh if L == "zh" else res.message_en))
            reason = c[1].text_input(t("fu_ap_reason"), key=f"ap_reason_{r.id}", label_visibility="collapsed",
                                     placeholder=t("fu_ap_reason"))
            if c[2].button(t("fu_ap_refuse"), key=f"ap_no_{r.id}"):
                res = V.refuse(path, me, int(r.id), reason)
                if res.ok:
                    after_write(t("fu_ap_refused_done", id=int(r.id)), reset=(f"ap_reason_{r.id}",))
                st.error(t("fu_admin_refused", msg=res.message_zh if L == "zh" else res.message_en))
st.subheader(t("fu_ap_history"))
done = rows[rows["status"] != "pending"]
if done.empty:
    st.caption(t("fu_ap_no_history"))
else:
    st.dataframe(pd.DataFrame({
        t("fu_ap_col_id"): done["id"].astype(int), t("fu_ap_col_what"): done["summary"].map(bilingual),
        t("fu_ap_col_by"): done["requested_by"].map(user_name), t("fu_ap_col_status"): done["status"].map(status),
        t("fu_ap_col_decided"): done["decided_by"].map(user_name), t("fu_ap_col_when"): done["decided_at"].astype(str).str[:16],
        t("fu_ap_reason"): done["reason"].map(lambda v: bilingual(v) if isinstance(v, str) and v else "—")}),
        hide_index=True, width="stretch")
