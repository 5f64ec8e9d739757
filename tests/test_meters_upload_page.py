"""The meter upload page (AppTest): template, check with row-level problems, load, the batch's report,
rollback; bad input refused with nothing stored; the warehouse's role decides, not the session's."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_util import APP, texts
from tests.conftest import file_digest
from tests.test_pages_budget import download_bytes, downloads  # noqa: F401 - the fixture
from tests.test_meters_atomic import _stored, _warehouse
from warehouse import db, users

DAY = date.today() - timedelta(days=40)


@pytest.fixture
def wh(tmp_path, env_db):
    path = _warehouse(tmp_path / "wh.duckdb")
    users.add_user(path, "adm", "admin", "admin-pass-1")
    users.add_user(path, "ana", "analyst", "analyst-pass-1")
    users.add_user(path, "vic", "viewer", "viewer-pass-1")
    env_db(path)
    return path


def _page(name: str, role: str, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = lang
    at.session_state["auth_user"] = {"name": name, "role": role}
    at.run()
    at.switch_page("app_pages/meters.py")
    return at.run()


def _csv(rows) -> bytes:
    return ("enterprise_id,date,kwh\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)).encode()


GOOD_ROWS = [("E000", (DAY + timedelta(days=k)).isoformat(), 1000.0 + k) for k in range(5)] + \
            [("E013", DAY.isoformat(), 250.5)]
GOOD = _csv(GOOD_ROWS)
BAD = _csv([("E000", DAY.isoformat(), 10), ("NOPE", DAY.isoformat(), 5), ("E001", DAY.isoformat(), -3),
            ("E002", "2026/13/01", 4), ("E003", DAY.isoformat(), "abc")])


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="mt_file").set_value((name, content, "text/csv")).run()
    return at.button(key="mt_check").click().run()


def _tables(at: AppTest) -> str:
    return " ".join(" ".join(d.value.astype(str).to_numpy().ravel()) for d in at.dataframe)


def _meter_batches(path) -> int:
    with db.connect(path) as con:
        return con.execute("SELECT count(*) FROM batches WHERE origin = 'meters'").fetchall()[0][0]


def test_template_and_enterprise_list(wh, downloads):  # noqa: F811 - the fixture
    at = _page("ana", "analyst")
    assert not at.exception
    assert at.title[0].value == "电表数据上传"
    assert download_bytes(at, "mt_tpl_csv", downloads).decode("utf-8-sig").strip() == "enterprise_id,date,kwh"
    listed = pd.read_csv(io.BytesIO(download_bytes(at, "mt_tpl_enterprises", downloads)), encoding="utf-8-sig")
    assert sorted(listed["code"]) == [f"E{i:03d}" for i in range(48)]
    assert "E0" in texts(at) and "YYYY-MM-DD" in texts(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_file_lists_every_problem_and_stores_nothing(wh, lang):
    before = file_digest(wh)
    at = _upload(_page("ana", "analyst", lang), "bad.csv", BAD)
    assert not at.exception
    shown = at.dataframe[0].value
    rows = shown[shown.columns[0]].astype(str).tolist()
    assert sorted(rows) == ["3", "4", "5", "6"]   # NOPE, -3, the bad date, abc (the header is row 1)
    problems = " ".join(shown[shown.columns[4]].astype(str))
    if lang == "zh":
        assert "不在重点排放单位名录中" in problems and "用电量为负" in problems and "日期无法识别" in problems
        assert "文件有错误，不能入库" in " ".join(e.value for e in at.error)
    else:
        assert "not in the key-emitter registry" in problems and "Negative kWh" in problems
        assert "cannot be loaded" in " ".join(e.value for e in at.error)
    assert at.button(key="mt_load").disabled
    assert file_digest(wh) == before and _meter_batches(wh) == 0


def test_unreadable_file_is_refused(wh):
    before = file_digest(wh)
    at = _upload(_page("ana", "analyst", "en"), "x.csv", b"PAR1\x00garbage")
    assert not at.exception
    assert "cannot be read" in _tables(at)
    assert at.button(key="mt_load").disabled
    assert file_digest(wh) == before


def test_load_report_and_rollback(wh):
    at = _upload(_page("ana", "analyst"), "good.csv", GOOD)
    assert "文件无错误，可以入库" in " ".join(s.value for s in at.success)
    assert not at.button(key="mt_load").disabled
    at.button(key="mt_load").click().run()
    assert not at.exception
    kwh, n, _, standing = _stored(wh)
    assert n == len(GOOD_ROWS) and kwh == pytest.approx(sum(r[2] for r in GOOD_ROWS)) and len(standing) == 1
    assert f"已入库：批次 {standing[0]}，{len(GOOD_ROWS)} 条日读数" in " ".join(s.value for s in at.success)
    parts = at.dataframe[0].value          # the batch by month and city: E000 in C00, E013 in C01
    assert parts[parts.columns[2]].sum() == len(GOOD_ROWS)
    assert sorted(parts[parts.columns[1]]) == ["C00市", "C01市"]
    with db.connect(wh) as con:
        assert con.execute("SELECT created_by FROM batches WHERE batch_id = ?", standing).fetchall() == [("ana",)]
    # the same file again: refused as already stored
    at = _upload(at, "good.csv", GOOD + b"\n")
    assert "该日读数已入库" in _tables(at) and at.button(key="mt_load").disabled
    # roll it back on the page: confirmation first, then recorded as a rollback batch by the analyst
    at.selectbox(key="mt_rb_pick").set_value(standing[0]).run()
    assert at.button(key="mt_rb").disabled
    at.checkbox(key="mt_rb_confirm").check().run()
    at.button(key="mt_rb").click().run()
    assert not at.exception
    assert f"电表批次 {standing[0]} 已回滚" in " ".join(s.value for s in at.success)
    assert _stored(wh) == (0.0, 0, 0, [])
    with db.connect(wh) as con:
        assert con.execute("SELECT created_by FROM batches WHERE origin = 'rollback'").fetchall() == [("ana",)]
    assert "mt_rb" not in [b.key for b in at.button]  # nothing left to roll back


def test_viewer_is_refused_whatever_the_session_says(wh):
    before = file_digest(wh)
    at = _upload(_page("vic", "analyst"), "good.csv", GOOD)   # a forged session role: the warehouse decides
    assert not at.exception
    assert "无权执行此操作" in " ".join(e.value for e in at.error)
    assert file_digest(wh) == before and _meter_batches(wh) == 0
    at = AppTest.from_file(APP, default_timeout=300)       # a viewer's navigation has no meter page at all
    at.session_state["auth_user"] = {"name": "vic", "role": "viewer"}
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/meters.py")
