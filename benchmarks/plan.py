"""Budget plan compilation timings (medians). Run: .venv/bin/python benchmarks/plan.py

Prints: scenarios + vertical allocation (compile_plan) at 300 cities [target < 1 s]; horizontal
allocation of one city's budget to 5,000 key emitters [< 1 s]; the plan PDF and xlsx of the
300-city plan [< 5 s each]. Synthetic inputs: 300 cities × 10 years of monthly CO2, quarterly GDP,
annual population; 5,000 emitters × 5 years.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import timed  # noqa: E402
from budget import allocation, plan_versions  # noqa: E402
from reports import plan_doc  # noqa: E402

YEARS = list(range(2026, 2031))


def inputs(n: int = 300, seed: int = 1):
    rng = np.random.default_rng(seed)
    cities = [f"C{i:03d}" for i in range(n)]
    base = rng.uniform(200, 8000, n)
    periods = [f"{y}-{m:02d}" for y in range(2016, 2026) for m in range(1, 13)]
    growth = rng.uniform(-0.04, 0.06, n)
    hist = pd.DataFrame({"region": np.repeat(cities, len(periods)), "period": np.tile(periods, n),
                         "value": (base[:, None] / 12 * (1 + growth[:, None]) ** (np.arange(len(periods)) / 12)).ravel()})
    quarters = [f"{y}-Q{q}" for y in range(2016, 2026) for q in range(1, 5)]
    gdp = pd.DataFrame({"region": np.repeat(cities, len(quarters)), "period": np.tile(quarters, n),
                        "value": np.repeat(base * rng.uniform(0.2, 2.0, n) / 4, len(quarters))})
    pop = pd.DataFrame({"region": np.repeat(cities, 10), "period": np.tile([str(y) for y in range(2016, 2026)], n),
                        "value": np.repeat(rng.uniform(50, 1500, n), 10)})
    return cities, hist, gdp, pop


def emitters(n: int = 5000, seed: int = 2):
    rng = np.random.default_rng(seed)
    codes = [f"E{i:05d}" for i in range(n)]
    reg = pd.DataFrame({"code": codes, "name_zh": codes, "name_en": codes, "region": "C000",
                        "sector": rng.choice(["电力", "钢铁", "水泥", "化工", "造纸"], n)})
    years = pd.DataFrame({"code": np.repeat(codes, 5), "year": np.tile(range(2021, 2026), n),
                          "co2": rng.lognormal(2.5, 1.0, 5 * n) + 2.6, "elec": rng.lognormal(8, 1, 5 * n), "verified": True})
    return reg, years


def main() -> None:
    cities, hist, gdp, pop = inputs()
    compile_ = lambda method: plan_versions.compile_plan("P", cities, hist, YEARS, gdp=gdp, population=pop, scenario="policy",
                                                         method=method, weights={"history": 0.5, "gdp": 0.3, "per_capita": 0.2},
                                                         projects=[{"region": "C001", "project": "钢厂", "amount": 100.0}])
    for method in ("history", "mix"):
        t, content = timed(lambda: compile_(method))
        print(f"scenarios + vertical allocation, 300 cities, method {method}: median {t:.3f} s  [target < 1 s]")
    reg, years = emitters()
    budget_by_year = {y: 50000.0 for y in YEARS}

    def split():
        units = allocation.emitter_units(reg, years, "C000", YEARS[0])
        return allocation.horizontal(budget_by_year, units, "intensity", rest_share=0.2)

    t, out = timed(split)
    print(f"horizontal allocation, {out['unit'].nunique() - 1:,} key emitters × 5 years (intensity benchmark): median {t:.3f} s  [target < 1 s]")
    v = {"plan": "P-2026-2030", "version": 1, "user": "bench", "note": "", "created_at": "2026-01-01", "content": content, "changes": []}
    names = {c: f"城市{c[1:]}" for c in cities}
    t, pdf = timed(lambda: plan_doc.pdf(v, names))
    print(f"plan PDF, 300 cities: median {t:.2f} s, {len(pdf) / 1024:.0f} KB  [target < 5 s]")
    t, xlsx = timed(lambda: plan_doc.xlsx(v, names))
    print(f"plan xlsx, 300 cities: median {t:.2f} s, {len(xlsx) / 1024:.0f} KB  [target < 5 s]")


if __name__ == "__main__":
    main()
