"""Real browser: start the app the way the README does (`make run`), walk every page in Debian's
Chromium, click from the weather vane into a city, switch language, take screenshots."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser_util import CHROMIUM, browser_page, running_app, wait_rendered

pytestmark = pytest.mark.browser

# (url path, Chinese title, English title); the weather vane is the landing page at "/"
PAGES = [("", "碳预算晴雨表", "Budget weather vane"), ("city", "城市详情", "City detail"), ("rankings", "排名", "Rankings"),
         ("alerts", "预警", "Alerts"), ("overview", "数据总览", "Data overview"), ("accuracy", "模型与精度", "Model & accuracy")]
SHOTS = Path(__file__).resolve().parent.parent / "benchmarks" / "out"


@pytest.fixture(scope="module")
def app_url(demo_db):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    with running_app(demo_db) as url:
        yield url


def _no_exception(page, where: str) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, f"exception on {where}"


def test_cjk_font_installed():
    assert shutil.which("fc-list"), "fontconfig missing"
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    assert "Noto Sans CJK" in fonts or "Noto Serif CJK" in fonts


def test_walk_every_page_in_both_languages(app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        for path, zh, _ in PAGES:
            page.goto(f"{app_url}/{path}")
            wait_rendered(page, zh)
            _no_exception(page, path or "weather")
            page.screenshot(path=str(SHOTS / f"page_{path or 'weather'}_zh.png"))
        page.goto(f"{app_url}/")
        wait_rendered(page, "碳预算晴雨表")
        page.get_by_text("English", exact=True).click()
        wait_rendered(page, "Budget weather vane")
        for path, _, en in PAGES[1:]:
            page.get_by_role("link", name=en).first.click()
            wait_rendered(page, en)
            _no_exception(page, path)
        page.screenshot(path=str(SHOTS / "page_accuracy_en.png"))


def test_click_from_weather_vane_into_a_city(app_url):
    with browser_page() as page:
        page.goto(f"{app_url}/")
        wait_rendered(page, "碳预算晴雨表")
        card = page.locator("a.wv-card[data-region='SF10']")
        assert "东湾市" in card.inner_text()
        card.click()
        wait_rendered(page, "城市详情 · 东湾市")
        wait_rendered(page, "预警与原因")
        _no_exception(page, "city")
        assert page.get_by_text("累计排放超时序进度").count() >= 1
        page.screenshot(path=str(SHOTS / "city_from_card_zh.png"), full_page=True)


def test_rankings_presentation_mode(app_url):
    with browser_page() as page:
        page.goto(f"{app_url}/rankings")
        wait_rendered(page, "排名")
        page.get_by_text("会议大屏模式").click()
        page.locator("table.rk-big").wait_for(timeout=20000)
        assert page.locator("table.rk-big tr").count() == 13  # header + 12 cities
        page.screenshot(path=str(SHOTS / "rankings_presentation_zh.png"))
