"""Final accounts for the pages: cached reads of stored closes and assessments, report bytes, and the
admin actions (approve a close, re-close, enter a score), each checked against the warehouse first
(server side) and run through the CLI path in a child process; the CLI checks again in its transaction."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import streamlit as st

from budget import year_close
from services import auth
from services.actions import ActionResult
from services.i18n import TEXT, t
from warehouse import budget_books, closes, db

ROOT = Path(__file__).resolve().parent.parent


@st.cache_data(show_spinner=False, max_entries=32)
def versions(path: str, version: str, year: int | None = None) -> pd.DataFrame:
    del version
    with db.connect(path) as con:
        return closes.close_versions(con, year)


@st.cache_data(show_spinner=False, max_entries=64)
def close_rows(path: str, version: str, close_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    del version
    with db.connect(path) as con:
        return closes.close_rows(con, close_id), closes.close_fuels(con, close_id)


@st.cache_data(show_spinner=False, max_entries=8)
def budget_years(path: str, version: str) -> list[int]:
    del version
    with db.connect(path) as con:
        led = budget_books.entries(con)
    return sorted({int(y) for y in led["year"]}) if len(led) else []


@st.cache_data(show_spinner=False, max_entries=8)
def plan_periods(path: str, version: str) -> list[tuple[int, int]]:
    """(first, last) year of every approved plan: the periods the accounts follow."""
    from warehouse import plans

    del version
    with db.connect(path) as con:
        frame = plans.plans(con)
    frame = frame[frame["approved"].notna()] if len(frame) else frame
    return [(int(a), int(b)) for a, b in zip(frame["first_year"], frame["last_year"])]


@st.cache_data(show_spinner=False, max_entries=16)
def assessments(path: str, version: str) -> pd.DataFrame:
    del version
    with db.connect(path) as con:
        return closes.assessment_versions(con)


@st.cache_data(show_spinner=False, max_entries=32)
def assessment(path: str, version: str, assessment_id: int) -> pd.DataFrame:
    del version
    with db.connect(path) as con:
        return closes.assessment_rows(con, assessment_id)


@st.cache_data(show_spinner=False, max_entries=16)
def entered(path: str, version: str, start: int, end: int) -> pd.DataFrame:
    del version
    with db.connect(path) as con:
        return closes.entered_scores(con, start, end)


def diff(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    return year_close.diff_closes(old, new)


DIFF_FIELDS = {"accounted": "acc_col_accounted", "budget": "acc_col_budget", "execution_rate": "acc_col_execution",
               "conclusion": "acc_col_conclusion", "adjustment": "acc_col_adjust",
               "proposed_next_budget": "acc_col_proposed", "adjustment_kind": "fu_adjustment_kind"}


def diff_table(d: pd.DataFrame, label) -> pd.DataFrame:
    """The version diff in words: region names, field names, values formatted by what they are."""
    from services import budget_view as bv
    from services import units

    def show(field, v):
        if v is None or (isinstance(v, float) and v != v):
            return "—"
        if field == "conclusion":
            return bv.status_label(v)
        if field == "adjustment_kind":
            return t(f"acc_kind_{v}") if f"acc_kind_{v}" in TEXT else str(v)
        if field == "execution_rate":
            return units.pct(v)
        return units.wan(v, 1) if isinstance(v, (int, float)) else str(v)

    return pd.DataFrame({t("acc_col_name"): d["region"].map(label),
                         t("acc_col_field"): d["field"].map(lambda f: t(DIFF_FIELDS[f]) if f in DIFF_FIELDS else f),
                         t("acc_col_old"): [show(f, v) for f, v in zip(d["field"], d["old"])],
                         t("acc_col_new"): [show(f, v) for f, v in zip(d["field"], d["new"])]})


def _cli(path: str, *args: str) -> tuple[int, str, dict]:
    env = dict(os.environ, CARBON_BUDGET_DB=str(Path(path).resolve()))
    proc = subprocess.run([sys.executable, "-m", "cli.main", "--db", str(path), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    try:
        payload = json.loads(proc.stdout) if proc.returncode == 0 and proc.stdout.strip().startswith("{") else {}
    except ValueError:
        payload = {}
    return proc.returncode, (proc.stderr.strip().splitlines() or [""])[-1], payload


def _run(path: str, user: str | None, action: str, *args: str) -> ActionResult:
    user = auth.require(path, action, user)  # server side, before anything runs
    code, err, payload = _cli(path, *args, "--user", user)
    msg = err.removeprefix("refused: ")
    zh = msg.split(" / ", 1)[1] if " / " in msg else msg
    return ActionResult(code == 0, payload, zh if code else "", msg.split(" / ", 1)[0] if code else "")


def approve(path: str, user: str | None, year: int) -> ActionResult:
    """Payload: year, version, approved_by, entries, moved (CLI ``close --approve --json``)."""
    return _run(path, user, "close_approve", "close", "--year", str(int(year)), "--approve", "--json")


def reclose(path: str, user: str | None, year: int) -> ActionResult:
    """Payload: the close record with close_id, version, changes (CLI ``close --year --json``)."""
    return _run(path, user, "close_approve", "close", "--year", str(int(year)), "--json")


def rerun_five_year(path: str, user: str | None, start: int, end: int, score: tuple | None = None) -> ActionResult:
    extra = ["--score", str(score[0]), str(score[1]), str(float(score[2]))] if score else []
    return _run(path, user, "assessment_score" if score else "close_approve", "close", "--five-year", f"{start}-{end}", *extra,
                "--json")


@st.cache_data(show_spinner=False, max_entries=8)
def annual_docs(path: str, version: str, close_id: int, year: int, provisional: bool, months: tuple, number: int):
    from reports import accounts_doc

    from monitor.filing_package import annual_extras

    rows, fuels = close_rows(path, version, close_id)
    kw = annual_extras(path, year)  # objections and answers (issue 17)
    return (accounts_doc.annual_pdf(rows, fuels, year, provisional, list(months), number, **kw),
            accounts_doc.annual_xlsx(rows, fuels, **kw))


@st.cache_data(show_spinner=False, max_entries=8)
def five_year_docs(path: str, version: str, assessment_id: int, start: int, end: int):
    from monitor import accounts
    from reports import accounts_doc

    result = accounts.compute_five_year(path, start, end)
    rows = assessment(path, version, assessment_id).join(result.rows.set_index("region")[["name_zh", "name_en"]], on="region")
    from monitor.filing_package import five_year_extras

    kw = five_year_extras(path, start, end)  # what followed the assessment, capacity funds, objections (issue 17)
    return (accounts_doc.five_year_pdf(rows, result.fuels, start, end, result.closes, result.sectors, **kw),
            accounts_doc.five_year_xlsx(rows, result.fuels, result.closes, result.sectors, **kw))


def months_list(value) -> list[str]:
    if isinstance(value, str):
        try:
            return list(json.loads(value))
        except ValueError:
            return []
    return list(value) if isinstance(value, (list, tuple)) else []


@st.cache_data(show_spinner=False, max_entries=8)
def _close_preview(path: str, version: str, year: int) -> dict:
    del version  # the key: a write moves it
    from monitor import close_moves

    return close_moves.preview(path, year)


def close_preview_section(path: str, version: str, year: int, label) -> None:
    """Before approving a close: the entries it writes on the next year's budgets per city (and the reserve's
    change), or that a plan's last year is carried into the next period; what it leaves alone
    (``monitor.close_moves.preview``, nothing written). ``label``: region code -> name."""
    from monitor import close_moves
    from services import units
    from services.i18n import lang
    from services.tables import bilingual

    try:
        p = _close_preview(path, version, int(year))
    except Exception as exc:  # noqa: BLE001 - shown, never a traceback; the approval itself refuses
        st.warning(t("fu_preview_failed", err=str(exc).splitlines()[0]))
        return
    with st.expander(t("fu_close_preview", year=year, v=p.get("version", "—"), next=int(year) + 1), expanded=True):
        if p["carried"]:
            st.info(t("fu_close_preview_carried", year=year))
        elif not p["changes"]:
            st.info(t("fu_close_preview_nothing"))
        else:
            ch = close_moves.as_frame(p)
            st.caption(t("fu_preview_caption"))
            st.dataframe(pd.DataFrame({t("acc_col_name"): ch["region"].map(label), t("acc_col_year"): ch["year"].astype(str),
                                       t("acc_col_entry"): ch["kind"].map(lambda k: t(f"fu_close_kind_{k}")),
                                       t("acc_col_budget_change"): ch["amount"].map(lambda v: f"{v:+,.2f}")}),
                         hide_index=True, width="stretch")
            st.caption(t("fu_close_preview_reserve", amount=units.mass(p["reserve_change"])))
        st.caption(t("fu_preview_untouched", what=("、" if lang() == "zh" else ", ").join(bilingual(u) for u in p["untouched"])))
