"""Altair chart builders shared by the pages (statistical solid, estimated dashed with its band)."""
from __future__ import annotations

import altair as alt
import pandas as pd

from services.i18n import t

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _date(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["date"] = pd.to_datetime(out["period"] + "-01")
    return out


def series_chart(obs: pd.DataFrame, bands: pd.DataFrame | None, title: str) -> alt.LayerChart:
    """One indicator over time: statistical as a solid line, estimates dashed with the 90% band."""
    frame = _date(obs)
    frame["kind_label"] = frame["kind"].map(lambda k: t(f"kind_{k}"))
    layers = []
    if bands is not None and not bands.empty:
        band = _date(bands)
        layers.append(alt.Chart(band).mark_area(opacity=0.25, color="#e4572e").encode(
            x="date:T", y=alt.Y("lo90:Q"), y2="hi90:Q"))
    line = alt.Chart(frame).mark_line(point=False).encode(
        x=alt.X("date:T", title=t("col_period")),
        y=alt.Y("value:Q", title=title),
        color=alt.Color("kind_label:N", title=t("col_kind"),
                        scale=alt.Scale(domain=[t("kind_statistical"), t("kind_estimated"), t("kind_verified")],
                                        range=["#1f4e79", "#e4572e", "#2e7d32"])),
        strokeDash=alt.StrokeDash("kind_label:N", legend=None,
                                  scale=alt.Scale(domain=[t("kind_statistical"), t("kind_estimated"), t("kind_verified")],
                                                  range=[[1, 0], [6, 4], [2, 2]])),
        tooltip=["period", "kind_label", alt.Tooltip("value:Q", format=",.1f")],
    )
    layers.append(line)
    return alt.layer(*layers).properties(title=title, height=260).configure(font=FONT)


def bar_chart(frame: pd.DataFrame, label_col: str, value_col: str, value_title: str) -> alt.Chart:
    return alt.Chart(frame).mark_bar(color="#1f4e79").encode(
        x=alt.X(f"{value_col}:Q", title=value_title),
        y=alt.Y(f"{label_col}:N", sort="-x", title=None),
        tooltip=[label_col, alt.Tooltip(f"{value_col}:Q", format=",.1f")],
    ).properties(height=alt.Step(24)).configure(font=FONT)


def horizon_chart(summary: pd.DataFrame, x_title: str, y_title: str, color_title: str) -> alt.Chart:
    """MAPE by horizon, one line per model; the product's model drawn thick."""
    frame = summary.assign(is_main=summary["model"] == "lightgbm")
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("horizon:O", title=x_title),
        y=alt.Y("mape:Q", title=y_title, axis=alt.Axis(format="%")),
        color=alt.Color("model_label:N", title=color_title),
        strokeWidth=alt.condition("datum.is_main", alt.value(4), alt.value(1.5)),
        tooltip=["model_label", "horizon", alt.Tooltip("mape:Q", format=".1%")],
    ).properties(height=300).configure(font=FONT)


KIND_DOMAIN = ("statistical", "estimated", "projected")
KIND_COLORS = ("#1f4e79", "#e4572e", "#7b8a8b")
KIND_DASH = ([1, 0], [6, 4], [2, 3])


def month_axis(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["date"] = pd.to_datetime(out["period"] + "-01")
    out["kind_label"] = out["kind"].map(lambda k: t(f"kind_{k}"))
    return out


def _kind_scales():
    labels = [t(f"kind_{k}") for k in KIND_DOMAIN]
    color = alt.Scale(domain=labels, range=list(KIND_COLORS))
    dash = alt.Scale(domain=labels, range=[list(d) for d in KIND_DASH])
    return color, dash


def monthly_budget_chart(path: pd.DataFrame, last_year: pd.DataFrame, y_title: str, last_year_label: str) -> alt.LayerChart:
    """This year's months: accounted (solid), estimated (dashed, band), projected (dotted, band); last year grey."""
    frame = month_axis(path)
    color, dash = _kind_scales()
    band = alt.Chart(frame[frame["kind"] != "statistical"]).mark_area(opacity=0.18).encode(
        x="date:T", y="lo90:Q", y2="hi90:Q", color=alt.Color("kind_label:N", scale=color, legend=None))
    # connect the kinds: each segment starts at the previous kind's last point
    line = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("date:T", title=t("col_period")), y=alt.Y("value:Q", title=y_title),
        color=alt.Color("kind_label:N", scale=color, title=t("col_kind")),
        strokeDash=alt.StrokeDash("kind_label:N", scale=dash, legend=None),
        tooltip=["period", "kind_label", alt.Tooltip("value:Q", format=",.1f"), alt.Tooltip("lo90:Q", format=",.1f"),
                 alt.Tooltip("hi90:Q", format=",.1f")])
    layers = [band, line]
    if not last_year.empty:
        ly = last_year.copy()
        ly["date"] = pd.to_datetime((ly["period"].str[:4].astype(int) + 1).astype(str) + ly["period"].str[4:] + "-01")
        ly["label"] = last_year_label
        layers.insert(0, alt.Chart(ly).mark_line(color="#b0bec5", strokeWidth=1.5).encode(
            x="date:T", y="value:Q", tooltip=["period", alt.Tooltip("value:Q", format=",.1f")]))
    return alt.layer(*layers).properties(height=300).configure(font=FONT)


