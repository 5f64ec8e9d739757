"""Status thresholds, rankings and the time schedule with literal, hand-computed expectations.

The thresholds are written out as the README states them (±3% balance, red above +8% or P ≥ 0.8, orange
above +3% or P ≥ 0.5), never read from ``budget.config``: changing a constant must fail a test.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from budget import rankings, schedule, status
from budget.periods import monthly_frame


# ---- status ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("deviation, expected", [
    (0.03, "balance"), (-0.03, "balance"), (0.0300001, "overspend"), (-0.0300001, "surplus"), (0.0, "balance"),
    (1.03 / 1.0 - 1, "balance"), (0.2, "overspend"), (-0.5, "surplus"), ("0.04", "overspend"),
    (None, None), (float("nan"), None), ("abc", None), ([1], None)])
def test_classify_status_literal_edges(deviation, expected):
    assert status.classify_status(deviation) == expected


@pytest.mark.parametrize("deviation, p, expected", [
    (0.08, 0.0, "orange"), (0.0800001, 0.0, "red"), (0.03, 0.0, "green"), (0.0300001, 0.0, "orange"),
    (0.0, 0.5, "orange"), (0.0, 0.4999999, "green"), (0.0, 0.8, "red"), (0.0, 0.7999999, "orange"),
    (None, 0.9, "red"), (0.09, None, "red"), (None, None, "green"), (-0.5, 0.49, "green"),
    (float("nan"), 0.6, "orange"), (0.05, float("nan"), "orange")])
def test_warning_level_literal_edges(deviation, p, expected):
    assert status.warning_level(deviation, p) == expected


def test_status_and_level_follow_the_provinces_rules_in_force():
    rules = {"status.tolerance": 0.05, "warning.red_deviation": 0.2, "warning.red_p_overspend": 0.95,
             "warning.orange_deviation": 0.1, "warning.orange_p_overspend": 0.7}
    assert status.classify_status(0.05, rules) == "balance" and status.classify_status(0.0500001, rules) == "overspend"
    assert status.classify_status(-0.05, rules) == "balance" and status.classify_status(-0.06, rules) == "surplus"
    assert status.classify_status(0.04, {}) == "overspend"                 # empty rules: the shipped 3%
    assert status.warning_level(0.2, 0.0, rules) == "orange" and status.warning_level(0.2000001, 0.0, rules) == "red"
    assert status.warning_level(0.1, 0.0, rules) == "green" and status.warning_level(0.1000001, 0.0, rules) == "orange"
    assert status.warning_level(0.0, 0.95, rules) == "red" and status.warning_level(0.0, 0.9499999, rules) == "orange"
    assert status.warning_level(0.0, 0.7, rules) == "orange" and status.warning_level(0.0, 0.6999999, rules) == "green"
    assert status.warning_level(0.09, 0.0, {"warning.red_deviation": 0.1}) == "orange"   # others keep defaults
    assert status.warning_level(0.0, 0.6, {"warning.orange_p_overspend": "0.65"}) == "green"


# ---- rankings ----------------------------------------------------------------------------------------------
def _progress(rows):
    cols = ["region", "is_province", "status", "warning_level", "deviation", "intensity_change", "yoy_change",
            "p_overspend"]
    return pd.DataFrame(rows, columns=cols)


CITIES = [  # region, province?, status, level, deviation, intensity_change, yoy_change, p_overspend
    ("P", True, "overspend", "orange", 0.05, -0.02, 0.01, 0.6),
    ("A", False, "overspend", "red", 0.10, -0.01, 0.04, 0.9),
    ("B", False, "balance", "green", 0.00, -0.05, -0.02, 0.2),
    ("C", False, "overspend", "orange", 0.10, np.nan, 0.01, 0.6),   # ties A on deviation
    ("D", False, "surplus", "green", -0.20, -0.03, np.nan, 0.0),
    ("E", False, None, "green", np.nan, -0.08, -0.01, np.nan),        # nothing known: no rank
]


def test_rank_cities_without_history_literal_ranks_ties_and_missing():
    r = rankings.rank_cities(_progress(CITIES))
    assert list(r.columns) == ["region", "status", "warning_level", "deviation", "intensity_change", "yoy_change",
                               "p_overspend", "rank_deviation", "rank_intensity", "rank_yoy", "rank_p_overspend",
                               "rank_change_deviation", "rank_change_intensity_change", "rank_change_yoy_change",
                               "rank_change_p_overspend"]
    assert r["region"].tolist() == ["A", "C", "B", "D", "E"]   # ties share rank 1 (then by code); NaN last
    assert r.index.tolist() == [0, 1, 2, 3, 4]
    ranks = r.set_index("region")
    assert ranks["rank_deviation"].iloc[:4].tolist() == [1, 1, 3, 4] and pd.isna(ranks.loc["E", "rank_deviation"])
    assert ranks.loc[["A", "B", "D", "E"], "rank_intensity"].tolist() == [1, 3, 2, 4]
    assert pd.isna(ranks.loc["C", "rank_intensity"])
    assert ranks.loc[["A", "B", "C", "E"], "rank_yoy"].tolist() == [1, 4, 2, 3]
    assert ranks.loc[["A", "B", "C", "D"], "rank_p_overspend"].tolist() == [1, 3, 2, 4]
    for col in ("rank_deviation", "rank_intensity", "rank_yoy", "rank_p_overspend", "rank_change_deviation",
                "rank_change_intensity_change", "rank_change_yoy_change", "rank_change_p_overspend"):
        assert str(r[col].dtype) == "Int64", col
    assert r["rank_change_deviation"].isna().all() and r["rank_change_p_overspend"].isna().all()


def test_rank_change_from_the_previous_quarter_frame():
    prev = _progress([
        ("P", True, "balance", "green", 0.0, 0.0, 0.0, 0.1),
        ("A", False, "balance", "green", -0.10, -0.09, 0.00, 0.1),   # was last: now 1st -> +3
        ("B", False, "overspend", "red", 0.20, 0.00, 0.09, 0.9),
        ("C", False, "balance", "green", 0.01, -0.01, 0.01, 0.5),
        ("D", False, "balance", "green", 0.00, -0.02, 0.02, 0.3),
    ])
    r = rankings.rank_cities(_progress(CITIES), previous=prev).set_index("region")
    # previous deviation ranks: B 1, C 2, D 3, A 4; now A 1, C 1, B 3, D 4
    assert r.loc[["A", "B", "C", "D"], "rank_change_deviation"].tolist() == [3, -2, 1, -1]
    assert pd.isna(r.loc["E", "rank_change_deviation"])        # no previous row
    # previous intensity ranks: B 1, C 2, D 3, A 4; now A 1, D 2, B 3
    assert r.loc[["A", "B", "D"], "rank_change_intensity_change"].tolist() == [3, -2, 1]
    # previous p ranks: B 1, C 2, D 3, A 4; now A 1, C 2, B 3, D 4
    assert r.loc[["A", "B", "C", "D"], "rank_change_p_overspend"].tolist() == [3, -2, 0, -1]
    assert str(r["rank_change_yoy_change"].dtype) == "Int64"


def test_rank_change_from_previous_columns_of_the_progress_frame():
    p = _progress(CITIES)
    p["previous_rank"] = [np.nan, 3, 1, 2, 4, np.nan]
    p["previous_deviation"] = [0.0, 0.9, -0.9, 0.5, 0.0, 0.0]   # ignored: deviation uses previous_rank
    p["previous_yoy_change"] = [0.0, 0.01, 0.05, 0.03, 0.02, np.nan]
    p["previous_p_overspend"] = np.nan                              # all missing: no p rank change
    r = rankings.rank_cities(p).set_index("region")
    assert r.loc[["A", "B", "C", "D", "E"], "rank_change_deviation"].tolist()[:4] == [2, -2, 1, 0]
    assert pd.isna(r.loc["E", "rank_change_deviation"])
    # previous yoy ranks: B 1, C 2, D 3, A 4 (E missing); now A 1, C 2, E 3, B 4
    assert r.loc[["A", "B", "C"], "rank_change_yoy_change"].tolist() == [3, -3, 0]
    assert pd.isna(r.loc["E", "rank_change_yoy_change"])
    assert r["rank_change_p_overspend"].isna().all() and r["rank_change_intensity_change"].isna().all()
    assert str(r["rank_change_deviation"].dtype) == "Int64"


# ---- time schedule -----------------------------------------------------------------------------------------
def _x_value(y, m):
    return float(1 + (m * (y - 2017)) % 5)      # a different seasonal shape and total every year


def _schedule_rows():
    rows = [("X", f"{y}-{m:02d}", _x_value(y, m)) for y in range(2020, 2026) for m in range(1, 13)]   # 2025 = the year
    rows += [("X", "2019-01", 50.0)]                                          # incomplete: ignored
    rows += [("J", "2022-01", 3.0), ("J", "2022-02", 1.0)] + [("J", f"2022-{m:02d}", 1.0) for m in range(3, 13)]
    rows += [("J", "2023-01..02", 2.0)] + [("J", f"2023-{m:02d}", 1.0) for m in range(3, 13)]
    rows += [("K", "2024-01..02", 4.0)] + [("K", f"2024-{m:02d}", 1.0) for m in range(3, 13)]
    rows += [("Z", f"2023-{m:02d}", 0.0) for m in range(1, 13)]                # a zero year is not a pattern
    rows += [("S", "2024-01", 0.16)] + [("S", f"2024-{m:02d}", 0.04) for m in range(2, 13)]   # total 0.6
    return monthly_frame(pd.DataFrame(rows, columns=["region", "period", "value"]))


def _x_oracle(years):
    shares = [[_x_value(y, m) / sum(_x_value(y, k) for k in range(1, 13)) for m in range(1, 13)] for y in years]
    return [sum(s[m] for s in shares) / len(shares) for m in range(12)]


def test_seasonal_pattern_against_hand_computed_shares():
    pat = _schedule_rows()
    p = schedule.seasonal_pattern(pat, 2025)
    assert list(p.columns) == ["region", "month", "share", "cum_share", "n_years"]
    assert p["region"].tolist() == [r for r in ["J", "K", "S", "X", "Z"] for _ in range(12)]
    assert p["month"].tolist() == list(range(1, 13)) * 5 and str(p["n_years"].dtype) == "int64"
    by = {r: g for r, g in p.groupby("region")}
    assert by["X"]["share"].tolist() == pytest.approx(_x_oracle([2022, 2023, 2024]), abs=1e-12)
    assert by["X"]["n_years"].iloc[0] == 3
    # J: 2022 monthly (3, 1, then 1s: total 14), 2023 with January–February combined (2, then 1s: total 12).
    # months 3–12: (1/14 + 1/12)/2 = 13/168; the pair: (4/14 + 2/12)/2 = 19/84, split 3:1 as in 2022
    assert by["J"]["share"].tolist() == pytest.approx([19 / 112, 19 / 336] + [13 / 168] * 10, abs=1e-12)
    assert by["J"]["n_years"].iloc[0] == 2                     # fewer complete years than asked: all of them
    # K: only a combined year (4, then 1s: total 14): the pair 4/14 is split half and half
    assert by["K"]["share"].tolist() == pytest.approx([1 / 7, 1 / 7] + [1 / 14] * 10, abs=1e-12)
    assert by["S"]["share"].tolist() == pytest.approx([0.16 / 0.6] + [0.04 / 0.6] * 11, abs=1e-12)
    assert by["Z"]["share"].tolist() == pytest.approx([1 / 12] * 12) and by["Z"]["n_years"].iloc[0] == 0
    assert by["J"]["cum_share"].tolist() == pytest.approx(np.cumsum(by["J"]["share"]).tolist()[:11] + [1.0])
    assert (p.groupby("region")["cum_share"].last() == 1.0).all()


def test_seasonal_pattern_of_a_region_with_only_combined_pairs_warns_nothing():
    """K reports January–February only as one value: its monthly mean of those two months is 0/0, expected and
    replaced by the half-and-half split, so no RuntimeWarning may reach the caller."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = schedule.seasonal_pattern(_schedule_rows(), 2025)
    k = p[p["region"] == "K"]
    assert k["share"].tolist() == pytest.approx([1 / 7, 1 / 7] + [1 / 14] * 10, abs=1e-12)  # 4/14 split in halves


