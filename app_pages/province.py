"""省级统筹 / Province workflow: the signed-in user's inbox, the cities' objections and the answers, filings with
the centre (what is filed, due, overdue; receipts), and the public notices with a preview of the site."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from services import auth, data
from services import province_forms as F
from services import province_view as P
from services.i18n import lang, name_col, t

path, version = data.require_warehouse()
st.title(t("pv_page"))
st.caption(t("pv_intro"))
names = dict(zip(*data.regions(path, version, None)[["code", name_col()]].T.values))
user, role = auth.current_user()
tab_inbox, tab_obj, tab_file, tab_pub = st.tabs([t("pv_tab_inbox"), t("pv_tab_objections"), t("pv_tab_filings"),
                                                 t("pv_tab_publication")])

with tab_inbox:
    box = P.inbox_items(path, version, user) if user else None
    if box is None:
        st.info(t("pv_sign_in"))
    else:
        scope = names.get(box["region"], box["region"]) if box["region"] else t("pv_scope_all")
        st.caption(t("pv_inbox_for", user=box["user"], scope=scope, n=len(box["items"])))
        if box["items"]:  # a statement, not a bare expression: Streamlit's magic would print the returned object
            st.dataframe(P.inbox_frame(box["items"]), hide_index=True, width="stretch")
        else:
            st.info(t("pv_inbox_empty"))

with tab_obj:
    F.objections_tab(path, version, names, user, role)

with tab_file:
    F.filings_tab(path, version)

with tab_pub:
    st.caption(t("pv_publish_note"))
    if auth.can(path, "publish"):
        out = P.output_dir(path, "publication")
        if st.button(t("pv_publish"), key="pv_publish", type="primary"):
            r = P.run(path, "publish", "publish", "--out", out)
            P.say(r, t("pv_publish_done", new=len(r.payload.get("new", [])), corr=len(r.payload.get("corrections", [])), out=out))
        if P.site_written(out):
            st.download_button(t("pv_site_zip"), P.zip_folder(out), "publication.zip", key="pv_site_zip")
    nt = P.notices(path, version)
    st.subheader(t("pv_notices"))
    if nt.empty:
        st.caption(t("pv_no_notices"))
    else:
        st.dataframe(pd.DataFrame({t("pv_col_number"): nt["number"], t("pv_col_title"): nt["title_zh" if lang() == "zh" else "title_en"],
                                   t("pv_col_published"): nt["published_at"].astype(str).str[:10],
                                   t("pv_col_corrects"): nt["corrects"].fillna("")}), hide_index=True, width="stretch")
        pick = st.selectbox(t("pv_preview"), list(nt["number"])[::-1], key="pv_preview")
        files = P.preview(path, version)
        page = files.get(("" if lang() == "zh" else "en/") + f"notices/{pick}.html", b"").decode("utf-8")
        st.iframe(P.data_url(P.inline_css(page, files["style.css"].decode("utf-8"))), height=640)
