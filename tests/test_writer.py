"""Writes from the app go through a CLI process started ahead of need: same answers as a fresh CLI run."""
from __future__ import annotations

import json

from services import writer
from tests.test_meters_atomic import _readings, _stored, _warehouse


def test_warm_worker_runs_one_command_each_and_reports_like_the_cli(tmp_path):
    wh = _warehouse(tmp_path / "wh.duckdb")
    good = tmp_path / "r.csv"
    _readings(3).to_csv(good, index=False)
    writer.warm()
    code, out, err = writer.run(str(wh), "meters", "load", str(good), "--json")
    assert code == 0 and json.loads(out)["status"] == "loaded", err
    assert _stored(wh)[1] == 3 * 48
    code, out, err = writer.run(str(wh), "meters", "load", str(good), "--json")   # the next spare: refused, exit 1
    assert code == 1 and '"already_stored"' in out
    code, _, err = writer.run(str(wh), "meters", "rollback", "999999")
    assert code == 1 and "不存在批次" in err
    code, _, err = writer.run(str(wh), "no-such-command")                           # argparse's usage error
    assert code == 2 and "invalid choice" in err
    assert _stored(wh)[1] == 3 * 48


def test_a_commit_gets_in_while_another_process_reads_without_pause(tmp_path):
    """Page views' short reads from the app process must not starve a commit: the writer's flag makes
    readers stand back (warehouse.db._open)."""
    import os
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT
    from warehouse import db, store

    wh = _warehouse(tmp_path / "wh.duckdb")
    loop = ("import sys, time\nfrom warehouse import db\nend = time.monotonic() + float(sys.argv[2])\n"
            "print('go', flush=True)\n"
            "while time.monotonic() < end:\n"
            "    with db.connect(sys.argv[1]) as con:\n"
            "        con.execute('SELECT count(*) FROM batches').fetchall()\n")
    readers = [subprocess.Popen([sys.executable, "-c", loop, str(wh), "15"], cwd=ROOT, stdout=subprocess.PIPE,
                                env=dict(os.environ, PYTHONPATH=str(ROOT))) for _ in range(4)]
    try:
        for r in readers:
            assert r.stdout.readline().strip() == b"go"
        time.sleep(0.5)
        t0 = time.monotonic()
        with db.transaction(wh) as con:
            store.new_batch(con, origin="upload", source_name="during-reads.csv")
        waited = time.monotonic() - t0
    finally:
        for r in readers:
            r.kill()
            r.wait()
    assert waited < 4.0, f"the commit waited {waited:.1f} s for the readers"
    assert not list(tmp_path.glob("wh.duckdb.writer-*"))   # the flag is gone once the writer is in
