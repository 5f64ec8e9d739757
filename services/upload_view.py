"""What the upload and history pages show after a commit: the result line, what changed, and the
background refresh of the nowcast and alerts (progress while it runs, then "the new figures are in")."""
from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from services import actions, data, tables
from services import budget_view as bv
from services.i18n import lang, name_col, t

REFRESH_POLL_SECONDS = 2


def result_line(result: actions.ActionResult) -> str:
    """The commit's one-line result in the session's language (the CLI's JSON message is English)."""
    p = result.payload
    status = p.get("status")
    if status == "loaded":
        return t("up_result_loaded", batch=p.get("batch"), n=p.get("rows_loaded", 0))
    if status == "partial":
        return t("up_result_partial", batch=p.get("batch"), n=p.get("rows_loaded", 0), rejected=p.get("rows_rejected", 0))
    if status == "unchanged":
        return t("up_result_unchanged", batch=p.get("batch"))
    return t("up_result_failed", msg=(result.message_zh if lang() == "zh" else result.message_en) or t("up_result_unknown"))


def uploader_text() -> None:
    """Streamlit's drop zone has built-in English text with no option to change it: in Chinese, hide it
    and draw the Chinese text in its place (CSS only; the uploader itself is untouched)."""
    if lang() != "zh":
        return
    st.markdown(
        "<style>"
        "[data-testid='stFileUploaderDropzoneInstructions'] span{font-size:0 !important;}"
        "[data-testid='stFileUploaderDropzoneInstructions'] span::before{content:'" + t("up_drop_here") + "';font-size:1rem;}"
        "[data-testid='stFileUploaderDropzoneInstructions'] small{font-size:0 !important;}"
        "[data-testid='stFileUploaderDropzoneInstructions'] small::before{content:'" + t("up_drop_limit") + "';font-size:.8rem;}"
        "[data-testid='stFileUploaderDropzone'] button[data-testid='stBaseButton-secondary']{font-size:0 !important;}"
        "[data-testid='stFileUploaderDropzone'] button[data-testid='stBaseButton-secondary']::after{content:'"
        + t("up_browse") + "';font-size:.9rem;}"
        "</style>", unsafe_allow_html=True)


def committed(path: str, result: actions.ActionResult, before: pd.DataFrame | None) -> None:
    """The last commit of this session: its result, what changed, and the refresh behind it."""
    (st.success if result.ok else st.error)(result_line(result))
    changed = result.payload.get("changed")
    if not changed:
        return
    version = data.data_version(path)
    regions = data.regions(path, version, None)
    names = dict(zip(regions["code"], regions[name_col()]))
    inds = data.indicators(path, version)
    ind_names = dict(zip(inds["code"], inds[name_col()]))
    st.subheader(t("up_changed"))
    sep = "；" if lang() == "zh" else "; "
    months = sep.join(f"{names.get(r, r)}: {', '.join(ps)}" for r, ps in list(changed["new_months"].items())[:20])
    st.write(t("up_new_values", n=changed["n_new_values"]) + " · " + t("up_new_months", items=months or "—"))
    st.write(t("up_revised", n=changed["n_revised"]))
    revised = changed["revised"]
    if not revised.empty:
        st.dataframe(tables.readable(revised.head(200), names, ind_names, digits={"change_pct": 1}), hide_index=True,
                     width="stretch")
    refresh_panel(path, before)


def refresh_panel(path: str, before: pd.DataFrame | None = None) -> None:
    """Progress of the background refresh while it runs (the page stays usable), then the outcome."""
    job = actions.refresh_state(path)
    if job is None:
        return
    if job.finished is None:
        _live(path)
        return
    if not job.ok:
        st.warning(t("up_nowcast_failed", err=job.error))
        return
    st.success(t("rf_done", seconds=f"{job.finished - job.started:.0f}"))
    if before is not None:
        _status_moves(path, before)


@st.fragment(run_every=REFRESH_POLL_SECONDS)
def _live(path: str) -> None:
    job = actions.refresh_state(path)
    if job is None or job.finished is not None:
        st.rerun()  # the whole page now reads the new figures
        return
    elapsed = time.monotonic() - job.started
    expected = max(actions.expected_seconds(path), 1.0)
    st.progress(min(elapsed / expected, 0.95), text=t("rf_running", elapsed=f"{elapsed:.0f}", expected=f"{expected:.0f}"))
    st.caption(t("rf_usable"))


def _status_moves(path: str, before: pd.DataFrame) -> None:
    try:
        after = bv.report(path, data.data_version(path)).progress
    except ValueError as exc:
        st.warning(t("bv_no_status", err=str(exc)))
        return
    names = after.set_index("region")[name_col()]
    moves = [f"{names[r]}: {bv.status_label(s0)}/{bv.level_label(l0)} → {bv.status_label(s1)}/{bv.level_label(l1)}"
             for r, s0, l0, s1, l1 in actions.status_moves(before, after)]
    st.write(t("up_moved", items=("；" if lang() == "zh" else "; ").join(moves)) if moves else t("up_no_move"))


def refresh_note(path: str) -> None:
    """One line on the reading pages while a refresh runs: the figures shown are from before it."""
    job = actions.refresh_state(path)
    if job is not None and job.finished is None:
        st.info(t("rf_note", elapsed=f"{time.monotonic() - job.started:.0f}"))
