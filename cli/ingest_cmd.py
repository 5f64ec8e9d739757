"""CLI: `ingest FILE` follows the same path as the upload page and prints the same report."""
from __future__ import annotations

import json
import sys

import pandas as pd

from warehouse import ingest, users

EXIT_OK, EXIT_REJECTED = 0, 1


def cmd_ingest(args) -> int:
    try:
        result = ingest.ingest_file(args.db_path, args.file, user=args.user, sheet=args.sheet, dry_run=args.dry_run,
                                    accept_valid_rows=args.accept_valid_rows)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except users.PermissionDenied as exc:
        if args.json:
            print(json.dumps({"status": "rejected", "batch": None, "rows_loaded": 0, "warnings": [],
                              "errors": [{"code": exc.code, "problem_en": exc.message_en, "problem_zh": exc.message_zh}]},
                             ensure_ascii=False))
        print(f"refused: {exc.message_en}", file=sys.stderr)
        return EXIT_REJECTED
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1, default=str))
    else:
        print(f"{result.status}: {result.message_en}")
        for r in result.report.astype(object).itertuples():
            where = "file" if pd.isna(r.row) else f"row {int(r.row)}"
            col = f", column {r.column}" if isinstance(r.column, str) and r.column else ""
            print(f"  {r.severity} {where}{col}: {r.problem_en} -> {r.fix_en}")
    failed = result.status == ingest.REJECTED or (result.status == ingest.DRY_RUN and not result.errors.empty)
    return EXIT_REJECTED if failed else EXIT_OK


def add_parsers(sub) -> None:
    i = sub.add_parser("ingest", help="validate and load a CSV/xlsx upload as one batch")
    i.add_argument("file")
    i.add_argument("--sheet", default=None)
    i.add_argument("--dry-run", action="store_true")
    i.add_argument("--accept-valid-rows", action="store_true", help="load the valid rows even when others have errors")
    i.add_argument("--user", default="cli")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=cmd_ingest)
