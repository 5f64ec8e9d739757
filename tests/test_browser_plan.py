"""Real browser: an admin drafts a plan, a city reporter comments on it, the admin approves it."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_util import CHROMIUM, browser_page, running_app, wait_idle, wait_rendered
from tests.plan_util import demo_copy
from warehouse import budget_books, db, plans, users

pytestmark = pytest.mark.browser
PW = "plan-browser-pass"


@pytest.fixture(scope="module")
def plan_app(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it")
    path = demo_copy(tmp_path_factory, tmp_path_factory.mktemp("plan_browser") / "wh.duckdb")
    users.add_user(path, "省管理员", "admin", PW)
    users.add_user(path, "钢城填报", "reporter", PW, region="SF01")
    with running_app(path) as url:
        yield url, path


def _sign_in(page, url, name):
    page.goto(f"{url}/plan")
    wait_rendered(page, "碳预算编制", timeout=60000)
    try:  # a loaded machine can take a while to draw the sidebar's form after the page's title
        page.get_by_label("用户名").wait_for(timeout=60000)
    except Exception as exc:  # noqa: BLE001 - re-raised with what the page showed instead
        raise AssertionError("no sign-in form; the sidebar shows: "
                             + page.locator("[data-testid='stSidebar']").inner_text()[:800]) from exc
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PW)
    page.get_by_role("button", name="登录").click()
    wait_rendered(page, f"已登录：{name}")


def _sign_out(page):
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for(timeout=60000)  # the sign-in form is back before the next page load
    wait_idle(page, 60000)  # and that run has ended, so the script deleting the cookie has been sent


def _pick(page, plan_id):
    """Choose a plan in the page's plan selectbox."""
    for attempt in range(4):  # a rerun still in flight can close the dropdown: open it again
        wait_rendered(page, "方案")
        page.wait_for_timeout(500)
        page.locator("[data-testid='stSelectbox']").filter(has_text="方案").first.click()
        try:
            page.get_by_role("option", name=plan_id, exact=True).click(timeout=5000)
            break
        except Exception:  # noqa: BLE001 - retried
            if attempt == 3:
                raise
    wait_rendered(page, "尚未批准")  # the draft is shown


def test_draft_comment_approve_in_the_browser(plan_app):
    url, path = plan_app
    with db.connect(path) as con:
        before = len(budget_books.entries(con))
    with browser_page() as page:
        _sign_in(page, url, "省管理员")
        page.get_by_text("编制新方案").click()
        wait_rendered(page, "分配方法比较", timeout=60000)
        page.get_by_role("button", name="保存草案").click()
        wait_rendered(page, "已保存", timeout=120000)
        _sign_out(page)
        _sign_in(page, url, "钢城填报")
        _pick(page, "SF-2026-2030-2")
        wait_rendered(page, "对草案提出意见", timeout=60000)
        page.get_by_label("意见", exact=True).fill("钢城新增产能，请增加预算")
        page.get_by_role("button", name="提交意见").click()
        wait_rendered(page, "意见已记录", timeout=120000)
        _sign_out(page)
        _sign_in(page, url, "省管理员")
        _pick(page, "SF-2026-2030-2")
        wait_rendered(page, "批准第 1 版", timeout=60000)
        page.get_by_role("button", name="批准第 1 版并写入预算账本").click()
        wait_rendered(page, "已批准方案 SF-2026-2030-2 第 1 版", timeout=120000)
    with db.connect(path) as con:
        listing = plans.plans(con)
        assert len(budget_books.entries(con)) > before
        assert len(plans.comments(con, listing["plan_id"].iloc[0])) == 1
    assert len(listing) == 2 and listing["approved"].notna().all()  # the demo's plan and the new one
    assert int(listing.set_index("plan_id").loc["SF-2026-2030-2", "approved"]) == 1  # the version approved here
