"""Meter loads are atomic and can be rolled back: the batch and its files become visible together, a load
killed at any moment can be run again and ends with exactly one copy, unrecorded files are never read and
are collected, and a rolled-back batch's days can be loaded again."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cli.main import main
from warehouse import db, key_emitters, meters, store, users

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 3, 1)
N_CITIES, N_ENTERPRISES = 12, 48


def _warehouse(path: Path) -> Path:
    cities = [f"C{i:02d}" for i in range(N_CITIES)]
    regions = pd.DataFrame({"code": ["P", *cities], "name_zh": ["测试省", *[f"{c}市" for c in cities]],
                            "name_en": ["Test Province", *cities], "parent": ["", *["P"] * N_CITIES],
                            "level": ["province", *["city"] * N_CITIES]})
    codes = [f"E{i:03d}" for i in range(N_ENTERPRISES)]
    reg = pd.DataFrame({"code": codes, "name_zh": codes, "name_en": codes,
                        "region": [cities[i % N_CITIES] for i in range(N_ENTERPRISES)], "sector": "steel"})
    with db.transaction(path) as con:
        store.upsert_regions(con, regions)
        batch, at = store.new_batch(con, origin="upload", source_name="registry")
        key_emitters.store_registry(con, reg, None, batch, recorded_at=at)
    return path


def _readings(days: int, seed: int = 3, start: date = date(2025, 1, 1)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ents = [f"E{i:03d}" for i in range(N_ENTERPRISES)]
    return pd.DataFrame({"enterprise_id": np.repeat(ents, days),
                         "date": [(start + timedelta(days=k)).isoformat() for k in range(days)] * len(ents),
                         "kwh": np.round(rng.uniform(100, 5000, len(ents) * days), 3)})


def _stored(path: Path) -> tuple[float, int, int, list[int]]:
    """(kWh, readings, distinct enterprise-days) as every reader sees them, and the standing meter batches."""
    with db.connect(path) as con:
        files = meters.visible_files(con, path)
        standing = [b for (b,) in con.execute("SELECT batch_id FROM batches WHERE origin = 'meters' "
                                              "AND status <> 'rolled_back' ORDER BY batch_id").fetchall()]
        if not files:
            return 0.0, 0, 0, standing
        src = "[" + ", ".join(f"'{f}'" for f in files) + "]"
        kwh, n, keys = con.execute(f"SELECT sum(kwh), count(*), count(DISTINCT (enterprise_id, date)) "
                                   f"FROM read_parquet({src})").fetchall()[0]
    return float(kwh), int(n), int(keys), standing


def _orphan(path: Path, month: str = "2025-01", city: str = "C00") -> Path:
    """A Parquet file in the folder that no batch lists (what a load killed before its commit leaves)."""
    folder = meters.meters_dir(path) / f"month={month}" / f"city={city}"
    folder.mkdir(parents=True, exist_ok=True)
    f = folder / "batch-999-deadbeef.parquet"
    pq.write_table(pa.table({"enterprise_id": ["E000"], "date": pa.array([date(2025, 1, 1)]), "kwh": [1e6]}), f)
    return f


def test_unrecorded_files_are_invisible_and_collected(tmp_path):
    wh = _warehouse(tmp_path / "wh.duckdb")
    orphan = _orphan(wh)
    assert _stored(wh)[:3] == (0.0, 0, 0)          # never read: not by the accounts, not as "already stored"
    assert not meters.has_meters(wh)
    frame = _readings(40)
    data = frame.to_csv(index=False).encode()
    res = meters.ingest_meter_bytes(wh, data, "r.csv", today=TODAY)
    assert res.status == meters.LOADED, res.report
    assert not orphan.exists()                      # collected by the load
    kwh, n, keys, standing = _stored(wh)
    assert (n, keys, standing) == (len(frame), len(frame), [res.batch])
    assert kwh == pytest.approx(float(frame["kwh"].sum()), rel=1e-12)
    with db.connect(wh) as con:
        monthly = meters.monthly_city_kwh(con, wh)
    assert monthly["kwh"].sum() == pytest.approx(float(frame["kwh"].sum()), rel=1e-12)


def test_rollback_withdraws_and_the_same_file_loads_again(tmp_path, capsys):
    wh = _warehouse(tmp_path / "wh.duckdb")
    users.add_user(wh, "adm", "admin", "pw-123456789")
    users.add_user(wh, "ana", "analyst", "pw-123456789")
    users.add_user(wh, "vie", "viewer", "pw-123456789")
    users.add_user(wh, "rep", "reporter", "pw-123456789", region="C00")
    frame = _readings(20)
    file = tmp_path / "r.csv"
    frame.to_csv(file, index=False)
    assert main(["--db", str(wh), "meters", "load", str(file), "--user", "ana", "--json"]) == 0
    batch = _stored(wh)[3][0]
    capsys.readouterr()
    # refused: a viewer, an unknown name, a city-scoped reporter, a batch that is no meter upload; nothing changes
    for user in ("vie", "ghost", "rep"):
        assert main(["--db", str(wh), "meters", "rollback", str(batch), "--user", user]) == 1
        assert "refused" in capsys.readouterr().err
    assert main(["--db", str(wh), "meters", "rollback", "1", "--user", "ana"]) == 1
    err = capsys.readouterr().err
    assert "not a meter upload" in err and "不是电表数据上传" in err
    assert main(["--db", str(wh), "meters", "rollback", "999", "--user", "ana"]) == 1
    assert _stored(wh)[1] == len(frame)
    # the analyst rolls it back: recorded as a rollback batch by the analyst, the readings are gone
    assert main(["--db", str(wh), "meters", "rollback", str(batch), "--user", "ana", "--lang", "zh"]) == 0
    assert f"电表批次 {batch} 已回滚" in capsys.readouterr().out
    assert _stored(wh) == (0.0, 0, 0, [])
    with db.connect(wh) as con:
        rb = con.execute("SELECT created_by, note, rows_loaded FROM batches WHERE origin = 'rollback'").fetchall()
        status = con.execute("SELECT status FROM batches WHERE batch_id = ?", [batch]).fetchall()
        listed = meters.meter_batches(con)
    assert rb == [("ana", f"rollback of meter batch {batch}", len(frame))] and status == [("rolled_back",)]
    assert listed.set_index("batch_id").loc[batch, "rolled_back_by"] > batch
    assert main(["--db", str(wh), "meters", "rollback", str(batch), "--user", "ana"]) == 1   # not twice
    assert "already rolled back" in capsys.readouterr().err
    # the same file loads again, once; the generic `rollback` command treats a meter batch the same way
    assert main(["--db", str(wh), "meters", "load", str(file), "--user", "ana"]) == 0
    kwh, n, _, standing = _stored(wh)
    assert n == len(frame) and len(standing) == 1 and kwh == pytest.approx(float(frame["kwh"].sum()), rel=1e-12)
    assert main(["--db", str(wh), "rollback", str(standing[0]), "--user", "ana", "--json"]) == 0
    assert _stored(wh) == (0.0, 0, 0, [])


def _load_cmd(wh: Path, file: Path) -> list[str]:
    return [sys.executable, "-m", "cli.main", "--db", str(wh), "meters", "load", str(file), "--json"]


@pytest.mark.slow
def test_a_load_killed_at_any_moment_can_be_run_again(tmp_path):
    """SIGKILL `meters load` at random moments; after every kill readers see the whole file or nothing,
    and a final run ends with exactly one copy (after a kill that came too late, the batch is rolled back
    and the loop goes on: the same file must load again)."""
    seed = int.from_bytes(os.urandom(4), "little")
    rnd = random.Random(seed)
    wh = _warehouse(tmp_path / "wh.duckdb")
    frame = _readings(365)                       # 48 enterprises × 365 days → 144 month/city files
    file = tmp_path / "readings.csv"
    frame.to_csv(file, index=False)
    total, rows = float(frame["kwh"].sum()), len(frame)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # how long one whole load takes here (on a copy), so the kills spread over the whole run
    probe = _warehouse(tmp_path / "probe.duckdb")
    t0 = time.monotonic()
    subprocess.run(_load_cmd(probe, file), cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    duration = time.monotonic() - t0
    outcomes = []
    for i in range(10):
        # half anywhere in the run, half in its last part (where the files are written and committed)
        delay = rnd.uniform(0, duration) if i % 2 == 0 else rnd.uniform(0.55 * duration, 1.05 * duration)
        proc = subprocess.Popen(_load_cmd(wh, file), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        kwh, n, keys, standing = _stored(wh)
        whole = n == rows and keys == rows and len(standing) == 1 and kwh == pytest.approx(total, rel=1e-12)
        assert whole or (n == 0 and not standing), f"seed {seed}, kill {i} at {delay:.2f}s: {n} readings, batches {standing}"
        outcomes.append((round(delay, 2), proc.returncode, "whole" if whole else "nothing"))
        print(f"kill {i}: {outcomes[-1]}, duration {duration:.2f}s")
        if whole:  # finished before the kill: roll it back and go on killing loads of the same file
            assert main(["--db", str(wh), "meters", "rollback", str(standing[0])]) == 0
    done = subprocess.run(_load_cmd(wh, file), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"seed {seed}: {outcomes}: {done.stdout[-500:]}{done.stderr[-500:]}"
    kwh, n, keys, standing = _stored(wh)
    assert (n, keys, len(standing)) == (rows, rows, 1) and kwh == pytest.approx(total, rel=1e-12), (seed, outcomes)
    # no file outside the listing is left behind: everything on disk belongs to a recorded batch
    root = meters.meters_dir(wh)
    with db.connect(wh) as con:
        listed = {p for (p,) in con.execute("SELECT path FROM meter_files").fetchall()}
    on_disk = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert on_disk <= listed, (seed, sorted(on_disk - listed)[:5])
    # and a second run of the same file is refused as already stored, changing nothing
    again = subprocess.run(_load_cmd(wh, file), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1 and '"already_stored"' in again.stdout
    assert _stored(wh)[1:] == (rows, rows, standing)
