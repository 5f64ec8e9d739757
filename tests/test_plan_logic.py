"""Budget plan logic (pure): scenarios, yearly path, each allocation method on a hand-computed case,
reserve cap and missing factors, horizontal split, and books that balance for any allocation."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from budget import allocation as A, apply, check_balanced, plan_versions as PV, scenarios as S
from budget.plan_errors import PlanError

YEARS = [2026, 2027]


def monthly(region: str, per_month: float, years=range(2021, 2026)) -> pd.DataFrame:
    periods = [f"{y}-{m:02d}" for y in years for m in range(1, 13)]
    return pd.DataFrame({"region": region, "period": periods, "value": per_month})


HIST = pd.concat([monthly("A", 10.0), monthly("B", 5.0)], ignore_index=True)          # 120 and 60 a year
GDP = pd.DataFrame([(r, f"{y}-Q{q}", v) for r, v in (("A", 100.0), ("B", 300.0)) for y in range(2021, 2026)
                    for q in range(1, 5)], columns=["region", "period", "value"])     # 400 and 1200 a year
POP = pd.DataFrame([(r, str(y), v) for r, v in (("A", 100.0), ("B", 300.0)) for y in range(2021, 2026)],
                   columns=["region", "period", "value"])


def factors(pop=True, gdp=True):
    return A.member_factors(["A", "B"], HIST, GDP if gdp else None, POP if pop else None, 2026)


def shares(method, weights=None):
    f = factors()
    s = A.vertical_shares(method, YEARS, f, HIST, GDP, POP, weights)
    return s[s["year"] == 2026].set_index("region")["share"]


@pytest.mark.parametrize("method, a_share", [
    ("history", 2 / 3),            # 120 : 60
    ("gdp", 0.25),                 # 400 : 1200
    ("intensity", 2 / 3),          # GDP × intensity with equal growth/decline = emissions
    ("per_capita", 0.25),          # 100 : 300 万人
])
def test_each_method_hand_computed(method, a_share):
    s = shares(method)
    assert s["A"] == pytest.approx(a_share)
    assert s.sum() == pytest.approx(1.0)


def test_mix_is_the_weighted_sum():
    s = shares("mix", {"history": 0.5, "per_capita": 0.5})
    assert s["A"] == pytest.approx(0.5 * 2 / 3 + 0.5 * 0.25)


def test_allocation_amounts_with_reserve_and_quota():
    s = A.vertical_shares("history", YEARS, factors(), HIST)
    quota = A.expand_projects([{"region": "B", "project": "钢厂", "amount": 50.0}], YEARS, ["A", "B"])
    entries = A.vertical_entries("P", {2026: 1000.0, 2027: 900.0}, s, user="t", reserve_share=0.05, projects=quota)
    alloc, reserve, q = A.allocation_table(entries)
    a = alloc.set_index(["region", "year"])["amount"]
    assert reserve.set_index("year").loc[2026, "amount"] == pytest.approx(50.0)
    assert a[("A", 2026)] == pytest.approx((1000 - 50 - 50) * 2 / 3, abs=0.01)
    assert a[("B", 2026)] == pytest.approx((1000 - 50 - 50) / 3, abs=0.01)
    assert check_balanced(apply(entries))
    assert apply(entries).totals.set_index("year").loc[2026, "province_total"] == pytest.approx(1000.0)


def test_reserve_above_cap_is_refused_in_both_languages():
    s = A.vertical_shares("history", YEARS, factors(), HIST)
    with pytest.raises(PlanError) as exc:
        A.vertical_entries("P", {2026: 1000.0, 2027: 900.0}, s, user="t", reserve_share=0.0501)   # cap 5%, written out
    assert exc.value.code == "reserve_over_max"
    assert "超过上限" in exc.value.message("zh") and "exceeds" in exc.value.message("en")


def test_missing_factor_names_the_members():
    with pytest.raises(PlanError) as exc:
        A.check_factors("per_capita", factors(pop=False))
    assert exc.value.code == "missing_factor"
    assert "A, B" in exc.value.message("en") and "缺少因子" in exc.value.message("zh")
    with pytest.raises(PlanError):
        A.check_factors("mix", factors(gdp=False), {"history": 0.5, "gdp": 0.5})
    A.check_factors("history", factors(pop=False, gdp=False))  # history needs neither


def test_compile_refuses_and_returns_nothing():
    for kw in ({"method": "per_capita"}, {"reserve_share": 0.06}, {"scenario": "dream"}):
        with pytest.raises(PlanError):
            PV.compile_plan("P", ["A", "B"], HIST, YEARS, gdp=GDP, **kw)


def test_yearly_path_sums_to_total_and_typed_must_match():
    scen = pd.DataFrame({"year": [2026, 2027, 2028], "emissions": [100.0, 110.0, 90.0]})
    for shape in ("linear", "scenario"):
        path = A.yearly_path(1000.0, [2026, 2027, 2028], shape, scen)
        assert sum(path.values()) == pytest.approx(1000.0, abs=1e-6)
    assert A.yearly_path(300.0, [2026, 2027, 2028], "scenario", scen)[2027] == pytest.approx(110.0)
    lin = A.yearly_path(300.0, [2026, 2027, 2028], "linear", scen)
    assert lin[2026] - lin[2027] == pytest.approx(lin[2027] - lin[2028], abs=0.02)
    with pytest.raises(PlanError) as exc:
        A.yearly_path(1000.0, [2026, 2027], "typed", typed={2026: 500.0, 2027: 400.0})
    assert exc.value.code == "typed_mismatch"


def test_scenario_hand_computed_and_intensity_check():
    base = S.Base("P", 2025, 100.0, 200.0, 0.05, 0.03, pd.DataFrame())
    p = S.ScenarioParams("policy", {y: 0.05 for y in range(2026, 2031)}, {y: 0.03 for y in range(2026, 2031)},
                         projects=[{"name": "x", "region": "A", "start_year": 2028, "added": 5.0}], measures={2030: 2.0})
    path = S.project(base, p, list(range(2026, 2031))).set_index("year")
    assert path.loc[2026, "emissions"] == pytest.approx(100 * 1.05 * 0.97)
    assert path.loc[2027, "projects"] == 0 and path.loc[2028, "projects"] == 5.0
    assert path.loc[2030, "emissions"] == pytest.approx(100 * (1.05 * 0.97) ** 5 + 5 - 2)
    assert path.loc[2030, "lo90"] < path.loc[2030, "emissions"] < path.loc[2030, "hi90"]
    assert path.loc[2030, "implied"] == pytest.approx(100 * 1.05 ** 5 * (1 - 0.18))
    assert not path.loc[2030, "meets"]          # 3%/yr ≈ 14% < 18%
    strong = S.with_overrides(p, intensity_decline=0.05, projects=[], measures={})
    assert S.project(base, strong, list(range(2026, 2031))).set_index("year").loc[2030, "meets"]
    _, summary = S.compare(base, {"policy": p, "strengthened": strong}, list(range(2026, 2031)))
    assert list(summary["meets"]) == [False, True]


def test_horizontal_methods_hand_computed():
    units = pd.DataFrame({"unit": ["u1", "u2", "u3"], "sector": ["steel", "steel", "power"],
                          "history": [30.0, 10.0, 60.0], "gdp": [10.0, 10.0, 20.0]})
    h = A.horizontal({2026: 100.0}, units, "history").set_index("unit")["amount"]
    assert list(h) == pytest.approx([30.0, 10.0, 60.0])
    g = A.horizontal({2026: 100.0}, units, "gdp").set_index("unit")["amount"]
    assert list(g) == pytest.approx([25.0, 25.0, 50.0])
    # steel median intensity = 2 (3 and 1), power 3: raw = 20, 20, 60
    i = A.horizontal({2026: 100.0}, units, "intensity").set_index("unit")["amount"]
    assert list(i) == pytest.approx([20.0, 20.0, 60.0])
    rest = A.horizontal({2026: 100.0}, units, "history", rest_share=0.2, rest_label="other")
    assert rest["amount"].sum() == pytest.approx(100.0) and rest.set_index("unit").loc["other", "amount"] == 20.0
    with pytest.raises(PlanError):
        A.horizontal({2026: 100.0}, units, "per_capita")


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 12), data=st.data(), reserve=st.floats(0, 0.05),
       totals=st.lists(st.floats(100, 1e6), min_size=1, max_size=5), method=st.sampled_from(["history", "gdp", "per_capita", "mix"]))
def test_books_balance_for_any_allocation(n, data, reserve, totals, method):
    members = [f"C{i:02d}" for i in range(n)]
    em = data.draw(st.lists(st.floats(0.5, 5000), min_size=n, max_size=n))
    gd = data.draw(st.lists(st.floats(1, 9000), min_size=n, max_size=n))
    po = data.draw(st.lists(st.floats(1, 3000), min_size=n, max_size=n))
    hist = pd.concat([monthly(m, e, range(2023, 2026)) for m, e in zip(members, em)], ignore_index=True)
    gdp = pd.DataFrame([(m, str(y), g) for m, g in zip(members, gd) for y in range(2023, 2026)], columns=["region", "period", "value"])
    pop = pd.DataFrame([(m, str(y), p) for m, p in zip(members, po) for y in range(2023, 2026)], columns=["region", "period", "value"])
    years = list(range(2026, 2026 + len(totals)))
    f = A.member_factors(members, hist, gdp, pop, years[0])
    s = A.vertical_shares(method, years, f, hist, gdp, pop, {"history": 0.5, "gdp": 0.3, "per_capita": 0.2})
    q_amt = data.draw(st.floats(0, 0.04)) * min(totals)
    quota = A.expand_projects([{"region": members[0], "project": "p", "amount": q_amt}], years, members) if q_amt >= 0.01 else []
    entries = A.vertical_entries("P", dict(zip(years, totals)), s, user="t", reserve_share=reserve, projects=quota)
    bal = apply(entries)
    assert check_balanced(bal)
    alloc, res, q = A.allocation_table(entries)
    for y, t in zip(years, totals):
        got = alloc.loc[alloc["year"] == y, "amount"].sum() + res.loc[res["year"] == y, "amount"].sum() + q.loc[q["year"] == y, "amount"].sum()
        assert got == pytest.approx(t, abs=0.011)
    h = A.horizontal({y: float(alloc.loc[(alloc["year"] == y) & (alloc["region"] == members[-1]), "amount"].sum()) or 1.0 for y in years},
                     pd.DataFrame({"unit": members, "sector": "s", "history": em, "gdp": gd}), "history", rest_share=0.1)
    for y in years:
        assert h.loc[h["year"] == y, "amount"].sum() == pytest.approx(
            float(alloc.loc[(alloc["year"] == y) & (alloc["region"] == members[-1]), "amount"].sum()) or 1.0, abs=0.011)
