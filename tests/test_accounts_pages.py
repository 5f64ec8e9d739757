"""AppTest: 年度决算 / Annual accounts and 五年决算 / Five-year accounts on the demo, zh and en, admin and viewer."""
from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from cli.main import main
from services import accounts_view as av
from tests.apptest_util import APP, open_page, texts
from warehouse import closes, db, users


@pytest.fixture
def wh(demo_db, tmp_path):
    path = tmp_path / "wh.duckdb"
    shutil.copy(demo_db, path)
    return path


def _as(page: str, user: str, role: str, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.session_state["auth_user"] = {"name": user, "role": role}
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_annual_accounts_page_shows_the_close(demo_db, env_db, lang):
    env_db(demo_db)
    at = open_page("annual_accounts", lang)
    assert not at.exception
    shown = texts(at)
    assert at.title[0].value == ("年度决算" if lang == "zh" else "Annual accounts")
    assert at.selectbox(key="acc_year").value == 2025
    assert ("本次决算全部使用统计核算数据" if lang == "zh" else "accounted statistics only") in shown
    assert ("已批准" if lang == "zh" else "Approved by") in shown
    assert not [b for b in at.button if b.key == "acc_approve"]         # read-only: no approve button
    assert "nan" not in shown and "None" not in shown
    at.selectbox(key="acc_year").select(2023).run()
    assert not at.exception
    conclusions = set(at.dataframe[0].value["结论" if lang == "zh" else "Conclusion"])
    assert conclusions <= ({"盈余", "平衡", "超支"} if lang == "zh" else {"Surplus", "Balance", "Overspend"})


def test_annual_page_provisional_banner_history_and_downloads(wh, env_db):
    env_db(wh)
    assert main(["--db", str(wh), "close", "--year", "2026"]) == 0
    assert main(["--db", str(wh), "close", "--year", "2026"]) == 0   # nothing changed: stores nothing (issue 21)
    at = open_page("annual_accounts", "en")
    at.selectbox(key="acc_year").select(2026).run()
    assert "Provisional close" in texts(at) and "2026-10" in texts(at)
    assert "Only one version." in texts(at)
    at.button(key="acc_docs").click().run()
    assert not at.exception
    assert len(at.get("download_button")) == 2


def test_admin_approves_from_the_page_and_a_viewer_cannot(wh, env_db):
    env_db(wh)
    users.add_user(wh, "省管理员", "admin", "admin-pass-123")
    users.add_user(wh, "看客", "viewer", "viewer-pass-1")
    assert main(["--db", str(wh), "close", "--year", "2025", "--user", "省管理员"]) == 0
    viewer = _as("annual_accounts", "看客", "viewer")
    assert not [b for b in viewer.button if b.key in ("acc_approve", "acc_reclose")]
    with pytest.raises(users.PermissionDenied):          # the action itself re-checks, server side
        av.approve(str(wh), "看客", 2025)
    assert not [e for e in viewer.expander if "批准前预览" in e.label]
    admin = _as("annual_accounts", "省管理员", "admin")
    assert "尚未批准" in texts(admin)
    preview = [e for e in admin.expander if e.label.startswith("批准前预览：批准 2025 年度决算")]
    assert preview and "2026 年预算" in preview[0].label            # what approving changes, before the click
    shown = texts(admin)
    assert ("批准不会改变任何预算" in shown) or ("预算变化（万吨）" in str([d.value.columns for d in admin.dataframe]))
    assert "批准不影响：" in shown
    admin.button(key="acc_approve").click().run()
    assert not admin.exception
    with db.connect(wh) as con:
        v = closes.close_versions(con, 2025)
    assert v.iloc[0]["approved_by"] == "省管理员"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_five_year_page_grades_every_city(demo_db, env_db, lang):
    env_db(demo_db)
    at = open_page("five_year_accounts", lang)
    assert not at.exception
    assert at.title[0].value == ("五年决算" if lang == "zh" else "Five-year accounts")
    ranking = at.dataframe[0].value
    grades = {"zh": {"优秀", "良好", "合格", "不合格"}, "en": {"Excellent", "Good", "Pass", "Fail"}}[lang]
    col = "等级" if lang == "zh" else "Grade"
    assert len(ranking) == 12 and set(ranking[col]) <= grades
    assert "nan" not in texts(at)


def test_five_year_score_form_for_admins(wh, env_db):
    env_db(wh)
    users.add_user(wh, "省管理员", "admin", "admin-pass-123")
    at = _as("five_year_accounts", "省管理员", "admin", "en")
    at.selectbox(key="acc_score_indicator").select("coordination")
    at.number_input(key="acc_score_value").set_value(88.0)
    next(b for b in at.get("form_submit_button")).click().run()
    assert not at.exception
    with db.connect(wh) as con:
        e = closes.entered_scores(con, 2021, 2025)
    assert e.iloc[0]["score"] == 88.0 and e.iloc[0]["entered_by"] == "省管理员"
