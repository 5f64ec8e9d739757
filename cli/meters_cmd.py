"""CLI: `meters generate|aggregate|load|rollback|factors|accounts` — enterprise meter data and carbon accounts.

`generate` writes synthetic readings (Parquet by month and city) plus `_enterprises.csv` and
`_mrv_years.csv` (leading underscores: Parquet readers skip them). `aggregate` sums any folder of
Parquet files (columns enterprise_id, date, kwh) to `enterprise_id,month,kwh` on DuckDB or Spark.
`load` validates a meter file and stores it beside the warehouse (atomically: a killed load can be
run again); `rollback BATCH --user ANALYST` withdraws a meter upload (a rollback batch records it); `factors` and `accounts` run the
enterprise job on the warehouse's meters.
"""
from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def _write_csv(frame: pd.DataFrame, out: str | None) -> None:
    """Defused CSV (text that a spreadsheet would run is quoted), plain UTF-8 for machines."""
    from reports.safe_text import write_csv

    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        write_csv(frame, out)
        print(f"{len(frame):,} rows written to {out}", file=sys.stderr)
    else:
        write_csv(frame)


def cmd_generate(args) -> int:
    from demo_province import meters_generator as gen

    if args.enterprises < 1 or args.days < 1 or args.cities < 1:
        print("error: --enterprises, --days and --cities must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        start = date.fromisoformat(args.start)
    except ValueError:
        print(f"error: --start must be YYYY-MM-DD, got {args.start!r}", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out)
    if out.exists() and any(out.rglob("*.parquet")):
        print(f"error: {out} already holds Parquet files; choose an empty folder", file=sys.stderr)
        return EXIT_REJECTED
    t0 = time.perf_counter()
    cities = [f"C{i:02d}" for i in range(1, args.cities + 1)]
    ents = gen.enterprises(args.enterprises, cities, start=start, days=args.days, seed=args.seed)
    info = gen.write_parquet(out, ents, start, args.days, seed=args.seed)
    from reports.safe_text import write_csv

    write_csv(ents.rename(columns={"enterprise_id": "code", "city": "region"})[["code", "region", "sector", "factor"]],
              out / "_enterprises.csv")
    write_csv(gen.verified_years(ents, list(range(start.year - 4, start.year)), seed=args.seed), out / "_mrv_years.csv")
    print(f"{info['rows']:,} readings of {args.enterprises:,} enterprises × {args.days} days in {info['files']} files "
          f"({info['bytes'] / 2**20:.1f} MiB) written to {out} in {time.perf_counter() - t0:.1f} s")
    return EXIT_OK


def cmd_aggregate(args) -> int:
    from engines import get_engine, meter_job

    remote = "://" in args.input  # a cluster's storage (s3a://, hdfs://): only Spark's executors can see it
    folder = args.input if remote else Path(args.input)
    if remote and args.engine != "spark":
        print("error: a remote --input needs --engine spark", file=sys.stderr)
        return EXIT_USAGE
    if not remote and (not folder.is_dir() or next(folder.rglob("*.parquet"), None) is None):
        print(f"error: no Parquet files under {folder}", file=sys.stderr)
        return EXIT_REJECTED
    t0 = time.perf_counter()
    engine = get_engine(args.engine)
    try:
        frame = meter_job.monthly_kwh(engine, folder)
    except Exception as exc:  # noqa: BLE001 - a bad input folder is a rejected input, not a traceback
        print(f"error: cannot aggregate {folder}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_REJECTED
    finally:
        engine.close()
    _write_csv(frame, args.out)
    print(f"{args.engine}: {frame['enterprise_id'].nunique():,} enterprises, {len(frame):,} enterprise-months "
          f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return EXIT_OK


def cmd_load(args) -> int:
    from warehouse import meters

    try:
        result = meters.ingest_meter_file(args.db_path, args.file, user=args.user, dry_run=args.dry_run)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1, default=str))
    else:
        msg = result.message_zh if args.lang == "zh" else result.message_en
        print(f"{result.status}: {msg}")
        for r in result.report.astype(object).itertuples():
            where = "file" if pd.isna(r.row) else f"row {int(r.row)}"
            col = f", column {r.column}" if isinstance(r.column, str) and r.column else ""
            problem, fix = (r.problem_zh, r.fix_zh) if args.lang == "zh" else (r.problem_en, r.fix_en)
            print(f"  {r.severity} {where}{col}: {problem} -> {fix}")
    return EXIT_REJECTED if result.status == meters.REJECTED else EXIT_OK


def cmd_rollback(args) -> int:
    from warehouse import meters, users

    try:
        result = meters.rollback_meter_batch(args.db_path, args.batch, args.user)
    except (meters.MeterRollbackRefused, users.PermissionDenied) as exc:
        print(f"refused ({exc.code}): {exc.message_en} / {exc.message_zh}", file=sys.stderr)
        return EXIT_REJECTED
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    else:
        print(result["message_zh"] if args.lang == "zh" else result["message_en"])
    return EXIT_OK


def _accounts(args):
    from monitor import enterprise_accounts as ea
    from monitor.status import status_report

    try:
        rep = status_report(args.db_path)
        sched = rep.schedule[rep.schedule["month"] == rep.month]
        return ea.accounts(args.db_path, engine=args.engine, year=rep.year, month=rep.month,
                           schedule=dict(zip(sched["region"], sched["cum_share"])), city_budgets=rep.budgets)
    except ValueError:  # no budget yet: accounts without budgets
        return ea.accounts(args.db_path, engine=args.engine)


def cmd_factors(args) -> int:
    from monitor import enterprise_accounts as ea

    _, out = ea.run_job(args.db_path, args.engine)
    f = out["factors"].assign(factor_t_per_mwh=lambda d: d["factor"] * 1000, sd_t_per_mwh=lambda d: d["factor_sd"] * 1000)
    _write_csv(f, args.out)
    return EXIT_OK


def cmd_accounts(args) -> int:
    acc = _accounts(args)
    if acc.empty:
        print("no meter data in this warehouse (load it with `carbon-budget meters load FILE`)", file=sys.stderr)
        return EXIT_OK
    table = {"city": acc.comparison, "sector": acc.sector, "enterprise": acc.enterprise, "budgets": acc.budgets}[args.level]
    if args.region:
        table = table[table["region"] == args.region]
    if args.json:
        rec = table.astype(object).where(table.notna(), None).to_dict(orient="records")
        print(json.dumps({"engine": acc.engine, "year": acc.year, "month": acc.month, "level": args.level, "rows": rec},
                         ensure_ascii=False, indent=1, default=str))
    else:
        _write_csv(table, args.out)
    return EXIT_OK


def add_parsers(sub) -> None:
    m = sub.add_parser("meters", help="enterprise grid-meter data and carbon accounts (DuckDB or Spark)")
    msub = m.add_subparsers(dest="meters_command", required=True)
    g = msub.add_parser("generate", help="write synthetic daily readings as Parquet (month/city partitions)")
    g.add_argument("--enterprises", type=int, required=True)
    g.add_argument("--days", type=int, required=True)
    g.add_argument("--out", required=True)
    g.add_argument("--start", default="2025-01-01", help="first day, YYYY-MM-DD")
    g.add_argument("--cities", type=int, default=12)
    g.add_argument("--seed", type=int, default=7)
    g.set_defaults(func=cmd_generate)
    a = msub.add_parser("aggregate", help="monthly kWh per enterprise from a folder of Parquet files")
    a.add_argument("--input", required=True)
    a.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    a.add_argument("--out", required=True)
    a.set_defaults(func=cmd_aggregate)
    ld = msub.add_parser("load", help="validate a meter file (enterprise_id,date,kwh; CSV or Parquet) and store it")
    ld.add_argument("file")
    ld.add_argument("--user", default=None)
    ld.add_argument("--dry-run", action="store_true")
    ld.add_argument("--lang", choices=["zh", "en"], default="en")
    ld.add_argument("--json", action="store_true")
    ld.set_defaults(func=cmd_load)
    rb = msub.add_parser("rollback", help="roll a meter upload back (recorded as a rollback batch; the days may be loaded again)")
    rb.add_argument("batch", type=int)
    rb.add_argument("--user", default=None)
    rb.add_argument("--lang", choices=["zh", "en"], default="en")
    rb.add_argument("--json", action="store_true")
    rb.set_defaults(func=cmd_rollback)
    f = msub.add_parser("factors", help="electricity-to-carbon factor per key emitter (fit or sector fallback)")
    f.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    f.add_argument("--out")
    f.set_defaults(func=cmd_factors)
    c = msub.add_parser("accounts", help="monthly enterprise CO2 (estimate) by city, sector or enterprise; budgets")
    c.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    c.add_argument("--level", choices=["city", "sector", "enterprise", "budgets"], default="city")
    c.add_argument("--region")
    c.add_argument("--out")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_accounts)
