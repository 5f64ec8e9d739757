"""CLI: `budget entry ...` records one change to the budget books; `budget ledger` lists them."""
from __future__ import annotations

import sys

import budget
from budget import config as bconfig
from monitor.ledger_change import record_entry
from reports.safe_text import write_csv
from warehouse import budget_books, db, users

EXIT_OK, EXIT_REJECTED = 0, 1


def cmd_entry(args) -> int:
    if (args.type == "trade") != (args.price is not None):
        print("error: --price (yuan/t) goes with --type trade, and only with it / --price（元/吨）仅用于 --type trade 且必须填写",
              file=sys.stderr)
        return EXIT_REJECTED
    try:
        if args.type == "trade":
            return _trade(args)
        entry, status = record_entry(args.db_path, type=args.type, year=args.year, amount=args.amount, user=args.user,
                             reason=args.reason, from_region=args.from_region, to_region=args.to_region,
                             project=args.project, document=args.document)
    except budget.LedgerError as exc:
        print(f"refused ({exc.code}): {exc.message('en')} / {exc.message('zh')}", file=sys.stderr)
        return EXIT_REJECTED
    except users.PermissionDenied as exc:
        print(f"refused ({exc.code}): {exc.message_en} / {exc.message_zh}", file=sys.stderr)
        return EXIT_REJECTED
    if status["status"] == "pending":
        print(f"pending approval {status['id']}: {entry.type} {entry.amount:,.2f} (10k t) in {entry.year} changes the "
              f"province total and waits for a second signature (`approvals confirm {status['id']}`) / "
              f"该账目改变省级总量，待第二人确认（审批编号 {status['id']}）")
        return EXIT_OK
    print(f"ledger entry {entry.entry_id} recorded: {entry.type} {entry.amount:,.2f} (10k t) in {entry.year}")
    return EXIT_OK


def _trade(args) -> int:
    """区域碳预算指标交易: a balanced trade entry between two cities with its price (monitor.allowance_market)."""
    from budget.allowances import AllowanceError
    from intake.text_policy import TextRefused
    from monitor.allowance_market import record_trade

    try:
        entry = record_trade(args.db_path, year=args.year, from_region=args.from_region, to_region=args.to_region,
                             amount=args.amount, price=args.price, reason=args.reason, user=args.user)
    except (AllowanceError, TextRefused) as exc:
        print(f"refused ({exc.code}): {exc.message_en} / {exc.message_zh}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"ledger entry {entry.entry_id} recorded: trade {entry.amount:,.2f} (10k t) in {entry.year} from "
          f"{entry.from_region} to {entry.to_region} at {args.price:,.2f} yuan/t")
    return EXIT_OK


def cmd_ledger(args) -> int:
    with db.connect(args.db_path) as con:
        frame = budget_books.entries(con)
    write_csv(frame)  # defused: a reason such as "=HYPERLINK(..)" stays text in a spreadsheet
    return EXIT_OK


def add_parsers(sub) -> None:
    b = sub.add_parser("budget", help="the budget books: record a change, list the ledger")
    bsub = b.add_subparsers(dest="budget_command", required=True)
    e = bsub.add_parser("entry", help="record one ledger entry (transfer, advance, reserve release, ...)")
    e.add_argument("--type", required=True, choices=bconfig.ENTRY_TYPES)
    e.add_argument("--year", required=True, type=int)
    e.add_argument("--amount", required=True, type=float, help="10k t CO2 (万吨)")
    e.add_argument("--from", dest="from_region", default=None)
    e.add_argument("--to", dest="to_region", default=None)
    e.add_argument("--project", default=None)
    e.add_argument("--document", default=None, help="the decision or agreement (文件号); required with --from/--to "
                   "EXTERNAL:<province> (跨区域调剂)")
    e.add_argument("--price", type=float, default=None, help="yuan/t, for --type trade (区域指标交易) only")
    e.add_argument("--reason", required=True)
    e.add_argument("--user", required=True, help="who makes the change (an admin once users exist)")
    e.set_defaults(func=cmd_entry)
    lg = bsub.add_parser("ledger", help="every ledger entry as CSV")
    lg.set_defaults(func=cmd_ledger)
