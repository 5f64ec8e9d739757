"""Plan scenarios (budget/scenarios.py) against paths worked out by hand: GDP and intensity indices, projects from
their start year, measures, the band, the intensity constraint's geometric path and implied total, the base year
and its recent rates, the default scenarios, year ranges."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from budget import scenarios as S
from budget.plan_errors import PlanError

BASE = S.Base("P", 2025, 1000.0, 2000.0, 0.05, 0.02, pd.DataFrame())
PARAMS = S.ScenarioParams("mine", {2026: 0.10, 2027: 0.0}, {2026: 0.10, 2027: 0.50},
                          projects=({"name": "X", "start_year": 2027, "added": 50.0},), measures={2026: 10.0},
                          band_cv=0.02)


def test_project_by_hand():
    p = S.project(BASE, PARAMS, [2026, 2027], target_decline=0.19)
    assert p["year"].tolist() == [2026, 2027] and p["in_plan"].tolist() == [True, True]
    assert p["gdp_index"].tolist() == pytest.approx([1.1, 1.1]) and p["gdp"].tolist() == pytest.approx([2200, 2200])
    assert p["trend"].tolist() == pytest.approx([990.0, 495.0])          # 1000 × 1.1 × 0.9, × 1.1 × 0.45
    assert p["projects"].tolist() == [0.0, 50.0] and p["measures"].tolist() == [10.0, 0.0]
    assert p["emissions"].tolist() == pytest.approx([980.0, 545.0])
    assert p["lo90"].tolist() == pytest.approx([980 * 0.98, 545 * (1 - 0.02 * math.sqrt(2))])
    assert p["hi90"].tolist() == pytest.approx([980 * 1.02, 545 * (1 + 0.02 * math.sqrt(2))])
    assert p["intensity_index"].tolist() == pytest.approx([980 / 1100, 545 / 1100])
    assert p["intensity"].tolist() == pytest.approx([980 / 2200, 545 / 2200])
    assert p["target_intensity_index"].tolist() == pytest.approx([0.9, 0.81])     # 0.81^(1/2), 0.81
    assert p["meets"].tolist() == [True, True] and p["implied"].tolist() == pytest.approx([990.0, 891.0])
    assert p["scenario"].tolist() == ["mine", "mine"]


def test_project_defaults_out_of_plan_years_no_gdp_and_refusals():
    base = S.Base("P", 2024, 100.0, None, 0.05, 0.02, pd.DataFrame())
    p = S.project(base, S.ScenarioParams("b", {}, {2026: 0.5}), [2026], target_decline=0.19)
    assert p["year"].tolist() == [2025, 2026] and p["in_plan"].tolist() == [False, True]
    assert p["trend"].tolist() == pytest.approx([100 * 1.05 * 0.98, 100 * 1.05 * 0.98 * 1.05 * 0.5])
    assert p["gdp"].isna().all() and p["intensity"].isna().all()
    assert p["target_intensity_index"].tolist() == pytest.approx([0.9, 0.81])
    assert p["meets"].tolist() == [False, True]
    assert p["lo90"].tolist() == pytest.approx([102.9 * (1 - 0.015), p["emissions"].iloc[1] * (1 - 0.015 * 2 ** 0.5)])
    cut = S.project(base, S.ScenarioParams("c", {}, {}, measures={2025: 500.0}), [2025])
    assert cut["emissions"].tolist() == [0.0]                            # never below zero
    for bad in (S.ScenarioParams("x", {2025: -1.0}, {}), S.ScenarioParams("x", {}, {2025: 1.0}),
                S.ScenarioParams("x", {2025: float("nan")}, {})):
        with pytest.raises(PlanError) as exc:
            S.project(base, bad, [2025])
        assert exc.value.code == "bad_total"
    for project in ({"name": "neg", "added": -1.0}, {"name": "inf", "added": float("inf")}):
        with pytest.raises(PlanError) as exc:
            S.project(base, S.ScenarioParams("x", {}, {}, projects=(project,)), [2025])
        assert exc.value.code == "bad_project" and exc.value.params == {"project": project["name"]}
    started = S.project(base, S.ScenarioParams("x", {}, {}, projects=({"added": 7.0},)), [2025, 2026])
    assert started["projects"].tolist() == [7.0, 7.0]                    # no start year: from the first year


def test_compare_sums_the_plan_years():
    paths, s = S.compare(BASE, {"a": PARAMS, "b": S.with_overrides(PARAMS, intensity_decline=0.0, measures={})},
                         [2026, 2027], target_decline=0.19)
    assert paths["scenario"].tolist() == ["a", "a", "b", "b"]
    a, b = s.set_index("scenario").loc["a"], s.set_index("scenario").loc["b"]
    assert a["total"] == pytest.approx(1525.0) and a["implied_total"] == pytest.approx(1881.0)
    assert a["gap"] == pytest.approx(1525.0 - 1881.0) and a["meets"]
    assert a["lo90"] == pytest.approx(980 * 0.98 + 545 * (1 - 0.02 * math.sqrt(2)))
    assert a["intensity_decline"] == pytest.approx(1 - 545 / 1100)
    assert b["total"] == pytest.approx(1100.0 + 1150.0) and not b["meets"]     # flat intensity misses the target
    assert s["scenario"].tolist() == ["a", "b"]


def test_overrides_and_round_trip():
    o = S.with_overrides(PARAMS, gdp_growth=0.03, projects=[{"name": "Y", "added": 1}], measures={"2027": "5"})
    assert o.gdp_growth == {2026: 0.03, 2027: 0.03} and o.intensity_decline == PARAMS.intensity_decline
    assert o.projects == ({"name": "Y", "added": 1},) and o.measures == {2027: 5.0}
    assert S.with_overrides(PARAMS) == PARAMS
    d = PARAMS.to_dict()
    assert d == {"name": "mine", "gdp_growth": {"2026": 0.1, "2027": 0.0}, "intensity_decline": {"2026": 0.1, "2027": 0.5},
                 "projects": [{"name": "X", "start_year": 2027, "added": 50.0}], "measures": {"2026": 10.0},
                 "band_cv": 0.02}
    assert S.ScenarioParams.from_dict(d) == PARAMS
    bare = S.ScenarioParams.from_dict({"name": "n", "gdp_growth": {}, "intensity_decline": {}})
    assert bare.band_cv == 0.015 and bare.projects == () and bare.measures == {}


def test_parse_years():
    assert S.parse_years("2021-2025") == [2021, 2022, 2023, 2024, 2025]
    assert S.parse_years("2026") == [2026] and S.parse_years([2027, 2026]) == [2026, 2027]
    assert S.parse_years("2021-2030") == list(range(2021, 2031))
    for bad in ("abc", "2025-2021", "2021-2031", "1989-1990", "2100-2101", [2026, 2028], [], "2026-x"):
        with pytest.raises(PlanError) as exc:
            S.parse_years(bad)
        assert exc.value.code == "bad_years" and exc.value.params == {"years": bad}
    assert S.parse_years("1990-1990") == [1990] and S.parse_years("2100") == [2100]


def _history():
    rows = []
    for region, totals in (("A", {2022: 96.0, 2023: 100.0, 2024: 120.0}), ("B", {2022: 60.0, 2023: 60.0, 2024: 60.0}),
                           ("C", {2024: 999.0})):
        for y, t in totals.items():
            rows += [(region, f"{y}-{m:02d}", t / 12) for m in range(1, 13)]
    rows += [("A", "2025-01", 50.0)]                                    # 2025 incomplete
    return pd.DataFrame(rows, columns=["region", "period", "value"])


def test_base_of_members_by_hand():
    gdp = pd.DataFrame([("A", "2023", 1000.0), ("A", "2024", 1100.0), ("B", "2023", 500.0), ("B", "2024", 550.0),
                        ("A", "2022", 900.0)], columns=["region", "period", "value"])
    b = S.base_of("P", _history(), gdp, 2026, members=["A", "B"])
    assert (b.region, b.year, b.emissions, b.gdp) == ("P", 2024, 180.0, 1650.0)
    assert b.history["year"].tolist() == [2022, 2023, 2024] and b.history["emissions"].tolist() == pytest.approx([156, 160, 180])
    assert b.history["gdp"].isna().tolist() == [True, False, False]     # 2022: B has no GDP
    assert b.gdp_growth == pytest.approx(0.1)                            # 1500 → 1650 over one year
    # emissions 156 → 180 over two years; decline = 1 − (1 + e) / (1 + g)
    assert b.intensity_decline == pytest.approx(1 - (180 / 156) ** 0.5 / 1.1)
    no_gdp = S.base_of("P", _history(), None, 2026, members=["A", "B"])
    assert no_gdp.gdp is None and no_gdp.gdp_growth == 0.05
    assert no_gdp.intensity_decline == pytest.approx(1 - (180 / 156) ** 0.5 / 1.05)
    early = S.base_of("P", _history(), None, 2024, members=["A", "B"])
    assert early.year == 2023 and early.emissions == 160.0
    with pytest.raises(PlanError) as exc:
        S.base_of("Q", _history(), None, 2022, members=["A", "B"])
    assert exc.value.code == "no_history" and exc.value.params == {"region": "Q", "year": 2022}
    everyone = S.base_of("P", _history(), None, 2026)                 # all three regions: only 2024 complete for all
    assert everyone.year == 2024 and everyone.emissions == 1179.0 and everyone.intensity_decline == pytest.approx(
        1 - 1 / 1.05)


def test_default_scenarios_literal_rates():
    sc = S.default_scenarios(BASE, list(range(2026, 2031)))
    needed = 1 - 0.82 ** (1 / 5)                                         # 18% over five years: 3.89% a year
    assert list(sc) == ["baseline", "policy", "strengthened"]
    assert sc["baseline"].intensity_decline == {y: 0.02 for y in range(2026, 2031)}
    assert sc["policy"].intensity_decline == {y: 0.03 for y in range(2026, 2031)}
    assert sc["strengthened"].intensity_decline == {y: round(needed + 0.005, 4) for y in range(2026, 2031)}
    assert sc["baseline"].gdp_growth == {y: 0.05 for y in range(2026, 2031)}
    rising = S.Base("P", 2025, 1.0, None, 0.051234, -0.03, pd.DataFrame())
    sc = S.default_scenarios(rising, [2026, 2027], target_decline=0.0)
    assert sc["baseline"].intensity_decline == {2026: 0.0, 2027: 0.0} and sc["strengthened"].intensity_decline[2027] == 0.02
    assert sc["policy"].gdp_growth == {2026: 0.0512, 2027: 0.0512}
    late = S.default_scenarios(BASE, [2025], target_decline=0.5)         # span 0 counts as one year
    assert late["strengthened"].intensity_decline == {}
