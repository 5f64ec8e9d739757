"""Who may act where (warehouse/users.authorize) on a real warehouse with a three-level region tree: a reporter
scoped to the province itself (above city level), one scoped to a city, an analyst, a viewer, a disabled user."""
from __future__ import annotations

import pytest

from warehouse import db, users
from warehouse.regions_io import load_regions_file

PW = "long enough password"


@pytest.fixture
def wh(tmp_path, empty_db):
    regions = tmp_path / "regions.csv"
    regions.write_text("code,name_zh,name_en,parent,level\nP,省,Province,,province\nA,甲市,A,P,city\n"
                       "B,乙市,B,P,city\nA1,甲区,A1,A,district\n", encoding="utf-8")
    load_regions_file(empty_db, regions)
    users.add_user(empty_db, "admin", "admin", PW)
    users.add_user(empty_db, "prov", "reporter", PW, region="P")
    users.add_user(empty_db, "cityA", "reporter", PW, region="A")
    users.add_user(empty_db, "ana", "analyst", PW)
    users.add_user(empty_db, "view", "viewer", PW)
    users.add_user(empty_db, "gone", "admin", PW)
    users.set_disabled(empty_db, "gone")
    return empty_db


def _code(path, user, action, region):
    with db.connect(path) as con:
        try:
            return users.authorize(con, user, action, region)
        except users.PermissionDenied as exc:
            return exc.code


def test_a_reporter_scoped_above_city_level_acts_on_everything_below_it(wh):
    assert [_code(wh, "prov", "measure_edit", r) for r in ("P", "A", "A1", "B")] == ["prov"] * 4
    assert _code(wh, "prov", "measure_edit", None) == "out_of_scope"       # no region named: refused all the same
    assert _code(wh, "prov", "measure_edit", "Q") == "out_of_scope"        # not in the tree
    assert _code(wh, "prov", "upload", "A") == "role_insufficient"


def test_a_city_reporter_acts_on_its_city_and_below_only(wh):
    assert [_code(wh, "cityA", "measure_report", r) for r in ("A", "A1", "B", "P", None)] == [
        "cityA", "cityA", "out_of_scope", "out_of_scope", "out_of_scope"]
    assert _code(wh, "cityA", "view", None) == "cityA"                     # viewing needs no scope
    assert _code(wh, "cityA", "plan_approve", "A") == "role_insufficient"


def test_unscoped_roles_unknown_and_disabled_users(wh):
    assert _code(wh, "ana", "upload", None) == "ana" and _code(wh, "ana", "upload", "B") == "ana"
    assert _code(wh, "ana", "plan_approve", "B") == "role_insufficient"
    assert _code(wh, "view", "view", None) == "view" and _code(wh, "view", "measure_edit", "A") == "role_insufficient"
    assert _code(wh, "admin", "plan_approve", None) == "admin"
    assert _code(wh, "nobody", "view", None) == "unknown_user" and _code(wh, None, "view", None) == "unknown_user"
    assert _code(wh, "gone", "view", None) == "user_disabled"
    assert _code(wh, "  admin ", "view", None) == "admin" and _code(wh, "ＡＤＭＩＮ", "view", None) == "unknown_user"   # trimmed, NFKC; case kept


def test_without_users_the_cli_owner_acts(empty_db):
    assert _code(empty_db, None, "plan_approve", None) == "cli" and _code(empty_db, "王分析", "upload", "X") == "王分析"
    assert _code(empty_db, "x\u202ey", "upload", None) == "bad_name"
