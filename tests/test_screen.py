"""The leadership screen (issue 22): a map of the regions coloured by level — real boundaries for Chinese
provinces, a tile map for any other tree — with each region's name, level and figure as its text alternative,
the key figures large, bars coloured by the ranked metric, level changes named."""
from __future__ import annotations

import re

import pytest

from budget import config as bconfig
from reports import region_map as rm
from tests.apptest_util import open_page


def _regions(names, color="#d32f2f"):
    return [rm.Region(f"R{i}", n, color, f"{n}：一级预警，偏离 +5.0%", "+5.0%", n) for i, n in enumerate(names)]


def test_chinese_provinces_get_their_real_boundaries():
    names = ["北京", "河北", "内蒙古", "广东", "新疆"]
    svg, kind = rm.region_map(_regions(names), "province", "地图：各省份预警等级", "无数据", "南海诸岛")
    assert kind == "geo"
    assert 'aria-label="地图：各省份预警等级"' in svg and 'role="img"' in svg
    for i, n in enumerate(names):
        m = re.search(rf'<path class="rm-region" data-region="R{i}"[^>]*aria-label="([^"]+)"[^>]*d="M([^"]+)"', svg)
        assert m and m.group(1).startswith(n) and "一级预警" in m.group(1), n
        assert len(m.group(2).split("L")) > 20  # a real outline, not a tile
        assert f"<title>{n}：一级预警" in svg
    assert "无数据" in svg  # the rest of the country (e.g. Taiwan) is drawn, marked as without data
    assert "南海诸岛" in svg  # the South China Sea inset


def test_provinces_sit_where_they_are():
    """Beijing lies north-east of Guangdong and Xinjiang west of both (centroids of the drawn paths)."""
    svg, _ = rm.region_map(_regions(["北京", "广东", "新疆"]), "province", "地图", "无数据")

    def centre(code):
        d = re.search(rf'data-region="{code}"[^>]*d="([^"]+)"', svg).group(1)
        pts = [tuple(map(float, p.split(","))) for p in re.findall(r"-?\d+\.?\d*,-?\d+\.?\d*", d)]
        return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)

    bj, gd, xj = centre("R0"), centre("R1"), centre("R2")
    assert bj[1] < gd[1] and bj[0] > gd[0] - 60  # north (smaller y), not west of Guangdong by much
    assert xj[0] < bj[0] and xj[0] < gd[0]


def test_any_other_tree_gets_a_tile_map_with_every_region_labelled():
    names = ["钢城市", "石岭市", "煤泉市"]  # fictional: not in the boundary package
    svg, kind = rm.region_map(_regions(names, "#388e3c"), "city", "Map: warning level of the cities", "no data")
    assert kind == "tiles"
    assert svg.count('class="rm-region"') == 3 and 'aria-label="Map: warning level of the cities"' in svg
    for n in names:
        assert f'aria-label="{n}：一级预警，偏离 +5.0%"' in svg and f">{n}</text>" in svg
    mixed, kind = rm.region_map(_regions(["北京", "钢城市"]), "province", "地图", "无数据")
    assert kind == "tiles"  # one unknown member: no half-real map


def test_markup_in_names_is_escaped():
    svg, _ = rm.region_map(_regions(['<script>x</script>"']), "city", "地图", "无数据")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screen_page_on_the_demo(demo_db, env_db, lang):
    env_db(demo_db)
    at = open_page("screen", lang)
    assert not at.exception, at.exception
    svg = next(m.value for m in at.markdown if "<svg" in str(m.value))
    aria = re.search(r'<svg class="rm-map"[^>]*aria-label="([^"]+)"', svg).group(1)
    assert ("地图" in aria) if lang == "zh" else ("Map" in aria)
    labels = re.findall(r'class="rm-region" data-region="(SF\d\d)" tabindex="0" role="img" aria-label="([^"]+)"', svg)
    assert len(labels) == 12
    level_words = [bconfig.label(bconfig.LEVEL_LABELS, lv, lang) for lv in ("red", "orange", "green")]
    for code, label in labels:
        assert any(w in label for w in level_words) and "%" in label, label
    figures = next(m.value for m in at.markdown if 'class="sc-figs"' in str(m.value))
    assert ("亿吨" in figures or "万吨" in figures) if lang == "zh" else ("Mt" in figures or "10k t" in figures)
    from tests.test_language_walk import screen

    chart = screen(at)["charts"][0]
    color = next(layer["encoding"]["color"] for layer in chart["layer"] if "color" in layer.get("encoding", {}))
    assert color["type"] == "quantitative" and color["scale"]["range"][-1] == "#c62828"  # red is the bad end
    assert any('class="sc-changes"' in str(m.value) for m in at.markdown)
