"""The inbox, derived from the books, per user and city; e-mail through a real local SMTP server (aiosmtpd)."""
from __future__ import annotations

import shutil
import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from plan_util import cli_json, demo_copy
from warehouse import db, users

ADMIN, REPORTER, OTHER = "省管理员", "甲填报", "乙填报"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = demo_copy(tmp_path_factory, tmp_path_factory.mktemp("inbox") / "base.duckdb")
    users.add_user(path, ADMIN, "admin", "admin-pass-123")
    users.add_user(path, REPORTER, "reporter", "reporter-pass-1", region="SF03")
    users.add_user(path, OTHER, "reporter", "reporter-pass-2", region="SF05")
    return path


@pytest.fixture
def wh(base, tmp_path) -> Path:
    shutil.copy(base, tmp_path / "wh.duckdb")
    return tmp_path / "wh.duckdb"


def test_a_city_sees_its_budget_moves_and_answers_another_city_does_not(wh, capsys):
    from monitor import objections

    oid = objections.add(wh, region="SF03", about="plan:SF-2026-2030", text="请求增加", user=REPORTER, amount=9000)["objection_id"]
    code, box, _ = cli_json(capsys, "--db", wh, "inbox", "--user", REPORTER, "--json")
    assert code == 0 and box["region"] == "SF03"
    with db.connect(wh) as con:
        touching = con.execute("SELECT count(*) FROM budget_ledger WHERE to_region = 'SF03' OR from_region = 'SF03'").fetchall()[0][0]
    kinds = [i["kind"] for i in box["items"]]
    assert kinds.count("budget_adjusted") == touching  # one item per ledger entry that moved the city's budget
    assert f"objection:{oid}" not in {i["key"] for i in box["items"]}  # not answered yet
    _, admin_box, _ = cli_json(capsys, "--db", wh, "inbox", "--user", ADMIN, "--json")
    assert f"objection_open:{oid}" in {i["key"] for i in admin_box["items"]}
    objections.answer(wh, oid, decision="refused", text="分配依据充分", user=ADMIN)
    _, box, _ = cli_json(capsys, "--db", wh, "inbox", "--user", REPORTER, "--json")
    mine = [i for i in box["items"] if i["key"] == f"objection:{oid}"]
    assert mine and "分配依据充分" in mine[0]["text_zh"] and "refused" in mine[0]["text_en"]
    _, other, _ = cli_json(capsys, "--db", wh, "inbox", "--user", OTHER, "--json")
    assert all(i["region"] == "SF05" for i in other["items"]) and f"objection:{oid}" not in {i["key"] for i in other["items"]}
    _, admin_box, _ = cli_json(capsys, "--db", wh, "inbox", "--user", ADMIN, "--json")
    assert f"objection_open:{oid}" not in {i["key"] for i in admin_box["items"]}
    code, _, err = cli_json(capsys, "--db", wh, "inbox", "--user", "无此人")
    assert code == 1 and "unknown_user" in err


def test_the_province_is_told_what_to_file(wh, capsys):
    from monitor import filings

    due = filings.obligations(wh)
    _, box, _ = cli_json(capsys, "--db", wh, "inbox", "--user", ADMIN, "--json")
    keys = {i["key"] for i in box["items"]}
    for o in due[due["status"].isin(["due", "overdue"])].to_dict("records"):
        assert f"filing_{o['status']}:{o['kind']}:{o['object_id']}:{o['due']}" in keys


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_inbox_is_mailed_once_through_a_real_smtp_server(wh, capsys, monkeypatch):
    from aiosmtpd.controller import Controller

    received = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    port = _free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        code, _, err = cli_json(capsys, "--db", wh, "inbox", "--user", REPORTER, "--send")
        assert code == 1 and "CARBON_BUDGET_SMTP_HOST" in err  # not configured: a clear refusal
        monkeypatch.setenv("CARBON_BUDGET_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CARBON_BUDGET_SMTP_PORT", str(port))
        monkeypatch.setenv("CARBON_BUDGET_SMTP_FROM", "carbon@province.example")
        code, _, err = cli_json(capsys, "--db", wh, "inbox", "--user", REPORTER, "--send")
        assert code == 1 and "no_address" in err
        code, _, err = cli_json(capsys, "--db", wh, "inbox", "--user", REPORTER, "--set-email", "not an address")
        assert code == 1 and "bad_email" in err
        assert cli_json(capsys, "--db", wh, "inbox", "--user", REPORTER, "--set-email", "city03@province.example")[0] == 0
        _, box, _ = cli_json(capsys, "--db", wh, "inbox", "--user", REPORTER, "--json")
        code, out, _ = cli_json(capsys, "--db", wh, "inbox", "--user", REPORTER, "--send", "--json")
        assert code == 0 and out["sent"] == len(box["items"]) > 0
        assert len(received) == 1
        msg = received[0]
        assert msg["To"] == "city03@province.example" and msg["From"] == "carbon@province.example"
        body = msg.get_body(("plain",)).get_content()
        assert box["items"][0]["text_zh"] in body and box["items"][0]["text_en"] in body
        code, out, _ = cli_json(capsys, "--db", wh, "inbox", "--user", REPORTER, "--send", "--json")
        assert code == 0 and out["sent"] == 0 and len(received) == 1  # nothing new: nothing mailed again
    finally:
        controller.stop()


@pytest.mark.parametrize("text, zh, en", [
    ("部分采纳：从储备调剂 / Partly accepted", "部分采纳：从储备调剂", "Partly accepted"),
    ("budget plan P-v3 approved / 预算方案 P-v3 批准", "预算方案 P-v3 批准", "budget plan P-v3 approved"),
    ("only one language", "only one language", "only one language"),
    ("a / b", "a / b", "a / b"),
])
def test_a_stored_bilingual_text_is_split_for_each_reader(text, zh, en):
    from budget.inbox import split_bilingual

    assert split_bilingual(text) == (zh, en)


def test_items_of_one_day_come_newest_first():
    import pandas as pd

    from budget.inbox import ledger_items, newest_first

    ledger = pd.DataFrame({"entry_id": ["x-early", "a-late"], "date": ["2026-12-04", "2026-12-04"], "type": ["transfer"] * 2,
                           "year": [2026, 2026], "amount": [5.0, 7.0], "from_region": ["A", None], "to_region": ["reserve", "A"],
                           "reason": ["r", "r"], "recorded_at": pd.to_datetime(["2026-12-04 09:00", "2026-12-04 17:00"])})
    items = newest_first(ledger_items(ledger, "A"))
    assert [i["key"] for i in items] == ["ledger:a-late", "ledger:x-early"]
    assert items[1]["text_en"].startswith("2026 budget Transfer -5.00")
