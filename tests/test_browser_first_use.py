"""Real browser, first use (issue 22): a newcomer signs in as each demo role from what the sign-in page shows;
sign-in and language survive a reload and a new tab; the admin closes a year and approves it (through the
approver's sign-off when the province's rules ask for one) and every page shows the new state, in both
languages; no page shows Streamlit internals or English widget words in Chinese; the meeting-room screen at
1920×1080 shows the map with every region labelled."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from demo_province.users_demo import DEMO_USERS, create_demo_users
from tests.browser_util import CHROMIUM, CHROMIUM_ARGS, running_app, wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path(__file__).resolve().parent.parent / "benchmarks" / "out"
INTERNALS = re.compile(r"DeltaGenerator|docstring|Traceback|<NA>|\bNaT\b|\bnan\b|\bNone\b")
ENGLISH_WIDGET_WORDS = ("Choose options", "Choose an option", "Select all", "Browse files", "Drag and drop", "Upload")
ROLE_WORDS = {"admin": "管理员", "approver": "省政府审定", "analyst": "分析人员", "reporter": "市级填报人", "viewer": "查看者"}


@pytest.fixture(scope="module")
def app(demo_db, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    path = tmp_path_factory.mktemp("first_use") / "demo.duckdb"
    shutil.copy(demo_db, path)
    create_demo_users(path)
    from tests.test_first_use_pages import revise_2025

    revise_2025(path)  # the demo analyst uploads revised 2025 statistics: the admin will close 2025 again
    with running_app(path) as url:
        yield url


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _done(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)


def _clean(page, where: str, lang: str = "zh") -> None:
    """No exception, no internals, no English widget words in Chinese on what the page shows."""
    assert page.locator("[data-testid='stException']").count() == 0, f"exception on {where}"
    body = page.locator("[data-testid='stMain']").inner_text()
    assert not INTERNALS.search(body), f"{where}: internals on screen: {INTERNALS.search(body).group(0)!r}"
    if lang == "zh":
        found = [w for w in ENGLISH_WIDGET_WORDS if w in page.locator("body").inner_text()]
        assert not found, f"{where}: English widget words in the Chinese UI: {found}"


def _demo_table(page) -> dict[str, str]:
    """name -> password, read from the sign-in page's table as a newcomer would."""
    rows = page.locator("[data-testid='stSidebar'] [data-testid='stTable'] tbody tr")
    rows.first.wait_for(timeout=30000)
    out = {}
    for i in range(rows.count()):
        cells = [c.strip() for c in rows.nth(i).locator("th, td").all_inner_texts()]
        out[cells[-2]] = cells[-1]
    return out


def _sign_in(page, name: str, password: str) -> None:
    side = page.locator("[data-testid='stSidebar']")
    side.get_by_label("用户名").fill(name)
    side.get_by_label("密码", exact=True).fill(password)
    side.get_by_role("button", name="登录", exact=True).click()
    side.get_by_text(f"已登录：{name}").first.wait_for(timeout=60000)
    _done(page)


def _sign_out(page) -> None:
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="退出登录").click()
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="登录", exact=True).wait_for(timeout=60000)
    _done(page)


