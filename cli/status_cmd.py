"""CLI: `status [--year YYYY] [--as-of YYYY-MM] [--json]`: every region's budget status."""
from __future__ import annotations

import json
import sys

from monitor.status import STATUS_FIELDS, status_records, status_report

EXIT_OK, EXIT_REJECTED = 0, 1


def cmd_status(args) -> int:
    try:
        report = status_report(args.db_path, year=args.year, as_of=args.as_of)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    records = status_records(report)
    if args.json:
        print(json.dumps({"year": report.year, "as_of": report.as_of, "yardstick": report.yardstick, "regions": records}, ensure_ascii=False,
                         indent=1, default=str))
        return EXIT_OK
    print(f"budget status {report.year}, as of {report.as_of}")
    cols = ["region", "name_en", "budget", "execution_rate", "schedule_progress", "deviation", "status",
            "warning_level", "p_overspend", "run_out_month", "rank"]
    frame = report.progress.reindex(columns=[c for c in cols if c in STATUS_FIELDS])
    print(frame.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    return EXIT_OK


def add_parsers(sub) -> None:
    s = sub.add_parser("status", help="budget status of every region (execution vs schedule, warnings)")
    s.add_argument("--year", type=int, default=None)
    s.add_argument("--as-of", default=None, help="YYYY-MM (default: the latest month with electricity data)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)
