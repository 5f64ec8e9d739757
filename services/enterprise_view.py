"""The city page's key-emitter section: metered enterprises, their CO2 beside the city's, their status.

``enterprise_section(path, version, rep, region)`` is the one call the city page makes. The accounts
are computed once per (warehouse, data version, year, as-of month) and kept for every session (the
pages only read the frames), so a warm page draws in milliseconds.
"""
from __future__ import annotations

import threading

import pandas as pd
import streamlit as st

from monitor import enterprise_accounts as ea
from services import budget_view as bv
from services.i18n import TEXT, lang, t

TOP_N = 10
_CACHE: dict[tuple, ea.EnterpriseAccounts] = {}
_LOCK = threading.Lock()


def _schedule(rep) -> dict[str, float]:
    sched = rep.schedule
    if sched is None or sched.empty or "cum_share" not in sched:
        return {}
    now = sched[sched["month"] == rep.month]
    return dict(zip(now["region"], now["cum_share"].astype(float)))


def accounts(path: str, version: str, rep) -> ea.EnterpriseAccounts:
    key = (path, version, rep.year, rep.month)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is None:
            hit = ea.accounts(path, year=rep.year, month=rep.month, schedule=_schedule(rep), city_budgets=rep.budgets)
            for old in [k for k in _CACHE if k[0] == path]:
                del _CACHE[old]
            _CACHE[key] = hit
    return hit


def _label(prefix: str, key) -> str:
    if not isinstance(key, str):
        return "—"
    return t(f"{prefix}{key}") if f"{prefix}{key}" in TEXT else key


def _factor(f, sd) -> str:
    if f is None or f != f:
        return "—"
    return f"{f * 1000:.2f} ± {sd * 1000 * ea.Z90:.2f}" if sd == sd and sd is not None else f"{f * 1000:.2f}"


def _comparison(cmp: pd.DataFrame) -> pd.DataFrame:
    rows = cmp.sort_values("month").tail(12)
    return pd.DataFrame({
        t("ent_col_month"): rows["month"],
        t("ent_col_total"): rows["enterprises_co2"].map(lambda v: bv.num(v, 1)),
        t("ent_col_band"): [f"{bv.num(a, 1)}–{bv.num(b, 1)}" for a, b in zip(rows["lo90"], rows["hi90"])],
        t("ent_col_city"): rows["city_co2"].map(lambda v: bv.num(v, 1)),
        t("ent_col_city_kind"): rows["city_kind"].map(lambda k: _label("ent_kind_", k)),
        t("ent_col_diff"): rows["difference"].map(lambda v: bv.num(v, 1)),
        t("ent_col_share"): rows["share"].map(bv.pct),
    })


def _top(b: pd.DataFrame) -> pd.DataFrame:
    top = b.sort_values("used", ascending=False, na_position="last").head(TOP_N)
    names = top[f"name_{lang()}"].where(top[f"name_{lang()}"].notna(), top["name_zh"]).fillna(top["code"])
    return pd.DataFrame({
        t("ent_col_name"): names,
        t("ent_col_sector"): top["sector"].map(lambda s: _label("ent_sector_", s)),
        t("ent_col_method"): top["method"].map(lambda s: _label("ent_method_", s)),
        t("ent_col_factor"): [_factor(f, s) for f, s in zip(top["factor"], top["factor_sd"])],
        t("ent_col_used"): top["used"].map(lambda v: bv.num(v, 2)),
        t("ent_col_budget"): top["budget"].map(lambda v: bv.num(v, 2)),
        t("ent_col_source"): top["budget_source"].map(lambda s: _label("ent_source_", s)),
        t("ent_col_exec"): top["execution_rate"].map(bv.pct),
        t("ent_col_status"): top["status"].map(bv.status_label),
        t("ent_col_level"): top["warning_level"].map(bv.level_label),
    })


