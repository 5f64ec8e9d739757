"""CLI: `measures ...` — policy adjustment (政策调节): the measures register, progress reports and
their review, major projects, applications (separately-listed quota, advances) and their review,
the what-if of a city's measures, the quarterly bulletin.

    measures add --region R --title T --instrument CODE --owner O --start YYYY-MM --end YYYY-MM --reduction X [--user NAME] --json
    measures report MEASURE --text T [--value V] [--period YYYY-Qn] --user NAME
    measures list [--region R] [--json]
    measures status MEASURE --to STATUS --reason TEXT [--actual-start YYYY-MM] [--actual-end YYYY-MM] [--user NAME]
    measures review-report REPORT --decision accepted|changes_requested [--comment TEXT] [--user NAME]
    measures project --region R --name N --sector S --start YYYY-MM --emissions 2026=300,2027=420 [--basis B] [--plan P] [--user NAME]
    measures apply --kind separately_listed|advance --region R --year Y --amount A --reason TEXT [--project ID] [--user NAME]
    measures applications [--json]
    measures review APPLICATION --decision approve|partly|refuse --reason TEXT [--amount A] [--on-top] [--user NAME]
    measures whatif --region R [--off ID,ID] [--json]
    measures bulletin --out FILE.pdf|FILE.xlsx [--lang zh|en]
"""
from __future__ import annotations

import sys
from pathlib import Path

from monitor import rules as mrules
import budget
from budget.measures import MeasureError
from monitor import measures as ms
from warehouse import users

from cli.common import EXIT_OK, EXIT_REJECTED, guarded
from cli.common import print_json as _out
from cli.common import refused as _refused


_guard = guarded(MeasureError, users.PermissionDenied, budget.LedgerError)


@_guard
def cmd_add(args) -> int:
    m = ms.add_measure(args.db_path, region=args.region, title=args.title, instrument=args.instrument, owner=args.owner,
                       start=args.start, end=args.end, reduction=args.reduction, user=args.user, contact=args.contact,
                       basis=args.basis, cost=args.cost, indicator=args.indicator)
    rec = ms.measure_record(m)
    if args.json:
        _out(rec)
    else:
        print(f"measure {rec['measure_id']} registered for {rec['region']}: {rec['title']} ({rec['instrument']}, "
              f"{rec['reduction']:,.1f} 10^4 t CO2/yr, {rec['planned_start']}..{rec['planned_end']})")
    return EXIT_OK


@_guard
def cmd_report(args) -> int:
    r = ms.add_report(args.db_path, args.measure, args.text, user=args.user, value=args.value, period=args.period)
    _out(r) if args.json else print(f"report {r['report_id']} filed on measure {r['measure_id']} for {r['period']}")
    return EXIT_OK


def cmd_list(args) -> int:
    data = ms.register(args.db_path)
    frame = data["measures"]
    if args.region:
        frame = frame[frame["region"] == args.region]
    if args.json:
        _out([ms.measure_record(r) for r in frame.to_dict("records")])
        return EXIT_OK
    cols = ["measure_id", "region", "instrument", "title", "owner_dept", "planned_start", "planned_end",
            "effective_status", "reduction", "status_reason_en"]
    print(frame[cols].to_string(index=False) if len(frame) else "no measures")
    return EXIT_OK


@_guard
def cmd_status(args) -> int:
    m = ms.change_status(args.db_path, args.measure, args.to, args.reason, user=args.user,
                         actual_start=args.actual_start, actual_end=args.actual_end)
    print(f"measure {m['measure_id']} is now {m['status']}: {m['reason']}")
    return EXIT_OK


@_guard
def cmd_review_report(args) -> int:
    r = ms.review_report(args.db_path, args.report, args.decision, args.comment, user=args.user)
    print(f"report {r['report_id']}: {r['review_status']}")
    return EXIT_OK


@_guard
def cmd_project(args) -> int:
    pid = ms.add_project(args.db_path, region=args.region, name=args.name, sector=args.sector, start=args.start,
                         emissions=budget.measures.parse_emissions(args.emissions), basis=args.basis, reduction_plan=args.plan, user=args.user)
    _out({"project_id": pid}) if args.json else print(f"major project {pid} registered")
    return EXIT_OK


