"""Warehouse build and page-query timings (medians). Run: .venv/bin/python benchmarks/warehouse_build.py

Prints: demo build time (12 cities), 300-city build time and file size, and the time of each
data-overview query on the 300-city warehouse. Targets on 2 cores: demo build < 10 s; every page
query < 200 ms at 300 cities.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import timed  # noqa: E402
from warehouse import db, queries  # noqa: E402
from demo_province.warehouse_build import build_demo  # noqa: E402

AS_OF = "2026-10"


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    demo_path = tmp / "demo.duckdb"
    t_demo, info = timed(lambda: build_demo(demo_path, n_cities=12, as_of=AS_OF))
    print(f"demo build (12 cities, {info['observations']:,} values, no nowcast): median {t_demo:.2f} s  [target < 10 s]")
    big = tmp / "big.duckdb"
    t_big, info = timed(lambda: build_demo(big, n_cities=300, as_of=AS_OF), repeat=1)
    size = sum(p.stat().st_size for p in tmp.glob("big.duckdb*"))
    print(f"300-city build ({info['observations']:,} values): {t_big:.2f} s, file {size / 1e6:.1f} MB")
    with db.connect(big) as con:
        city = queries.regions(con, "city")["code"].iloc[150]
        checks = {
            "totals": lambda: queries.totals(con),
            "holdings": lambda: queries.holdings(con),
            "regions": lambda: queries.regions(con, "city"),
            "indicators": lambda: queries.indicators(con),
            "series (1 city, 2 indicators)": lambda: queries.series(con, city, ["elec_total", "co2_total"]),
            "estimate_bands (1 city)": lambda: queries.estimate_bands(con, city),
            "co2_by_source (1 city, 1 year)": lambda: queries.co2_by_source(con, city, 2025),
            "latest_model_run": lambda: queries.latest_model_run(con),
            "data version": lambda: queries.data_version(con),
        }
        worst = 0.0
        for name, fn in checks.items():
            t, _ = timed(fn, repeat=5)
            worst = max(worst, t)
            print(f"  query {name:34s} median {t * 1000:7.1f} ms")
    print(f"slowest data-overview query at 300 cities: {worst * 1000:.1f} ms  [target < 200 ms]")


if __name__ == "__main__":
    main()
