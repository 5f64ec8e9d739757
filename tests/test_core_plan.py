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


# ---- budget/plan.py: totals, allocation shares by every method, ledger entries ------------------------------------
from budget import plan as PL  # noqa: E402
from budget.ledger import LedgerError  # noqa: E402


def _monthly(annual: dict) -> pd.DataFrame:
    return pd.DataFrame([(r, f"{y}-{m:02d}", v / 12) for (r, y), v in annual.items() for m in range(1, 13)],
                        columns=["region", "period", "value"])


HIST = _monthly({("A", 2022): 999.0, ("A", 2023): 120.0, ("A", 2024): 240.0, ("A", 2025): 360.0,
                 ("B", 2023): 120.0, ("B", 2024): 120.0, ("B", 2025): 120.0, ("C", 2025): 60.0})
GDP = pd.DataFrame([("A", "2025", 300.0), ("B", "2025", 100.0), ("C", "2025", 100.0), ("A", "2024", 1.0)],
                   columns=["region", "period", "value"])


def test_plan_totals():
    p = PL.plan_handed_down("P", {2027: 900, 2026: 1000})
    assert p.totals == ((2026, 1000.0), (2027, 900.0)) and p.method == "handed_down"
    assert p.years == [2026, 2027] and p.start_year == 2026 and p.five_year_total == 1900.0 and p.total(2027) == 900.0
    assert p.to_frame().values.tolist() == [[2026, 1000.0], [2027, 900.0]]
    q = PL.plan_from_intensity("P", {2026: 2000.0, 2027: 2100.0, 2028: 9.0}, {2027: 0.48, 2026: 0.5})
    assert q.totals == ((2026, 1000.0), (2027, 1008.0)) and q.method == "intensity"


def _shares(frame, col="share"):
    return {(y, r): v for y, r, v in frame[["year", "region", col]].itertuples(index=False)}


def test_allocation_by_history_gdp_intensity_population_and_a_mix():
    e = PL.allocation_shares("history", [2026, 2027], history=HIST)
    # base 2025 (the last year complete for all three); means over 2023–2025: A 240, B 120, C 60 (one year)
    assert _shares(e) == pytest.approx({(y, r): v for y in (2026, 2027) for r, v in
                                        (("A", 240 / 420), ("B", 120 / 420), ("C", 60 / 420))})
    assert list(e.columns) == ["year", "region", "share", "share_emissions"]
    g = PL.allocation_shares("gdp", [2026], gdp=GDP, gdp_growth={"A": 0.0})
    # a growth mapping without B and C: they grow by the 5% default
    assert _shares(g) == pytest.approx({(2026, "A"): 300 / 510, (2026, "B"): 105 / 510, (2026, "C"): 105 / 510})
    g = PL.allocation_shares("gdp", [2026, 2027], gdp=GDP, gdp_growth=0.1,
                             gdp_forecast=pd.DataFrame({"region": ["B"], "year": [2026], "value": [500.0]}))
    assert _shares(g)[(2026, "B")] == pytest.approx(500 / (330 + 500 + 110))
    assert _shares(g)[(2027, "A")] == pytest.approx(0.6)
    i = PL.allocation_shares("intensity", [2026, 2027], history=HIST, gdp=GDP, intensity_decline={"C": 0.5})
    # base intensity 2025: A 360/300, B 120/100, C 60/100; GDP × intensity × (1 − decline)^(y − 2025)
    raw26 = {"A": 315 * 1.2 * 0.96, "B": 105 * 1.2 * 0.96, "C": 105 * 0.6 * 0.5}
    assert [_shares(i)[(2026, r)] for r in "ABC"] == pytest.approx([raw26[r] / sum(raw26.values()) for r in "ABC"])
    pop = pd.DataFrame([("A", "2025", 50.0), ("B", "2025", 30.0), ("C", "2025", 99.0), ("C", "2025", 20.0),
                        ("A", "2025-Q1", 1.0), ("A", "2026", 1.0)], columns=["region", "period", "value"])
    pc = PL.allocation_shares("per_capita", [2026], population=pop, cities=["A", "B", "C"])
    assert _shares(pc) == pytest.approx({(2026, "A"): 0.5, (2026, "B"): 0.3, (2026, "C"): 0.2})
    mix = PL.allocation_shares("mix", [2026], history=HIST, gdp=GDP, weights={"history": 1.0, "gdp": 3.0})
    gdp26 = {"A": 315 / 525, "B": 105 / 525, "C": 105 / 525}
    emis = {"A": 240 / 420, "B": 120 / 420, "C": 60 / 420}
    assert [_shares(mix)[(2026, r)] for r in "ABC"] == pytest.approx([0.25 * emis[r] + 0.75 * gdp26[r] for r in "ABC"])
    assert _shares(mix, "share_gdp")[(2026, "A")] == pytest.approx(0.6)
    default_mix = PL.allocation_shares("mix", [2026], history=HIST, gdp=GDP)
    assert _shares(default_mix)[(2026, "C")] == pytest.approx(0.7 * 60 / 420 + 0.3 * 0.2)


