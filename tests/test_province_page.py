"""The province workflow page (省级统筹) in both languages and for each role: inbox, objections with the answer
form for admins and the objection form for a city reporter, filings with what is due, notices with a preview."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from apptest_util import APP, texts
from plan_util import demo_copy
from warehouse import db, users

ADMIN, REPORTER = "省管理员", "甲填报"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    from demo_province import province_demo
    from warehouse import province

    path = demo_copy(tmp_path_factory, tmp_path_factory.mktemp("pvpage") / "base.duckdb")
    with db.connect(path) as con:
        missing = province.notices(con).empty
    if missing:  # older demo copies: the province's demo step here
        province_demo.build_province(path)
    users.add_user(path, ADMIN, "admin", "admin-pass-123")
    users.add_user(path, REPORTER, "reporter", "reporter-pass-1", region="SF03")
    return path


@pytest.fixture
def wh(base, tmp_path, env_db) -> Path:
    shutil.copy(base, tmp_path / "wh.duckdb")
    env_db(tmp_path / "wh.duckdb")
    return tmp_path / "wh.duckdb"


def _as(user: str | None, role: str | None, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    if user:
        at.session_state["auth_user"] = {"name": user, "role": role}
    at.run()
    at.switch_page("app_pages/province.py")
    at.run()
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_everyone_sees_objections_filings_and_notices(wh, lang):
    at = _as(None, None, lang)
    assert not at.exception and not at.error
    assert at.title[0].value == ("省级统筹" if lang == "zh" else "Province workflow")
    frames = [d.value for d in at.dataframe]
    objection_col = "内容" if lang == "zh" else "What"
    assert any(objection_col in f.columns and f[objection_col].str.contains("新建产业园|industrial park").any() for f in frames)
    assert any(("文号" if lang == "zh" else "Number") in f.columns for f in frames)  # the notices
    assert not [b for b in at.button if b.key == "pv_publish"]  # no user: read only


@pytest.mark.slow
def test_admin_answers_and_publishes_from_the_page(wh):
    from monitor import objections

    oid = objections.add(wh, region="SF03", about="plan:SF-2026-2030", text="页面测试异议", user=REPORTER, amount=5)["objection_id"]
    at = _as(ADMIN, "admin")
    assert not at.exception
    at.selectbox(key="pv_answer_subject").select(str(oid))
    at.selectbox(key="pv_answer_decision").select("accepted")
    at.text_area(key="pv_answer_text").set_value("采纳")
    next(b for b in at.get("form_submit_button") if "答复" in b.label).click().run()
    assert not at.exception and not at.error
    status = objections.listing(wh).set_index("objection_id").loc[oid]
    assert status["status"] == "accepted" and status["answered_by"] == ADMIN
    at.button(key="pv_publish").click().run()
    assert not at.exception and not at.error
    assert Path(str(wh) + ".publication", "index.html").exists()


def test_a_reporter_sees_its_inbox_and_objects_for_its_city(wh):
    at = _as(REPORTER, "reporter")
    assert not at.exception
    assert "甲填报" in texts(at)
    at.selectbox(key="pv_obj_kind").select("close")
    at.text_input(key="pv_obj_id").set_value("2025")
    at.text_area(key="pv_obj_text").set_value("扣减过多（页面）")
    next(b for b in at.get("form_submit_button") if "异议" in b.label).click().run()
    assert not at.exception and not at.error
    from monitor import objections

    mine = objections.listing(wh)
    assert ((mine["text"] == "扣减过多（页面）") & (mine["region"] == "SF03") & (mine["about_kind"] == "close")).any()
