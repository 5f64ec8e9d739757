"""A combined January–February (1–2月合计) on a monthly chart: one element spanning both months, never split.

The chart builders in ``services.charts`` call :func:`split_spans` on their frame and add
:func:`span_layer` — a horizontal segment from 1 January to 1 March at the pair's monthly mean
(its tooltip gives the combined total) — so the months before and after stay a line.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from budget.periods import is_jan_feb, monthly_frame
from services.i18n import t

SPAN_COLUMNS = ["period", "year", "kind", "value", "per_month", "lo90", "hi90", "cumulative", "date", "date_end",
                "label"]


def split_spans(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(month rows, span rows) of a chart frame. A span is a raw row of period 'YYYY-01..02', or the
    January + February rows a budget path marks with ``span`` (January 0, February the total).
    Span rows: period 'YYYY-01..02', value = the combined total, per_month = value / 2, date (1 Jan) ..
    date_end (1 Mar), label ('2026年1–2月合计' / 'Jan–Feb 2026 combined')."""
    raw = frame["period"].astype(str).map(is_jan_feb).astype(bool)
    marked = frame["span"].notna() if "span" in frame.columns else pd.Series(False, index=frame.index)
    months = frame[~raw & ~marked]
    parts = []
    if raw.any():
        parts.append(frame[raw].assign(span=frame.loc[raw, "period"].astype(str)))
    if marked.any():
        g = frame[marked].sort_values("period").groupby("span", sort=True)
        agg = {c: (c, "sum") for c in ("value", "lo90", "hi90") if c in frame.columns}
        agg.update({c: (c, "last") for c in ("kind", "cumulative") if c in frame.columns})
        parts.append(g.agg(**agg).reset_index())
    if not parts:
        return months, pd.DataFrame(columns=SPAN_COLUMNS)
    spans = pd.concat(parts, ignore_index=True)
    spans["period"] = spans["span"].astype(str)
    spans["year"] = spans["period"].str[:4]
    spans["kind"] = spans["kind"].fillna("statistical") if "kind" in spans.columns else "statistical"
    spans["value"] = spans["value"].astype(float)
    spans["per_month"] = spans["value"] / 2
    spans["date"] = pd.to_datetime(spans["year"] + "-01-01")
    spans["date_end"] = pd.to_datetime(spans["year"] + "-03-01")
    spans["label"] = [t("num_jan_feb", year=y) for y in spans["year"]]
    return months, spans.reindex(columns=SPAN_COLUMNS)


def span_layer(spans: pd.DataFrame, scale: alt.Scale, series: str | None = None, shift_years: int = 0) -> alt.Chart:
    """One segment per span (1 Jan .. 1 Mar at the monthly mean), coloured like its kind (or ``series``)."""
    frame = spans.assign(kind_label=spans["kind"].map(lambda k: t(f"kind_{k}")))
    frame["series"] = series if series is not None else frame["kind_label"]
    if shift_years:   # last year's pair drawn on this year's axis
        frame["date"] = frame["date"] + pd.DateOffset(years=shift_years)
        frame["date_end"] = frame["date_end"] + pd.DateOffset(years=shift_years)
    return alt.Chart(frame).mark_rule(strokeWidth=5, opacity=0.85).encode(
        x=alt.X("date:T", axis=None), x2="date_end:T", y="per_month:Q",   # the month axis is the other layers
        color=alt.Color("series:N", scale=scale, legend=None),
        tooltip=[alt.Tooltip("label:N", title=t("col_period")), alt.Tooltip("kind_label:N", title=t("col_kind")),
                 alt.Tooltip("value:Q", format=",.1f", title=t("num_jan_feb_total")),
                 alt.Tooltip("per_month:Q", format=",.1f", title=t("num_per_month"))])


def last_year_months(last_year: pd.DataFrame) -> pd.DataFrame:
    """Last year's monthly values summed over regions, a combined Jan–Feb kept whole (``span``): per
    region a known value wins over an estimate, and a combined value over that pair's two months."""
    frame = last_year.assign(region=last_year["region"] if "region" in last_year.columns else "_")
    m = monthly_frame(frame[[c for c in ("region", "period", "value", "kind") if c in frame.columns]])
    if m.empty:
        return pd.DataFrame(columns=["period", "value", "span"])
    return m.groupby("period", as_index=False).agg(value=("value", "sum"), span=("span", "first"))


def cumulative_points(path: pd.DataFrame) -> pd.DataFrame:
    """A path without the January of a combined pair: its cumulative point is February's."""
    if "span" not in path.columns:
        return path
    return path[~(path["span"].notna() & (path["month"] == 1))]
