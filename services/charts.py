"""Altair chart builders shared by the pages (statistical solid, estimated dashed with its band)."""
from __future__ import annotations

import altair as alt
import pandas as pd

from services import chart_spans
from services.i18n import lang, t

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


#: month labels drawn by Vega itself (its default locale is English: "March", "May"); in Chinese, "2026年" at a
#: year's first month and "3月" otherwise
ZH_MONTH_LABEL = ("timeFormat(datum.value, '%m') == '01' ? timeFormat(datum.value, '%Y年') "
                  ": timeFormat(datum.value, '%-m月')")


def month_x(title: str | None = None, field: str = "date") -> alt.X:
    """A temporal x axis whose labels are in the session's language."""
    axis = alt.Axis(labelExpr=ZH_MONTH_LABEL) if lang() == "zh" else alt.Axis(format="%b %Y")
    return alt.X(f"{field}:T", title=title if title is not None else t("col_period"), axis=axis)


def _date(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["date"] = pd.to_datetime(out["period"] + "-01")
    return out


def series_chart(obs: pd.DataFrame, bands: pd.DataFrame | None, title: str) -> alt.LayerChart:
    """One indicator over time: statistical as a solid line, estimates dashed with the 90% band; a combined
    January–February as one segment spanning both months (``services.chart_spans``)."""
    obs, spans = chart_spans.split_spans(obs)
    frame = _date(obs)
    frame["kind_label"] = frame["kind"].map(lambda k: t(f"kind_{k}"))
    layers = []
    if bands is not None and not bands.empty:
        band = _date(bands)
        layers.append(alt.Chart(band).mark_area(opacity=0.25, color="#e4572e").encode(
            x=month_x(), y=alt.Y("lo90:Q"), y2="hi90:Q"))
    line = alt.Chart(frame).mark_line(point=False).encode(
        x=month_x(),
        y=alt.Y("value:Q", title=title),
        color=alt.Color("kind_label:N", title=t("col_kind"),
                        scale=alt.Scale(domain=[t("kind_statistical"), t("kind_estimated"), t("kind_verified")],
                                        range=["#1f4e79", "#e4572e", "#2e7d32"])),
        strokeDash=alt.StrokeDash("kind_label:N", legend=None,
                                  scale=alt.Scale(domain=[t("kind_statistical"), t("kind_estimated"), t("kind_verified")],
                                                  range=[[1, 0], [6, 4], [2, 2]])),
        tooltip=[alt.Tooltip("period", title=t("col_period")), alt.Tooltip("kind_label", title=t("col_kind")),
                 alt.Tooltip("value:Q", format=",.1f", title=title)],
    )
    layers.append(line)
    if not spans.empty:
        layers.append(chart_spans.span_layer(spans, alt.Scale(
            domain=[t("kind_statistical"), t("kind_estimated"), t("kind_verified")], range=["#1f4e79", "#e4572e", "#2e7d32"])))
    return alt.layer(*layers).properties(title=title, height=260).configure(font=FONT)


def bar_chart(frame: pd.DataFrame, label_col: str, value_col: str, value_title: str) -> alt.Chart:
    return alt.Chart(frame).mark_bar(color="#1f4e79").encode(
        x=alt.X(f"{value_col}:Q", title=value_title),
        y=alt.Y(f"{label_col}:N", sort="-x", title=None),
        tooltip=[alt.Tooltip(label_col, title=t("col_indicator")), alt.Tooltip(f"{value_col}:Q", format=",.1f", title=value_title)],
    ).properties(height=alt.Step(24)).configure(font=FONT)


def horizon_chart(summary: pd.DataFrame, x_title: str, y_title: str, color_title: str,
                  main: str = "lightgbm") -> alt.Chart:
    """MAPE by horizon, one line per model; the product's model drawn thick."""
    frame = summary.assign(is_main=summary["model"] == main)
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("horizon:O", title=x_title),
        y=alt.Y("mape:Q", title=y_title, axis=alt.Axis(format="%")),
        color=alt.Color("model_label:N", title=color_title),
        strokeWidth=alt.condition("datum.is_main", alt.value(4), alt.value(1.5)),
        tooltip=[alt.Tooltip("model_label", title=color_title), alt.Tooltip("horizon", title=x_title),
                 alt.Tooltip("mape:Q", format=".1%", title=y_title)],
    ).properties(height=300).configure(font=FONT)


