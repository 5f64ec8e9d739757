"""The allowance year's pure logic against values worked out by hand (budget.allowances, budget.allowance_market)."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from budget import allowance_market as am
from budget import allowances as al

TABLE = al.load_benchmarks()


def _unit(**kw) -> pd.DataFrame:
    base = dict(code="U", product="coal_above_300", cooling="water", output=1_000_000.0, heat_output=0.0, load_rate=np.nan,
                heat_ratio=0.0, co2=np.nan, base_intensity=np.nan)
    return pd.DataFrame([dict(base, **kw)])


@pytest.mark.parametrize("rate, expected", [(0.90, 1.0), (0.85, 1.0), (0.82, 1 + 0.0014 * 3), (0.80, 1 + 0.0014 * 5),
                                            (0.78, 1.007 + 0.0016 * 2), (0.75, 1.007 + 0.0016 * 5), (0.70, 1.015 ** 2),
                                            (0.50, 1.015 ** 6), (float("nan"), 1.0)])
def test_load_factor_by_hand(rate, expected):
    assert al.load_factor([rate])[0] == pytest.approx(expected, rel=1e-12)


def test_coal_unit_with_every_correction_factor():
    # 2022 benchmarks (0.8177 t/MWh, 0.1105 t/GJ); air-cooled 1.05; heat ratio 0.1 → 1 − 0.22 × 0.1 = 0.978;
    # load 0.78 → 1.0102 (the 2021–2022 rows apply it to every conventional coal unit).
    a = al.allocate(_unit(cooling="air", heat_output=500_000.0, heat_ratio=0.1, load_rate=0.78), 2022, TABLE, 1.0)
    expected = 0.8177 * 1_000_000 * 1.05 * 0.978 * 1.0102 + 0.1105 * 500_000
    assert a["amount"].iloc[0] == pytest.approx(expected, rel=1e-12)
    assert a["benchmark"].iloc[0] == 0.8177 and a["problem"].iloc[0] is None


def test_2019_condensing_rule_skips_the_load_factor_of_a_heat_supplying_unit():
    chp = al.allocate(_unit(heat_output=200_000.0, heat_ratio=0.2, load_rate=0.70), 2020, TABLE, 1.0)["amount"].iloc[0]
    assert chp == pytest.approx(0.877 * 1_000_000 * (1 - 0.22 * 0.2) + 0.126 * 200_000, rel=1e-12)
    pure = al.allocate(_unit(load_rate=0.70), 2020, TABLE, 1.0)["amount"].iloc[0]
    assert pure == pytest.approx(0.877 * 1_000_000 * 1.015 ** 2, rel=1e-12)


def test_gas_unit_and_the_vintage_in_force():
    a = al.allocate(_unit(product="gas", heat_output=100_000.0, heat_ratio=0.3, cooling="air"), 2025, TABLE, 1.0)["amount"].iloc[0]
    assert a == pytest.approx(0.3901 * 1_000_000 * (1 - 0.6 * 0.3) + 0.0557 * 100_000, rel=1e-12)  # 2022 values still in force
    old = al.allocate(_unit(product="gas"), 2019, TABLE, 1.0)["amount"].iloc[0]
    assert old == pytest.approx(392_000.0)


def test_methods_verified_emissions_and_intensity():
    steel = _unit(product="crude_steel", co2=2_500_000.0)
    assert al.allocate(steel, 2024, TABLE, 1.0)["amount"].iloc[0] == 2_500_000.0
    assert al.preallocation(steel, 2024, TABLE, 0.7, 1.0)["amount"].iloc[0] == 0.0   # nothing pre-allocated in 2024
    chem = _unit(product="local_intensity", output=400_000.0, base_intensity=2.0)
    assert al.allocate(chem, 2025, TABLE, 0.98)["amount"].iloc[0] == pytest.approx(400_000 * 2.0 * 0.98)
    assert al.preallocation(chem, 2025, TABLE, 0.7, 0.98)["amount"].iloc[0] == pytest.approx(400_000 * 2.0 * 0.98 * 0.7)


def test_missing_benchmark_or_output_is_listed_not_allocated():
    a = al.allocate(pd.concat([_unit(code="A", product="nonsense"), _unit(code="B", output=np.nan),
                               _unit(code="C", product="coal_above_300", output=1000.0)]), 2022, TABLE, 1.0)
    assert a["problem"].tolist() == ["no_benchmark", "no_output", None]
    assert a["amount"].isna().tolist() == [True, True, False]
    assert al.allocate(_unit(), 2018, TABLE, 1.0)["problem"].iloc[0] == "no_benchmark"   # before the first plan


def test_preallocation_and_trueup_difference():
    pre = al.preallocation(_unit(), 2022, TABLE, 0.7, 1.0)["amount"].iloc[0]
    assert pre == pytest.approx(0.7 * 817_700)
    t = al.trueup(_unit(output=1_100_000.0), 2022, TABLE, pd.Series({"U": pre}), 1.0)
    assert t["amount"].iloc[0] == pytest.approx(899_470.0)
    assert t["difference"].iloc[0] == pytest.approx(899_470.0 - 572_390.0)


def test_compliance_statuses_around_the_deadline():
    f = pd.DataFrame({"code": ["ok", "short", "none", "late"], "verified": [100.0, 100.0, np.nan, 50.0],
                      "held": [120.0, 80.0, 90.0, 60.0], "surrendered": [100.0, 80.0, 0.0, 10.0]})
    assert al.deadline(2025, "06-30") == date(2026, 6, 30)
    before = al.compliance(f, 2025, "06-30", date(2026, 6, 30)).set_index("code")
    assert before["status"].to_dict() == {"ok": "complied", "short": "short", "none": "not_due", "late": "short"}
    assert before.loc["short", "shortfall"] == 20.0 and before.loc["late", "shortfall"] == 40.0
    after = al.compliance(f, 2025, "06-30", date(2026, 7, 1)).set_index("code")
    assert after["status"].to_dict() == {"ok": "complied", "short": "overdue", "none": "not_due", "late": "overdue"}
    assert after.loc["ok", "balance"] == 20.0


def test_advance_cap_refusal_in_both_languages():
    assert al.check_advance("U", 2025, 5_000, 4_000, 100_000, 0.1) == pytest.approx(10_000)
    with pytest.raises(al.AllowanceError) as exc:
        al.check_advance("U", 2025, 7_000, 4_000, 100_000, 0.1)
    assert exc.value.code == "advance_over_cap"
    assert "11,000" in exc.value.message("en") and "10,000" in exc.value.message("en")
    assert "超过上限" in exc.value.message("zh")
    for bad in (0, -5, float("nan"), float("inf"), "x"):
        with pytest.raises(al.AllowanceError):
            al.check_advance("U", 2025, bad, 0, 100_000, 0.1)
    with pytest.raises(al.AllowanceError, match="no allowance"):
        al.check_advance("U", 2025, 1, 0, 0.0, 0.1)


def test_national_unit_is_never_also_allocated_by_the_local_market():
    units = pd.DataFrame({"code": ["local_big", "local_small", "national", "chem", "cement"],
                          "sector": ["发电", "power", "power", "化工", "水泥"], "market": ["local", "local", "national", "local", "local"],
                          "gases": ["CO2", "CO2", "CO2", "CO2", "CO2"], "co2": [3.0, 2.0, 500.0, 80.0, 90.0]})
    c = al.coverage_conflicts(units, 2023)
    assert c["code"].tolist() == ["local_big"]                     # cement joins the national market only in 2024
    assert al.coverage_conflicts(units, 2024)["code"].tolist() == ["local_big", "cement"]
    other_gas = units.assign(gases=["CH4"] * 5)
    assert al.coverage_conflicts(other_gas, 2024).empty             # a local market may cover another gas
    msg = al.AllowanceError(c["reason"].iloc[0], c["params"].iloc[0])
    assert "local_big" in msg.message("en") and "不得再由地方市场分配" in msg.message("zh")


def test_a_local_unit_outside_the_provinces_own_coverage_is_refused():
    units = pd.DataFrame({"code": ["chem_ok", "chem_ch4", "chem_small", "glass", "later", "nat"],
                          "sector": ["化工", "chemical", "化工", "玻璃", "造纸", "power"],
                          "market": ["local", "local", "local", "local", "local", "national"],
                          "gases": ["CO2", "CH4", "CO2", "CO2", "CO2", "CO2"], "co2": [3.0, 3.0, 0.5, 9.0, 9.0, 900.0]})
    local = pd.DataFrame({"sector": ["化工", "造纸"], "gases": ["CO2", "CO2"], "threshold": [1.0, None],
                          "from_year": [2024, 2026]})
    got = al.outside_local_coverage(units, 2025, local)
    assert dict(zip(got["code"], got["reason"])) == {
        "chem_ch4": "not_locally_covered",        # 化工 is covered for CO2 only
        "chem_small": "below_local_threshold",    # 0.5 < 1.0 万吨
        "glass": "not_locally_covered",           # 玻璃 is not covered at all
        "later": "not_locally_covered"}           # 造纸 only from 2026; a national unit is not the local market's
    assert "later" not in set(al.outside_local_coverage(units, 2026, local)["code"])
    assert al.outside_local_coverage(units, 2025, local.iloc[0:0]).empty    # no local coverage set: not checked
    row = got.set_index("code").loc["glass"]
    msg = al.AllowanceError(row["reason"], row["params"])
    assert "玻璃" in msg.message("zh") and "glass" in msg.message("en") and "玻璃" not in msg.message("en")
    small = got.set_index("code").loc["chem_small"]
    assert "0.50" in al.AllowanceError(small["reason"], small["params"]).message("zh")


def test_carbon_efficiency_grades_at_the_edges():
    # sector mean = Σ co2 / Σ output = 10 / 10 = 1.0, so K = intensity
    f = pd.DataFrame({"code": list("abcdefg"), "sector": ["s"] * 6 + ["t"], "co2": [0.6, 0.8, 1.2, 2.0, 2.4, 3.0, 5.0],
                      "output": [1.0, 1.0, 1.0, 1.0, 1.0, 5.0, 0.0]})
    g = al.grades(f).set_index("code")
    assert g.loc["a", "sector_mean"] == pytest.approx(1.0)
    assert g.loc[list("abcdef"), "grade"].tolist() == [1, 2, 3, 4, 5, 1]     # f: 3.0 / 5 = 0.6
    assert pd.isna(g.loc["g", "grade"])                                      # no output: no grade
    s = al.sector_spread(g.reset_index()).set_index("sector")
    assert s.loc["s", "units"] == 6 and s.loc["s", "grade_1"] == 2 and s.loc["s", "max"] == pytest.approx(2.4)


def test_reconciliation_share_and_gap():
    alloc = pd.DataFrame({"region": ["A", "A", "B"], "amount": [3_000_000.0, 1_000_000.0, 500_000.0]})
    budgets = pd.DataFrame({"region": ["A", "B", "C"], "budget": [1000.0, 800.0, 500.0]})
    hist = pd.DataFrame({"region": ["A", "B"], "units_co2": [420.0, 50.0], "city_co2": [1050.0, 1000.0]})
    r = al.reconcile(alloc, budgets, hist).set_index("region")
    assert list(r.index) == ["A", "B"]
    assert r.loc["A", "allowances"] == 400.0 and r.loc["A", "share"] == pytest.approx(0.4)
    assert r.loc["A", "gap"] == pytest.approx(400.0 - 400.0)
    assert r.loc["B", "key_emitter_budget"] == pytest.approx(40.0) and r.loc["B", "gap"] == pytest.approx(10.0)


RULES = {"allowance.price_band_lo": 40.0, "allowance.price_band_hi": 100.0, "allowance.reserve_release_share": 0.01,
         "allowance.reserve_replenish_share": 0.02, "allowance.buyback_trigger_share": 0.2, "allowance.buyback_cap_share": 0.05}


def test_price_signal_is_volume_weighted_over_the_window():
    p = pd.DataFrame({"date": ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-03"], "market": ["local", "local", "local", "national"],
                      "price": [10.0, 100.0, 200.0, 999.0], "volume": [5.0, 1.0, 3.0, 1.0]})
    s = am.price_signal(p, "local", 2)
    assert s["mean"] == pytest.approx((100 * 1 + 200 * 3) / 4) and s["n"] == 2 and s["first"] == "2026-01-02"
    assert am.price_signal(p.assign(volume=np.nan), "local", 3)["mean"] == pytest.approx(310 / 3)
    assert am.price_signal(p, "nowhere", 3) is None


def test_proposals_above_inside_and_below_the_band():
    total = 1_000_000.0
    up = am.proposals({"mean": 120.0, "n": 20, "first": "a", "last": "b"}, RULES, total, reserve=4_000.0, bought=0.0)
    assert [(p["kind"], p["amount"]) for p in up] == [("release", 4_000.0)]          # min(reserve, 1% of the total)
    assert am.proposals({"mean": 70.0, "n": 20, "first": "a", "last": "b"}, RULES, total, 30_000.0, 0.0) == []
    down = am.proposals({"mean": 35.0, "n": 20, "first": "a", "last": "b"}, RULES, total, 30_000.0, 0.0)
    assert [p["kind"] for p in down] == ["replenish"]                                  # 35 is above the trigger 32
    deep = am.proposals({"mean": 30.0, "n": 20, "first": "a", "last": "b"}, RULES, total, 30_000.0, bought=45_000.0)
    assert [(p["kind"], p["amount"]) for p in deep] == [("replenish", 20_000.0), ("buyback", 5_000.0)]  # headroom 50k − 45k
    assert "低于价格区间下限" in deep[0]["reason_zh"] and "below the band" in deep[0]["reason_en"]


def test_buyback_cap_and_reserve_balance():
    assert am.check_buyback(2025, 30_000, 45.5, 20_000, 1_000_000, 0.05) == (30_000.0, 45.5)
    with pytest.raises(al.AllowanceError) as exc:
        am.check_buyback(2025, 30_001, 45.5, 20_000, 1_000_000, 0.05)
    assert exc.value.code == "buyback_over_cap" and "50,001" in exc.value.message("en")
    for price in (0, -1, float("nan"), "x"):
        with pytest.raises(al.AllowanceError, match="price"):
            am.check_buyback(2025, 1, price, 0, 1_000_000, 0.05)
    ops = pd.DataFrame({"year": [2025, 2025, 2025, 2025, 2024], "kind": ["set_aside", "release", "buyback", "replenish", "set_aside"],
                        "amount": [100.0, 30.0, 5.0, 10.0, 999.0]})
    assert am.reserve_balance(ops, 2025) == 85.0
    with pytest.raises(al.AllowanceError, match="reserve holds"):
        am.check_reserve_op(2025, "release", 86, 85.0)


def test_horizontal_split_keeps_local_additions_below_the_threshold():
    from budget.allocation import emitter_units

    reg = pd.DataFrame({"code": ["big", "small", "added"], "name_zh": ["大", "小", "增"], "name_en": ["B", "S", "A"], "region": "X",
                        "sector": "电力", "local_addition": [False, None, True]})
    years = pd.DataFrame({"code": ["big", "small", "added"], "year": 2024, "co2": [30.0, 1.0, 1.5], "elec": [1.0, 1.0, 1.0]})
    assert emitter_units(reg, years, "X", 2025, threshold=2.6)["unit"].tolist() == ["big", "added"]
    assert emitter_units(reg.drop(columns=["local_addition"]), years, "X", 2025, threshold=2.6)["unit"].tolist() == ["big"]