@_guard
def cmd_apply(args) -> int:
    aid = ms.submit_application(args.db_path, kind=args.kind, region=args.region, year=args.year, amount=args.amount,
                                reason=args.reason, user=args.user, project_id=args.project)
    _out({"application_id": aid, "status": "pending"}) if args.json else print(f"application {aid} submitted (pending)")
    return EXIT_OK


def cmd_applications(args) -> int:
    frame = ms.register(args.db_path)["applications"]
    if args.json:
        _out([ms.measure_record(r) for r in frame.to_dict("records")])
    else:
        print(frame.to_string(index=False) if len(frame) else "no applications")
    return EXIT_OK


@_guard
def cmd_review(args) -> int:
    r = ms.review_application(args.db_path, args.application, args.decision, args.reason, user=args.user,
                              amount=args.amount, from_reserve=not args.on_top)
    _out(r) if args.json else print(f"application {r['application_id']}: {r['status']} {r['amount_granted']:,.2f}"
                                    + (f" (ledger entry {r['entry_id']})" if r["entry_id"] else " (no ledger entry)"))
    return EXIT_OK


def cmd_whatif(args) -> int:
    from monitor import measures_outlook
    from monitor.status import status_report

    try:
        report = status_report(args.db_path)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    data = ms.register(args.db_path)
    if args.region not in set(report.progress["region"]):
        return _refused(MeasureError("unknown_region", value=args.region))
    mine = data["measures"]
    off = {int(x) for x in str(args.off or "").split(",") if x.strip().isdigit()}
    include = [int(i) for i in mine["measure_id"] if int(i) not in off]
    o = measures_outlook.outlook(report, mine, args.region, include=include)
    rec = ms.measure_record(o.iloc[0].to_dict())
    _out(rec) if args.json else print("\n".join(f"{k}: {v}" for k, v in rec.items()))
    return EXIT_OK


def cmd_bulletin(args) -> int:
    from monitor import measures_outlook
    from monitor.status import status_report
    from reports import bulletin_doc

    try:
        report = status_report(args.db_path)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    frames = measures_outlook.bulletin_frames(report, ms.register(args.db_path), args.lang)
    out = Path(args.out)
    if out.suffix.lower() == ".xlsx":
        data = bulletin_doc.bulletin_xlsx(frames, args.lang, books=mrules.books_at_month(args.db_path, report.year, report.month))
    else:
        from monitor import track_record   # the bulletin quotes the estimates' live record
        data = bulletin_doc.bulletin_pdf(frames, measures_outlook.quarter_label(report, args.lang), report.as_of, args.lang, books=mrules.books_at_month(args.db_path, report.year, report.month),
                                         record=track_record.sentence(track_record.summary(args.db_path), args.lang))
    out.write_bytes(data)
    print(f"bulletin written to {out} ({len(data):,} bytes)")
    return EXIT_OK


