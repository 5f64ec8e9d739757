"""CLI `publish` and `notices`: the public-disclosure site (公示 / 向社会公开).

- `publish --out DIR [--user ADMIN] [--json]`: records new notices and corrections from what has been approved
  for publication, then writes the static site into DIR (`index.html`, `notices/*.html`, `en/…`, `csv/`);
- `notices list [--json]`: every notice, its number and date, and which notice corrects which.
"""
from __future__ import annotations

from budget import province as bp
from monitor import publish
from warehouse import users

from cli.common import EXIT_OK, guarded, print_json


@guarded(bp.ProvinceError, users.PermissionDenied)
def cmd_publish(args) -> int:
    out = publish.publish(args.db_path, args.out, user=args.user)
    if args.json:
        print_json(out)
    else:
        print(f"site written to {out['out']}: {out['notices']} notices ({len(out['new'])} new, "
              f"{len(out['corrections'])} corrections), {out['files']} files / 公示网站已生成")
    return EXIT_OK


@guarded(bp.ProvinceError)
def cmd_list(args) -> int:
    frame = publish.listing(args.db_path)
    recs = [{k: (v.isoformat(sep=" ") if hasattr(v, "isoformat") else v) for k, v in r.items()}
            for r in frame.astype(object).where(frame.notna(), None).to_dict("records")]
    if args.json:
        print_json(recs)
        return EXIT_OK
    if not recs:
        print("nothing published yet / 尚无公示")
    for r in recs:
        extra = (f"  corrects {r['corrects']}" if r["corrects"] else "") + (f"  corrected by {r['corrected_by']}" if r["corrected_by"] else "")
        print(f"{r['number']}  {str(r['published_at'])[:10]}  {r['title_zh']}{extra}")
    return EXIT_OK


def add_parsers(sub) -> None:
    p = sub.add_parser("publish", help="write the public-disclosure site from what is approved for publication")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--user", default=None, help="a province admin (once users exist)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_publish)
    n = sub.add_parser("notices", help="the published notices")
    ns = n.add_subparsers(dest="notices_command", required=True)
    ls = ns.add_parser("list", help="every notice with its number and date")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
