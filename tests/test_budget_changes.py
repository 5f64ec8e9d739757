"""Budget changes through the CLI: one attributed ledger entry each, books balanced, roles enforced."""
from __future__ import annotations

import shutil

import pytest

from cli.main import main
from monitor.status import status_report
from tests.conftest import file_digest
from warehouse import budget_books, db, users


@pytest.fixture
def wh(demo_db, tmp_path):
    path = tmp_path / "wh.duckdb"
    shutil.copy(demo_db, path)
    return path


def _budgets(path) -> dict:
    rep = status_report(path)
    return dict(zip(rep.progress["region"], rep.progress["budget"]))


def test_transfer_moves_budget_between_cities_and_keeps_the_province_total(wh, capsys):
    before = _budgets(wh)
    code = main(["--db", str(wh), "budget", "entry", "--type", "transfer", "--year", "2026", "--amount", "100",
                 "--from", "SF05", "--to", "SF07", "--reason", "调剂：化港市新增乙烯装置", "--user", "省发改委"])
    assert code == 0
    after = _budgets(wh)
    assert after["SF05"] == pytest.approx(before["SF05"] - 100)
    assert after["SF07"] == pytest.approx(before["SF07"] + 100)
    assert after["SF"] == pytest.approx(before["SF"])
    with db.connect(wh) as con:
        last = budget_books.entries(con).iloc[-1]
    assert (last["type"], last["user"], last["reason"]) == ("transfer", "省发改委", "调剂：化港市新增乙烯装置")


def test_invalid_change_is_refused_and_nothing_is_written(wh, capsys):
    before = file_digest(wh)
    code = main(["--db", str(wh), "budget", "entry", "--type", "transfer", "--year", "2026", "--amount", "1e6",
                 "--from", "SF05", "--to", "SF07", "--reason", "too much", "--user", "x"])
    assert code == 1 and "insufficient_budget" in capsys.readouterr().err
    assert file_digest(wh) == before


def test_budget_change_needs_an_admin_once_users_exist(wh, capsys):
    users.add_user(wh, "ana", "analyst", "analyst-pass-1")
    users.add_user(wh, "boss", "admin", "admin-pass-12")
    args = ["--db", str(wh), "budget", "entry", "--type", "reserve_release", "--year", "2026", "--amount", "10",
            "--to", "SF07", "--reason", "释放储备"]
    before = file_digest(wh)
    assert main(args + ["--user", "ana"]) == 1
    assert "role_insufficient" in capsys.readouterr().err
    assert file_digest(wh) == before
    assert main(args + ["--user", "boss"]) == 0


def test_a_budget_change_shows_on_the_city_page_at_once(wh, env_db):
    from tests.apptest_util import open_page

    env_db(wh)
    at = open_page("city", "en")
    at.selectbox(key="cd_region").select("SF07").run()

    def shown_budget() -> float:
        return float(next(m.value for m in at.metric if m.label == "Annual budget (10k t)").replace(",", ""))

    before = shown_budget()
    assert main(["--db", str(wh), "budget", "entry", "--type", "reserve_release", "--year", "2026", "--amount", "500",
                 "--to", "SF07", "--reason", "release", "--user", "x"]) == 0
    at.run()  # same session, cached report: the new ledger entry changes the data version
    assert not at.exception
    assert shown_budget() == pytest.approx(before + 500, abs=1)
