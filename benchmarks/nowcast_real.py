"""Real-data benchmark of the nowcast's product model, its bands and its live record. Run:
    .venv/bin/python benchmarks/nowcast_real.py [--skip-demo]

Sets (in ../shared/data, not part of the project; each skipped cleanly when absent):
- monthly: 31 Chinese provinces, Carbon Monitor CO2 to 2024-06, drivers to 2024-12. Twelve rolling
  origins 2023-01 .. 2023-12 (horizons 1-6 months), each with twelve earlier warm-up origins for the
  product's choice and its bands. With and without gen_thermal (Carbon Monitor computes its power
  sector from thermal generation: circular).
- annual: 30 provinces, CEADs inventories 2010-2016 with monthly drivers, backtested to the contract:
  the last three years (2014, 2015, 2016) each predicted one year ahead from what was known the year
  before (origins 2013, 2014, 2015).
- demo: the 12-city demo province replays a year (as of each month of 2025, with CO2 statistics six
  months behind) through the same store the app uses; the live record then scores every stored estimate.
Printed (medians over regions): every model's median-region MAPE by horizon; the product's ratio to the
best simple baseline (same period last year; last year x electricity growth); the product's 90% coverage
and mean half-width by horizon and by origin; the interval methods side by side, origin by origin.
Targets: monthly ratio <= 0.75 and 90% coverage 85-95% at every origin; annual ratio <= 0.9 on
one-year-ahead predictions with coverage 85-95%. Set CBM_REAL_DATA to a folder holding the two sets.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nowcast  # noqa: E402
from nowcast import backtest as B  # noqa: E402
from nowcast import intervals as I  # noqa: E402
from warehouse import catalog  # noqa: E402

DATA = Path(os.environ.get("CBM_REAL_DATA", ROOT.parent / "shared" / "data"))
BASELINES = ("naive_seasonal", "ratio_yoy")
SETS = [  # (label, folder, CO2 cut, backtest kwargs, dropped drivers, ratio target, horizons judged)
    ("monthly, with gen_thermal", "china-provinces-monthly", "2024-06", dict(origins=12, horizons=6), (), 0.75, None),
    ("monthly, without gen_thermal", "china-provinces-monthly", "2024-06", dict(origins=12, horizons=6),
     ("gen_thermal",), 0.75, None),
    ("annual (CEADs), last 3 years one year ahead", "china-provinces-annual", None, dict(origins=3, horizons=2), (),
     0.9, (1,)),
]


def load(folder: Path) -> pd.DataFrame:
    raw = pd.read_csv(folder / "observations.csv", dtype={"period": str})
    canon = catalog.indicators().set_index("code")["unit"]
    factors = {(u, c): f for u, c, f in catalog.units()[["unit", "canonical_unit", "factor"]].itertuples(index=False)}
    factor = [factors.get((u, canon.get(i, u)), np.nan) for u, i in zip(raw["unit"], raw["indicator"])]
    obs = raw.assign(value=raw["value"] * np.array(factor, float))
    return obs.loc[obs["value"].notna(), ["region", "period", "indicator", "value"]].reset_index(drop=True)


def _scored(pred: pd.DataFrame) -> pd.DataFrame:
    return pred.assign(ape=(pred["prediction"] - pred["actual"]).abs() / pred["actual"].abs(),
                       c=I.covered(pred["actual"], pred["lo90"], pred["hi90"]),
                       hw=I.half_width(pred["prediction"], pred["lo90"], pred["hi90"]))


def region_table(pred: pd.DataFrame) -> pd.DataFrame:
    """Median-region MAPE (%) per horizon and over all."""
    p = _scored(pred)
    by_h = p.groupby(["model", "horizon", "region"])["ape"].mean().groupby(["model", "horizon"]).median().unstack()
    overall = p.groupby(["model", "region"])["ape"].mean().groupby("model").median().rename("all")
    table = pd.concat([by_h * 100, overall * 100], axis=1)
    table.columns = [f"h{c}" if isinstance(c, (int, np.integer)) else c for c in table.columns]
    return table.reindex([m for m in nowcast.ALL_MODELS if m in table.index])


def product_by(pred: pd.DataFrame, key: str) -> pd.DataFrame:
    """The product's median-region MAPE, 90% coverage and mean half-width (%) by horizon or origin."""
    p = _scored(pred[pred["model"] == "product"])
    mape = p.groupby([key, "region"])["ape"].mean().groupby(key).median()
    out = pd.DataFrame({"n": p.groupby(key).size(), "mape": mape * 100, "cov90": p.groupby(key)["c"].mean() * 100,
                        "half_width": p.groupby(key)["hw"].mean() * 100})
    return out


