"""Real-data benchmark of the nowcast's product model against the simple baselines. Run:
    .venv/bin/python benchmarks/nowcast_real.py

Sets (in ../shared/data, not part of the project; each skipped cleanly when absent):
- monthly: 31 Chinese provinces, Carbon Monitor CO2 to 2024-06, drivers to 2024-12. Rolling origins
  2023-07 .. 2023-12 (horizons 1-6 months, so the last origin estimates 2024-01..06), each with six
  earlier warm-up origins for the product's choice and its bands. Run with and without gen_thermal
  (Carbon Monitor computes its power sector from thermal generation: circular).
- annual: 30 provinces, CEADs accounted inventories 2010-2016 with monthly drivers. Origins 2013,
  2014, 2015: horizon 1 estimates 2014, 2015, 2016 (the years the brief calls origins 2014-2016);
  horizon 2 estimates 2015 and 2016.
For each: every model's median-region MAPE (the median over regions of each region's MAPE) by
horizon and over all, the product's ratio to the best simple baseline (same period last year;
last year x electricity growth) and its 90% coverage, overall and per horizon.
Targets: product <= 0.8 x the best baseline; 90% coverage 85-95%.
Set CBM_REAL_DATA to a folder holding the two sets' folders to override.
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

DATA = Path(os.environ.get("CBM_REAL_DATA", ROOT.parent / "shared" / "data"))
BASELINES = ("naive_seasonal", "ratio_yoy")
SETS = [  # (label, folder, CO2 cut, backtest kwargs, dropped drivers)
    ("monthly, with gen_thermal", "china-provinces-monthly", "2024-06", dict(origins=6, horizons=6), ()),
    ("monthly, without gen_thermal", "china-provinces-monthly", "2024-06", dict(origins=6, horizons=6), ("gen_thermal",)),
    ("annual (CEADs), origins 2014-2016", "china-provinces-annual", None,
     dict(origins=3, horizons=2, last_origin="2015"), ()),
]


def load(folder: Path) -> pd.DataFrame:
    raw = pd.read_csv(folder / "observations.csv", dtype={"period": str})
    canon = catalog.indicators().set_index("code")["unit"]
    factors = {(u, c): f for u, c, f in catalog.units()[["unit", "canonical_unit", "factor"]].itertuples(index=False)}
    factor = [factors.get((u, canon.get(i, u)), np.nan) for u, i in zip(raw["unit"], raw["indicator"])]
    obs = raw.assign(value=raw["value"] * np.array(factor, float))
    return obs.loc[obs["value"].notna(), ["region", "period", "indicator", "value"]].reset_index(drop=True)


def region_table(pred: pd.DataFrame) -> pd.DataFrame:
    """Median-region MAPE (%) per horizon and over all; product-style 90% coverage (%) per horizon."""
    p = pred.assign(ape=(pred["prediction"] - pred["actual"]).abs() / pred["actual"].abs(),
                    c=((pred["actual"] >= pred["lo90"]) & (pred["actual"] <= pred["hi90"])).astype(float))
    by_h = p.groupby(["model", "horizon", "region"])["ape"].mean().groupby(["model", "horizon"]).median().unstack()
    overall = p.groupby(["model", "region"])["ape"].mean().groupby("model").median().rename("all")
    cov_h = p.groupby(["model", "horizon"])["c"].mean().unstack()
    cov_h.columns = [f"cov{h}" for h in cov_h.columns]
    cov = p.groupby("model")["c"].mean().rename("cov90")
    table = pd.concat([by_h * 100, overall * 100, cov * 100, cov_h * 100], axis=1)
    table.columns = [f"h{c}" if isinstance(c, (int, np.integer)) else c for c in table.columns]
    return table.reindex([m for m in nowcast.ALL_MODELS if m in table.index])


def verdict(table: pd.DataFrame) -> list[str]:
    best = table.loc[[m for m in BASELINES if m in table.index], "all"]
    prod = table.loc["product"]
    ratio = prod["all"] / best.min()
    covs = [c for c in table.columns if c.startswith("cov") and c != "cov90"]
    cov_ok = all(85 <= prod[c] <= 95 for c in covs) and 85 <= prod["cov90"] <= 95
    return [f"product {prod['all']:.2f}% = {ratio:.2f} x best baseline ({best.idxmin()} {best.min():.2f}%)  "
            f"[target <= 0.80: {'MET' if ratio <= 0.8 else 'MISSED'}]",
            f"product 90% coverage {prod['cov90']:.1f}% (by horizon " +
            ", ".join(f"h{c[3:]} {prod[c]:.1f}%" for c in covs) +
            f")  [target 85-95% at every horizon: {'MET' if cov_ok else 'MISSED'}]"]


def main() -> int:
    pd.set_option("display.width", 200)
    for label, folder, co2_cut, kwargs, drop in SETS:
        path = DATA / folder
        if not (path / "observations.csv").exists():
            print(f"\n== {label}: {path} is absent; skipped.")
            continue
        obs = load(path)
        co2 = obs["indicator"] == "co2_total"
        if co2_cut:
            obs = obs[~co2 | (obs["period"] <= co2_cut)]
        t0 = time.perf_counter()
        res = nowcast.run_backtest(obs, seed=0, drop_indicators=drop, **kwargs)
        o, w = res.settings["origins"], res.settings["warmup_origins"]
        table = region_table(res.predictions)
        print(f"\n== {label}: {obs['region'].nunique()} regions, origins {o[0]}..{o[-1]} "
              f"({len(w)} warm-up origin(s)), {time.perf_counter() - t0:.0f} s. Median-region MAPE %, coverage %")
        print(table.round(2).to_string())
        for line in verdict(table):
            print("  " + line)
        last = res.settings["product_choices"].get(o[-1], {})
        print("  product choice at the last origin: " + "; ".join(
            f"h{h} " + ("+".join(f"{m} {v:.2f}" for m, v in c["weights"].items())) for h, c in last.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