def test_newcomer_signs_in_as_each_role_and_stays_signed_in(app, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.goto(app + "/")
    wait_rendered(page, "碳预算晴雨表")
    accounts = _demo_table(page)
    assert set(accounts) == {n for n, *_ in DEMO_USERS}
    roles = {n: r for n, r, _, _ in DEMO_USERS}
    _clean(page, "weather (signed out)")
    for name, password in accounts.items():
        _sign_in(page, name, password)
        assert page.locator("[data-testid='stSidebar']").get_by_text(ROLE_WORDS[roles[name]]).count() >= 1
        _sign_out(page)
    _sign_in(page, "王分析", accounts["王分析"])
    page.get_by_text("English", exact=True).click()
    wait_rendered(page, "Budget weather vane")
    page.reload()  # a reload keeps the sign-in and the language
    wait_rendered(page, "Budget weather vane")
    page.locator("[data-testid='stSidebar']").get_by_text("Signed in: 王分析").first.wait_for(timeout=60000)
    assert "lang=en" in page.url
    other = context.new_page()  # a new tab, without ?lang=: the cookies remember both
    other.goto(app + "/rankings")
    wait_rendered(other, "Rankings")
    other.locator("[data-testid='stSidebar']").get_by_text("Signed in: 王分析").first.wait_for(timeout=60000)
    context.close()


def test_admin_closes_and_approves_and_every_page_shows_it(app, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.goto(app + "/")
    wait_rendered(page, "碳预算晴雨表")
    accounts = _demo_table(page)
    _sign_in(page, "张管理", accounts["张管理"])
    page.goto(app + "/annual_accounts")
    wait_rendered(page, "原因分析")
    _clean(page, "annual_accounts")
    page.get_by_role("button", name="重新决算（生成新版本）").click()
    page.get_by_text(re.compile(r"已完成 2025 年决算，生成第 \d+ 版")).first.wait_for(timeout=120000)
    _done(page)
    assert page.get_by_text("尚未批准").count() >= 1
    page.get_by_role("button", name=re.compile("批准调节建议")).click()
    page.get_by_text(re.compile("已批准 2025 年决算|已提交审定")).first.wait_for(timeout=120000)
    _done(page)
    if page.get_by_text("已提交审定").count():  # the provincial approver signs it off
        _sign_out(page)
        _sign_in(page, "赵审定", accounts["赵审定"])
        page.goto(app + "/approvals")
        wait_rendered(page, "审定")
        _clean(page, "approvals")
        waiting = page.get_by_role("button", name="确认", exact=True).count()
        mine = page.locator("[data-testid='stVerticalBlockBorderWrapper'], [data-testid='stVerticalBlock']").filter(
            has_text="2025 年度决算").filter(has=page.get_by_role("button", name="确认", exact=True)).last
        mine.get_by_role("button", name="确认", exact=True).click()
        page.get_by_text(re.compile("已确认第 \\d+ 号")).first.wait_for(timeout=120000)
        _done(page)
        page.screenshot(path=str(SHOTS / "first_use_approvals_zh.png"), full_page=True)
        still = page.locator("[data-testid='stVerticalBlockBorderWrapper']").filter(has_text="2025 年度决算").filter(
            has=page.get_by_role("button", name="确认", exact=True))
        assert still.count() == 0, f"still waiting after the confirmation ({waiting} before)"  # the queue shows the new state
        page.goto(app + "/annual_accounts")
        wait_rendered(page, "原因分析")
    assert page.get_by_text("尚未批准").count() == 0
    assert page.get_by_text(re.compile("已批准：")).count() >= 1
    page.screenshot(path=str(SHOTS / "first_use_annual_approved_zh.png"), full_page=True)
    page.get_by_text("English", exact=True).click()
    wait_rendered(page, "Dynamic adjustment")
    assert page.get_by_text("Not approved yet").count() == 0 and page.get_by_text(re.compile("Approved by")).count() >= 1
    _clean(page, "annual_accounts en", "en")
    context.close()


def test_meeting_room_screen_at_1920x1080(app, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang, word in (("zh", "地图"), ("en", "Map")):
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{app}/screen?lang={lang}")
        svg = page.locator("svg.rm-map").first
        svg.wait_for(timeout=120000)
        _done(page)
        assert word in svg.get_attribute("aria-label")
        regions = page.locator("svg.rm-map .rm-region")
        assert regions.count() == 12
        for i in range(regions.count()):
            label = regions.nth(i).get_attribute("aria-label")
            assert label and "%" in label, label
        box = svg.bounding_box()
        assert box["y"] + box["height"] * 0.5 < 1080  # the map is on the first screen, not below the fold
        _clean(page, f"screen {lang}", lang)
        page.screenshot(path=str(SHOTS / f"screen_demo_{lang}.png"))
        page.close()


def test_the_whole_city_card_is_a_link(app, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app + "/")
    card = page.locator("[class*='st-key-wv_card_0'] .wv-card").first  # the card as drawn, border to border
    card.wait_for(timeout=120000)
    _done(page)
    link_box = page.locator("[class*='st-key-wv_card_0'] a").first
    for _ in range(20):  # the layout settles (fonts, the grid's columns) before it is measured
        box, link = card.bounding_box(), link_box.bounding_box()
        if abs(box["y"] - link["y"]) <= 2 and abs(box["height"] - link["height"]) <= 2:
            break
        page.wait_for_timeout(250)
    # the link covers the drawn card on every side (within 2 px): no strip of the card that does not navigate
    assert link["x"] <= box["x"] + 2 and link["y"] <= box["y"] + 2, (link, box)
    assert link["x"] + link["width"] >= box["x"] + box["width"] - 2, (link, box)
    assert link["y"] + link["height"] >= box["y"] + box["height"] - 2, (link, box)
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] - 4)  # the bottom edge, far from the name
    page.wait_for_url(re.compile(r"/city\?region=SF\d\d"), timeout=60000)
    page.close()
