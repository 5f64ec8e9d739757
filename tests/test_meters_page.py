"""The city page's key-emitter section (AppTest, zh and en) over the demo province's metered enterprises."""
from __future__ import annotations

import shutil

import pytest

from services.text_enterprise import TEXT
from tests.apptest_util import open_page, texts
from warehouse import db, key_emitters, meters


def _section_tables(at, lang):
    i = 0 if lang == "zh" else 1
    want_cmp, want_top = TEXT["ent_col_diff"][i], TEXT["ent_col_factor"][i]
    cmp = [d.value for d in at.dataframe if want_cmp in d.value.columns]
    top = [d.value for d in at.dataframe if want_top in d.value.columns]
    return cmp, top


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_city_page_lists_largest_enterprises(demo_db, env_db, lang):
    env_db(demo_db)
    i = 0 if lang == "zh" else 1
    at = open_page("city", lang)
    assert not at.exception
    shown = texts(at)
    assert TEXT["ent_title"][i] in [s.value for s in at.subheader]
    assert TEXT["ent_count"][i] in shown and TEXT["ent_compare_note"][i] in shown
    assert TEXT["ent_budget_derived"][i] in shown or TEXT["ent_budget_plan"][i] in shown
    cmp, top = _section_tables(at, lang)
    assert len(cmp) == 1 and len(top) == 1
    cmp, top = cmp[0], top[0]
    assert 1 <= len(top) <= 10 and len(cmp) == 12
    for frame in (cmp, top):
        cells = frame.astype(str).to_numpy().ravel()
        assert not any(c in ("nan", "None", "NaN", "<NA>") for c in cells)
    # the enterprises listed are this city's, largest first
    region = at.session_state["cd_region"]
    with db.connect(demo_db) as con:
        reg = key_emitters.registry(con)
    names = set(reg.loc[reg["region"] == region, f"name_{lang}"])
    assert set(top[TEXT["ent_col_name"][i]]) <= names
    used = top[TEXT["ent_col_used"][i]].str.replace(",", "").astype(float).tolist()
    assert used == sorted(used, reverse=True)
    # the difference column is city − enterprises, shown as it is
    diff = cmp[TEXT["ent_col_diff"][i]].str.replace(",", "").astype(float)
    city = cmp[TEXT["ent_col_city"][i]].str.replace(",", "").astype(float)
    ent = cmp[TEXT["ent_col_total"][i]].str.replace(",", "").astype(float)
    assert (abs(diff - (city - ent)) <= 0.11).all()


def test_province_view_and_no_meters(demo_db, env_db, tmp_path):
    env_db(demo_db)
    at = open_page("city", "en")
    with db.connect(demo_db) as con:
        prov = con.execute("SELECT code FROM regions WHERE level = 'province'").fetchall()[0][0]
    at.selectbox(key="cd_region").set_value(prov).run()
    assert not at.exception
    cmp, top = _section_tables(at, "en")
    assert len(cmp) == 1 and len(top) == 1 and len(top[0]) == 10
    copy = tmp_path / "nometers.duckdb"
    shutil.copy(demo_db, copy)
    assert not meters.has_meters(copy)
    env_db(copy)
    at = open_page("city", "en")
    assert not at.exception
    assert TEXT["ent_none"][1] in texts(at)
