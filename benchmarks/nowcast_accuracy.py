"""Nowcast accuracy on the demo province against its known noise floor. Run:
    .venv/bin/python benchmarks/nowcast_accuracy.py

Builds the 12-city demo (as of 2026-10, CO2 statistics to 2026-04), backtests every model over
rolling origins (horizons 1–6, no look-ahead), and prints:
- MAPE by horizon for every model (scored against the accounted = observed CO2);
- the noise floor: MAPE between the generator's noise-free truth and the observed CO2 over the same
  region-months, and LightGBM's error against the truth;
- interval coverage (80/90) of LightGBM;
- the product model's error, its ratio to the best simple baseline, its 90% coverage by horizon;
- train+predict time of the product's nowcast on the demo (median of 3).
Targets: LightGBM within 1.3 × the noise floor and ≥ 25% below ratio_yoy; 90% intervals cover 85–95%;
demo train+predict under 10 s.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nowcast  # noqa: E402
from warehouse import db, model_runs, queries  # noqa: E402
from demo_province.warehouse_build import build_demo  # noqa: E402

AS_OF, ORIGINS = "2026-10", 12


def main() -> None:
    path = Path(tempfile.mkdtemp()) / "demo.duckdb"
    build_demo(path, n_cities=12, as_of=AS_OF)
    with db.connect(path) as con:
        obs = model_runs.model_inputs(con, AS_OF)
        truth = queries.truth(con)
    t0 = time.perf_counter()
    bt = nowcast.run_backtest(obs, origins=ORIGINS)
    t_bt = time.perf_counter() - t0
    pred = bt.predictions
    mape = pred.assign(ape=(pred["prediction"] - pred["actual"]).abs() / pred["actual"].abs()) \
        .pivot_table(index="horizon", columns="model", values="ape", aggfunc="mean")
    mape.loc["all"] = pred.assign(ape=(pred["prediction"] - pred["actual"]).abs() / pred["actual"].abs()) \
        .groupby("model")["ape"].mean()
    print(f"demo province, {ORIGINS} rolling origins, horizons 1–6 (backtest took {t_bt:.1f} s)")
    print("MAPE (%) by horizon, scored against the observed (accounted) CO2:")
    print((mape * 100).round(2).to_string())

    lgb = pred[pred["model"] == "lightgbm"].merge(truth.rename(columns={"value": "truth"}), on=["region", "period"])
    floor = ((lgb["actual"] - lgb["truth"]).abs() / lgb["truth"]).mean()
    lgb_vs_truth = ((lgb["prediction"] - lgb["truth"]).abs() / lgb["truth"]).mean()
    lgb_mape, yoy_mape = mape.loc["all", "lightgbm"], mape.loc["all", "ratio_yoy"]
    best_base = mape.loc["all", ["naive_seasonal", "ratio_yoy", "ratio_12m"]].idxmin()
    print(f"\nnoise floor (truth vs observed CO2, same region-months): {floor:.2%}")
    print(f"LightGBM MAPE vs observed {lgb_mape:.2%} = {lgb_mape / floor:.2f} × noise floor  [target ≤ 1.3 ×]")
    print(f"LightGBM MAPE vs noise-free truth {lgb_vs_truth:.2%}")
    print(f"LightGBM vs ratio_yoy: {1 - lgb_mape / yoy_mape:+.0%} lower  [target ≥ 25% lower]; "
          f"best baseline {best_base} {mape.loc['all', best_base]:.2%}")
    cov = lgb.assign(c90=(lgb["actual"] >= lgb["lo90"]) & (lgb["actual"] <= lgb["hi90"]))
    known = pred[(pred["model"] == "lightgbm") & pred["lo90"].notna()]
    c90 = ((known["actual"] >= known["lo90"]) & (known["actual"] <= known["hi90"])).mean()
    c80 = ((known["actual"] >= known["lo80"]) & (known["actual"] <= known["hi80"])).mean()
    print(f"LightGBM interval coverage: 80% → {c80:.1%}, 90% → {c90:.1%}  [target 85–95% for the 90% interval] "
          f"({len(known)} of {len(cov)} predictions had calibrated intervals)")

    prod = pred[(pred["model"] == "product") & pred["lo90"].notna()]
    p_mape = mape.loc["all", "product"]
    base = mape.loc["all", ["naive_seasonal", "ratio_yoy"]]
    print(f"\nproduct model (choice/combination on past origins): MAPE {p_mape:.2%} = {p_mape / floor:.2f} × noise floor; "
          f"{p_mape / base.min():.2f} × best simple baseline ({base.idxmin()} {base.min():.2%})")
    cov_h = prod.assign(c=(prod["actual"] >= prod["lo90"]) & (prod["actual"] <= prod["hi90"])).groupby("horizon")["c"].mean()
    print("product 90% coverage by horizon: " + ", ".join(f"h{h} {c:.1%}" for h, c in cov_h.items()) +
          f"; all {((prod['actual'] >= prod['lo90']) & (prod['actual'] <= prod['hi90'])).mean():.1%}")
    last = bt.settings["product_choices"][bt.settings["origins"][-1]]
    print("product choice at the last origin: " + "; ".join(
        f"h{h} " + "+".join(f"{m} {w:.2f}" for m, w in c["weights"].items()) for h, c in last.items()))

    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        nowcast.nowcast(obs, as_of=AS_OF, origins=0)
        times.append(time.perf_counter() - t0)
    print(f"\ndemo train+predict (six models + product, no calibration backtest): median {statistics.median(times):.1f} s  [target < 10 s]")
    t0 = time.perf_counter()
    nowcast.nowcast(obs, as_of=AS_OF)
    print(f"demo full nowcast incl. its calibration backtest: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    pd.set_option("display.width", 160)
    main()
