"""Demo-province generator: shape, consistency, profiles, trajectories and noise floor."""
from __future__ import annotations

import datetime
import time

import numpy as np
import pandas as pd
import pytest

from warehouse import accounting
from demo_province.generator import DemoData, default_as_of, generate_demo

AS_OF = "2026-10"


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate_demo(as_of=AS_OF)


def _series(obs: pd.DataFrame, region: str, indicator: str) -> pd.Series:
    x = obs[(obs["region"] == region) & (obs["indicator"] == indicator)]
    return x.set_index("period")["value"]


def _ytd(truth: pd.DataFrame) -> pd.DataFrame:
    t = truth[truth["period"].str[5:7].astype(int) <= int(AS_OF[5:])]
    return t.assign(year=t["period"].str[:4]).pivot_table(index="region", columns="year", values="value",
                                                          aggfunc="sum")


def test_default_as_of():
    assert default_as_of(datetime.date(2026, 11, 22)) == "2026-10"
    assert default_as_of(datetime.date(2027, 1, 3)) == "2026-12"


def test_deterministic():
    a, b = generate_demo(as_of="2025-06"), generate_demo(as_of="2025-06")
    pd.testing.assert_frame_equal(a.observations, b.observations)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    pd.testing.assert_frame_equal(a.regions, b.regions)
    c = generate_demo(as_of="2025-06", seed=7)
    assert not np.allclose(a.observations["value"], c.observations["value"])
    assert a.settings == dict(n_cities=12, start="2015-01", as_of="2025-06", seed=20260101, co2_lag_months=6)


def test_regions(demo):
    r = demo.regions
    assert list(r.columns) == ["code", "name_zh", "name_en", "parent", "level"]
    prov = r[r["level"] == "province"]
    assert prov[["code", "name_zh", "name_en", "parent"]].iloc[0].tolist() == ["SF", "示范省", "Demo Province", ""]
    cities = r[r["level"] == "city"]
    assert cities["code"].tolist() == [f"SF{i:02d}" for i in range(1, 13)]
    assert (cities["parent"] == "SF").all()
    assert cities["name_zh"].nunique() == 12 and cities["name_en"].nunique() == 12
    assert cities["name_zh"].str.endswith("市").all()


def test_frames_and_units(demo):
    obs = demo.observations
    assert list(obs.columns) == ["region", "period", "indicator", "value"]
    assert "co2_total" not in set(obs["indicator"])
    assert not obs["value"].isna().any()
    assert (obs.loc[obs["indicator"] != "elec_net_import", "value"] >= 0).all()
    assert not obs.duplicated(["region", "period", "indicator"]).any()
    monthly = obs[obs["indicator"] != "gdp"]
    y2015 = monthly[monthly["period"].str.startswith("2015")]
    annual = y2015.groupby(["region", "indicator"])["value"].sum().unstack()
    assert annual["elec_total"].between(1e6, 6e6).all()          # 100-600 亿kWh
    co2 = demo.truth.assign(y=demo.truth["period"].str[:4]).groupby(["region", "y"])["value"].sum()
    assert co2.between(1000, 8000).all()                          # 万吨 per city-year
    # profiles differ: steel only where it belongs, a power exporter and a big importer
    assert set(obs.loc[obs["indicator"] == "out_crude_steel", "region"]) == {"SF01", "SF10"}
    assert set(obs.loc[obs["indicator"] == "out_ethylene", "region"]) == {"SF07"}
    assert _series(obs, "SF03", "elec_net_import").max() < 0
    assert _series(obs, "SF05", "elec_net_import").min() > 0


def test_elec_total_is_sum_of_sectors(demo):
    monthly = demo.observations[demo.observations["period"].str.match(r"^\d{4}-\d{2}$")]   # months only
    wide = monthly.pivot_table(index=["region", "period"], columns="indicator", values="value")
    sectors = wide[["elec_primary", "elec_secondary", "elec_tertiary", "elec_residential"]].sum(axis=1)
    np.testing.assert_allclose(wide["elec_total"], sectors, rtol=1e-12)
    gen = wide[[c for c in wide.columns if c.startswith("gen_")]].fillna(0).sum(axis=1)
    np.testing.assert_allclose(wide["elec_net_import"], wide["elec_total"] - gen, rtol=1e-9, atol=1e-6)


