"""CLI `objections add|answer|list`: a city's objections (异议) and the province's answers.

- `objections add --region R --about KIND:ID --text T [--amount A] --user REPORTER [--json]`
  (KIND: plan | close | assessment | comment; ID: plan id | year | YYYY-YYYY | comment id);
- `objections answer ID --decision accepted|partly|refused --text T --user ADMIN [--json]`
  (ID: an objection number, or `comment:N` to answer a plan comment);
- `objections list [--json]`.
"""
from __future__ import annotations

import sys

from budget import province as bp
from monitor import objections
from warehouse import users

from cli.common import EXIT_OK, guarded, print_json


def _records(frame) -> list[dict]:
    f = frame.astype(object).where(frame.notna(), None)
    return [{k: (v.isoformat(sep=" ") if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in f.to_dict("records")]


@guarded(bp.ProvinceError, users.PermissionDenied)
def cmd_add(args) -> int:
    out = objections.add(args.db_path, region=args.region, about=args.about, text=args.text, user=args.user,
                         amount=args.amount)
    print_json(out) if args.json else print(f"objection {out['objection_id']} recorded for {out['region']} "
                                            f"on {out['about']} / 异议 {out['objection_id']} 已记录")
    return EXIT_OK


@guarded(bp.ProvinceError, users.PermissionDenied)
def cmd_answer(args) -> int:
    out = objections.answer(args.db_path, args.id, decision=args.decision, text=args.text, user=args.user)
    print_json(out) if args.json else print(f"{out['subject']} answered: {out['decision']} / 已答复：{bp.label(out['decision'])}")
    return EXIT_OK


@guarded(bp.ProvinceError, FileNotFoundError)
def cmd_list(args) -> int:
    frame = objections.listing(args.db_path)
    if args.json:
        print_json(_records(frame))
        return EXIT_OK
    if frame.empty:
        print("no objections / 暂无异议")
    for r in frame.itertuples(index=False):
        amt = "" if r.requested_amount is None or r.requested_amount != r.requested_amount else f" asks {r.requested_amount:,.2f}"
        print(f"{r.objection_id:>4} {r.region:<8} {r.about_kind}:{r.about_id:<16} {r.status:<9}{amt}  {r.text[:60]}",
              file=sys.stdout)
    return EXIT_OK


def add_parsers(sub) -> None:
    o = sub.add_parser("objections", help="objections (异议) from the cities and the province's answers")
    os_ = o.add_subparsers(dest="objections_command", required=True)
    a = os_.add_parser("add", help="a city objects to its allocation, adjustment or assessment")
    a.add_argument("--region", required=True)
    a.add_argument("--about", required=True, metavar="KIND:ID", help="plan:PLAN | close:YEAR | assessment:YYYY-YYYY | comment:N")
    a.add_argument("--text", required=True)
    a.add_argument("--amount", default=None, help="requested amount, 10k t CO2 (万吨)")
    a.add_argument("--user", default=None, help="the city's reporter")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_add)
    n = os_.add_parser("answer", help="answer an objection (N) or a plan comment (comment:N)")
    n.add_argument("id")
    n.add_argument("--decision", required=True, choices=bp.DECISIONS)
    n.add_argument("--text", required=True)
    n.add_argument("--user", default=None, help="a province admin")
    n.add_argument("--json", action="store_true")
    n.set_defaults(func=cmd_answer)
    ls = os_.add_parser("list", help="every objection and its answer")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
