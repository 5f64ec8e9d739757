"""Who may do what, and what no one may enter (issue 8: items 3-ledger, 4, 8, 9, 10, 11, 12).

Everything runs through the real CLI on real warehouse files in tmp_path."""
from __future__ import annotations

import io
import sys

import pandas as pd
import pytest

from cli.main import main
from tests.conftest import file_digest, small_regions
from warehouse import budget_books, db, store, users

PASSWORD = "correct-horse-1"


def _cli(args, capsys, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin + "\n"))
    capsys.readouterr()
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def small_demo(tmp_path):
    """A 12-city demo without the nowcast (fast), with its 2026–2030 ledger."""
    path = tmp_path / "demo.duckdb"
    assert main(["--db", str(path), "demo", "--no-nowcast", "--as-of", "2026-10", "--no-users"]) == 0
    return path


def _ledger_len(path) -> int:
    with db.connect(path) as con:
        return len(budget_books.entries(con))


def test_demo_refuses_a_warehouse_with_users_unless_forced_by_an_admin(small_demo, capsys, monkeypatch):
    p = str(small_demo)
    assert _cli(["--db", p, "users", "add", "boss", "--role", "admin"], capsys, PASSWORD, monkeypatch)[0] == 0
    assert _cli(["--db", p, "users", "add", "ana", "--role", "analyst", "--user", "boss"], capsys, PASSWORD,
                monkeypatch)[0] == 0
    before = file_digest(small_demo)
    code, _, err = _cli(["--db", p, "demo", "--no-nowcast"], capsys)
    assert code == 1 and "--force" in err and "users: 2" in err and "拒绝" in err
    code, _, err = _cli(["--db", p, "demo", "--no-nowcast", "--force", "--user", "ana"], capsys)
    assert code == 1 and "role_insufficient" in err
    assert file_digest(small_demo) == before  # refused: not a byte changed
    assert users.verify(small_demo, "boss", PASSWORD) == "admin"
    code, _, _ = _cli(["--db", p, "demo", "--no-nowcast", "--force", "--user", "boss", "--as-of", "2026-10", "--no-users"], capsys)
    assert code == 0 and not users.any_users(small_demo)


def test_demo_rebuilds_a_demo_only_warehouse_without_force(small_demo, capsys):
    assert db.user_content(small_demo) == {}
    assert _cli(["--db", str(small_demo), "demo", "--no-nowcast", "--as-of", "2026-10"], capsys)[0] == 0


def test_regions_load_needs_an_admin_once_users_exist(empty_db, tmp_path, capsys, monkeypatch):
    csv = tmp_path / "regions.csv"
    small_regions().to_csv(csv, index=False)
    p = str(empty_db)
    assert _cli(["--db", p, "users", "add", "boss", "--role", "admin"], capsys, PASSWORD, monkeypatch)[0] == 0
    assert _cli(["--db", p, "users", "add", "vic", "--role", "viewer", "--user", "boss"], capsys, PASSWORD,
                monkeypatch)[0] == 0
    code, _, err = _cli(["--db", p, "regions", "load", str(csv)], capsys)
    assert code == 1 and "unknown_user" in err
    code, _, err = _cli(["--db", p, "regions", "load", str(csv), "--user", "vic"], capsys)
    assert code == 1 and "role_insufficient" in err
    with db.connect(empty_db) as con:
        assert con.execute("SELECT count(*) FROM regions").fetchall()[0][0] == 0
    assert _cli(["--db", p, "regions", "load", str(csv), "--user", "boss"], capsys)[0] == 0


