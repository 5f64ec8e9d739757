"""AppTest: the data-overview and model-accuracy pages on the demo province, Chinese and English."""
from __future__ import annotations

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
    table = at.dataframe[0].value
    assert set(table["模型"]) >= {"LightGBM 电-碳模型", "去年同期", "去年同期 × 用电增速", "近12月碳电比", "岭回归"}
    at_en = open_page("accuracy", "en")
    assert "80% interval coverage" in texts(at_en)


def pytest_approx(x):
    import pytest
    return pytest.approx(x, rel=1e-6)
