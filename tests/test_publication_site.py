"""`publish` on a demo warehouse: only approved, publishable records leave; nothing internal does (a pending item,
a draft, a user name, a password hash, an objection); a changed record is published as a correction naming the
notice it corrects; and the site works in a real browser from a local server (keyboard, phone width, text size)."""
from __future__ import annotations

import functools
import html
import http.server
import json
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from plan_util import cli_json, demo_copy
from warehouse import db, users

ADMIN, REPORTER, SECRET_USER = "省管理员", "甲填报", "机密用户甲"
DRAFT_YEARS = "2031-2035"
PENDING = "待审事项机密XYZ"
OBJECTION = "内部异议文本机密XYZ"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    from demo_province import province_demo
    from monitor import objections
    from monitor import plan as mplan
    from warehouse import approvals, province

    path = demo_copy(tmp_path_factory, tmp_path_factory.mktemp("pub") / "pub.duckdb")
    with db.connect(path) as con:
        demo_done = len(province.notices(con)) > 0
    if not demo_done:  # the demo build wires it in; an older copy gets it here
        province_demo.build_province(path)
    users.add_user(path, ADMIN, "admin", "admin-pass-123")
    users.add_user(path, REPORTER, "reporter", "reporter-pass-1", region="SF03")
    users.add_user(path, SECRET_USER, "analyst", "a-very-secret-password")
    draft = mplan.draft(path, "SF", DRAFT_YEARS, user=ADMIN)["plan"]
    objections.add(path, region="SF03", about="plan:SF-2026-2030", text=OBJECTION, user=REPORTER, amount=1)
    with db.transaction(path) as con:
        approvals.request(con, "budget_total_change", {"amount": 1}, PENDING, ADMIN, "approver")
        hashed = con.execute("SELECT password_hash FROM users WHERE name = ?", [SECRET_USER]).fetchall()[0][0]
    site = path.parent / "site"
    from cli.main import main

    assert main(["--db", str(path), "publish", "--out", str(site), "--user", ADMIN]) == 0
    return {"path": path, "site": site, "draft": draft, "hash": hashed}