@pytest.mark.parametrize("years, window", [(1, [2024]), (2, [2023, 2024]), (0, [2020, 2021, 2022, 2023, 2024]),
                                           (-1, [2021, 2022, 2023, 2024]), (-4, [2024]), (9, list(range(2020, 2025)))])
def test_seasonal_pattern_window_of_last_complete_years(years, window):
    p = schedule.seasonal_pattern(_schedule_rows(), 2025, years=years)
    x = p[p["region"] == "X"]
    assert x["share"].tolist() == pytest.approx(_x_oracle(window), abs=1e-12)
    assert x["n_years"].iloc[0] == len(window)


def test_schedule_progress_and_linear_schedule():
    p = schedule.seasonal_pattern(_schedule_rows(), 2025)
    zero = schedule.schedule_progress(p, 0)
    assert zero.index.tolist() == ["J", "K", "S", "X", "Z"] and zero.index.name == "region"
    assert zero.tolist() == [0.0] * 5
    assert schedule.schedule_progress(p, -2).tolist() == [0.0] * 5
    one = schedule.schedule_progress(p, 1)
    assert one.index.name == "region" and one.to_dict() == pytest.approx(
        {"J": 19 / 112, "K": 1 / 7, "S": 0.16 / 0.6, "X": _x_oracle([2022, 2023, 2024])[0], "Z": 1 / 12})
    assert schedule.schedule_progress(p, 12).tolist() == [1.0] * 5
    assert schedule.schedule_linear(3) == 0.25 and schedule.schedule_linear(12) == 1.0


