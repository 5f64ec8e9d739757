"""The plan page's cached reads and write actions. Writes re-check the role here (server side) and
run the CLI `plan ...` in a child process, where the role is checked again inside the transaction."""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from monitor import plan as mplan
from services import actions, auth
from warehouse import db, plans, queries


def key(path: str) -> str:
    """Cache key: the warehouse's state version (moves with every write, plans included: issue 22)."""
    with db.connect(path) as con:
        return queries.data_version(con)


def comment_regions(path: str, members: list[str]) -> list[str]:
    """The plan members the signed-in user may answer for: a scoped user (a city reporter) only its own region."""
    from warehouse import users

    name, _ = auth.current_user()
    with db.connect(path) as con:
        scope = users.user_region(con, name)
    return [m for m in members if scope is None or m == scope]


@st.cache_data(show_spinner=False, max_entries=8)
def default_years(path: str, version: str) -> str:
    """The next plan's years: five years from the first year the data has not ended (data to 2024-12 →
    2025–2029; data to 2026-11 → 2026–2030), so the weather vane of a new plan has data to show."""
    del version
    with db.connect(path) as con:
        latest = queries.latest_driver_month(con)
    if not latest:
        return "2026-2030"
    year, month = (int(x) for x in latest.split("-")[:2])
    first = year + 1 if month == 12 else year
    return f"{first}-{first + 4}"


@st.cache_data(show_spinner=False, max_entries=16)
def overview(path: str, version: str) -> dict:
    del version
    return mplan.overview(path)


@st.cache_data(show_spinner=False, max_entries=32)
def load(path: str, version: str, plan_id: str, number: int | None) -> dict:
    del version
    return mplan.load(path, plan_id, number)


@st.cache_data(show_spinner=False, max_entries=8)
def documents(path: str, version: str, plan_id: str, number: int | None) -> tuple[bytes, bytes]:
    del version
    return mplan.document(path, plan_id, number)


@st.cache_data(show_spinner=False, max_entries=4)
def parents(path: str, version: str) -> list[str]:
    del version
    return mplan.parents(path)


@st.cache_data(show_spinner=False, max_entries=16)
def target(path: str, version: str, parent: str, years: str) -> dict:
    """The target a plan for ``parent`` over ``years`` serves (handed down, or the placeholder, said plainly)."""
    del version
    from budget import scenarios
    from monitor import targets as mtargets

    ys = scenarios.parse_years(years)
    return mtargets.for_plan(path, parent, ys[0], ys[-1])


@st.cache_data(show_spinner=False, max_entries=16)
def preview(path: str, version: str, parent: str, years: str, overrides: str):
    """(base year, base emissions, params as dicts, paths, summary) for the scenario editor."""
    del version
    base, params, paths, summary = mplan.scenario_preview(path, parent, years, json.loads(overrides))
    return base.year, base.emissions, {k: p.to_dict() for k, p in params.items()}, paths, summary


@st.cache_data(show_spinner=False, max_entries=16)
def methods(path: str, version: str, parent: str, years: str, total: float, reserve: float, weights: str):
    del version
    return mplan.method_comparison(path, parent, years, total, reserve, json.loads(weights) or None)


@st.cache_data(show_spinner=False, max_entries=8)
def comments(path: str, version: str, plan_id: str) -> pd.DataFrame:
    del version
    with db.connect(path) as con:
        return plans.comments(con, plan_id)


def _result(code: int, payload: dict, err: str) -> actions.ActionResult:
    if code == 0:
        return actions.ActionResult(True, payload)
    msg = err.splitlines()[-1] if err else "error"
    if msg.startswith("refused (") and " / " in msg:
        en, _, zh = msg.split("): ", 1)[1].partition(" / ")
        return actions.ActionResult(False, payload, zh, en)
    return actions.ActionResult(False, payload, msg, msg)


