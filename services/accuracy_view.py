"""The accuracy page's parts: the live record (cached per data version), the bands origin by origin,
the product's choice with its evidence, and the confidence word for any frame of estimates."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from monitor import track_record
from nowcast import confidence, track
from services.charts import FONT
from services.i18n import lang, t


@st.cache_data(show_spinner=False, max_entries=16)
def record(path: str, version: str) -> tuple[pd.DataFrame, dict]:
    """(scored estimates, summary) of the live record; the data version keys the cache."""
    del version
    scored, pending = track_record.record(path)
    return scored, track.summarize(scored, pending)


def confidence_words(frame: pd.DataFrame, path: str, version: str) -> pd.Series:
    """高/中/低 (high/medium/low, in the UI language) per row of a frame with value, lo90, hi90, horizon."""
    _, s = record(path, version)
    return track_record.confidence_levels(frame, s).map(lambda lv: confidence.label(lv, lang()))


def pct(x) -> str:
    return f"{x:.1%}" if x is not None and pd.notna(x) else "—"


def record_chart(scored: pd.DataFrame, region: str) -> alt.Chart:
    """What we said (estimates with their band, colour = horizon) against what happened (statistics)."""
    s = scored[scored["region"] == region]
    s = s[~s["period"].str.endswith("..02")].assign(date=lambda f: pd.to_datetime(f["period"] + "-01"))
    actual = s.drop_duplicates("period")[["date", "actual"]]
    base = alt.Chart(s)
    x = alt.X("date:T", title=t("col_period"), axis=alt.Axis(format="%Y-%m"))
    color = alt.Color("horizon:O", title=t("col_horizon"), scale=alt.Scale(scheme="oranges"))
    rules = base.mark_rule(opacity=0.5).encode(x=x, y=alt.Y("lo90:Q", title=t("col_co2")), y2="hi90:Q", color=color)
    dots = base.mark_point(filled=True, size=45).encode(
        x=x, y="value:Q", color=color,
        tooltip=[alt.Tooltip("period", title=t("col_period")), alt.Tooltip("horizon", title=t("col_horizon")),
                 alt.Tooltip("value:Q", format=",.1f", title=t("nc_col_estimate")),
                 alt.Tooltip("actual:Q", format=",.1f", title=t("nc_col_actual")),
                 alt.Tooltip("error:Q", format="+.1%", title=t("col_bias"))])
    line = alt.Chart(actual).mark_line(color="#1f4e79", strokeWidth=2.5).encode(x=x, y="actual:Q")
    return (rules + dots + line).properties(height=300).configure(font=FONT)


def month_chart(by_month: pd.DataFrame) -> alt.Chart:
    """Realised mean error by month (bars) and the 90% band's coverage (line)."""
    f = by_month.assign(date=pd.to_datetime(by_month["period"].str[:7] + "-01"))
    x = alt.X("date:T", title=t("col_period"), axis=alt.Axis(format="%Y-%m"))
    bars = alt.Chart(f).mark_bar(color="#e4572e", opacity=0.7).encode(
        x=x, y=alt.Y("mape:Q", title=t("nc_live_mape"), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("period", title=t("col_period")), alt.Tooltip("n", title=t("nc_col_n")),
                 alt.Tooltip("mape:Q", format=".1%", title=t("nc_live_mape")),
                 alt.Tooltip("coverage90:Q", format=".0%", title=t("nc_col_cov90"))])
    cov = alt.Chart(f).mark_line(point=True, color="#1f4e79").encode(
        x=x, y=alt.Y("coverage90:Q", title=t("nc_col_cov90"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])))
    return alt.layer(bars, cov).resolve_scale(y="independent").properties(height=240).configure(font=FONT)


