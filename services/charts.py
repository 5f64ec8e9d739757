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
