"""Policy adjustment on a real warehouse (a copy of the demo): the CLI contract, roles and regions checked
in the transaction, approvals writing one balanced ledger entry, refusals none, bad input storing nothing."""
from __future__ import annotations

import json
import shutil

import pytest

import budget
from budget.measures import MeasureError
from cli.main import main
from monitor import measures as ms
from tests.conftest import file_digest
from warehouse import budget_books, db, users
from warehouse import measures as store


@pytest.fixture
def wh(demo_db, tmp_path):
    path = tmp_path / "wh.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture
def with_users(wh):
    users.add_user(wh, "boss", "admin", "admin-pass-12")
    users.add_user(wh, "rep7", "reporter", "reporter-pass-1", region="SF07")
    return wh


def _ledger(path):
    with db.connect(path) as con:
        return budget_books.entries(con)


def _status(path, capsys) -> dict:
    assert main(["--db", str(path), "status", "--json"]) == 0
    return {r["region"]: r for r in json.loads(capsys.readouterr().out)["regions"]}


def test_cli_add_prints_the_measure_and_the_status_projection_moves(wh, capsys):
    before_all = _status(wh, capsys)
    before = before_all["SF11"]
    assert before["projected_year_end"] == pytest.approx(before["projected_year_end_with_measures"])  # no measures
    code = main(["--db", str(wh), "measures", "add", "--region", "SF11", "--title", "燃煤锅炉淘汰", "--instrument", "phase_out",
                 "--owner", "市发改委", "--start", "2026-01", "--end", "2027-12", "--reduction", "120", "--json"])
    assert code == 0
    m = json.loads(capsys.readouterr().out)
    assert (m["region"], m["instrument"], m["instrument_type"], m["status"], m["reduction"]) == \
        ("SF11", "phase_out", "control", "planned", 120.0)
    after = _status(wh, capsys)
    s = after["SF11"]
    assert s["projected_year_end"] == pytest.approx(before["projected_year_end"])
    # as of 2026-10 the last data month is October: Nov and Dec lose 10 each
    assert s["projected_year_end"] - s["projected_year_end_with_measures"] == pytest.approx(20, abs=1e-3)
    assert s["p_overspend_with_measures"] <= s["p_overspend"]
    prov = after["SF"]
    assert prov["projected_year_end_with_measures"] < before_all["SF"]["projected_year_end_with_measures"]
    assert main(["--db", str(wh), "measures", "report", str(m["measure_id"]), "--text", "已关停 2 台锅炉", "--value", "8",
                 "--user", "王"]) == 0
    with db.connect(wh) as con:
        reps = store.reports(con)
    assert reps.iloc[-1][["measure_id", "text", "value", "author", "review_status"]].tolist() == \
        [m["measure_id"], "已关停 2 台锅炉", 8.0, "王", "submitted"]


