"""The same meter job on Spark (local[2]) and DuckDB gives the same results on the same Parquet."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytestmark = [pytest.mark.spark, pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]

from cli.main import main  # noqa: E402
from demo_province import meters_generator as gen  # noqa: E402
from engines import get_engine, meter_job  # noqa: E402
from tests.tool_util import require_module, require_tool  # noqa: E402


@pytest.fixture(scope="session")
def spark():
    require_module("pyspark")   # the spark extra; missing in CI is a failure, not a skip
    require_tool("java")
    from engines.spark_engine import session

    s = session("local[2]")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("meters") / "set"
    ents = gen.enterprises(60, ["A", "B", "C"], start=date(2025, 12, 1), days=70, seed=11)
    gen.write_parquet(folder, ents, date(2025, 12, 1), 70, seed=11)
    years = gen.verified_years(ents, [2021, 2022, 2023, 2024], seed=11)
    reg = ents.rename(columns={"enterprise_id": "code", "city": "region"})[["code", "region", "sector"]]
    return folder, reg, years


def _run(engine, folder, reg, years):
    try:
        return meter_job.run(engine, folder, reg, years)
    finally:
        engine.close()


def test_duckdb_and_spark_agree(spark, generated):
    folder, reg, years = generated
    duck = _run(get_engine("duckdb"), folder, reg, years)
    sp = _run(get_engine("spark", spark=spark), folder, reg, years)
    assert set(duck) == set(sp) == set(meter_job.ALL_OUTPUTS)
    for name in meter_job.ALL_OUTPUTS:
        assert len(duck[name]) > 0, name
        pd.testing.assert_frame_equal(duck[name], sp[name], check_exact=False, rtol=1e-9, obj=name)
    assert set(duck["monthly"]["month"]) == {"2025-12", "2026-01", "2026-02"}
    assert set(duck["factors"]["method"]) >= {"enterprise", "sector"}


def test_cli_aggregate_same_csv_on_both_engines(spark, generated, tmp_path):
    folder = generated[0]
    out_d, out_s = tmp_path / "d.csv", tmp_path / "s.csv"
    assert main(["meters", "aggregate", "--input", str(folder), "--engine", "duckdb", "--out", str(out_d)]) == 0
    assert main(["meters", "aggregate", "--input", str(folder), "--engine", "spark", "--out", str(out_s)]) == 0
    d, s = pd.read_csv(out_d, dtype={"enterprise_id": str}), pd.read_csv(out_s, dtype={"enterprise_id": str})
    assert list(s.columns) == ["enterprise_id", "month", "kwh"] and len(s) == len(d) > 100
    pd.testing.assert_frame_equal(d, s, check_exact=False, rtol=1e-9)
    assert spark.sparkContext._jsc is not None  # the shared session was reused, not stopped


def test_flat_and_nested_layout_on_spark(spark, tmp_path):
    rows = pd.DataFrame({"enterprise_id": ["x1", "x1", "x2"], "date": [date(2025, 1, 31), date(2025, 2, 1), date(2025, 2, 3)],
                         "kwh": [1.5, 2.0, 4.0]})
    pq.write_table(pa.Table.from_pandas(rows.iloc[:2], preserve_index=False), tmp_path / "a.parquet")
    (tmp_path / "deeper").mkdir()
    pq.write_table(pa.Table.from_pandas(rows.iloc[2:], preserve_index=False), tmp_path / "deeper" / "b.parquet")
    got = meter_job.monthly_kwh(get_engine("spark", spark=spark), tmp_path)
    assert got.to_dict(orient="records") == [{"enterprise_id": "x1", "month": "2025-01", "kwh": 1.5},
                                             {"enterprise_id": "x1", "month": "2025-02", "kwh": 2.0},
                                             {"enterprise_id": "x2", "month": "2025-02", "kwh": 4.0}]
