"""Upload and history pages through AppTest; roles enforced server side (actions called directly too)."""
from __future__ import annotations

import shutil
import time

import pandas as pd
import pytest

from services import actions
from tests.apptest_util import open_page, texts
from tests.conftest import REAL_DATA, file_digest
from tests.test_pages_budget import download_bytes, downloads  # noqa: F401 - the fixture
from warehouse import db, queries, users
from tests.tool_util import require_path

GOOD = ("地区,时期,指标,数值,单位\n钢城市,2026-10,全社会用电量,4.2,亿千瓦时\n石岭市,2026-05,原煤消费量,1500000,吨\n"
        "石岭市,2026-05,焦炭消费量,10,万吨\n").encode("gbk")
BAD = ("地区,时期,指标,数值,单位\n钢城,2026-10,全社会用电量,4.2,亿千瓦时\n铁城市,2026-10,全社会用电量,3,亿千瓦时\n"
       "石岭市,2026-13,全社会用电量,3,亿千瓦时\n").encode("utf-8")


@pytest.fixture
def wh(demo_db, tmp_path, env_db):
    path = tmp_path / "wh.duckdb"
    shutil.copy(demo_db, path)
    env_db(path)
    return path


def _with_users(path):
    users.add_user(path, "ana", "analyst", "analyst-pass-1")
    users.add_user(path, "vic", "viewer", "viewer-pass-1")


def _signed_in(page: str, name: str, role: str, lang: str = "zh"):
    from streamlit.testing.v1 import AppTest

    from tests.apptest_util import APP

    at = AppTest.from_file(APP, default_timeout=600)  # a commit runs the ingest and a nowcast refresh
    at.session_state["lang"] = lang
    at.session_state["auth_user"] = {"name": name, "role": role}
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def test_without_users_the_app_is_read_only(wh):
    at = open_page("weather", "zh")
    assert "carbon-budget users add" in " ".join(str(i.value) for i in at.sidebar.info)
    before = file_digest(wh)
    with pytest.raises(users.PermissionDenied):
        actions.commit_upload(str(wh), "anyone", GOOD, "q.csv")
    assert file_digest(wh) == before


def test_viewer_cannot_upload_or_roll_back_even_by_calling_actions(wh):
    _with_users(wh)
    at = _signed_in("upload", "vic", "analyst")  # a forged session role does not help: the page re-checks
    assert not at.exception
    before = file_digest(wh)
    at.file_uploader(key="up_file").set_value(("q.csv", GOOD, "text/csv")).run()
    at.button(key="up_check").click().run()
    assert "无权执行此操作" in " ".join(e.value for e in at.error)  # the warehouse's role, not the session's, decides
    assert at.get("download_button") == [] or all(not d.proto.id.endswith("up_report_csv") for d in at.get("download_button"))
    assert file_digest(wh) == before
    for call in (lambda: actions.commit_upload(str(wh), "vic", GOOD, "q.csv"),
                 lambda: actions.check_upload(str(wh), "vic", GOOD, "q.csv"),
                 lambda: actions.rollback(str(wh), "vic", 1)):
        with pytest.raises(users.PermissionDenied):
            call()
    assert file_digest(wh) == before


def test_sign_in_shows_upload_pages_for_an_analyst(wh):
    _with_users(wh)
    at = open_page("weather", "en")
    at.sidebar.text_input(key="auth_name").input("ana")
    at.sidebar.text_input(key="auth_password").input("wrong-password")
    at.sidebar.button[0].click().run()
    assert "Wrong user name or password." in " ".join(e.value for e in at.error)
    at.sidebar.text_input(key="auth_password").input("analyst-pass-1")
    at.sidebar.button[0].click().run()
    assert "Signed in: ana" in " ".join(str(m.value) for m in at.sidebar.markdown)


def test_analyst_checks_then_commits_and_sees_what_changed(wh):
    _with_users(wh)
    at = _signed_in("upload", "ana", "analyst")
    assert not at.exception
    at.file_uploader(key="up_file").set_value(("季度数据.csv", GOOD, "text/csv")).run()
    at.button(key="up_check").click().run()
    assert not at.exception
    assert "文件没有错误" in texts(at)
    t0 = time.monotonic()
    at.button(key="up_commit").click().run()
    committed_in = time.monotonic() - t0
    assert not at.exception, at.exception
    body = texts(at)
    # the commit returns with the batch stored; the nowcast refresh runs in the background, progress shown
    assert "已导入为批次" in body and "写入 3 个数值" in body
    assert "本次变化" in body and "新增数值 2 个" in body and "修订数值 1 个" in body
    job = actions.refresh_state(str(wh))
    assert job is not None and job.finished is None, "the refresh should still be running after the commit"
    assert committed_in < 10, f"commit took {committed_in:.1f} s"  # < 3 s on an idle machine (benchmarks/pages.py)
    assert "刷新期间可继续使用各页面" in body
    at.switch_page("app_pages/weather.py").run()  # the page stays usable meanwhile
    assert not at.exception and "快算模型与预警正在后台刷新" in texts(at)
    assert actions.wait_refresh(str(wh)).ok
    at.switch_page("app_pages/upload.py").run()
    body = texts(at)
    assert "新的估算与预警已生成" in body
    assert "预算状态变化的城市" in body or "没有城市的预算状态发生变化" in body
    with db.connect(wh) as con:
        b = queries.batches(con)
        upload = b[b["origin"] == "upload"].iloc[0]
        assert upload["created_by"] == "ana" and upload["source_name"] == "季度数据.csv"
        got = queries.export(con, region="SF01", indicator="elec_total", kind="statistical")
    assert got.set_index("period").loc["2026-10", "value"] == pytest.approx(42000.0)
    assert (b["origin"] == "nowcast").sum() >= 2  # the nowcast refreshed after the commit