# ---- projection --------------------------------------------------------------------------------------------
from budget import projection  # noqa: E402

Z = 1.6448536269514722   # z of a two-sided 90% band, written out


def _oracle(cur: dict, prev: dict, budget: float):
    """The module docstring's method, written out month by month for one region (as of the last month in cur).

    cur: month -> (value, kind, sd); prev: month -> value. Returns (path values, sds, mean, sd, trend, p)."""
    last = max(cur) if cur else 0
    paired = [m for m in sorted(cur) if m in prev][-3:]
    ps, cs = sum(prev[m] for m in paired), sum(cur[m][0] for m in paired)
    trend = min(max(cs / ps, 0.7), 1.3) if paired and ps > 0 else 1.0
    fallback = sum(v for v, _, _ in cur.values()) / len(cur) if cur else float("nan")
    values, sds, est_sd, proj_sd = [], [], 0.0, 0.0
    for m in range(1, 13):
        if m in cur:
            v, kind, s = cur[m]
            values.append(v), sds.append(s if kind == "estimated" else 0.0)
            est_sd += s if kind == "estimated" else 0.0
        else:
            v = prev[m] * trend if m in prev else fallback
            h = m - last if m > last else 1
            s = 0.03 * abs(v) * h ** 0.5
            values.append(v), sds.append(s)
            proj_sd += s
    mean, sd = sum(values), (est_sd ** 2 + proj_sd ** 2) ** 0.5
    p = (1.0 if mean > budget else 0.0) if sd == 0 else 1 - 0.5 * (1 + math.erf((budget - mean) / sd / 2 ** 0.5))
    return values, sds, mean, sd, trend, p


