"""The vectorised budget computations against plain per-region reference loops written from the docstrings.

Synthetic province P of 8 cities, monthly CO2 2022-01..2026-09 (estimated with ±5% bands from
2026-05, one band missing, one duplicated statistical/estimated month), gaps in history and in the
current year, quarterly GDP (one city with an annual row instead of a missing quarter), budgets.
"""
from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

import budget as B

CITIES = [f"C{i}" for i in range(8)]
END = (2026, 9)
Z = 1.6448536269514722   # the oracle's own constants, written out (not read from budget.config)


def _synthetic():
    rng = np.random.default_rng(7)
    season = 1 + 0.15 * np.cos(np.arange(12) / 12 * 2 * np.pi)
    co2, gdp = [], []
    for i, c in enumerate(CITIES):
        level, growth = 300 + 60 * i, -0.04 + 0.015 * i
        for y in range(2022, 2027):
            for m in range(1, 13):
                if (y, m) > END:
                    break
                if (c == "C1" and (y, m) in ((2023, 5), (2024, 5))) or (c == "C2" and (y, m) < (2025, 7)) \
                        or (c == "C3" and (y, m) == (2025, 11)) or (c == "C4" and (y, m) == (2026, 4)):
                    continue  # gaps: incomplete year, short history, missing last-year month, current gap
                v = level * (1 + growth) ** (y - 2025) / 12 * season[m - 1] * rng.uniform(0.95, 1.05)
                est = (y, m) >= (2026, 5)
                lo, hi = (v * 0.95, v * 1.05) if est else (np.nan, np.nan)
                if c == "C5" and (y, m) == (2026, 6):
                    lo, hi = np.nan, np.nan  # an estimate without a band
                co2.append((c, f"{y}-{m:02d}", v, "estimated" if est else "statistical", lo, hi))
                if c == "C6" and (y, m) == (2026, 3):  # estimated then statistical: the statistical row wins
                    co2.insert(-1, (c, f"{y}-{m:02d}", v * 1.4, "estimated", v, v * 1.8))
            for q in range(1, 5):
                if (y, 3 * q) <= END and not (c == "C7" and (y, q) in ((2025, 2), (2025, 3))):
                    gdp.append((c, f"{y}-Q{q}", (800 + 100 * i) * 1.05 ** (y - 2025) / 4))
    gdp.append(("C7", "2025", 1000.0))
    co2 = pd.DataFrame(co2, columns=["region", "period", "value", "kind", "lo90", "hi90"])
    gdp = pd.DataFrame(gdp, columns=["region", "period", "value"])
    budgets = []
    for i, c in enumerate(CITIES):
        for y in range(2025, 2031):
            budgets.append((c, y, (300 + 60 * i) * (0.96 + 0.012 * i)))
    return co2, gdp, pd.DataFrame(budgets, columns=["region", "year", "budget"])


CO2, GDP, BUDGETS = _synthetic()


def _series() -> dict:
    """region -> {(year, month): (value, kind, lo, hi)}, duplicates resolved, plus the province sum."""
    out: dict = {}
    for r in CO2.itertuples():
        y, m = int(r.period[:4]), int(r.period[5:7])
        old = out.setdefault(r.region, {}).get((y, m))
        if old is None or r.kind != "estimated" or old[1] == "estimated":
            out[r.region][(y, m)] = (r.value, r.kind, r.lo90, r.hi90)
    prov = {}
    for key in set.intersection(*(set(out[c]) for c in CITIES)):
        rows = [out[c][key] for c in CITIES]
        est = any(k == "estimated" for _, k, _, _ in rows)
        sd = sum((hi - lo) / (2 * Z) for _, k, lo, hi in rows if k == "estimated" and not math.isnan(lo))
        v = sum(v for v, _, _, _ in rows)
        prov[key] = (v, "estimated" if est else "statistical", v - Z * sd if est else np.nan, v + Z * sd if est else np.nan)
    out["P"] = prov
    return out


SERIES = _series()


def ref_schedule(s: dict, year: int, month: int) -> tuple[float, int]:
    totals = {y: sum(s[(y, m)][0] for m in range(1, 13)) for y in range(2000, year)
              if all((y, m) in s for m in range(1, 13))}
    ys = sorted(y for y, t in totals.items() if t > 0)[-3:]
    if not ys:
        return month / 12, 0
    shares = np.array([np.mean([s[(y, m)][0] / totals[y] for y in ys]) for m in range(1, 13)])
    cum = np.cumsum(shares / shares.sum())
    return (1.0 if month == 12 else float(cum[month - 1])), len(ys)


