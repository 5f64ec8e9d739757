"""A CLI process started ahead of need: it imports what the writing commands use, then waits for ONE command
on stdin (a JSON line ``{"argv": [...], "env": {...}}``), runs it exactly as ``carbon-budget`` would, writes
``{"code": exit code, "stdout": ..., "stderr": ...}`` as one JSON line and exits.

Why: the app runs every write in a child process (the server keeps serving while DuckDB's single writer
commits, and a crash of the writer cannot take the server down), but a fresh Python spends most of a
small upload's time importing pandas, DuckDB and the intake code. The app keeps one of these waiting
(``services.writer``), so a click pays only for the write. One command per process, as before: nothing
a command leaves in memory can reach the next one.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys


def _warm() -> None:
    """Import what a write needs (byte code is not cached on disk here: every import compiles)."""
    import importlib

    import cli.main

    cli.main.build_parser()  # every command module
    for name in ("openpyxl", "intake.reader", "intake.validate", "warehouse.ingest", "warehouse.accounting",
                 "warehouse.batches", "warehouse.meters", "warehouse.rollback", "intake.meters_validate"):
        try:
            importlib.import_module(name)
        except ImportError:  # a room renamed: the command imports what it needs itself
            pass


def main() -> int:
    _warm()
    print("ready", flush=True)
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the app let this spare go
    request = json.loads(line)
    os.environ.update({str(k): str(v) for k, v in request.get("env", {}).items()})
    out, err = io.StringIO(), io.StringIO()
    from cli.main import main as cli_main

    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main(list(request["argv"]))
        except SystemExit as exc:  # argparse refusals
            code = exc.code if isinstance(exc.code, int) else 2
        except Exception as exc:  # noqa: BLE001 - reported like a crashed CLI run: the last line says why
            print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
            code = 1
    sys.__stdout__.write(json.dumps({"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}) + "\n")
    sys.__stdout__.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
