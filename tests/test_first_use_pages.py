"""Every action shows its result (issue 22): after a write the page shows the new state and a confirmation,
the form is reset, and no cache keeps the old state — in this session or a new one."""
from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from cli.main import main
from tests.apptest_util import APP, texts
from warehouse import db, queries, users


@pytest.fixture
def wh(demo_db, tmp_path, env_db):
    path = tmp_path / "wh.duckdb"
    shutil.copy(demo_db, path)
    env_db(path)
    users.add_user(path, "省管理员", "admin", "admin-pass-123")
    users.add_user(path, "李填报", "reporter", "reporter-pass-1", region="SF03")
    users.add_user(path, "赵审定", "approver", "approver-pass-1")
    users.add_user(path, "王分析", "analyst", "analyst-pass-1")
    return path


def _as(page: str, user: str | None, role: str | None, lang: str = "zh", state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    if user:
        at.session_state["auth_user"] = {"name": user, "role": role}
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def revise_2025(path) -> None:
    """Revised statistics for a month of the closed year 2025 (uploaded by an analyst)."""
    from warehouse import ingest

    csv = "地区,时期,指标,数值,单位\n钢城市,2025-12,二氧化碳排放总量,980,万吨\n"
    res = ingest.ingest_bytes(str(path), csv.encode("utf-8"), "2025修订.csv", user="王分析")
    assert res.status in ("loaded", "partial"), res


def _version(path) -> str:
    with db.connect(path) as con:
        return queries.data_version(con)


def test_any_write_moves_the_state_version(wh):
    """A close stores no batch and no ledger entry: the version must move all the same (the cause of the stale page)."""
    before = _version(wh)
    assert main(["--db", str(wh), "close", "--year", "2026", "--user", "省管理员"]) == 0
    after_close = _version(wh)
    assert after_close != before
    users.set_disabled(wh, "李填报", True)
    assert _version(wh) != after_close


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_admin_closes_and_approves_a_year_and_sees_it(wh, lang):
    at = _as("annual_accounts", "省管理员", "admin", lang)
    at.selectbox(key="acc_year").select(2026).run()  # the current year: not closed yet
    assert ("2026 年尚未决算" if lang == "zh" else "2026 has not been closed yet") in texts(at)
    at.button(key="acc_close_first").click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert ("已完成 2026 年决算，生成第 1 版" if lang == "zh" else "2026 is closed: version 1 stored") in shown
    assert "尚未决算" not in shown and "has not been closed" not in shown
    at.button(key="acc_approve").click().run()  # the year has not ended: refused, said so, nothing changed
    assert at.error and ("尚未结束" in at.error[0].value or "not ended" in at.error[0].value or "end" in at.error[0].value)
    assert ("尚未批准" if lang == "zh" else "Not approved yet") in texts(at)

    at.selectbox(key="acc_year").select(2025).run()  # a past year: close again, then approve the new version
    revise_2025(wh)  # revised statistics arrive: closing again makes a new version
    at.button(key="acc_reclose").click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert ("已完成 2025 年决算，生成第 2 版" if lang == "zh" else "2025 is closed: version 2 stored") in shown
    at.button(key="acc_reclose").click().run()  # again, with nothing new: said so, nothing stored
    assert ("数据自第 2 版决算以来没有变化" if lang == "zh" else "has not changed since close version 2") in texts(at)
    assert ("尚未批准" if lang == "zh" else "Not approved yet") in shown
    at.button(key="acc_approve").click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    if "已提交审定" in shown or "Sent for sign-off" in shown:  # the province's rule asks the approver to sign
        assert "尚未批准" in shown or "Not approved yet" in shown  # the books are unchanged until then
        ap = _as("approvals", "赵审定", "approver", lang)
        ok = [b for b in ap.button if b.key.startswith("ap_ok_")]
        assert ok, texts(ap)
        ok[0].click().run()
        assert not ap.exception, ap.exception
        assert ("已确认第" if lang == "zh" else "confirmed") in texts(ap)
        assert not [b for b in ap.button if b.key.startswith("ap_ok_")]  # the queue shows the new state
        at = _as("annual_accounts", "省管理员", "admin", lang, {"acc_year": 2025})
        shown = texts(at)
    else:
        assert ("已批准 2025 年决算第 2 版" if lang == "zh" else "Version 2 of the 2025 close is approved") in shown
    assert "尚未批准" not in shown and "Not approved yet" not in shown
    assert not [b for b in at.button if b.key == "acc_approve"]
    fresh = _as("annual_accounts", None, None, lang, {"acc_year": 2025})  # a new session sees it too
    assert ("已批准：省管理员" if lang == "zh" else "Approved by 省管理员") in texts(fresh)


def test_score_entry_shows_the_new_assessment_and_resets_the_form(wh):
    at = _as("five_year_accounts", "省管理员", "admin")
    at.number_input(key="acc_score_value").set_value(55.0)
    submit = [b for b in at.button if b.label == "保存评分并重新考核"][0]
    submit.click().run()
    assert not at.exception, at.exception
    import re

    assert "评分已保存" in texts(at) and "= 55" in texts(at) and re.search(r"考核第 \d+ 版已生成", texts(at))
    assert at.number_input(key="acc_score_value").value == 80.0  # the form is reset


def test_plan_page_prints_no_internals_and_shows_each_write(wh):
    at = _as("plan", "省管理员", "admin")
    assert "DeltaGenerator" not in texts(at) and "docstring" not in texts(at).lower()
    assert not [m for m in at.markdown if "DeltaGenerator" in str(m.value)]
    plan_id = at.selectbox(key="plan_pick").value
    at.text_input(key="plan_r_note").input("采纳意见")
    at.button(key="plan_r_save").click().run()
    assert not at.exception, at.exception
    import re

    m = re.search(rf"已保存修订：方案 {plan_id} 第 (\d+) 版", texts(at))
    assert m, texts(at)
    v = int(m.group(1))
    assert int(at.selectbox(key="plan_ver").value) == v  # the new version is the one shown
    assert f"第 {v} 版为草案" in texts(at)
    assert [b for b in at.button if b.key == "plan_approve" and f"第 {v} 版" in b.label]
    assert at.text_input(key="plan_r_note").value == ""


def test_reporter_comments_for_its_own_city_only_and_sees_the_comment(wh):
    assert main(["--db", str(wh), "plan", "revise", "SF-2026-2030", "--reserve", "0.04", "--note", "征求意见稿",
                 "--user", "省管理员"]) == 0
    at = _as("plan", "李填报", "reporter")  # the newest version (the draft) is shown first
    assert at.selectbox(key="plan_c_region").options == ["煤泉市"]  # SF03 only, not all 12 cities
    at.text_area(key="plan_c_text").input("请考虑新建项目")
    [b for b in at.button if b.label == "提交意见"][0].click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "意见已记录" in shown and "暂无意见" not in shown
    cells = [str(v) for df in at.dataframe for v in df.value.astype(str).to_numpy().ravel()]
    assert "请考虑新建项目" in cells
    assert at.text_area(key="plan_c_text").value == ""
