"""AppTest: weather vane, city detail, rankings and alerts on the demo province (zh and en)."""
from __future__ import annotations

import re

import pytest

from monitor.status import status_records, status_report
from tests.apptest_util import open_page, texts


@pytest.fixture(scope="module")
def records(demo_db):
    return {r["region"]: r for r in status_records(status_report(demo_db))}


def _grid_html(at) -> str:
    return next(m.value for m in at.markdown if "class=\"wv-grid\"" in str(m.value))


def _card(html: str, region: str) -> str:
    start = html.index(f'data-region="{region}"')
    end = html.find("data-region=", start + 10)
    return html[start:end if end > 0 else None]


def test_weather_vane_cards_match_status_json(demo_db, env_db, records):
    env_db(demo_db)
    at = open_page("weather", "zh")
    assert not at.exception
    assert at.title[0].value == "碳预算晴雨表"
    html = _grid_html(at)
    for region, r in records.items():
        if region == "SF":
            continue
        card = _card(html, region)
        assert r["name_zh"] in card
        assert f"预算执行进度 {r['execution_rate']:.1%}" in card
        assert f"时序进度 {r['schedule_progress']:.1%}" in card
        assert f"全年超支概率 {r['p_overspend']:.1%}" in card
        icon = {"red": "⛈️", "orange": "🌧️"}.get(r["warning_level"]) or {"surplus": "☀️", "balance": "⛅"}[r["status"]]
        assert icon in card
    province = records["SF"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["预算执行进度"] == f"{province['execution_rate']:.1%}"


def test_weather_vane_filters_and_english(demo_db, env_db, records):
    env_db(demo_db)
    at = open_page("weather", "en")
    at.multiselect(key="wv_status").select("Overspend").run()  # AppTest selects by displayed label
    html = _grid_html(at)
    shown = set(re.findall(r'data-region="(\w+)"', html))
    assert shown == {k for k, r in records.items() if r["status"] == "overspend" and k != "SF"}
    assert "Execution rate" in html
    at.text_input(key="wv_search").input("no-such-city").run()
    assert "No city matches the filters." in texts(at)


def test_weather_vane_opens_a_city(demo_db, env_db):
    env_db(demo_db)
    at = open_page("weather", "zh")
    at.selectbox(key="wv_pick").select("SF10").run()
    at.button(key="wv_open").click().run()
    assert not at.exception
    assert at.title[0].value == "城市详情 · 东湾市"


def test_city_detail_explains_its_alert(demo_db, env_db, records):
    env_db(demo_db)
    red = next(k for k, r in records.items() if r["warning_level"] == "red" and k != "SF")
    at = open_page("city", "zh")
    at.selectbox(key="cd_region").select(red).run()
    assert not at.exception
    reason = at.error[0].value
    assert "累计排放超时序进度" in reason and "同比" in reason
    assert len(at.dataframe) >= 2  # policy mix and ledger entries
    policies = at.dataframe[0].value
    assert "管控类" in set(policies.iloc[:, 0])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["全年超支概率"] == f"{records[red]['p_overspend']:.1%}"


def test_city_detail_green_city_and_english(demo_db, env_db, records):
    env_db(demo_db)
    green = next(k for k, r in records.items() if r["warning_level"] == "green" and k != "SF")
    at = open_page("city", "en")
    at.selectbox(key="cd_region").select(green).run()
    assert not at.exception
    assert "no alert" in at.success[0].value
    at.selectbox(key="cd_region").select("SF").run()  # the province itself
    assert not at.exception


def test_rankings_presentation_mode_and_downloads(demo_db, env_db, records):
    env_db(demo_db)
    at = open_page("rankings", "zh")
    assert not at.exception
    table = at.dataframe[0].value
    cities = sorted((r for k, r in records.items() if k != "SF"), key=lambda r: -r["deviation"])
    assert list(table["城市"])[:3] == [r["name_zh"] for r in cities[:3]]
    at.radio(key="rk_metric").set_value("p_overspend").run()
    assert not at.exception
    at.toggle(key="rk_big").set_value(True).run()
    assert not at.exception
    assert any("rk-big" in str(m.value) for m in at.markdown)
    at_en = open_page("rankings", "en")
    assert "Rankings" == at_en.title[0].value


def test_alerts_page_lists_every_orange_and_red_city(demo_db, env_db, records):
    env_db(demo_db)
    at = open_page("alerts", "en")
    assert not at.exception
    table = at.dataframe[0].value
    expected = {r["name_en"] for k, r in records.items() if k != "SF" and r["warning_level"] in ("red", "orange")}
    assert set(table["City"]) == expected
    assert table["Reason"].str.contains("ahead of schedule|against schedule").all()


def test_ranking_png_renders_chinese(demo_db):
    """The PNG export embeds a CJK font: the same chart with Chinese text differs from one with boxes."""
    import altair as alt
    import pandas as pd

    from services import png

    frame = pd.DataFrame({"city": ["钢城市", "石岭市"], "v": [0.1, -0.05]})
    chart = alt.Chart(frame).mark_bar().encode(y="city:N", x="v:Q").properties(title="城市碳预算执行排名")
    image = png.chart_png(chart)
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and len(image) > 5000
    assert png._register_fonts(), "no font directory registered: install fonts-noto-cjk"
