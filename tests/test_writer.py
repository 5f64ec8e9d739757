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