def origin_chart(by_origin: pd.DataFrame) -> alt.Chart:
    """90% coverage at every rolling origin (bars, the 85–95% target shaded) beside the mean half-width."""
    f = by_origin.assign(origin=by_origin["origin"].astype(str))
    x = alt.X("origin:O", title=t("nc_col_origin"))
    target = alt.Chart(pd.DataFrame({"lo": [0.85], "hi": [0.95]})).mark_rect(color="#2e7d32", opacity=0.12).encode(
        y=alt.Y("lo:Q", scale=alt.Scale(domain=[0, 1])), y2="hi:Q")
    bars = alt.Chart(f).mark_bar(color="#1f4e79").encode(
        x=x, y=alt.Y("coverage90:Q", title=t("nc_col_cov90"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("origin", title=t("nc_col_origin")), alt.Tooltip("n", title=t("nc_col_n")),
                 alt.Tooltip("coverage90:Q", format=".1%", title=t("nc_col_cov90")),
                 alt.Tooltip("half_width90:Q", format=".1%", title=t("nc_col_hw"))])
    width = alt.Chart(f).mark_line(point=True, color="#e4572e").encode(
        x=x, y=alt.Y("half_width90:Q", title=t("nc_col_hw"), axis=alt.Axis(format="%")))
    return alt.layer(target + bars, width).resolve_scale(y="independent").properties(height=260).configure(font=FONT)


def evidence_text(c: dict) -> str:
    """The product's evidence at one horizon, in words."""
    ev = c.get("evidence") or {}
    base = ev.get("baseline")
    label = (lambda m: t(f"nc_model_{m}") if m in ("product", "pooled") else t(f"model_{m}"))
    if not base:
        return t("nc_evidence_none")
    if ev.get("note") or ev.get("p_value") is None:
        return t("nc_evidence_base")
    args = dict(base=label(base), gain=float(ev.get("gain") or 0), p=float(ev["p_value"]), n=int(ev.get("n_periods") or 0))
    return t("nc_evidence_sig" if ev.get("significant") else "nc_evidence_not", **args)


def table(rows: list[dict], key: str, key_title: str) -> pd.DataFrame:
    """A by-horizon or by-month list of the record as a display table."""
    f = pd.DataFrame(rows)
    if f.empty:
        return f
    return pd.DataFrame({key_title: f[key], t("nc_col_n"): f["n"], t("nc_live_mape"): f["mape"].map(pct),
                         t("nc_col_bias"): f["bias"].map(lambda v: "—" if v is None or pd.isna(v) else f"{v:+.1%}"),
                         t("nc_col_cov90"): f["coverage90"].map(pct), t("nc_col_hw"): f["half_width90"].map(pct)})


@st.cache_data(show_spinner=False, max_entries=16)
def latest_estimates(path: str, version: str) -> pd.DataFrame:
    del version
    return track_record.latest_estimates(path)


def region_words(path: str, version: str, periods=None) -> dict[str, str]:
    """region -> 高/中/低 for its estimated months (``periods``: only these) in the UI language."""
    _, s = record(path, version)
    levels = track_record.region_levels(latest_estimates(path, version), s, periods)
    return {r: confidence.label(lv, lang()) for r, lv in levels.items()}


def estimate_table(path: str, version: str, region: str, periods=None) -> pd.DataFrame:
    """The city page's table: month, estimate, 90% band, confidence word (months still estimated)."""
    e = latest_estimates(path, version)
    e = e[e["region"] == region]
    if periods is not None:
        e = e[e["period"].isin(set(periods))]
    if e.empty:
        return pd.DataFrame()
    words = confidence_words(e, path, version)
    return pd.DataFrame({t("col_period"): e["period"].to_numpy(), t("nc_col_estimate"): e["value"].round(1).to_numpy(),
                         t("nc_col_band"): [f"{a:,.1f} – {b:,.1f}" for a, b in zip(e["lo90"], e["hi90"])],
                         t("col_horizon"): e["horizon"].to_numpy(), t("nc_confidence"): words.to_numpy()})