def test_fuel_lag_and_electricity_to_as_of(demo):
    last = demo.observations.groupby("indicator")["period"].max()
    assert (last[last.index.str.startswith("fuel_")] == "2026-04").all()
    for k in ("elec_total", "elec_net_import", "gen_thermal", "out_crude_steel"):
        assert last[k] == AS_OF
    assert demo.truth["period"].max() == AS_OF
    per_city = demo.truth.groupby("region")["period"].agg(["min", "count"])
    assert (per_city["min"] == "2015-01").all() and (per_city["count"] == 142).all()
    short = generate_demo(n_cities=2, start="2024-01", as_of="2025-12", co2_lag_months=3)
    assert short.observations.query("indicator == 'fuel_raw_coal'")["period"].max() == "2025-09"


def test_gdp_quarterly(demo):
    gdp = demo.observations[demo.observations["indicator"] == "gdp"]
    assert gdp["period"].str.fullmatch(r"\d{4}-Q[1-4]").all()
    assert gdp["period"].max() == "2026-Q3"                       # 2026-Q4 incomplete at 2026-10
    assert (gdp.groupby("region").size() == 47).all()
    assert (gdp["value"] > 100).all()


def test_spring_festival_dip(demo):
    sec = _series(demo.observations, "SF08", "elec_secondary")
    assert sec["2024-02"] < 0.8 * sec["2024-01"]                  # festival on 2024-02-10
    assert sec["2023-01"] < 0.85 * sec["2023-03"]                 # festival on 2023-01-22


def test_drought_2022_raises_thermal_in_hydro_city(demo):
    obs = demo.observations
    summer = lambda k, y: _series(obs, "SF04", k)[[f"{y}-07", f"{y}-08", f"{y}-09"]].sum()  # noqa: E731
    assert summer("gen_hydro", 2022) < 0.85 * summer("gen_hydro", 2021)
    assert summer("gen_thermal", 2022) > 1.2 * summer("gen_thermal", 2021)
    assert summer("fuel_raw_coal", 2022) > 1.1 * summer("fuel_raw_coal", 2021)


def test_new_plant_city_jumps_in_2025(demo):
    steel = _series(demo.observations, "SF10", "out_crude_steel")
    assert (steel[:"2025-02"] == 0).all() and (steel["2025-09":] > 0).all()
    co2 = demo.truth[demo.truth["region"] == "SF10"].set_index("period")["value"]
    assert co2["2025-07":"2025-12"].sum() > 1.3 * co2["2024-07":"2024-12"].sum()


def test_trajectories_diverse_in_2026(demo):
    ytd = _ytd(demo.truth)
    yoy = ytd["2026"] / ytd["2025"] - 1
    assert (yoy <= -0.03).sum() >= 3
    assert yoy.between(-0.015, 0.015).sum() >= 3
    assert (yoy >= 0.03).sum() >= 3
    assert yoy["SF10"] > 0.10
    # electricity alone does not determine carbon: CO2 per kWh differs and drifts
    elec = demo.observations.query("indicator == 'elec_total'").set_index(["region", "period"])["value"]
    ratio = (demo.truth.set_index(["region", "period"])["value"] / elec).groupby(level=0).agg(["first", "last"])
    assert ratio["first"].max() > 3 * ratio["first"].min()
    assert ((ratio["last"] / ratio["first"]) - 1).std() > 0.05


def test_truth_matches_accounted_observed_within_noise(demo):
    accounted = accounting.account_co2(demo.observations)
    both = accounted.merge(demo.truth, on=["region", "period"], suffixes=("_obs", "_true"))
    assert len(both) == len(demo.truth[demo.truth["period"] <= "2026-04"])
    mape = (both["value_obs"] / both["value_true"] - 1).abs().mean()
    assert 0.005 < mape < 0.05


def test_300_cities():
    t0 = time.perf_counter()
    big = generate_demo(n_cities=300, as_of=AS_OF)
    elapsed = time.perf_counter() - t0
    assert elapsed < 15
    cities = big.regions[big.regions["level"] == "city"]
    assert len(cities) == 300 and cities["code"].is_unique
    assert cities["name_zh"].iloc[12] == "示范市013" and cities["name_en"].iloc[12] == "Demo City 013"
    assert big.observations["region"].nunique() == 300
    assert (big.observations.loc[big.observations["indicator"] != "elec_net_import", "value"] >= 0).all()
    assert (big.truth["value"] > 0).all() and big.truth["region"].nunique() == 300