KIND_DOMAIN = ("statistical", "estimated", "projected")
KIND_COLORS = ("#1f4e79", "#e4572e", "#7b8a8b")
KIND_DASH = ([1, 0], [6, 4], [2, 3])


def month_axis(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["date"] = pd.to_datetime(out["period"] + "-01")
    out["kind_label"] = out["kind"].map(lambda k: t(f"kind_{k}"))
    return out


def _series_scales(extra: list[tuple[str, str, list]]):
    """Colour and dash scales over the kinds plus ``extra`` series (label, colour, dash): one legend for all."""
    labels = [t(f"kind_{k}") for k in KIND_DOMAIN] + [e[0] for e in extra]
    colors = list(KIND_COLORS) + [e[1] for e in extra]
    dashes = [list(d) for d in KIND_DASH] + [e[2] for e in extra]
    return alt.Scale(domain=labels, range=colors), alt.Scale(domain=labels, range=dashes)


def monthly_budget_chart(path: pd.DataFrame, last_year: pd.DataFrame, y_title: str, last_year_label: str) -> alt.LayerChart:
    """This year's months: accounted (solid), estimated (dashed, band), projected (dotted, band); last year grey.
    One legend names every line, last year's included. A combined Jan–Feb is one segment (``chart_spans``)."""
    path, spans = chart_spans.split_spans(path)
    frame = month_axis(path)
    frame["series"] = frame["kind_label"]
    color, dash = _series_scales([(last_year_label, "#b0bec5", [1, 0])] if not last_year.empty else [])
    legend = alt.Legend(title=t("col_series"), orient="bottom")
    band = alt.Chart(frame[frame["kind"] != "statistical"]).mark_area(opacity=0.18).encode(
        x=month_x(), y="lo90:Q", y2="hi90:Q", color=alt.Color("series:N", scale=color, legend=None))
    # connect the kinds: each segment starts at the previous kind's last point
    line = alt.Chart(frame).mark_line(point=True).encode(
        x=month_x(), y=alt.Y("value:Q", title=y_title),
        color=alt.Color("series:N", scale=color, legend=legend),
        strokeDash=alt.StrokeDash("series:N", scale=dash, legend=None),
        tooltip=[alt.Tooltip("period", title=t("col_period")), alt.Tooltip("kind_label", title=t("col_kind")),
                 alt.Tooltip("value:Q", format=",.1f", title=y_title), alt.Tooltip("lo90:Q", format=",.1f", title=t("col_lo90")),
                 alt.Tooltip("hi90:Q", format=",.1f", title=t("col_hi90"))])
    layers = [band, line]
    if not spans.empty:
        layers.append(chart_spans.span_layer(spans, color))
    if not last_year.empty:
        ly, ly_spans = chart_spans.split_spans(chart_spans.last_year_months(last_year))
        if not ly_spans.empty:
            layers.append(chart_spans.span_layer(ly_spans, color, series=last_year_label, shift_years=1))
        ly = ly.copy()
        ly["date"] = pd.to_datetime((ly["period"].str[:4].astype(int) + 1).astype(str) + ly["period"].str[4:] + "-01")
        ly["series"] = last_year_label
        layers.insert(0, alt.Chart(ly).mark_line(strokeWidth=1.5).encode(
            x=month_x(), y="value:Q", color=alt.Color("series:N", scale=color, legend=legend),
            strokeDash=alt.StrokeDash("series:N", scale=dash, legend=None),
            tooltip=[alt.Tooltip("period", title=t("col_period")), alt.Tooltip("value:Q", format=",.1f", title=last_year_label)]))
    return alt.layer(*layers).properties(height=300).configure(font=FONT)


def cumulative_chart(path: pd.DataFrame, schedule: pd.DataFrame, budget: float, labels: dict) -> alt.LayerChart:
    """Cumulative use (solid known, dotted projected, band) against the budget line and schedule curve; one
    legend names the kinds, the schedule curve and the budget line. A combined Jan–Feb has one point, at February."""
    frame = month_axis(chart_spans.cumulative_points(path))
    frame["series"] = frame["kind_label"]
    frame["cum_lo"] = frame["cumulative"] - (frame["value"] - frame["lo90"]).fillna(0).cumsum()
    frame["cum_hi"] = frame["cumulative"] + (frame["hi90"] - frame["value"]).fillna(0).cumsum()
    year = frame["period"].str[:4].iloc[0]
    sched = schedule.assign(period=lambda s: year + "-" + s["month"].astype(str).str.zfill(2))
    sched["date"] = pd.to_datetime(sched["period"] + "-01")
    sched["value"] = sched["cum_share"] * budget
    sched["series"] = labels["schedule"]
    color, dash = _series_scales([(labels["schedule"], "#455a64", [4, 2]), (labels["budget"], "#c62828", [1, 0])])
    legend = alt.Legend(title=t("col_series"), orient="bottom")
    band = alt.Chart(frame).mark_area(opacity=0.15, color="#e4572e").encode(x=month_x(), y="cum_lo:Q", y2="cum_hi:Q")
    used = alt.Chart(frame).mark_line(point=True).encode(
        x=month_x(), y=alt.Y("cumulative:Q", title=labels["y"]),
        color=alt.Color("series:N", scale=color, legend=legend),
        strokeDash=alt.StrokeDash("series:N", scale=dash, legend=None),
        tooltip=[alt.Tooltip("period", title=t("col_period")), alt.Tooltip("kind_label", title=t("col_kind")),
                 alt.Tooltip("cumulative:Q", format=",.0f", title=labels["y"])])
    sched_line = alt.Chart(sched).mark_line().encode(
        x=month_x(), y="value:Q", color=alt.Color("series:N", scale=color, legend=legend),
        strokeDash=alt.StrokeDash("series:N", scale=dash, legend=None),
        tooltip=[alt.Tooltip("period", title=t("col_period")), alt.Tooltip("value:Q", format=",.0f", title=labels["schedule"])])
    budget_frame = pd.DataFrame({"budget": [budget], "series": [labels["budget"]]})
    rule = alt.Chart(budget_frame).mark_rule(strokeWidth=2).encode(
        y="budget:Q", color=alt.Color("series:N", scale=color, legend=legend),
        tooltip=[alt.Tooltip("series", title=t("col_series")), alt.Tooltip("budget:Q", format=",.0f", title=labels["budget"])])
    text = alt.Chart(budget_frame).mark_text(align="left", dx=4, dy=-8, color="#c62828").encode(
        y="budget:Q", x=alt.value(4), text="series:N")
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
                  color_col: str, colors: dict, big: bool = False, signed: bool = True,
                  subtitle: str | None = None) -> alt.LayerChart:
    """Horizontal bars, rank order top to bottom, coloured by warning level; large type for a meeting room.

    Value labels sit outside the bar end (right of a positive bar, left of a negative one), with room kept
    for them on both sides; ``signed=False`` for shares such as probabilities (no "+")."""
    size = 22 if big else 13
    values = frame[value_col].astype(float)
    lo, hi = min(0.0, values.min(skipna=True) if values.notna().any() else 0.0), max(0.0, values.max(skipna=True) if values.notna().any() else 0.0)
    pad = max(hi - lo, 0.01) * 0.22
    domain = [lo - pad if lo < 0 else 0.0, hi + pad if hi > 0 or lo == 0 else 0.0]
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{label_col}:N", sort=list(frame[label_col]), title=None, axis=alt.Axis(labelFontSize=size, labelLimit=0)),
        x=alt.X(f"{value_col}:Q", title=value_title, scale=alt.Scale(domain=domain, nice=False),
                axis=alt.Axis(format="%", labelFontSize=size - 2, titleFontSize=size - 2)))
    bars = base.mark_bar().encode(color=alt.Color(f"{color_col}:N", scale=alt.Scale(domain=list(colors), range=list(colors.values())), legend=None))
    fmt = "+.1%" if signed else ".1%"
    right = base.transform_filter(f"datum['{value_col}'] >= 0").mark_text(align="left", dx=4, fontSize=size - 2).encode(
        text=alt.Text(f"{value_col}:Q", format=fmt))
    left = base.transform_filter(f"datum['{value_col}'] < 0").mark_text(align="right", dx=-4, fontSize=size - 2).encode(
        text=alt.Text(f"{value_col}:Q", format=fmt))
    head = alt.TitleParams(title, fontSize=size + 6, limit=0, anchor="start",
                           **({"subtitle": subtitle, "subtitleFontSize": size} if subtitle else {}))
    return alt.layer(bars, right, left).properties(
        title=head, width=900 if big else 640, height=alt.Step(44 if big else 24)).configure(font=FONT)
