"""The province workflow for the pages: cached reads (keyed by the warehouse's data version), the blocks the
plan and accounts pages show (objections and answers, what the cities ask against the total, what followed an
assessment), and the actions — each checked against the warehouse here (server side) and run through the CLI in
a child process, which checks the role again in its writing transaction."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from budget import inbox as bi
from budget import province as bp
from monitor import filings, inbox, objections, publish
from monitor import province as mprovince
from services import actions, auth
from services.i18n import lang, t


@st.cache_data(show_spinner=False, max_entries=16)
def objection_list(path: str, version: str) -> pd.DataFrame:
    del version
    return objections.listing(path)


@st.cache_data(show_spinner=False, max_entries=16)
def obligations(path: str, version: str) -> pd.DataFrame:
    del version
    return filings.obligations(path)


@st.cache_data(show_spinner=False, max_entries=16)
def filing_list(path: str, version: str) -> pd.DataFrame:
    del version
    return filings.listing(path)


@st.cache_data(show_spinner=False, max_entries=16)
def notices(path: str, version: str) -> pd.DataFrame:
    del version
    return publish.listing(path)


@st.cache_data(show_spinner=False, max_entries=4)
def preview(path: str, version: str) -> dict[str, bytes]:
    del version
    return publish.render_preview(path)


@st.cache_data(show_spinner=False, max_entries=16)
def _inbox(path: str, version: str, user: str) -> dict:
    del version
    return inbox.items(path, user)


def inbox_items(path: str, version: str, user: str) -> dict | None:
    """The user's inbox; None when the warehouse no longer knows the user (disabled or removed)."""
    from warehouse import users

    try:
        return _inbox(path, version, user)
    except users.PermissionDenied:
        return None


def _result(code: int, payload: dict, err: str) -> actions.ActionResult:
    msg = (err.splitlines() or [""])[-1]
    if code == 0:
        return actions.ActionResult(True, payload)
    body = msg.split(": ", 1)[1] if msg.startswith("refused") and ": " in msg else msg
    en, _, zh = body.partition(" / ")
    return actions.ActionResult(False, payload, zh or en, en)


def run(path: str, action: str, *args: str) -> actions.ActionResult:
    """The CLI command ``args`` as the signed-in user (``--user`` added), after the server-side role check."""
    try:
        user = auth.require(path, action, auth.current_user()[0])
    except Exception as exc:  # noqa: BLE001 - PermissionDenied: shown, never a traceback
        return actions.ActionResult(False, {}, getattr(exc, "message_zh", str(exc)), getattr(exc, "message_en", str(exc)))
    return _result(*actions._cli(path, *args, "--user", user, "--json"))


def say(result: actions.ActionResult, done: str, reset: tuple = (), remember: tuple | None = None) -> None:
    """A write's outcome: done → the page is drawn again on the new state with ``done`` on top (the form's
    ``reset`` keys cleared; ``remember`` = (session key, value) kept for the next run, e.g. a folder to offer
    for download); refused → the reason in place, the form keeps its values."""
    from services.freshness import after_write, refused

    if result.ok:
        if remember:
            st.session_state[remember[0]] = remember[1]
        after_write(done, reset=reset)
    else:
        refused(t("pv_refused", msg=result.message_zh if lang() == "zh" else result.message_en))


def label(key: str) -> str:
    return bp.label(key, lang())


def own_words(text) -> str:
    """A stored "中文 / English" text in the reader's language (a text in one language shows as written)."""
    if not isinstance(text, str):
        return ""
    zh, en = bi.split_bilingual(text)
    return zh if lang() == "zh" else en


