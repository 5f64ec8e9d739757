"""CLI: the allowance year of the key emitting units (`allowances …`) and allowance prices (`prices …`).

    allowances preallocate --year Y --user ADMIN [--json]
    allowances trueup --year Y --user ADMIN [--json]          {units: [{code, sector, market, benchmark, output,
                                                                preallocated, trued_up, issued}]}
    allowances surrender --unit CODE --year Y --amount A --user ANALYST
    allowances compliance --year Y [--on DATE] [--json]       {units: [{code, verified, held, surrendered, status}]}
    allowances advance --unit CODE --year Y --amount A --reason T --user ADMIN
    allowances adjust --year Y --from CODE --to CODE --amount A --reason T --user ADMIN
    allowances regulate [--year Y] [--json]                   {proposals: [{kind, amount, reason}]}
    allowances buyback --year Y --amount A --price P [--reason T] --user ADMIN
    allowances reserve --year Y --kind release|replenish --amount A --reason T --user ADMIN
    allowances list [--year Y] [--json] | allowances export --year Y --xlsx FILE
    allowances coverage [--sector S --gases G --criterion T [--threshold X] --from-year Y --user ADMIN]
    prices template FILE.csv | prices load FILE --user ANALYST [--json]

Amounts are t CO2 (one allowance = one tonne), prices 元/吨. Refusals exit 1 with the reason in English and Chinese.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from budget.allowances import AllowanceError
from cli.common import EXIT_OK, EXIT_REJECTED, guarded, print_json
from intake.text_policy import TextRefused
from reports.safe_text import defuse_frame, terminal
from warehouse import users

try:
    from monitor.approvals import ApprovalError
except ImportError:  # before the approvals module exists
    class ApprovalError(ValueError):
        pass

_guard = guarded(AllowanceError, TextRefused, users.PermissionDenied, ApprovalError, usage=(ValueError,))


def _say(args, obj: dict, line: str) -> int:
    print_json(obj) if getattr(args, "json", False) else print(terminal(line))
    return EXIT_OK


def _approval_line(res: dict, what: str) -> str:
    if res["status"] == "pending":
        return f"{what}: pending approval {res['id']} (needs {res.get('signoff')}) / 待审批 {res['id']}"
    return f"{what}: done / 已办理 {res.get('result')}"


@_guard
def cmd_preallocate(args) -> int:
    from monitor import allowances

    res = allowances.preallocate(args.db_path, args.year, args.user)
    total = sum(u["preallocated"] for u in res["units"])
    return _say(args, res, f"pre-allocated {args.year}: {len(res['units'])} units, {total:,.0f} t; reserve set aside "
                f"{res['reserve_set_aside']:,.0f} t; skipped {len(res['skipped'])}, refused {len(res['refused'])}")


@_guard
def cmd_trueup(args) -> int:
    from monitor import allowances

    res = allowances.trueup(args.db_path, args.year, args.user)
    return _say(args, res, f"trued up {args.year}: {len(res['units'])} units, net change {res['issued_change']:,.0f} t; "
                f"pending verification {len(res['pending'])}")


@_guard
def cmd_surrender(args) -> int:
    from monitor import allowances

    res = allowances.surrender(args.db_path, args.unit, args.year, args.amount, args.user)
    return _say(args, res, f"unit {res['code']} surrendered {res['surrendered']:,.0f} t for {res['year']}; left {res['balance']:,.0f} t")


@_guard
def cmd_compliance(args) -> int:
    from monitor import allowances

    on = date.fromisoformat(args.on) if args.on else None
    f = allowances.compliance(args.db_path, args.year, on)
    if args.json:
        cols = ["code", "verified", "held", "surrendered", "balance", "shortfall", "status", "deadline"]
        recs = [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()} for r in f[cols].round(3).to_dict("records")]
        print_json({"year": int(args.year), "units": recs})
    else:
        defuse_frame(f.round(3)).to_csv(sys.stdout, index=False)
    return EXIT_OK


@_guard
def cmd_advance(args) -> int:
    from monitor import allowances

    res = allowances.advance(args.db_path, args.unit, args.year, args.amount, args.reason, args.user)
    return _say(args, res, _approval_line(res, f"advance of {args.amount:,.0f} t to {args.unit}"))


@_guard
def cmd_adjust(args) -> int:
    from monitor import allowances

    res = allowances.adjust(args.db_path, args.year, args.from_code, args.to_code, args.amount, args.reason, args.user)
    return _say(args, res, f"moved {res['amount']:,.0f} t of {res['year']} from {res['from']} to {res['to']}")


@_guard
def cmd_regulate(args) -> int:
    from monitor import allowance_market

    res = allowance_market.regulate(args.db_path, args.year)
    if args.json:
        print_json(res)
    else:
        sig = res["signal"]
        print(f"{res['year']}: band {res['band'][0]:.2f}–{res['band'][1]:.2f} yuan/t; "
              + (f"mean {sig['mean']:.2f} over {sig['n']} days" if sig else "no prices yet"))
        for p in res["proposals"]:
            print(f"  {p['kind']}: {p['amount']:,.0f} t — {p['reason_en']}")
    return EXIT_OK


@_guard
def cmd_buyback(args) -> int:
    from monitor import allowance_market

    res = allowance_market.buyback(args.db_path, args.year, args.amount, args.price, args.user, args.reason)
    return _say(args, res, _approval_line(res, f"buy-back of {args.amount:,.0f} t at {args.price:.2f} yuan/t"))


@_guard
def cmd_reserve(args) -> int:
    from monitor import allowance_market

    res = allowance_market.reserve_operation(args.db_path, args.year, args.kind, args.amount, args.reason, args.user)
    return _say(args, res, f"reserve {res['kind']} of {res['amount']:,.0f} t recorded for {res['year']}")


@_guard
def cmd_list(args) -> int:
    from monitor import allowance_overview

    o = allowance_overview.overview(args.db_path, args.year)
    cols = ["code", "name_zh", "region", "sector", "market", "local_addition", "local_criterion", "gases", "product", "co2",
            "output", "intensity", "k", "grade"]
    f = o["list"][[c for c in cols if c in o["list"]]]
    if args.json:
        print_json({"year": o["year"], "units": f.astype(object).where(f.notna(), None).to_dict("records")})
    else:
        defuse_frame(f).to_csv(sys.stdout, index=False)
    return EXIT_OK


@_guard
def cmd_export(args) -> int:
    from monitor import allowance_overview
    from reports import allowances_doc

    Path(args.xlsx).write_bytes(allowances_doc.xlsx(allowance_overview.overview(args.db_path, args.year), args.lang))
    print(f"written to {args.xlsx}", file=sys.stderr)
    return EXIT_OK


@_guard
def cmd_coverage(args) -> int:
    from budget.allowances import NATIONAL_COVERAGE
    from monitor import allowances
    from warehouse import allowances as astore
    from warehouse import db

    if args.sector:
        version = allowances.set_local_coverage(args.db_path, args.sector, args.gases or "CO2", args.criterion or "",
                                                args.from_year, args.user, args.threshold)
        print(f"local coverage version {version} recorded / 地方覆盖范围第 {version} 版已记录")
        return EXIT_OK
    with db.connect(args.db_path) as con:
        local = astore.coverage(con)
    print_json({"national": NATIONAL_COVERAGE.to_dict("records"),
                "local": local.astype(object).where(local.notna(), None).to_dict("records")})
    return EXIT_OK


def cmd_prices_template(args) -> int:
    from intake.prices import template

    Path(args.out).write_bytes(template())
    print(f"template written to {args.out}", file=sys.stderr)
    return EXIT_OK


@_guard
def cmd_prices_load(args) -> int:
    from monitor import allowance_market

    up, batch = allowance_market.load_prices(args.db_path, Path(args.file).read_bytes(), args.file, args.user)
    status = "loaded" if batch is not None else "rejected"
    if args.json:
        print_json({"status": status, "batch": batch, "rows": len(up.prices), "problems": up.problems})
    else:
        for p in up.problems:
            where = f"row {p['row']}, " if p["row"] is not None else ""
            print(terminal(f"error: {where}{p['column']}: {p['problem_en']} / {p['problem_zh']} — {p['fix_en']}"), file=sys.stderr)
        print(f"{status}: {len(up.prices)} price observations" + (f", batch {batch}" if batch else ""))
    return EXIT_OK if batch is not None else EXIT_REJECTED


def add_parsers(sub) -> None:
    a = sub.add_parser("allowances", help="key emitters' allowances: pre-allocation, true-up, surrender, advances, regulation")
    s = a.add_subparsers(dest="allowances_command", required=True)

    def cmd(name, fn, help_, *, year=True, user=True, json_=True):
        p = s.add_parser(name, help=help_)
        if year:
            p.add_argument("--year", type=int, required=name not in ("regulate", "list"))
        if user:
            p.add_argument("--user", required=True, help="who acts (checked against the roles)")
        if json_:
            p.add_argument("--json", action="store_true")
        p.set_defaults(func=fn)
        return p

    cmd("preallocate", cmd_preallocate, "pre-allocate a year from last year's output (national method)")
    cmd("trueup", cmd_trueup, "true up a year on the verified output; issue or take back the difference")
    p = cmd("surrender", cmd_surrender, "record a unit's surrender for a year")
    p.add_argument("--unit", required=True)
    p.add_argument("--amount", type=float, required=True, help="t CO2")
    p = cmd("compliance", cmd_compliance, "compliance status per unit", user=False)
    p.add_argument("--on", default=None, help="status as on this date (YYYY-MM-DD; default today)")
    p = cmd("advance", cmd_advance, "a unit's advance from next year's allowance, within the cap")
    p.add_argument("--unit", required=True)
    p.add_argument("--amount", type=float, required=True, help="t CO2")
    p.add_argument("--reason", required=True)
    p = cmd("adjust", cmd_adjust, "move allowance between two units of a year (the total unchanged)")
    p.add_argument("--from", dest="from_code", required=True)
    p.add_argument("--to", dest="to_code", required=True)
    p.add_argument("--amount", type=float, required=True, help="t CO2")
    p.add_argument("--reason", required=True)
    cmd("regulate", cmd_regulate, "proposals of the price band: reserve release or replenishment, buy-back", user=False)
    p = cmd("buyback", cmd_buyback, "buy allowances back into the reserve, within the cap")
    p.add_argument("--amount", type=float, required=True, help="t CO2")
    p.add_argument("--price", type=float, required=True, help="yuan/t")
    p.add_argument("--reason", default=None)
    p = cmd("reserve", cmd_reserve, "record a release from or a replenishment of the price-stabilisation reserve")
    p.add_argument("--kind", required=True, choices=["release", "replenish"])
    p.add_argument("--amount", type=float, required=True, help="t CO2")
    p.add_argument("--reason", required=True)
    cmd("list", cmd_list, "the list with markets, local additions and carbon-efficiency grades", user=False)
    p = s.add_parser("coverage", help="the national and the province's coverage; with --sector, record a new local version")
    p.add_argument("--sector", default=None)
    p.add_argument("--gases", default=None, help="e.g. CO2 or CO2,CH4")
    p.add_argument("--criterion", default=None, help="the local criterion (地方纳入标准)")
    p.add_argument("--threshold", type=float, default=None, help="10k t CO2e a year")
    p.add_argument("--from-year", type=int, default=None)
    p.add_argument("--user", default=None)
    p.set_defaults(func=cmd_coverage)
    p = cmd("export", cmd_export, "the list and the year's results as xlsx", user=False, json_=False)
    p.add_argument("--xlsx", required=True)
    p.add_argument("--lang", choices=["zh", "en"], default="zh")

    pr = sub.add_parser("prices", help="allowance price observations (date, price, volume, market)")
    ps = pr.add_subparsers(dest="prices_command", required=True)
    t = ps.add_parser("template", help="write the CSV template")
    t.add_argument("out")
    t.set_defaults(func=cmd_prices_template)
    ld = ps.add_parser("load", help="validate and load a price file as one batch")
    ld.add_argument("file")
    ld.add_argument("--user", required=True)
    ld.add_argument("--json", action="store_true")
    ld.set_defaults(func=cmd_prices_load)
