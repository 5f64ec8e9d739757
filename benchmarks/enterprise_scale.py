"""Enterprise meter data at scale: Parquet size, the meter job on DuckDB and on Spark local, page time.

Run: .venv/bin/python benchmarks/enterprise_scale.py [--sizes 10000,100000] [--engines duckdb,spark]
     [--days 365] [--db DEMO.duckdb] [--keep DIR]

For each size (enterprises × days of daily readings) it generates the Parquet set (month/city
partitions, with `_enterprises.csv` and `_mrv_years.csv`), then runs in a fresh child process per
engine: (1) the monthly aggregation alone (`meters aggregate`), (2) the whole job (monthly kWh,
factor fit with fallback, monthly CO2 per enterprise with bands, sector and city roll-ups). Peak
memory is the largest summed RSS of the child's process tree (the Spark JVM included), sampled every
50 ms from /proc. Then the growth from the smallest to the largest size, and the city page's
enterprise section cold and warm (AppTest) on a demo warehouse.
Targets on 2 cores: 10^5 × 365 on DuckDB < 30 s and < 4 GB; the enterprise section < 0.5 s warm.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DUCKDB_TARGET_S, DUCKDB_TARGET_GB, PAGE_TARGET_S = 30.0, 4.0, 0.5


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                out.append(int(d))
    return out


def _tree_rss(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            continue
        todo += _children(p)
    return total


def run_child(args: list[str]) -> tuple[dict, int]:
    """(the child's JSON result, peak RSS of its process tree in bytes)."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            cwd=str(ROOT))
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.05)
    out = proc.stdout.read().decode().strip().splitlines()
    if proc.returncode != 0 or not out:
        raise RuntimeError(f"child {args} failed with exit {proc.returncode}")
    return json.loads(out[-1]), peak


def child(engine_name: str, folder: str, what: str) -> None:
    import pandas as pd

    from engines import get_engine, meter_job

    t0 = time.perf_counter()
    engine = get_engine(engine_name)
    if engine_name == "spark":
        engine.spark.range(1).count()  # session fully up before the clock starts
    startup = time.perf_counter() - t0
    t0 = time.perf_counter()
    if what == "aggregate":
        rows = len(meter_job.monthly_kwh(engine, folder))
    else:
        reg = pd.read_csv(Path(folder) / "_enterprises.csv", dtype={"code": str, "region": str})
        years = pd.read_csv(Path(folder) / "_mrv_years.csv", dtype={"code": str})
        out = meter_job.run(engine, folder, reg, years)
        rows = sum(len(f) for f in out.values())
    seconds = time.perf_counter() - t0
    engine.close()
    print(json.dumps({"startup_s": startup, "seconds": seconds, "rows": rows}))


def generate(n: int, days: int, folder: Path) -> dict:
    from cli.main import main

    t0 = time.perf_counter()
    assert main(["meters", "generate", "--enterprises", str(n), "--days", str(days), "--out", str(folder)]) == 0
    seconds = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in folder.rglob("*.parquet"))
    rows = 0
    import pyarrow.parquet as pq

    for p in folder.rglob("*.parquet"):
        rows += pq.ParquetFile(p).metadata.num_rows
    return {"seconds": seconds, "bytes": size, "rows": rows}


def page_timing(db_path: str) -> dict:
    from streamlit.testing.v1 import AppTest

    os.environ["CARBON_BUDGET_DB"] = str(db_path)

    def script():
        import time as _t

        import streamlit as _st

        from services import budget_view as _bv, data as _data, enterprise_view as _ev

        _path, _version = _data.require_warehouse()
        _rep = _bv.report(_path, _version)
        _region = sorted(_rep.progress.loc[~_rep.progress["is_province"].astype(bool), "region"])[0]
        _t0 = _t.perf_counter()
        _ev.enterprise_section(_path, _version, _rep, _region)
        _st.session_state["section_s"] = _t.perf_counter() - _t0

    at = AppTest.from_function(script, default_timeout=300)
    at.run()
    cold = at.session_state["section_s"]
    warm = []
    for _ in range(5):
        at.run()
        warm.append(at.session_state["section_s"])
    sys.path.insert(0, str(ROOT / "tests"))
    from apptest_util import open_page

    page = open_page("city", "zh", timeout=300)
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        page.run()
        runs.append(time.perf_counter() - t0)
    return {"section_cold_s": cold, "section_warm_s": statistics.median(warm), "page_warm_s": statistics.median(runs)}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--engines", default="duckdb,spark")
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--db", default=None, help="demo warehouse for the page timing (default: build one)")
    p.add_argument("--keep", default=None, help="folder to keep the generated sets in")
    p.add_argument("--child", nargs=3, metavar=("ENGINE", "DIR", "WHAT"))
    args = p.parse_args()
    if args.child:
        child(*args.child)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    engines = [e for e in args.engines.split(",") if e]
    base = Path(args.keep or tempfile.mkdtemp(prefix="enterprise_scale_"))
    results: dict[tuple, dict] = {}
    for n in sizes:
        folder = base / f"n{n}"
        if folder.exists():
            shutil.rmtree(folder)
        g = generate(n, args.days, folder)
        print(f"{n:>7,} enterprises × {args.days} days: {g['rows']:,} rows, Parquet {g['bytes'] / 2**20:.1f} MiB "
              f"({g['bytes'] / g['rows']:.1f} B/row), generated in {g['seconds']:.1f} s", flush=True)
        for engine in engines:
            for what in ("aggregate", "job"):
                r, peak = run_child([engine, str(folder), what])
                results[(n, engine, what)] = {**r, "peak": peak}
                target = ""
                if engine == "duckdb" and n >= 100_000:
                    ok = r["seconds"] < DUCKDB_TARGET_S and peak < DUCKDB_TARGET_GB * 2**30
                    target = "  ok" if ok else f"  MISSED (target < {DUCKDB_TARGET_S:g} s, < {DUCKDB_TARGET_GB:g} GB)"
                print(f"  {engine:<6} {what:<9} {r['seconds']:7.1f} s  peak RSS {peak / 2**30:5.2f} GB"
                      f"  (engine start {r['startup_s']:.1f} s, {r['rows']:,} result rows){target}", flush=True)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        for engine in engines:
            for what in ("aggregate", "job"):
                a, b = results[(lo, engine, what)], results[(hi, engine, what)]
                print(f"growth {lo:,} → {hi:,} ({hi / lo:g}× data): {engine} {what}: time ×{b['seconds'] / a['seconds']:.1f}, "
                      f"peak RSS ×{b['peak'] / a['peak']:.1f}")
    db_path = args.db
    if db_path is None:
        from demo_province import build as demo

        db_path = str(base / "demo.duckdb")
        demo.build(db_path, as_of="2026-10")
    pt = page_timing(db_path)
    ok = "ok" if pt["section_warm_s"] < PAGE_TARGET_S else f"MISSED (target {PAGE_TARGET_S:g} s)"
    print(f"city page enterprise section: cold {pt['section_cold_s']:.2f} s, warm {pt['section_warm_s'] * 1000:.0f} ms {ok}; "
          f"whole city page warm (AppTest) {pt['page_warm_s']:.2f} s")


if __name__ == "__main__":
    main()
