"""Plans in a real warehouse: the CLI contract, immutable versions, comments scoped to the city,
approval only by an admin (checked in the transaction that writes), books that balance, status after
approval, refusals that change nothing, and the plan document."""
from __future__ import annotations

import subprocess

import pytest

import budget
from monitor import plan as mplan
from tests.plan_util import cli_json, demo_copy, tiny_warehouse
from warehouse import budget_books, db, plans, users
from tests.tool_util import require_tool

PW = "plan-password-1"


@pytest.fixture
def tiny(tmp_path):
    return tiny_warehouse(tmp_path)


def _counts(path):
    with db.connect(path) as con:
        return (len(budget_books.entries(con)), len(plans.plans(con)),
                con.execute("SELECT count(*) FROM plan_versions").fetchall()[0][0],
                con.execute("SELECT count(*) FROM plan_approvals").fetchall()[0][0])


def test_draft_contract_and_sums(tiny, capsys):
    code, out, err = cli_json(capsys, "--db", tiny, "plan", "draft", "--parent", "P", "--years", "2026-2030",
                              "--scenario", "policy", "--method", "history", "--reserve", "0.03", "--json")
    assert code == 0, err
    assert {"plan", "version", "total", "years", "reserve", "allocations"} <= set(out)
    assert out["version"] == 1 and list(out["years"]) == ["2026", "2027", "2028", "2029", "2030"]
    assert sum(out["years"].values()) == pytest.approx(out["total"], abs=0.01)
    for y, target in out["years"].items():
        members = sum(a["amount"] for a in out["allocations"] if str(a["year"]) == y)
        assert members + out["reserve"][y] == pytest.approx(target, abs=0.01)
        assert out["reserve"][y] == pytest.approx(0.03 * target, abs=0.01)
    assert {a["region"] for a in out["allocations"]} == {"A", "B"}
    code, out2, _ = cli_json(capsys, "--db", tiny, "plan", "draft", "--parent", "P", "--years", "2026-2030",
                             "--scenario", "baseline", "--method", "history", "--total", "1000", "--json")
    assert code == 0 and out2["total"] == 1000.0 and out2["plan"] != out["plan"]


@pytest.mark.parametrize("args, code_word", [
    (["--method", "per_capita"], "population"),           # the tiny warehouse has no population
    (["--method", "gdp"], "gdp"),
    (["--reserve", "0.08"], "5%"),
])
def test_refusals_are_clear_and_change_nothing(tiny, capsys, args, code_word):
    before = _counts(tiny)
    code, out, err = cli_json(capsys, "--db", tiny, "plan", "draft", "--parent", "P", "--years", "2026-2030", *args, "--json")
    assert code == 1 and out is None
    assert code_word in err and "refused" in err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err)  # the Chinese message too
    assert _counts(tiny) == before


def test_versions_are_immutable_and_comparable(tiny):
    d = mplan.draft(tiny, "P", "2026-2030", method="history", reserve_share=0.03)
    with db.connect(tiny) as con:
        v1 = plans.version(con, d["plan"], 1)
    r = mplan.revise(tiny, d["plan"], user=None, note="more reserve", reserve_share=0.05)
    assert r["version"] == 2 and {"field": "reserve_share", "old": 0.03, "new": 0.05} in r["changes"]
    with db.connect(tiny) as con:
        again = plans.version(con, d["plan"], 1)
        listing = plans.versions(con, d["plan"])
    assert again["content"] == v1["content"] and again["created_at"] == v1["created_at"]
    assert list(listing["version"]) == [1, 2]
    cmp = budget.plan_versions.compare(v1["content"], mplan.load(tiny, d["plan"], 2)["content"])
    assert (cmp["delta"] < 0).all()  # a larger reserve leaves less for every city
    with db.transaction(tiny) as con:  # a tampered version no longer reads
        con.execute("UPDATE plan_versions SET content = replace(content, '\"total\"', '\"total \"') WHERE version = 1")
    with db.connect(tiny) as con:
        with pytest.raises(ValueError, match="checksum"):
            plans.version(con, d["plan"], 1)


