"""Ledger and plan: books balance at every entry, invalid entries are refused and change nothing."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from budget import config
from budget.ledger import LedgerError, append, apply, check_balanced, new_entry
from budget.ledger_frames import entries_from_frame, entries_to_frame, region_budgets
from budget.plan import allocation_shares, plan_entries, plan_from_intensity, plan_handed_down

TOL = config.LEDGER_TOLERANCE
CITIES = ["A", "B", "C"]
YEARS = [2026, 2027]


def _e(type_, year, amount, n, **kw):
    return new_entry(type_, year, amount, user="tester", reason="test", date="2026-01-01", entry_id=f"e{n}", **kw)


def _base_ledger():
    entries, n = [], 0
    for y in YEARS:
        n += 1
        entries.append(_e("reserve_set_aside", y, 30.0, n))
        for c, a in zip(CITIES, (500.0, 300.0, 200.0)):
            n += 1
            entries.append(_e("allocation", y, a, n, from_region="P", to_region=c))
    return entries


class Oracle:
    """Independent model of which entries are valid and what the city budgets become."""

    def __init__(self):
        self.city, self.reserve, self.total, self.sl, self.adv = {}, {}, {}, {}, {}

    def step(self, t, y, a, frm, to, project):
        city, reserve, total = dict(self.city), dict(self.reserve), dict(self.total)
        sl, adv = dict(self.sl), dict(self.adv)
        if t != "adjustment" and a <= 0:
            return False
        if t == "allocation":
            city[(y, to)] = city.get((y, to), 0) + a
            total[y] = total.get(y, 0) + a
        elif t == "reserve_set_aside":
            reserve[y] = reserve.get(y, 0) + a
            total[y] = total.get(y, 0) + a
        elif t == "reserve_release":
            if a > reserve.get(y, 0) + TOL:
                return False
            reserve[y] = reserve.get(y, 0) - a
            city[(y, to)] = city.get((y, to), 0) + a
        elif t == "transfer":
            if frm in (None, "reserve") or frm == to or a > city.get((y, frm), 0) + TOL:
                return False
            city[(y, frm)] = city.get((y, frm), 0) - a
            city[(y, to)] = city.get((y, to), 0) + a
        elif t == "advance":
            if (y + 1, to) not in city:
                return False
            done = adv.get((y, to), 0)
            if done + a > config.ADVANCE_CAP_SHARE * (city[(y + 1, to)] + done) + TOL:
                return False
            city[(y + 1, to)] -= a
            city[(y, to)] = city.get((y, to), 0) + a
            total[y + 1] -= a
            total[y] = total.get(y, 0) + a
            adv[(y, to)] = done + a
        elif t == "separately_listed":
            if frm == "reserve":
                if a > reserve.get(y, 0) + TOL:
                    return False
                reserve[y] = reserve.get(y, 0) - a  # the year may have no reserve yet (a within tolerance)
            else:
                total[y] = total.get(y, 0) + a
            sl[y] = sl.get(y, 0) + a
        self.city, self.reserve, self.total, self.sl, self.adv = city, reserve, total, sl, adv
        return True


OPS = st.tuples(
    st.sampled_from(["allocation", "reserve_set_aside", "reserve_release", "transfer", "advance", "separately_listed"]),
    st.sampled_from([2025, 2026, 2027]),
    st.one_of(st.floats(min_value=-50, max_value=700, allow_nan=False), st.sampled_from([0.0, 5.0, 25.0, 30.0, 500.0])),
    st.sampled_from(CITIES + ["reserve", None]),
    st.sampled_from(CITIES),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPS, min_size=1, max_size=12))
@example([("allocation", 2025, 0.0, "A", "A"), ("separately_listed", 2025, 3e-116, "reserve", "A")])  # found on CI
def test_ledger_property_balanced_and_invalid_changes_nothing(ops):
    ledger = tuple(_base_ledger())
    oracle = Oracle()
    for e in ledger:
        assert oracle.step(e.type, e.year, e.amount, e.from_region, e.to_region, e.project)
    before = apply(ledger)
    assert check_balanced(before)
    for i, (t, y, a, frm, to) in enumerate(ops):
        entry = _e(t, y, a, 1000 + i, from_region=frm, to_region=to, project="P1" if t == "separately_listed" else None)
        expected_ok = oracle.step(t, y, a, frm, to, entry.project)
        try:
            bal = apply(ledger + (entry,))
            ledger, ok = ledger + (entry,), True
        except LedgerError as err:
            ok = False
            assert err.code in config.LEDGER_ERROR_MESSAGES and err.message("zh")
            bal = apply(ledger)
        assert ok == expected_ok, (t, y, a, frm, to)
        assert check_balanced(bal)
        assert (bal.totals["gap"].abs() < 1e-6).all()
        # Refused or not, the books equal the independent oracle's — including the reserve and the
        # separately-listed totals — so a refusal that changed anything would be caught here.
        reserves = dict(zip(bal.totals["year"].tolist(), bal.totals["reserve"].tolist()))
        listed = dict(zip(bal.totals["year"].tolist(), bal.totals["separately_listed"].tolist()))
        for yy in set(oracle.reserve) | set(reserves):
            assert abs(reserves.get(yy, 0.0) - oracle.reserve.get(yy, 0.0)) < 1e-6, ("reserve", yy)
        for yy in set(oracle.sl) | set(listed):
            assert abs(listed.get(yy, 0.0) - oracle.sl.get(yy, 0.0)) < 1e-6, ("separately listed", yy)
        if not ok:  # refused: the stored books are exactly what they were before the attempt
            pd.testing.assert_frame_equal(bal.regions, before.regions)
            pd.testing.assert_frame_equal(bal.totals, before.totals)
        got = {(int(yy), c): v for yy, c, v in zip(bal.regions["year"], bal.regions["region"], bal.regions["budget"])}
        assert got.keys() >= oracle.city.keys()
        assert all(abs(got[k]) < 1e-9 for k in got.keys() - oracle.city.keys())  # project-only regions
        for key, v in oracle.city.items():
            assert abs(got[key] - v) < 1e-6
        totals = dict(zip(bal.totals["year"].tolist(), bal.totals["province_total"].tolist()))
        for yy, v in oracle.total.items():
            assert abs(totals[yy] - v) < 1e-6
        before = bal

def test_check_balanced_is_false_for_unbalanced_negative_or_non_finite_books():
    good = apply(tuple(_base_ledger()))
    assert check_balanced(good)

    bump = [1.0] + [0.0] * (len(good.regions) - 1)
    one_more = good.regions.assign(budget=good.regions["budget"].to_numpy() + bump)
    assert not check_balanced(type(good)(totals=good.totals, regions=one_more, projects=good.projects))
    nan_total = good.totals.assign(province_total=float("nan"))
    assert not check_balanced(type(good)(totals=nan_total, regions=good.regions, projects=good.projects))
    inf_city = good.regions.assign(budget=[float("inf")] + good.regions["budget"].tolist()[1:])
    assert not check_balanced(type(good)(totals=good.totals, regions=inf_city, projects=good.projects))
    neg = good.regions.assign(budget=good.regions["budget"] - 10_000)
    shifted = good.totals.assign(province_total=good.totals["province_total"] - 10_000 * 3)
    assert not check_balanced(type(good)(totals=shifted, regions=neg, projects=good.projects))


def test_huge_amounts_twice_cannot_make_the_books_infinite():
    ledger = tuple(_base_ledger())
    for n in (920, 921):
        with pytest.raises(LedgerError) as info:
            ledger = append(ledger, _e("allocation", 2026, 1e308, n, to_region="A"))
        assert info.value.code == "amount_too_large"
    assert check_balanced(apply(ledger))


def test_invalid_entries_raise_clear_errors_and_change_nothing():
    ledger = tuple(_base_ledger())
    snapshot = entries_to_frame(ledger)
    cases = [
        (_e("transfer", 2026, 300.01, 900, from_region="B", to_region="A"), "insufficient_budget"),
        (_e("reserve_release", 2026, 31.0, 901, to_region="A"), "insufficient_reserve"),
        (_e("advance", 2026, 0.05 * 500 + 0.01, 902, to_region="A"), "advance_over_cap"),
        (_e("advance", 2027, 1.0, 903, to_region="A"), "no_next_year_budget"),
        (_e("transfer", 2026, 1.0, 904, from_region="A", to_region="A"), "same_region"),
        (_e("allocation", 2026, -1.0, 905, to_region="A"), "invalid_amount"),
        (_e("bogus", 2026, 1.0, 906, to_region="A"), "unknown_type"),
        (_e("separately_listed", 2026, 1.0, 907, to_region="A"), "missing_field"),
        (_e("adjustment", 2026, -600.0, 908, to_region="A"), "negative_budget"),
        (_e("allocation", 2026, 1.0, 1, to_region="A"), "duplicate_entry_id"),
        (_e("allocation", 2026, 1e308, 909, to_region="A"), "amount_too_large"),
        (_e("allocation", 2026, float("nan"), 910, to_region="A"), "invalid_amount"),
        (_e("allocation", 2026, float("inf"), 911, to_region="A"), "invalid_amount"),
    ]
    for entry, code in cases:
        with pytest.raises(LedgerError) as info:
            append(ledger, entry)
        assert info.value.code == code
        assert info.value.entry_id == entry.entry_id
        assert code in config.LEDGER_ERROR_MESSAGES
    pd.testing.assert_frame_equal(entries_to_frame(ledger), snapshot)
    # The cap is cumulative: two advances of 3% each exceed 5%.
    ok = append(ledger, _e("advance", 2026, 15.0, 950, to_region="A"))
    with pytest.raises(LedgerError, match="exceeds the cap"):
        append(ok, _e("advance", 2026, 15.0, 951, to_region="A"))


def test_entry_types_move_the_right_accounts():
    ledger = _base_ledger() + [
        _e("transfer", 2026, 50.0, 100, from_region="A", to_region="B"),
        _e("reserve_release", 2026, 10.0, 101, to_region="C"),
        _e("advance", 2026, 20.0, 102, to_region="A"),
        _e("separately_listed", 2026, 5.0, 103, from_region="reserve", to_region="C", project="Plant"),
        _e("separately_listed", 2026, 40.0, 104, to_region="C", project="Plant"),
        _e("transfer", 2026, 10.0, 105, from_region="B", to_region="reserve"),
        _e("adjustment", 2027, -30.0, 106, to_region="B"),
    ]
    bal = apply(ledger)
    assert check_balanced(bal)
    t = bal.totals.set_index("year")
    assert t.loc[2026, "province_total"] == pytest.approx(1030 + 20 + 40)
    assert t.loc[2027, "province_total"] == pytest.approx(1030 - 20 - 30)
    assert t.loc[2026, "reserve"] == pytest.approx(30 - 10 - 5 + 10)
    r = bal.regions.set_index(["year", "region"])
    assert r.loc[(2026, "A"), "budget"] == pytest.approx(500 - 50 + 20)
    assert r.loc[(2026, "A"), "advanced"] == pytest.approx(20)
    assert r.loc[(2027, "A"), "advanced"] == pytest.approx(-20)
    assert r.loc[(2026, "C"), "separately_listed"] == pytest.approx(45)
    b = region_budgets(bal, province="P").set_index(["region", "year"])["budget"]
    assert b[("C", 2026)] == pytest.approx(200 + 10 + 45)
    assert b[("P", 2026)] == pytest.approx(t.loc[2026, "province_total"])
    # storage round trip
    again = entries_from_frame(entries_to_frame(ledger))
    assert again == list(ledger)


def test_plan_from_intensity_units_and_entries_balance():
    # 50 000 亿元 × 0.5 t/万元 = 25 000 万吨
    plan = plan_from_intensity("P", {2026: 50000.0, 2027: 52000.0}, {2026: 0.5, 2027: 0.48})
    assert plan.total(2026) == pytest.approx(25000.0)
    months = [f"{y}-{m:02d}" for y in (2023, 2024, 2025) for m in range(1, 13)]
    hist = pd.DataFrame([(c, p, v) for c, v in (("A", 60.0), ("B", 30.0), ("C", 10.0)) for p in months],
                        columns=["region", "period", "value"])
    gdp = pd.DataFrame([(c, f"2025-Q{q}", v) for c, v in (("A", 100.0), ("B", 100.0), ("C", 200.0)) for q in range(1, 5)],
                       columns=["region", "period", "value"])
    for method, expect_a in (("emissions", 0.6), ("gdp", 0.25), ("mix", 0.7 * 0.6 + 0.3 * 0.25)):
        sh = allocation_shares(method, plan.years, history=hist, gdp=gdp)
        assert sh.groupby("year")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
        assert sh[(sh.year == 2026) & (sh.region == "A")]["share"].iloc[0] == pytest.approx(expect_a)
    inten = allocation_shares("intensity", plan.years, history=hist, gdp=gdp, gdp_growth={"C": 0.10}, intensity_decline=0.04)
    c26 = inten[inten.year == 2026].set_index("region")["share"]
    c27 = inten[inten.year == 2027].set_index("region")["share"]
    assert c27["C"] > c26["C"]  # faster-growing city earns a larger share
    entries = plan_entries(plan, sh, user="planner", separately_listed=[{"year": 2026, "region": "C", "project": "X", "amount": 100.0}])
    bal = apply(entries)
    assert check_balanced(bal)
    assert bal.totals.set_index("year")["province_total"].tolist() == pytest.approx([25000.0, 24960.0])
    assert bal.totals.set_index("year").loc[2026, "reserve"] == pytest.approx(750.0)
    with pytest.raises(LedgerError):
        plan_entries(plan, sh, user="planner", reserve_share=0.06)
    on_top = apply(plan_entries(plan_handed_down("P", {2026: 1000.0}), sh, user="u", separately_listed_within_total=False,
                                separately_listed=[{"year": 2026, "region": "C", "project": "X", "amount": 10.0}]))
    assert on_top.totals["province_total"].iloc[0] == pytest.approx(1010.0)


def test_the_reserve_cap_refusal_shows_a_share_just_above_the_cap_as_above_it():
    from budget import LedgerError

    e = LedgerError("reserve_over_cap", {"year": 2021, "share": 0.0504, "cap": 0.05})
    assert "5.04%" in e.message("zh") and "5.0%" in e.message("zh")      # not "5.0% … above the cap 5%"
    assert e.message("en") == "The 2021 reserve would reach 5.04% of the province total, above the rules' cap 5.0%"