def test_bad_upload_lists_problems_blocks_commit_then_loads_valid_rows_on_request(wh):
    _with_users(wh)
    at = _signed_in("upload", "ana", "analyst", "en")
    at.file_uploader(key="up_file").set_value(("bad.csv", BAD, "text/csv")).run()
    at.button(key="up_check").click().run()
    report = at.dataframe[0].value
    errors = report[report["Severity"] == "error"]
    assert set(errors["Row"]) == {"3", "4"}  # 铁城市 is unknown; 2026-13 is no month (钢城 matches 钢城市)
    assert "铁城市" in set(errors["Value"].astype(str))
    assert "The file has errors" in texts(at)
    assert at.button(key="up_commit").disabled
    before = file_digest(wh)
    at.checkbox(key="up_accept").check().run()
    assert not at.button(key="up_commit").disabled
    at.button(key="up_commit").click().run()
    assert not at.exception
    assert file_digest(wh) != before
    with db.connect(wh) as con:
        b = queries.batches(con)
    up = b[b["origin"] == "upload"].iloc[0]
    assert up["status"] == "partial" and up["rows_rejected"] >= 2
    assert actions.wait_refresh(str(wh)).ok


def test_template_downloads_are_the_templates(wh, downloads):
    import io

    from intake import templates

    _with_users(wh)
    at = _signed_in("upload", "ana", "analyst")
    for shape, fmt in (("long", "csv"), ("wide", "csv"), ("long", "xlsx"), ("wide", "xlsx")):
        data = download_bytes(at, f"tpl_{shape}_{fmt}", downloads)
        maker = templates.template_long if shape == "long" else templates.template_wide
        expected = maker(fmt, "zh")
        read = (lambda b: pd.read_csv(io.BytesIO(b), encoding="utf-8-sig")) if fmt == "csv" else \
            (lambda b: pd.read_excel(io.BytesIO(b), sheet_name=0))
        assert read(data).equals(read(expected)), (shape, fmt)
        if shape == "long":
            assert list(read(data).columns)[:4] == ["地区", "时期", "指标", "数值"]


def test_history_page_rolls_back_an_upload(wh):
    _with_users(wh)
    actions.commit_upload(str(wh), "ana", GOOD, "q.csv")
    with db.connect(wh) as con:
        upload_id = int(queries.batches(con).query("origin == 'upload'")["batch_id"].iloc[0])
    at = _signed_in("batches", "ana", "analyst")
    assert not at.exception
    at.selectbox(key="bh_pick").select(upload_id).run()
    at.checkbox(key="bh_confirm").check().run()
    at.button(key="bh_rollback").click().run()
    assert not at.exception
    assert "已回滚" in texts(at)
    with db.connect(wh) as con:
        got = queries.export(con, region="SF01", indicator="elec_total", kind="statistical")
        b = queries.batches(con)
    assert got.set_index("period").loc["2026-10", "value"] != pytest.approx(42000.0)
    assert "rollback" in set(b["origin"])
    assert actions.wait_refresh(str(wh)).ok


def test_real_data_through_the_page_lists_problems_and_loads_valid_rows_on_request(tmp_path, env_db):
    require_path(REAL_DATA, "the shared real data")
    from warehouse.regions_io import load_regions_file

    path = tmp_path / "real.duckdb"
    assert load_regions_file(path, REAL_DATA / "regions.csv")["errors"] == []
    users.add_user(path, "ana", "analyst", "analyst-pass-1")
    env_db(path)
    at = _signed_in("upload", "ana", "analyst", "en")
    at.file_uploader(key="up_file").set_value(("observations.csv", (REAL_DATA / "observations.csv").read_bytes(),
                                               "text/csv")).run()
    at.button(key="up_check").click().run()
    assert not at.exception
    errors = at.dataframe[0].value.query("Severity == 'error'")
    assert len(errors) == 27 and errors["Problem"].str.contains("Negative").all()
    assert at.button(key="up_commit").disabled
    at.checkbox(key="up_accept").check().run()
    at.button(key="up_commit").click().run()
    assert not at.exception
    with db.connect(path) as con:
        up = queries.batches(con).query("origin == 'upload'").iloc[0]
    assert up["status"] == "partial" and up["rows_loaded"] == 25050 and up["rows_rejected"] == 27