def add_parsers(sub) -> None:
    p = sub.add_parser("measures", help="policy adjustment: measures, progress reports, major projects, applications")
    s = p.add_subparsers(dest="measures_command", required=True)
    a = s.add_parser("add", help="register a measure for a city (prints it)")
    a.add_argument("--region", required=True)
    a.add_argument("--title", required=True)
    a.add_argument("--instrument", required=True, help="instrument code of data/policy_toolbox.csv")
    a.add_argument("--owner", required=True, help="responsible department")
    a.add_argument("--contact", default=None)
    a.add_argument("--start", required=True, help="planned start YYYY-MM")
    a.add_argument("--end", required=True, help="planned end YYYY-MM")
    a.add_argument("--reduction", required=True, type=float, help="expected reduction, 10^4 t CO2 per year (万吨/年)")
    a.add_argument("--basis", default=None, help="how the reduction was estimated")
    a.add_argument("--cost", default=None, type=float, help="cost, 10^4 yuan (万元)")
    a.add_argument("--indicator", default=None, help="indicator that shows progress, e.g. out_crude_steel")
    a.add_argument("--user", default=None)
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_add)
    r = s.add_parser("report", help="file a progress report on a measure")
    r.add_argument("measure", type=int)
    r.add_argument("--text", required=True)
    r.add_argument("--value", type=float, default=None, help="achieved reduction to date, 10^4 t CO2")
    r.add_argument("--period", default=None, help="quarter YYYY-Qn (default: the current quarter)")
    r.add_argument("--user", required=True)
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_report)
    ls = s.add_parser("list", help="the measures register (late derived as of today)")
    ls.add_argument("--region", default=None)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    st = s.add_parser("status", help="change a measure's status, with a reason")
    st.add_argument("measure", type=int)
    st.add_argument("--to", required=True, choices=budget.measures.STATUSES)
    st.add_argument("--reason", required=True)
    st.add_argument("--actual-start", default=None)
    st.add_argument("--actual-end", default=None)
    st.add_argument("--user", default=None)
    st.set_defaults(func=cmd_status)
    rr = s.add_parser("review-report", help="accept a progress report or ask for changes (admin)")
    rr.add_argument("report", type=int)
    rr.add_argument("--decision", required=True, choices=ms.REPORT_DECISIONS)
    rr.add_argument("--comment", default=None)
    rr.add_argument("--user", default=None)
    rr.set_defaults(func=cmd_review_report)
    pj = s.add_parser("project", help="register a major project with its expected emissions by year")
    pj.add_argument("--region", required=True)
    pj.add_argument("--name", required=True)
    pj.add_argument("--sector", required=True)
    pj.add_argument("--start", required=True, help="YYYY-MM")
    pj.add_argument("--emissions", required=True, help="YEAR=CO2,... in 10^4 t CO2")
    pj.add_argument("--basis", default=None)
    pj.add_argument("--plan", default=None, help="the project's reduction plan")
    pj.add_argument("--user", default=None)
    pj.add_argument("--json", action="store_true")
    pj.set_defaults(func=cmd_project)
    ap = s.add_parser("apply", help="apply for separately-listed quota or an advance on next year's budget")
    ap.add_argument("--kind", required=True, choices=ms.APPLICATION_KINDS)
    ap.add_argument("--region", required=True)
    ap.add_argument("--year", required=True, type=int)
    ap.add_argument("--amount", required=True, type=float, help="10^4 t CO2")
    ap.add_argument("--reason", required=True)
    ap.add_argument("--project", type=int, default=None, help="major project id (separately-listed quota)")
    ap.add_argument("--user", default=None)
    ap.add_argument("--json", action="store_true")
    ap.set_defaults(func=cmd_apply)
    al = s.add_parser("applications", help="every application: pending, approved, refused")
    al.add_argument("--json", action="store_true")
    al.set_defaults(func=cmd_applications)
    rv = s.add_parser("review", help="approve / partly approve / refuse an application (admin); approval writes the ledger")
    rv.add_argument("application", type=int)
    rv.add_argument("--decision", required=True, choices=ms.DECISIONS)
    rv.add_argument("--reason", required=True)
    rv.add_argument("--amount", type=float, default=None, help="granted amount for a partial approval")
    rv.add_argument("--on-top", action="store_true", help="separately-listed quota on top of the province total "
                                                          "(default: drawn from the reserve)")
    rv.add_argument("--user", default=None)
    rv.add_argument("--json", action="store_true")
    rv.set_defaults(func=cmd_review)
    w = s.add_parser("whatif", help="a city's outlook with and without its measures")
    w.add_argument("--region", required=True)
    w.add_argument("--off", default=None, help="measure ids to switch off, comma-separated")
    w.add_argument("--json", action="store_true")
    w.set_defaults(func=cmd_whatif)
    b = s.add_parser("bulletin", help="the quarterly weather-vane bulletin (PDF or xlsx)")
    b.add_argument("--out", required=True)
    b.add_argument("--lang", choices=["zh", "en"], default="zh")
    b.set_defaults(func=cmd_bulletin)

