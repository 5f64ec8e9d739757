"""Plausible ranges everywhere (issue 21 item 6): absurd periods, years, dates, amounts and weights are
refused through the CLI with a message in both languages, and nothing is stored."""
from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from cli.main import main


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """A 12-city demo (2021-2025 closed, 2026-2030 plan) without users or the nowcast."""
    path = tmp_path_factory.mktemp("ranges") / "demo.duckdb"
    assert main(["--db", str(path), "demo", "--no-nowcast", "--as-of", "2026-10", "--no-users"]) == 0
    return path


def count(path, table: str) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    finally:
        con.close()


def refused(code: int, err: str, zh: str, en: str) -> bool:
    return code == 1 and "refused" in err and zh in err and en in err


def _measure(wh, capsys, start="2026-03", end="2027-12") -> int:
    code, out, err = run(capsys, "--db", wh, "measures", "add", "--region", "SF03", "--title", "置换", "--owner", "工信局",
                         "--instrument", "capacity_replacement", "--start", start, "--end", end, "--reduction", "4", "--json")
    assert code == 0, err
    return json.loads(out)["measure_id"]


def test_progress_reports_only_for_quarters_in_the_measures_span(wh, capsys):
    mid = _measure(wh, capsys)
    before = count(wh, "measure_reports")
    today = date.today()
    future = f"{today.year + 1}-Q1"
    for period in ("1900-Q1", "2099-Q1", "2025-Q4", future):
        code, _, err = run(capsys, "--db", wh, "measures", "report", mid, "--text", "进展", "--user", "李", "--period", period)
        assert code == 1 and "refused" in err and ("季度" in err) and ("uarter" in err), (period, err)
    assert count(wh, "measure_reports") == before
    code, _, err = run(capsys, "--db", wh, "measures", "report", mid, "--text", "进展", "--user", "李", "--period", "2026-Q1")
    assert code == 0, err


def test_applications_only_for_budgeted_years_that_are_not_closed(wh, capsys):
    before = count(wh, "budget_applications")
    for year, zh, en in [(1800, "没有预算", "no budget"), (99999, "没有预算", "no budget"), (2025, "决算关账", "closed"),
                         (2030, "没有预算", "no budget")]:     # an advance on 2030 draws on 2031, which has no budget
        code, _, err = run(capsys, "--db", wh, "measures", "apply", "--kind", "advance", "--region", "SF07", "--year", year,
                           "--amount", "5", "--reason", "预支")
        assert refused(code, err, zh, en), (year, err)
    assert count(wh, "budget_applications") == before
    code, _, err = run(capsys, "--db", wh, "measures", "apply", "--kind", "advance", "--region", "SF07", "--year", 2027,
                       "--amount", "5", "--reason", "预支")
    assert code == 0, err


def test_a_measure_cannot_end_before_it_started_or_start_in_the_future(wh, capsys):
    mid = _measure(wh, capsys, start="2026-01", end="2026-06")
    before = count(wh, "measure_status")
    code, _, err = run(capsys, "--db", wh, "measures", "status", mid, "--to", "in_progress", "--reason", "开工",
                       "--actual-start", "2099-01")
    assert refused(code, err, "晚于本月", "after the current month"), err
    code, _, err = run(capsys, "--db", wh, "measures", "status", mid, "--to", "in_progress", "--reason", "开工",
                       "--actual-start", "2026-05")
    assert code == 0, err
    code, _, err = run(capsys, "--db", wh, "measures", "status", mid, "--to", "done", "--reason", "完成",
                       "--actual-end", "2026-02")
    assert refused(code, err, "早于开始月份", "before start month"), err
    assert count(wh, "measure_status") == before + 1
    code, _, err = run(capsys, "--db", wh, "measures", "add", "--region", "SF03", "--title", "x", "--owner", "y",
                       "--instrument", "capacity_replacement", "--start", "1800-01", "--end", "1800-02", "--reduction", "1")
    assert refused(code, err, "YYYY-MM", "YYYY-MM"), err


def test_meter_days_before_1990_are_refused(wh, tmp_path, capsys):
    con = duckdb.connect(str(wh), read_only=True)
    try:
        code_ = con.execute("SELECT code FROM key_emitters LIMIT 1").fetchall()[0][0]
    finally:
        con.close()
    f = tmp_path / "m.csv"
    f.write_text(f"enterprise_id,date,kwh\n{code_},1800-01-01,1000\n{code_},1989-12-31,1000\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", wh, "meters", "load", f, "--json")
    assert code == 1, (out, err)
    report = json.loads(out)
    rows = report.get("errors") or report.get("report") or []
    text = json.dumps(report, ensure_ascii=False)
    assert "早于可信范围" in text and "before the plausible range" in text, text[:500]
    assert len([r for r in rows if isinstance(r, dict) and r.get("code") == "too_old"]) in (0, 2)


def test_registry_years_after_this_year_are_refused(wh, tmp_path, capsys):
    f = tmp_path / "reg.csv"
    f.write_text("单位代码,单位名称,英文名称,所在地区,行业,年份,二氧化碳排放量（万吨）,用电量（万千瓦时）,是否核查\n"
                 "91Y001,某钢厂,Some Steel,SF10,钢铁,2099,512.3,98000,是\n", encoding="utf-8")
    before = count(wh, "key_emitters")
    code, _, err = run(capsys, "--db", wh, "registry", "load", f)
    assert code == 1 and "年份" in err and "Year" in err and str(date.today().year) in err, err
    assert count(wh, "key_emitters") == before


@pytest.mark.parametrize("weights", ["history=1e308,gdp=1e308", "history=inf,gdp=1", "history=2000,gdp=1",
                                     "history=-1,gdp=2", "history=0,gdp=0"])
def test_mix_weights_must_be_finite_and_bounded(wh, capsys, weights):
    before = count(wh, "plan_versions")
    code, _, err = run(capsys, "--db", wh, "plan", "draft", "--parent", "SF", "--years", "2026-2030", "--method", "mix",
                       "--weights", weights)
    assert refused(code, err, "混合权重无效", "Invalid mix weights"), err
    assert count(wh, "plan_versions") == before


def test_a_comment_cannot_request_an_absurd_amount(wh, capsys):
    before = count(wh, "plan_comments")
    code, _, err = run(capsys, "--db", wh, "plan", "comment", "SF-2026-2030", "--region", "SF03", "--user", "李",
                       "--text", "意见", "--amount", "1e20")
    assert code == 1 and "refused" in err, err
    assert count(wh, "plan_comments") == before
