"""AppTest of 政策调节 / Measures and of the city page's measures section (zh and en), and the bulletin."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from monitor import measures as ms
from monitor import measures_outlook as mo
from monitor.status import status_records, status_report
from reports import bulletin_doc
from tests.apptest_util import open_page, texts
from warehouse import budget_books, db, users
from tests.tool_util import require_tool


@pytest.fixture
def wh(demo_db, tmp_path):
    path = tmp_path / "wh.duckdb"
    shutil.copy(demo_db, path)
    users.add_user(path, "boss", "admin", "admin-pass-12")
    users.add_user(path, "rep7", "reporter", "reporter-pass-1", region="SF07")
    return path


def _as(page: str, lang: str, name: str | None, role: str | None):
    from streamlit.testing.v1 import AppTest

    from tests.apptest_util import APP

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    if name:
        at.session_state["auth_user"] = {"name": name, "role": role}
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    return at


@pytest.mark.parametrize("lang, title, n_label, late_label", [("zh", "政策调节", "措施数", "滞后措施"),
                                                              ("en", "Measures", "Measures", "Late measures")])
def test_measures_page_shows_the_register(demo_db, env_db, lang, title, n_label, late_label):
    env_db(demo_db)
    at = open_page("measures", lang)
    assert not at.exception
    assert at.title[0].value == title
    data = ms.register(demo_db)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[n_label] == str(len(data["measures"]))
    assert metrics[late_label] == str(int((data["measures"]["effective_status"] == "late").sum()))
    shown = at.dataframe[0].value
    assert shown.columns.is_unique
    assert "钢铁产能减量置换（1.25:1）" in set(shown["措施" if lang == "zh" else "Measure"])
    assert ("滞后" if lang == "zh" else "Late") in set(shown["状态" if lang == "zh" else "Status"])
    text = texts(at)
    assert "nan" not in text.lower().split() and "None" not in text


def test_reporter_adds_a_measure_for_the_own_city_only(wh, env_db):
    env_db(wh)
    at = _as("measures", "zh", "rep7", "reporter")
    assert not at.exception
    assert at.selectbox(key="ms_add_region").options == ["化港市"]
    at.text_input(key="ms_add_title").input("乙烯装置余热回收")
    at.text_input(key="ms_add_owner").input("市工信局")
    at.number_input(key="ms_add_reduction").set_value(36.0)
    at.button(key="ms_add_go").click().run()
    assert not at.exception
    with db.connect(wh) as con:
        from warehouse import measures as store

        last = store.measures(con).sort_values("measure_id").iloc[-1]
    assert (last["region"], last["title"], last["reduction"], last["created_by"]) == ("SF07", "乙烯装置余热回收", 36.0, "rep7")
    # a bad month: a clear message, nothing stored
    at.text_input(key="ms_add_title").input("坏日期")
    at.text_input(key="ms_add_start").input("2026-13")
    at.button(key="ms_add_go").click().run()
    assert any("YYYY-MM" in e.value for e in at.error)
    assert "坏日期" not in set(ms.register(wh)["measures"]["title"])


def test_admin_approves_a_pending_application_from_the_page(wh, env_db):
    env_db(wh)
    at = _as("measures", "en", "boss", "admin")
    assert not at.exception
    n0 = len(_ledger(wh))
    pending = ms.register(wh)["applications"].query("status == 'pending'")["application_id"].tolist()
    at.selectbox(key="ms_ra_id").select(pending[0])
    at.selectbox(key="ms_ra_decision").select("partly")
    at.number_input(key="ms_ra_amount").set_value(40.0)
    at.text_input(key="ms_ra_reason").input("within the cap")
    at.button(key="ms_ra_go").click().run()
    assert not at.exception, at.exception
    led = _ledger(wh)
    assert len(led) == n0 + 1 and led.iloc[-1]["type"] == "advance" and led.iloc[-1]["amount"] == 40.0


def _ledger(path):
    with db.connect(path) as con:
        return budget_books.entries(con)


@pytest.mark.parametrize("lang, head, with_label", [("zh", "政策调节措施与情景分析", "年末排放预测（计入措施，万吨）"),
                                                    ("en", "Measures and what-if", "Year-end projection with measures (10^4 t)")])
def test_city_page_section_shows_the_what_if(demo_db, env_db, lang, head, with_label):
    env_db(demo_db)
    rec = {r["region"]: r for r in status_records(status_report(demo_db))}["SF10"]
    at = open_page("city", lang)
    at.selectbox(key="cd_region").select("SF10").run()
    assert not at.exception
    assert head in [s.value for s in at.subheader]
    metric = lambda: next(m for m in at.metric if m.label == with_label).value  # noqa: E731
    assert metric() == f"{rec['projected_year_end_with_measures']:,.0f}"
    boxes = [c for c in at.checkbox if c.key.startswith("ms_on_SF10_")]
    assert boxes and all(c.value for c in boxes)
    for c in boxes:
        c.uncheck()
    at.run()
    assert metric() == f"{rec['projected_year_end']:,.0f}"  # every measure off: the projection without them


def test_bulletin_pdf_in_chinese_and_xlsx(demo_db):
    rep, reg = status_report(demo_db), ms.register(demo_db)
    pdf = bulletin_doc.bulletin_pdf(mo.bulletin_frames(rep, reg, "zh"), mo.quarter_label(rep), rep.as_of)
    text = subprocess.run([require_tool("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "碳预算执行季度晴雨表通报" in text and "东湾" in text and "钢铁产能减量置换" in text
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(bulletin_doc.bulletin_xlsx(mo.bulletin_frames(rep, reg, "en"), "en")))
    assert wb.sheetnames == ["Cities", "Measures", "Approved applications"]
    apps = wb["Approved applications"]
    assert apps.max_row == 2 and "Separately-listed quota" in [c.value for c in apps[2]]