def methods_table(res, k: int, judged=None) -> pd.DataFrame:
    """Every interval method on the product's backtest, origin by origin: coverage min / max, origins
    inside 85-95%, mean half-width (%)."""
    ps = sorted(int(x) for x in res.history["origin_p"].unique())
    ev = ps[len(ps) - len(res.settings["origins"]):]
    rows = []
    for m in I.METHODS:
        pred = B.intervals_without_lookahead(res.history, ev, res.settings["horizons"], method=m, months_per_period=k,
                                             choices=res.choices)
        pred = pred[(pred["model"] == "product") & (pred["horizon"].isin(judged) if judged else True)]
        by_o = B.origin_metrics(pred.assign(origin=pred["origin_p"]))
        cov = by_o["coverage90"].to_numpy(float)
        rows.append({"method": m + (" (product)" if m == I.METHOD else ""), "origins": len(cov),
                     "cov_min": cov.min() * 100, "cov_max": cov.max() * 100,
                     "inside_85_95": int(((cov >= 0.85) & (cov <= 0.95)).sum()),
                     "half_width": by_o["half_width90"].mean() * 100})
    return pd.DataFrame(rows).set_index("method")


def verdict(table: pd.DataFrame, by_h: pd.DataFrame, by_o: pd.DataFrame, target: float, judged) -> list[str]:
    best = table.loc[[m for m in BASELINES if m in table.index]]
    col = "all" if judged is None else f"h{judged[0]}"
    ratio = table.loc["product", col] / best[col].min()
    cov_h = by_h["cov90"] if judged is None else by_h.loc[list(judged), "cov90"]
    cov_o = by_o["cov90"]
    ok_o = ((cov_o >= 85) & (cov_o <= 95))
    scope = "over all horizons" if judged is None else "one year ahead"
    return [f"product {table.loc['product', col]:.2f}% = {ratio:.2f} x best baseline ({best[col].idxmin()} "
            f"{best[col].min():.2f}%) {scope}  [target <= {target:.2f}: {'MET' if ratio <= target else 'MISSED'}]",
            "product 90% coverage by horizon: " + ", ".join(f"h{h} {c:.1f}%" for h, c in cov_h.items()) +
            f"; by origin {cov_o.min():.1f}-{cov_o.max():.1f}%, {int(ok_o.sum())}/{len(ok_o)} origins inside 85-95%  "
            f"[target every origin: {'MET' if ok_o.all() else 'MISSED'}]; mean half-width {by_o['half_width'].mean():.1f}%"]


