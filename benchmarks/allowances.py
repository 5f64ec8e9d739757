"""Allowance-year timings for 10,000 key emitting units (medians of 3). Run: .venv/bin/python benchmarks/allowances.py

Builds a warehouse with 12 cities and 10,000 units (coal above and below the 300 MW class, unconventional coal,
gas; national and local markets; some combined heat and power) with two years of figures, then times each step
on a fresh copy: pre-allocation of 2025 (read the list, compute, write 10,000 ledger rows), true-up on the
verified 2025 output, compliance of 2025, the page's overview (list with grades, results, reconciliation) and the
pure allocation alone. Target on 2 cores: pre-allocation, true-up and compliance each < 2 s.
"""
from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from budget import allowances as al  # noqa: E402
from monitor import allowance_overview, allowances  # noqa: E402
from warehouse import db, key_emitters, store  # noqa: E402

N, YEAR, REPEAT = 10_000, 2025, 3
PRODUCTS = ["coal_above_300", "coal_le_300", "coal_unconventional", "gas"]


def build(path: Path) -> None:
    rng = np.random.default_rng(18)
    cities = [f"C{i:02d}" for i in range(12)]
    regions = pd.DataFrame({"code": ["P"] + cities, "name_zh": ["省"] + cities, "name_en": ["P"] + cities,
                            "parent": [""] + ["P"] * 12, "level": ["province"] + ["city"] * 12})
    codes = [f"U{i:05d}" for i in range(N)]
    product = rng.choice(PRODUCTS, N, p=[0.4, 0.3, 0.1, 0.2])
    reg = pd.DataFrame({"code": codes, "name_zh": codes, "name_en": codes, "region": rng.choice(cities, N), "sector": "电力",
                        "market": rng.choice(["national", "local"], N, p=[0.9, 0.1]), "local_addition": False, "gases": "CO2",
                        "product": product, "cooling": rng.choice(["water", "air"], N, p=[0.8, 0.2])})
    reg.loc[reg["market"] == "local", "local_addition"] = True      # small units below the national threshold
    frames = []
    for y in (YEAR - 1, YEAR):
        supply = rng.uniform(0.3e6, 5e6, N)
        heat = np.where(rng.random(N) < 0.3, rng.uniform(0.2e6, 3e6, N), 0.0)
        co2 = supply * np.where(product == "gas", 0.38, 0.85) + heat * 0.11
        co2 = np.where(reg["market"] == "local", co2 / supply * 20_000, co2)
        frames.append(pd.DataFrame({"code": codes, "year": y, "co2": co2 / al.T_PER_WAN_T, "elec": supply / 20, "verified": True,
                                    "output": np.where(reg["market"] == "local", 20_000, supply), "heat_output": heat,
                                    "load_rate": rng.uniform(0.5, 0.95, N), "heat_ratio": np.where(heat > 0, 0.15, 0.0)}))
    with db.transaction(path) as con:
        store.upsert_regions(con, regions)
        batch, at = store.new_batch(con, origin="demo", source_name="benchmark")
        key_emitters.store_registry(con, reg, pd.concat(frames), batch, recorded_at=at)


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    base = tmp / "base.duckdb"
    t0 = time.perf_counter()
    build(base)
    print(f"warehouse with {N:,} units and two years of figures: {time.perf_counter() - t0:.1f} s")
    times = {"pre-allocation": [], "true-up": [], "compliance": [], "page overview": []}
    for i in range(REPEAT):
        path = tmp / f"run{i}.duckdb"
        shutil.copy(base, path)
        for name, fn in (("pre-allocation", lambda: allowances.preallocate(path, YEAR, "bench")),
                         ("true-up", lambda: allowances.trueup(path, YEAR, "bench")),
                         ("compliance", lambda: allowances.compliance(path, YEAR)),
                         ("page overview", lambda: allowance_overview.overview(path, YEAR))):
            t0 = time.perf_counter()
            out = fn()
            times[name].append(time.perf_counter() - t0)
        assert len(out["results"]) == N
    for name, ts in times.items():
        print(f"{name} ({N:,} units): median {statistics.median(ts):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in ts)})")
    with db.connect(base) as con:
        reg, yrs = allowances._list(con)
    fig = allowances._figures(reg, yrs, YEAR)
    table = al.load_benchmarks()
    ts = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        al.allocate(fig, YEAR, table, 0.98)
        ts.append(time.perf_counter() - t0)
    print(f"pure allocation ({N:,} units): median {statistics.median(ts) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
