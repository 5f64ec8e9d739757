"""Real browser: an admin registers a measure on 政策调节 and the city page's projection with measures moves."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from monitor.status import status_records, status_report
from tests.browser_util import CHROMIUM, browser_page, running_app, wait_rendered
from warehouse import users

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "benchmarks" / "out"
WITH_LABEL = "年末排放预测（计入措施，万吨）"


@pytest.fixture(scope="module")
def admin_app(demo_db, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it")
    path = tmp_path_factory.mktemp("measures") / "wh.duckdb"
    shutil.copy(demo_db, path)
    users.add_user(path, "boss", "admin", "admin-pass-12")
    with running_app(path) as url:
        yield url, path


def _with_measures(page) -> str:
    metric = page.locator("[data-testid='stMetric']").filter(has_text=WITH_LABEL).first
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_add_a_measure_and_see_the_city_projection_change(admin_app):
    url, path = admin_app
    before = {r["region"]: r for r in status_records(status_report(path))}["SF01"]
    assert before["projected_year_end_with_measures"] == pytest.approx(before["projected_year_end"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        page.goto(f"{url}/city?region=SF01")
        wait_rendered(page, WITH_LABEL)
        shown_before = _with_measures(page)
        assert shown_before == f"{before['projected_year_end']:,.0f}"

        page.goto(f"{url}/")
        wait_rendered(page, "碳预算晴雨表")
        page.get_by_label("用户名").fill("boss")
        page.get_by_label("密码").fill("admin-pass-12")
        page.get_by_role("button", name="登录").click()
        wait_rendered(page, "已登录：boss")
        page.get_by_role("link", name="政策调节").click()
        wait_rendered(page, "登记新措施")
        page.get_by_label("措施", exact=True).fill("钢城市高炉错峰生产")
        page.get_by_label("责任部门（联系人）", exact=True).fill("市工信局")
        reduction = page.get_by_label("预期年减排量（万吨）", exact=True)
        reduction.fill("600")
        reduction.press("Tab")
        page.get_by_role("button", name="登记措施").click()
        wait_rendered(page, "措施已登记。")
        page.screenshot(path=str(SHOTS / "measures_zh.png"), full_page=True)

        page.goto(f"{url}/city?region=SF01")
        wait_rendered(page, "钢城市高炉错峰生产 (600.0)")  # the what-if switch of the new measure
        shown_after = _with_measures(page)
        page.screenshot(path=str(SHOTS / "city_measures_zh.png"), full_page=True)
    after = {r["region"]: r for r in status_records(status_report(path))}["SF01"]
    # from the as-of month (October) to December: the projected Nov and Dec lose 600/12 each
    assert before["projected_year_end"] - after["projected_year_end_with_measures"] == pytest.approx(100, abs=0.01)
    assert shown_after == f"{after['projected_year_end_with_measures']:,.0f}" != shown_before
