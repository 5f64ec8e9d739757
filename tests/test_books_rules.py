"""The books as a province admin uses them over a period: layers that never undo each other, totals locked,
closing at the right time, targets handed down and rules as data — through the CLI and the monitor layer,
on a real warehouse (tests/books_util.py). Expected amounts are worked out in the tests from the stored
plan versions and the hand-built statistics, never from the code under test's own output."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import budget
from monitor import accounts, approvals, ledger_change
from monitor import plan as mplan
from monitor import rules as mrules
from monitor import targets as mtargets
from tests.books_util import books_warehouse, monthly
from tests.plan_util import cli_json
from warehouse import budget_books, db, plans


@pytest.fixture
def wh(tmp_path):
    return books_warehouse(tmp_path / "w")


def _bal(path):
    with db.connect(path) as con:
        return budget.apply(budget.entries_from_frame(budget_books.entries(con)))


def _city(bal, region, year):
    r = bal.regions[(bal.regions["region"] == region) & (bal.regions["year"] == year)]
    return float(r["budget"].iloc[0]) if len(r) else 0.0


def _total(bal, year):
    t = bal.totals[bal.totals["year"] == year]
    return float(t["province_total"].iloc[0]) if len(t) else 0.0


def _approved_plan(path, reserve=0.03, **kw):
    pid = mplan.draft(path, "P", "2021-2025", user="adm1", method="history", reserve_share=reserve, **kw)["plan"]
    out = mplan.approve(path, pid, None, "adm1")
    assert out["status"] == "pending" and out["signoff"] == "approver"
    approvals.confirm(path, out["approval"], "gov")
    return pid


def test_the_approver_confirms_a_plan_and_the_allocation_is_the_version(wh):
    pid = mplan.draft(wh, "P", "2021-2025", user="adm1", method="history", reserve_share=0.03)["plan"]
    pending = mplan.approve(wh, pid, None, "adm1")
    with db.connect(wh) as con:
        assert budget_books.entries(con).empty            # nothing written while it waits
    with pytest.raises(approvals.ApprovalError):
        approvals.confirm(wh, pending["approval"], "adm1")  # not the one who asked
    with pytest.raises(approvals.ApprovalError):
        approvals.confirm(wh, pending["approval"], "adm2")  # the rule asks the approver, not a second admin
    approvals.confirm(wh, pending["approval"], "gov")
    with db.connect(wh) as con:
        content = plans.version(con, pid)["content"]
        appr = plans.approvals(con, pid)
    bal = _bal(wh)
    for a in content["allocations"]:
        assert _city(bal, a["region"], int(a["year"])) == pytest.approx(float(a["amount"]), abs=0.01)
    assert appr["user"].iloc[0] == "adm1" and appr["confirmed_by"].iloc[0] == "gov"


def test_approving_a_version_that_changes_nothing_changes_no_budget(wh, capsys):
    pid = _approved_plan(wh)
    before = _bal(wh)
    code, out, err = cli_json(capsys, "--db", wh, "plan", "revise", pid, "--note", "unchanged", "--user", "adm1", "--json")
    assert code == 0, err
    pend = mplan.approve(wh, pid, None, "adm1")
    done = approvals.confirm(wh, pend["approval"], "gov")
    assert done["result"]["ledger_entries"] == 0
    after = _bal(wh)
    pd.testing.assert_frame_equal(before.regions, after.regions)


def test_a_revision_keeps_close_adjustments_advances_and_quota(wh):
    pid = _approved_plan(wh, reserve=0.03)
    # 2021 closes: A grows 4% a year against a history-share budget, so it overspends or is in band; whatever
    # the rule decided is in the books as close entries on 2022
    accounts.run_close(wh, 2021, "adm1")
    accounts.approve(wh, 2021, "adm1")
    ledger_change.record_entry(wh, type="separately_listed", year=2023, amount=3.0, user="adm1", reason="plant",
                               from_region="reserve", to_region="B", project="厂")
    ledger_change.record_entry(wh, type="advance", year=2023, amount=1.5, user="adm1", reason="borrow", to_region="C")
    bal0 = _bal(wh)
    with db.connect(wh) as con:
        v1 = plans.version(con, pid, 1)["content"]
    # revise the total up 5% and approve: only the plan layer moves by the difference of the two versions
    mplan.revise(wh, pid, user="adm1", total=round(v1["total"] * 1.05, 2))
    pend = mplan.approve(wh, pid, None, "adm1")
    out = approvals.confirm(wh, pend["approval"], "gov")["result"]
    assert out["skipped_years"] == [2021]        # closed: untouched
    with db.connect(wh) as con:
        v2 = plans.version(con, pid, 2)["content"]
    bal1 = _bal(wh)

    def alloc(c, r, y):
        return sum(float(a["amount"]) for a in c["allocations"] if a["region"] == r and int(a["year"]) == y)
    for y in (2022, 2023, 2024, 2025):
        for r in ("A", "B", "C"):
            expected = _city(bal0, r, y) + alloc(v2, r, y) - alloc(v1, r, y)
            assert _city(bal1, r, y) == pytest.approx(expected, abs=0.02), (r, y)
    assert _city(bal1, "A", 2021) == _city(bal0, "A", 2021)
    q = bal1.projects[(bal1.projects["year"] == 2023) & (bal1.projects["region"] == "B")]
    assert float(q["amount"].sum()) == pytest.approx(3.0)


def test_a_second_plan_for_the_same_years_must_say_what_it_supersedes(wh, capsys):
    old = _approved_plan(wh)
    new = mplan.draft(wh, "P", "2021-2025", user="adm1", method="history", reserve_share=0.02)["plan"]
    code, _, err = cli_json(capsys, "--db", wh, "plan", "approve", new, "--user", "adm1")
    assert code == 1 and "supersedes" in err
    code, _, err = cli_json(capsys, "--db", wh, "plan", "approve", new, "--supersedes", old, "--user", "adm1")
    assert code == 0, err
    pend = approvals.listing(wh, "pending")[0]
    approvals.confirm(wh, pend["id"], "gov")
    with db.connect(wh) as con:
        content = plans.version(con, new)["content"]
    bal = _bal(wh)
    for a in content["allocations"]:
        assert _city(bal, a["region"], int(a["year"])) == pytest.approx(float(a["amount"]), abs=0.02)
    assert float(bal.totals.loc[bal.totals["year"] == 2022, "reserve"].iloc[0]) == pytest.approx(float(content["reserve"]["2022"]), abs=0.02)


def test_one_admin_cannot_raise_a_total_and_nobody_moves_budget_to_the_parent(wh, capsys):
    _approved_plan(wh)
    before = _total(_bal(wh), 2023)
    code, _, err = cli_json(capsys, "--db", wh, "budget", "entry", "--type", "adjustment", "--year", "2023", "--to", "A",
                            "--amount", "30", "--reason", "raise", "--user", "adm1")
    assert code == 0
    assert _total(_bal(wh), 2023) == before                      # waits
    pend = [a for a in approvals.listing(wh, "pending") if a["action"] == "budget_total_change"][0]
    approvals.confirm(wh, pend["id"], "adm2")
    assert _total(_bal(wh), 2023) == pytest.approx(before + 30)
    code, _, err = cli_json(capsys, "--db", wh, "budget", "entry", "--type", "transfer", "--year", "2023", "--from", "A",
                            "--to", "P", "--amount", "5", "--reason", "x", "--user", "adm1")
    assert code == 1 and "parent_account" in err


def test_the_reserve_cap_holds_on_the_books_and_follows_the_rule(wh, capsys):
    _approved_plan(wh, reserve=0.03)
    bal = _bal(wh)
    total = _total(bal, 2024)
    reserve = float(bal.totals.loc[bal.totals["year"] == 2024, "reserve"].iloc[0])
    # returning budget to the reserve up to 5% of the total is allowed; beyond it is refused
    room = 0.05 * total - reserve
    ok = cli_json(capsys, "--db", wh, "budget", "entry", "--type", "transfer", "--year", "2024", "--from", "A", "--to", "reserve",
                  "--amount", f"{room - 0.5:.2f}", "--reason", "back", "--user", "adm1")
    assert ok[0] == 0
    code, _, err = cli_json(capsys, "--db", wh, "budget", "entry", "--type", "transfer", "--year", "2024", "--from", "A",
                            "--to", "reserve", "--amount", "1", "--reason", "back", "--user", "adm1")
    assert code == 1 and "reserve_over_cap" in err
    # a province may raise the cap within the national bound (10%); then the same transfer passes
    assert cli_json(capsys, "--db", wh, "rules", "set", "reserve.cap_share", "0.08", "--from", "2024-01-01",
                    "--reason", "省政府决定", "--user", "adm1")[0] == 0
    assert cli_json(capsys, "--db", wh, "budget", "entry", "--type", "transfer", "--year", "2024", "--from", "A", "--to",
                    "reserve", "--amount", "1", "--reason", "back", "--user", "adm1")[0] == 0
    assert cli_json(capsys, "--db", wh, "rules", "set", "reserve.cap_share", "0.2", "--from", "2024-01-01",
                    "--reason", "x", "--user", "adm1")[0] == 1     # outside the national bounds
    assert cli_json(capsys, "--db", wh, "rules", "set", "reserve.cap_share", "0.04", "--from", "2024-01-01",
                    "--reason", "x", "--user", "adm1")[0] == 1     # below what 2024 already holds
    code, out, _ = cli_json(capsys, "--db", wh, "rules", "show", "--json")
    cap = [r for r in out["rules"] if r["key"] == "reserve.cap_share"][0]
    assert cap["value"] == 0.08 and cap["set_by"] == "adm1" and cap["bounds"] == "[0, 0.1]"


def test_a_year_closes_only_after_it_ends_and_the_last_year_carries(wh, tmp_path):
    _approved_plan(wh)
    accounts.run_close(wh, 2021, "adm1")
    with pytest.raises(accounts.CloseError):
        accounts.approve(wh, 2021, "adm1", as_of=dt.date(2021, 11, 15))   # November: the year has not ended
    for y in (2021, 2022, 2023, 2024):
        accounts.run_close(wh, y, "adm1")
        accounts.approve(wh, y, "adm1")
    before = _bal(wh)
    accounts.run_close(wh, 2025, "adm1")
    out = accounts.approve(wh, 2025, "adm1")
    assert out["carried_into_next_period"] and out["entries"] == 0
    pd.testing.assert_frame_equal(before.totals, _bal(wh).totals)
    with db.connect(wh) as con:
        assert 2025 in ledger_change.closed_years(con)


def test_a_close_with_a_missing_month_is_refused(tmp_path):
    path = books_warehouse(tmp_path / "short", last_year=2024)   # 2025 has no month at all
    _approved_plan(path)
    with pytest.raises(accounts.CloseError):
        accounts.run_close(path, 2025, "adm1")
        accounts.approve(path, 2025, "adm1")


def test_a_viewer_or_a_ghost_cannot_store_a_close(wh, capsys):
    _approved_plan(wh)
    for who in ("ghost", None):
        args = ["--db", wh, "close", "--year", "2021"] + (["--user", who] if who else [])
        assert cli_json(capsys, *args)[0] == 1
    with db.connect(wh) as con:
        assert con.execute("SELECT count(*) FROM year_closes").fetchall()[0][0] == 0
    first = accounts.run_close(wh, 2021, "adm1")[1]
    again = accounts.run_close(wh, 2021, "adm1")[1]
    assert again.get("unchanged") and again["close_id"] == first["close_id"]


def test_overspend_beyond_the_deduction_cap_is_carried_as_a_debt(wh):
    from budget import adjustment_rule

    frame = pd.DataFrame({"region": ["X"], "budget": [100.0], "accounted": [120.0], "next_budget": [100.0],
                          "major_project": [False], "debt_in": [0.0]})
    out = adjustment_rule.propose(frame).iloc[0]
    # 20 over; at most 5% of next year's 100 = 5 is deducted; 15 is owed
    assert out["adjustment"] == pytest.approx(-5.0) and out["debt"] == pytest.approx(15.0)
    nxt = adjustment_rule.propose(frame.assign(accounted=[100.0], debt_in=[15.0])).iloc[0]
    assert nxt["adjustment"] == pytest.approx(-5.0) and nxt["debt"] == pytest.approx(10.0)
    off = adjustment_rule.propose(frame, rule={**adjustment_rule.RULE, "debt": "write_off"}).iloc[0]
    assert off["debt"] == 0.0
    paid = adjustment_rule.propose(frame.assign(accounted=[90.0], debt_in=[2.0])).iloc[0]
    assert paid["adjustment"] == pytest.approx(1.0)     # 10 surplus, carry capped at 3, minus the debt 2


def test_a_loaded_target_is_the_one_a_plan_serves_and_status_measures(wh, tmp_path, capsys):
    f = tmp_path / "targets.csv"
    f.write_text("region,period,intensity_decline,total_cap,document\nP,2021-2025,0.135,,国发〔2021〕23号 2021-10-24\n"
                 "A,2021-2025,14%,,省政府〔2022〕1号\n", encoding="utf-8")
    assert cli_json(capsys, "--db", wh, "targets", "load", f, "--user", "adm1")[0] == 0
    code, rows, _ = cli_json(capsys, "--db", wh, "targets", "list", "--json")
    assert {(r["region"], r["period"], r["intensity_decline"], r["version"]) for r in rows} == {
        ("P", "2021-2025", 0.135, 1), ("A", "2021-2025", 0.14, 1)}
    code, out, _ = cli_json(capsys, "--db", wh, "plan", "draft", "--parent", "P", "--years", "2021-2025", "--user", "adm1", "--json")
    assert out["target"] == {"intensity_decline": 0.135, "total_cap": None, "document": "国发〔2021〕23号 2021-10-24"}
    # a changed target is a new version, never an edit
    f.write_text("region,period,intensity_decline,total_cap,document\nP,2021-2025,0.15,1,更正\n", encoding="utf-8")
    assert cli_json(capsys, "--db", wh, "targets", "load", f, "--user", "adm1")[0] == 0
    rows = cli_json(capsys, "--db", wh, "targets", "list", "--json")[1]
    assert [r["version"] for r in rows if r["region"] == "P"] == [2]
    code, _, err = cli_json(capsys, "--db", wh, "plan", "draft", "--parent", "P", "--years", "2021-2025", "--user", "adm1")
    assert code == 1 and "total_over_cap" in err                   # the cap of 1 (万吨) handed down binds
    # yearly intensity targets: A's base intensity (2020 emissions / no GDP here) cannot be computed -> reported
    with db.connect(wh) as con:
        assert budget_books.intensity_targets(con).empty


@pytest.mark.parametrize("text, col", [
    ("region,period,intensity_decline,document\nZZ,2021-2025,0.1,x\n", "region"),
    ("region,period,intensity_decline,document\nP,2021,0.1,x\n", "period"),
    ("region,period,intensity_decline,document\nP,2021-2025,1.5,x\n", "intensity_decline"),
    ("region,period,intensity_decline,document\nP,2021-2025,nan,x\n", "intensity_decline"),
    ("region,period,intensity_decline,document\nP,2021-2025,0.1,\n", "document"),
    ("region,period,intensity_decline,total_cap,document\nP,2021-2025,0.1,-5,doc\n", "total_cap"),
    ("region,period,document\nP,2021-2025,doc\n", "intensity_decline"),
])
def test_bad_target_rows_are_refused_row_by_row_and_nothing_is_stored(wh, tmp_path, capsys, text, col):
    f = tmp_path / "t.csv"
    f.write_text(text, encoding="utf-8")
    code, _, err = cli_json(capsys, "--db", wh, "targets", "load", f, "--user", "adm1")
    assert code == 1 and col in err and "row" in err
    assert mtargets.listing(wh) == []


def test_only_an_admin_sets_rules_and_loads_targets(wh, tmp_path, capsys):
    f = tmp_path / "t.csv"
    f.write_text("region,period,intensity_decline,document\nP,2021-2025,0.1,doc\n", encoding="utf-8")
    assert cli_json(capsys, "--db", wh, "targets", "load", f, "--user", "gov")[0] == 1
    assert cli_json(capsys, "--db", wh, "rules", "set", "status.tolerance", "0.05", "--from", "2024-01-01",
                    "--reason", "x", "--user", "gov")[0] == 1
    assert mrules.current(wh)["status.tolerance"] == 0.03


def test_rules_in_force_follow_their_dates(wh):
    mrules.set_rule(wh, "status.tolerance", "0.05", dt.date(2030, 1, 1), "next period", "adm1")
    assert mrules.current(wh, dt.date(2029, 12, 31))["status.tolerance"] == 0.03
    assert mrules.current(wh, dt.date(2030, 1, 1))["status.tolerance"] == 0.05


def test_the_close_uses_the_statistics_the_test_built(wh):
    """Guards the fixture itself: A's 2021 accounted emissions are the sum of the months the test wrote."""
    _approved_plan(wh)
    close, _, _ = accounts.run_close(wh, 2021, "adm1")
    row = close.rows.set_index("region").loc["A"]
    assert float(row["accounted"]) == pytest.approx(sum(monthly(2021, m, "A") for m in range(1, 13)), abs=1e-3)
