"""Users and roles: argon2 hashes only, verification, the permission table, and the `users` CLI."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from tests.conftest import ROOT
from warehouse import db, users

PASSWORD = "correct horse 电池 staple"


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "carbon-budget"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli.main"]


def test_password_is_never_stored_in_clear(empty_db):
    users.add_user(empty_db, "li", "analyst", PASSWORD)
    with db.connect(empty_db) as con:
        rows = con.execute("SELECT * FROM users").fetchall()
    assert len(rows) == 1 and PASSWORD not in repr(rows)
    stored = rows[0][2]
    assert stored.startswith("$argon2id$")
    raw = b"".join(p.read_bytes() for p in (Path(empty_db), Path(str(empty_db) + ".wal")) if p.exists())
    assert PASSWORD.encode("utf-8") not in raw
    listed = users.list_users(empty_db)
    assert list(listed.columns) == ["name", "role", "created_at", "disabled", "region"]
    assert "$argon2" not in listed.to_csv()


def test_verify_right_wrong_unknown_and_disabled(empty_db):
    assert not users.any_users(empty_db)
    users.add_user(empty_db, "li", "analyst", PASSWORD)
    assert users.any_users(empty_db)
    assert users.verify(empty_db, "li", PASSWORD) == "analyst"
    assert users.verify(empty_db, "li", PASSWORD + "x") is None
    assert users.verify(empty_db, "li", "") is None
    assert users.verify(empty_db, "nobody", PASSWORD) is None
    users.set_disabled(empty_db, "li")
    assert users.verify(empty_db, "li", PASSWORD) is None
    users.set_disabled(empty_db, "li", False)
    assert users.verify(empty_db, "li", PASSWORD) == "analyst"


def test_bad_input_is_refused(empty_db):
    users.add_user(empty_db, "li", "viewer", PASSWORD)
    for name, role, pw, code in [("li", "viewer", PASSWORD, "user_exists"), ("wang", "root", PASSWORD, "bad_role"),
                                 ("wang", "viewer", "short", "weak_password"), ("", "viewer", PASSWORD, "bad_name"),
                                 ("a\nb", "viewer", PASSWORD, "bad_name")]:
        with pytest.raises(users.UserError) as err:
            users.add_user(empty_db, name, role, pw)
        assert err.value.code == code and err.value.message_zh


def test_roles_are_ordered_and_permissions_live_in_one_table(empty_db):
    assert users.ROLES == ("viewer", "reporter", "analyst", "admin")
    assert users.PERMISSIONS["upload"] == users.PERMISSIONS["rollback"] == "analyst"
    assert users.PERMISSIONS["budget_change"] == users.PERMISSIONS["manage_users"] == "admin"
    assert users.can("admin", "rollback") and users.can("analyst", "upload") and not users.can("viewer", "rollback")
    assert not users.can("analyst", "budget_change") and not users.can(None, "view")
    for name, role in [("v", "viewer"), ("an", "analyst"), ("ad", "admin")]:
        users.add_user(empty_db, name, role, PASSWORD)
    assert users.require_role(empty_db, "ad", "analyst") == "admin"
    assert users.require_role(empty_db, "an", "rollback") == "analyst"
    cases = [("v", "rollback", "role_insufficient"), ("an", "manage_users", "role_insufficient"),
             ("ghost", "viewer", "unknown_user"), (None, "viewer", "unknown_user")]
    for user, needed, code in cases:
        with pytest.raises(users.PermissionDenied) as err:
            users.require_role(empty_db, user, needed)
        assert err.value.code == code and err.value.message_en and err.value.message_zh
    users.set_disabled(empty_db, "ad")
    with pytest.raises(users.PermissionDenied) as err:
        users.require_role(empty_db, "ad", "viewer")
    assert err.value.code == "user_disabled"


def test_cli_users_add_reads_password_from_stdin(empty_db):
    done = subprocess.run(_cli() + ["--db", str(empty_db), "users", "add", "zhang", "--role", "admin"],
                          input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert users.verify(empty_db, "zhang", PASSWORD) == "admin"


def test_cli_users_list_and_admin_needed_once_users_exist(empty_db, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(empty_db), "users", "add", "zhang", "--role", "admin"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(empty_db), "users", "add", "li", "--role", "viewer"]) == 1  # no --user
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(empty_db), "users", "add", "li", "--role", "viewer", "--user", "zhang"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", str(empty_db), "users", "add", "wu", "--role", "viewer", "--user", "li"]) == 1
    capsys.readouterr()
    assert main(["--db", str(empty_db), "users", "list"]) == 0
    out = capsys.readouterr().out
    assert "zhang\tadmin" in out and "li\tviewer" in out and "argon2" not in out and "wu" not in out
