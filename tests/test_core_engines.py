"""The engine interface and the DuckDB adapter (engines/__init__.py, engines/duckdb_engine.py) on tiny Parquet
files written in the test: settings, quoting, flat and hive folders, file lists, union by name, typed frames,
views against materialised tables, closing."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from engines import ENGINES, get_engine
from engines.duckdb_engine import DuckDBEngine, _quote


def test_get_engine_by_name_and_a_clear_refusal():
    e = get_engine("duckdb", threads=1)
    try:
        assert isinstance(e, DuckDBEngine) and e.name == "duckdb"
    finally:
        e.close()
    with pytest.raises(ValueError) as exc:
        get_engine("hadoop")
    assert str(exc.value) == "unknown engine 'hadoop'; choose one of duckdb, spark"
    given = object()                      # a session handed over: the adapter neither starts nor imports Spark
    spark = get_engine("spark", spark=given)
    assert spark.name == "spark" and spark.spark is given
    assert ENGINES == ("duckdb", "spark")


def test_settings_and_quoting():
    e = DuckDBEngine(threads=1, memory_limit="1GB")
    got = e.fetch("SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t, "
                  "current_setting('preserve_insertion_order') AS p").iloc[0]
    assert got["m"] == "953.6 MiB" and int(got["t"]) == 1 and not bool(got["p"])
    assert e.fetch("PRAGMA database_list")["file"].tolist() in ([None], [""])   # in memory, never a file
    e.close()
    e = DuckDBEngine(threads=None, memory_limit="512MB")
    assert e.fetch("SELECT current_setting('memory_limit') AS m").iloc[0, 0] == "488.2 MiB"
    with pytest.raises(Exception):
        e.close()
        e.fetch("SELECT 1")
    assert _quote("a'b") == "'a''b'" and _quote(7) == "'7'"


def _write(path, frame):
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


def test_parquet_folders_hive_columns_file_lists_and_union_by_name(tmp_path):
    root = tmp_path / "it's here"                                   # a quote in the path is quoted
    _write(root / "month=2026-01" / "a.parquet", pd.DataFrame({"id": ["E1"], "kwh": [1.5]}))
    _write(root / "month=2026-02" / "deep" / "b.parquet", pd.DataFrame({"id": ["E2"], "kwh": [2.5], "x": [9]}))
    e = DuckDBEngine(threads=1)
    try:
        e.read_parquet("r", str(root), hive=True)
        got = e.fetch("SELECT id, kwh, x, month FROM r ORDER BY id")
        assert got["id"].tolist() == ["E1", "E2"] and got["kwh"].tolist() == [1.5, 2.5]
        assert got["month"].tolist() == ["2026-01", "2026-02"]
        assert pd.isna(got["x"].iloc[0]) and got["x"].iloc[1] == 9     # union by name
        e.read_parquet("flat", str(root), hive=False)
        assert "month" not in e.fetch("SELECT * FROM flat").columns
        e.read_parquet("one", [str(root / "month=2026-01" / "a.parquet")], hive=False)
        assert e.fetch("SELECT id FROM one")["id"].tolist() == ["E1"]
        e.read_parquet("two", (str(root / "month=2026-01" / "a.parquet"),
                               str(root / "month=2026-02" / "deep" / "b.parquet")), hive=False)
        assert e.fetch("SELECT count(*) AS n FROM two").iloc[0, 0] == 2
    finally:
        e.close()


def test_register_casts_to_the_schema_and_views_against_tables():
    e = DuckDBEngine(threads=1)
    try:
        e.register("ref", pd.DataFrame({"code": [1, 2], "factor": ["0.5", "2"]}), [("code", "VARCHAR"),
                                                                                  ("factor", "DOUBLE")])
        got = e.fetch("SELECT code, factor, typeof(code) AS tc, typeof(factor) AS tf FROM ref ORDER BY code")
        assert got["code"].tolist() == ["1", "2"] and got["factor"].tolist() == [0.5, 2.0]
        assert got["tc"].tolist() == ["VARCHAR"] * 2 and got["tf"].tolist() == ["DOUBLE"] * 2
        e.view("lazy", "SELECT factor * 2 AS f FROM ref")
        e.view("kept", "SELECT factor * 3 AS f FROM ref", materialise=True)
        tables = e.fetch("SELECT table_name FROM duckdb_tables() WHERE temporary")["table_name"].tolist()
        views = e.fetch("SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal")["view_name"].tolist()
        assert "kept" in tables and "lazy" not in tables and "lazy" in views and "kept" not in views
        assert e.fetch("SELECT f FROM lazy ORDER BY f")["f"].tolist() == [1.0, 4.0]
        assert e.fetch("SELECT f FROM kept ORDER BY f")["f"].tolist() == [1.5, 6.0]
        e.view("lazy", "SELECT 1 AS f")                                 # CREATE OR REPLACE
        assert e.fetch("SELECT f FROM lazy")["f"].tolist() == [1]
    finally:
        e.close()


# ---- the meter job: factors by enterprise, sector fallback and the all-sector pool, worked out in the test ---------
import math  # noqa: E402
from statistics import stdev  # noqa: E402

from engines import meter_job  # noqa: E402

EMITTERS = pd.DataFrame({"code": ["S1", "S2", "S3", "C1", "C2", "U1"], "region": ["A", "A", "A", "B", "B", "B"],
                         "sector": ["steel", "steel", "steel", "cement", "cement", "glass"]})
YEARS = pd.DataFrame([("S1", 2021, 50.0, 100.0, True), ("S1", 2022, 110.0, 200.0, True), ("S1", 2023, 150.0, 300.0, True),
                      ("S2", 2023, 60.0, 100.0, True), ("C1", 2023, 40.0, 50.0, True),
                      ("S2", 2022, 999.0, 100.0, False),          # not verified: ignored
                      ("C2", 2023, 10.0, 0.0, True),              # no electricity: ignored
                      ("U1", 2023, -1.0, 10.0, True)],            # negative CO2: ignored
                     columns=["code", "year", "co2", "elec", "verified"])


def _oracle():
    rows = {"S1": [(100, 50), (200, 110), (300, 150)], "S2": [(100, 60)], "C1": [(50, 40)]}
    b = {c: sum(x * y for x, y in r) / sum(x * x for x, _ in r) for c, r in rows.items()}
    rel = {c: sum(((y - b[c] * x) / (b[c] * x)) ** 2 for x, y in r) for c, r in rows.items()}
    s1 = rows["S1"]
    sse = sum((y - b["S1"] * x) ** 2 for x, y in s1)
    sd_s1 = math.sqrt(sse / 2) * math.sqrt(4 / sum(x * x for x, _ in s1))
    rel_scatter = math.sqrt(rel["S1"] / 2)          # only S1 has more than one year (steel and all sectors alike)
    steel = sum(x * y for c in ("S1", "S2") for x, y in rows[c]) / sum(x * x for c in ("S1", "S2") for x, _ in rows[c])
    pooled = sum(x * y for r in rows.values() for x, y in r) / sum(x * x for r in rows.values() for x, _ in r)
    return {"S1": ("enterprise", 3, b["S1"], sd_s1), "S2": ("enterprise", 1, 0.6, 0.6 * rel_scatter * math.sqrt(2)),
            "S3": ("sector", 0, steel, stdev([b["S1"], 0.6])), "C1": ("enterprise", 1, 0.8, 0.8 * rel_scatter * math.sqrt(2)),
            "C2": ("pooled", 0, pooled, stdev([b["S1"], 0.6, 0.8])), "U1": ("pooled", 0, pooled, stdev([b["S1"], 0.6, 0.8]))}


def test_meter_job_factors_separate_the_sector_fallback_from_the_pool(tmp_path):
    days = pd.DataFrame({"enterprise_id": ["S3", "S3", "S3", "C2", "X9"],
                         "date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-02-01", "2026-01-15", "2026-01-15"]),
                         "kwh": [10000.0, 10000.0, 5000.0, 20000.0, 1.0]})
    _write(tmp_path / "m" / "a.parquet", days)
    e = DuckDBEngine(threads=1)
    try:
        out = meter_job.run(e, str(tmp_path / "m"), EMITTERS, YEARS)
    finally:
        e.close()
    f = out["factors"].set_index("code")
    want = _oracle()
    assert want["S3"][2] == pytest.approx(0.52) and want["C2"][2] == pytest.approx(80000 / 152500)
    for code, (method, n, factor, sd) in want.items():
        assert (f.loc[code, "method"], f.loc[code, "n_years"]) == (method, n), code
        assert f.loc[code, "factor"] == pytest.approx(factor, rel=1e-12), code
        assert f.loc[code, "factor_sd"] == pytest.approx(sd, rel=1e-9), code
    m = out["monthly"]
    assert m.values.tolist() == [["C2", "2026-01", 20000.0, 1], ["S3", "2026-01", 20000.0, 2], ["S3", "2026-02", 5000.0, 1],
                                 ["X9", "2026-01", 1.0, 1]]
    ent = out["enterprise"].set_index(["enterprise_id", "month"])
    assert ent.loc[("S3", "2026-01"), "co2"] == pytest.approx(2.0 * 0.52)
    assert ent.loc[("S3", "2026-01"), "hi90"] == pytest.approx(2.0 * (0.52 + meter_job.Z90 * want["S3"][3]))
    assert ent.loc[("S3", "2026-01"), "lo90"] == pytest.approx(max(0.0, 2.0 * (0.52 - meter_job.Z90 * want["S3"][3])))
    assert pd.isna(ent.loc[("X9", "2026-01"), "region"]) and pd.isna(ent.loc[("X9", "2026-01"), "co2"])
    city = out["city"].set_index(["region", "month"])
    assert city.index.tolist() == [("A", "2026-01"), ("A", "2026-02"), ("B", "2026-01")]   # X9 has no region
    assert city.loc[("B", "2026-01"), "co2"] == pytest.approx(2.0 * want["C2"][2])
    assert city.loc[("A", "2026-01"), "co2_sd"] == pytest.approx(2.0 * want["S3"][3])
    c = city.loc[("A", "2026-01")]
    assert c["lo90"] == pytest.approx(max(0.0, c["co2"] - meter_job.Z90 * c["co2_sd"]))
    assert c["hi90"] == pytest.approx(c["co2"] + meter_job.Z90 * c["co2_sd"])
    sector = out["sector"]
    assert sector["hi90"].tolist()[0] == pytest.approx(2.0 * (0.52 + meter_job.Z90 * want["S3"][3]))
    assert sector["lo90"].tolist()[0] == pytest.approx(max(0.0, 2.0 * (0.52 - meter_job.Z90 * want["S3"][3])))
    e = DuckDBEngine(threads=1)
    try:                                                  # the exact files a warehouse lists
        listed = meter_job.run(e, [str(tmp_path / "m" / "a.parquet")], EMITTERS, YEARS, outputs=("monthly",))
    finally:
        e.close()
    assert listed["monthly"].values.tolist() == m.values.tolist()
    assert sector[["region", "sector", "month", "enterprises"]].values.tolist() == [
        ["A", "steel", "2026-01", 1], ["A", "steel", "2026-02", 1], ["B", "cement", "2026-01", 1]]
    assert meter_job.Z90 == pytest.approx(1.6448536269514722)


def test_meter_job_without_readings_still_gives_factors_and_empty_outputs():
    e = DuckDBEngine(threads=1)
    try:
        out = meter_job.run(e, None, EMITTERS, YEARS)
    finally:
        e.close()
    assert len(out["factors"]) == 6 and out["monthly"].empty and out["city"].empty


def test_hive_layout_detection(tmp_path):
    _write(tmp_path / "h" / "month=2026-01" / "a.parquet", pd.DataFrame({"x": [1]}))
    _write(tmp_path / "f" / "2026-01" / "a.parquet", pd.DataFrame({"x": [1]}))
    _write(tmp_path / "g" / "a.parquet", pd.DataFrame({"x": [1]}))
    assert meter_job.is_hive_layout(tmp_path / "h") and not meter_job.is_hive_layout(tmp_path / "f")
    assert meter_job.is_hive_layout(tmp_path / "g")          # files at the top: nothing contradicts hive
