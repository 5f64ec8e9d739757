"""CLI `close`: annual final accounts (年度决算) and the five-year close (五年决算).

- `close --year Y [--json]`: close year Y (stores a new close version) and print it;
- `close --year Y --approve --user NAME`: apply the latest version's proposed adjustments (admin);
- `close --five-year 2021-2025 [--json] [--score REGION INDICATOR VALUE --user NAME]`: the period's assessment;
- `--pdf FILE` / `--xlsx FILE`: the report documents.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import budget
from budget import evaluation
from monitor import accounts
from warehouse import closes as wcloses, db, users

from cli.common import EXIT_OK, EXIT_USAGE
from cli.common import refused as _refused


def _write(path: str | None, data_fn) -> None:
    if path:
        Path(path).write_bytes(data_fn())
        print(f"written {path}", file=sys.stderr)


def _period(text: str) -> tuple[int, int]:
    try:
        a, b = (int(x) for x in str(text).split("-"))
    except ValueError:
        raise ValueError(f"--five-year must be YYYY-YYYY, got {text!r}") from None
    return a, b


def cmd_close(args) -> int:
    from reports import accounts_doc

    from monitor.approvals import ApprovalError

    errors = (accounts.CloseError, budget.LedgerError, users.PermissionDenied, ApprovalError, ValueError, FileNotFoundError)
    try:
        if args.five_year:
            start, end = _period(args.five_year)
            for region, indicator, value in args.score or []:
                if indicator not in evaluation.ENTERED:
                    raise ValueError(f"--score indicator must be one of {', '.join(evaluation.ENTERED)}")
                wcloses.enter_score(args.db_path, start, end, region, indicator, float(value), args.user)
            if args.approve:
                out = accounts.approve_five_year(args.db_path, start, end, args.user)
                print(json.dumps(out, ensure_ascii=False) if args.json else
                      f"five-year close {out['period']} (assessment {out['assessment_id']}): {out['status']}"
                      + (f", approval {out['approval']} waits for confirmation" if out["status"] == "pending" else ""))
                return EXIT_OK
            result, info = accounts.run_five_year(args.db_path, start, end, user=args.user)
            record = accounts.five_year_record(result) | {"assessment_id": info["assessment_id"], "version": info["version"]}
            if args.pdf or args.xlsx:
                from monitor.filing_package import five_year_extras

                kw = five_year_extras(args.db_path, start, end)
                _write(args.pdf, lambda: accounts_doc.five_year_pdf(result.rows, result.fuels, start, end, result.closes, result.sectors, **kw))
                _write(args.xlsx, lambda: accounts_doc.five_year_xlsx(result.rows, result.fuels, result.closes, result.sectors, **kw))
            if args.json:
                print(json.dumps(record, ensure_ascii=False, indent=1, default=str))
            else:
                print(f"five-year close {start}-{end} (assessment {info['assessment_id']} v{info['version']})")
                for r in sorted(record["regions"], key=lambda r: (r["rank"] is None, r["rank"] or 0)):
                    print(f"  {r['rank'] or '-':>3} {r['region']:<8} score {r['score'] if r['score'] is not None else '—':>6}"
                          f"  {r['grade_zh'] or '—'}  total {r['total_completion']}  intensity {r['intensity_completion']}")
            return EXIT_OK
        if args.year is None:
            print("usage: close --year Y [--approve --user NAME] | close --five-year YYYY-YYYY", file=sys.stderr)
            return EXIT_USAGE
        if args.approve:
            with db.connect(args.db_path) as con:
                has = wcloses.latest_close_id(con, args.year) is not None
            if not has:
                accounts.run_close(args.db_path, args.year, user=args.user)
            out = accounts.approve(args.db_path, args.year, args.user)
            if args.json:
                print(json.dumps(out, ensure_ascii=False, default=str))
            elif out["status"] == "pending":
                print(f"close {out['year']} v{out['version']}: approval {out['approval']} waits for the {out['signoff']}'s "
                      f"confirmation (`approvals confirm {out['approval']}`) / 待确认")
            elif out.get("carried_into_next_period"):
                print(f"close {out['year']} v{out['version']} approved by {out['approved_by']}: no budget for {out['year'] + 1} "
                      f"yet, the adjustments are recorded as carried into the next period / 调节量结转下一规划期")
            else:
                print(f"close {out['year']} v{out['version']} approved by {out['approved_by']}: "
                      f"{out['entries']} ledger entries on {out['year'] + 1} ({out['moved']:,.2f} (10^4 t) moved)"
                      + (f"; estimated months: {', '.join(out['months_estimated'])}" if out.get("months_estimated") else ""))
            return EXIT_OK
        close, info, diff = accounts.run_close(args.db_path, args.year, user=args.user)
        record = accounts.close_record(close) | {"close_id": info["close_id"], "version": info["version"],
                                                 "unchanged": bool(info.get("unchanged")),
                                                 "changes": json.loads(diff.to_json(orient="records", force_ascii=False))}
        if args.pdf or args.xlsx:
            from monitor.filing_package import annual_extras

            kw = annual_extras(args.db_path, close.year)  # objections and answers, target, rules, signatures
            _write(args.pdf, lambda: accounts_doc.annual_pdf(close.rows, close.fuels, close.year, close.provisional,
                                                             close.months_estimated, info["version"], **kw))
            _write(args.xlsx, lambda: accounts_doc.annual_xlsx(close.rows, close.fuels, **kw))
    except errors as exc:
        return _refused(exc)
    if args.json:
        print(json.dumps(record, ensure_ascii=False, indent=1, default=str))
        return EXIT_OK
    print(f"year close {close.year} v{info['version']}" + (f" PROVISIONAL (estimated or missing: {', '.join(close.months_estimated)})"
                                                            if close.provisional else ""))
    for r in record["regions"]:
        rate = "—" if r["execution_rate"] is None else f"{r['execution_rate']:.1%}"
        print(f"  {r['region']:<8} budget {r['budget']}  accounted {r['accounted']}  {rate}  {r['conclusion']}  "
              f"next {r['proposed_next_budget']}  {r['adjustment_reason']}")
    if len(diff):
        print(f"changed since the previous version: {len(diff)} values")
    return EXIT_OK


def add_parsers(sub) -> None:
    c = sub.add_parser("close", help="annual final accounts (year close) and the five-year close")
    c.add_argument("--year", type=int, default=None)
    c.add_argument("--five-year", dest="five_year", default=None, metavar="YYYY-YYYY")
    c.add_argument("--approve", action="store_true", help="apply the proposed adjustments of the year's latest close")
    c.add_argument("--user", default=None, help="who acts (an admin to approve or score, once users exist)")
    c.add_argument("--score", nargs=3, action="append", metavar=("REGION", "INDICATOR", "VALUE"),
                   help=f"enter a score 0-100 for the five-year assessment ({', '.join(evaluation.ENTERED)})")
    c.add_argument("--json", action="store_true")
    c.add_argument("--pdf", default=None, metavar="FILE")
    c.add_argument("--xlsx", default=None, metavar="FILE")
    c.set_defaults(func=cmd_close)
