"""The province as general contractor on a real demo warehouse with users: objections and answers, what the
cities ask against the total, assessment consequences and capacity funds, filings with their manifest and receipt.
Expected values are computed here from the stored records (independent SQL or arithmetic), not by the code tested."""
from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from plan_util import cli_json, demo_copy
from warehouse import db, users

ADMIN, REPORTER, OTHER, ANALYST = "省管理员", "甲填报", "乙填报", "丙分析"
PLAN = "SF-2026-2030"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = demo_copy(tmp_path_factory, tmp_path_factory.mktemp("prov") / "base.duckdb")
    users.add_user(path, ADMIN, "admin", "admin-pass-123")
    users.add_user(path, REPORTER, "reporter", "reporter-pass-1", region="SF03")
    users.add_user(path, OTHER, "reporter", "reporter-pass-2", region="SF05")
    users.add_user(path, ANALYST, "analyst", "analyst-pass-1")
    return path


@pytest.fixture
def wh(base, tmp_path) -> Path:
    dest = tmp_path / "wh.duckdb"
    shutil.copy(base, dest)
    return dest


def _count(path, sql, params=()) -> int:
    with db.connect(path) as con:
        return int(con.execute(sql, list(params)).fetchall()[0][0])


def test_a_reporter_objects_for_its_own_city_only_and_an_admin_answers_once(wh, capsys):
    before = _count(wh, "SELECT count(*) FROM objections")
    code, out, _ = cli_json(capsys, "--db", wh, "objections", "add", "--region", "SF03", "--about", f"plan:{PLAN}",
                            "--text", "分配偏紧", "--amount", "25000", "--user", REPORTER, "--json")
    assert code == 0 and out["region"] == "SF03" and out["about"] == f"plan:{PLAN}" and out["requested_amount"] == 25000.0
    oid = out["objection_id"]
    for argv, word in [(["--region", "SF05", "--about", f"plan:{PLAN}", "--user", REPORTER], "out_of_scope"),
                       (["--region", "SF03", "--about", "plan:NO-SUCH", "--user", REPORTER], "not_found"),
                       (["--region", "SF03", "--about", "close:1999", "--user", REPORTER], "not_found"),
                       (["--region", "SF03", "--about", "budget:1", "--user", REPORTER], "bad_about"),
                       (["--region", "SF03", "--about", f"plan:{PLAN}", "--user", "无此人"], "unknown_user")]:
        code, _, err = cli_json(capsys, "--db", wh, "objections", "add", "--text", "x", *argv)
        assert code == 1 and word in err and " / " in err  # bilingual refusal, no traceback
    assert _count(wh, "SELECT count(*) FROM objections") == before + 1
    code, _, err = cli_json(capsys, "--db", wh, "objections", "answer", oid, "--decision", "accepted", "--text", "x",
                            "--user", REPORTER)
    assert code == 1 and "role_insufficient" in err
    code, out, _ = cli_json(capsys, "--db", wh, "objections", "answer", oid, "--decision", "partly", "--text", "部分采纳",
                            "--user", ADMIN, "--json")
    assert code == 0 and out["decision"] == "partly" and out["answered_by"] == ADMIN
    code, _, err = cli_json(capsys, "--db", wh, "objections", "answer", oid, "--decision", "refused", "--text", "again",
                            "--user", ADMIN)
    assert code == 1 and "already_answered" in err
    code, listing, _ = cli_json(capsys, "--db", wh, "objections", "list", "--json")
    mine = [r for r in listing if r["objection_id"] == oid][0]
    assert mine["status"] == "partly" and mine["answer"] == "部分采纳" and mine["reporter"] == REPORTER


def test_plan_comments_are_answered_the_same_way(wh, capsys):
    from monitor import plan as mplan

    cid = mplan.comment(wh, PLAN, "SF03", REPORTER, "请考虑新园区", 21000.0, version=1)
    code, out, _ = cli_json(capsys, "--db", wh, "objections", "answer", f"comment:{cid}", "--decision", "refused",
                            "--text", "园区用能已计入", "--user", ADMIN, "--json")
    assert code == 0 and out["subject"] == f"comment:{cid}"
    code, _, err = cli_json(capsys, "--db", wh, "objections", "answer", "comment:999999", "--decision", "refused",
                            "--text", "x", "--user", ADMIN)
    assert code == 1 and "not_found" in err


