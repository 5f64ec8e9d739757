"""Pages over names that were stored with control and bidi characters before the door existed (issue 21
item 1): every page still draws, its documents are made, and the rankings PNG the download button asks
for is drawn (it used to abort the whole server process)."""
from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from tests.apptest_util import open_page

NASTY = "\x07\x0b\x1b[31m\u202e\u200f\x00"


@pytest.fixture(scope="module")
def nasty_db(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("nasty") / "wh.duckdb"
    shutil.copy(demo_db, path)
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE regions SET name_zh = name_zh || ?, name_en = name_en || ? WHERE code IN ('SF05', 'SF07')",
                    [NASTY, NASTY])
        con.execute("UPDATE measures SET title = title || ?, owner_dept = owner_dept || ?", [NASTY, NASTY])
        con.execute("UPDATE key_emitters SET name_zh = name_zh || ?", [NASTY])
    finally:
        con.close()
    return path


@pytest.mark.parametrize("page", ["weather", "rankings", "alerts", "measures", "plan"])
def test_pages_draw_over_stored_control_characters(nasty_db, env_db, page):
    env_db(nasty_db)
    at = open_page(page, "zh")
    assert not at.exception, at.exception


def test_rankings_png_and_bulletin_over_stored_control_characters(nasty_db, env_db):
    from services import png

    env_db(nasty_db)
    at = open_page("rankings", "zh")
    assert not at.exception
    charts = list(at.get("vega_lite_chart")) + list(at.get("arrow_vega_lite_chart"))
    spec = json.loads(charts[0].proto.spec)
    names = [f"南湖市{NASTY}", f"北岭市{NASTY}"]        # the labels the chart carries, as stored
    spec["data"] = {"values": [{"label": n, "v": 0.1 * (i + 1)} for i, n in enumerate(names)]}
    spec.pop("datasets", None)
    spec["encoding"] = {"y": {"field": "label", "type": "nominal"}, "x": {"field": "v", "type": "quantitative"}}
    spec.pop("layer", None)
    spec["mark"] = "bar"
    image = png.spec_png(json.dumps(spec))                  # what the download button calls
    assert image[:8] == b"\x89PNG\r\n\x1a\n"

    at = open_page("measures", "zh")
    at.button(key="ms_bl_make").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    keys = {d.proto.id.rsplit("-", 1)[-1] for d in at.get("download_button")}
    assert any(k.endswith("ms_bl_pdf") for k in keys) and any(k.endswith("ms_bl_xlsx") for k in keys), keys
