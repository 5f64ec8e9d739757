"""Final accounts on a real DuckDB warehouse (the demo): stored closes, approval, re-close, five-year close, CLI, PDF."""
from __future__ import annotations

import json
import shutil
import subprocess

import pandas as pd
import pytest

import budget
from cli.main import main
from monitor import accounts, close_moves
from reports import accounts_doc
from warehouse import budget_books, closes, db, store, users
from tests.tool_util import require_tool


@pytest.fixture
def wh(demo_db, tmp_path):
    path = tmp_path / "wh.duckdb"
    shutil.copy(demo_db, path)
    return path


def _ledger(path) -> pd.DataFrame:
    with db.connect(path) as con:
        return budget_books.entries(con)


def _balances(path):
    return budget.apply(budget.entries_from_frame(_ledger(path)))


def test_demo_has_its_14th_period_closed_and_assessed(demo_db):
    with db.connect(demo_db) as con:
        v = closes.close_versions(con)
        assert sorted(v["year"]) == [2021, 2022, 2023, 2024, 2025]
        assert v["approved_by"].notna().all() and not v["provisional"].any()
        assert closes.closed_years(con) == {2021, 2022, 2023, 2024, 2025}
        applied = closes.applied_adjustments(con, 2025)
        a = closes.assessment_versions(con)
        rows = closes.assessment_rows(con, int(a.iloc[0]["assessment_id"]))
    bal = _balances(demo_db)
    assert budget.check_balanced(bal) and sorted(bal.totals["year"]) == list(range(2021, 2031))
    # the 2025 close's adjustments are in 2026: deductions and carry-overs, the province total kept
    assert any(x < 0 for x in applied.values()) and any(x > 0 for x in applied.values())
    led = _ledger(demo_db)
    adj = led[led["entry_id"].str.startswith("close-2025-")]
    assert len(adj) and set(adj["year"]) == {2026} and set(adj["type"]) <= {"transfer", "reserve_release"}
    plan = led[led["entry_id"].str.startswith("plan-2026-")]
    assert bal.totals.set_index("year").loc[2026, "province_total"] == pytest.approx(
        plan.loc[plan["type"] != "transfer", "amount"].sum())
    cities = rows[~rows["is_province"].astype(bool)]
    assert cities["grade"].notna().all() and sorted(cities["rank"].astype(int)) == list(range(1, len(cities) + 1))
    assert len(set(cities["grade"])) >= 2