def objection_frame(frame: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Objections as shown: number, region, concerning, text, requested, status, answer, by whom."""
    return pd.DataFrame({
        t("pv_col_id"): frame["objection_id"].astype(int), t("pv_col_region"): frame["region"].map(lambda r: names.get(r, r)),
        t("pv_col_about"): [f"{label(k)} {i}" for k, i in zip(frame["about_kind"], frame["about_id"])],
        t("pv_col_text"): frame["text"].map(own_words), t("pv_col_requested"): frame["requested_amount"],
        t("pv_col_status"): frame["status"].map(label), t("pv_col_answer"): frame["answer"].map(own_words),
        t("pv_col_reporter"): frame["reporter"], t("pv_col_answered_by"): frame["answered_by"].fillna("")})


def objections_block(path: str, version: str, kind: str, ident, names: dict) -> None:
    """On the plan and accounts pages: the objections about this item, open ones counted (they block nothing)."""
    f = objection_list(path, version)
    f = f[(f["about_kind"] == kind) & (f["about_id"].astype(str) == str(ident))]
    st.subheader(t("pv_block_objections"))
    if f.empty:
        st.caption(t("pv_block_none"))
        return
    n_open = int((f["status"] == "open").sum())
    if n_open:
        st.warning(t("pv_block_open", n=n_open))
    st.dataframe(objection_frame(f, names), hide_index=True, width="stretch")


def plan_block(path: str, version: str, plan_id: str, number: int, names: dict) -> None:
    """The plan page: what the cities ask against the total, the answers to their comments, the objections."""
    req = _requested(path, version, plan_id, number)
    if req["rows"].shape[0]:
        m = st.columns(4)
        m[0].metric(t("pv_req_total"), f"{req['total']:,.0f}")
        m[1].metric(t("pv_req_requested"), f"{req['requested']:,.0f}")
        m[2].metric(t("pv_req_allocated"), f"{req['allocated_to_askers']:,.0f}")
        m[3].metric(t("pv_req_over"), f"{req['over']:+,.0f}")
    ans = _comment_answers(path, version, plan_id)
    ans = ans[ans["decision"].notna()]
    if len(ans):
        st.caption(t("pv_comment_answers"))
        st.dataframe(pd.DataFrame({t("pv_col_id"): ans["comment_id"].astype(int),
                                   t("pv_col_region"): ans["region"].map(lambda r: names.get(r, r)),
                                   t("pv_col_status"): ans["decision"].map(label), t("pv_col_answer"): ans["answer"].map(own_words),
                                   t("pv_col_answered_by"): ans["answered_by"]}), hide_index=True, width="stretch")
    objections_block(path, version, "plan", plan_id, names)


@st.cache_data(show_spinner=False, max_entries=16)
def _requested(path: str, version: str, plan_id: str, number: int) -> dict:
    del version
    return objections.requested_against_total(path, plan_id, number)


@st.cache_data(show_spinner=False, max_entries=16)
def _comment_answers(path: str, version: str, plan_id: str) -> pd.DataFrame:
    del version
    return objections.comments_with_answers(path, plan_id)


@st.cache_data(show_spinner=False, max_entries=16)
def _actions(path: str, version: str, period: str) -> pd.DataFrame:
    del version
    return mprovince.actions(path, period)


def assessment_block(path: str, version: str, period: str, names: dict) -> None:
    """The five-year page: what followed the assessment, then the objections to it."""
    st.subheader(t("pv_actions"))
    a = _actions(path, version, period)
    if a.empty:
        st.caption(t("pv_no_actions"))
    else:
        st.dataframe(pd.DataFrame({t("pv_col_region"): a["region"].map(lambda r: names.get(r, r)),
                                   t("pv_col_kind"): a["kind"].map(label), t("pv_col_about"): a["measure"].map(label),
                                   t("pv_col_text"): a["text"].map(own_words), t("pv_col_date"): a["decided_at"].astype(str).str[:10]}),
                     hide_index=True, width="stretch")
    objections_block(path, version, "assessment", period, names)


def inbox_frame(items: list[dict]) -> pd.DataFrame:
    L = lang()
    return pd.DataFrame({t("pv_col_date"): [i["date"] for i in items],
                         t("pv_col_kind"): [bi.KINDS[i["kind"]][0 if L == "zh" else 1] for i in items],
                         t("pv_col_region"): [i["region"] or "" for i in items],
                         t("pv_col_text"): [i["text_zh" if L == "zh" else "text_en"] for i in items]})


def zip_folder(folder: str) -> bytes:
    buf = io.BytesIO()
    root = Path(folder)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                z.write(p, p.relative_to(root).as_posix())
    return buf.getvalue()


def site_written(folder: str) -> bool:
    return (Path(folder) / "index.html").is_file()


def output_dir(path: str, kind: str, *parts: str) -> str:
    """Where the page writes filing packages and the site: ``<warehouse>.filings/…``, ``<warehouse>.publication``
    (beside the warehouse file, as the demo does)."""
    base = Path(path).resolve()
    return str(base.with_name(f"{base.name}.{kind}").joinpath(*parts))


@st.cache_data(show_spinner=False, max_entries=16)
def open_comments(path: str, version: str) -> list[int]:
    del version
    return objections.unanswered_comments(path)


def inline_css(page: str, css: str) -> str:
    """A site page with its stylesheet inlined (the preview frame cannot follow the relative link)."""
    import re

    return re.sub(r'<link rel="stylesheet" href="[^"]*">', lambda _: f"<style>{css}</style>", page, count=1)


def data_url(html: str) -> str:
    """The page as a ``data:`` URL: the preview frame gets an opaque origin, never the app's."""
    import base64

    return "data:text/html;charset=utf-8;base64," + base64.b64encode(html.encode("utf-8")).decode("ascii")