def _co2(region, cur: dict, prev: dict, year=2026):
    rows = [(region, f"{year - 1}-{m:02d}", v, "statistical", np.nan, np.nan) for m, v in prev.items()]
    for m, (v, kind, s) in cur.items():
        rows.append((region, f"{year}-{m:02d}", v, kind, v - Z * s if kind == "estimated" else np.nan,
                     v + Z * s if kind == "estimated" else np.nan))
    return pd.DataFrame(rows, columns=["region", "period", "value", "kind", "lo90", "hi90"])


CASES = {
    # known Jan–Apr, May estimated (sd 5): trend over Mar–May
    "A": ({1: (110.0, "statistical", 0), 2: (112.0, "statistical", 0), 3: (115.0, "statistical", 0),
           4: (120.0, "statistical", 0), 5: (125.0, "estimated", 5.0)}, {m: 100.0 + m for m in range(1, 13)}),
    # a gap in February and last year without August: the gap is projected with h = 1, August from the mean
    "G": ({1: (50.0, "statistical", 0), 3: (60.0, "estimated", 2.0), 4: (64.0, "statistical", 0)},
          {m: 40.0 for m in range(1, 13) if m != 8}),
    # doubling: the trend is clipped at 1.3
    "D": ({1: (200.0, "statistical", 0), 2: (200.0, "statistical", 0)}, {m: 100.0 for m in range(1, 13)}),
    # halving: clipped at 0.7
    "H": ({1: (50.0, "statistical", 0), 2: (50.0, "statistical", 0)}, {m: 100.0 for m in range(1, 13)}),
}


