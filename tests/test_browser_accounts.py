"""Real browser: the app started as the README does opens 年度决算 and 五年决算 in Chromium, in both languages."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_util import CHROMIUM, browser_page, running_app, wait_rendered

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "benchmarks" / "out"


@pytest.fixture(scope="module")
def app_url(demo_db):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    with running_app(demo_db) as url:
        yield url


def _no_exception(page, where: str) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, f"exception on {where}"


def test_open_both_accounts_pages(app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        page.goto(f"{app_url}/annual_accounts")
        wait_rendered(page, "原因分析")
        wait_rendered(page, "动态调节：下一年度预算建议")
        _no_exception(page, "annual_accounts")
        assert page.get_by_text("本次决算全部使用统计核算数据").count() >= 1
        page.screenshot(path=str(SHOTS / "annual_accounts_zh.png"), full_page=True)
        page.goto(f"{app_url}/five_year_accounts")
        wait_rendered(page, "评分、等级与排名")
        _no_exception(page, "five_year_accounts")
        page.screenshot(path=str(SHOTS / "five_year_accounts_zh.png"), full_page=True)
        page.get_by_text("English", exact=True).click()
        wait_rendered(page, "Scores, grades and ranking")
        page.get_by_role("link", name="Annual accounts").first.click()
        wait_rendered(page, "Dynamic adjustment: proposed next-year budgets")
        _no_exception(page, "annual_accounts en")
