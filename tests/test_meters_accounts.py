"""Enterprise budgets (derived share) and their progress, status and alert on a case with known answers."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from engines.meter_job import Z90
from monitor import enterprise_accounts as ea


def test_derived_budget_and_progress():
    reg = pd.DataFrame({"code": ["e1", "e2", "e3"], "region": ["A", "A", "A"], "sector": ["s", "s", "s"]})
    years = pd.DataFrame({"code": ["e1", "e1", "e2", "e3"], "year": [2023, 2024, 2024, 2024], "co2": [8.0, 10.0, 5.0, 1.0],
                          "elec": [1.0, 1.0, 1.0, 1.0], "verified": [True, True, True, False]})
    city_annual = pd.DataFrame({"region": ["A", "A"], "year": [2023, 2024], "co2": [90.0, 100.0]})
    city_budgets = pd.DataFrame({"region": ["A", "A"], "year": [2026, 2027], "budget": [200.0, 190.0]})
    b = ea.derived_budgets(reg, years, city_budgets, city_annual, 2026).set_index("code")
    assert b.loc["e1", "share_year"] == 2024 and b.loc["e1", "share"] == pytest.approx(0.1)
    assert b.loc["e1", "budget"] == pytest.approx(20.0) and b.loc["e2", "budget"] == pytest.approx(10.0)
    assert "e3" not in b.index  # no verified year: no derived budget
    months = [f"2026-{m:02d}" for m in (1, 2, 3)] + ["2025-12"]
    ent = pd.DataFrame({"enterprise_id": ["e1"] * 4 + ["e2"] * 4, "month": months * 2, "kwh": 1.0,
                        "co2": [2.0, 2.0, 2.0, 9.0, 0.5, 0.5, 0.5, 9.0]})
    ent = ent.assign(hi90=ent["co2"] + Z90 * 0.1, lo90=ent["co2"] - Z90 * 0.1)
    p = ea.progress(ent, b.reset_index(), 2026, 3, 0.25).set_index("code")
    assert p.loc["e1", "used"] == pytest.approx(6.0) and p.loc["e1", "months"] == 3  # December 2025 not counted
    assert p.loc["e1", "execution_rate"] == pytest.approx(0.3) and p.loc["e1", "deviation"] == pytest.approx(0.2)
    assert p.loc["e1", "status"] == "overspend" and p.loc["e1", "warning_level"] == "red"
    # three months of one enterprise: sds add linearly, scaled to the year ÷ schedule; plus the projection
    # error of the nine months left (CV × month × sqrt(h), fully correlated)
    rest = (24 - 6) / 9 * 0.03 * sum(math.sqrt(h) for h in range(1, 10))
    sd = math.hypot(0.3 / 0.25, rest)
    assert p.loc["e1", "p_overspend"] == pytest.approx(0.5 * math.erfc((20 - 24) / (sd * math.sqrt(2))))
    assert p.loc["e2", "execution_rate"] == pytest.approx(0.15) and p.loc["e2", "status"] == "surplus"
    assert p.loc["e2", "warning_level"] == "green"
    hot = ea.alerts(p.reset_index().assign(name_zh="", name_en=""))
    assert hot["code"].tolist() == ["e1"]


def test_comparison_shows_the_difference():
    city = pd.DataFrame({"region": ["A", "A"], "month": ["2026-01", "2026-02"], "enterprises": [3, 3], "kwh": [1.0, 1.0],
                         "co2": [40.0, 120.0], "co2_sd": [1.0, 1.0], "lo90": [38.0, 118.0], "hi90": [42.0, 122.0]})
    city_co2 = pd.DataFrame({"region": ["A", "A"], "month": ["2026-01", "2026-02"], "city_co2": [100.0, 100.0],
                             "city_kind": ["statistical", "estimated"]})
    cmp = ea.compare(city, city_co2)
    assert cmp["difference"].tolist() == [60.0, -20.0] and cmp["share"].tolist() == [0.4, 1.2]
