"""Real browser: start the app the way the README does (`make run`), walk every page in Debian's
Chromium, click from the weather vane into a city (in the session: a signed-in analyst stays signed in),
switch language, open the upload history, take screenshots. Each page is awaited by content of its own
(never its title, which is also the sidebar link just clicked) and fails on a traceback or an st.error."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser_util import CHROMIUM, browser_page, running_app, wait_rendered
from warehouse import users

pytestmark = pytest.mark.browser

# (url path, Chinese title, English title, Chinese page-specific text, English page-specific text)
PAGES = [("", "碳预算晴雨表", "Budget weather vane", "全省合计", "Province total"),
         ("city", "城市详情", "City detail", "形成该城市预算的账目", "Ledger entries that shaped this city's budget"),
         ("rankings", "排名", "Rankings", "会议大屏模式", "Presentation mode"),
         ("alerts", "预警", "Alerts", "附完整原因与推荐政策组合", "with its full reasons and recommended policy mix"),
         ("overview", "数据总览", "Data overview", "各指标数据覆盖（按类型）", "Coverage by indicator and kind"),
         ("accuracy", "模型与精度", "Model & accuracy", "分城市误差", "Error per city")]
SHOTS = Path(__file__).resolve().parent.parent / "benchmarks" / "out"


@pytest.fixture(scope="module")
def app_db(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    shutil.copy(demo_db, path)
    users.add_user(path, "ana", "analyst", "analyst-pass-1")
    return path


@pytest.fixture(scope="module")
def app_url(app_db):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    with running_app(app_db) as url:
        yield url


def _healthy(page, where: str, alert_ok: str | None = None) -> None:
    """No traceback and no st.error on the page (data failures surface as st.error, not as exceptions);
    ``alert_ok``: text of the one st.error that is content (a red city's alert)."""
    assert page.locator("[data-testid='stException']").count() == 0, f"exception on {where}"
    errors = [e.inner_text() for e in page.locator("[data-testid='stAlertContentError']").all()]
    errors = [e for e in errors if not (alert_ok and alert_ok in e)]
    assert not errors, f"error on {where}: {errors[0]}"


def _sign_in(page) -> None:
    side = page.locator("[data-testid='stSidebar']")
    side.get_by_label("用户名").fill("ana")
    side.get_by_label("密码").fill("analyst-pass-1")
    side.get_by_role("button", name="登录").click()
    wait_rendered(page, "已登录：ana")


def test_cjk_font_installed():
    assert shutil.which("fc-list"), "fontconfig missing"
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    assert "Noto Sans CJK" in fonts or "Noto Serif CJK" in fonts


def test_walk_every_page_in_both_languages(app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        for path, _, _, zh_text, _ in PAGES:
            page.goto(f"{app_url}/{path}")
            wait_rendered(page, zh_text)
            _healthy(page, path or "weather")
            page.screenshot(path=str(SHOTS / f"page_{path or 'weather'}_zh.png"))
        page.goto(f"{app_url}/")
        wait_rendered(page, "全省合计")
        page.get_by_text("English", exact=True).click()
        wait_rendered(page, "Province total")
        for path, _, en, _, en_text in PAGES[1:]:
            page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=en).first.click()
            wait_rendered(page, en_text)
            _healthy(page, path)
        page.screenshot(path=str(SHOTS / "page_accuracy_en.png"))


def test_card_click_stays_in_the_session_and_history_opens(app_url):
    """Sign in, click a weather-vane card: the city opens without a reload and the analyst is still signed in;
    then the upload history page opens and lists the batches."""
    with browser_page() as page:
        page.goto(f"{app_url}/")
        wait_rendered(page, "全省合计")
        _sign_in(page)
        card = page.locator("div.wv-card[data-region='SF10']")
        assert "东湾市" in card.inner_text()
        page.evaluate("window.__same_document = true")  # a full reload would drop this
        page.locator("[class*='st-key-wv_card_']").filter(has=card).get_by_role("link").click()
        wait_rendered(page, "形成该城市预算的账目")
        assert page.locator("h1").first.inner_text().startswith("城市详情 · 东湾市")
        assert page.evaluate("window.__same_document === true"), "the card reloaded the whole app"
        assert "region=SF10" in page.url
        assert page.get_by_text("已登录：ana").count() >= 1, "the card click signed the analyst out"
        _healthy(page, "city", alert_ok="累计排放超时序进度")
        assert page.get_by_text("累计排放超时序进度").count() >= 1
        page.screenshot(path=str(SHOTS / "city_from_card_zh.png"), full_page=True)
        page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="数据批次").click()
        wait_rendered(page, "比较两个批次")
        _healthy(page, "batches")
        page.screenshot(path=str(SHOTS / "page_batches_zh.png"))


def test_rankings_presentation_mode(app_url):
    with browser_page() as page:
        page.goto(f"{app_url}/rankings")
        wait_rendered(page, "会议大屏模式")
        page.get_by_text("会议大屏模式").click()
        page.locator("table.rk-big").wait_for(timeout=20000)
        assert page.locator("table.rk-big tr").count() == 13  # header + 12 cities
        _healthy(page, "rankings")
        page.screenshot(path=str(SHOTS / "rankings_presentation_zh.png"))