@pytest.mark.parametrize("region", sorted(CASES))
def test_projection_against_the_method_written_out(region):
    cur, prev = CASES[region]
    co2 = _co2(region, cur, prev)
    month = max(cur)
    path = projection.projection_paths(co2, 2026, month)
    values, sds, mean, sd, trend, p = _oracle(cur, prev, budget=1500.0)
    assert path["value"].tolist() == pytest.approx(values, rel=1e-12)
    assert path["sd"].tolist() == pytest.approx(sds, rel=1e-9, abs=1e-12)
    assert path["kind"].tolist() == [cur[m][1] if m in cur else "projected" for m in range(1, 13)]
    last = max(cur)
    assert path["horizon"].tolist() == [0 if m in cur else (m - last if m > last else 1) for m in range(1, 13)]
    assert path["cumulative"].tolist() == pytest.approx(np.cumsum(values).tolist(), rel=1e-12)
    assert path["lo90"].tolist() == pytest.approx([v - Z * s for v, s in zip(values, sds)], rel=1e-12)
    assert path["period"].tolist() == [f"2026-{m:02d}" for m in range(1, 13)] and path["span"].isna().all()
    one, summary = projection.project_region(monthly_frame(co2), 2026, month)
    assert summary["projected_total"] == pytest.approx(mean, rel=1e-12)
    assert summary["projected_sd"] == pytest.approx(sd, rel=1e-9)
    assert summary["projected_hi90"] == pytest.approx(mean + Z * sd, rel=1e-9)
    assert summary["trend"] == pytest.approx(trend, rel=1e-12)
    assert summary["last_data_month"] == f"2026-{last:02d}"
    assert projection.overspend_probability(1500.0, summary["projected_total"], summary["projected_sd"]) == \
        pytest.approx(p, abs=1e-12)
    assert list(one.columns) == [c for c in projection.PATH_COLUMNS if c != "region"]


def test_projection_literal_trend_values():
    assert _oracle(*CASES["A"], 0)[4] == pytest.approx(360 / 312)
    assert _oracle(*CASES["D"], 0)[4] == 1.3 and _oracle(*CASES["H"], 0)[4] == 0.7
    path = projection.projection_paths(_co2("D", *CASES["D"]), 2026, 2)
    assert path["value"].tolist()[2:] == pytest.approx([130.0] * 10)
    path = projection.projection_paths(_co2("H", *CASES["H"]), 2026, 2)
    assert path["value"].tolist()[2:] == pytest.approx([70.0] * 10)
    g = projection.projection_paths(_co2("G", *CASES["G"]), 2026, 4).set_index("month")
    # trend: pairs Jan, Mar, Apr: (50 + 60 + 64) / 120 = 1.45 → clipped 1.3; August: mean of known 58
    assert g.loc[2, "value"] == pytest.approx(52.0) and g.loc[2, "horizon"] == 1
    assert g.loc[8, "value"] == pytest.approx(58.0) and g.loc[8, "horizon"] == 4


def test_nothing_known_yet_and_the_probability_edges():
    path = projection.projection_paths(_co2("N", {}, {m: 10.0 for m in range(1, 13)}), 2026, 0)
    assert path["value"].tolist() == [10.0] * 12 and path["horizon"].tolist() == list(range(1, 13))
    _, s = projection.project_region(monthly_frame(_co2("N", {}, {m: 10.0 for m in range(1, 13)})), 2026, 0)
    assert s["trend"] == 1.0 and s["last_data_month"] is None
    assert s["projected_sd"] == pytest.approx(sum(0.03 * 10 * h ** 0.5 for h in range(1, 13)))
    op = projection.overspend_probability
    assert op(100.0, 101.0, 0.0) == 1.0 and op(100.0, 100.0, 0.0) == 0.0 and op(100.0, 99.0, -1.0) == 0.0
    assert op(100.0, 101.0, math.inf) == 1.0 and math.isnan(op(None, 1.0, 1.0)) and math.isnan(op(1.0, math.nan, 1.0))
    assert op(100.0, 100.0, 5.0) == pytest.approx(0.5) and op(90.0, 100.0, 10.0) == pytest.approx(0.8413447460685429)
    assert projection.overspend_probabilities([90.0, 100.0], [100.0, 99.0], [10.0, 0.0]).tolist() == \
        pytest.approx([0.8413447460685429, 0.0])
    assert projection.normal_cdf(0.0) == 0.5 and projection.normal_cdf(1.6448536269514722) == pytest.approx(0.95)
    sd = projection.band_sd([90.0, None, 110.0, "x", 90.0], [110.0, 10.0, 90.0, 1.0, 90.0])
    assert sd.tolist() == pytest.approx([20 / (2 * Z), 0.0, 0.0, 0.0, 0.0])


