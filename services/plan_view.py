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
    return _result(*actions._cli(path, "plan", "approve", plan_id, "--version", str(number), "--user", user, "--json"))


def comment(path: str, user: str | None, plan_id: str, number: int, region: str, text: str,
            amount: float | None) -> actions.ActionResult:
    user = auth.require(path, "plan_comment", user)
    args = ["plan", "comment", plan_id, "--version", str(number), "--region", region, "--user", user, "--text", text]
    if amount:
        args += ["--amount", str(amount)]
    return _result(*actions._cli(path, *args, "--json"))