def ref_projection(s: dict, year: int, month: int, budget: float) -> dict:
    cur = {m: s[(year, m)] for m in range(1, month + 1) if (year, m) in s}
    prev = {m: s[(year - 1, m)][0] for m in range(1, 13) if (year - 1, m) in s}
    last = max(cur, default=0)
    pairs = [m for m in sorted(cur) if m in prev][-3:]
    ps = sum(prev[m] for m in pairs)
    trend = sum(cur[m][0] for m in pairs) / ps if pairs and ps > 0 else 1.0
    trend = min(max(trend, 0.7), 1.3)
    fallback = float(np.mean([v[0] for v in cur.values()])) if cur else float("nan")
    values, est_sd, proj_sd = [], 0.0, 0.0
    for m in range(1, 13):
        if m in cur:
            v, kind, lo, hi = cur[m]
            est_sd += (hi - lo) / (2 * Z) if kind == "estimated" and np.isfinite(lo) and np.isfinite(hi) else 0.0
        else:
            v = prev[m] * trend if m in prev else fallback
            proj_sd += 0.03 * v * math.sqrt(m - last if m > last else 1)
        values.append(v)
    mu, sigma = sum(values), math.hypot(est_sd, proj_sd)
    p = 1 - NormalDist().cdf((budget - mu) / sigma) if sigma > 0 else float(mu > budget)
    over = [m for m, c in zip(range(1, 13), np.cumsum(values)) if c > budget]
    return {"projected_total": mu, "p_overspend": p, "trend": trend, "values": values,
            "run_out_month": f"{year}-{over[0]:02d}" if over else None}


def ref_intensity(region: str, s: dict, year: int, month: int) -> float:
    n_q = month // 3
    rows = GDP[GDP["region"].isin(CITIES if region == "P" else [region])]
    q = {}
    for r in rows.itertuples():
        key = (int(r.period[:4]), int(r.period[-1]) if "Q" in r.period else 0)
        q.setdefault(key, []).append(r.value)
    q = {k: sum(v) for k, v in q.items() if region != "P" or len(v) == len(CITIES)}
    if n_q == 0:
        return float("nan")
    if n_q == 4 and (year, 0) in q and not all((year, k) in q for k in range(1, 5)):
        gdp = q[(year, 0)]
    elif all((year, k) in q for k in range(1, n_q + 1)):
        gdp = sum(q[(year, k)] for k in range(1, n_q + 1))
    else:
        return float("nan")
    months = range(1, 3 * n_q + 1)
    if not all((year, m) in s for m in months) or gdp <= 0:
        return float("nan")
    return sum(s[(year, m)][0] for m in months) / gdp


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("year,month", [(2026, 8), (2026, 12), (2026, 2), (2025, 12)])
def test_progress_matches_per_region_reference(year, month):
    prog = B.compute_progress(CO2, BUDGETS, year, month, gdp=GDP, province="P").set_index("region")
    assert list(prog.index) == CITIES + ["P"]
    budgets = BUDGETS[BUDGETS["year"] == year].set_index("region")["budget"]
    for region in CITIES + ["P"]:
        s, row = SERIES[region], prog.loc[region]
        budget = float(budgets.sum() if region == "P" else budgets[region])
        sp, n_years = ref_schedule(s, year, month)
        proj = ref_projection(s, year, month, budget)
        cur = [s[(year, m)] for m in range(1, month + 1) if (year, m) in s]
        expect = {
            "budget": budget, "schedule_progress": sp, "seasonal_years": n_years,
            "used_statistical": sum(v for v, k, _, _ in cur if k != "estimated"),
            "used_estimated": sum(v for v, k, _, _ in cur if k == "estimated"),
            "months_estimated": sum(k == "estimated" for _, k, _, _ in cur),
            "projected_total": proj["projected_total"], "trend": proj["trend"], "p_overspend": proj["p_overspend"],
            "run_out_month": proj["run_out_month"],
            "intensity": ref_intensity(region, s, year, month),
            "intensity_last_year": ref_intensity(region, s, year - 1, month),
        }
        expect["deviation"] = (expect["used_statistical"] + expect["used_estimated"]) / budget / sp - 1
        for col, want in expect.items():
            got = row[col]
            got = None if got is None or (isinstance(got, float) and math.isnan(got) and want is None) else got
            assert _close(float(got) if isinstance(got, (int, np.integer, float)) else got, want), (region, col, got, want)


def test_reference_covers_the_edge_cases():
    prog = B.compute_progress(CO2, BUDGETS, 2026, 8, gdp=GDP, province="P").set_index("region")
    assert prog.loc["C2", "seasonal_years"] == 0 and prog.loc["C2", "schedule_progress"] == pytest.approx(8 / 12)
    assert prog.loc["C1", "seasonal_years"] == 2 and prog.loc["C0", "seasonal_years"] == 3
    assert prog.loc["C4", "months_with_data"] == 7 and math.isnan(prog.loc["C4", "intensity"])
    assert math.isnan(prog.loc["C7", "intensity_last_year"]) and not math.isnan(prog.loc["C0", "intensity"])
    assert prog["run_out_month"].notna().any() and prog["run_out_month"].isna().any()
    assert 0 < prog.loc["P", "p_overspend"] < 1
    year_end = B.compute_progress(CO2, BUDGETS, 2025, 12, gdp=GDP, province="P").set_index("region")
    assert year_end.loc["C7", "intensity"] == pytest.approx(SERIES_SUM_2025_C7 / 1000.0)