def test_run_out_months_single_and_vectorised():
    path = pd.DataFrame({"month": [1, 2, 3], "cumulative": [40.0, 80.0, 120.0]})
    assert projection.run_out_month(path, 80.0, 2026) == "2026-03"       # strictly more than the budget
    assert projection.run_out_month(path, 79.9, 2026) == "2026-02"
    assert projection.run_out_month(path, 200.0, 2026) is None and projection.run_out_month(path, None, 2026) is None
    assert projection.run_out_month(path, math.nan, 2026) is None
    cum = np.array([[40.0, 80.0, 120.0] + [120.0] * 9, [1.0] * 12, [5.0] * 12])
    assert projection.run_out_months(cum, [79.9, 0.5, math.nan], 2026) == ["2026-02", "2026-01", None]


def test_province_is_the_sum_of_its_cities_with_bands_added():
    co2 = pd.concat([
        _co2("A", {1: (10.0, "statistical", 0), 2: (20.0, "estimated", 1.0)}, {}),
        _co2("B", {1: (5.0, "estimated", 2.0), 2: (6.0, "estimated", 3.0), 3: (7.0, "statistical", 0)}, {}),
        pd.DataFrame([("P", "2026-01", 999.0, "statistical", np.nan, np.nan)],
                     columns=["region", "period", "value", "kind", "lo90", "hi90"])])
    m = monthly_frame(co2)
    prov = projection.province_monthly(m[m["region"] != "P"], ["A", "B"], "P").set_index("month")
    assert prov.index.tolist() == [1, 2]                                  # March: only B has it
    assert prov["value"].tolist() == [15.0, 26.0] and prov["kind"].tolist() == ["estimated", "estimated"]
    assert prov.loc[1, "lo90"] == pytest.approx(15 - Z * 2.0) and prov.loc[2, "hi90"] == pytest.approx(26 + Z * 4.0)
    assert prov["period"].tolist() == ["2026-01", "2026-02"] and prov["span"].isna().all()
    paths = projection.projection_paths(co2, 2026, 2, province="P")
    p = paths[paths["region"] == "P"].set_index("month")
    assert p.loc[1, "value"] == 15.0 and p.loc[2, "sd"] == pytest.approx(4.0)   # not the province's own 999
    assert sorted(paths["region"].unique()) == ["A", "B", "P"]
    assert projection.province_monthly(m, ["X"], "P").empty
    assert projection.projection_paths(co2.iloc[0:0], 2026, 2).empty


# ---- progress: one hand-worked city, a second one and their province --------------------------------------------
from budget.progress import PROGRESS_COLUMNS, compute_progress  # noqa: E402


def _city(region, history, values, estimated_sd=None):
    rows = [(region, f"{y}-{m:02d}", history, "statistical", np.nan, np.nan) for y in (2023, 2024, 2025)
            for m in range(1, 13)]
    for m, v in enumerate(values, start=1):
        est = estimated_sd is not None and m == len(values)
        rows.append((region, f"2026-{m:02d}", v, "estimated" if est else "statistical",
                     v - Z * estimated_sd if est else np.nan, v + Z * estimated_sd if est else np.nan))
    return rows


def _hand_progress(**kw):
    co2 = pd.DataFrame(_city("X", 100.0, [110.0] * 6, estimated_sd=5.0) + _city("Y", 80.0, [80.0] * 6)
                       + [("P", "2026-01", 1.0, "statistical", np.nan, np.nan)],     # the province's own row: ignored
                       columns=["region", "period", "value", "kind", "lo90", "hi90"])
    budgets = pd.DataFrame([(r, y, b) for r, bs in {"X": [1300, 1250, 1200, 1150, 1100],
                                                    "Y": [1000, 1000, 1000, 1000, 1000]}.items()
                            for y, b in zip(range(2026, 2031), bs)], columns=["region", "year", "budget"])
    gdp = pd.DataFrame([("X", "2025-Q1", 380.0), ("X", "2025-Q2", 400.0), ("X", "2026-Q1", 400.0),
                        ("X", "2026-Q2", 440.0), ("Y", "2025-Q1", 100.0), ("Y", "2025-Q2", 100.0),
                        ("Y", "2026-Q1", 100.0), ("Y", "2026-Q2", 100.0)], columns=["region", "period", "value"])
    targets = pd.DataFrame({"region": ["X"], "year": [2026], "target": [0.8]})
    return compute_progress(co2, budgets, 2026, 6, gdp=gdp, intensity_targets=targets, province="P", **kw)


