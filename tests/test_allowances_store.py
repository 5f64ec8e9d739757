"""The allowance year on a real DuckDB file through the CLI contract: registry columns, pre-allocation, true-up,
surrender, compliance, advances, buy-backs, prices and proposals; refusals change nothing; roles are checked."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli.main import main
from tests.conftest import file_digest, small_regions
from warehouse import db, store, users

HEAD = ("单位代码,单位名称,英文名称,所在地区,行业,年份,二氧化碳排放量（万吨）,用电量（万千瓦时）,是否核查,所属市场,是否地方增列,地方纳入标准,"
        "覆盖气体,产品类别,冷却方式,产量,供热量（GJ）,负荷（出力）系数,供热比\n")
# coal unit (national): 2024 supply 1,000,000 MWh, 2025 1,100,000 MWh at load 0.78 → F_load 1.0102;
# gas station (local addition, 1.2 万吨 < 2.6): 40,000 / 42,000 MWh; a data centre outside both markets.
ROWS = [
    "C1,一号煤机,Coal 1,A,电力,2024,80,100,是,全国,否,,CO2,coal_above_300,水冷,1000000,,0.9,0",
    "C1,一号煤机,Coal 1,A,电力,2025,93,100,是,全国,否,,CO2,coal_above_300,水冷,1100000,,0.78,0",
    "G1,燃气站,Gas station,B,电力,2024,1.2,5,是,地方,是,年排放1万吨以上的燃气分布式能源站,CO2,gas,水冷,40000,,,0",
    "G1,燃气站,Gas station,B,电力,2025,1.5,5,是,地方,是,年排放1万吨以上的燃气分布式能源站,CO2,gas,水冷,42000,,,0",
    "D1,数据中心,Data centre,B,数据中心,2025,9,900,是,无,否,,CO2,,,,,,",
]
COAL_PRE = 0.7 * 0.8177 * 1_000_000            # 2025 pre-allocation on the 2024 output (2022 benchmark still in force)
COAL_FINAL = 0.8177 * 1_100_000 * (1.007 + 0.0016 * 2)
GAS_PRE, GAS_FINAL = 0.7 * 0.3901 * 40_000, 0.3901 * 42_000


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def wh(tmp_path, capsys) -> Path:
    path = tmp_path / "wh.duckdb"
    with db.transaction(path) as con:
        store.upsert_regions(con, small_regions())
    f = tmp_path / "reg.csv"
    f.write_text(HEAD + "\n".join(ROWS) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", str(path), "registry", "load", str(f), "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "loaded"
    return path


def db_args(path, *args):
    return ("--db", str(path), *args)


def test_registry_columns_and_refusals(wh, tmp_path, capsys):
    code, out, _ = run(capsys, *db_args(wh, "allowances", "list", "--year", "2025", "--json"))
    units = {u["code"]: u for u in json.loads(out)["units"]}
    assert units["C1"]["market"] == "national" and units["G1"]["local_addition"] is True
    assert units["G1"]["local_criterion"] == "年排放1万吨以上的燃气分布式能源站" and units["D1"]["market"] == "none"
    bad = tmp_path / "bad.csv"
    for row, needle in [("X1,大机组,Big,A,电力,2025,30,1,是,地方,否,,CO2,coal_above_300,水冷,1,,,0", "national market"),
                        ("X2,小站,Small,A,电力,2025,1,1,是,地方,是,,CO2,gas,水冷,1,,,0", "local criterion"),
                        ("X3,纺织,Tex,A,纺织,2025,30,1,是,全国,否,,CO2,,,,,,", "does not cover"),
                        ("X4,机组,U,A,电力,2025,30,1,是,全国,否,,CO9,gas,水冷,1,,,0", "Gas 'CO9'"),
                        ("X5,机组,U,A,钢铁,2025,30,1,是,全国,否,,CO2,gas,水冷,1,,,0", "belongs to sector"),
                        ("X6,机组,U,A,电力,2025,30,1,是,全国,否,,CO2,gas,水冷,1,,1.7,0", "share between 0 and 1")]:
        bad.write_text(HEAD + row + "\n", encoding="utf-8")
        before = file_digest(wh)
        code, out, err = run(capsys, *db_args(wh, "registry", "load", str(bad), "--json"))
        assert code == 1, (needle, out)
        assert any(needle in p["problem_en"] for p in json.loads(out)["problems"]), (needle, out)
        assert file_digest(wh) == before


def test_preallocate_trueup_json_contract(wh, capsys):
    code, out, err = run(capsys, *db_args(wh, "allowances", "preallocate", "--year", "2025", "--user", "x", "--json"))
    assert code == 0, err
    pre = {u["code"]: u for u in json.loads(out)["units"]}
    assert set(pre) == {"C1", "G1"}                                       # the data centre is in no market
    assert set(pre["C1"]) == {"code", "sector", "market", "benchmark", "output", "preallocated", "trued_up", "issued"}
    assert pre["C1"]["preallocated"] == pytest.approx(COAL_PRE, abs=0.1) and pre["C1"]["benchmark"] == 0.8177
    assert pre["G1"]["preallocated"] == pytest.approx(GAS_PRE, abs=0.1) and pre["G1"]["trued_up"] is None
    assert json.loads(out)["reserve_set_aside"] == pytest.approx(0.03 * (817_700 + 0.3901 * 40_000), abs=0.1)
    code, _, err = run(capsys, *db_args(wh, "allowances", "preallocate", "--year", "2025", "--user", "x"))
    assert code == 1 and "Nothing to pre-allocate" in err and "没有待预分配" in err
    code, out, _ = run(capsys, *db_args(wh, "allowances", "trueup", "--year", "2025", "--user", "x", "--json"))
    res = json.loads(out)
    tu = {u["code"]: u for u in res["units"]}
    assert tu["C1"]["trued_up"] == pytest.approx(COAL_FINAL, abs=0.1) and tu["C1"]["issued"] == pytest.approx(COAL_FINAL, abs=0.1)
    assert tu["C1"]["output"] == 1_100_000 and tu["G1"]["issued"] == pytest.approx(GAS_FINAL, abs=0.1)
    assert res["issued_change"] == pytest.approx(COAL_FINAL - COAL_PRE + GAS_FINAL - GAS_PRE, abs=0.2)
    code, out, _ = run(capsys, *db_args(wh, "allowances", "trueup", "--year", "2025", "--user", "x", "--json"))
    assert json.loads(out)["issued_change"] == 0.0                       # again: nothing changed, nothing issued


def _allocated(wh, capsys):
    for step in ("preallocate", "trueup"):
        assert run(capsys, *db_args(wh, "allowances", step, "--year", "2025", "--user", "x"))[0] == 0


def test_surrender_and_compliance(wh, capsys):
    _allocated(wh, capsys)
    code, out, _ = run(capsys, *db_args(wh, "allowances", "compliance", "--year", "2025", "--on", "2026-05-01", "--json"))
    units = {u["code"]: u for u in json.loads(out)["units"]}
    assert set(units["C1"]) >= {"code", "verified", "held", "surrendered", "status"}
    assert units["C1"]["verified"] == 930_000 and units["C1"]["status"] == "short"
    before = file_digest(wh)
    code, _, err = run(capsys, *db_args(wh, "allowances", "surrender", "--unit", "C1", "--year", "2025", "--amount", "2000000",
                                        "--user", "x"))
    assert code == 1 and "cannot surrender" in err and "不足以清缴" in err and file_digest(wh) == before
    for bad in (["--unit", "NOPE", "--amount", "1"], ["--unit", "D1", "--amount", "1"], ["--unit", "C1", "--amount", "-5"],
                ["--unit", "C1", "--amount", "nan"]):
        code, _, err = run(capsys, *db_args(wh, "allowances", "surrender", "--year", "2025", "--user", "x", *bad))
        assert code == 1 and "refused" in err, bad
    assert file_digest(wh) == before
    assert run(capsys, *db_args(wh, "allowances", "surrender", "--unit", "C1", "--year", "2025", "--amount", "900000", "--user", "x"))[0] == 0
    assert run(capsys, *db_args(wh, "allowances", "surrender", "--unit", "G1", "--year", "2025", "--amount", "15000", "--user", "x"))[0] == 0
    code, out, _ = run(capsys, *db_args(wh, "allowances", "compliance", "--year", "2025", "--on", "2027-01-01", "--json"))
    units = {u["code"]: u for u in json.loads(out)["units"]}
    assert units["C1"]["status"] == "overdue" and units["C1"]["shortfall"] == 30_000
    assert units["G1"]["status"] == "complied" and units["G1"]["surrendered"] == 15_000


def test_advance_within_the_cap_and_over_it(wh, capsys):
    _allocated(wh, capsys)
    cap = 0.1 * COAL_FINAL
    code, out, err = run(capsys, *db_args(wh, "allowances", "advance", "--unit", "C1", "--year", "2025", "--amount", "60000",
                                          "--reason", "供热保供", "--user", "x", "--json"))
    assert code == 0, err
    res = json.loads(out)
    assert res["status"] == "confirmed" and res["result"]["cap"] == pytest.approx(cap, abs=0.1)
    before = file_digest(wh)
    code, _, err = run(capsys, *db_args(wh, "allowances", "advance", "--unit", "C1", "--year", "2025", "--amount",
                                        str(round(cap - 60_000 + 10)), "--reason", "再次", "--user", "x"))
    assert code == 1 and "above the cap" in err and "超过上限" in err and file_digest(wh) == before
    code, _, err = run(capsys, *db_args(wh, "allowances", "advance", "--unit", "C1", "--year", "2025", "--amount", "10",
                                        "--reason", "  ", "--user", "x"))
    assert code == 1 and "reason" in err
    code, out, _ = run(capsys, *db_args(wh, "allowances", "compliance", "--year", "2025", "--json"))
    held = {u["code"]: u["held"] for u in json.loads(out)["units"]}
    assert held["C1"] == pytest.approx(COAL_FINAL + 60_000, abs=0.1)
    from monitor import allowances

    with db.connect(wh) as con:
        from warehouse import allowances as astore

        nxt = astore.holdings(con, 2026).set_index("code")
    assert nxt.loc["C1", "advanced_out"] == 60_000 and nxt.loc["C1", "held"] == -60_000   # taken from 2026


def test_prices_regulate_and_buyback(wh, tmp_path, capsys):
    _allocated(wh, capsys)
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,成交均价,成交量,市场\n2026-13-01,50,10,地方\n2026-01-02,-3,10,地方\n2026-01-03,50,10,火星\n", encoding="utf-8")
    before = file_digest(wh)
    code, out, _ = run(capsys, *db_args(wh, "prices", "load", str(bad), "--user", "x", "--json"))
    probs = json.loads(out)["problems"]
    assert code == 1 and [p["row"] for p in probs] == [2, 3, 4] and file_digest(wh) == before
    good = tmp_path / "p.csv"
    good.write_text("date,price,volume,market\n" + "".join(f"2026-03-{d:02d},{p},100,local\n" for d, p in
                                                          [(2, 31.0), (3, 29.0), (4, 30.0)]), encoding="utf-8")
    assert run(capsys, *db_args(wh, "prices", "load", str(good), "--user", "x"))[0] == 0
    code, out, _ = run(capsys, *db_args(wh, "allowances", "regulate", "--json"))
    res = json.loads(out)
    total = COAL_FINAL + GAS_FINAL + 0.03 * (817_700 + 0.3901 * 40_000)
    assert res["year"] == 2025 and res["annual_total"] == pytest.approx(total, abs=0.5)
    assert [p["kind"] for p in res["proposals"]] == ["replenish", "buyback"]          # 30 < 40 × (1 − 0.2)
    assert res["proposals"][0]["amount"] == pytest.approx(0.01 * total, abs=0.5)
    cap = 0.05 * total
    before = file_digest(wh)
    code, _, err = run(capsys, *db_args(wh, "allowances", "buyback", "--year", "2025", "--amount", str(round(cap + 1)),
                                        "--price", "30", "--user", "x"))
    assert code == 1 and "above the cap" in err and file_digest(wh) == before
    code, out, _ = run(capsys, *db_args(wh, "allowances", "buyback", "--year", "2025", "--amount", "20000", "--price", "30",
                                        "--user", "x", "--json"))
    assert code == 0 and json.loads(out)["result"]["cost_yuan"] == 600_000
    code, out, _ = run(capsys, *db_args(wh, "allowances", "regulate", "--json"))
    assert json.loads(out)["bought"] == 20_000


def test_roles_in_the_writing_transaction(wh, capsys):
    users.add_user(wh, "boss", "admin", "admin-pass-12")
    users.add_user(wh, "ana", "analyst", "analyst-pass-1")
    before = file_digest(wh)
    code, _, err = run(capsys, *db_args(wh, "allowances", "preallocate", "--year", "2025", "--user", "ana"))
    assert code == 1 and "role_insufficient" in err and file_digest(wh) == before
    assert run(capsys, *db_args(wh, "allowances", "preallocate", "--year", "2025", "--user", "boss"))[0] == 0
    code, _, err = run(capsys, *db_args(wh, "allowances", "advance", "--unit", "C1", "--year", "2025", "--amount", "1",
                                        "--reason", "r", "--user", "ana"))
    assert code == 1 and "role_insufficient" in err
    users.add_user(wh, "rep", "reporter", "reporter-pass-1", region="A")
    code, _, err = run(capsys, *db_args(wh, "allowances", "surrender", "--unit", "C1", "--year", "2025", "--amount", "1000",
                                        "--user", "rep"))
    assert code == 1 and "role_insufficient" in err                    # recording a surrender is an analyst's
    assert run(capsys, *db_args(wh, "allowances", "surrender", "--unit", "C1", "--year", "2025", "--amount", "1000",
                                "--user", "ana"))[0] == 0
    with db.connect(wh) as con:
        led = con.execute('SELECT kind, "user" FROM allowance_ledger ORDER BY seq').df()
    assert set(led.loc[led["kind"] == "preallocation", "user"]) == {"boss"} and led["user"].iloc[-1] == "ana"


def test_advance_waits_for_the_approver_where_the_rules_ask(wh, capsys):
    approvals = pytest.importorskip("monitor.approvals")
    from monitor import rules as mrules

    users.add_user(wh, "boss", "admin", "admin-pass-12")
    users.add_user(wh, "gov", "approver", "approver-pass-1")
    for step in ("preallocate", "trueup"):
        assert run(capsys, *db_args(wh, "allowances", step, "--year", "2025", "--user", "boss"))[0] == 0
    from datetime import date

    mrules.set_rule(wh, "signoff.allowance_advance", "approver", date(2020, 1, 1), "省政府审定预支", "boss")
    code, out, err = run(capsys, *db_args(wh, "allowances", "advance", "--unit", "C1", "--year", "2025", "--amount", "5000",
                                          "--reason", "申请", "--user", "boss", "--json"))
    assert code == 0, err
    res = json.loads(out)
    assert res["status"] == "pending"
    with db.connect(wh) as con:
        assert con.execute("SELECT count(*) FROM allowance_advances").fetchall()[0][0] == 0
    done = approvals.confirm(wh, res["id"], "gov")
    assert done["result"]["approved_by"] == "gov"
    with db.connect(wh) as con:
        row = con.execute("SELECT requested_by, approved_by, amount FROM allowance_advances").fetchall()
    assert row == [("boss", "gov", 5000.0)]


def test_regional_trade_of_budget_quota_is_a_balanced_ledger_entry(tmp_path, capsys):
    path = tmp_path / "books.duckdb"
    with db.transaction(path) as con:
        store.upsert_regions(con, small_regions())
    for city in ("A", "B"):
        assert run(capsys, *db_args(path, "budget", "entry", "--type", "allocation", "--year", "2026", "--to", city,
                                    "--amount", "100", "--reason", "plan", "--user", "x"))[0] == 0
    code, out, err = run(capsys, *db_args(path, "budget", "entry", "--type", "trade", "--year", "2026", "--from", "A", "--to", "B",
                                          "--amount", "10", "--price", "60", "--reason", "甲市出让指标", "--user", "x"))
    assert code == 0, err
    import budget
    from warehouse import allowances as astore, budget_books

    with db.connect(path) as con:
        ledger = budget_books.entries(con)
        trades = astore.trades(con)
    bal = budget.apply(budget.entries_from_frame(ledger[budget_books.ENTRY_COLUMNS]))
    by = bal.regions.set_index("region")["budget"]
    assert (by["A"], by["B"]) == (90.0, 110.0) and bal.totals["province_total"].iloc[0] == 200.0   # the total unchanged
    assert budget.check_balanced(bal)
    assert trades[["from_region", "to_region", "amount", "price", "value"]].values.tolist() == [["A", "B", 10.0, 60.0, 600.0]]
    assert trades["entry_id"].iloc[0] == ledger.loc[ledger["type"] == "trade", "entry_id"].iloc[0]
    before = file_digest(path)
    for bad, needle in [(["--to", "B", "--amount", "5"], "--price"),                                  # no price
                        (["--to", "B", "--amount", "5", "--price", "-1"], "price"),
                        (["--to", "B", "--amount", "500", "--price", "60"], "cannot give"),           # more than A holds
                        (["--to", "reserve", "--amount", "5", "--price", "60"], "to_region"),
                        (["--to", "Z", "--amount", "5", "--price", "60"], "No region")]:
        code, _, err = run(capsys, *db_args(path, "budget", "entry", "--type", "trade", "--year", "2026", "--from", "A",
                                            "--reason", "r", "--user", "x", *bad))
        assert code == 1 and needle in err, (bad, err)
    code, _, err = run(capsys, *db_args(path, "budget", "entry", "--type", "transfer", "--year", "2026", "--from", "A", "--to", "B",
                                        "--amount", "1", "--price", "60", "--reason", "r", "--user", "x"))
    assert code == 1 and "--price" in err
    assert file_digest(path) == before


def test_publishable_records_and_the_export(wh, tmp_path, capsys):
    from datetime import date

    from openpyxl import load_workbook

    from monitor import allowance_overview

    _allocated(wh, capsys)
    assert run(capsys, *db_args(wh, "allowances", "surrender", "--unit", "G1", "--year", "2025", "--amount", "15000", "--user", "x"))[0] == 0
    before = allowance_overview.publishable(wh, on=date(2026, 12, 31))       # the deadline itself: not yet public
    assert before["compliance"].empty and set(before["list"]["code"]) == {"C1", "G1"}
    after = allowance_overview.publishable(wh, on=date(2027, 1, 1))
    status = after["compliance"].set_index("code")["status"].to_dict()
    assert status == {"C1": "overdue", "G1": "complied"}
    assert "user" not in " ".join(after["results"].columns) and after["results"]["issued"].sum() == pytest.approx(COAL_FINAL + GAS_FINAL, abs=0.5)
    out = tmp_path / "a.xlsx"
    assert run(capsys, *db_args(wh, "allowances", "export", "--year", "2025", "--xlsx", str(out), "--lang", "en"))[0] == 0
    book = load_workbook(out)
    assert {"List", "Allocation", "Compliance", "Advances", "Reconciliation"} <= set(book.sheetnames)
    rows = list(book["Allocation"].iter_rows(values_only=True))
    assert rows[0][0] == "Unit" and {r[0] for r in rows[1:]} == {"C1", "G1"}


def test_local_coverage_is_versioned(wh, capsys):
    code, _, err = run(capsys, *db_args(wh, "allowances", "coverage", "--sector", "化工", "--gases", "CO2,CH4", "--criterion",
                                        "年排放 2.6 万吨以上", "--threshold", "2.6", "--from-year", "2025", "--user", "x"))
    assert code == 0, err
    assert run(capsys, *db_args(wh, "allowances", "coverage", "--sector", "电力", "--gases", "CO2", "--criterion", "燃气分布式",
                                "--threshold", "1", "--from-year", "2025", "--user", "x"))[0] == 0
    assert run(capsys, *db_args(wh, "allowances", "coverage", "--sector", "化工", "--gases", "CO2", "--criterion", "改为仅 CO2",
                                "--from-year", "2026", "--user", "x"))[0] == 0
    code, out, _ = run(capsys, *db_args(wh, "allowances", "coverage"))
    cov = json.loads(out)
    assert {r["sector"] for r in cov["national"]} == {"power", "steel", "cement", "aluminium"}
    local = {r["sector"]: r for r in cov["local"]}
    assert set(local) == {"化工", "电力"} and local["化工"]["gases"] == "CO2" and local["化工"]["version"] == 3
    before = file_digest(wh)
    for bad, needle in ((["--gases", "CO9", "--criterion", "c"], "CO9"), (["--gases", "CO2", "--criterion", " "], "blank"),
                        (["--gases", "CO2"], "blank")):
        code, _, err = run(capsys, *db_args(wh, "allowances", "coverage", "--sector", "造纸", "--from-year", "2025", "--user", "x", *bad))
        assert code == 1 and needle in err, (bad, err)
    assert file_digest(wh) == before
    with db.connect(wh) as con:
        from warehouse import allowances as astore

        assert sorted(astore.coverage_history(con)["version"].unique()) == [1, 2, 3]


def test_preallocation_refuses_a_local_unit_the_provinces_coverage_leaves_out(wh, capsys):
    assert run(capsys, *db_args(wh, "allowances", "coverage", "--sector", "化工", "--gases", "CO2", "--criterion",
                                "年排放 2.6 万吨以上", "--threshold", "2.6", "--from-year", "2024", "--user", "x"))[0] == 0
    code, out, err = run(capsys, *db_args(wh, "allowances", "preallocate", "--year", "2025", "--user", "x", "--json"))
    assert code == 0, err
    res = json.loads(out)
    assert {u["code"] for u in res["units"]} == {"C1"}                       # the gas station (电力, local) is left out
    refused = {r["code"]: r for r in res["refused"]}
    assert set(refused) == {"G1"} and "地方市场 2025 年的覆盖范围" in refused["G1"]["reason_zh"]
    # once the province covers it, the next pre-allocation takes it in
    assert run(capsys, *db_args(wh, "allowances", "coverage", "--sector", "电力", "--gases", "CO2", "--criterion",
                                "燃气分布式", "--threshold", "1", "--from-year", "2024", "--user", "x"))[0] == 0
    code, out, err = run(capsys, *db_args(wh, "allowances", "preallocate", "--year", "2025", "--user", "x", "--json"))
    assert code == 0, err
    assert {u["code"] for u in json.loads(out)["units"]} == {"G1"}
    assert json.loads(out)["units"][0]["preallocated"] == pytest.approx(GAS_PRE, abs=0.5)
