"""Real-data benchmark of the nowcast: 31 Chinese provinces, monthly, 2019-2024.

Hold-out: CO2 is known to 2024-06; the last six known months (2024-01..06) are held out and
estimated from a single origin (2023-12) with the drivers known up to 2024-06, as in production.
Prints every model's median-region MAPE by horizon and overall, with and without gen_thermal
(Carbon Monitor derives its power sector from thermal generation, so gen_thermal flatters any model).
Also prints, for context, the "tuning window" figures (CO2 cut at 2023-12, 12 rolling origins,
2024 never seen) on which model choices were made.

Data: ../shared/data/china-provinces-monthly (not part of the project; skipped when absent).
Set CBM_REAL_DATA to another folder to override. Set NOWCAST_BENCH_QUICK=1 to skip the tuning window.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nowcast  # noqa: E402
from warehouse import catalog  # noqa: E402

DATA = Path(os.environ.get("CBM_REAL_DATA", ROOT.parent / "shared" / "data" / "china-provinces-monthly"))
HOLDOUT_FROM, CO2_END = "2024-01", "2024-06"
BASELINES = ("naive_seasonal", "ratio_yoy", "ratio_12m")


def load() -> pd.DataFrame:
    raw = pd.read_csv(DATA / "observations.csv", dtype={"period": str})
    canon = catalog.indicators().set_index("code")["unit"]
    factors = {(u, c): f for u, c, f in catalog.units()[["unit", "canonical_unit", "factor"]].itertuples(index=False)}
    factor = [factors.get((u, canon.get(i, u)), np.nan) for u, i in zip(raw["unit"], raw["indicator"])]
    obs = raw.assign(value=raw["value"] * np.array(factor, float))
    lost = obs["value"].isna().sum()
    if lost:
        print(f"  {lost} rows with an unconvertible unit left out")
    return obs.loc[obs["value"].notna(), ["region", "period", "indicator", "value"]].reset_index(drop=True)


def region_table(pred: pd.DataFrame) -> pd.DataFrame:
    """Median over regions of each region's MAPE, per horizon and over all horizons (percent)."""
    p = pred.assign(ape=(pred["prediction"] - pred["actual"]).abs() / pred["actual"].abs())
    by_h = p.groupby(["model", "horizon", "region"])["ape"].mean().groupby(["model", "horizon"]).median().unstack()
    overall = p.groupby(["model", "region"])["ape"].mean().groupby("model").median().rename("all")
    cov = p.assign(c=(p["actual"] >= p["lo90"]) & (p["actual"] <= p["hi90"])).groupby("model")["c"].mean()
    table = pd.concat([by_h * 100, overall * 100, (cov * 100).rename("cov90%")], axis=1)
    table.columns = [f"h{c}" if isinstance(c, (int, np.integer)) else c for c in table.columns]
    return table.reindex([m for m in nowcast.MODELS if m in table.index])


def verdict(table: pd.DataFrame) -> str:
    best = table.loc[[m for m in BASELINES if m in table.index], "all"]
    lgb = table.loc["lightgbm", "all"]
    word = "at or below" if lgb <= best.min() else "ABOVE"
    return f"lightgbm {lgb:.2f}% is {word} the best baseline ({best.idxmin()} {best.min():.2f}%)"


def main() -> int:
    if not (DATA / "observations.csv").exists():
        print(f"nowcast_real: {DATA} is absent; real-data benchmark skipped.")
        return 0
    obs = load()
    co2 = obs["indicator"] == "co2_total"
    obs = obs[~co2 | (obs["period"] <= CO2_END)]
    print(f"real data: {obs['region'].nunique()} regions, {len(obs)} rows; CO2 to {obs.loc[co2, 'period'].max()}, "
          f"drivers to {obs.loc[~co2, 'period'].max()}")
    for drop in ((), ("gen_thermal",)):
        label = "without gen_thermal" if drop else "with gen_thermal"
        t0 = time.perf_counter()
        res = nowcast.run_backtest(obs, origins=1, horizons=6, seed=0, drop_indicators=drop)
        pred = res.predictions
        assert pred["origin"].unique().tolist() == ["2023-12"] and pred["period"].min() == HOLDOUT_FROM
        table = region_table(pred)
        print(f"\n== hold-out {HOLDOUT_FROM}..{CO2_END} from origin 2023-12, {label} "
              f"({time.perf_counter() - t0:.1f}s): median-region MAPE %")
        print(table.round(2).to_string())
        print("  " + verdict(table))
    if os.environ.get("NOWCAST_BENCH_QUICK"):
        return 0
    tune = obs[~(obs["indicator"] == "co2_total") | (obs["period"] <= "2023-12")]
    tune = tune[tune["period"] <= "2024-06"]
    for drop in ((), ("gen_thermal",)):
        label = "without gen_thermal" if drop else "with gen_thermal"
        t0 = time.perf_counter()
        res = nowcast.run_backtest(tune, origins=12, horizons=6, seed=0, drop_indicators=drop)
        table = region_table(res.predictions)
        o = res.settings["origins"]
        print(f"\n== tuning window (CO2 cut 2023-12, origins {o[0]}..{o[-1]}), {label} "
              f"({time.perf_counter() - t0:.1f}s): median-region MAPE %")
        print(table.round(2).to_string())
        print("  " + verdict(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
