"""CLI: the province's rules (`rules show|set`), the targets handed down (`targets load|list|template`) and
second signatures (`approvals list|confirm|refuse`)."""
from __future__ import annotations

import sys
from datetime import date

from budget import rules as brules
from monitor import approvals, targets
from warehouse import db, rules as wrules, users

from cli.common import EXIT_OK, EXIT_REJECTED, guarded, print_json
from reports.safe_text import terminal as defuse_cell


@guarded(users.PermissionDenied)
def cmd_rules_show(args) -> int:
    with db.connect(args.db_path) as con:
        settings = wrules.settings(con)
        on = date.fromisoformat(args.on) if args.on else None
        force = wrules.rules_in_force(con, on)
    latest = {}
    for rec in settings.to_dict("records"):
        eff = rec["effective_from"]
        if on is None or eff <= (on or date.today()):
            latest[rec["key"]] = rec
    out = []
    for key, r in brules.RULES.items():
        rec = latest.get(key)
        out.append({"key": key, "value": force[key], "bounds": brules.bounds_text(r),
                    "effective_from": str(rec["effective_from"]) if rec else None,
                    "set_by": rec["set_by"] if rec else None, "reason": rec["reason"] if rec else "default / 默认值"})
    if args.json:
        print_json({"rules": out})
    else:
        for r in out:
            print(defuse_cell(f"{r['key']} = {r['value']}  [{r['bounds']}]  {r['effective_from'] or 'default'} "
                              f"{r['set_by'] or ''} {r['reason'] or ''}"))
    return EXIT_OK


@guarded(users.PermissionDenied, brules.RuleError)
def cmd_rules_set(args) -> int:
    from monitor import rules as mrules

    try:
        eff = date.fromisoformat(args.from_date)
    except ValueError:
        raise brules.RuleError(f"--from {args.from_date!r} is not a date YYYY-MM-DD", f"--from {args.from_date!r} 不是日期 YYYY-MM-DD") from None
    rid = mrules.set_rule(args.db_path, args.key, args.value, eff, args.reason, args.user)
    print(f"rule {args.key} set to {args.value} from {eff} (setting {rid}) / 规则已设定")
    return EXIT_OK


def cmd_targets_load(args) -> int:
    try:
        out = targets.load_path(args.db_path, args.file, args.user)
    except targets.TargetsError as exc:
        for e in exc.errors:
            print(defuse_cell(f"error: row {e['row']}, column {e['column']}, value {e['value']!r}: {e['message_en']} / {e['message_zh']}"),
                  file=sys.stderr)
        return EXIT_REJECTED
    except (users.PermissionDenied, OSError) as exc:
        from cli.common import refused
        return refused(exc)
    print(f"{out['rows']} target rows checked, {out['versions_added']} new versions recorded / 已录入上级下达目标")
    if out["no_base_year"]:
        print(f"note: no complete base-year statistics for {', '.join(out['no_base_year'])}: yearly intensity targets "
              f"wait for them / 缺少基期完整统计，逐年强度目标待补", file=sys.stderr)
    return EXIT_OK


def cmd_targets_list(args) -> int:
    rows = targets.listing(args.db_path)
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            cap = "—" if r["total_cap"] is None else f"{r['total_cap']:,.2f}"
            print(defuse_cell(f"{r['region']} {r['period']} decline {r['intensity_decline']:.1%} cap {cap} v{r['version']} — {r['document']}"))
    return EXIT_OK


def cmd_targets_template(args) -> int:
    sys.stdout.write(targets.TEMPLATE)
    return EXIT_OK


@guarded(users.PermissionDenied)
def cmd_approvals_list(args) -> int:
    rows = approvals.listing(args.db_path, args.status)
    if args.json:
        print_json([{k: r[k] for k in ("id", "action", "summary", "requested_by", "requested_at", "status",
                                        "signoff", "decided_by", "decided_at", "reason")} for r in rows])
    else:
        for r in rows:
            print(defuse_cell(f"#{r['id']} [{r['status']}] {r['action']} — {r['summary']} (by {r['requested_by']}, {r['requested_at']})"))
    return EXIT_OK


@guarded(users.PermissionDenied, approvals.ApprovalError, brules.RuleError, ValueError)
def cmd_approvals_confirm(args) -> int:
    out = approvals.confirm(args.db_path, args.id, args.user)
    print(f"approval {out['id']} confirmed by {out['confirmed_by']} (asked by {out['requested_by']}): {out['action']} done / 已确认")
    return EXIT_OK


@guarded(users.PermissionDenied, approvals.ApprovalError)
def cmd_approvals_refuse(args) -> int:
    out = approvals.refuse(args.db_path, args.id, args.reason, args.user)
    print(f"approval {out['id']} refused by {out['refused_by']} / 已退回")
    return EXIT_OK


def add_parsers(sub) -> None:
    r = sub.add_parser("rules", help="the province's rules (thresholds, caps, adjustment rule, weights, sign-offs)")
    rs = r.add_subparsers(dest="rules_command", required=True)
    s = rs.add_parser("show", help="the rules in force, their bounds and who set them")
    s.add_argument("--on", default=None, help="the rules in force on YYYY-MM-DD (default today)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_rules_show)
    st = rs.add_parser("set", help="set a rule from a date (a new setting; earlier ones are kept)")
    st.add_argument("key")
    st.add_argument("value")
    st.add_argument("--from", dest="from_date", required=True, help="effective from YYYY-MM-DD")
    st.add_argument("--reason", required=True)
    st.add_argument("--user", required=True)
    st.set_defaults(func=cmd_rules_set)

    t = sub.add_parser("targets", help="targets handed down from above (上级下达目标)")
    ts = t.add_subparsers(dest="targets_command", required=True)
    tl = ts.add_parser("load", help="load region,period,intensity_decline[,total_cap],document (CSV or xlsx)")
    tl.add_argument("file")
    tl.add_argument("--user", required=True)
    tl.set_defaults(func=cmd_targets_load)
    tli = ts.add_parser("list", help="the current version of every target")
    tli.add_argument("--json", action="store_true")
    tli.set_defaults(func=cmd_targets_list)
    tt = ts.add_parser("template", help="print the CSV header of a targets file")
    tt.set_defaults(func=cmd_targets_template)

    a = sub.add_parser("approvals", help="second signatures: what waits, confirm, refuse")
    asub = a.add_subparsers(dest="approvals_command", required=True)
    al = asub.add_parser("list", help="approvals (pending first)")
    al.add_argument("--status", choices=("pending", "confirmed", "refused"), default=None)
    al.add_argument("--json", action="store_true")
    al.set_defaults(func=cmd_approvals_list)
    ac = asub.add_parser("confirm", help="confirm a pending approval (another user than the one who asked)")
    ac.add_argument("id", type=int)
    ac.add_argument("--user", required=True)
    ac.set_defaults(func=cmd_approvals_confirm)
    ar = asub.add_parser("refuse", help="refuse a pending approval with a reason")
    ar.add_argument("id", type=int)
    ar.add_argument("--reason", required=True)
    ar.add_argument("--user", required=True)
    ar.set_defaults(func=cmd_approvals_refuse)
