"""Transfers across the border (跨区域调剂, issue 17 item 7): another province's account EXTERNAL:<name>, named by
its document; the books balance and the province total moves by the amount (figures by hand)."""
from __future__ import annotations

import pytest

import budget
from budget.ledger import LedgerError, apply, check_balanced, new_entry
from budget.ledger_checks import changes_total
from plan_util import cli_json, tiny_warehouse


def _e(t, year, amount, **kw):
    return new_entry(t, year, amount, user="u", reason="r", **kw)


def test_budget_leaves_and_arrives_and_the_total_moves_with_it():
    entries = [_e("allocation", 2026, 100, to_region="A"), _e("allocation", 2026, 50, to_region="B"),
               _e("reserve_set_aside", 2026, 10),
               _e("transfer", 2026, 30, from_region="A", to_region="EXTERNAL:湖北省", project="鄂调〔2026〕1号"),
               _e("transfer", 2026, 20, from_region="EXTERNAL:湖北省", to_region="reserve", project="鄂调〔2026〕2号"),
               _e("transfer", 2026, 5, from_region="reserve", to_region="EXTERNAL:江西省", project="赣调〔2026〕1号")]
    b = apply(entries)
    t = b.totals.set_index("year").loc[2026]
    assert t["province_total"] == pytest.approx(160 - 30 + 20 - 5)  # 145
    assert t["reserve"] == pytest.approx(10 + 20 - 5)
    budgets = b.regions.set_index("region")["budget"]
    assert budgets["A"] == pytest.approx(70) and budgets["B"] == pytest.approx(50)
    assert set(budgets.index) == {"A", "B"}  # the other provinces are not accounts of ours
    ext = dict(zip(b.external["counterparty"], b.external["net"]))
    assert ext == {"湖北省": pytest.approx(-10), "江西省": pytest.approx(-5)}
    assert check_balanced(b)
    assert changes_total(entries[3]) and changes_total(entries[4]) and not changes_total(_e("transfer", 2026, 1, from_region="A", to_region="B"))


@pytest.mark.parametrize("kw, code", [
    ({"from_region": "A", "to_region": "EXTERNAL:湖北省"}, "cross_border_document"),
    ({"from_region": "EXTERNAL:甲", "to_region": "EXTERNAL:乙", "project": "d"}, "cross_border_both"),
    ({"from_region": "A", "to_region": "EXTERNAL:  ", "project": "d"}, "unknown_region"),
    ({"from_region": "A", "to_region": "EXTERNAL:湖北省", "project": "d", "amount": 101}, "insufficient_budget"),
])
def test_refusals(kw, code):
    amount = kw.pop("amount", 10)
    with pytest.raises(LedgerError) as exc:
        apply([_e("allocation", 2026, 100, to_region="A"), _e("transfer", 2026, amount, **kw)])
    assert exc.value.code == code and exc.value.message("zh") != exc.value.message("en")


def test_the_cli_names_the_document_and_the_ledger_shows_it(tmp_path, capsys):
    wh = tiny_warehouse(tmp_path)
    base = ["--db", wh, "budget", "entry", "--year", "2026", "--user", "省管理员"]
    assert cli_json(capsys, *base, "--type", "allocation", "--from", "P", "--to", "A", "--amount", "100", "--reason", "plan")[0] == 0
    code, _, err = cli_json(capsys, *base, "--type", "transfer", "--from", "A", "--to", "EXTERNAL:湖北省", "--amount", "30",
                            "--reason", "跨省调剂")
    assert code == 1 and "cross_border_document" in err
    code, _, _ = cli_json(capsys, *base, "--type", "transfer", "--from", "A", "--to", "EXTERNAL:湖北省", "--amount", "30",
                          "--reason", "跨省调剂", "--document", "鄂调〔2026〕1号")
    assert code == 0
    from warehouse import budget_books, db

    with db.connect(wh) as con:
        led = budget_books.entries(con)
    row = led[led["to_region"] == "EXTERNAL:湖北省"].iloc[0]
    assert row["project"] == "鄂调〔2026〕1号" and row["from_region"] == "A" and row["amount"] == 30
    bal = budget.apply(budget.entries_from_frame(led))
    assert bal.totals.set_index("year").loc[2026, "province_total"] == pytest.approx(70)