SERIES_SUM_2025_C7 = sum(SERIES["C7"][(2025, m)][0] for m in range(1, 13))


def test_paths_match_reference_and_progress():
    paths = B.projection_paths(CO2, 2026, 8, province="P")
    assert paths.groupby("region").size().eq(12).all() and sorted(paths["region"].unique()) == sorted(CITIES + ["P"])
    budgets = BUDGETS[BUDGETS["year"] == 2026].set_index("region")["budget"]
    for region in ("C0", "C3", "C4", "C5", "P"):
        b = float(budgets.sum() if region == "P" else budgets[region])
        ref = ref_projection(SERIES[region], 2026, 8, b)
        got = paths[paths["region"] == region]
        assert np.allclose(got["value"], ref["values"], rtol=1e-12)
        assert np.allclose(got["cumulative"], np.cumsum(ref["values"]), rtol=1e-12)
    c4 = paths[paths["region"] == "C4"].set_index("month")
    assert c4.loc[4, "kind"] == "projected" and c4.loc[4, "horizon"] == 1 and c4.loc[9, "horizon"] == 1
    c5 = paths[paths["region"] == "C5"].set_index("month")
    assert c5.loc[6, "kind"] == "estimated" and c5.loc[6, "sd"] == 0 and c5.loc[5, "sd"] > 0
    one, summary = B.projection.project_region(B.periods.monthly_frame(CO2[CO2["region"] == "C3"]), 2026, 8)
    assert np.allclose(one["value"], paths.loc[paths["region"] == "C3", "value"], rtol=0)
    assert summary["last_data_month"] == "2026-08"


def test_seasonal_pattern_matches_reference_shares():
    monthly = B.periods.monthly_frame(CO2)
    pat = B.seasonal_pattern(monthly, 2026).set_index(["region", "month"])
    for region in CITIES:
        for m in (1, 6, 11, 12):
            sp, n = ref_schedule(SERIES[region], 2026, m)
            assert pat.loc[(region, m), "cum_share"] == pytest.approx(sp, rel=1e-12)
            assert pat.loc[(region, m), "n_years"] == n
    assert B.schedule_progress(B.seasonal_pattern(monthly, 2026), 12).eq(1.0).all()


def test_driver_and_contribution_changes_match_loops():
    rows, est = [], []
    for i, c in enumerate(CITIES[:3]):
        for y in (2025, 2026):
            for m in range(1, 10):
                if not (c == "C1" and (y, m) == (2025, 3)):
                    rows.append((c, f"{y}-{m:02d}", "out_crude_steel", 10 + i + m * (1.1 if y == 2026 else 1.0)))
                rows.append((c, f"{y}-{m:02d}", "gen_solar", 5.0 * (1.3 if y == 2026 else 1.0)))
                if c != "C2" or y == 2026:
                    est.append((c, f"{y}-{m:02d}", {"industry": m * (1 + i) * (2 if y == 2026 else 1), "power": 1.0}))
    drivers = pd.DataFrame(rows, columns=["region", "period", "indicator", "value"])
    dch = B.driver_changes(drivers, 2026, 6).set_index(["region", "indicator"])
    for (region, ind), got in dch.iterrows():
        d = drivers[(drivers["region"] == region) & (drivers["indicator"] == ind)]
        v = {(int(p[:4]), int(p[5:7])): x for p, x in zip(d["period"], d["value"])}
        months = [m for m in range(1, 7) if (2026, m) in v and (2025, m) in v]
        assert got["value"] == pytest.approx(sum(v[(2026, m)] for m in months))
        assert got["value_last_year"] == pytest.approx(sum(v[(2025, m)] for m in months))
    assert len(dch) == 6
    cch = B.contribution_changes(pd.DataFrame(est, columns=["region", "period", "contributions"]), 2026, 6)
    c0 = cch[cch["region"] == "C0"].set_index("group")
    assert c0.loc["industry", "value"] == pytest.approx(sum(range(1, 7))) and c0.loc["power", "value"] == 0
    c2 = cch[cch["region"] == "C2"].set_index("group")
    assert (c2["basis"] == "level").all() and c2.loc["industry", "value"] == pytest.approx(6 * sum(range(1, 7)))
    assert list(cch["region"]) == sorted(cch["region"])
