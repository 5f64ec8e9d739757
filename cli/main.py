"""`carbon-budget`: the command line. Exit codes: 0 done, 1 rejected input, 2 usage."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from warehouse import db

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
ROOT = Path(__file__).resolve().parent.parent


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def cmd_demo(args) -> int:
    from demo_province import build as demo
    from warehouse import users

    problem = demo.as_of_problem(args.as_of)
    if problem:  # refused before the warehouse is touched
        print(f"refused: {problem}", file=sys.stderr)
        return EXIT_REJECTED
    held = db.user_content(args.db_path)
    if held and not args.force:
        what = ", ".join(f"{k}: {v}" for k, v in held.items())
        print(f"refused: {args.db_path} holds more than a demo ({what}); `demo` would replace it. "
              f"Use another --db FILE, or --force (an admin's --user once users exist) / "
              f"拒绝：{args.db_path} 中已有非示范数据（{what}），`demo` 会整体替换它。请换一个 --db 文件，"
              f"或加 --force（已设用户时须由管理员 --user 执行）", file=sys.stderr)
        return EXIT_REJECTED
    if held.get("users"):
        try:
            users.require_role(args.db_path, args.user, "demo_replace")
        except users.PermissionDenied as exc:
            print(f"refused ({exc.code}): {exc.message_en} / {exc.message_zh}", file=sys.stderr)
            return EXIT_REJECTED
    info = demo.build(args.db_path, n_cities=args.cities, as_of=args.as_of, seed=args.seed,
                      co2_lag_months=args.co2_lag, with_nowcast=not args.no_nowcast, with_users=not args.no_users)
    _print_json(info) if args.json else print(
        f"demo province written to {info['path']}: {info['regions']} regions, "
        f"{info['observations']:,} statistical values, {info['co2_accounted']:,} accounted CO2 months, "
        f"as of {info['as_of']}; {info['ledger_entries']} budget ledger entries")
    return EXIT_OK


def cmd_regions_load(args) -> int:
    from warehouse import regions_io

    result = regions_io.load_regions_file(args.db_path, args.file, user=args.user)
    if result["errors"]:
        for e in result["errors"]:
            print(f"error: {e}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"{result['loaded']} regions loaded into {args.db_path}")
    return EXIT_OK


def parse_known_on(text: str | None):
    """``--known-on`` as a datetime (YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]); ValueError with a clear message."""
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--known-on {text!r} is not a date: use YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS' / "
                         f"--known-on {text!r} 不是日期：请用 YYYY-MM-DD 或 'YYYY-MM-DD HH:MM:SS'") from None


def cmd_export(args) -> int:
    from reports.safe_text import write_csv
    from warehouse import queries

    try:
        known_on = parse_known_on(args.known_on)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with db.connect(args.db_path) as con:
        frame = queries.export(con, region=args.region, indicator=args.indicator, kind=args.kind,
                               known_on=None if known_on is None else known_on.isoformat(sep=" "))
    from monitor import track_record
    frame = track_record.annotate_export(args.db_path, frame)   # estimates: their 90% band and confidence word
    # region codes or batch notes that look like formulas stay text in Excel (safe_text.write_csv defuses)
    write_csv(frame, args.out or sys.stdout)
    if args.out:
        print(f"{len(frame):,} rows written to {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args) -> int:
    env = dict(os.environ, CARBON_BUDGET_DB=str(Path(args.db_path).resolve()))
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.address", args.address,
           "--server.port", str(args.port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    return subprocess.call(cmd, env=env, cwd=str(ROOT))


def command_modules() -> list:
    """Every ``cli/*_cmd.py`` module (each registers its subcommands with ``add_parsers(sub)``)."""
    import importlib
    import pkgutil

    import cli

    names = sorted(m.name for m in pkgutil.iter_modules(cli.__path__) if m.name.endswith("_cmd"))
    return [importlib.import_module(f"cli.{name}") for name in names]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="carbon-budget", description="Carbon budget monitor: warehouse, nowcast, budget status.")
    p.add_argument("--db", dest="db_path", default=None, help="warehouse file (default $CARBON_BUDGET_DB or data/warehouse.duckdb)")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help="build the demo province warehouse (refuses to replace one with real data unless --force)")
    d.add_argument("--cities", type=int, default=12)
    d.add_argument("--as-of", default=None, help="last month of driver data, YYYY-MM (default: last complete month)")
    d.add_argument("--seed", type=int, default=20260101)
    d.add_argument("--co2-lag", type=int, default=6, help="months accounted CO2 lags the drivers")
    d.add_argument("--no-nowcast", action="store_true", help="skip the first nowcast run")
    d.add_argument("--no-users", action="store_true", help="no demo accounts (by default one per role, passwords shown "
                   "on the sign-in page while the warehouse is the demo)")
    d.add_argument("--force", action="store_true", help="replace a warehouse that holds more than a demo")
    d.add_argument("--user", default=None, help="acting admin when --force replaces a warehouse with users")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_demo)

    r = sub.add_parser("regions", help="region reference data")
    rsub = r.add_subparsers(dest="regions_command", required=True)
    rl = rsub.add_parser("load", help="load a CSV code,name_zh,name_en,parent,level")
    rl.add_argument("file")
    rl.add_argument("--user", default=None, help="acting admin (needed once users exist)")
    rl.set_defaults(func=cmd_regions_load)

    for module in command_modules():
        module.add_parsers(sub)

    e = sub.add_parser("export", help="long CSV in canonical units with kind and batch; estimates with their 90%% band and confidence word (高/中/低)")
    e.add_argument("--region")
    e.add_argument("--indicator")
    e.add_argument("--kind", choices=["statistical", "estimated", "verified"])
    e.add_argument("--known-on", help="values as known on this date (YYYY-MM-DD[ HH:MM:SS])")
    e.add_argument("--out")
    e.set_defaults(func=cmd_export)

    s = sub.add_parser("serve", help="serve the app (default 127.0.0.1:8501)")
    s.add_argument("--address", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8501)
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db_path = str(db.db_path(args.db_path))
    from cli.common import CleanStream

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanStream(out), CleanStream(err)  # no control or bidi characters reach the terminal
    from cli.common import refused
    from intake.text_policy import TextRefused
    from reports.render_worker import RenderError

    try:
        return args.func(args)
    except (TextRefused, RenderError) as exc:  # text refused at the door, a renderer that failed: exit 1, both languages
        return refused(exc)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except BrokenPipeError:  # output piped into `head` and the like
        err.close()
        return EXIT_OK
    finally:
        sys.stdout, sys.stderr = out, err


if __name__ == "__main__":
    sys.exit(main())
