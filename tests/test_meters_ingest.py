"""Meter uploads: bad files rejected with every problem listed (zh/en) and nothing changed; good ones stored."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cli.main import main
from tests.conftest import file_digest, small_regions
from warehouse import db, key_emitters, meters, store, users

TODAY = date(2026, 3, 1)


@pytest.fixture
def wh(empty_db) -> Path:
    reg = pd.DataFrame({"code": ["K1", "K2", "K3"], "name_zh": ["甲厂", "乙厂", "丙厂"], "name_en": ["Jia", "Yi", "Bing"],
                        "region": ["A", "A", "B"], "sector": ["cement", "steel", "paper"]})
    years = pd.DataFrame({"code": ["K1", "K2", "K3"], "year": [2024] * 3, "co2": [10.0, 50.0, 1.0],
                          "elec": [1000.0, 10000.0, 500.0], "verified": [True, True, False]})
    with db.transaction(empty_db) as con:
        store.upsert_regions(con, small_regions())
        batch, at = store.new_batch(con, origin="upload", source_name="registry")
        key_emitters.store_registry(con, reg, years, batch, recorded_at=at)
    return empty_db


def _csv(rows: list[tuple]) -> bytes:
    return ("enterprise_id,date,kwh\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)).encode()


GOOD = _csv([("K1", "2026-01-01", 1000.5), ("K1", "2026-01-02", 1100), ("K2", "2026-01-01", 50000), ("K3", "2026-02-01", 10)])


def _state(path: Path) -> tuple[str, list[str]]:
    folder = meters.meters_dir(path)
    return file_digest(path), sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_good_file_is_stored_as_partitioned_parquet(wh):
    res = meters.ingest_meter_bytes(wh, GOOD, "jan.csv", today=TODAY)
    assert res.status == meters.LOADED and res.rows_loaded == 4 and res.batch
    folder = meters.meters_dir(wh)
    parts = sorted(str(p.relative_to(folder).parent) for p in folder.rglob("*.parquet"))
    assert parts == ["month=2026-01/city=A", "month=2026-02/city=B"]
    with db.connect(wh) as con:
        monthly = meters.monthly_city_kwh(con, wh)
        listed = meters.files(con)
        origin = con.execute("SELECT origin, rows_loaded FROM batches WHERE batch_id = ?", [res.batch]).fetchall()
    assert monthly.to_dict(orient="records") == [{"month": "2026-01", "city": "A", "enterprises": 2, "kwh": 52100.5},
                                                 {"month": "2026-02", "city": "B", "enterprises": 1, "kwh": 10.0}]
    assert len(listed) == 2 and set(listed["batch_id"]) == {res.batch} and origin == [("meters", 4)]
    # the same days again: rejected as already stored, nothing changes
    before = _state(wh)
    again = meters.ingest_meter_bytes(wh, GOOD, "jan.csv", today=TODAY)
    assert again.status == meters.REJECTED and set(again.errors["code"]) == {"already_stored"}
    assert _state(wh) == before


BAD = {
    "unknown": (_csv([("K1", "2026-01-01", 1), ("NOPE", "2026-01-01", 2)]), {"unknown_enterprise"}, "NOPE"),
    "negative": (_csv([("K1", "2026-01-01", -5)]), {"negative"}, "-5"),
    "nan": (_csv([("K1", "2026-01-01", "nan"), ("K1", "2026-01-02", "inf")]), {"non_finite"}, "inf"),
    "text": (_csv([("K1", "2026-01-01", "lots")]), {"bad_kwh"}, "lots"),
    "duplicate": (_csv([("K1", "2026-01-01", 1), ("K1", "2026-01-01", 2)]), {"duplicate"}, "K1"),
    "date": (_csv([("K1", "01/13/2026", 1), ("K1", "2027-01-01", 1)]), {"bad_date", "future_date"}, "2027-01-01"),
    "huge": (_csv([("K2", "2026-01-01", 5e9)]), {"implausible"}, "5000000000.0"),
    "columns": (b"enterprise,day,kwh\nK1,2026-01-01,1\n", {"missing_column"}, None),
    "garbage": (b"PAR1\x00\x01 not parquet", {"unreadable"}, None),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_are_rejected_and_change_nothing(wh, case):
    meters.ingest_meter_bytes(wh, _csv([("K3", "2026-01-05", 3)]), "first.csv", today=TODAY)
    data, codes, value = BAD[case]
    before = _state(wh)
    res = meters.ingest_meter_bytes(wh, data, f"{case}.csv", today=TODAY)
    assert res.status == meters.REJECTED and res.batch is None
    assert set(res.errors["code"]) == codes
    assert _state(wh) == before
    assert res.errors["problem_zh"].str.len().gt(0).all() and res.errors["problem_en"].str.len().gt(0).all()
    assert res.errors["fix_zh"].str.len().gt(0).all() and res.errors["fix_en"].str.len().gt(0).all()
    if value is not None:
        assert res.errors["value"].astype(str).str.contains(value, regex=False).any()
        assert res.errors["row"].notna().all()
    assert "未写入" in res.message_zh and "nothing was stored" in res.message_en


def test_every_row_with_a_problem_is_listed(wh):
    rows = [("K1", f"2026-01-{d:02d}", -1) for d in range(1, 31)] + [("ZZ", "2026-01-01", 1)]
    res = meters.ingest_meter_bytes(wh, _csv(rows), "many.csv", today=TODAY)
    neg = res.errors[res.errors["code"] == "negative"]
    assert len(neg) == 30 and neg["row"].tolist() == list(range(2, 32))
    assert res.errors[res.errors["code"] == "unknown_enterprise"]["row"].tolist() == [32]


def test_gaps_are_warnings_and_parquet_uploads_work(wh):
    table = pa.table({"enterprise_id": ["K1", "K1", "K2"], "date": pa.array([date(2026, 1, 1), date(2026, 1, 5), date(2026, 1, 1)]),
                      "kwh": [1.0, 2.0, 3.0]})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    res = meters.ingest_meter_bytes(wh, buf.getvalue(), "jan.parquet", today=TODAY)
    assert res.status == meters.LOADED and res.rows_loaded == 3
    gaps = res.report[res.report["code"] == "gap"]
    assert gaps["severity"].tolist() == ["warning"] and "3" in gaps["problem_en"].iat[0] and "缺 3 天" in gaps["problem_zh"].iat[0]


def test_role_is_checked_in_the_transaction(wh):
    users.add_user(wh, "viewer1", "viewer", "pw-123456789")
    users.add_user(wh, "analyst1", "analyst", "pw-123456789")
    before = _state(wh)
    res = meters.ingest_meter_bytes(wh, GOOD, "jan.csv", user="viewer1", today=TODAY)
    assert res.status == meters.REJECTED and "nothing was stored" in res.message_en
    assert _state(wh) == before
    ok = meters.ingest_meter_bytes(wh, GOOD, "jan.csv", user="analyst1", today=TODAY)
    assert ok.status == meters.LOADED
    with db.connect(wh) as con:
        assert con.execute("SELECT created_by FROM batches WHERE batch_id = ?", [ok.batch]).fetchall() == [("analyst1",)]


def test_cli_load(wh, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(BAD["negative"][0])
    assert main(["--db", str(wh), "meters", "load", str(bad), "--lang", "zh"]) == 1
    out = capsys.readouterr().out
    assert "rejected" in out and "用电量为负" in out
    good = tmp_path / "good.csv"
    good.write_bytes(_csv([("K1", "2025-12-01", 7.0)]))
    assert main(["--db", str(wh), "meters", "load", str(good), "--json"]) == 0
    assert '"status": "loaded"' in capsys.readouterr().out
