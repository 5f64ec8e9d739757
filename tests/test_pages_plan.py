"""The plan page (碳预算编制) in zh and en: read-only approved plan for everyone, the editor for an
admin (scenarios, methods, draft, approve), the comment form for a city reporter."""
from __future__ import annotations

import pytest

from tests.apptest_util import texts
from tests.plan_util import demo_copy
from warehouse import budget_books, db, plans, users

PW = "plan-page-password"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_copy(tmp_path_factory, tmp_path_factory.mktemp("plan_page") / "demo.duckdb")


def _page(monkeypatch, path, lang, user=None, role=None):
    monkeypatch.setenv("CARBON_BUDGET_DB", str(path))
    from streamlit.testing.v1 import AppTest

    from tests.apptest_util import APP

    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    if user:
        at.session_state["auth_user"] = {"name": user, "role": role}
    at.run()
    at.switch_page("app_pages/plan.py")
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang, words", [("zh", ["碳预算编制", "已批准", "五年总量", "年度目标", "只读"]),
                                         ("en", ["Budget plan", "approved", "Five-year total", "Yearly targets", "Read only"])])
def test_read_only_shows_the_approved_demo_plan(monkeypatch, demo, lang, words):
    at = _page(monkeypatch, demo, lang)
    shown = texts(at)
    for w in words:
        assert w in shown, w
    assert "nan" not in shown and "None" not in shown
    assert not any(b.label.startswith(("保存", "Save", "批准", "Approve")) for b in at.button)
    assert len(at.get("download_button")) == 2
    from monitor.plan import load

    total = f"{load(demo, 'SF-2026-2030', 1)['content']['total']:,.0f}"
    assert total in shown


def test_admin_drafts_and_approves_and_reporter_comments(monkeypatch, tmp_path, tmp_path_factory):
    path = demo_copy(tmp_path_factory, tmp_path / "demo.duckdb")
    users.add_user(path, "省管理员", "admin", PW)
    users.add_user(path, "钢城填报", "reporter", PW, region="SF01")
    at = _page(monkeypatch, path, "en", "省管理员", "admin")
    assert "Draft a new plan" in [e.label for e in at.expander]
    assert "Scenario" in texts(at) or at.dataframe
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert any("Draft saved: plan SF-2026-2030-2 version 1" in s.value for s in at.success), [e.value for e in at.error]
    with db.connect(path) as con:
        listing = plans.plans(con)
        before = len(budget_books.entries(con))
    draft = listing[listing["approved"].isna()]["plan_id"].iloc[0]
    # the reporter comments on the draft for the own city
    at = _page(monkeypatch, path, "zh", "钢城填报", "reporter")
    at.selectbox(key="plan_pick").select(draft).run()
    at.text_area(key="plan_c_text").input("钢城新增产能，请增加预算")
    at.number_input(key="plan_c_amount").set_value(30000.0)
    at.button[[b.label for b in at.button].index("提交意见")].click().run()
    assert any("意见已记录" in s.value for s in at.success), [e.value for e in at.error]
    # the admin approves it
    at = _page(monkeypatch, path, "zh", "省管理员", "admin")
    at.selectbox(key="plan_pick").select(draft).run()
    assert "钢城新增产能" in at.dataframe[-3].value.to_csv() or any("钢城新增产能" in d.value.to_csv() for d in at.dataframe)
    at.button(key="plan_approve").click().run()
    assert not at.error, [e.value for e in at.error]
    with db.connect(path) as con:
        assert len(budget_books.entries(con)) > before
        assert plans.plans(con).set_index("plan_id").loc[draft, "approved"] == 1