def test_only_an_admin_approves_and_books_balance(tiny, capsys):
    users.add_user(tiny, "省管理员", "admin", PW)
    users.add_user(tiny, "分析员", "analyst", PW)
    users.add_user(tiny, "甲市填报", "reporter", PW, region="A")
    d = mplan.draft(tiny, "P", "2026-2030", method="history", user="省管理员")
    with pytest.raises(users.PermissionDenied):
        mplan.draft(tiny, "P", "2026-2030", method="history", user="分析员")
    mplan.comment(tiny, d["plan"], "A", "甲市填报", "我市新增产能，请增加预算", requested_amount=700.0)
    with pytest.raises(users.PermissionDenied):
        mplan.comment(tiny, d["plan"], "B", "甲市填报", "not my city")
    with db.connect(tiny) as con:
        c = plans.comments(con, d["plan"])
    assert list(c["region"]) == ["A"] and c["requested_amount"].iloc[0] == 700.0
    before = _counts(tiny)
    for who in ("分析员", "甲市填报", "nobody", None):
        code, _, err = cli_json(capsys, "--db", tiny, "plan", "approve", d["plan"], "--user", who or "")
        assert code == 1 and "refused" in err
    assert _counts(tiny) == before
    code, out, err = cli_json(capsys, "--db", tiny, "plan", "approve", d["plan"], "--user", "省管理员", "--json")
    assert code == 0, err
    with db.connect(tiny) as con:
        ledger = budget_books.entries(con)
    bal = budget.apply(budget.entries_from_frame(ledger))
    assert budget.check_balanced(bal) and out["ledger_entries"] == len(ledger) > 0
    assert set(ledger["user"]) == {"省管理员"}
    assert bal.totals.set_index("year")["province_total"].round(2).to_dict() == pytest.approx(
        {int(y): v for y, v in d["years"].items()}, abs=0.01)
    # a revision approved later moves the books by adjustments; they still balance
    mplan.revise(tiny, d["plan"], user="省管理员", note="采纳甲市意见", reserve_share=0.01)
    mplan.approve(tiny, d["plan"], None, "省管理员")
    with db.connect(tiny) as con:
        bal2 = budget.apply(budget.entries_from_frame(budget_books.entries(con)))
    assert budget.check_balanced(bal2)
    assert bal2.totals["reserve"].sum() == pytest.approx(0.01 * sum(d["years"].values()), abs=0.1)
    code, _, err = cli_json(capsys, "--db", tiny, "plan", "approve", d["plan"], "--user", "省管理员")
    assert code == 1 and "already" in err


def test_status_after_approval_reports_every_member(tiny, capsys):
    d = mplan.draft(tiny, "P", "2025-2029", method="history", total=900.0)
    mplan.approve(tiny, d["plan"], 1, None)
    code, out, err = cli_json(capsys, "--db", tiny, "status", "--year", "2025", "--json")
    assert code == 0, err
    budgets = {r["region"]: r["budget"] for r in out["regions"]}
    assert {"A", "B"} <= set(budgets)
    assert budgets["A"] + budgets["B"] == pytest.approx(d["years"]["2025"] * (1 - 0.03), abs=0.02)


def test_demo_plan_is_recorded_approved_without_new_ledger_entries(tmp_path_factory, tmp_path, capsys):
    path = demo_copy(tmp_path_factory, tmp_path / "demo.duckdb")
    with db.connect(path) as con:
        listing = plans.plans(con)
        v = plans.version(con, "SF-2026-2030", 1)
        ledger = budget_books.entries(con)
    # the demo revises its plan after the 2025 close (version 2, approved): version 1 is in the books as the
    # demo wrote it, and version 2's layer adds exactly the difference
    assert listing.set_index("plan_id").loc["SF-2026-2030", "approved"] == 2
    mine = ledger[ledger["entry_id"].str.startswith("plan-") & ledger["year"].between(2026, 2030)]
    bal = budget.apply(budget.entries_from_frame(mine))
    books = bal.regions.set_index(["region", "year"])["budget"]
    for a in v["content"]["allocations"]:
        assert books[(a["region"], a["year"])] == pytest.approx(a["amount"], abs=0.005)
    with db.connect(path) as con:
        v2 = plans.version(con, "SF-2026-2030", 2)
    layer = ledger[(ledger["entry_id"].str.startswith("plan-") | ledger["entry_id"].str.startswith("SF-2026-2030-v2-"))
                   & ledger["year"].between(2026, 2030)]
    books2 = budget.apply(budget.entries_from_frame(layer)).regions.set_index(["region", "year"])["budget"]
    for a in v2["content"]["allocations"]:
        assert books2[(a["region"], a["year"])] == pytest.approx(a["amount"], abs=0.02)
    v = v2
    pdf_path, xlsx_path = tmp_path / "plan.pdf", tmp_path / "plan.xlsx"
    code, _, err = cli_json(capsys, "--db", path, "plan", "export", "SF-2026-2030", "--pdf", pdf_path, "--xlsx", xlsx_path)
    assert code == 0, err
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    for heading in ("五年总量与年度目标", "情景预测与强度约束", "纵向分配方案", "公平性指标", "预留储备与单列指标",
                    "责任分工与时间安排", "示范省碳排放预算方案"):
        assert heading in text.replace(" ", ""), heading
    import re

    numbers = re.findall(r"^\s*([一二三四五六七八九十])、", text, flags=re.M)  # sections numbered without a gap
    assert numbers == list("一二三四五六七八九十")[:len(numbers)] and len(numbers) >= 6, numbers
    assert f"{v['content']['total']:,.2f}" in text
    import openpyxl

    wb = openpyxl.load_workbook(xlsx_path, read_only=True)
    assert {"总量与年度目标", "情景比较", "纵向分配", "公平性", "预留储备", "单列指标", "版本"} <= set(wb.sheetnames)


def test_population_uploaded_like_any_indicator_enables_per_capita(tiny):
    from warehouse import ingest

    csv = "region,period,indicator,value,unit\nA,2025,population,100,万人\nB,2025,population,3000000,人\n"
    result = ingest.ingest_bytes(tiny, csv.encode("utf-8"), "pop.csv")
    assert result.status == "loaded", result.as_json()
    d = mplan.draft(tiny, "P", "2026-2030", method="per_capita", reserve_share=0.0)
    a = {r["region"]: r["amount"] for r in d["allocations"] if r["year"] == 2026}
    assert a["A"] / (a["A"] + a["B"]) == pytest.approx(0.25, abs=1e-4)  # 100 : 300 万人
