"""Actions that change the warehouse, for the pages: each checks the signed-in user's role against the
warehouse first (server side), then runs the same path as the CLI in a child process, so the app keeps
serving while DuckDB's single writer commits, and a crash of the writer cannot take the app down."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from services import auth
from warehouse import db, ingest

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ActionResult:
    ok: bool
    payload: dict = field(default_factory=dict)
    message_zh: str = ""
    message_en: str = ""


def check_upload(path: str, user: str | None, data: bytes, filename: str, sheet: str | None = None) -> ingest.IngestResult:
    """Read and validate without storing anything (an analyst's first step)."""
    auth.require(path, "upload", user)
    return ingest.ingest_bytes(path, data, filename, sheet=sheet, dry_run=True)


def _cli(path: str, *args: str, timeout: float = 600) -> tuple[int, dict, str]:
    env = dict(os.environ, CARBON_BUDGET_DB=str(Path(path).resolve()))
    proc = subprocess.run([sys.executable, "-m", "cli.main", "--db", str(path), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    try:
        payload = json.loads(proc.stdout) if proc.stdout.strip() else {}
    except ValueError:
        payload = {}
    return proc.returncode, payload, proc.stderr.strip()


def commit_upload(path: str, user: str | None, data: bytes, filename: str, *, sheet: str | None = None,
                  accept_valid_rows: bool = False) -> ActionResult:
    """Load the upload as one batch (CLI `ingest`), then refresh the nowcast (CLI `nowcast`)."""
    user = auth.require(path, "upload", user)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / Path(filename).name
        file.write_bytes(data)
        args = ["ingest", str(file), "--json", "--user", user]
        if sheet:
            args += ["--sheet", sheet]
        if accept_valid_rows:
            args.append("--accept-valid-rows")
        code, payload, err = _cli(path, *args)
    if not payload:
        return ActionResult(False, {}, err, err)
    result = ActionResult(payload.get("status") in ("loaded", "partial", "unchanged"), payload)
    if payload.get("status") in ("loaded", "partial"):
        ncode, npayload, nerr = _cli(path, "nowcast", "--json")
        result.payload["nowcast_ok"] = ncode == 0
        result.payload["nowcast_error"] = nerr.splitlines()[-1] if ncode and nerr else ""
        with db.connect(path) as con:
            from warehouse import batches

            changed = batches.what_changed(con, payload["batch"])
        result.payload["changed"] = changed
    return result


def rollback(path: str, user: str | None, batch_id: int) -> ActionResult:
    """Roll a batch back (CLI `rollback`), then refresh the nowcast."""
    user = auth.require(path, "rollback", user)
    code, payload, err = _cli(path, "rollback", str(int(batch_id)), "--user", user, "--json")
    if code != 0:
        msg = payload.get("message_en") or err
        return ActionResult(False, payload, payload.get("message_zh") or msg, msg)
    _cli(path, "nowcast", "--json")
    return ActionResult(True, payload, payload.get("message_zh", ""), payload.get("message_en", ""))


def status_moves(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[str, str, str, str, str]]:
    """(region, old status, old level, new status, new level) for every region whose status or level changed."""
    b = before.set_index("region")[["status", "warning_level"]]
    a = after.set_index("region")[["status", "warning_level"]]
    out = []
    for region, row in a.iterrows():
        if region in b.index and (b.loc[region, "status"] != row["status"] or b.loc[region, "warning_level"] != row["warning_level"]):
            out.append((region, b.loc[region, "status"], b.loc[region, "warning_level"], row["status"], row["warning_level"]))
    return out
