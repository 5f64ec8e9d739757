"""Period strings and reshaping (budget/periods.py) with literal expectations: labels, quarter ends, month
parsing, combined January–February on the month grid (replacing estimates, not known months), known beats
estimated, complete years, quarterly/annual/monthly GDP, safe ratios."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from budget import periods as P


def test_labels_and_quarter_ends():
    assert P.month_label(2026, 3) == "2026-03" and P.month_label("987", "11") == "0987-11"
    assert P.span_label(1, "zh") == "1月" and P.span_label(10, "zh") == "1–10月"
    assert P.span_label(1, "en") == "Jan" and P.span_label(2, "en") == "Jan–Feb" and P.span_label(12, "en") == "Jan–Dec"
    ends = [P.previous_quarter_end(2026, m) for m in range(1, 13)]
    assert ends == [(2025, 12)] * 3 + [(2026, 3)] * 3 + [(2026, 6)] * 3 + [(2026, 9)] * 3
    assert P.jan_feb_label(2026) == "2026-01..02" and P.jan_feb_label(99) == "0099-01..02"
    assert P.is_jan_feb("2026-01..02") and not P.is_jan_feb("2026-01..03") and not P.is_jan_feb("x2026-01..02")
    assert not P.is_jan_feb("2026-01") and not P.is_jan_feb(None)


def test_split_months_parses_each_period_once():
    ok, year, month = P.split_months(pd.Series(["2026-03", None, "2026-Q1", "2026", "2026-03", "2026-01..02",
                                                "２０２６-03", "2025-12"]))
    assert ok.tolist() == [True, False, False, False, True, False, False, True]
    assert year.tolist() == [2026, 0, 0, 0, 2026, 0, 0, 2025] and month.tolist() == [3, 0, 0, 0, 3, 0, 0, 12]
    assert year.dtype == np.int64 and month.dtype == np.int64


def _rows(rows):
    return pd.DataFrame(rows, columns=["region", "period", "value", "kind"])


def test_monthly_frame_known_beats_estimated_then_the_last_row():
    m = P.monthly_frame(_rows([("A", "2026-02", 5, "statistical"), ("A", "2026-02", 9, "estimated"),
                               ("A", "2026-01", 1, "estimated"), ("A", "2026-01", 2, "estimated"),
                               ("B", "2026-01", 7, "verified"), ("B", "2026-01", 8, "statistical"),
                               ("A", "2026-Q1", 100, "statistical")]))
    assert m[["region", "period", "value"]].values.tolist() == [["A", "2026-01", 2.0], ["A", "2026-02", 5.0],
                                                               ["B", "2026-01", 8.0]]
    assert m["year"].tolist() == [2026] * 3 and m["month"].tolist() == [1, 2, 1] and m["span"].isna().all()
    assert m.index.tolist() == [0, 1, 2] and m["value"].dtype == float
    no_kind = P.monthly_frame(pd.DataFrame({"region": [1, 1], "period": ["2026-05", "2026-05"], "value": [3, 4]}))
    assert no_kind[["region", "value"]].values.tolist() == [["1", 4.0]]


def test_combined_january_february_replaces_estimates_but_not_known_months():
    df = pd.DataFrame([
        ("A", "2026-01", 10.0, "estimated", 9.0, 11.0), ("A", "2026-02", 12.0, "estimated", 11.0, 13.0),
        ("A", "2026-01..02", 30.0, "statistical", np.nan, np.nan), ("A", "2026-03", 5.0, "statistical", np.nan, np.nan),
        ("B", "2026-01", 10.0, "statistical", np.nan, np.nan), ("B", "2026-02", 12.0, "statistical", np.nan, np.nan),
        ("B", "2026-01..02", 99.0, "statistical", np.nan, np.nan),          # both months known: kept as they are
        ("C", "2026-01..02", 20.0, "estimated", 18.0, 22.0),                # nothing else: laid on the grid
        ("D", "2026-01", 4.0, "statistical", np.nan, np.nan),               # only January known: the pair wins
        ("D", "2026-01..02", 9.0, "estimated", 8.0, 10.0),
    ], columns=["region", "period", "value", "kind", "lo90", "hi90"])
    m = P.monthly_frame(df).set_index(["region", "period"])
    assert m.loc[("A", "2026-01"), "value"] == 0.0 and m.loc[("A", "2026-02"), "value"] == 30.0
    assert m.loc[("A", "2026-01"), "span"] == "2026-01..02" and m.loc[("A", "2026-02"), "span"] == "2026-01..02"
    assert pd.isna(m.loc[("A", "2026-03"), "span"]) and m.loc[("A", "2026-03"), "value"] == 5.0
    assert m.loc[("A", "2026-02"), "kind"] == "statistical" and pd.isna(m.loc[("A", "2026-01"), "lo90"])
    assert m.loc[("B", "2026-01"), "value"] == 10.0 and m.loc[("B", "2026-02"), "value"] == 12.0
    assert pd.isna(m.loc[("B", "2026-02"), "span"])
    assert m.loc[("C", "2026-01"), ["value", "lo90", "hi90"]].tolist() == [0.0, 0.0, 0.0]   # January: zero band
    assert m.loc[("C", "2026-02"), ["value", "lo90", "hi90"]].tolist() == [20.0, 18.0, 22.0]
    assert m.loc[("D", "2026-01"), "value"] == 0.0 and m.loc[("D", "2026-02"), "value"] == 9.0
    assert len(m) == 9 and m["month"].dtype == np.int64 and m["year"].dtype == np.int64
    only_known = P.monthly_frame(df[df["region"] == "B"])
    assert only_known["span"].isna().all() and only_known["value"].tolist() == [10.0, 12.0]


def test_superseded_estimates_marks_the_estimated_pair_under_a_known_combined_value():
    df = _rows([("A", "2026-01", 1, "estimated"), ("A", "2026-02", 1, "estimated"), ("A", "2026-03", 1, "estimated"),
                ("A", "2026-01..02", 2, "statistical"), ("B", "2026-01", 1, "estimated"),
                ("B", "2026-01..02", 2, "estimated"), ("A", "2025-01", 1, "estimated")])
    assert P.superseded_estimates(df).tolist() == [True, True, False, False, False, False, False]
    assert P.superseded_estimates(df[df["region"] == "B"]).tolist() == [False, False]


def test_complete_years_and_gdp_from_quarters_years_and_months():
    m = P.monthly_frame(pd.DataFrame({"region": "A", "period": [f"2025-{k:02d}" for k in range(1, 13)]
                                      + ["2026-01"], "value": [1.0] * 12 + [5.0]}))
    assert P.annual_complete(m).values.tolist() == [["A", 2025, 12.0]]
    gdp = pd.DataFrame([("A", "2025-Q1", 10), ("A", "2025-Q2", 11), ("A", "2025-Q3", 12), ("A", "2025-Q4", 13),
                        ("A", "2024", 40), ("B", "2025-Q1", 5), ("C", "2025-01", 1), ("C", "2025-02", 2),
                        ("C", "2025-03", 3), ("C", "2025-04", 4), ("A", "2024-Q1", 1), ("A", "2024-Q2", 1),
                        ("A", "2024-Q3", 1), ("A", "2024-Q4", 1), ("A", "bad", 9)], columns=["region", "period", "value"])
    q = P.gdp_by_quarter(gdp)
    got = sorted(map(tuple, q[["region", "year", "quarter", "value"]].values.tolist()))
    assert got == sorted([("A", 2025, 1, 10.0), ("A", 2025, 2, 11.0), ("A", 2025, 3, 12.0), ("A", 2025, 4, 13.0),
                          ("A", 2024, 0, 40.0), ("B", 2025, 1, 5.0), ("C", 2025, 1, 6.0), ("A", 2024, 1, 1.0),
                          ("A", 2024, 2, 1.0), ("A", 2024, 3, 1.0), ("A", 2024, 4, 1.0)])
    a = P.annual_gdp(gdp)
    assert a.values.tolist() == [["A", 2024, 40.0], ["A", 2025, 46.0]]   # the annual row wins; B, C incomplete
    empty = P.gdp_by_quarter(gdp[gdp["period"] == "bad"])
    assert list(empty.columns) == ["region", "year", "quarter", "value"] and empty.empty


def test_safe_ratio_scalars_and_arrays():
    assert P.safe_ratio(1, 4) == 0.25 and isinstance(P.safe_ratio(1, 4), float)
    assert math.isnan(P.safe_ratio(1, 0)) and math.isnan(P.safe_ratio(1, None)) and math.isnan(P.safe_ratio(1, math.inf))
    got = P.safe_ratio([1, 2, 3, 4], [2, 0, np.nan, -4])
    assert got[0] == 0.5 and math.isnan(got[1]) and math.isnan(got[2]) and got[3] == -1.0


def test_known_january_to_march_keep_their_months_and_frame_columns():
    df = pd.DataFrame([("B", "2026-01", 10.0, "statistical"), ("B", "2026-02", 12.0, "statistical"),
                       ("B", "2026-03", 5.0, "statistical"), ("B", "2026-01..02", 99.0, "statistical")],
                      columns=["region", "period", "value", "kind"])
    m = P.monthly_frame(df)
    assert m["value"].tolist() == [10.0, 12.0, 5.0] and m["span"].isna().all()
    assert list(m.columns) == ["region", "period", "value", "kind", "year", "month", "span"]
    empty = P.gdp_by_quarter(pd.DataFrame({"region": ["A"], "period": ["x"], "value": [1.0]}))
    assert empty.dtypes.tolist()[1:] == [np.dtype("int64"), np.dtype("int64"), np.dtype("float64")]