def cumulative_chart(path: pd.DataFrame, schedule: pd.DataFrame, budget: float, labels: dict) -> alt.LayerChart:
    """Cumulative use (solid known, dotted projected, band) against the budget line and schedule curve."""
    frame = month_axis(path)
    frame["cum_lo"] = frame["cumulative"] - (frame["value"] - frame["lo90"]).fillna(0).cumsum()
    frame["cum_hi"] = frame["cumulative"] + (frame["hi90"] - frame["value"]).fillna(0).cumsum()
    year = frame["period"].str[:4].iloc[0]
    sched = schedule.assign(period=lambda s: year + "-" + s["month"].astype(str).str.zfill(2))
    sched["date"] = pd.to_datetime(sched["period"] + "-01")
    sched["value"] = sched["cum_share"] * budget
    color, dash = _kind_scales()
    band = alt.Chart(frame).mark_area(opacity=0.15, color="#e4572e").encode(x="date:T", y="cum_lo:Q", y2="cum_hi:Q")
    used = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("date:T", title=t("col_period")), y=alt.Y("cumulative:Q", title=labels["y"]),
        color=alt.Color("kind_label:N", scale=color, title=t("col_kind")),
        strokeDash=alt.StrokeDash("kind_label:N", scale=dash, legend=None),
        tooltip=["period", "kind_label", alt.Tooltip("cumulative:Q", format=",.0f")])
    sched_line = alt.Chart(sched).mark_line(color="#455a64", strokeDash=[4, 2]).encode(
        x="date:T", y="value:Q", tooltip=[alt.Tooltip("value:Q", format=",.0f", title=labels["schedule"])])
    rule = alt.Chart(pd.DataFrame({"budget": [budget], "label": [labels["budget"]]})).mark_rule(
        color="#c62828", strokeWidth=2).encode(y="budget:Q", tooltip=["label", alt.Tooltip("budget:Q", format=",.0f")])
    text = alt.Chart(pd.DataFrame({"budget": [budget], "label": [labels["budget"]]})).mark_text(
        align="left", dx=4, dy=-8, color="#c62828").encode(y="budget:Q", x=alt.value(4), text="label:N")
    return alt.layer(band, sched_line, used, rule, text).properties(height=300).configure(font=FONT)


def gauge_chart(execution: float, schedule: float, color: str, labels: dict) -> alt.LayerChart:
    """Bullet gauge: execution bar, schedule tick, 100% line."""
    top = max(1.0, execution * 1.05, schedule * 1.05)
    base = pd.DataFrame({"x": [top], "e": [execution], "s": [schedule]})
    bg = alt.Chart(base).mark_bar(color="#eceff1", size=34).encode(x=alt.X("x:Q", axis=alt.Axis(format="%", title=None), scale=alt.Scale(domain=[0, top])))
    bar = alt.Chart(base).mark_bar(color=color, size=20).encode(x="e:Q", tooltip=[alt.Tooltip("e:Q", format=".1%", title=labels["execution"])])
    tick = alt.Chart(base).mark_tick(color="#263238", thickness=4, size=40).encode(x="s:Q", tooltip=[alt.Tooltip("s:Q", format=".1%", title=labels["schedule"])])
    full = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#c62828", strokeDash=[3, 2]).encode(x="x:Q")
    return alt.layer(bg, bar, tick, full).properties(height=70).configure(font=FONT)


def ranking_chart(frame: pd.DataFrame, label_col: str, value_col: str, title: str, value_title: str,
                  color_col: str, colors: dict, big: bool = False) -> alt.LayerChart:
    """Horizontal bars, rank order top to bottom, coloured by warning level; large type for a meeting room."""
    size = 22 if big else 13
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{label_col}:N", sort=list(frame[label_col]), title=None, axis=alt.Axis(labelFontSize=size)),
        x=alt.X(f"{value_col}:Q", title=value_title, axis=alt.Axis(format="%", labelFontSize=size - 2, titleFontSize=size - 2)))
    bars = base.mark_bar().encode(color=alt.Color(f"{color_col}:N", scale=alt.Scale(domain=list(colors), range=list(colors.values())), legend=None))
    text = base.mark_text(align="left", dx=4, fontSize=size - 2).encode(text=alt.Text(f"{value_col}:Q", format="+.1%"))
    return alt.layer(bars, text).properties(
        title=alt.TitleParams(title, fontSize=size + 6), width=900 if big else 640,
        height=alt.Step(44 if big else 24)).configure(font=FONT)
