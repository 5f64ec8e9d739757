"""CLI: `registry template|check|load FILE`: the key-emitter registry (重点排放单位名录) upload path."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from intake.registry import template
from reports.safe_text import write_csv
from warehouse import db, key_emitters, registry_load, users

EXIT_OK, EXIT_REJECTED = 0, 1


def _print_report(up) -> None:
    for p in up.problems:
        where = f"row {p['row']}, " if p["row"] is not None else ""
        print(f"{p['severity']}: {where}{p['column']}: {p['problem_en']} / {p['problem_zh']} — {p['fix_en']}", file=sys.stderr)


def cmd_template(args) -> int:
    Path(args.out).write_bytes(template("csv" if args.out.lower().endswith(".csv") else "xlsx"))
    print(f"template written to {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_load(args) -> int:
    data = Path(args.file).read_bytes()
    try:
        if args.dry_run:
            up, batch = registry_load.check(args.db_path, data, args.file, args.sheet), None
        else:
            up, batch = registry_load.load(args.db_path, data, args.file, args.user, args.sheet)
    except users.PermissionDenied as exc:
        print(f"refused ({exc.code}): {exc.message_en} / {exc.message_zh}", file=sys.stderr)
        return EXIT_REJECTED
    status = "dry-run" if args.dry_run and up.ok else ("loaded" if batch is not None else "rejected")
    if args.json:
        print(json.dumps({"status": status, "batch": batch, "emitters": len(up.registry), "rows": len(up.years),
                          "problems": up.problems}, ensure_ascii=False, indent=1, default=str))
    else:
        _print_report(up)
        print(f"{status}: {len(up.registry)} emitters, {len(up.years)} emitter-years" + (f", batch {batch}" if batch else ""))
    return EXIT_OK if status != "rejected" else EXIT_REJECTED


def cmd_list(args) -> int:
    with db.connect(args.db_path) as con:
        frame = key_emitters.registry(con)
    write_csv(frame)  # defused: an emitter named "=HYPERLINK(..)" stays text in a spreadsheet
    return EXIT_OK


def cmd_approve(args) -> int:
    """Propose the list as it stands for approval (审定): confirmed at once or pending the approver (issue 17)."""
    from budget.province import ProvinceError
    from cli.common import print_json, refused
    from monitor import approvals, province

    try:
        out = province.propose_registry(args.db_path, args.user)
    except (ProvinceError, users.PermissionDenied, approvals.ApprovalError) as exc:
        return refused(exc)
    if args.json:
        print_json(out)
    elif out["status"] == "pending":
        print(f"key-emitter list proposed: approval {out['id']} waits for the {out['signoff']} / 名录已提请审定，待确认")
    else:
        print(f"key-emitter list approved: {out['result']['emitters']} units / 名录已审定")
    return EXIT_OK


def add_parsers(sub) -> None:
    r = sub.add_parser("registry", help="key-emitter registry: template, check and load an upload")
    rs = r.add_subparsers(dest="registry_command", required=True)
    t = rs.add_parser("template", help="write the upload template (xlsx or .csv)")
    t.add_argument("out")
    t.set_defaults(func=cmd_template)
    ld = rs.add_parser("load", help="validate and load a registry file as one batch")
    ld.add_argument("file")
    ld.add_argument("--sheet", default=None)
    ld.add_argument("--dry-run", action="store_true", help="check only, store nothing")
    ld.add_argument("--user", default=None)
    ld.add_argument("--json", action="store_true")
    ld.set_defaults(func=cmd_load)
    ls = rs.add_parser("list", help="the current registry as CSV")
    ls.set_defaults(func=cmd_list)
    ap = rs.add_parser("approve", help="propose the list as it stands for approval (审定) by the provincial government")
    ap.add_argument("--user", default=None, help="a province admin")
    ap.add_argument("--json", action="store_true")
    ap.set_defaults(func=cmd_approve)
