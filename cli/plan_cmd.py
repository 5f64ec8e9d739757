"""CLI: `plan draft|revise|comment|approve|list|show|compare|split|export`: budget plan compilation."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import budget
from budget import config as bconfig
from budget import plan_versions
from monitor import plan as mplan
from monitor.approvals import ApprovalError
from warehouse import users

from cli.common import EXIT_OK, EXIT_USAGE, guarded
from cli.common import print_json as _out
from cli.common import refused as _refused


def _pairs(text: str | None, key=str) -> dict | None:
    """'a=1,b=2' -> {a: 1.0, b: 2.0}."""
    if not text:
        return None
    out = {}
    for part in text.split(","):
        k, _, v = part.partition("=")
        out[key(k.strip())] = float(v)
    return out


def _projects(items: list[str] | None) -> list[dict] | None:
    """REGION:NAME:AMOUNT[:START_YEAR] -> dicts."""
    if items is None:
        return None
    out = []
    for item in items:
        parts = item.split(":")
        if len(parts) not in (3, 4):
            raise ValueError(f"--project wants REGION:NAME:AMOUNT[:START_YEAR], got {item!r}")
        out.append({"region": parts[0], "project": parts[1], "amount": float(parts[2]),
                    "start_year": int(parts[3]) if len(parts) == 4 else None})
    return out


def _params(args) -> dict:
    kw = {"scenario": args.scenario, "method": args.method, "weights": _pairs(args.weights),
          "reserve_share": args.reserve, "shape": args.shape, "typed": _pairs(args.typed, int),
          "projects": _projects(args.project), "projects_on_top": True if args.projects_on_top else None}
    if args.total is not None:
        kw["total"] = args.total
    if args.params_json:
        from budget.scenarios import ScenarioParams

        kw["scenario_params"] = {k: ScenarioParams.from_dict(v) for k, v in json.loads(args.params_json).items()}
    return kw


@guarded(budget.LedgerError, users.PermissionDenied, usage=(ValueError,))
def cmd_draft(args) -> int:
    kw = {k: v for k, v in _params(args).items() if v is not None}
    kw.setdefault("reserve_share", bconfig.RESERVE_SHARE_DEFAULT)
    out = mplan.draft(args.db_path, args.parent, args.years, user=args.user, note=args.note or "", **kw)
    if args.json:
        _out(out)
    else:
        print(f"plan {out['plan']} version {out['version']} drafted: total {out['total']:,.2f} (10k t) "
              f"over {', '.join(out['years'])}; {len(out['allocations'])} allocations")
    return EXIT_OK


@guarded(budget.LedgerError, users.PermissionDenied, usage=(ValueError,))
def cmd_revise(args) -> int:
    kw = _params(args)
    if args.total is None:
        kw.pop("total", None)
    out = mplan.revise(args.db_path, args.plan, user=args.user, note=args.note or "", **kw)
    if args.json:
        _out(out)
    else:
        print(f"plan {out['plan']} version {out['version']}: {len(out['changes'])} change(s)")
        for c in out["changes"]:
            print(f"  {c['field']}: {c['old']} -> {c['new']}")
    return EXIT_OK


@guarded(budget.LedgerError, users.PermissionDenied, ApprovalError)
def cmd_approve(args) -> int:
    out = mplan.approve(args.db_path, args.plan, args.version, args.user, supersedes=args.supersedes)
    if args.json:
        _out(out)
    elif out["status"] == "pending":
        print(f"plan {out['plan']} version {out['version']}: approval {out['approval']} waits for the "
              f"{out['signoff']}'s confirmation (`approvals confirm {out['approval']}`) / 待{'省政府审定人' if out['signoff'] == 'approver' else '另一管理员'}确认")
    else:
        skipped = f"; closed years left untouched: {out['skipped_years']}" if out.get("skipped_years") else ""
        print(f"plan {out['plan']} version {out['version']} approved by {out['user']}: "
              f"{out['ledger_entries']} ledger entries written{skipped}")
    return EXIT_OK


@guarded(budget.LedgerError, users.PermissionDenied)
def cmd_comment(args) -> int:
    cid = mplan.comment(args.db_path, args.plan, args.region, args.user, args.text, args.amount, args.version)
    _out({"comment": cid}) if args.json else print(f"comment {cid} recorded on plan {args.plan}")
    return EXIT_OK


def cmd_list(args) -> int:
    info = mplan.overview(args.db_path)
    frame = info["plans"]
    if args.json:
        _out(json.loads(frame.to_json(orient="records", date_format="iso")))
    else:
        print(frame.to_string(index=False) if len(frame) else "no plans yet")
    return EXIT_OK


@guarded(budget.LedgerError)
def cmd_show(args) -> int:
    v = mplan.load(args.db_path, args.plan, args.version)
    out = mplan.contract(v["plan"], v["version"], v["content"])
    out.update({"note": v["note"], "user": v["user"], "changes": v["changes"], "fairness": v["content"]["fairness"],
                "summary": v["content"]["summary"]})
    _out(out)
    return EXIT_OK


@guarded(budget.LedgerError)
def cmd_compare(args) -> int:
    a, b = (mplan.load(args.db_path, args.plan, n)["content"] for n in (args.a, args.b))
    frame = plan_versions.compare(a, b)
    if args.json:
        _out({"changes": plan_versions.changes(a, b), "allocations": frame.round(2).to_dict(orient="records")})
    else:
        print(frame.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    return EXIT_OK


@guarded(budget.LedgerError, users.PermissionDenied)
def cmd_split(args) -> int:
    frame = mplan.split(args.db_path, args.plan, args.city, args.to, args.method, args.version, _pairs(args.weights))
    if args.save:
        v = mplan.load(args.db_path, args.plan, args.version)["content"]
        rows = [r for r in v.get("horizontal", []) if r["city"] != args.city]
        rows += frame.round({"amount": 2}).to_dict(orient="records")
        out = mplan.revise(args.db_path, args.plan, user=args.user, note=args.note or f"horizontal split {args.city}",
                           horizontal=rows)
        print(f"saved as plan {out['plan']} version {out['version']}", file=sys.stderr)
    if args.json:
        _out(frame.round({"amount": 2}).to_dict(orient="records"))
    else:
        print(frame.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    return EXIT_OK


def cmd_export(args) -> int:
    if not args.pdf and not args.xlsx:
        print("error: give --pdf FILE and/or --xlsx FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        pdf, xlsx = mplan.document(args.db_path, args.plan, args.version)
    except budget.LedgerError as exc:
        return _refused(exc)
    for path, data in ((args.pdf, pdf), (args.xlsx, xlsx)):
        if path:
            Path(path).write_bytes(data)
            print(f"{len(data):,} bytes written to {path}", file=sys.stderr)
    return EXIT_OK


def _plan_params(p, draft: bool) -> None:
    p.add_argument("--scenario", choices=bconfig.PLAN_SCENARIOS, default="baseline" if draft else None)
    p.add_argument("--method", choices=bconfig.PLAN_METHODS, default="history" if draft else None)
    p.add_argument("--weights", default=None, help="mix weights, e.g. history=0.6,gdp=0.2,per_capita=0.2")
    p.add_argument("--reserve", type=float, default=None, help="reserve share (at most the rules' reserve cap; 5%% by default)")
    p.add_argument("--total", type=float, default=None, help="five-year total, 10k t (default: the scenario's)")
    p.add_argument("--shape", choices=bconfig.PLAN_PATH_SHAPES, default=None, help="yearly path (default scenario)")
    p.add_argument("--typed", default=None, help="yearly targets with --shape typed: 2026=..,2027=..")
    p.add_argument("--project", action="append", default=None, help="separately-listed quota REGION:NAME:AMOUNT[:START]")
    p.add_argument("--projects-on-top", action="store_true", help="quota on top of the total (national major projects)")
    p.add_argument("--params-json", default=None, help="scenario parameters as JSON {name: {gdp_growth: {year: r}, ...}}")
    p.add_argument("--user", default=None)
    p.add_argument("--note", default=None)
    p.add_argument("--json", action="store_true")


def add_parsers(sub) -> None:
    p = sub.add_parser("plan", help="budget plan compilation: draft, comment, revise, approve, export")
    ps = p.add_subparsers(dest="plan_command", required=True)
    d = ps.add_parser("draft", help="compile and store a new draft plan")
    d.add_argument("--parent", required=True, help="the region whose budget is allocated to its members")
    d.add_argument("--years", required=True, help="e.g. 2026-2030")
    _plan_params(d, True)
    d.set_defaults(func=cmd_draft)
    r = ps.add_parser("revise", help="a new version of a plan with what changed")
    r.add_argument("plan")
    _plan_params(r, False)
    r.set_defaults(func=cmd_revise)
    a = ps.add_parser("approve", help="approve a version: writes the allocation ledger entries")
    a.add_argument("plan")
    a.add_argument("--version", type=int, default=None)
    a.add_argument("--supersedes", default=None, help="the approved plan for the same parent and years this one replaces")
    a.add_argument("--user", required=True)
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_approve)
    c = ps.add_parser("comment", help="a member's answer to a draft, with a requested amount")
    c.add_argument("plan")
    c.add_argument("--region", required=True)
    c.add_argument("--user", required=True)
    c.add_argument("--text", required=True)
    c.add_argument("--amount", type=float, default=None, help="requested five-year amount, 10k t")
    c.add_argument("--version", type=int, default=None)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_comment)
    ls = ps.add_parser("list", help="every plan with its versions and approval")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    sh = ps.add_parser("show", help="one version as JSON")
    sh.add_argument("plan")
    sh.add_argument("--version", type=int, default=None)
    sh.set_defaults(func=cmd_show)
    cm = ps.add_parser("compare", help="two versions side by side")
    cm.add_argument("plan")
    cm.add_argument("a", type=int)
    cm.add_argument("b", type=int)
    cm.add_argument("--json", action="store_true")
    cm.set_defaults(func=cmd_compare)
    sp = ps.add_parser("split", help="horizontal allocation of a member's budget to key emitters or sectors")
    sp.add_argument("plan")
    sp.add_argument("--city", required=True)
    sp.add_argument("--to", choices=["emitters", "sectors"], default="emitters")
    sp.add_argument("--method", choices=bconfig.PLAN_METHODS, default="history")
    sp.add_argument("--weights", default=None)
    sp.add_argument("--version", type=int, default=None)
    sp.add_argument("--save", action="store_true", help="store the split as a new version")
    sp.add_argument("--user", default=None)
    sp.add_argument("--note", default=None)
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_split)
    e = ps.add_parser("export", help="the plan document: PDF (Chinese) and xlsx (every table)")
    e.add_argument("plan")
    e.add_argument("--version", type=int, default=None)
    e.add_argument("--pdf", default=None)
    e.add_argument("--xlsx", default=None)
    e.set_defaults(func=cmd_export)
