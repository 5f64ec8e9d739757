"""CLI `assess`, `funds`, `inbox`: what follows an assessment, capacity funding, and each user's inbox.

- `assess action --region R --period YYYY-YYYY --kind reward|accountability [--measure M] --text T [--amount A]
  --user ADMIN [--json]`; `assess actions [--period P] [--json]`;
- `funds add --region R --year Y --amount A --purpose monitoring|verification|reporting --user ADMIN [--json]`;
  `funds list [--year Y] [--json]`;
- `inbox --user NAME [--json] [--days N] [--region R]`, `inbox --user NAME --set-email ADDRESS`, `inbox --user NAME --send`
  (through the SMTP server named by ``CARBON_BUDGET_SMTP_HOST``; see ``monitor.inbox``).
"""
from __future__ import annotations

import smtplib
import sys

from budget import inbox as bi
from budget import province as bp
from monitor import inbox, province
from warehouse import users

from cli.common import EXIT_OK, EXIT_REJECTED, guarded, print_json


def _records(frame) -> list[dict]:
    f = frame.astype(object).where(frame.notna(), None)
    return [{k: (v.isoformat(sep=" ") if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in f.to_dict("records")]


@guarded(bp.ProvinceError, users.PermissionDenied)
def cmd_action(args) -> int:
    out = province.record_action(args.db_path, region=args.region, period=args.period, kind=args.kind, text=args.text,
                                 user=args.user, amount=args.amount, measure=args.measure)
    print_json(out) if args.json else print(
        f"action {out['action_id']}: {out['region']} {out['period']} ({bp.label_grade(out['grade'], 'en')}) "
        f"{out['kind']} / {out['measure']} — 已记录：{bp.label(out['kind'])}·{bp.label(out['measure'])}")
    return EXIT_OK


@guarded(bp.ProvinceError)
def cmd_actions(args) -> int:
    recs = _records(province.actions(args.db_path, args.period))
    if args.json:
        print_json(recs)
    for r in [] if args.json else recs:
        print(f"{r['action_id']:>4} {r['region']:<8} {r['period_start']}-{r['period_end']} {r['grade'] or '-':<9} "
              f"{r['kind']:<14} {r['measure']:<13} {r['text'][:60]}")
    return EXIT_OK


@guarded(bp.ProvinceError, users.PermissionDenied)
def cmd_funds_add(args) -> int:
    out = province.add_funds(args.db_path, region=args.region, year=args.year, amount=args.amount, purpose=args.purpose,
                             user=args.user)
    print_json(out) if args.json else print(f"capacity funds {out['fund_id']}: {out['region']} {out['year']} "
                                            f"{out['amount']:,.2f} (10k yuan) for {out['purpose']} / 已记录")
    return EXIT_OK


@guarded(bp.ProvinceError)
def cmd_funds_list(args) -> int:
    recs = _records(province.funds(args.db_path, args.year))
    if args.json:
        print_json(recs)
    for r in [] if args.json else recs:
        print(f"{r['fund_id']:>4} {r['region']:<8} {r['year']} {r['purpose']:<12} {r['amount']:>12,.2f}")
    return EXIT_OK


@guarded(bp.ProvinceError, users.PermissionDenied)
def cmd_inbox(args) -> int:
    if args.set_email:
        out = inbox.set_address(args.db_path, args.user, args.set_email)
        print_json(out) if args.json else print(f"inbox of {out['user']} will be mailed to {out['email']} / 已登记邮箱")
        return EXIT_OK
    if args.send:
        try:
            out = inbox.send(args.db_path, args.user)
        except (OSError, smtplib.SMTPException) as exc:
            print(f"refused: the mail server did not accept the message ({type(exc).__name__}) / 邮件服务器未接受邮件",
                  file=sys.stderr)
            return EXIT_REJECTED
        print_json(out) if args.json else print(f"{out['sent']} new items mailed to {out['to']} / 已发送 {out['sent']} 条")
        return EXIT_OK
    box = inbox.items(args.db_path, args.user, days=args.days, region=args.region)
    if args.json:
        print_json(box)
        return EXIT_OK
    if not box["items"]:
        print("inbox empty / 暂无待办与通知")
    for i in box["items"]:
        zh, en = bi.KINDS[i["kind"]]
        print(f"{i['date']}  [{zh} / {en}] {i['text_zh']}\n            {i['text_en']}")
    return EXIT_OK


def add_parsers(sub) -> None:
    a = sub.add_parser("assess", help="what follows an assessment: rewards and accountability (奖优罚劣)")
    asub = a.add_subparsers(dest="assess_command", required=True)
    ac = asub.add_parser("action", help="record a reward or accountability action for a city and period")
    ac.add_argument("--region", required=True)
    ac.add_argument("--period", required=True, metavar="YYYY-YYYY")
    ac.add_argument("--kind", required=True, choices=bp.ACTION_KINDS)
    ac.add_argument("--measure", default=None, choices=[m for ms in bp.ACTION_MEASURES.values() for m in ms],
                    help="default: special_funds (reward) / criticism (accountability)")
    ac.add_argument("--text", required=True)
    ac.add_argument("--amount", default=None, help="10k yuan (万元), for special funds")
    ac.add_argument("--user", default=None)
    ac.add_argument("--json", action="store_true")
    ac.set_defaults(func=cmd_action)
    al = asub.add_parser("actions", help="list the recorded actions")
    al.add_argument("--period", default=None)
    al.add_argument("--json", action="store_true")
    al.set_defaults(func=cmd_actions)

    f = sub.add_parser("funds", help="capacity funding to cities (monitoring, verification, reporting)")
    fsub = f.add_subparsers(dest="funds_command", required=True)
    fa = fsub.add_parser("add", help="record capacity funds given to a city")
    fa.add_argument("--region", required=True)
    fa.add_argument("--year", required=True)
    fa.add_argument("--amount", required=True, help="10k yuan (万元)")
    fa.add_argument("--purpose", required=True, choices=bp.FUND_PURPOSES)
    fa.add_argument("--user", default=None)
    fa.add_argument("--json", action="store_true")
    fa.set_defaults(func=cmd_funds_add)
    fl = fsub.add_parser("list", help="capacity funds recorded")
    fl.add_argument("--year", type=int, default=None)
    fl.add_argument("--json", action="store_true")
    fl.set_defaults(func=cmd_funds_list)

    i = sub.add_parser("inbox", help="what concerns a user and their city (derived from the books)")
    i.add_argument("--user", required=True)
    i.add_argument("--days", type=int, default=None, help="only items of the last N days")
    i.add_argument("--region", default=None, help="a city's inbox (province-wide users; a city's user sees its own)")
    i.add_argument("--set-email", dest="set_email", default=None, metavar="ADDRESS", help="record the user's e-mail address")
    i.add_argument("--send", action="store_true", help="mail the new items through the configured SMTP server")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=cmd_inbox)