def test_progress_of_one_city_by_hand():
    p = _hand_progress()
    assert list(p.columns) == PROGRESS_COLUMNS and p["region"].tolist() == ["X", "Y", "P"]
    x = p.iloc[0]
    assert (x["budget"], x["used_statistical"], x["used_estimated"], x["used"]) == (1300.0, 550.0, 110.0, 660.0)
    assert (x["months_with_data"], x["months_estimated"], x["last_data_month"], x["as_of"]) == (6, 1, "2026-06", "2026-06")
    assert x["execution_rate"] == pytest.approx(660 / 1300)
    assert x["schedule_progress"] == pytest.approx(0.5) and x["schedule_linear"] == 0.5 and x["seasonal_years"] == 3
    assert x["deviation"] == pytest.approx(660 / 1300 / 0.5 - 1) and x["status"] == "balance"
    assert x["deviation_linear"] == pytest.approx(660 / 1300 / 0.5 - 1)
    sd = (5.0 ** 2 + (0.03 * 110 * sum(h ** 0.5 for h in range(1, 7))) ** 2) ** 0.5
    assert x["trend"] == pytest.approx(1.1) and x["projected_total"] == pytest.approx(1320.0)
    assert x["projected_hi90"] == pytest.approx(1320.0 + Z * sd) and x["projected_lo90"] == pytest.approx(1320 - Z * sd)
    p_over = 1 - 0.5 * (1 + math.erf((1300 - 1320) / sd / 2 ** 0.5))
    assert x["p_overspend"] == pytest.approx(p_over) and 0.5 < p_over < 0.8 and x["warning_level"] == "orange"
    assert x["run_out_month"] == "2026-12"
    assert x["remaining"] == 640.0 and x["cut_needed"] == pytest.approx(640 / 6)
    assert x["last_year_rest_avg"] == pytest.approx(100.0) and x["cut_needed_pct"] == pytest.approx(640 / 6 / 100 - 1)
    assert x["used_last_year"] == 600.0 and x["yoy_change"] == pytest.approx(0.1)
    assert x["intensity"] == pytest.approx(660 / 840) and x["intensity_last_year"] == pytest.approx(600 / 780)
    assert x["intensity_change"] == pytest.approx((660 / 840) / (600 / 780) - 1)
    assert x["intensity_target"] == 0.8 and x["intensity_gap"] == pytest.approx(660 / 840 / 0.8 - 1)
    assert x["five_year_budget"] == 6000.0 and x["five_year_used"] == 660.0
    assert x["five_year_schedule"] == pytest.approx(1300 * 0.5 / 6000)
    assert x["five_year_execution"] == pytest.approx(0.11)
    assert x["five_year_deviation"] == pytest.approx(0.11 / (1300 * 0.5 / 6000) - 1)


def test_progress_second_city_province_ranks_and_last_quarter():
    p = _hand_progress().set_index("region")
    y, prov = p.loc["Y"], p.loc["P"]
    assert y["deviation"] == pytest.approx(480 / 1000 / 0.5 - 1) and y["status"] == "surplus"
    assert y["warning_level"] == "green" and y["projected_total"] == pytest.approx(960.0) and y["trend"] == 1.0
    assert pd.isna(y["intensity_target"]) and y["intensity"] == pytest.approx(480 / 200)
    assert pd.isna(y["run_out_month"])
    assert prov["is_province"] and not p.loc["X", "is_province"]
    assert prov["budget"] == 2300.0 and prov["used"] == 1140.0 and prov["used_estimated"] == 190.0   # June: estimated in X, so the whole province month
    assert prov["deviation"] == pytest.approx(1140 / 2300 / 0.5 - 1) and prov["status"] == "balance"
    assert prov["intensity"] == pytest.approx(1140 / 1040)                 # province GDP: the cities' sum
    assert prov["five_year_budget"] == 11000.0
    assert p.loc["X", "rank"] == 1 and p.loc["Y", "rank"] == 2 and pd.isna(prov["rank"])
    assert p.loc["X", "previous_as_of"] == "2026-03" and p.loc["X", "previous_status"] == "balance"
    assert p.loc["X", "previous_deviation"] == pytest.approx(330 / 1300 / 0.25 - 1)
    assert p.loc["X", "previous_level"] == "orange" and p.loc["X", "previous_rank"] == 1
    assert p.loc["X", "rank_change"] == 0 and p.loc["Y", "previous_rank"] == 2
    assert p.loc["X", "previous_yoy_change"] == pytest.approx(0.1)
    assert p.loc["X", "previous_intensity_change"] == pytest.approx((330 / 400) / (300 / 380) - 1)
    bare = _hand_progress(with_previous=False).set_index("region")
    assert bare["previous_as_of"].isna().all() and bare["previous_rank"].isna().all()
    assert bare["rank_change"].isna().all() and str(bare["rank_change"].dtype) == "Int64"
    with pytest.raises(ValueError):
        compute_progress(pd.DataFrame(_city("X", 1.0, [1.0]), columns=["region", "period", "value", "kind", "lo90",
                                                                          "hi90"]),
                         pd.DataFrame({"region": ["X"], "year": [2026], "budget": [1.0]}), 2026, 13)


