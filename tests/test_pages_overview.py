"""AppTest: the data-overview and model-accuracy pages on the demo province, Chinese and English."""
from __future__ import annotations

import json

import pandas as pd

from tests.apptest_util import open_page, texts
from warehouse import db, queries


def test_overview_in_chinese_shows_the_warehouse(demo_db, env_db):
    env_db(demo_db)
    at = open_page("overview", "zh")
    assert not at.exception
    assert at.title[0].value == "数据总览"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["地区数"] == "13"
    assert metrics["最新月份"] == "2026-10"
    assert at.selectbox(key="ov_city").options[0] == "钢城市"
    assert len(at.dataframe) >= 2


def test_overview_in_english_city_explorer_and_fuel_accounting(demo_db, env_db):
    env_db(demo_db)
    at = open_page("overview", "en")
    assert at.title[0].value == "Data overview"
    at.selectbox(key="ov_city").select("SF10").run()
    at.selectbox(key="ov_year").select("2025").run()
    assert not at.exception
    shown = at.dataframe[-2].value  # the CO2-by-fuel table
    with db.connect(demo_db) as con:
        expected = queries.co2_by_source(con, "SF10", 2025)
    assert shown.iloc[:, 3].sum() == pytest_approx(expected["co2"].sum())
    assert "Accounted CO2 by fuel" in texts(at)


def test_overview_year_without_fuel_says_so(demo_db, env_db):
    env_db(demo_db)
    at = open_page("overview", "en")
    at.selectbox(key="ov_year").select("2026").run()
    # fuel statistics stop six months before the as-of month: 2026 still has Jan–Apr
    assert not at.exception
    fuel = next(d.value for d in at.dataframe if "Months" in d.value.columns)
    assert fuel["Months"].max() == 4
    at.selectbox(key="ov_city").select("SF").run()  # the province: electricity and CO2, but no fuel of its own
    assert not at.exception
    assert "No fuel statistics for this city and year: nothing to account." in [i.value for i in at.info]


def test_explorer_works_for_any_region_tree(tmp_path, env_db):
    """Provinces only (a country of 31 provinces, no cities): the explorer lists them and accounts CO2 by fuel."""
    from cli.main import main

    regions = tmp_path / "regions.csv"
    regions.write_text("code,name_zh,name_en,parent,level\nCN,全国,China,,country\nP1,甲省,Jia,CN,province\n"
                       "P2,乙省,Yi,CN,province\n", encoding="utf-8")
    obs = tmp_path / "obs.csv"
    rows = ["地区,时期,指标,数值,单位"] + [f"{p},2024-{m:02d},{ind},{v},{u}" for p in ("甲省", "乙省") for m in range(1, 13)
                                      for ind, v, u in (("全社会用电量", 100 + m, "亿千瓦时"), ("原煤消费量", 300 + m, "万吨"))]
    obs.write_text("\n".join(rows) + "\n", encoding="utf-8")
    path = tmp_path / "p.duckdb"
    assert main(["--db", str(path), "regions", "load", str(regions)]) == 0
    assert main(["--db", str(path), "ingest", str(obs)]) == 0
    env_db(path)
    at = open_page("overview", "zh")
    assert not at.exception, at.exception
    assert at.selectbox(key="ov_city").options[:2] == ["甲省", "乙省"]
    at.selectbox(key="ov_year").select("2024").run()
    fuel = next(d.value for d in at.dataframe if "月数" in d.value.columns)
    assert fuel["月数"].max() == 12 and fuel.iloc[:, 3].sum() > 0


def test_series_chart_draws_estimates_dashed_with_their_band(demo_db, env_db):
    env_db(demo_db)
    at = open_page("overview", "zh")
    specs = [json.loads(c.proto.spec) for c in list(at.get("vega_lite_chart")) + list(at.get("arrow_vega_lite_chart"))]
    co2 = next(s for s in specs if any(layer["mark"]["type"] == "area" for layer in s["layer"]))
    band = next(layer for layer in co2["layer"] if layer["mark"]["type"] == "area")
    assert band["encoding"]["y"]["field"] == "lo90" and band["encoding"]["y2"]["field"] == "hi90"
    line = next(layer for layer in co2["layer"] if layer["mark"]["type"] == "line")
    dash = line["encoding"]["strokeDash"]["scale"]
    assert dict(zip(dash["domain"], map(tuple, dash["range"]))) == {"统计": (1, 0), "估算": (6, 4), "核定": (2, 2)}
    assert "月" in line["encoding"]["x"]["axis"]["labelExpr"]  # month labels in Chinese, not Vega's "March"


def test_missing_warehouse_gets_a_clear_message(tmp_path, env_db):
    env_db(tmp_path / "nothing.duckdb")
    at = open_page("overview", "en")
    assert not at.exception
    assert "No warehouse" in at.error[0].value


def test_accuracy_page_shows_models_beside_baselines(demo_db, env_db):
    env_db(demo_db)
    at = open_page("accuracy", "zh")
    assert not at.exception, at.exception
    assert at.title[0].value == "模型与精度"
    body = texts(at)
    assert "LightGBM" in body
    tables = [d.value for d in at.dataframe if "模型" in getattr(d.value, "columns", [])]
    assert tables, "no table names the models"
    table = tables[0]
    assert set(table["模型"]) >= {"LightGBM 电-碳模型", "去年同期", "去年同期 × 用电增速", "近12月碳电比", "岭回归"}
    at_en = open_page("accuracy", "en")
    columns = {str(c) for d in at_en.dataframe for c in getattr(d.value, "columns", [])}
    assert "80% interval coverage" in columns


def pytest_approx(x):
    import pytest
    return pytest.approx(x, rel=1e-6)
