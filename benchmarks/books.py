"""The books at scale (medians): a 300-city demo (no nowcast) with the province's rules set in the warehouse.

    .venv/bin/python benchmarks/books.py [--cities 300]

Prints: reading the rules in force; status (monitor.status.status_report, which reads the rules) with and
without rules stored; a no-change plan approval (layer difference: zero entries) and a revision's approval.
Target: status at 300 cities ≈ 1 s with rules read from the warehouse.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import timed  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cities", type=int, default=300)
    args = ap.parse_args()
    from demo_province import build
    from monitor import plan as mplan
    from monitor import rules as mrules
    from monitor.status import status_report

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "books.duckdb"
        t_build, _ = timed(lambda: build.build(path, n_cities=args.cities, with_nowcast=False), repeat=1)
        print(f"demo with {args.cities} cities (no nowcast) built in {t_build:.1f} s; load average {os.getloadavg()[0]:.1f}")
        t0, _ = timed(lambda: status_report(path), repeat=3)
        for key, value in (("status.tolerance", "0.04"), ("warning.red_deviation", "0.1"), ("advance.cap_share", "0.04")):
            mrules.set_rule(path, key, value, dt.date(2026, 1, 1), "benchmark", "system")
        t_rules, rules = timed(lambda: mrules.current(path), repeat=5)
        t1, rep = timed(lambda: status_report(path), repeat=3)
        assert rep.rules["status.tolerance"] == 0.04
        print(f"rules in force read: {t_rules * 1000:.1f} ms (median of 5)")
        print(f"status_report at {args.cities} cities: {t0:.2f} s with the default rules, {t1:.2f} s with rules stored (median of 3)")
        mplan.revise(path, "SF-2026-2030", user="system", note="benchmark: unchanged")
        t_same, out = timed(lambda: mplan.approve(path, "SF-2026-2030", None, "system"), repeat=1)
        print(f"approving an unchanged version: {t_same:.2f} s, {out['ledger_entries']} ledger entries written")
        mplan.revise(path, "SF-2026-2030", user="system", reserve_share=0.04, note="benchmark: reserve 4%")
        t_rev, out = timed(lambda: mplan.approve(path, "SF-2026-2030", None, "system"), repeat=1)
        print(f"approving a revision (reserve 3.5% -> 4%): {t_rev:.2f} s, {out['ledger_entries']} ledger entries (the layer's difference)")


if __name__ == "__main__":
    main()
