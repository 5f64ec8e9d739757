"""Several processes on one warehouse file: ingests serialise, readers wait, kill -9 loses nothing.

Uses the test hook in warehouse/ingest.py: $CARBON_BUDGET_TEST_PAUSE_IN_COMMIT seconds of sleep right
after the observations are appended, inside the open transaction (holding the file's write lock).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, small_regions
from warehouse import db, store

PAUSE_ENV = "CARBON_BUDGET_TEST_PAUSE_IN_COMMIT"
# Runs the real CLI, but first wraps time.sleep so the test learns when the pause in the commit starts.
PAUSING_CLI = """
import os, sys, time
_sleep = time.sleep
def sleep(seconds):
    if seconds == float(os.environ["CARBON_BUDGET_TEST_PAUSE_IN_COMMIT"]):
        open(os.environ["PAUSE_MARKER"], "w").close()
    _sleep(seconds)
time.sleep = sleep
from cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "carbon-budget"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli.main"]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CARBON_BUDGET_DB", PAUSE_ENV)}
    return dict(env, **extra)


def _upload(folder: Path, name: str, region: str, months=("2024-01", "2024-02", "2024-03")) -> Path:
    path = folder / name
    lines = ["region,period,indicator,value,unit"]
    lines += [f"{region},{m},elec_total,{1000 + 10 * i + (5 if region == 'B' else 0)},万千瓦时" for i, m in enumerate(months)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def warehouse(empty_db) -> Path:
    with db.transaction(empty_db) as con:
        store.upsert_regions(con, small_regions())
    return empty_db


def _dump(path: Path) -> dict:
    with db.connect(path) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()  # table names are constants
                for t in ("observations", "batches", "observations_current")}


def _wait_for(marker: Path, proc: subprocess.Popen, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the ingest never reached its commit"
        time.sleep(0.02)


def test_two_ingests_started_at_once_both_land_one_after_the_other(warehouse, tmp_path):
    files = [_upload(tmp_path, "a.csv", "A"), _upload(tmp_path, "b.csv", "B")]
    env = _env(**{PAUSE_ENV: "0.8"})
    procs = [subprocess.Popen(_cli() + ["--db", str(warehouse), "ingest", str(f), "--user", f"u{i}"], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, f in enumerate(files)]
    outs = [p.communicate(timeout=90) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    with db.connect(warehouse) as con:
        ups = con.execute("SELECT batch_id, created_at, created_by FROM batches WHERE origin = 'upload' "
                          "ORDER BY batch_id").fetchall()
        got = con.execute("SELECT region, count(*) FROM observations_current WHERE indicator = 'elec_total' "
                          "GROUP BY region ORDER BY region").fetchall()
    assert sorted(u[2] for u in ups) == ["u0", "u1"]
    assert got == [("A", 3), ("B", 3)]
    # the second commit began only after the first (which held the lock through its pause) ended
    assert (ups[1][1] - ups[0][1]).total_seconds() >= 0.75


def test_reader_waits_for_a_commit_and_sees_all_of_it(warehouse, tmp_path):
    marker = tmp_path / "paused"
    proc = subprocess.Popen([sys.executable, "-c", PAUSING_CLI, "--db", str(warehouse), "ingest",
                             str(_upload(tmp_path, "a.csv", "A"))], cwd=ROOT,
                            env=_env(**{PAUSE_ENV: "1.0", "PAUSE_MARKER": str(marker)}),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(marker, proc)
    with db.connect(warehouse) as con:  # blocks on the lock, then reads the committed state
        n = con.execute("SELECT count(*) FROM observations_current WHERE indicator = 'elec_total'").fetchone()[0]
        ups = con.execute("SELECT count(*) FROM batches WHERE origin = 'upload'").fetchone()[0]
    assert proc.wait(timeout=60) == 0, proc.communicate()
    assert (n, ups) == (3, 1)


def test_kill_9_mid_commit_leaves_the_warehouse_as_before(warehouse, tmp_path):
    done = subprocess.run(_cli() + ["--db", str(warehouse), "ingest", str(_upload(tmp_path, "a.csv", "A"))],
                          cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    before = _dump(warehouse)
    marker = tmp_path / "paused"
    upload_b = _upload(tmp_path, "b.csv", "B")
    proc = subprocess.Popen([sys.executable, "-c", PAUSING_CLI, "--db", str(warehouse), "ingest", str(upload_b)],
                            cwd=ROOT, env=_env(**{PAUSE_ENV: "60", "PAUSE_MARKER": str(marker)}),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(marker, proc)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    proc.communicate()
    assert _dump(warehouse) == before
    # the next writer opens normally, and the same file loads (it was never recorded as loaded)
    done = subprocess.run(_cli() + ["--db", str(warehouse), "ingest", str(upload_b), "--json"],
                          cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and json.loads(done.stdout)["status"] == "loaded", done.stdout + done.stderr
    after = _dump(warehouse)
    assert len(after["observations"]) == len(before["observations"]) + 3