def test_allocation_refusals_and_a_city_without_anything():
    with pytest.raises(ValueError, match="unknown allocation method 'lottery'"):
        PL.allocation_shares("lottery", [2026], history=HIST)
    with pytest.raises(ValueError, match=r"unknown mix components \['luck'\]"):
        PL.allocation_shares("mix", [2026], history=HIST, weights={"luck": 1.0})
    with pytest.raises(ValueError, match="method 'emissions' needs history"):
        PL.allocation_shares("emissions", [2026], gdp=GDP)
    with pytest.raises(ValueError, match="'gdp' and 'intensity' need gdp"):
        PL.allocation_shares("gdp", [2026], history=HIST)
    with pytest.raises(ValueError, match="'per_capita' needs population"):
        PL.allocation_shares("per_capita", [2026], history=HIST)
    with pytest.raises(ValueError, match="no complete year of emissions for all cities before 2025"):
        PL.allocation_shares("emissions", [2025], history=HIST)
    zero = PL.allocation_shares("gdp", [2026], gdp=GDP.assign(value=0.0))
    assert _shares(zero) == pytest.approx({(2026, r): 1 / 3 for r in "ABC"})     # nothing to go on: equal shares


def test_plan_entries_reserve_quota_allocations_and_rounding():
    plan = PL.plan_handed_down("P", {2026: 1000.0})
    shares = pd.DataFrame({"year": 2026, "region": ["B", "A", "C", "D"], "share": [0.3, 0.5, 0.2, 0.0]})
    es = PL.plan_entries(plan, shares, user="u", reserve_share=0.03,
                         separately_listed=[{"year": 2026, "region": "R", "project": "X", "amount": 20.0},
                                            {"year": 2027, "region": "R", "project": "Y", "amount": 5.0}])
    assert [(e.entry_id, e.type, e.amount, e.from_region, e.to_region) for e in es] == [
        ("plan-2026-001", "reserve_set_aside", 30.0, "P", "reserve"), ("plan-2026-002", "separately_listed", 20.0, None, "R"),
        ("plan-2026-003", "allocation", 475.0, "P", "A"), ("plan-2026-004", "allocation", 285.0, "P", "B"),
        ("plan-2026-005", "allocation", 190.0, "P", "C")]
    assert es[1].project == "X" and all(e.user == "u" and e.reason == "five-year plan" for e in es)
    on_top = PL.plan_entries(plan, shares, user="u", reserve_share=0.0, separately_listed_within_total=False,
                             separately_listed=[{"year": 2026, "region": "R", "project": "X", "amount": 20.0}])
    assert [e.amount for e in on_top if e.type == "allocation"] == [500.0, 300.0, 200.0]
    thirds = PL.plan_entries(PL.plan_handed_down("P", {2026: 100.0}),
                             pd.DataFrame({"year": 2026, "region": ["A", "B", "C"], "share": [1 / 3] * 3}),
                             user="u", reserve_share=0.0, id_prefix="x")
    assert [(e.entry_id, e.amount) for e in thirds] == [("x-2026-001", 33.34), ("x-2026-002", 33.33), ("x-2026-003", 33.33)]
    with pytest.raises(LedgerError) as exc:
        PL.plan_entries(plan, shares, user="u", reserve_share=0.0501)
    assert exc.value.code == "reserve_over_max"
    with pytest.raises(LedgerError) as exc:
        PL.plan_entries(plan, shares, user="u", separately_listed=[{"year": 2026, "region": "R", "project": "X",
                                                                     "amount": 990.0}])
    assert exc.value.code == "allocation_exceeds_total" and exc.value.params["claimed"] == pytest.approx(1020.0)
