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
    assert ENGINES == ("duckdb", "spark")


def test_settings_and_quoting():
    e = DuckDBEngine(threads=1, memory_limit="1GB")
    got = e.fetch("SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t, "
                  "current_setting('preserve_insertion_order') AS p").iloc[0]
    assert got["m"] == "953.6 MiB" and int(got["t"]) == 1 and not bool(got["p"])
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
