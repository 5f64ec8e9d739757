"""Real browser: start the app the way the README does (`make run`), walk every page in Debian's
Chromium, switch language and take screenshots (Chinese must render: CJK font installed)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser_util import CHROMIUM, browser_page, running_app, wait_rendered

pytestmark = pytest.mark.browser

PAGES_ZH = [("overview", "数据总览"), ("accuracy", "模型与精度")]
SHOTS = Path(__file__).resolve().parent.parent / "benchmarks" / "out"


@pytest.fixture(scope="module")
def app_url(demo_db):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    with running_app(demo_db) as url:
        yield url


def test_cjk_font_installed():
    assert shutil.which("fc-list"), "fontconfig missing"
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    assert "Noto Sans CJK" in fonts or "Noto Serif CJK" in fonts


def test_walk_every_page_and_switch_language(app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        for path, title in PAGES_ZH:
            page.goto(f"{app_url}/{path}")
            wait_rendered(page, title)
            assert page.locator("[data-testid='stException']").count() == 0, f"exception on {path}"
            page.screenshot(path=str(SHOTS / f"page_{path}_zh.png"), full_page=False)
        page.goto(f"{app_url}/overview")
        wait_rendered(page, "数据总览")
        page.get_by_text("English", exact=True).click()
        wait_rendered(page, "Data overview")
        assert page.get_by_text("City explorer").count() >= 1
        page.screenshot(path=str(SHOTS / "page_overview_en.png"))
        assert (SHOTS / "page_overview_zh.png").stat().st_size > 10_000
