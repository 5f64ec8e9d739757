"""Actions that change the warehouse, for the pages: each checks the signed-in user's role against the
warehouse first (server side), then runs the same path as the CLI in a child process, so the app keeps
serving while DuckDB's single writer commits, and a crash of the writer cannot take the app down.

A commit (upload, rollback) returns as soon as its batch is stored; the nowcast and alerts refresh then
runs in the background (one child process per warehouse, shared by every session of this app process),
and ``refresh_panel`` shows its progress and says when the new figures are in."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
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
    from services import writer

    writer.warm()  # a load usually follows a check: have its process ready
    return ingest.ingest_bytes(path, data, filename, sheet=sheet, dry_run=True)


def _cli(path: str, *args: str, timeout: float = 600) -> tuple[int, dict, str]:
    from services import writer  # a child process started ahead of need (its imports already done)

    code, stdout, stderr = writer.run(path, *args, timeout=timeout)
    try:
        payload = json.loads(stdout) if stdout.strip() else {}
    except ValueError:
        payload = {}
    return code, payload, stderr.strip()


@dataclass
class Refresh:
    """A background nowcast refresh (CLI ``nowcast``) of one warehouse."""
    proc: subprocess.Popen
    started: float
    reason: str
    out: object
    err: object
    finished: float | None = None
    ok: bool | None = None
    error: str = ""
    again: bool = False  # another commit arrived while running: refresh once more when this one ends
    runs: int = 1


_REFRESH: dict[str, Refresh] = {}
_LAST_SECONDS: dict[str, float] = {}
_LOCK = threading.Lock()
DEFAULT_REFRESH_SECONDS = 45.0


def _background() -> None:
    """The refresh yields the processor to the app's own work (page views, the next commit): it is background."""
    os.nice(10)


def _spawn(path: str) -> tuple[subprocess.Popen, object, object]:
    env = dict(os.environ, CARBON_BUDGET_DB=str(Path(path).resolve()))
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "--db", str(path), "nowcast", "--json"], cwd=ROOT, env=env,
                            stdout=out, stderr=err, preexec_fn=_background)
    return proc, out, err


def start_refresh(path: str, reason: str = "upload") -> Refresh:
    """Start the nowcast refresh in the background (or, if one is running, queue one more run after it)."""
    key = str(Path(path).resolve())
    with _LOCK:
        job = _REFRESH.get(key)
        if job is not None and job.finished is None:
            job.again = True
            return job
        proc, out, err = _spawn(path)
        job = _REFRESH[key] = Refresh(proc, time.monotonic(), reason, out, err)
        return job


def refresh_state(path: str) -> Refresh | None:
    """The latest background refresh of ``path`` (polled: finishes it, restarts it when queued), or None."""
    key = str(Path(path).resolve())
    with _LOCK:
        job = _REFRESH.get(key)
        if job is None or job.finished is not None or job.proc.poll() is None:
            return job
        if job.again:  # data changed while it ran: once more, on the newest data
            job.proc, job.out, job.err = _spawn(path)
            job.again, job.runs = False, job.runs + 1
            return job
        job.finished = time.monotonic()
        job.ok = job.proc.returncode == 0
        job.err.seek(0)
        lines = job.err.read().decode("utf-8", "replace").strip().splitlines()
        job.error = "" if job.ok else (lines[-1] if lines else f"exit code {job.proc.returncode}")
        job.out.close()
        job.err.close()
        _LAST_SECONDS[key] = job.finished - job.started
        return job


def expected_seconds(path: str) -> float:
    """How long a refresh took last time in this process (a first guess otherwise): for the progress bar."""
    return _LAST_SECONDS.get(str(Path(path).resolve()), DEFAULT_REFRESH_SECONDS)


def wait_refresh(path: str, timeout: float = 600) -> Refresh | None:
    """Block until the background refresh of ``path`` has finished (CLI-like callers and tests)."""
    deadline = time.monotonic() + timeout
    while True:
        job = refresh_state(path)
        if job is None or job.finished is not None or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def commit_upload(path: str, user: str | None, data: bytes, filename: str, *, sheet: str | None = None,
                  accept_valid_rows: bool = False) -> ActionResult:
    """Load the upload as one batch (CLI `ingest`), then start the nowcast refresh (CLI `nowcast`) in the
    background; ``payload["refresh"]`` is "started" then (see ``refresh_state``)."""
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
        with db.connect(path) as con:
            from warehouse import batches

            changed = batches.what_changed(con, payload["batch"])
        result.payload["changed"] = changed
        start_refresh(path, "upload")
        result.payload["refresh"] = "started"
    return result


def rollback(path: str, user: str | None, batch_id: int) -> ActionResult:
    """Roll a batch back (CLI `rollback`), then start the nowcast refresh in the background."""
    user = auth.require(path, "rollback", user)
    code, payload, err = _cli(path, "rollback", str(int(batch_id)), "--user", user, "--json")
    if code != 0:
        msg = payload.get("message_en") or (err.splitlines()[-1] if err else f"exit code {code}")  # never a traceback
        return ActionResult(False, payload, payload.get("message_zh") or msg, msg)
    start_refresh(path, "rollback")
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