def test_what_the_cities_ask_is_totalled_against_the_plan(wh):
    from monitor import objections

    objections.add(wh, region="SF03", about=f"plan:{PLAN}", text="a", user=REPORTER, amount=30000)
    objections.add(wh, region="SF05", about=f"plan:{PLAN}", text="b", user=OTHER, amount=12000)
    objections.add(wh, region="SF05", about=f"plan:{PLAN}", text="later, lower", user=OTHER, amount=11000)
    with db.connect(wh) as con:  # the latest version, as the call below reads it
        content = json.loads(con.execute("SELECT content FROM plan_versions WHERE plan_id = ? ORDER BY version DESC LIMIT 1",
                                         [PLAN]).fetchall()[0][0])
    given = {r: sum(a["amount"] for a in content["allocations"] if a["region"] == r) for r in ("SF03", "SF05")}
    got = objections.requested_against_total(wh, PLAN)
    assert got["total"] == pytest.approx(content["total"])
    assert got["requested"] == pytest.approx(30000 + 11000)  # the latest ask of each city
    assert got["allocated_to_askers"] == pytest.approx(given["SF03"] + given["SF05"])
    assert got["over"] == pytest.approx(41000 - given["SF03"] - given["SF05"])


def _latest_grades(path) -> dict[str, str]:
    with db.connect(path) as con:
        aid = con.execute("SELECT assessment_id FROM assessments WHERE period_start = 2021 AND period_end = 2025 "
                          "ORDER BY version DESC LIMIT 1").fetchall()[0][0]
        rows = con.execute("SELECT region, row->>'grade' FROM assessment_regions WHERE assessment_id = ?", [aid]).fetchall()
    return {r: g for r, g in rows if g}


def test_assessment_actions_follow_the_grade(wh, capsys):
    grades = _latest_grades(wh)
    good = next(r for r, g in grades.items() if g in ("excellent", "good") and r != "SF")
    bad = next((r for r, g in grades.items() if g == "fail"), None)
    base = ["--db", wh, "assess", "action", "--period", "2021-2025", "--user", ADMIN, "--text", "t"]
    code, _, err = cli_json(capsys, *base, "--region", good, "--kind", "accountability")
    assert code == 1 and "grade_kind" in err
    code, _, err = cli_json(capsys, *base, "--region", good, "--kind", "reward", "--measure", "special_funds")
    assert code == 1 and "amount_needed" in err
    code, _, err = cli_json(capsys, *base, "--region", good, "--kind", "reward", "--amount", "300", "--user", REPORTER)
    assert code == 1 and "role_insufficient" in err
    code, out, _ = cli_json(capsys, *base, "--region", good, "--kind", "reward", "--amount", "300", "--json")
    assert code == 0 and out["grade"] == grades[good] and out["measure"] == "special_funds" and out["amount"] == 300.0
    if bad:
        code, _, err = cli_json(capsys, *base, "--region", bad, "--kind", "reward", "--measure", "policy_tilt")
        assert code == 1 and "grade_kind" in err
    code, _, err = cli_json(capsys, *base, "--region", good, "--kind", "reward", "--period", "2031-2035")
    assert code == 1 and "no_grade" in err
    code, _, err = cli_json(capsys, *base, "--region", "SF", "--kind", "reward", "--measure", "policy_tilt")
    assert code == 1 and "no_grade" in err  # the province itself is not one of the assessed cities


def test_capacity_funds_are_recorded_and_checked(wh, capsys):
    base = ["--db", wh, "funds", "add", "--region", "SF03", "--year", "2024", "--user", ADMIN]
    for extra, word in [(["--amount", "-5", "--purpose", "monitoring"], "bad_number"),
                        (["--amount", "nan", "--purpose", "monitoring"], "bad_number"),
                        (["--amount", "5", "--purpose", "monitoring", "--region", "XX"], "unknown_region")]:
        code, _, err = cli_json(capsys, *base, *extra)
        assert code == 1 and word in err
    n = _count(wh, "SELECT count(*) FROM capacity_funds")
    code, out, _ = cli_json(capsys, *base, "--amount", "80", "--purpose", "verification", "--json")
    assert code == 0 and out["amount"] == 80.0 and _count(wh, "SELECT count(*) FROM capacity_funds") == n + 1


