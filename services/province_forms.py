"""The province workflow page's tabs with forms (objections and answers, filings and receipts): each action goes
through ``province_view.run`` (checked here, then again in the CLI's writing transaction)."""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import streamlit as st

from budget import province as bp
from services import auth
from services import province_view as P
from services.i18n import t


def objections_tab(path: str, version: str, names: dict, user: str | None, role: str | None) -> None:
    objs = P.objection_list(path, version)
    if len(objs):
        st.dataframe(P.objection_frame(objs, names), hide_index=True, width="stretch")
    else:
        st.caption(t("pv_no_objections"))
    if auth.can(path, "objection_add") and role == "reporter":
        with st.form("pv_obj_form"):
            st.markdown(f"**{t('pv_obj_form')}**")
            kind = st.selectbox(t("pv_obj_kind"), bp.OBJECTION_KINDS, format_func=P.label, key="pv_obj_kind")
            ident = st.text_input(t("pv_obj_id"), key="pv_obj_id")
            text = st.text_area(t("pv_obj_text"), key="pv_obj_text")
            amount = st.number_input(t("pv_obj_amount"), 0.0, None, 0.0, 100.0, key="pv_obj_amount")
            if st.form_submit_button(t("pv_obj_send")):
                from warehouse import db, users

                with db.connect(path) as con:
                    region = users.user_region(con, user) or ""
                args = ["objections", "add", "--region", region, "--about", f"{kind}:{ident}", "--text", text]
                P.say(P.run(path, "objection_add", *args, *(["--amount", str(amount)] if amount else [])), t("pv_obj_done"),
                      reset=("pv_obj_id", "pv_obj_text", "pv_obj_amount"))
    if auth.can(path, "objection_answer"):
        open_obj = [f"{i}" for i in objs.loc[objs["status"] == "open", "objection_id"]]
        comments = P.open_comments(path, version)
        subjects = open_obj + [f"comment:{c}" for c in comments]
        if not subjects:
            st.caption(t("pv_nothing_open"))
        else:
            with st.form("pv_answer_form"):
                st.markdown(f"**{t('pv_answer_form')}**")
                subject = st.selectbox(t("pv_answer_subject"), subjects, key="pv_answer_subject")
                decision = st.selectbox(t("pv_answer_decision"), bp.DECISIONS, format_func=P.label, key="pv_answer_decision")
                reasons = st.text_area(t("pv_answer_text"), key="pv_answer_text")
                if st.form_submit_button(t("pv_answer_send")):
                    P.say(P.run(path, "objection_answer", "objections", "answer", subject, "--decision", decision,
                                "--text", reasons), t("pv_answer_done"), reset=("pv_answer_text", "pv_answer_subject"))


def filings_tab(path: str, version: str) -> None:
    st.subheader(t("pv_obligations", days=bp.FILING_DUE_DAYS))
    ob = P.obligations(path, version)
    st.dataframe(pd.DataFrame({t("pv_col_kind"): ob["kind"].map(P.label), t("pv_col_object"): ob["object_id"],
                               t("pv_col_due"): ob["due"].astype(str), t("pv_col_status"): ob["status"].map(lambda s: t(f"pv_status_{s}")),
                               t("pv_col_filing"): ob["filing_id"].map(lambda i: "—" if i is None or i != i else str(int(i)))}),
                 hide_index=True, width="stretch")
    st.subheader(t("pv_filings"))
    fl = P.filing_list(path, version)
    if fl.empty:
        st.caption(t("pv_no_filings"))
    else:
        st.dataframe(pd.DataFrame({t("pv_col_filing"): fl["filing_id"], t("pv_col_kind"): fl["kind"].map(P.label),
                                   t("pv_col_object"): fl["object_id"], t("pv_col_recipient"): fl["recipient"].map(P.own_words),
                                   t("pv_col_submitted"): fl["submitted_at"].astype(str).str[:16],
                                   t("pv_col_receipt"): fl["receipt"].map(P.own_words).replace("", "—")}), hide_index=True, width="stretch")
    if auth.can(path, "filing_submit"):
        todo = ob[ob["status"].isin(["due", "overdue"])]
        items = [f"{k} {o}" for k, o in zip(todo["kind"], todo["object_id"])]
        if items:
            c1, c2 = st.columns([3, 1])
            item = c1.selectbox(t("pv_file_item"), items, key="pv_file_item")
            if c2.button(t("pv_file_send"), key="pv_file_send"):
                kind, ident = item.split(" ", 1)
                out = P.output_dir(path, "filings", f"{kind}_{ident}_{time.strftime('%Y%m%d%H%M%S')}")
                r = P.run(path, "filing_submit", "filings", "submit", kind, ident, "--out", out)
                P.say(r, t("pv_file_done", id=r.payload.get("filing_id"), out=out), remember=("pv_file_out", out))
        last = st.session_state.get("pv_file_out")
        if last and Path(last).is_dir():
            st.download_button(t("pv_file_zip"), P.zip_folder(last), f"{Path(last).name}.zip", key="pv_file_zip")
        waiting = [str(i) for i in fl.loc[fl["receipt"].isna(), "filing_id"]] if len(fl) else []
        if waiting:
            with st.form("pv_receipt_form"):
                st.markdown(f"**{t('pv_receipt_form')}**")
                fid = st.selectbox(t("pv_receipt_filing"), waiting, key="pv_receipt_filing")
                text = st.text_input(t("pv_receipt_text"), key="pv_receipt_text")
                if st.form_submit_button(t("pv_receipt_send")):
                    P.say(P.run(path, "filing_submit", "filings", "receipt", fid, "--text", text), t("pv_receipt_done"),
                          reset=("pv_receipt_text",))
