"""Final-accounts timings at 300 cities (medians). Run: .venv/bin/python benchmarks/accounts.py

Builds a 300-city demo warehouse (no nowcast) with its 2026–2030 plan and the 14th-period accounts
(2021–2025 plan, closes approved, five-year close), then times: the year close of 2025 (compute, and
compute + store), the five-year close 2021–2025 (from the stored year closes, and computing every year
afresh), and each report (annual / five-year PDF and xlsx). Targets on 2 cores: each close < 2 s,
each report < 5 s.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import timed  # noqa: E402
from demo_province.accounts_demo import build_accounts  # noqa: E402
from demo_province.build import create_demo_plan  # noqa: E402
from demo_province.warehouse_build import build_demo  # noqa: E402
from monitor import accounts  # noqa: E402
from reports import accounts_doc  # noqa: E402

AS_OF = "2026-10"
N = 300


def main() -> None:
    path = Path(tempfile.mkdtemp()) / "big.duckdb"
    t0 = time.perf_counter()
    build_demo(path, n_cities=N, as_of=AS_OF)
    create_demo_plan(path)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    info = build_accounts(path)
    t_demo = time.perf_counter() - t0
    print(f"{N}-city warehouse with the 2026 plan: {t_build:.1f} s; 14th-period accounts (plan, 5 closes approved, "
          f"five-year close): {t_demo:.2f} s")
    t, close = timed(lambda: accounts.compute_close(path, 2025))
    print(f"year close 2025, {N} cities (compute): median {t:.2f} s  [target < 2 s]")
    t, _ = timed(lambda: accounts.run_close(path, 2025))
    print(f"year close 2025, {N} cities (compute + store a version + diff): median {t:.2f} s  [target < 2 s]")
    t, five = timed(lambda: accounts.compute_five_year(path, 2021, 2025))
    print(f"five-year close 2021-2025, {N} cities (from the stored year closes): median {t:.2f} s  [target < 2 s]")
    t, _ = timed(lambda: accounts.run_five_year(path, 2021, 2025))
    print(f"five-year close 2021-2025, {N} cities (compute + store the assessment): median {t:.2f} s  [target < 2 s]")
    t, _ = timed(lambda: [accounts._compute(accounts._inputs_for(path, 2020), y, {}) for y in range(2021, 2026)], repeat=1)
    print(f"five year closes computed afresh (2021..2025, {N} cities): {t:.2f} s")
    t, pdf = timed(lambda: accounts_doc.annual_pdf(close.rows, close.fuels, 2025, close.provisional, close.months_estimated, 1), repeat=2)
    print(f"annual report PDF ({len(pdf) / 1e6:.2f} MB): median {t:.2f} s  [target < 5 s]")
    t, x = timed(lambda: accounts_doc.annual_xlsx(close.rows, close.fuels), repeat=2)
    print(f"annual report xlsx ({len(x) / 1e6:.2f} MB): median {t:.2f} s  [target < 5 s]")
    t, pdf = timed(lambda: accounts_doc.five_year_pdf(five.rows, five.fuels, 2021, 2025, five.closes, five.sectors), repeat=2)
    print(f"five-year report PDF ({len(pdf) / 1e6:.2f} MB): median {t:.2f} s  [target < 5 s]")
    t, x = timed(lambda: accounts_doc.five_year_xlsx(five.rows, five.fuels, five.closes, five.sectors), repeat=2)
    print(f"five-year report xlsx ({len(x) / 1e6:.2f} MB): median {t:.2f} s  [target < 5 s]")


if __name__ == "__main__":
    main()