def _all_text(site: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8-sig") for p in site.rglob("*") if p.is_file())


def test_nothing_internal_leaves(published):
    text = _all_text(published["site"])
    with db.connect(published["path"]) as con:
        names = [r[0] for r in con.execute("SELECT name FROM users").fetchall()]
        actors = {r[0] for r in con.execute('SELECT DISTINCT "user" FROM budget_ledger UNION SELECT reporter FROM objections '
                                            "UNION SELECT answered_by FROM answers UNION SELECT decided_by FROM assessment_actions "
                                            "UNION SELECT submitted_by FROM filings").fetchall()}
    for secret in [*names, *(a for a in actors if a and a != "system"), published["hash"], "$argon2", PENDING, OBJECTION,
                   published["draft"], DRAFT_YEARS.replace("-", "–")]:
        assert secret not in text, secret
    assert "<script" not in text.lower()


def test_what_the_rules_say_is_published_is_there(published):
    site = published["site"]
    zh = {p.name: p.read_text(encoding="utf-8") for p in (site / "notices").glob("*.html")}
    joined = "\n".join(zh.values())
    with db.connect(published["path"]) as con:
        cities = [r[0] for r in con.execute("SELECT name_zh FROM regions WHERE level = 'city'").fetchall()]
        listed = json.loads(con.execute("SELECT content FROM registry_approvals ORDER BY approval_id DESC LIMIT 1").fetchall()[0][0])
        actions = [html.escape(r[0].split(" / ")[0]) for r in con.execute("SELECT text FROM assessment_actions").fetchall()]
    assert all(c in joined for c in cities)  # allocations, closes, assessment name every city
    assert all(u["code"] in joined for u in listed)  # the approved key-emitter list, every unit
    assert "2025年度碳排放预算决算及2026年预算调节结果" in joined
    assert "2021–2025年碳排放预算考核结果及其运用" in joined and all(a in joined for a in actions)
    assert "单列指标与预支批准结果" in joined and "预支" in joined
    assert "发布机关：示范省生态环境厅" in joined


def test_a_changed_record_is_published_as_a_correction(published, tmp_path, capsys):
    from monitor import province

    path = tmp_path / "c.duckdb"
    shutil.copy(published["path"], path)
    _, before, _ = cli_json(capsys, "--db", path, "notices", "list", "--json")
    code, out, _ = cli_json(capsys, "--db", path, "publish", "--out", tmp_path / "s1", "--user", ADMIN, "--json")
    assert code == 0 and out["new"] == [] and out["corrections"] == []  # nothing changed: nothing new
    grades = {r["region"]: r for r in province.actions(path).to_dict("records")}
    region = next(iter(grades))
    province.record_action(path, region=region, period="2021-2025", kind=grades[region]["kind"],
                           measure=grades[region]["measure"], text="追加措施（更正测试）", amount=grades[region]["amount"], user=ADMIN)
    code, out, _ = cli_json(capsys, "--db", path, "publish", "--out", tmp_path / "s2", "--user", ADMIN, "--json")
    assert code == 0 and out["new"] == [] and len(out["corrections"]) == 1
    _, after, _ = cli_json(capsys, "--db", path, "notices", "list", "--json")
    new = [n for n in after if n["number"] == out["corrections"][0]][0]
    old = [n for n in before if n["subject"] == "assessment:2021-2025"][-1]
    assert new["corrects"] == old["number"] and new["title_zh"].startswith("更正：")
    page = (tmp_path / "s2" / "notices" / f"{old['number']}.html").read_text(encoding="utf-8")
    assert "更正" in page and f"{new['number']}.html" in page
    code, _, err = cli_json(capsys, "--db", path, "publish", "--out", tmp_path / "s3", "--user", REPORTER)
    assert code == 1 and "role_insufficient" in err


@contextmanager
def _serve(folder: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_the_site_in_a_real_browser(published):
    from playwright.sync_api import sync_playwright

    with _serve(published["site"]) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(url + "index.html")
            assert page.locator("html").get_attribute("lang") == "zh-CN"
            assert page.locator("h1").count() == 1
            page.keyboard.press("Tab")  # the skip link comes first
            assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
            link = page.get_by_role("link", name="2021–2025年碳排放预算考核结果及其运用").first
            link.focus()
            page.keyboard.press("Enter")
            page.wait_for_url("**/notices/*.html")
            assert page.get_by_role("table").first.is_visible()
            assert page.get_by_text("考核结果运用（奖优罚劣）").first.is_visible()
            page.get_by_role("link", name="English").click()
            page.wait_for_url("**/en/notices/*.html")
            assert page.locator("html").get_attribute("lang") == "en" and page.get_by_text("Consequences").first.is_visible()
            phone = browser.new_page(viewport={"width": 360, "height": 740})
            for rel in ["index.html"] + [f"notices/{p.name}" for p in sorted((published["site"] / "notices").glob("*.html"))]:
                phone.goto(url + rel)
                for scale in ("100%", "200%"):  # the reader's own text size
                    phone.evaluate(f"document.documentElement.style.fontSize = '{scale}'")
                    width = phone.evaluate("document.documentElement.scrollWidth")
                    assert width <= 360, (rel, scale, width)  # no sideways scrolling of the page; tables scroll in their box
        finally:
            browser.close()


def test_a_pending_list_is_not_published_until_the_approver_confirms(published, tmp_path, capsys):
    import datetime as dt

    from monitor import approvals, rules as mrules

    path = tmp_path / "s.duckdb"
    shutil.copy(published["path"], path)
    users.add_user(path, "省政府审定人", "approver", "approver-pass-1")
    mrules.set_rule(path, "signoff.registry_approve", "approver", dt.date.today(), "名录须省政府审定", ADMIN)
    with db.transaction(path) as con:  # the list changes: a new unit added locally (增列)
        con.execute("INSERT INTO key_emitters (code, name_zh, name_en, region, sector, batch_id, recorded_at) "
                    "VALUES ('LOCAL-ADD-1', '增列单位（测试）', 'Local addition (test)', 'SF03', 'cement', NULL, now())")
    code, out, _ = cli_json(capsys, "--db", path, "registry", "approve", "--user", ADMIN, "--json")
    assert code == 0 and out["status"] == "pending"
    code, pub, _ = cli_json(capsys, "--db", path, "publish", "--out", tmp_path / "site1", "--user", ADMIN, "--json")
    assert code == 0 and pub["new"] == [] and pub["corrections"] == []
    assert "LOCAL-ADD-1" not in _all_text(tmp_path / "site1")  # pending: not published
    with pytest.raises(approvals.ApprovalError):
        approvals.confirm(path, out["id"], ADMIN)  # the requester cannot sign twice
    approvals.confirm(path, out["id"], "省政府审定人")
    code, pub, _ = cli_json(capsys, "--db", path, "publish", "--out", tmp_path / "site2", "--user", ADMIN, "--json")
    assert code == 0 and len(pub["corrections"]) == 1
    page = (tmp_path / "site2" / "notices" / f"{pub['corrections'][0]}.html").read_text(encoding="utf-8")
    assert "LOCAL-ADD-1" in page and "审定机关：示范省人民政府" in page and "省政府审定人" not in page


def test_the_allowance_year_is_published(published):
    from datetime import date

    from monitor.allowance_publication import allowance_records
    from monitor.publication_records import collect

    site = published["site"]
    joined = "\n".join(p.read_text(encoding="utf-8") for p in (site / "notices").glob("*.html"))
    en = "\n".join(p.read_text(encoding="utf-8") for p in (site / "en" / "notices").glob("*.html"))
    with db.connect(published["path"]) as con:
        units = [r[0] for r in con.execute("SELECT DISTINCT code FROM allowance_ledger WHERE year = 2025").fetchall()]
        issued = con.execute("SELECT sum(amount) FROM allowance_ledger WHERE year = 2025 AND kind IN "
                             "('preallocation', 'trueup', 'adjustment')").fetchall()[0][0]
        price = con.execute("SELECT price FROM allowance_reserve WHERE kind = 'buyback'").fetchall()[0][0]
    assert units and "2025年度碳排放配额分配结果" in joined and "Allowance allocation for 2025" in en
    assert all(u in joined for u in units)
    assert f"{issued:,.0f}" in joined                                  # the year's issued total, from the ledger
    assert f"{price:,.2f}" in joined and "省级配额回购" in joined       # the province's buy-back, with its price
    assert "纳入碳排放权交易的重点排放单位" in joined and "地方市场" in joined and "Local market" not in joined
    # compliance only once the surrender deadline has passed
    _, b = collect(published["path"])
    kinds = lambda on: {r["subject"] for r in allowance_records(published["path"], {}, b, on)}  # noqa: E731
    assert "allowances:2025:compliance" not in kinds(date(2025, 6, 1))
    late = [r for r in allowance_records(published["path"], {}, b, date(2030, 1, 1)) if r["subject"] == "allowances:2025:compliance"]
    assert late and {row["code"] for row in late[0]["content"]["tables"][0]["rows"]} == set(units)