def _figures(acc: ea.EnterpriseAccounts, rep, region: str) -> dict | None:
    """What the section shows for ``region`` (None: no metered enterprise there)."""
    whole = region == rep.province
    b = acc.budgets if whole or acc.budgets.empty else acc.budgets[acc.budgets["region"] == region]
    b = b[b["used"].notna()] if len(b) else b
    cmp = acc.comparison if not whole else acc.comparison.groupby("month", as_index=False).agg(
        enterprises_co2=("enterprises_co2", "sum"), lo90=("lo90", "sum"), hi90=("hi90", "sum"),
        city_co2=("city_co2", lambda s: s.sum(min_count=1)), city_kind=("city_kind", lambda s: s.mode().iat[0] if len(s.dropna()) else None))
    if not whole:
        cmp = cmp[cmp["region"] == region]
    else:
        cmp = cmp.assign(difference=cmp["city_co2"] - cmp["enterprises_co2"], share=cmp["enterprises_co2"] / cmp["city_co2"])
    if b.empty or cmp.empty:
        return None
    this_year = cmp[cmp["month"].str.startswith(str(acc.year))]
    city_total = this_year["city_co2"].sum(min_count=1)
    return {"b": b, "cmp": cmp, "hot": ea.alerts(b), "used": float(b["used"].sum()),
            "share": this_year["enterprises_co2"].sum() / city_total if city_total == city_total and city_total else None,
            "negative": int((cmp["difference"] < 0).sum()), "n_plan": int((b["budget_source"] == "plan").sum()),
            "n_derived": int((b["budget_source"] == "derived").sum())}


def enterprise_section(path: str, version: str, rep, region: str) -> None:
    """Draw the key-emitter section of the city page for ``region`` (the province: every city); the figures
    and tables are kept per data version, region and language (``services.view_cache``)."""
    from services import view_cache

    st.subheader(t("ent_title"))
    try:
        acc = accounts(path, version, rep)
    except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
        st.warning(t("ent_error", err=str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
        return
    if acc.empty:
        st.info(t("ent_none"))
        return
    f = view_cache.memo(path, version, ("ent_figures", region, rep.year, rep.month), lambda: _figures(acc, rep, region))
    if f is None:
        st.info(t("ent_none_city"))
        return
    b, hot = f["b"], f["hot"]
    m = st.columns(4)
    m[0].metric(t("ent_count"), f"{len(b):,}")
    m[1].metric(t("ent_used", year=acc.year), bv.num(f["used"], 1))
    m[2].metric(t("ent_share"), bv.pct(f["share"]))
    m[3].metric(t("ent_alerts"), f"{len(hot):,}")
    st.markdown(f"**{t('ent_compare')}**")
    view_cache.dataframe(path, version, ("ent_compare", region, rep.year, rep.month), lambda: _comparison(f["cmp"]),
                         hide_index=True, width="stretch")
    if f["negative"]:
        st.warning(t("ent_negative", n=f["negative"]))
    st.caption(t("ent_compare_note"))
    st.markdown(f"**{t('ent_top')}**")
    view_cache.dataframe(path, version, ("ent_top", region, rep.year, rep.month), lambda: _top(b), hide_index=True,
                         width="stretch")
    st.caption(t("ent_budget_sources", plan=f["n_plan"], derived=f["n_derived"]))
    st.caption(t("ent_budget_plan") if f["n_derived"] == 0 else t("ent_budget_derived"))
    if hot.empty:
        st.success(t("ent_no_alert"))
    for _, a in hot.head(5).iterrows():
        name = a[f"name_{lang()}"] if isinstance(a[f"name_{lang()}"], str) else a["code"]
        text = t("ent_alert_line", name=name, exec=bv.pct(a["execution_rate"]), sched=bv.pct(a["schedule_progress"]),
                 dev=bv.pct(a["deviation"], True), level=bv.level_label(a["warning_level"]))
        (st.error if a["warning_level"] == "red" else st.warning)(text)
