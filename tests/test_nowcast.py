"""Nowcast package: no look-ahead, mixed frequency, interval coverage, bad input, all models.

Generated data: 6 regions x 8 years (2016-2023), CO2 a known linear function of thermal
generation, cement, steel and a transport trend, times exp(N(0, 0.03)) noise. CO2 is known to
2023-06, drivers to 2023-12; a fuel series ends with CO2 (as in real statistics).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import nowcast
from nowcast.calendar_cn import SPRING_FESTIVAL
from nowcast.features import GROUPS

NOISE = 0.03
TARGET_END, DRIVER_END = "2023-06", "2023-12"


def make_obs(n_regions: int = 6, seed: int = 1, noise: float = NOISE, target_end: str = TARGET_END) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.period_range("2016-01", DRIVER_END, freq="M")
    n = len(months)
    t = np.arange(n) / 12
    mon = months.month.to_numpy()
    sf = np.array([pd.Timestamp(SPRING_FESTIVAL[p.year]).month == p.month for p in months])
    rows = []
    for i in range(n_regions):
        reg = f"R{i:02d}"
        scale = rng.uniform(0.5, 2.5)

        def walk(sd):
            return np.exp(np.cumsum(rng.normal(0, sd, n)))

        season = 1 + 0.12 * np.cos(2 * np.pi * (mon - 7) / 12)
        elec = 1e6 * scale * season * np.exp(0.05 * t) * walk(0.015) * np.where(sf, 0.88, 1.0)
        clean = elec * (0.15 + 0.02 * t) * (1 + 0.25 * np.sin(2 * np.pi * (mon - 4) / 12)) * walk(0.02)
        thermal = np.maximum(elec * 0.95 - clean, 1e4)
        cement = 400 * scale * np.exp(-0.02 * t) * walk(0.03) * np.where(sf, 0.6, 1.0) * (1 + 0.15 * (mon % 12 > 2))
        steel = 300 * scale * walk(0.025) * np.where(sf, 0.85, 1.0)
        transport = 500 * scale * np.exp(0.03 * t)
        co2 = (0.0035 * thermal + 0.6 * cement + 1.5 * steel + transport) * np.exp(rng.normal(0, noise, n))
        coal = co2 / 2.1 * np.exp(rng.normal(0, 0.01, n))
        series = {"elec_total": elec, "elec_secondary": elec * 0.65 * walk(0.01), "gen_thermal": thermal,
                  "gen_hydro": clean, "out_cement": cement, "out_crude_steel": steel, "fuel_raw_coal": coal,
                  "co2_total": co2, "x_unknown_index": 100 * walk(0.02)}
        for name, vals in series.items():
            end = target_end if name in ("co2_total", "fuel_raw_coal") else DRIVER_END
            keep = months <= pd.Period(end, "M")
            rows.append(pd.DataFrame({"region": reg, "period": months[keep].astype(str), "indicator": name,
                                      "value": vals[keep]}))
        q = pd.DataFrame({"p": months.asfreq("Q"), "v": elec / 1e4}).groupby("p")["v"].sum()
        rows.append(pd.DataFrame({"region": reg, "period": [f"{p.year}-Q{p.quarter}" for p in q.index],
                                  "indicator": "gdp", "value": q.to_numpy()}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    return make_obs()


@pytest.fixture(scope="module")
def backtest(obs):
    return nowcast.run_backtest(obs, origins=6, seed=0)


def test_all_models_present_and_metrics_shape(backtest):
    pred = backtest.predictions
    assert set(pred["model"]) == set(nowcast.ALL_MODELS)
    for col in ["model", "region", "period", "origin", "horizon", "prediction", "lo90", "hi90", "actual"]:
        assert col in pred.columns
    assert sorted(pred["horizon"].unique()) == [1, 2, 3, 4, 5, 6]
    assert pred["origin"].nunique() == 6
    assert (pred["period"] > pred["origin"]).all()
    m = backtest.metrics
    assert list(m.columns) == ["model", "horizon", "region", "n", "mape", "median_ape", "bias", "coverage80",
                               "coverage90", "half_width90"]
    assert "*" in set(m["region"]) and len(set(m["region"])) == 7
    assert set(backtest.summary["model"]) == set(nowcast.ALL_MODELS)
    # With exact drivers and 3 % noise the product model must beat the seasonal naive.
    s = backtest.summary.groupby("model")["mape"].mean()
    assert s["lightgbm"] < s["naive_seasonal"]


def test_interval_coverage_on_known_noise(backtest):
    lgb = backtest.predictions[backtest.predictions["model"] == "lightgbm"]
    inside90 = ((lgb["actual"] >= lgb["lo90"]) & (lgb["actual"] <= lgb["hi90"])).mean()
    inside80 = ((lgb["actual"] >= lgb["lo80"]) & (lgb["actual"] <= lgb["hi80"])).mean()
    assert 0.80 <= inside90 <= 0.97, inside90
    assert 0.65 <= inside80 <= 0.92, inside80
    assert inside80 <= inside90
    pooled = backtest.summary[backtest.summary["model"] == "lightgbm"]
    assert pooled["coverage90"].between(0.5, 1.0).all()


def test_no_look_ahead(obs, backtest):
    """Changing the target after the cut, or a driver after what was published by then, changes no
    prediction (or interval) at that origin."""
    origin = sorted(backtest.predictions["origin"].unique())[0]
    cut = pd.Period(origin, "M")
    drivers_known = cut + backtest.settings["offset_months"]
    period = pd.PeriodIndex(obs["period"].where(obs["period"].str.len() == 7, "2000-01"), freq="M")
    tampered = obs.copy()
    late_target = (obs["indicator"] == "co2_total") & (period > cut)
    late_driver = (obs["indicator"] != "co2_total") & (obs["period"].str.len() == 7) & (period > drivers_known)
    assert late_target.any() and late_driver.any()
    tampered.loc[late_target, "value"] *= 1.7
    tampered.loc[late_driver, "value"] *= 0.3
    again = nowcast.run_backtest(tampered, origins=6, seed=0)
    cols = ["model", "region", "period", "horizon", "prediction", "lo90", "hi90"]
    a = backtest.predictions.loc[backtest.predictions["origin"] == origin, cols].reset_index(drop=True)
    b = again.predictions.loc[again.predictions["origin"] == origin, cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    # ...while a change inside the known window does move the product model.
    seen = (obs["indicator"] == "gen_thermal") & (period > cut) & (period <= drivers_known)
    moved = obs.copy()
    moved.loc[seen, "value"] *= 1.3
    c = nowcast.run_backtest(moved, origins=6, seed=0).predictions
    c = c.loc[(c["origin"] == origin) & (c["model"] == "lightgbm"), "prediction"].to_numpy()
    assert not np.allclose(c, a.loc[a["model"] == "lightgbm", "prediction"].to_numpy())


def test_nowcast_monthly_estimates(obs):
    res = nowcast.nowcast(obs, seed=0)
    est = res.estimates
    assert list(est.columns) == ["region", "period", "indicator", "value", "lo80", "hi80", "lo90", "hi90", "horizon",
                                 "contributions"]
    assert res.settings["data_cut"] == TARGET_END and res.settings["as_of"] == DRIVER_END
    assert sorted(est["period"].unique()) == [f"2023-{m:02d}" for m in range(7, 13)]
    assert est.groupby("region").size().eq(6).all()
    assert (est["lo90"] <= est["lo80"]).all() and (est["lo80"] <= est["value"]).all()
    assert (est["value"] <= est["hi80"]).all() and (est["hi80"] <= est["hi90"]).all()
    assert sorted(est["horizon"].unique()) == [1, 2, 3, 4, 5, 6]
    # Contributions (万吨) add up to the change on the same month last year.
    last_year = obs[obs["indicator"] == "co2_total"].assign(
        period=lambda d: (pd.PeriodIndex(d["period"], freq="M") + 12).astype(str)).set_index(["region", "period"])["value"]
    for row in est.itertuples():
        assert set(row.contributions) == set(GROUPS)
        change = row.value - last_year[(row.region, row.period)]
        assert sum(row.contributions.values()) == pytest.approx(change, rel=1e-3, abs=0.05)
    # The fuel series stops with CO2: it must not be a feature of the estimates.
    assert not any("fuel_raw_coal" in key for key in res.settings["features"])
    json.dumps(res.settings)
    assert set(res.summary["model"]) == set(nowcast.ALL_MODELS)


def test_annual_target_months_add_up(obs):
    co2 = obs[obs["indicator"] == "co2_total"]
    annual = (co2[co2["period"] <= "2022-12"].assign(period=lambda d: d["period"].str[:4])
              .groupby(["region", "period", "indicator"], as_index=False)["value"].sum())
    drivers = obs[(obs["indicator"] != "co2_total") & (obs["period"] <= "2023-09")]
    mixed = pd.concat([drivers, annual], ignore_index=True)
    res = nowcast.nowcast(mixed, as_of="2023-09", seed=0)
    assert res.settings["frequency"] == "annual" and res.settings["data_cut"] == "2022"
    est = res.estimates
    assert sorted(est["period"].unique()) == [f"2023-{m:02d}" for m in range(1, 13)]
    per = res.period_estimates.set_index("region")
    sums = est.groupby("region")[["value", "lo90", "hi90"]].sum()
    for region, row in sums.iterrows():
        assert row["value"] == pytest.approx(per.loc[region, "value"], rel=1e-9)
        assert row["lo90"] == pytest.approx(per.loc[region, "lo90"], rel=1e-9)
    # The annual estimate is close to the (hidden) truth; its months follow electricity.
    full = make_obs(target_end=DRIVER_END)
    truth = full[(full["indicator"] == "co2_total") & full["period"].str.startswith("2023")].groupby("region")["value"].sum()
    err = (per["value"] / truth.reindex(per.index) - 1).abs()
    assert err.median() < 0.10
    elec = obs[(obs["indicator"] == "elec_total") & obs["period"].between("2023-01", "2023-09")]
    r0 = est[(est["region"] == "R00") & (est["period"] <= "2023-09")].set_index("period")["value"]
    e0 = elec[elec["region"] == "R00"].set_index("period")["value"]
    np.testing.assert_allclose((r0 / r0.sum()).to_numpy(), (e0 / e0.sum()).reindex(r0.index).to_numpy(), rtol=1e-9)
    bt = nowcast.run_backtest(mixed, origins=3, seed=0)
    assert set(bt.predictions["model"]) == set(nowcast.ALL_MODELS)
    assert bt.predictions["period"].str.len().eq(4).all()


def test_quarterly_target(obs):
    co2 = obs[(obs["indicator"] == "co2_total") & (obs["period"] <= "2023-06")]
    p = pd.PeriodIndex(co2["period"], freq="M")
    quarterly = co2.assign(period=[f"{x.year}-Q{x.quarter}" for x in p]).groupby(
        ["region", "period", "indicator"], as_index=False)["value"].sum()
    mixed = pd.concat([obs[obs["indicator"] != "co2_total"], quarterly], ignore_index=True)
    res = nowcast.nowcast(mixed, seed=0)
    assert res.settings["frequency"] == "quarterly"
    assert sorted(res.period_estimates["period"].unique()) == ["2023-Q3", "2023-Q4"]
    sums = res.estimates.assign(q=lambda d: d["period"].map(lambda s: f"{s[:4]}-Q{(int(s[5:]) - 1) // 3 + 1}"))
    sums = sums.groupby(["region", "q"])["value"].sum()
    per = res.period_estimates.set_index(["region", "period"])["value"]
    np.testing.assert_allclose(sums.to_numpy(), per.reindex(sums.index).to_numpy(), rtol=1e-9)


def test_bad_input(obs):
    with pytest.raises(ValueError, match="empty"):
        nowcast.nowcast(obs.iloc[:0])
    with pytest.raises(ValueError, match="missing column"):
        nowcast.run_backtest(obs.drop(columns="value"))
    with pytest.raises(ValueError, match="no values of the target"):
        nowcast.nowcast(obs[obs["indicator"] != "co2_total"])
    # A region with drivers but no CO2 history, odd values (negative, inf, text) and an unknown period.
    lonely = obs[(obs["region"] == "R00") & (obs["indicator"] != "co2_total")].assign(region="NEW")
    odd = pd.DataFrame({"region": ["R01", "R01", "R02", "R03"], "period": ["2023-08", "2023-09", "2023-10", "23/10"],
                        "indicator": ["elec_total", "out_cement", "gen_thermal", "elec_total"],
                        "value": [np.inf, -50.0, "n/a", 1.0]})
    bad = pd.concat([obs[~((obs["region"] == "R01") & (obs["period"].isin(["2023-08", "2023-09"])) &
                           obs["indicator"].isin(["elec_total", "out_cement"]))], lonely, odd], ignore_index=True)
    res = nowcast.nowcast(bad, origins=1, seed=0)
    sk = res.skipped.set_index("region")["reason"]
    assert "NEW" in sk.index and "no co2_total history" in sk["NEW"]
    assert "NEW" not in set(res.estimates["region"])
    assert set(res.estimates["region"]) == {f"R{i:02d}" for i in range(6)}
    assert np.isfinite(res.estimates["value"]).all()


def test_pure_package_imports():
    """The nowcast package must not pull in streamlit or duckdb."""
    import subprocess
    import sys
    code = "import sys, nowcast; bad = [m for m in ('streamlit', 'duckdb') if m in sys.modules]; print(bad); " \
           "sys.exit(1 if bad else 0)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
