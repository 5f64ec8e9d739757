"""Infinite and absurd values (issue 8 item 3): refused at upload with a clear zh/en message, never stored;
the plausible range per indicator lives in the catalog (data/indicators.csv min_value/max_value)."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from cli.main import main
from tests.conftest import file_digest
from warehouse import catalog, db, regions_io, store

REGIONS = ("code,name_zh,name_en,parent,level\nCN,中国,China,,country\nCN-ZJ,浙江省,Zhejiang,CN,province\n"
           "CN-ZJ-HZ,杭州市,Hangzhou,CN-ZJ,city\n")
HEADER = "地区,时期,指标,数值,单位\n"


@pytest.fixture
def warehouse(tmp_path):
    path, regions = tmp_path / "w.duckdb", tmp_path / "regions.csv"
    regions.write_text(REGIONS, encoding="utf-8")
    assert regions_io.load_regions_file(str(path), str(regions))["errors"] == []
    return path


def ingest(warehouse, tmp_path, capsys, body: str, *extra: str):
    upload = tmp_path / "u.csv"
    upload.write_text(HEADER + body, encoding="utf-8")
    code = main(["--db", str(warehouse), "ingest", str(upload), "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def stored(warehouse) -> pd.DataFrame:
    with db.connect(warehouse) as con:
        return con.execute("SELECT region, period, indicator, value FROM observations").df()


@pytest.mark.parametrize("value, unit, code", [
    ("inf", "万千瓦时", "bad_number"), ("Infinity", "万千瓦时", "bad_number"), ("nan", "万千瓦时", "bad_number"),
    ("1e400", "万千瓦时", "non_finite"), ("1e308", "亿千瓦时", "non_finite_converted"),
    ("1e300", "万千瓦时", "out_of_range"), ("9e12", "万千瓦时", "out_of_range"), ("60000", "TWh", "out_of_range"),
])
def test_cli_refuses_infinite_and_huge_values_and_changes_nothing(warehouse, tmp_path, capsys, value, unit, code):
    before = file_digest(warehouse)
    rc, out = ingest(warehouse, tmp_path, capsys, f"杭州市,2026-03,全社会用电量,{value},{unit}\n")
    assert rc == 1 and out["status"] == "rejected"
    assert [(e["row"], e["code"]) for e in out["errors"]] == [(2, code)]
    assert file_digest(warehouse) == before


def test_the_message_names_value_range_and_fix(warehouse, tmp_path, capsys):
    rc, out = ingest(warehouse, tmp_path, capsys, "杭州市,2026-03,全社会用电量,9e12,万千瓦时\n")
    e = out["errors"][0]
    assert e["column"] == "数值" and e["value"] == "9e12"
    assert "outside the plausible range 0 to 5,000,000,000 万千瓦时" in e["problem_en"]
    assert "超出合理范围 0 ～ 5,000,000,000 万千瓦时" in e["problem_zh"] and "单位" in e["fix_zh"] and e["fix_en"]


def test_valid_rows_beside_an_infinite_one_load_without_it(warehouse, tmp_path, capsys):
    rc, out = ingest(warehouse, tmp_path, capsys, "杭州市,2026-03,全社会用电量,1e308,亿千瓦时\n"
                     "杭州市,2026-02,全社会用电量,86.7,亿千瓦时\n", "--accept-valid-rows")
    assert rc == 0 and out["status"] == "partial" and out["rows_rejected"] == 1
    obs = stored(warehouse)
    assert obs["value"].map(math.isfinite).all()
    assert obs.query("indicator == 'elec_total'")["value"].tolist() == [867000.0]


def test_a_whole_countrys_month_is_plausible(warehouse, tmp_path, capsys):
    # China's electricity use in a month is ~8,000 亿千瓦时 (8e7 万千瓦时); GDP ~35 万亿元 a quarter
    rc, out = ingest(warehouse, tmp_path, capsys, "中国,2026-03,全社会用电量,8000,亿千瓦时\n"
                     "中国,2026-03,原煤消费量,40000,万吨\n中国,2025Q4,地区生产总值,350000,亿元\n")
    assert rc == 0 and out["status"] == "loaded", out["errors"]


def test_a_correction_after_a_refused_value_is_stored(warehouse, tmp_path, capsys):
    assert ingest(warehouse, tmp_path, capsys, "杭州市,2026-03,全社会用电量,1e308,亿千瓦时\n")[0] == 1
    rc, out = ingest(warehouse, tmp_path, capsys, "杭州市,2026-03,全社会用电量,88,亿千瓦时\n")
    assert rc == 0 and out["status"] == "loaded" and stored(warehouse)["value"].tolist() == [880000.0]


def test_every_indicator_has_a_finite_generous_range():
    r = catalog.ranges().set_index("code")
    assert set(r.index) == set(catalog.indicators()["code"])
    assert r.notna().all().all() and (r["min_value"] < r["max_value"]).all()
    assert r.map(math.isfinite).all().all()
    # a whole country's monthly figure fits (China, canonical units): electricity, raw coal, CO2
    assert r.loc["elec_total", "max_value"] > 3 * 8e7 and r.loc["fuel_raw_coal", "max_value"] > 3 * 4e5
    assert r.loc["co2_total", "max_value"] > 3 * 1.1e5 and r.loc["elec_net_import", "min_value"] < 0
    assert "min_value" not in catalog.indicators().columns      # the warehouse table keeps its columns


def test_store_refuses_non_finite_values_as_a_last_line(warehouse):
    def batches():
        with db.connect(warehouse) as con:
            return con.execute("SELECT count(*) FROM batches").fetchall()[0][0]

    n = batches()
    bad = pd.DataFrame({"region": ["CN-ZJ-HZ", "CN-ZJ-HZ"], "period": ["2026-03", "2026-04"],
                        "indicator": ["elec_total"] * 2, "value": [1.0, float("inf")]})
    with pytest.raises(ValueError, match="non-finite"):
        with db.transaction(warehouse) as con:
            batch, at = store.new_batch(con, origin="upload")
            store.append_observations(con, bad, kind="statistical", batch_id=batch, recorded_at=at)
    assert stored(warehouse).empty and batches() == n          # the whole transaction rolled back
    with pytest.raises(ValueError, match="non-finite"):
        with db.transaction(warehouse) as con:
            store.append_observations(con, bad.assign(value=[float("nan"), 1.0]), kind="statistical", batch_id=n,
                                      recorded_at=store.now())
    assert stored(warehouse).empty