def test_first_user_must_be_an_admin_and_the_owner_can_always_add_one_back(empty_db, capsys, monkeypatch):
    p = str(empty_db)
    code, _, err = _cli(["--db", p, "users", "add", "vic", "--role", "viewer"], capsys, PASSWORD, monkeypatch)
    assert code == 1 and "first_user_admin" in err and not users.any_users(empty_db)
    assert _cli(["--db", p, "users", "add", "boss", "--role", "admin"], capsys, PASSWORD, monkeypatch)[0] == 0
    assert _cli(["--db", p, "users", "add", "vic", "--role", "viewer", "--user", "boss"], capsys, PASSWORD,
                monkeypatch)[0] == 0
    users.set_disabled(empty_db, "boss")  # the only admin is gone: the file's owner adds a new one
    code, _, _ = _cli(["--db", p, "users", "add", "chief", "--role", "admin"], capsys, PASSWORD, monkeypatch)
    assert code == 0 and users.verify(empty_db, "chief", PASSWORD) == "admin"
    code, _, err = _cli(["--db", p, "users", "add", "wu", "--role", "viewer"], capsys, PASSWORD, monkeypatch)
    assert code == 1  # an admin exists again: adding others needs --user


def test_names_are_normalised_so_records_cannot_be_spoofed_by_spelling(empty_db):
    users.add_user(empty_db, "admin", "admin", PASSWORD)
    with pytest.raises(users.UserError) as err:
        users.add_user(empty_db, "ａｄｍｉｎ ", "viewer", PASSWORD)  # full-width + trailing space
    assert err.value.code == "user_exists"
    assert users.verify(empty_db, " ａｄｍｉｎ", PASSWORD) == "admin"
    with db.connect(empty_db) as con:
        assert users.authorize(con, "ａｄｍｉｎ", "budget_change") == "admin"


def test_a_reporter_acts_only_on_its_own_region(empty_db):
    with db.transaction(empty_db) as con:
        store.upsert_regions(con, small_regions())
    users.add_user(empty_db, "boss", "admin", PASSWORD)
    users.add_user(empty_db, "jia", "reporter", PASSWORD, region="A")
    with pytest.raises(users.UserError):
        users.add_user(empty_db, "nobody", "reporter", PASSWORD)  # a reporter needs a region
    with pytest.raises(users.UserError):
        users.add_user(empty_db, "ghost", "reporter", PASSWORD, region="ZZ")
    with db.connect(empty_db) as con:
        assert users.authorize(con, "jia", "measure_report", region="A") == "jia"
        for region in ("B", "P", None):
            with pytest.raises(users.PermissionDenied) as err:
                users.authorize(con, "jia", "measure_report", region=region)
            assert err.value.code == "out_of_scope" and err.value.message_zh
        with pytest.raises(users.PermissionDenied) as err:
            users.authorize(con, "jia", "plan_approve", region="A")
        assert err.value.code == "role_insufficient"
        assert users.authorize(con, "boss", "plan_approve") == "boss"


def test_sign_in_locks_a_name_from_one_client_after_repeated_failures():
    from warehouse import signin

    now = [0.0]
    guard = signin.SignInGuard(clock=lambda: now[0])
    for _ in range(signin.SIGNIN_MAX_FAILURES - 1):
        guard.failed("ana", "10.0.0.9")
    assert guard.locked_for("ana", "10.0.0.9") == 0
    guard.failed("ａｎａ", "10.0.0.9")  # the same name in full width
    assert guard.locked_for("ana", "10.0.0.9") == pytest.approx(signin.SIGNIN_LOCK_SECONDS)
    assert guard.locked_for("bo", "10.0.0.9") == 0
    assert guard.locked_for("ana", "10.0.0.1") == 0      # another client is not locked out
    now[0] += signin.SIGNIN_LOCK_SECONDS + 1
    assert guard.locked_for("ana", "10.0.0.9") == 0


@pytest.mark.parametrize("amount, code", [("nan", "invalid_amount"), ("inf", "invalid_amount"),
                                          ("1e308", "amount_too_large"), ("-5", "invalid_amount")])
def test_ledger_refuses_non_finite_and_absurd_amounts_without_a_traceback(small_demo, capsys, amount, code):
    before = _ledger_len(small_demo)
    rc, _, err = _cli(["--db", str(small_demo), "budget", "entry", "--type", "transfer", "--year", "2026",
                       "--amount", amount, "--from", "SF01", "--to", "SF02", "--reason", "test", "--user", "me"], capsys)
    assert rc == 1 and f"({code})" in err and "Traceback" not in err
    assert _ledger_len(small_demo) == before


