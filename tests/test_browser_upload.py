"""Real browser: an analyst signs in, uploads a good file and a bad file through the upload page."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.browser_util import CHROMIUM, browser_page, running_app, wait_rendered
from tests.test_pages_upload import BAD, GOOD
from warehouse import db, queries, users

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "benchmarks" / "out"


@pytest.fixture(scope="module")
def analyst_app(demo_db, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it")
    path = tmp_path_factory.mktemp("upload") / "wh.duckdb"
    shutil.copy(demo_db, path)
    users.add_user(path, "ana", "analyst", "analyst-pass-1")
    with running_app(path) as url:
        yield url, path


def _sign_in(page, url):
    page.goto(f"{url}/")
    wait_rendered(page, "碳预算晴雨表")
    page.get_by_label("用户名").fill("ana")
    page.get_by_label("密码").fill("analyst-pass-1")
    page.get_by_role("button", name="登录").click()
    wait_rendered(page, "已登录：ana")
    page.get_by_role("link", name="数据上传", exact=True).click()
    wait_rendered(page, "选择文件")


def _upload(page, tmp_path, name: str, content: bytes):
    file = tmp_path / name
    file.write_bytes(content)
    page.locator("input[type='file']").set_input_files(str(file))
    page.get_by_text(name).first.wait_for(timeout=20000)
    page.get_by_role("button", name="检查文件").click()


def test_upload_good_then_bad_file_in_the_browser(analyst_app, tmp_path):
    url, path = analyst_app
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        _sign_in(page, url)
        _upload(page, tmp_path, "good.csv", GOOD)
        wait_rendered(page, "文件没有错误")
        page.get_by_role("button", name="导入").click()
        wait_rendered(page, "本次变化", timeout=600000)
        page.screenshot(path=str(SHOTS / "upload_good_zh.png"), full_page=True)
        with db.connect(path) as con:
            b = queries.batches(con)
        assert ((b["origin"] == "upload") & (b["created_by"] == "ana")).sum() == 1

        _upload(page, tmp_path, "bad.csv", BAD)  # replaces the file in the same session
        wait_rendered(page, "文件有错误")
        assert page.get_by_role("button", name="导入").is_disabled()
        page.screenshot(path=str(SHOTS / "upload_bad_zh.png"), full_page=True)
    with db.connect(path) as con:
        assert (queries.batches(con)["origin"] == "upload").sum() == 1  # the bad file stored nothing
