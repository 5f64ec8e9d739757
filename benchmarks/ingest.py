"""Upload timings for a quarter of a 300-city province (medians). Run: .venv/bin/python benchmarks/ingest.py

Builds a 300-city demo warehouse with data up to 2026-07, then uploads 2026-08..10 for every city and every
monthly indicator except CO2 (the catalog has 26, so 300 × 26 × 3 = 23,400 values, not 27,000) as a long
CSV (GBK) and as an xlsx (openpyxl). Values are last year's same month × 1.03 (0 where a city has no such
series), so the file is clean. Measures, medians of 3:
  parse     intake.reader.read_upload
  validate  intake.validate.validate against warehouse.ingest.build_reference
  end to end warehouse.ingest.ingest_bytes on a fresh copy of the warehouse each time;
            commit = end to end − parse − validate (so it includes build_reference, also timed alone)
Memory: tracemalloc peak (Python allocations only) of one ingest_bytes call in this process, and
ru_maxrss (peak resident set of the whole process, incl. DuckDB) of a fresh child process that runs one
ingest_bytes (forked from a forkserver started early: Linux carries a parent's RSS high-water mark over
fork + exec, so a child started from this process would inherit the demo build's peak). Target on 2 cores: < 5 s end to end.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import multiprocessing
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import timed  # noqa: E402
from warehouse import catalog, db, queries  # noqa: E402
from warehouse.ingest import LOADED, build_reference, ingest_bytes  # noqa: E402
from intake.reader import read_upload  # noqa: E402
from intake.validate import validate  # noqa: E402

N_CITIES = 300
AS_OF = "2026-07"
MONTHS = ["2026-08", "2026-09", "2026-10"]
TARGET_S = 5.0
HEADER = ["地区", "时期", "指标", "数值", "单位"]


def fresh_copy(src: Path, dst: Path) -> Path:
    for suffix in ("", ".wal"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dst) + suffix)
    return dst


def upload_rows(path: Path) -> tuple[list[list], int]:
    """Long rows (header first) for MONTHS × cities × monthly non-CO2 indicators, and the indicator count."""
    ind = catalog.indicators()
    ind = ind[(ind["frequency"] == "monthly") & (ind["code"] != catalog.TARGET)]
    with db.connect(path) as con:
        cities = queries.regions(con, "city")[["code", "name_zh"]]
        last_year = con.execute(
            "SELECT region, period, indicator, value FROM observations_current WHERE kind = 'statistical' "
            "AND period IN (SELECT unnest(?))", [[f"{int(m[:4]) - 1}{m[4:]}" for m in MONTHS]]).df()
    base = {(r, p[5:], i): v for r, p, i, v in last_year.itertuples(index=False)}
    rows = [HEADER]
    for code, name in cities.itertuples(index=False):
        for m in MONTHS:
            for icode, iname, unit in ind[["code", "name_zh", "unit"]].itertuples(index=False):
                rows.append([name, m, iname, round(base.get((code, m[5:], icode), 0.0) * 1.03, 4), unit])
    return rows, len(ind)


def to_csv(rows: list[list]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("gbk")


def to_xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def child_maxrss(db_file: str, data_file: str) -> dict:
    """In a fresh child: one ingest_bytes; peak RSS (MB) after imports and after the ingest."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    res = ingest_bytes(db_file, Path(data_file).read_bytes(), Path(data_file).name, user="bench")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"status": res.status, "before_mb": before / 1024, "after_mb": after / 1024}


def in_fresh_process(ctx, fn, *args):
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(fn, *args).result()


def main() -> None:
    from multiprocessing import forkserver

    from demo_province import build as demo

    ctx = multiprocessing.get_context("forkserver")
    forkserver.ensure_running()  # now, while this process is small
    today = dt.date.today()
    assert max(MONTHS) < f"{today.year}-{today.month:02d}", f"upload months must not be in the future (today {today})"
    tmp = Path(tempfile.mkdtemp())
    base = tmp / "ingest300.duckdb"
    t0 = time.perf_counter()
    demo.build(base, n_cities=N_CITIES, as_of=AS_OF)
    print(f"300-city demo warehouse (as of {AS_OF}, incl. nowcast and plan) built in {time.perf_counter() - t0:.1f} s")
    rows, n_ind = upload_rows(base)
    n_values = len(rows) - 1
    note = "" if n_ind >= 30 else f" (the catalog has only {n_ind} monthly non-CO2 indicators, not 30)"
    print(f"upload: {N_CITIES} cities × {n_ind} indicators × {len(MONTHS)} months ({MONTHS[0]}..{MONTHS[-1]}) "
          f"= {n_values:,} values{note}")
    files = {"csv": ("quarter.csv", to_csv(rows)), "xlsx": ("quarter.xlsx", to_xlsx(rows))}
    for fmt, (name, data) in files.items():
        (tmp / name).write_bytes(data)

    with db.connect(base) as con:
        t_ref, ref = timed(lambda: build_reference(con))
    print(f"build_reference (part of ingest_bytes, inside 'commit' below): median {t_ref:.2f} s")

    worst = 0.0
    for fmt, (name, data) in files.items():
        t_parse, raw = timed(lambda: read_upload(data, name))
        assert raw.ok and len(raw.rows) == n_values, (raw.problems, len(raw.rows))
        t_val, checked = timed(lambda: validate(raw, ref, today))
        errors = checked.report[checked.report["severity"] == "error"]
        assert errors.empty, errors.head().to_string()
        n_warn = int((checked.report["severity"] == "warning").sum())
        work = tmp / f"work_{fmt}.duckdb"
        e2e = []
        for _ in range(3):
            fresh_copy(base, work)
            t0 = time.perf_counter()
            res = ingest_bytes(work, data, name, user="bench")
            e2e.append(time.perf_counter() - t0)
            assert res.status == LOADED and res.rows_loaded == n_values, (res.status, res.rows_loaded, res.message_en)
        t_e2e = statistics.median(e2e)
        worst = max(worst, t_e2e)
        print(f"{fmt:4s} ({len(data) / 1e6:.2f} MB, {len(checked.clean):,} clean values, {n_warn} warnings):")
        print(f"  parse    median {t_parse:.2f} s")
        print(f"  validate median {t_val:.2f} s")
        print(f"  commit   median {t_e2e - t_parse - t_val:.2f} s  (end to end − parse − validate; "
              f"incl. build_reference {t_ref:.2f} s)")
        print(f"  end to end ingest_bytes median {t_e2e:.2f} s  [target < {TARGET_S:g} s] "
              f"{'ok' if t_e2e < TARGET_S else 'MISSED'}  (runs {', '.join(f'{x:.2f}' for x in e2e)})")

        fresh_copy(base, work)
        tracemalloc.start()
        ingest_bytes(work, data, name, user="bench")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        fresh_copy(base, work)
        child = in_fresh_process(ctx, child_maxrss, str(work), str(tmp / name))
        assert child["status"] == LOADED, child
        print(f"  memory: tracemalloc peak (Python allocations, one ingest_bytes) {peak / 1e6:.0f} MB; "
              f"ru_maxrss of a fresh process (whole process incl. DuckDB and imports) {child['after_mb']:.0f} MB "
              f"after the ingest, {child['before_mb']:.0f} MB after imports alone")
    print(f"slowest end-to-end upload of {n_values:,} values: {worst:.2f} s  [target < {TARGET_S:g} s] "
          f"{'ok' if worst < TARGET_S else 'MISSED'}")
    print(f"(this process's own ru_maxrss, incl. the demo build: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
