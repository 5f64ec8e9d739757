"""Rollback by appending, refusals, permissions, supersession kept, CO2 re-accounted; batch reading."""
from __future__ import annotations

import time

import pandas as pd
import pytest

from cli.main import main
from warehouse import batches, db, queries, rollback, store, users

PASSWORD = "a long enough password"


def _append(path, rows, kind="statistical", origin="upload", account=False):
    """One batch the way an upload writes it; returns (batch_id, recorded_at)."""
    obs = pd.DataFrame(rows, columns=["region", "period", "indicator", "value"])
    with db.transaction(path) as con:
        batch_id, at = store.new_batch(con, origin=origin, created_by="tester", rows_in=len(obs), rows_loaded=len(obs))
        store.append_observations(con, obs, kind=kind, batch_id=batch_id, recorded_at=at)
        if account:
            store.store_accounting(con, regions=sorted(obs["region"].unique()))
    time.sleep(0.003)  # distinct recorded_at, so as-of queries can tell batches apart
    return batch_id, at


def _current(path, indicator="elec_total", kind="statistical") -> dict:
    with db.connect(path) as con:
        got = queries.observations_frame(con, kind=kind)
    got = got[got["indicator"] == indicator]
    return {(r.region, r.period): r.value for r in got.itertuples()}


def _batch(path, batch_id) -> dict:
    with db.connect(path) as con:
        return queries.batches(con).set_index("batch_id").loc[batch_id].to_dict()


def test_rollback_restores_previous_value_and_as_of_still_shows_it(empty_db):
    _, t1 = _append(empty_db, [("A", "2024-01", "elec_total", 100.0), ("A", "2024-02", "elec_total", 90.0)])
    b2, t2 = _append(empty_db, [("A", "2024-01", "elec_total", 120.0), ("A", "2024-03", "elec_total", 95.0)])
    result = rollback.rollback_batch(empty_db, b2, "wang")
    assert (result["restored"], result["retracted"], result["skipped"]) == (1, 1, 0)
    assert _current(empty_db) == {("A", "2024-01"): 100.0, ("A", "2024-02"): 90.0}
    with db.connect(empty_db) as con:
        then = queries.known_on(con, str(t2))
        before = queries.known_on(con, str(t1))
        raw = con.execute("SELECT count(*) FROM observations").fetchone()[0]
    assert then.set_index("period")["value"].to_dict() == {"2024-01": 120.0, "2024-02": 90.0, "2024-03": 95.0}
    assert before.set_index("period")["value"].to_dict() == {"2024-01": 100.0, "2024-02": 90.0}
    assert raw == 6  # 2 + 2 + 2 appended, nothing deleted
    assert _batch(empty_db, b2)["status"] == "rolled_back"
    undo = _batch(empty_db, result["rollback_batch"])
    assert (undo["origin"], undo["created_by"], undo["note"]) == ("rollback", "wang", f"rollback of batch {b2}")


def test_rollback_of_insert_only_batch_retracts_its_values(empty_db):
    b1, _ = _append(empty_db, [("A", "2024-01", "elec_total", 100.0), ("B", "2024-01", "elec_total", 7.0)])
    result = rollback.rollback_batch(empty_db, b1, "wang")
    assert (result["restored"], result["retracted"]) == (0, 2)
    assert _current(empty_db) == {}
    with db.connect(empty_db) as con:
        undo = batches.batch_rows(con, result["rollback_batch"])
    assert undo["value"].isna().all() and len(undo) == 2


@pytest.mark.parametrize("origin", ["rollback", "demo", "nowcast", "accounting"])
def test_refusals(empty_db, origin):
    b1, _ = _append(empty_db, [("A", "2024-01", "elec_total", 100.0)])
    rollback.rollback_batch(empty_db, b1, "wang")
    with pytest.raises(rollback.RollbackRefused) as err:
        rollback.rollback_batch(empty_db, b1, "wang")
    assert err.value.code == "already_rolled_back" and err.value.message_zh
    with pytest.raises(rollback.RollbackRefused) as err:
        rollback.rollback_batch(empty_db, 999, "wang")
    assert err.value.code == "batch_not_found"
    other, _ = _append(empty_db, [("A", "2024-02", "elec_total", 1.0)], origin=origin)
    with pytest.raises(rollback.RollbackRefused) as err:
        rollback.rollback_batch(empty_db, other, "wang")
    assert err.value.code == "not_rollbackable"
    assert _current(empty_db) == {("A", "2024-02"): 1.0}


def test_later_supersession_is_not_clobbered(empty_db):
    _append(empty_db, [("A", "2024-01", "elec_total", 100.0)])
    b2, _ = _append(empty_db, [("A", "2024-01", "elec_total", 120.0), ("B", "2024-01", "elec_total", 5.0)])
    b3, _ = _append(empty_db, [("A", "2024-01", "elec_total", 130.0)])
    result = rollback.rollback_batch(empty_db, b2, "wang")
    assert (result["restored"], result["retracted"], result["skipped"]) == (0, 1, 1)
    assert result["skipped_keys"][0]["current_batch"] == b3
    assert _current(empty_db) == {("A", "2024-01"): 130.0}
    with db.connect(empty_db) as con:
        report = batches.batch_report(con, result["rollback_batch"])
    assert report[["region", "current_value"]].values.tolist() == [["A", 130.0]]
    # undoing the later batch now goes back past the rolled-back one
    rollback.rollback_batch(empty_db, b3, "wang")
    assert _current(empty_db) == {("A", "2024-01"): 100.0}