def _params(scenario=None, method=None, weights=None, reserve=None, total=None, params=None) -> list[str]:
    out = []
    for flag, v in (("--scenario", scenario), ("--method", method), ("--reserve", reserve), ("--total", total)):
        if v is not None:
            out += [flag, str(v)]
    if weights:
        out += ["--weights", ",".join(f"{k}={v}" for k, v in weights.items())]
    if params:
        out += ["--params-json", json.dumps(params, ensure_ascii=False)]
    return out


def draft(path: str, user: str | None, parent: str, years: str, note: str = "", **kw) -> actions.ActionResult:
    user = auth.require(path, "plan_edit", user)
    return _result(*actions._cli(path, "plan", "draft", "--parent", parent, "--years", years, "--user", user,
                                 "--note", note, *_params(**kw), "--json"))


def revise(path: str, user: str | None, plan_id: str, note: str, **kw) -> actions.ActionResult:
    user = auth.require(path, "plan_edit", user)
    return _result(*actions._cli(path, "plan", "revise", plan_id, "--user", user, "--note", note, *_params(**kw), "--json"))


def approve(path: str, user: str | None, plan_id: str, number: int) -> actions.ActionResult:
    user = auth.require(path, "plan_approve", user)
    old = mplan.replaces(path, plan_id)   # a new plan for the same years replaces the approved one (shown before the click)
    extra = ["--supersedes", old] if old else []
    return _result(*actions._cli(path, "plan", "approve", plan_id, "--version", str(number), *extra, "--user", user, "--json"))


def comment(path: str, user: str | None, plan_id: str, number: int, region: str, text: str,
            amount: float | None) -> actions.ActionResult:
    user = auth.require(path, "plan_comment", user)
    args = ["plan", "comment", plan_id, "--version", str(number), "--region", region, "--user", user, "--text", text]
    if amount:
        args += ["--amount", str(amount)]
    return _result(*actions._cli(path, *args, "--json"))


@st.cache_data(show_spinner=False, max_entries=8)
def approval_preview(path: str, version: str, plan_id: str, number: int) -> dict:
    del version
    return mplan.approval_preview(path, plan_id, number, supersedes=mplan.replaces(path, plan_id))


def approval_preview_section(path: str, version: str, plan_id: str, number: int, names: dict) -> None:
    """Before approving: which budgets change, by how much, per city and year; the years left alone; what the
    approval does not touch (``monitor.plan.approval_preview``, nothing written)."""
    from services.i18n import lang, t
    from services.tables import bilingual

    try:
        p = approval_preview(path, version, plan_id, int(number))
    except Exception as exc:  # noqa: BLE001 - shown, never a traceback; the approval itself refuses
        st.warning(t("fu_preview_failed", err=str(exc).splitlines()[0]))
        return
    with st.expander(t("fu_preview", v=number), expanded=True):
        if p.get("supersedes"):
            st.info(t("plan_supersedes", old=p["supersedes"]))
        ch = pd.DataFrame(p["changes"])
        if ch.empty:
            st.info(t("fu_preview_nothing"))
        else:
            ch["name"] = ch["region"].map(lambda r: names.get(str(r).split("/")[0], r) if r != "reserve" else t("cd_reserve"))
            wide = ch.pivot_table(index="name", columns="year", values="amount", aggfunc="sum").fillna(0.0)
            wide[t("plan_col_five")] = wide.sum(axis=1)
            out = wide.reset_index().rename(columns={"name": t("plan_col_region")})
            out.columns = [str(c) for c in out.columns]
            for col in out.columns[1:]:
                out[col] = out[col].map(lambda v: f"{v:+,.0f}" if v else "0")
            st.caption(t("fu_preview_caption"))
            st.dataframe(out, hide_index=True, width="stretch")
        if p.get("skipped_years"):
            st.warning(t("fu_preview_skipped", years="、".join(str(y) for y in p["skipped_years"])))
        st.caption(t("fu_preview_untouched", what=("、" if lang() == "zh" else ", ").join(bilingual(u) for u in p["untouched"])))