def test_close_cli_json_contract_and_provisional_year(wh, capsys):
    assert main(["--db", str(wh), "close", "--year", "2026", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["year"] == 2026 and out["provisional"] is True and "2026-10" in out["months_estimated"]
    r = out["regions"][0]
    keys = {"region", "budget", "accounted", "execution_rate", "conclusion", "lmdi", "change_vs_last_year",
            "proposed_next_budget", "adjustment_reason"}
    assert keys <= set(r) and set(r["lmdi"]) == {"activity", "structure", "energy_intensity", "carbon_intensity"}
    with db.connect(wh) as con:
        v = closes.close_versions(con, 2026)
    assert len(v) == 1 and bool(v.iloc[0]["provisional"])
    # a final (statistics-only) year: the factors sum to the change
    assert main(["--db", str(wh), "close", "--year", "2025", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["provisional"] is False
    for r in out["regions"]:
        assert sum(r["lmdi"].values()) == pytest.approx(r["change_vs_last_year"], abs=1e-3)
        # the conclusion by the rule written out (±3% of the budget is balance, edges included), not "one of three"
        dev = round(r["accounted"] / r["budget"] - 1, 10)
        assert r["conclusion"] == ("overspend" if dev > 0.03 else "surplus" if dev < -0.03 else "balance"), r["region"]
    assert main(["--db", str(wh), "close"]) == 2


def test_reclose_after_a_revision_shows_the_difference_and_approval_is_admin_only(wh, capsys):
    users.add_user(wh, "省管理员", "admin", "admin-pass-123")
    users.add_user(wh, "分析员", "analyst", "analyst-pass-1")
    with db.connect(wh) as con:
        rows = closes.close_rows(con, closes.latest_close_id(con, 2025)).set_index("region")
        co2 = con.execute("SELECT region, period, indicator, value FROM observations_current WHERE indicator = 'co2_total' "
                          "AND kind = 'statistical' AND region = 'SF12' AND period LIKE '2025-%'").df()
    assert rows.loc["SF12", "conclusion"] == "surplus"
    revised = co2.assign(value=co2["value"] * 1.12)  # revised statistics: SF12 emitted 12% more in 2025
    with db.transaction(wh) as con:
        batch, at = store.new_batch(con, origin="upload", created_by="分析员", rows_in=len(revised), rows_loaded=len(revised))
        store.append_observations(con, revised, kind="statistical", batch_id=batch, recorded_at=at)
    assert main(["--db", str(wh), "close", "--year", "2025", "--json", "--user", "省管理员"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["version"] == 2
    changed = {(c["region"], c["field"]) for c in out["changes"]}
    assert {("SF12", "accounted"), ("SF12", "conclusion"), ("SF12", "adjustment")} <= changed
    new = {r["region"]: r for r in out["regions"]}["SF12"]
    assert new["conclusion"] == "overspend" and new["accounted"] == pytest.approx(rows.loc["SF12", "accounted"] * 1.12, rel=1e-6)

    before = _ledger(wh)
    assert main(["--db", str(wh), "close", "--year", "2025", "--approve", "--user", "分析员"]) == 1
    assert "admin" in capsys.readouterr().err
    assert len(_ledger(wh)) == len(before)
    with pytest.raises(users.PermissionDenied):
        accounts.approve(wh, 2025, "nobody")
    # the preview before the click: SF12's 2026 budget moves by the difference of the two versions' adjustments
    preview = close_moves.preview(wh, 2025)
    delta = new["adjustment"] - rows.loc["SF12", "adjustment"]
    shown = {c["region"]: c for c in preview["changes"]}
    # every city's 2026 budget moves by (version 2's adjustment − version 1's, already applied); SF12 the most
    v2 = {r["region"]: r["adjustment"] for r in out["regions"] if r["region"] != "SF"}
    expected = {r: v2[r] - rows.loc[r, "adjustment"] for r in v2 if abs(v2[r] - rows.loc[r, "adjustment"]) > 0.005}
    assert preview["version"] == 2 and not preview["carried"] and set(shown) == set(expected)
    assert {r: c["amount"] for r, c in shown.items()} == pytest.approx(expected, abs=0.011)
    assert {c["year"] for c in shown.values()} == {2026} and shown["SF12"]["amount"] == pytest.approx(delta, abs=0.011)
    assert preview["reserve_change"] == pytest.approx(-sum(expected.values()), abs=0.02)  # the five-year total kept
    assert len(_ledger(wh)) == len(before)                                       # the preview wrote nothing
    assert main(["--db", str(wh), "close", "--year", "2025", "--approve", "--user", "省管理员"]) == 0
    after = _ledger(wh)
    moved = after.iloc[len(before):]
    assert len(moved) and set(moved["year"]) == {2026} and set(moved["user"]) == {"省管理员"}
    bal = _balances(wh)
    assert budget.check_balanced(bal)
    b26 = budget.region_budgets(bal).set_index(["region", "year"])["budget"]
    b26_before = budget.region_budgets(budget.apply(budget.entries_from_frame(before))).set_index(["region", "year"])["budget"]
    assert b26[("SF12", 2026)] - b26_before[("SF12", 2026)] == pytest.approx(delta, abs=0.011)
    assert bal.totals.set_index("year").loc[2026, "province_total"] == pytest.approx(
        budget.apply(budget.entries_from_frame(before)).totals.set_index("year").loc[2026, "province_total"])
    # approving the same version twice is refused and writes nothing
    assert main(["--db", str(wh), "close", "--year", "2025", "--approve", "--user", "省管理员"]) == 1
    assert len(_ledger(wh)) == len(after)


def test_five_year_cli_scores_grades_and_entered_scores(wh, capsys):
    assert main(["--db", str(wh), "close", "--five-year", "2021-2025", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    regions = {r["region"]: r for r in out["regions"]}
    city = regions["SF01"]
    grades = {r: ("excellent" if x["score"] >= 90 else "good" if x["score"] >= 80 else "pass" if x["score"] >= 60
                  else "fail") for r, x in regions.items() if x.get("score") is not None}
    assert grades and all(regions[r]["grade"] == g for r, g in grades.items())   # 90 / 80 / 60, written out
    ranked = sorted((x["score"], r) for r, x in regions.items() if x.get("score") is not None)
    assert regions[ranked[-1][1]]["rank"] == 1 and city["rank"] >= 1
    # SF01 never closed a red year: no alert to respond to, so "no data" (never an invented score)
    assert city["indicators"]["alert_response"]["score"] is None
    assert city["indicators"]["total_target"]["score"] is not None
    assert city["five_year_accounted"] == pytest.approx(sum(city["fuels"].values()), rel=1e-6)
    users.add_user(wh, "省管理员", "admin", "admin-pass-123")
    users.add_user(wh, "看客", "viewer", "viewer-pass-1")
    assert main(["--db", str(wh), "close", "--five-year", "2021-2025", "--score", "SF01", "coordination", "95",
                 "--user", "看客"]) == 1
    capsys.readouterr()
    assert main(["--db", str(wh), "close", "--five-year", "2021-2025", "--score", "SF01", "coordination", "150",
                 "--user", "省管理员"]) == 1
    capsys.readouterr()
    assert main(["--db", str(wh), "close", "--five-year", "2021-2025", "--score", "SF01", "coordination", "95",
                 "--user", "省管理员", "--json"]) == 0
    after = {r["region"]: r for r in json.loads(capsys.readouterr().out)["regions"]}["SF01"]
    assert after["indicators"]["coordination"]["score"] == 95.0 and after["coverage"] > city["coverage"]


def test_reports_pdf_has_the_chinese_headings_and_totals(wh, tmp_path):
    pdf, xlsx = tmp_path / "y.pdf", tmp_path / "y.xlsx"
    assert main(["--db", str(wh), "close", "--year", "2025", "--pdf", str(pdf), "--xlsx", str(xlsx)]) == 0
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    close = accounts.compute_close(wh, 2025)
    prov = close.rows[close.rows["is_province"]].iloc[0]
    for h in accounts_doc.ANNUAL_HEADINGS.values():
        assert h in text
    assert "2025年度碳排放预算决算报告" in flat and f"{prov['accounted']:,.1f}" in text
    assert set(pd.ExcelFile(xlsx).sheet_names) >= {"预算执行", "原因-较上年", "调节建议"}
    pdf5 = tmp_path / "f.pdf"
    assert main(["--db", str(wh), "close", "--five-year", "2021-2025", "--pdf", str(pdf5), "--xlsx", str(tmp_path / "f.xlsx")]) == 0
    text5 = subprocess.run(["pdftotext", "-layout", str(pdf5), "-"], capture_output=True, text=True, check=True).stdout
    five = accounts.compute_five_year(wh, 2021, 2025).rows
    total = five.loc[five["is_province"].astype(bool), "five_year_accounted"].iloc[0]
    for h in accounts_doc.FIVE_YEAR_HEADINGS.values():
        assert h in text5
    assert f"{total:,.1f}" in text5 and "优秀" in text5 + "良好合格不合格"
    import re

    first = five[~five["is_province"].astype(bool)].sort_values("rank").iloc[0]
    line = [ln for ln in text5.splitlines() if f" {first['region']} " in f" {ln} " and re.match(r"\s*1(\.0)?\s", ln)]
    assert line and re.match(r"\s*1\s", line[0]), line          # ranks are whole numbers: "1", never "1.0"
    assert not re.search(r"\b(power|steel|cement|chemical|petrochemical|aviation)\b", text5)   # no sector codes
    # a provisional close says so on its first page
    pdf26 = tmp_path / "p.pdf"
    assert main(["--db", str(wh), "close", "--year", "2026", "--pdf", str(pdf26)]) == 0
    text26 = subprocess.run(["pdftotext", str(pdf26), "-"], capture_output=True, text=True, check=True).stdout
    assert "暂定" in text26 and "2026-10" in "".join(text26.split())