def test_undo_newest_first_walks_back(empty_db):
    b1, _ = _append(empty_db, [("A", "2024-01", "elec_total", 100.0)])
    b2, _ = _append(empty_db, [("A", "2024-01", "elec_total", 120.0)])
    b3, _ = _append(empty_db, [("A", "2024-01", "elec_total", 100.0)])
    b4, _ = _append(empty_db, [("A", "2024-01", "elec_total", 120.0)])
    rollback.rollback_batch(empty_db, b4, "wang")
    assert _current(empty_db) == {("A", "2024-01"): 100.0}
    assert rollback.rollback_batch(empty_db, b1, "wang")["skipped"] == 1  # b2, b3 still stand
    assert _current(empty_db) == {("A", "2024-01"): 100.0}
    rollback.rollback_batch(empty_db, b3, "wang")
    assert _current(empty_db) == {("A", "2024-01"): 120.0}
    rollback.rollback_batch(empty_db, b2, "wang")
    assert _current(empty_db) == {}  # b1 was rolled back too


def test_rollback_reaccounts_co2(empty_db):
    _append(empty_db, [("A", "2024-01", "fuel_raw_coal", 10.0)], account=True)
    co2_before = _current(empty_db, "co2_total")
    b2, _ = _append(empty_db, [("A", "2024-01", "fuel_raw_coal", 20.0), ("A", "2024-02", "fuel_raw_coal", 5.0)],
                    account=True)
    assert set(_current(empty_db, "co2_total")) == {("A", "2024-01"), ("A", "2024-02")}
    result = rollback.rollback_batch(empty_db, b2, "wang")
    assert (result["co2_stored"], result["co2_retracted"]) == (1, 1)
    assert _current(empty_db, "co2_total") == pytest.approx(co2_before)


def test_viewer_cannot_roll_back_analyst_can(empty_db):
    b1, _ = _append(empty_db, [("A", "2024-01", "elec_total", 100.0)])
    users.add_user(empty_db, "v", "viewer", PASSWORD)
    users.add_user(empty_db, "an", "analyst", PASSWORD)
    for who in ("v", "ghost", None):
        with pytest.raises(users.PermissionDenied):
            rollback.rollback_batch(empty_db, b1, who)
    assert _batch(empty_db, b1)["status"] == "loaded"
    assert main(["--db", str(empty_db), "rollback", str(b1), "--user", "v"]) == 1
    assert main(["--db", str(empty_db), "rollback", str(b1)]) == 1  # users exist: --user needed
    assert main(["--db", str(empty_db), "rollback", str(b1), "--user", "an"]) == 0
    assert main(["--db", str(empty_db), "rollback", str(b1), "--user", "an"]) == 1  # already rolled back
    assert _current(empty_db) == {}


def test_cli_rollback_without_users(empty_db, capsys):
    b1, _ = _append(empty_db, [("A", "2024-01", "elec_total", 100.0)])
    assert main(["--db", str(empty_db), "rollback", str(b1)]) == 0
    assert "rolled back" in capsys.readouterr().out
    assert main(["--db", str(empty_db), "rollback", "12345"]) == 1
    assert "batch_not_found" in capsys.readouterr().err


def test_compare_batches_and_what_changed(empty_db):
    a, _ = _append(empty_db, [("A", "2024-01", "elec_total", 100.0), ("A", "2024-02", "elec_total", 90.0),
                              ("B", "2024-01", "elec_total", 50.0)])
    b, _ = _append(empty_db, [("A", "2024-01", "elec_total", 110.0), ("A", "2024-03", "elec_total", 95.0),
                              ("B", "2024-01", "elec_total", 50.0)])
    with db.connect(empty_db) as con:
        cmp = batches.compare_batches(con, a, b).set_index("key")
        rows = batches.batch_rows(con, b)
        changed = batches.what_changed(con, b)
    assert list(rows.columns) == ["region", "period", "indicator", "value", "kind"] and len(rows) == 3
    assert {"value_a", "value_b", "diff", "diff_pct", "in_a", "in_b"} <= set(cmp.columns)
    jan = cmp.loc["A|2024-01|elec_total|statistical"]
    assert (jan["diff"], jan["diff_pct"], jan["in_a"], jan["in_b"]) == (10.0, pytest.approx(10.0), True, True)
    feb, mar = cmp.loc["A|2024-02|elec_total|statistical"], cmp.loc["A|2024-03|elec_total|statistical"]
    assert (bool(feb["in_a"]), bool(feb["in_b"]), bool(mar["in_a"]), bool(mar["in_b"])) == (True, False, False, True)
    assert pd.isna(feb["value_b"]) and pd.isna(mar["diff_pct"])
    assert cmp.loc["B|2024-01|elec_total|statistical", "diff"] == 0
    assert changed["regions"] == ["A", "B"]
    assert changed["new_months"] == {"A": ["2024-03"]}
    assert changed["revised"][["region", "period", "old", "new"]].values.tolist() == [["A", "2024-01", 100.0, 110.0]]
    assert changed["revised"]["change_pct"].iloc[0] == pytest.approx(10.0)
    assert (changed["n_new_values"], changed["n_revised"], changed["n_rows"]) == (1, 1, 3)
    with db.connect(empty_db) as con:
        assert batches.what_changed(con, a)["new_months"] == {"A": ["2024-01", "2024-02"], "B": ["2024-01"]}
        assert batches.batch_report(con, a).empty
