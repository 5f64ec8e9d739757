"""The `carbon-budget` command line through its real entry point, on real DuckDB files."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from cli.main import main
from tests.conftest import REAL_DATA, file_digest
from warehouse import db, queries
from tests.tool_util import require_path


def run(args, capsys) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_usage_error_exits_2():
    proc = subprocess.run([sys.executable, "-m", "cli.main", "frobnicate"], capture_output=True, text=True)
    assert proc.returncode == 2


def _regions_csv(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("code,name_zh,name_en,parent,level\nP,测试省,Test,,province\nA,甲市,Jia,P,city\nB,乙市,Yi,P,city\n",
                    encoding="utf-8")
    return path


def test_regions_load_and_long_csv_ingest_into_one_batch(tmp_path, capsys):
    dbp = str(tmp_path / "w.duckdb")
    assert run(["--db", dbp, "regions", "load", str(_regions_csv(tmp_path))], capsys)[0] == 0
    upload = tmp_path / "q.csv"
    upload.write_text("region,period,indicator,value,unit\n甲市,2024-01,elec_total,1.5,亿千瓦时\n"
                      "乙市,2024-01,fuel_raw_coal,20000,t\nA,2024-02,elec_total,16000,万千瓦时\n", encoding="utf-8")
    code, out, _ = run(["--db", dbp, "ingest", str(upload), "--json"], capsys)
    assert code == 0, out
    res = json.loads(out)
    assert res["status"] == "loaded" and res["rows_loaded"] == 3
    with db.connect(dbp) as con:
        got = queries.export(con, region="A", indicator="elec_total")
        co2 = queries.export(con, indicator="co2_total")
    assert got["value"].tolist() == [15000.0, 16000.0]  # 1.5 亿千瓦时 -> 15,000 万千瓦时
    assert set(got["batch_id"]) == {res["batch"]}
    assert co2["value"].iloc[0] == pytest.approx(2.0 * 1.9003)  # accounted from 2 万吨 raw coal
    # the same file again: nothing new
    code, out, _ = run(["--db", dbp, "ingest", str(upload), "--json"], capsys)
    assert code == 0 and json.loads(out)["status"] == "unchanged"


def test_rejected_ingest_lists_every_problem_and_changes_nothing(tmp_path, capsys):
    dbp = tmp_path / "w.duckdb"
    assert run(["--db", str(dbp), "regions", "load", str(_regions_csv(tmp_path))], capsys)[0] == 0
    before = file_digest(dbp)
    bad = tmp_path / "bad.csv"
    bad.write_text("region,period,indicator,value,unit\n丙市,2024-01,elec_total,1,亿千瓦时\n甲市,2024-13,elec_total,1,亿千瓦时\n"
                   "甲市,2024-01,elec_magic,1,亿千瓦时\n甲市,2024-01,elec_total,abc,亿千瓦时\n甲市,2024-01,gen_hydro,1,furlongs\n",
                   encoding="utf-8")
    code, out, _ = run(["--db", str(dbp), "ingest", str(bad), "--json"], capsys)
    res = json.loads(out)
    assert code == 1 and res["status"] == "rejected"
    codes = {e["code"] for e in res["errors"]}
    assert {"unknown_region", "bad_period", "unknown_indicator", "bad_number", "unknown_unit"} <= codes
    assert file_digest(dbp) == before


def test_export_known_on_and_kind_filter(demo_db, tmp_path, capsys):
    out_file = tmp_path / "e.csv"
    code, _, err = run(["--db", str(demo_db), "export", "--region", "SF01", "--indicator", "co2_total",
                        "--kind", "estimated", "--out", str(out_file)], capsys)
    assert code == 0
    frame = pd.read_csv(out_file)
    assert set(frame["kind"]) == {"estimated"} and len(frame) == 6
    code, _, _ = run(["--db", str(demo_db), "export", "--known-on", "2000-01-01", "--out", str(out_file)], capsys)
    assert code == 0 and pd.read_csv(out_file).empty


def test_status_json_has_every_field_and_all_statuses(demo_db, capsys):
    code, out, _ = run(["--db", str(demo_db), "status", "--json"], capsys)
    assert code == 0
    res = json.loads(out)
    assert res["year"] == 2026 and res["as_of"] == "2026-10"
    fields = {"region", "name_zh", "name_en", "budget", "used_statistical", "used_estimated", "execution_rate",
              "schedule_progress", "deviation", "status", "warning_level", "p_overspend", "run_out_month",
              "cut_needed", "intensity", "intensity_target", "previous_level", "rank", "previous_rank"}
    assert all(fields <= set(r) for r in res["regions"])
    cities = [r for r in res["regions"] if r["region"] != "SF"]
    assert len(cities) == 12
    assert {r["status"] for r in cities} == {"surplus", "balance", "overspend"}
    for r in cities:
        assert r["execution_rate"] == pytest.approx((r["used_statistical"] + r["used_estimated"]) / r["budget"], rel=1e-4)


def test_status_bad_as_of_is_a_clear_error(demo_db, capsys):
    code, _, err = run(["--db", str(demo_db), "status", "--as-of", "2026-13"], capsys)
    assert code == 1
    assert "YYYY-MM" in err or "01..12" in err


def test_nowcast_json_shape(demo_db, tmp_path, capsys):
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, copy)
    code, out, _ = run(["--db", str(copy), "nowcast", "--as-of", "2026-10", "--json"], capsys)
    assert code == 0
    res = json.loads(out)
    assert res["model_run"]["data_cut"] == "2026-04"
    est = res["estimates"]
    assert len(est) == 12 * 6
    e = est[0]
    assert set(e) == {"region", "period", "value", "lo80", "hi80", "lo90", "hi90", "unit"} and e["unit"] == "万吨"
    assert all(x["lo90"] <= x["lo80"] <= x["value"] <= x["hi80"] <= x["hi90"] for x in est)


def test_real_data_loads_with_its_negative_months_listed(tmp_path, capsys):
    require_path(REAL_DATA, "the shared real data")
    dbp = str(tmp_path / "real.duckdb")
    assert run(["--db", dbp, "regions", "load", str(REAL_DATA / "regions.csv")], capsys)[0] == 0
    code, out, _ = run(["--db", dbp, "ingest", str(REAL_DATA / "observations.csv"), "--json"], capsys)
    res = json.loads(out)
    assert code == 1 and res["status"] == "rejected"
    assert res["errors"] and {e["code"] for e in res["errors"]} == {"negative_value"}
    code, out, _ = run(["--db", dbp, "ingest", str(REAL_DATA / "observations.csv"), "--accept-valid-rows", "--json"], capsys)
    res = json.loads(out)
    assert code == 0 and res["status"] == "partial" and res["rows_loaded"] > 20000


@pytest.mark.parametrize("as_of, words", [("abc", "YYYY-MM"), ("2026-13", "YYYY-MM"), ("2026-1", "YYYY-MM"),
                                          ("２０２６-０５", "YYYY-MM"),
                                          ("2025-12", "2026-01 至 2030-12"), ("2031-01", "2026-01 to 2030-12")])
def test_demo_as_of_outside_its_plan_is_refused_before_anything_is_written(tmp_path, capsys, as_of, words):
    """The demo's plan runs 2026–2030 and the period before it is closed: a month outside those years (or not
    a month) used to end in a traceback halfway through the build."""
    path = tmp_path / "wh.duckdb"
    code, _, err = run(["--db", str(path), "demo", "--as-of", as_of, "--no-nowcast"], capsys)
    assert code == 1 and words in err and "Traceback" not in err
    assert not path.exists()


def test_demo_default_month_stays_inside_its_plan_years():
    import datetime

    from demo_province.build import as_of_problem, demo_as_of

    assert demo_as_of(datetime.date(2026, 12, 5)) == "2026-11"
    assert demo_as_of(datetime.date(2026, 1, 20)) == "2026-01"   # December 2025 is before the plan: its first month
    assert demo_as_of(datetime.date(2032, 3, 1)) == "2030-12"    # after the plan: its last month
    assert as_of_problem("2026-01") is None and as_of_problem("2030-12") is None and as_of_problem(None) is None
