"""Status thresholds, rankings and the time schedule with literal, hand-computed expectations.

The thresholds are written out as the README states them (±3% balance, red above +8% or P ≥ 0.8, orange
above +3% or P ≥ 0.5), never read from ``budget.config``: changing a constant must fail a test.
"""
from __future__ import annotations

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
    p["previous_rank"] = [np.nan, 3, 1, 2, 4, 5]
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