@pytest.mark.parametrize("args, code", [
    (["--reduction", "nan"], "bad_number"), (["--reduction", "inf"], "bad_number"),
    (["--region", "XX99"], "unknown_region"), (["--instrument", "magic_wand"], "unknown_instrument"),
    (["--start", "2026-09", "--end", "2026-03"], "end_before_start"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(wh, capsys, args, code):
    base = {"--region": "SF03", "--title": "t", "--instrument": "phase_out", "--owner": "o", "--start": "2026-01",
            "--end": "2026-12", "--reduction": "10"}
    for k, v in zip(args[::2], args[1::2]):
        base[k] = v
    before = file_digest(wh)
    assert main(["--db", str(wh), "measures", "add", *[x for kv in base.items() for x in kv], "--json"]) == 1
    err = capsys.readouterr().err
    assert f"refused ({code})" in err and " / " in err  # English / Chinese
    assert file_digest(wh) == before


def test_a_reporter_cannot_touch_another_citys_measures_even_directly(with_users, capsys):
    wh = with_users
    mine = ms.add_measure(wh, region="SF07", title="本市措施", instrument="green_finance", owner="金融办", start="2026-01",
                          end="2026-12", reduction=5, user="rep7")
    assert mine["created_by"] == "rep7"
    other = store_measures(wh)
    sf03 = int(other.loc[other["region"] == "SF03", "measure_id"].iloc[0])
    before = file_digest(wh)
    attempts = [
        lambda: ms.add_measure(wh, region="SF03", title="越权", instrument="phase_out", owner="x", start="2026-01",
                               end="2026-12", reduction=5, user="rep7"),
        lambda: ms.change_status(wh, sf03, "cancelled", "越权取消", user="rep7"),
        lambda: ms.add_report(wh, sf03, "越权填报", user="rep7"),
        lambda: ms.submit_application(wh, kind="advance", region="SF03", year=2026, amount=10, reason="x", user="rep7"),
        lambda: ms.review_application(wh, 2, "approve", "自批", user="rep7"),
        lambda: ms.review_report(wh, 1, "accepted", user="rep7"),
    ]
    # another city's records: out of scope; reviews: an admin's (the reporter's role is not enough)
    expected = ["out_of_scope"] * 4 + ["role_insufficient"] * 2
    for attempt, code in zip(attempts, expected):
        with pytest.raises(users.PermissionDenied) as exc:
            attempt()
        assert exc.value.code == code and exc.value.message_zh
    assert main(["--db", str(wh), "measures", "report", str(sf03), "--text", "x", "--user", "rep7"]) == 1
    assert "out_of_scope" in capsys.readouterr().err
    assert file_digest(wh) == before
    # own city: allowed; an admin acts on any city
    ms.add_report(wh, mine["measure_id"], "进展", value=1.0, user="rep7")
    ms.change_status(wh, sf03, "cancelled", "省级统筹调整", user="boss")
    with pytest.raises(users.PermissionDenied):
        ms.add_measure(wh, region="SF07", title="t", instrument="phase_out", owner="o", start="2026-01", end="2026-02",
                       reduction=1)  # nobody signed in while users exist


def store_measures(path):
    with db.connect(path) as con:
        return store.measures(con)


def test_approval_writes_one_balanced_ledger_entry_refusal_none(with_users):
    wh = with_users
    with db.connect(wh) as con:
        project = store.projects(con).iloc[0]
    aid = ms.submit_application(wh, kind="separately_listed", region=project["region"], year=2026, amount=40,
                                reason="二期", user="boss", project_id=int(project["project_id"]))
    refused = ms.submit_application(wh, kind="advance", region="SF07", year=2026, amount=30, reason="预支", user="rep7")
    pending = ms.submit_application(wh, kind="advance", region="SF07", year=2026, amount=20, reason="预支", user="rep7")
    n0 = len(_ledger(wh))
    out = ms.review_application(wh, aid, "approve", "论证通过", user="boss")
    led = _ledger(wh)
    assert len(led) == n0 + 1
    e = led.iloc[-1]
    assert (e["type"], e["to_region"], e["from_region"], e["amount"], e["project"], e["user"]) == \
        ("separately_listed", project["region"], "reserve", 40.0, project["name"], "boss")
    assert e["entry_id"] == out["entry_id"]
    assert budget.check_balanced(budget.apply(budget.entries_from_frame(led)))
    ms.review_application(wh, refused, "refuse", "理由不充分", user="boss")
    assert len(_ledger(wh)) == n0 + 1
    with db.connect(wh) as con:
        apps = store.applications(con).set_index("application_id")
    assert apps.loc[aid, "status"] == "approve" and apps.loc[refused, "status"] == "refuse"
    assert apps.loc[refused, "review_reason"] == "理由不充分" and apps.loc[pending, "status"] == "pending"
    with pytest.raises(MeasureError) as exc:
        ms.review_application(wh, aid, "refuse", "again", user="boss")
    assert exc.value.code == "already_reviewed"


def test_partial_advance_within_the_cap_and_over_the_cap_changes_nothing(wh):
    books = budget.apply(budget.entries_from_frame(_ledger(wh))).regions.set_index(["region", "year"])["budget"]
    # 10% of next year's budget: well within what the city holds, twice the 5% advance cap
    aid = ms.submit_application(wh, kind="advance", region="SF07", year=2026, amount=0.10 * books[("SF07", 2027)],
                                reason="大额预支")
    before, n0 = file_digest(wh), len(_ledger(wh))
    with pytest.raises(budget.LedgerError) as exc:
        ms.review_application(wh, aid, "approve", "同意")
    assert exc.value.code == "advance_over_cap"
    assert file_digest(wh) == before
    with pytest.raises(MeasureError) as exc:
        ms.review_application(wh, aid, "partly", "部分", amount=float("nan"))
    out = ms.review_application(wh, aid, "partly", "在上限内部分同意", amount=50)
    led = _ledger(wh)
    assert len(led) == n0 + 1 and led.iloc[-1]["type"] == "advance" and out["amount_granted"] == 50
    bal = budget.apply(budget.entries_from_frame(led)).regions.set_index(["region", "year"])
    assert bal.loc[("SF07", 2027), "advanced"] == pytest.approx(-50)  # next year shows the repayment
    assert budget.check_balanced(budget.apply(budget.entries_from_frame(led)))


def test_demo_has_owned_measures_some_late_and_the_three_applications(demo_db):
    data = ms.register(demo_db)
    m, apps = data["measures"], data["applications"]
    red = {"SF03", "SF06", "SF07", "SF08", "SF10"}
    assert red <= set(m["region"]) and m["owner_dept"].str.len().gt(0).all()
    assert (m["effective_status"] == "late").sum() >= 2
    assert sorted(apps["status"]) == ["approve", "pending", "refuse"]
    sl = apps[apps["kind"] == "separately_listed"].iloc[0]
    assert sl["region"] == "SF10" and sl["status"] == "approve"
    assert sl["entry_id"] in set(_ledger(demo_db)["entry_id"])