def test_projection_with_combined_january_february():
    # last year January–February was one total 200; this year January alone is known (250): February takes the
    # rest of the pair × trend, never below zero; this year's own combined pair is one element of the path
    rows = [("C", "2025-01..02", 200.0, "statistical", np.nan, np.nan)]
    rows += [("C", f"2025-{m:02d}", 100.0, "statistical", np.nan, np.nan) for m in range(3, 13)]
    co2 = pd.DataFrame(rows + [("C", "2026-01", 250.0, "statistical", np.nan, np.nan)],
                       columns=["region", "period", "value", "kind", "lo90", "hi90"])
    path = projection.projection_paths(co2, 2026, 1).set_index("month")
    assert path.loc[2, "value"] == 0.0 and path.loc[2, "kind"] == "projected" and path.loc[3, "value"] == 100.0
    assert path["span"].isna().all()
    co2.loc[co2["period"] == "2026-01", "value"] = 90.0
    path = projection.projection_paths(co2, 2026, 1).set_index("month")
    assert path.loc[2, "value"] == pytest.approx(110.0)
    both = pd.concat([co2[co2["period"] != "2026-01"],
                      pd.DataFrame([("C", "2026-01..02", 180.0, "statistical", np.nan, np.nan)], columns=co2.columns)])
    path = projection.projection_paths(both, 2026, 2)
    assert path["span"].tolist()[:2] == ["2026-01..02", "2026-01..02"] and path["span"].iloc[2:].isna().all()
    assert path["value"].tolist()[:2] == [0.0, 180.0] and path["kind"].tolist()[:2] == ["statistical"] * 2
    assert path.set_index("month").loc[3, "value"] == pytest.approx(100 * 180 / 200)   # the pair is the trend
    early = projection.projection_paths(both, 2026, 1)              # the pair is known from February on
    assert early["kind"].tolist()[:2] == ["projected", "projected"]
    prov = projection.province_monthly(monthly_frame(both).assign(kind="statistical").drop(columns=["lo90", "hi90"]),
                                       ["C"], "P")
    assert prov["kind"].tolist()[0] == "statistical" and prov["lo90"].isna().all() and prov["hi90"].isna().all()
    assert prov[prov["month"] <= 2]["span"].tolist()[-2:] == ["2026-01..02", "2026-01..02"]
    empty = projection.province_monthly(monthly_frame(both), ["X"], "P")
    assert list(empty.columns) == ["region", "year", "month", "period", "value", "kind", "lo90", "hi90"]


def test_progress_inputs_without_kind_or_bands_and_its_refusals():
    co2 = pd.DataFrame([(r, f"{y}-{m:02d}", 10.0) for r in ("A", "B") for y in (2025, 2026) for m in range(1, 13)
                        if (y, m) <= (2026, 12)], columns=["region", "period", "value"])
    budgets = pd.DataFrame({"region": [1, 2], "year": ["2026", "2026"], "budget": [100.0, 200.0]})
    p = compute_progress(co2.replace({"A": "1", "B": "2"}), budgets, 2026, 12,
                         intensity_targets=pd.DataFrame({"region": ["1"], "year": [2026], "value": [0.7]}))
    assert p["budget"].tolist() == [100.0, 200.0] and p["used_estimated"].tolist() == [0.0, 0.0]
    assert p["cut_needed"].isna().all() and p["cut_needed"].dtype == float and p["last_year_rest_avg"].isna().all()
    assert p["last_year_rest_avg"].dtype == float and p["intensity_target"].tolist()[0] == 0.7
    assert p["previous_intensity_change"].dtype == float and p["seasonal_years"].dtype == np.int64
    assert p["schedule_progress"].dtype == float and p["status"].tolist() == ["overspend", "surplus"]
    nob = compute_progress(co2, pd.DataFrame(columns=["region", "year", "budget"]), 2026, 6)
    assert nob["budget"].isna().all() and nob["five_year_used"].tolist() == [60.0, 60.0]   # plan starts this year
    with pytest.raises(ValueError, match=r"^month must be in 1\.\.12$"):
        compute_progress(co2, budgets, 2026, 0)
