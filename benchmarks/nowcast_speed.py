"""Speed of the nowcast on a large province: 300 regions x 10 years x ~25 indicators.

Data: ``demo_province.generator.generate_demo(n_cities=300)`` (CO2 accounted from its fuels with
``warehouse.accounting``) when that module works, else a synthetic frame built here.
Prints (median of 3): train+predict of all five models at the final origin (``origins=0``: no
interval calibration), and once the full ``nowcast()`` call with its default 6+6-origin calibration
backtest. Target: train+predict under 60 s on 2 cores.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nowcast  # noqa: E402

N_REGIONS, START, END = 300, "2016-01", "2025-12"


def demo_obs() -> pd.DataFrame | None:
    try:
        from warehouse import accounting
        from demo_province.generator import generate_demo
        demo = generate_demo(n_cities=N_REGIONS, start=START, as_of=END)
        obs = demo.observations[["region", "period", "indicator", "value"]]
        if not (obs["indicator"] == "co2_total").any():
            obs = pd.concat([obs, accounting.account_co2(obs)], ignore_index=True)
        from monitor.nowcast_run import model_obs
        return model_obs(obs)   # what the app trains on (sector value added is not a driver)
    except Exception as exc:  # the generator is another engineer's work in progress
        print(f"demo generator unavailable ({type(exc).__name__}: {exc}); using the built-in synthetic frame")
        return None


def synthetic_obs(seed: int = 0) -> pd.DataFrame:
    """300 regions x 120 months: 6 electricity, 5 generation, 6 output, 6 fuel series, GDP, CO2."""
    rng = np.random.default_rng(seed)
    months = pd.period_range(START, END, freq="M")
    T, R = len(months), N_REGIONS
    mon = months.month.to_numpy()[None, :]
    t = np.arange(T)[None, :] / 12
    scale = rng.lognormal(0, 0.7, (R, 1))

    def walk(sd):
        return np.exp(np.cumsum(rng.normal(0, sd, (R, T)), axis=1))

    season = 1 + 0.12 * np.cos(2 * np.pi * (mon - 7) / 12)
    series: dict[str, np.ndarray] = {}
    elec = 5e4 * scale * season * np.exp(0.05 * t) * walk(0.01)
    for name, share in (("elec_primary", 0.02), ("elec_secondary", 0.65), ("elec_tertiary", 0.17),
                        ("elec_residential", 0.16)):
        series[name] = elec * share * walk(0.01)
    series["elec_total"] = sum(series[k] for k in list(series))
    series["elec_net_import"] = elec * 0.2 * walk(0.03)
    for name, share in (("gen_hydro", 0.1), ("gen_wind", 0.05), ("gen_solar", 0.04), ("gen_nuclear", 0.03)):
        series[name] = elec * share * np.exp(0.1 * t) * walk(0.03)
    series["gen_thermal"] = np.maximum(elec * 0.8 - sum(series[k] for k in ("gen_hydro", "gen_wind", "gen_solar",
                                                                             "gen_nuclear")), elec * 0.05)
    for name, base in (("out_crude_steel", 20), ("out_pig_iron", 18), ("out_steel_products", 25), ("out_cement", 40),
                       ("out_flat_glass", 30), ("out_nonferrous", 3)):
        series[name] = base * scale * walk(0.03)
    fuels = {"fuel_raw_coal": 0.0004 * series["gen_thermal"] + 0.3 * series["out_cement"],
             "fuel_coke": 0.4 * series["out_pig_iron"], "fuel_gasoline": 3 * scale * walk(0.02),
             "fuel_diesel": 4 * scale * walk(0.02), "fuel_natural_gas": 500 * scale * walk(0.03),
             "fuel_lpg": 0.5 * scale * walk(0.02)}
    series.update({k: v * rng.lognormal(0, 0.02, (R, T)) for k, v in fuels.items()})
    co2 = (1.9 * series["fuel_raw_coal"] + 2.9 * series["fuel_coke"] + 2.9 * series["fuel_gasoline"]
           + 3.1 * series["fuel_diesel"] + 0.0022 * series["fuel_natural_gas"] + 3.0 * series["fuel_lpg"])
    series["co2_total"] = co2 * rng.lognormal(0, 0.02, (R, T))
    regions = np.array([f"C{i:03d}" for i in range(R)], dtype=object)
    per = months.astype(str).to_numpy(object)
    frames = []
    for name, arr in series.items():
        keep = T - 6 if name.startswith("fuel_") or name == "co2_total" else T   # statistics lag 6 months
        frames.append(pd.DataFrame({"region": np.repeat(regions, keep), "period": np.tile(per[:keep], R),
                                    "indicator": name, "value": arr[:, :keep].reshape(-1)}))
    q = series["elec_total"].reshape(R, T // 3, 3).sum(axis=2) / 1e3
    qlab = [f"{p.year}-Q{p.quarter}" for p in months[::3]]
    frames.append(pd.DataFrame({"region": np.repeat(regions, len(qlab)), "period": np.tile(qlab, R),
                                "indicator": "gdp", "value": q.reshape(-1)}))
    return pd.concat(frames, ignore_index=True)


def main() -> int:
    t0 = time.perf_counter()
    obs = demo_obs()
    source = "demo_province.generator"
    if obs is None:
        obs, source = synthetic_obs(), "built-in synthetic"
    print(f"data ({source}): {obs['region'].nunique()} regions, {obs['indicator'].nunique()} indicators, "
          f"{len(obs):,} rows, built in {time.perf_counter() - t0:.1f}s")
    times = []
    for _ in range(3):
        t = time.perf_counter()
        res = nowcast.nowcast(obs, origins=0, seed=0)
        times.append(time.perf_counter() - t)
    print(f"train+predict (5 models, final origin, {len(res.estimates)} estimates, "
          f"{res.settings['training_rows']} training rows): median {statistics.median(times):.1f}s "
          f"of {', '.join(f'{x:.1f}' for x in times)}  (target < 60 s)")
    t = time.perf_counter()
    full = nowcast.nowcast(obs, seed=0)
    lgb = full.summary[full.summary["model"] == "lightgbm"]
    print(f"full nowcast() with the 12-origin calibration backtest: {time.perf_counter() - t:.1f}s; "
          f"lightgbm backtest MAPE {lgb['mape'].mean():.2%}, 90% coverage {lgb['coverage90'].mean():.0%}")
    print(full.summary.groupby("model")[["mape", "coverage90"]].mean().round(4).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