def run_set(label, folder, co2_cut, kwargs, drop, target, judged) -> None:
    path = DATA / folder
    if not (path / "observations.csv").exists():
        print(f"\n== {label}: {path} is absent; skipped.")
        return
    obs = load(path)
    if co2_cut:
        co2 = obs["indicator"] == "co2_total"
        obs = obs[~co2 | (obs["period"] <= co2_cut)]
    t0 = time.perf_counter()
    res = nowcast.run_backtest(obs, seed=0, drop_indicators=drop, **kwargs)
    o, w = res.settings["origins"], res.settings["warmup_origins"]
    table = region_table(res.predictions)
    print(f"\n== {label}: {obs['region'].nunique()} regions, origins {o[0]}..{o[-1]} ({len(w)} warm-up), "
          f"{time.perf_counter() - t0:.0f} s. Median-region MAPE %")
    print(table.round(2).to_string())
    judged_pred = res.predictions if judged is None else res.predictions[res.predictions["horizon"].isin(judged)]
    by_h, by_o = product_by(res.predictions, "horizon"), product_by(judged_pred, "origin")
    print("product by horizon (MAPE, 90% coverage, mean half-width, %):")
    print(by_h.round(1).T.to_string())
    print("product by origin" + ("" if judged is None else f" (horizon {', '.join(map(str, judged))})") + ":")
    print(by_o.round(1).T.to_string())
    for line in verdict(table, by_h, by_o, target, judged):
        print("  " + line)
    k = {"monthly": 1, "quarterly": 3, "annual": 12}[res.settings["frequency"]]
    print("interval methods on the same backtest, origin by origin (90% band; the product uses "
          f"'{I.METHOD}'):")
    print(methods_table(res, k, judged).round(1).to_string())
    last = res.settings["product_choices"].get(o[-1], {})
    print("  product choice at the last origin: " + "; ".join(
        f"h{h} {c['chosen']}" + (f" (vs {c['evidence'].get('baseline')}: gain {c['evidence'].get('gain', 0):.0%}, "
                                 f"p={c['evidence'].get('p_value')}, {c['evidence'].get('n_periods')} periods)"
                                 if c.get("evidence", {}).get("p_value") is not None else "")
        for h, c in last.items()))


def demo_replay(year: int = 2025) -> None:
    """Replay a year on the demo: as of each month, the nowcast on what was known then (CO2 six months
    behind), stored as the app stores it; then the live record scores every stored estimate."""
    from demo_province.warehouse_build import build_demo
    from monitor import nowcast_run, track_record
    from warehouse import db, model_runs, queries

    path = Path(tempfile.mkdtemp()) / "demo.duckdb"
    t0 = time.perf_counter()
    build_demo(path, n_cities=12, as_of=f"{year + 1}-06")
    with db.connect(path) as con:
        obs_all = nowcast_run.model_obs(model_runs.model_inputs(con))
        regions = queries.regions(con)
    hier = nowcast_run.hierarchy(regions)
    for m in range(1, 13):
        as_of = f"{year}-{m:02d}"
        y, mm = divmod(year * 12 + m - 1 - 6, 12)
        co2_cut = f"{y}-{mm + 1:02d}"
        per_end = model_runs.period_end(obs_all["period"])
        co2 = obs_all["indicator"] == catalog.TARGET
        obs = obs_all[(per_end <= as_of) & (~co2 | (per_end <= co2_cut))]
        res = nowcast.nowcast(obs, as_of=as_of, origins=nowcast_run.CALIBRATION_ORIGINS, hierarchy=hier)
        with db.transaction(path) as con:
            model_runs.store_model_run(con, as_of=as_of, data_cut=res.settings.get("data_cut"), settings=res.settings,
                                       summary=res.summary, metrics=res.metrics, skipped=res.skipped,
                                       estimates=res.estimates)
    s = track_record.summary(path)
    print(f"\n== demo: a replayed year ({year}, 12 monthly runs, CO2 six months behind), "
          f"{time.perf_counter() - t0:.0f} s")
    print("  " + track_record.sentence(s, "en"))
    print(f"  scored {s['n']} estimates of {s['months']} months in {s['regions']} regions; mean error {s['mape']:.2%}, "
          f"median {s['median_ape']:.2%}, 90% coverage {s['coverage90']:.1%}, 80% {s['coverage80']:.1%}, "
          f"mean half-width {s['half_width90']:.2%}; {s['pending']} awaiting statistics")
    by_h = pd.DataFrame(s["by_horizon"]).set_index("horizon")[["n", "mape", "coverage90", "half_width90"]]
    print("  by horizon (fractions):")
    print(by_h.round(4).to_string())
    by_m = pd.DataFrame(s["by_month"]).set_index("period")[["n", "mape", "coverage90", "half_width90"]]
    print("  by month:")
    print(by_m.round(4).to_string())


def main() -> int:
    pd.set_option("display.width", 220)
    for spec in SETS:
        run_set(*spec)
    if "--skip-demo" not in sys.argv:
        demo_replay()
    return 0


if __name__ == "__main__":
    sys.exit(main())