def test_ledger_refuses_regions_that_do_not_exist(small_demo, capsys):
    before = _ledger_len(small_demo)
    for flags in (["--from", "SF01", "--to", "NOPE"], ["--from", "NOPE", "--to", "SF01"]):
        rc, _, err = _cli(["--db", str(small_demo), "budget", "entry", "--type", "transfer", "--year", "2026",
                           "--amount", "5", *flags, "--reason", "test", "--user", "me"], capsys)
        assert rc == 1 and "(unknown_region)" in err and "NOPE" in err and "没有代码" in err
    assert _ledger_len(small_demo) == before
    rc, _, _ = _cli(["--db", str(small_demo), "budget", "entry", "--type", "transfer", "--year", "2026",
                     "--amount", "5", "--from", "SF01", "--to", "SF02", "--reason", "test", "--user", "me"], capsys)
    assert rc == 0 and _ledger_len(small_demo) == before + 1


def test_export_bad_known_on_is_a_clear_error(small_demo, capsys):
    rc, _, err = _cli(["--db", str(small_demo), "export", "--known-on", "last tuesday"], capsys)
    assert rc == 2 and "YYYY-MM-DD" in err and "Traceback" not in err


def test_formula_like_region_codes_and_names_are_defused_in_export(empty_db, tmp_path, capsys):
    regions = pd.DataFrame({"code": ["P", "=HYPERLINK(\"http://x\")", "+cmd|calc"],
                            "name_zh": ["省", "@SUM(A1)", "乙"], "name_en": ["P", "A", "B"],
                            "parent": ["", "P", "P"], "level": ["province", "city", "city"]})
    obs = pd.DataFrame({"region": ["=HYPERLINK(\"http://x\")", "+cmd|calc"], "period": ["2026-01", "2026-01"],
                        "indicator": ["elec_total", "elec_total"], "value": [1.0, 2.0]})
    with db.transaction(empty_db) as con:
        store.upsert_regions(con, regions)
        batch, at = store.new_batch(con, origin="upload", rows_in=2, rows_loaded=2)
        store.append_observations(con, obs, kind="statistical", batch_id=batch, recorded_at=at)
    out = tmp_path / "export.csv"
    assert _cli(["--db", str(empty_db), "export", "--out", str(out)], capsys)[0] == 0
    cells = pd.read_csv(out, dtype=str)["region"].tolist()
    assert sorted(cells) == sorted(["'=HYPERLINK(\"http://x\")", "'+cmd|calc"])


def test_weather_vane_card_escapes_a_region_code_with_quotes():
    from services import cards

    row = pd.Series({"region": 'X" onmouseover="alert(1)', "name_zh": "<b>城</b>", "name_en": "C", "status": "balance",
                     "warning_level": "green", "execution_rate": 0.5, "schedule_progress": 0.5, "deviation": 0.0,
                     "p_overspend": 0.1, "previous_level": None, "used": 1.0, "used_estimated": 0.0})
    html_text = cards.grid(pd.DataFrame([row]))
    assert 'onmouseover="alert(1)' not in html_text and "<b>城</b>" not in html_text
    assert "X%22+onmouseover%3D%22alert%281%29" in html_text


def test_ledger_refuses_entries_for_a_closed_year(small_demo, capsys):
    from warehouse import closes

    with db.connect(small_demo) as con:
        closed = closes.closed_years(con)
    assert 2025 in closed and 2026 not in closed  # the demo closes 2021-2025 (approved final accounts)
    before = _ledger_len(small_demo)
    rc, _, err = _cli(["--db", str(small_demo), "budget", "entry", "--type", "transfer", "--year", "2025",
                       "--amount", "5", "--from", "SF01", "--to", "SF02", "--reason", "late fix", "--user", "me"], capsys)
    assert rc == 1 and "(closed_year)" in err and "2025" in err and "决算" in err
    rc, _, err = _cli(["--db", str(small_demo), "budget", "entry", "--type", "advance", "--year", "2025",
                       "--amount", "1", "--to", "SF01", "--reason", "borrow", "--user", "me"], capsys)
    assert rc == 1 and "(closed_year)" in err
    assert _ledger_len(small_demo) == before
