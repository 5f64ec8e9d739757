"""CLI `filings submit|receipt|list|due`: filing upward (备案) with the centre.

- `filings submit KIND ID --user ADMIN --out DIR [--to RECIPIENT] [--json]` (KIND: plan | registry | close |
  five-year; ID: plan id | list approval id or `latest` | year | YYYY-YYYY): writes `*.pdf`, `*.xlsx`, `*.json`
  and `MANIFEST.sha256` into DIR and records the filing;
- `filings receipt ID --text T --user ADMIN`: enters the centre's acknowledgement;
- `filings list [--json]`: every filing and its receipt; `filings due [--json]`: what is filed, due, overdue.
"""
from __future__ import annotations

import json

from budget import province as bp
from monitor import filings
from warehouse import users

from cli.common import EXIT_OK, guarded, print_json


def _records(frame) -> list[dict]:
    f = frame.astype(object).where(frame.notna(), None)
    out = []
    for r in f.to_dict("records"):
        rec = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
        if isinstance(rec.get("files"), str):
            rec["files"] = json.loads(rec["files"])
        out.append(rec)
    return out


@guarded(bp.ProvinceError, users.PermissionDenied)
def cmd_submit(args) -> int:
    out = filings.submit(args.db_path, args.kind, args.id, user=args.user, out_dir=args.out, recipient=args.to)
    if args.json:
        print_json(out)
    else:
        print(f"filing {out['filing_id']}: {out['kind']} {out['object_id']} to {out['recipient']}, "
              f"{len(out['files'])} files in {out['out']} / 已备案 {out['filing_id']}")
    return EXIT_OK


@guarded(bp.ProvinceError, users.PermissionDenied)
def cmd_receipt(args) -> int:
    out = filings.receipt(args.db_path, args.id, text=args.text, user=args.user)
    print_json(out) if args.json else print(f"receipt of filing {out['filing_id']} entered / 回执已登记")
    return EXIT_OK


@guarded(bp.ProvinceError)
def cmd_list(args) -> int:
    recs = _records(filings.listing(args.db_path))
    if args.json:
        print_json(recs)
        return EXIT_OK
    if not recs:
        print("nothing filed yet / 尚无备案")
    for r in recs:
        got = f"receipt {str(r['receipt_at'])[:10]}" if r["receipt"] else "awaiting receipt / 待回执"
        print(f"{r['filing_id']:>4} {r['kind']:<9} {r['object_id']:<16} {str(r['submitted_at'])[:10]}  {got}")
    return EXIT_OK


@guarded(bp.ProvinceError)
def cmd_due(args) -> int:
    recs = _records(filings.obligations(args.db_path))
    if args.json:
        print_json(recs)
        return EXIT_OK
    for r in recs:
        print(f"{r['kind']:<9} {r['object_id']:<16} due {r['due']}  {r['status']}")
    return EXIT_OK


def add_parsers(sub) -> None:
    f = sub.add_parser("filings", help="filing upward (备案): packages, receipts, what is due")
    fs = f.add_subparsers(dest="filings_command", required=True)
    s = fs.add_parser("submit", help="write the filing package of an approved item and record the filing")
    s.add_argument("kind", choices=bp.FILING_KINDS)
    s.add_argument("id", help="plan id | list approval id (or latest) | year | YYYY-YYYY")
    s.add_argument("--out", required=True, metavar="DIR")
    s.add_argument("--to", default=None, help=f"recipient (default {bp.FILING_RECIPIENT})")
    s.add_argument("--user", default=None, help="a province admin")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_submit)
    r = fs.add_parser("receipt", help="enter the centre's acknowledgement of a filing")
    r.add_argument("id")
    r.add_argument("--text", required=True)
    r.add_argument("--user", default=None)
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_receipt)
    ls = fs.add_parser("list", help="every filing and its receipt")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    d = fs.add_parser("due", help="approved items: filed, received, due or overdue")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_due)
