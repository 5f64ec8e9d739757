"""AppTest: weather vane, city detail, rankings and alerts on the demo province (zh and en)."""
from __future__ import annotations

import io
import json
import re
import shutil

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from monitor.status import status_records, status_report
from tests.apptest_util import APP, open_page, texts


@pytest.fixture(scope="module")
def records(demo_db):
    return {r["region"]: r for r in status_records(status_report(demo_db))}


def _grid_html(at) -> str:
    """Every city card's HTML (one markdown per card, each inside its own in-session link container)."""
    return "".join(str(m.value) for m in at.markdown if 'class="wv-card"' in str(m.value))


@pytest.fixture
def downloads(monkeypatch):
    """{file id: bytes} of every download the pages offer (AppTest keeps them in a throwaway media store)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    got = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        got[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    return got


def download_bytes(at, key: str, downloads: dict) -> bytes:
    url = next(d.proto.url for d in at.get("download_button") if d.proto.id.endswith(key))
    return next(data for fid, data in downloads.items() if fid in url)


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


def test_every_card_is_an_in_session_link_to_its_city(demo_db, env_db, records):
    """A card is an st.page_link (navigation inside the session: no reload, a signed-in analyst stays signed in),
    never a plain <a href> that reloads the app."""
    env_db(demo_db)
    at = open_page("weather", "zh")
    links = {pl.proto.query_string: pl.proto for pl in at.get("page_link")}
    cities = {k for k in records if k != "SF"}
    assert set(links) == {f"region={k}" for k in cities}
    assert {p.page for p in links.values()} == {"city"}
    assert links["region=SF10"].label == "东湾市"
    assert "href=" not in _grid_html(at)  # no full-reload anchors left in the cards


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
    policies = next(d.value for d in at.dataframe if "工具类型" in d.value.columns)   # the policy mix table
    assert "管控类" in set(policies.iloc[:, 0])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["全年超支概率"] == f"{records[red]['p_overspend']:.1%}"
    # ahead of schedule is bad: the badge points up and is red (inverse colours: lower is better)
    badge = next(m for m in at.metric if m.label == "预算执行进度").proto
    assert badge.delta.startswith("+") and badge.direction == badge.UP and badge.color == badge.RED
    # the allowance has its unit; last year's same months too
    assert metrics["剩余月份月均可排放量"].endswith("万吨/月")
    assert any("去年同期月均" in c.value and "万吨/月" in c.value for c in at.caption)
    # the ledger names the cities (and the reserve), never codes; the project in Chinese only
    ledger = _ledger(at, "调出")
    shown = set(ledger["调出"]) | set(ledger["调入"])
    assert records[red]["name_zh"] in shown and not any(str(v).startswith("SF") for v in shown)
    assert not ledger.isna().any().any()
    # both charts name every line in one legend: last year's line, the schedule curve and the budget line
    specs = [json.loads(c.proto.spec) for c in _charts(at)]
    domains = [d for spec in specs for d in _color_domains(spec)]
    assert any("2025年同期" in d for d in domains)
    assert any({"时序进度", "年度预算"} <= set(d) for d in domains)


def _ledger(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _color_domains(spec) -> list[list]:
    out = []

    def walk(node):
        if isinstance(node, dict):
            color = (node.get("encoding") or {}).get("color")
            if isinstance(color, dict) and isinstance((color.get("scale") or {}).get("domain"), list):
                out.append(color["scale"]["domain"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return out


def test_city_under_schedule_gets_a_green_down_badge(demo_db, env_db, records):
    env_db(demo_db)
    under = next(k for k, r in records.items() if k != "SF" and r["deviation"] < 0)
    at = open_page("city", "en")
    at.selectbox(key="cd_region").select(under).run()
    badge = next(m for m in at.metric if m.label == "Execution rate").proto
    assert badge.delta.startswith("-") and badge.direction == badge.DOWN and badge.color == badge.GREEN


def test_over_budget_city_says_the_budget_is_exceeded_and_by_how_much(demo_db, tmp_path, env_db, records):
    from monitor.ledger_change import record_entry

    path = tmp_path / "over.duckdb"
    shutil.copy(demo_db, path)
    city = "SF07"
    remaining = records[city]["budget"] - records[city]["used_statistical"] - records[city]["used_estimated"]
    record_entry(path, type="transfer", year=2026, amount=round(remaining + 300, 2), user="admin",
                 reason="test: budget moved away", from_region=city, to_region="SF05")
    env_db(path)
    at = open_page("city", "zh")
    at.selectbox(key="cd_region").select(city).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert "剩余月份月均可排放量" not in metrics  # no negative "allowance"
    assert metrics["年度预算已超出"] == "300.0 万吨"
    assert "年度预算已超出 300.0 万吨" in " ".join(e.value for e in at.error)
    ledger = _ledger(at, "调出")
    assert "test: budget moved away" in set(ledger["事由"]) and records["SF05"]["name_zh"] in set(ledger["调入"])


def test_rank_changes_are_computed_for_every_metric(demo_db, env_db, records):
    from monitor.status import status_report

    rep = status_report(demo_db)
    assert rep.progress["previous_as_of"].notna().all()
    for metric in ("deviation", "intensity_change", "yoy_change", "p_overspend"):
        assert rep.rankings[f"rank_change_{metric}"].notna().all(), metric
    env_db(demo_db)
    for metric in ("intensity_change", "yoy_change", "p_overspend"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["lang"] = "zh"
        at.session_state["rk_metric"] = metric
        at.run()
        at.switch_page("app_pages/rankings.py")
        at.run()
        assert "·" not in set(at.dataframe[0].value["较上季末名次变化"]), metric


def test_city_detail_green_city_and_english(demo_db, env_db, records):
    env_db(demo_db)
    green = next(k for k, r in records.items() if r["warning_level"] == "green" and k != "SF")
    at = open_page("city", "en")
    at.selectbox(key="cd_region").select(green).run()
    assert not at.exception
    assert "no alert" in at.success[0].value
    at.selectbox(key="cd_region").select("SF").run()  # the province itself
    assert not at.exception


def test_rankings_presentation_mode_and_downloads(demo_db, env_db, records, downloads):
    env_db(demo_db)
    at = open_page("rankings", "zh")
    assert not at.exception
    table = at.dataframe[0].value
    cities = sorted((r for k, r in records.items() if k != "SF"), key=lambda r: -r["deviation"])
    assert list(table["城市"])[:3] == [r["name_zh"] for r in cities[:3]]
    csv = pd.read_csv(io.BytesIO(download_bytes(at, "rk_csv", downloads)), encoding="utf-8-sig", dtype=str)
    assert list(csv.columns) == list(table.columns) and list(csv["城市"]) == list(table["城市"])
    # the CSV is the table as shown (percentages; a leading apostrophe where the defusing rule asks for one)
    assert list(csv["偏离时序进度"].str.lstrip("'")) == list(table["偏离时序进度"])
    assert any(d.proto.id.endswith("rk_png") for d in at.get("download_button"))
    at.radio(key="rk_metric").set_value("p_overspend").run()
    assert not at.exception
    spec = json.loads(_charts(at)[0].proto.spec)
    formats = {layer["encoding"]["text"]["format"] for layer in spec["layer"] if "text" in layer.get("encoding", {})}
    assert formats == {".1%"}  # a probability carries no sign
    at.toggle(key="rk_big").set_value(True).run()
    assert not at.exception
    assert any("rk-big" in str(m.value) for m in at.markdown)
    at_en = open_page("rankings", "en")
    assert "Rankings" == at_en.title[0].value
    title = json.loads(_charts(at_en)[0].proto.spec)["title"]
    assert title["limit"] == 0 and title["subtitle"] == "Deviation from schedule"  # never cut off


def test_ranking_value_labels_sit_outside_negative_bars():
    import altair as alt  # noqa: F401

    from services import charts

    frame = pd.DataFrame({"label": ["a", "b"], "v": [0.2, -0.1], "lvl": ["red", "green"]})
    spec = charts.ranking_chart(frame, "label", "v", "t", "v", "lvl", {"red": "#f00", "green": "#0f0"}).to_dict()
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    aligns = {layer["transform"][0]["filter"]: (layer["mark"]["align"], layer["mark"]["dx"]) for layer in texts}
    assert aligns == {"datum['v'] >= 0": ("left", 4), "datum['v'] < 0": ("right", -4)}
    domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert domain[0] < -0.1 and domain[1] > 0.2  # room for the labels on both sides


def test_alerts_page_lists_every_orange_and_red_city(demo_db, env_db, records, downloads):
    env_db(demo_db)
    at = open_page("alerts", "en")
    assert not at.exception
    table = at.table[0].value  # a static table: long reasons and policies wrap, read whole
    expected = {r["name_en"] for k, r in records.items() if k != "SF" and r["warning_level"] in ("red", "orange")}
    assert set(table["City"]) == expected
    assert table["Reason"].str.contains("ahead of schedule|against schedule").all()
    assert not table["Reason"].str.contains("…").any() and table["Reason"].str.len().min() > 60
    assert any("white-space:normal" in str(m.value) for m in at.markdown)
    csv = pd.read_csv(io.BytesIO(download_bytes(at, "al_csv", downloads)), encoding="utf-8-sig", dtype=str)
    shown = csv["Deviation from schedule"].str.lstrip("'")  # the defusing rule may prefix "+…" with an apostrophe
    assert list(shown) == list(table["Deviation from schedule"])
    assert shown.str.fullmatch(r"[+-]\d+\.\d%").all()  # as on screen, not 0.1815…
    assert csv["Overspend probability (year)"].str.fullmatch(r"\d+\.\d%").all()


def test_ranking_png_renders_chinese(demo_db):
    """The PNG export embeds a CJK font: two charts that differ only in which Chinese characters they show
    render differently (without a CJK font both would show the same missing-glyph boxes)."""
    import altair as alt
    import pandas as pd

    from services import png

    def render(names, title):
        frame = pd.DataFrame({"city": names, "v": [0.1, -0.05]})
        return png.chart_png(alt.Chart(frame).mark_bar().encode(y="city:N", x="v:Q").properties(title=title))

    image = render(["钢城市", "石岭市"], "城市碳预算执行排名")
    other = render(["水乡市", "山城市"], "地区排放预算进度表")
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and other[:8] == image[:8]
    assert image != other, "Chinese glyphs render identically: no CJK font reached the renderer"
    assert png._register_fonts(), "no font directory registered: install fonts-noto-cjk"


def _charts(at) -> list:
    """The page's Altair charts (element type ``vega_lite_chart``; ``arrow_vega_lite_chart`` before 1.5x)."""
    return list(at.get("vega_lite_chart")) + list(at.get("arrow_vega_lite_chart"))