def _manifest_ok(folder: Path) -> list[str]:
    names = []
    for line in (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
        names.append(name)
    return names


def test_filing_a_plan_writes_a_verifiable_package_and_takes_one_receipt(wh, tmp_path, capsys):
    out_dir = tmp_path / "pkg"
    code, _, err = cli_json(capsys, "--db", wh, "filings", "submit", "plan", PLAN, "--out", out_dir, "--user", REPORTER)
    assert code == 1 and "role_insufficient" in err and not out_dir.exists()
    code, out, _ = cli_json(capsys, "--db", wh, "filings", "submit", "plan", PLAN, "--out", out_dir, "--user", ADMIN, "--json")
    assert code == 0
    names = _manifest_ok(out_dir)
    assert sorted(Path(n).suffix for n in names) == [".json", ".pdf", ".xlsx"]
    data = json.loads((out_dir / [n for n in names if n.endswith(".json")][0]).read_text(encoding="utf-8"))
    with db.connect(wh) as con:  # the latest approved version is what is filed
        content = json.loads(con.execute(
            "SELECT content FROM plan_versions WHERE plan_id = ? AND version = (SELECT max(version) FROM plan_approvals "
            "WHERE plan_id = ?)", [PLAN, PLAN]).fetchall()[0][0])
    assert data["total"] == pytest.approx(content["total"])
    assert sum(a["amount"] for a in data["allocations"]) == pytest.approx(sum(a["amount"] for a in content["allocations"]))
    from openpyxl import load_workbook

    book = load_workbook(out_dir / [n for n in names if n.endswith(".xlsx")][0])
    assert {"异议与答复", "目标来源", "签署", "本省规则"} <= set(book.sheetnames)  # the same document as the plan page's
    fid = out["filing_id"]
    code, _, _ = cli_json(capsys, "--db", wh, "filings", "receipt", fid, "--text", "环气候备〔2026〕1号", "--user", ADMIN)
    assert code == 0
    code, _, err = cli_json(capsys, "--db", wh, "filings", "receipt", fid, "--text", "again", "--user", ADMIN)
    assert code == 1 and "already_received" in err
    code, listing, _ = cli_json(capsys, "--db", wh, "filings", "list", "--json")
    mine = [r for r in listing if r["filing_id"] == fid][0]
    assert mine["receipt"] == "环气候备〔2026〕1号" and mine["submitted_by"] == ADMIN and mine["kind"] == "plan"


def test_only_approved_items_can_be_filed_and_nothing_is_left_behind(wh, tmp_path, capsys):
    from monitor import plan as mplan

    draft = mplan.draft(wh, "SF", "2031-2035", user=ADMIN)["plan"]
    n = _count(wh, "SELECT count(*) FROM filings")
    for kind, ident, word in [("plan", draft, "not_approved"), ("plan", "NOPE", "not_found"), ("close", "2030", "not_approved"),
                              ("five-year", "2026-2030", "not_approved"), ("five-year", "2021-2040", "bad_period")]:
        out_dir = tmp_path / f"{kind}-{ident}"
        code, _, err = cli_json(capsys, "--db", wh, "filings", "submit", kind, ident, "--out", out_dir, "--user", ADMIN)
        assert code == 1 and word in err, (kind, ident, err)
        assert not out_dir.exists() or not any(out_dir.iterdir())
    assert _count(wh, "SELECT count(*) FROM filings") == n


def test_filing_obligations_are_due_then_overdue(wh):
    from monitor import filings

    with db.connect(wh) as con:
        approved = con.execute("SELECT max(a.approved_at) FROM year_close_approvals a JOIN year_closes c USING (close_id) "
                               "WHERE c.year = 2021").fetchall()[0][0]
    due = approved.date() + timedelta(days=30)
    row = lambda today: filings.obligations(wh, today).set_index(["kind", "object_id"]).loc[("close", "2021")]
    assert row(due)["status"] == "due" and row(due)["due"] == due
    assert row(due + timedelta(days=1))["status"] == "overdue"


@pytest.mark.slow
def test_close_and_five_year_packages_carry_the_objections_and_the_consequences(wh, tmp_path, capsys):
    import subprocess

    from monitor import objections, province

    objections.add(wh, region="SF03", about="close:2025", text="扣减理由不充分", user=REPORTER, amount=120)
    grades = _latest_grades(wh)
    good = next(r for r, g in grades.items() if g in ("excellent", "good") and r != "SF")
    province.record_action(wh, region=good, period="2021-2025", kind="reward", measure="policy_tilt",
                           text="新增项目指标倾斜（测试）", user=ADMIN)
    for kind, ident, words in [("close", "2025", ["异议与答复", "扣减理由不充分"]),
                               ("five-year", "2021-2025", ["考核结果运用", "新增项目指标倾斜（测试）"])]:
        out_dir = tmp_path / kind
        code, _, _ = cli_json(capsys, "--db", wh, "filings", "submit", kind, ident, "--out", out_dir, "--user", ADMIN)
        assert code == 0
        pdf = next(out_dir.glob("*.pdf"))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for w in words:
            assert w in text.replace(" ", ""), (kind, w)
        _manifest_ok(out_dir)


def test_capacity_coverage_by_hand():
    import numpy as np
    import pandas as pd

    from budget import evaluation

    regions = pd.DataFrame({"is_province": [False, False, True]}, index=["A", "B", "P"])
    funds = pd.DataFrame({"region": ["A", "A", "A", "A", "B"], "year": [2021, 2021, 2022, 2019, 2024],
                          "purpose": ["monitoring", "verification", "reporting", "monitoring", "reporting"],
                          "amount": [5.0, 0.0, 3.0, 9.0, 4.0]})
    got = evaluation.capacity_coverage(funds, regions, 2021, 2022)  # 2 years × 3 purposes = 6 pairs
    assert got["A"] == pytest.approx(2 / 6) and got["B"] == 0.0 and got["P"] == pytest.approx(1 / 6)
    assert evaluation.capacity_coverage(funds.iloc[:0], regions, 2021, 2022).isna().all()
    assert "funding_capacity" not in evaluation.ENTERED


def test_funding_and_capacity_is_computed_from_the_funds(wh, capsys):
    from monitor import province

    province.add_funds(wh, region="SF03", year=2023, amount=40, purpose="reporting", user=ADMIN)
    code, out, _ = cli_json(capsys, "--db", wh, "close", "--five-year", "2021-2025", "--user", ADMIN, "--json")
    assert code == 0
    with db.connect(wh) as con:
        covered = dict(con.execute(
            "SELECT region, count(*) FROM (SELECT region, year, purpose FROM capacity_funds WHERE year BETWEEN 2021 AND 2025 "
            "GROUP BY ALL HAVING sum(amount) > 0) GROUP BY region").fetchall())
    for r in out["regions"]:
        if r["region"] == "SF":
            continue
        assert r["indicators"]["funding_capacity"]["score"] == pytest.approx(100 * covered.get(r["region"], 0) / 15, abs=0.01)
        assert r["indicators"]["funding_capacity"]["source"] == "computed"
    code, _, err = cli_json(capsys, "--db", wh, "close", "--five-year", "2021-2025", "--score", "SF03", "funding_capacity",
                            "50", "--user", ADMIN)
    assert code == 1 and "funding_capacity" not in err.split("one of")[-1]  # no longer typed in


def test_a_five_year_close_awaiting_its_sign_off_is_neither_filed_nor_due(wh, tmp_path, capsys):
    import datetime as dt

    from monitor import accounts, approvals, filings, rules as mrules

    users.add_user(wh, "省政府审定人", "approver", "approver-pass-1")
    mrules.set_rule(wh, "signoff.five_year_approve", "approver", dt.date.today(), "五年决算须省政府审定", ADMIN)
    out = accounts.approve_five_year(wh, 2021, 2025, ADMIN)
    assert out["status"] == "pending"
    code, _, err = cli_json(capsys, "--db", wh, "filings", "submit", "five-year", "2021-2025", "--out", tmp_path / "a",
                            "--user", ADMIN)
    assert code == 1 and "not_approved" in err
    assert "2021-2025" not in set(filings.obligations(wh).query("kind == 'five-year'")["object_id"])
    approvals.confirm(wh, out["approval"], "省政府审定人")
    assert "2021-2025" in set(filings.obligations(wh).query("kind == 'five-year'")["object_id"])
    code, _, _ = cli_json(capsys, "--db", wh, "filings", "submit", "five-year", "2021-2025", "--out", tmp_path / "b",
                          "--user", ADMIN)
    assert code == 0
