"""Hostile uploads (issue 8, items 5–7): time and peak memory of each. Run: .venv/bin/python benchmarks/hostile_uploads.py

Each case runs in a fresh spawned child process (so its resident-set high-water mark is its own) through
the real path, ``warehouse.ingest.ingest_bytes`` on a small warehouse (浙江省 and 11 cities), except the
sheet listing (``intake.sheets.list_sheets``, what the upload page runs in the server process) and the
forced million-row read (``read_upload`` + ``validate`` with the byte limit lifted, to show the reader's
own cost: refused by the row limit, and a file at the row limit read and checked). Prints, per case: median wall
seconds of 3 runs (1 at the row limit) and CPU seconds per run (wall time on a shared machine includes waiting), peak RSS of the child (MB,
imports included) and above its baseline after imports, the tracemalloc peak of one run (small cases), the outcome
(status and report codes) and the report size. Target: < 10 s and < 500 MB each.
"""
from __future__ import annotations

import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

TARGET_S, TARGET_MB = 10.0, 500.0
NOISE = {"region_not_uploaded", "indicator_not_uploaded"}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warehouse(folder: str) -> str:
    import build_upload_fixtures as B

    from warehouse import regions_io

    path, regions = Path(folder) / "w.duckdb", Path(folder) / "regions.csv"
    rows = ["code,name_zh,name_en,parent,level", "CN-ZJ,浙江省,Zhejiang,,province"]
    rows += [f"{c},{z},{e},CN-ZJ,city" for c, z, e in B.CITIES]
    regions.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert regions_io.load_regions_file(str(path), str(regions))["errors"] == []
    return str(path)


def _case(name: str, queue) -> None:
    import datetime as dt

    import build_upload_fixtures as B
    import hostile_files as H

    from benchmarks.timing import timed
    from intake.reader import read_upload
    from intake.sheets import list_sheets
    from intake.validate import validate
    from warehouse.ingest import ingest_bytes

    cases = {   # name -> (builder, file name, mode, repeats); built lazily, only this case's file
        "10,000 conflicting rows (csv)": (lambda: H.identical_conflicts(10_000), "c.csv", "ingest", 3),
        "10,000 identical rows (csv)": (lambda: H.identical_rows(10_000), "i.csv", "ingest", 3),
        "1,000,000 rows (csv, upload path)": (H.million_rows, "m.csv", "ingest", 3),
        "1,000,000 rows (csv, byte limit lifted)": (H.million_rows, "m.csv", "forced", 3),
        "250,000 rows = row limit (byte limit lifted)": (lambda: H.million_rows(250_000), "m.csv", "forced", 1),
        "merged A2:A1048576 (xlsx)": (H.merged_column_xlsx, "merged.xlsx", "ingest", 3),
        "merged A2:A1048576: list sheets": (H.merged_column_xlsx, "merged.xlsx", "sheets", 3),
        "20,000 columns (csv)": (lambda: H.wide_columns_csv(20_000), "w.csv", "ingest", 3),
    }
    build, fname, mode, repeat = cases[name]
    with tempfile.TemporaryDirectory() as folder:
        wh = _warehouse(folder)
        data = build()
        ref = B.reference()

        def run():
            if mode == "sheets":
                return "sheets", list_sheets(data), None
            if mode == "forced":
                v = validate(read_upload(data, fname, max_bytes=10 ** 9), ref, dt.date(2026, 4, 15))
                return "validated", sorted(set(v.report["code"]) - NOISE), v.report
            fresh = str(Path(folder) / "run.duckdb")          # a fresh copy each run: the first upload's outcome
            shutil.copyfile(wh, fresh)
            r = ingest_bytes(fresh, data, fname, today=dt.date(2026, 4, 15))
            return r.status, sorted(set(r.report["code"]) - NOISE), r.report

        base = _rss_mb()
        peak_py = float("nan")
        if repeat > 1:                 # tracemalloc slows allocation-heavy runs tenfold: small cases only
            tracemalloc.start()
            run()
            peak_py = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
        cpu0 = time.process_time()
        seconds, (status, codes, report) = timed(run, repeat=repeat)
        cpu = (time.process_time() - cpu0) / repeat           # on a shared machine wall time includes waiting
        size = 0 if report is None else int(report.memory_usage(deep=True).sum())
        lines = 0 if report is None else int((~report["code"].isin(NOISE)).sum())
        queue.put((name, len(data), seconds, cpu, _rss_mb(), _rss_mb() - base, peak_py, status, codes, lines, size))


def main() -> None:
    ctx = multiprocessing.get_context("spawn")
    names = ["10,000 conflicting rows (csv)", "10,000 identical rows (csv)", "1,000,000 rows (csv, upload path)",
             "1,000,000 rows (csv, byte limit lifted)", "250,000 rows = row limit (byte limit lifted)", "merged A2:A1048576 (xlsx)", "merged A2:A1048576: list sheets",
             "20,000 columns (csv)"]
    print(f"{'case':44} {'file':>9} {'median s':>9} {'cpu s':>6} {'peak RSS':>9} {'+RSS':>7} {'py peak':>8}  outcome")
    for name in names:
        queue = ctx.Queue()
        proc = ctx.Process(target=_case, args=(name, queue))
        t0 = time.perf_counter()
        proc.start()
        out = queue.get(timeout=900)
        proc.join()
        name, size, sec, cpu, rss, extra, py, status, codes, lines, rep = out
        flag = "" if min(sec, cpu) < TARGET_S and rss < TARGET_MB else "  OVER TARGET"
        print(f"{name:44} {size / 1024:8.0f}K {sec:9.2f} {cpu:6.2f} {rss:8.0f}M {extra:6.0f}M {py:7.0f}M  {status}: "
              f"{', '.join(map(str, codes))} ({lines} report lines, {rep / 1024:.1f} KB){flag}  "
              f"[child {time.perf_counter() - t0:.1f} s incl. start-up]")


if __name__ == "__main__":
    main()
