"""First run (issue 22): demo accounts for every role shown on the sign-in page only while the warehouse is the
demo, signing in from what the page shows, signed session cookies, and the admin page."""
from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from demo_province.users_demo import DEMO_USERS, create_demo_users
from services import session
from tests.apptest_util import APP, texts
from warehouse import db, demo_accounts, session_keys, users


@pytest.fixture
def demo_users_db(demo_db, tmp_path, env_db):
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    env_db(path)
    made = create_demo_users(path)
    assert len(made) >= 4
    return path


def _run(lang: str = "zh", state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    for k, v in (state or {}).items():
        at.session_state[k] = v
    return at.run()


def _sidebar_table(at: AppTest):
    frames = [d.value.reset_index() for d in at.sidebar.table]
    return frames[0] if frames else None


def test_the_demo_is_the_demo_until_people_add_content(demo_users_db):
    assert demo_accounts.is_demo(demo_users_db)
    assert db.user_content(demo_users_db) == {}  # the demo's own accounts are not people's content
    users.add_user(demo_users_db, "真实用户", "viewer", "a-real-password")
    assert not demo_accounts.is_demo(demo_users_db)
    assert db.user_content(demo_users_db) == {"users": 1}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_newcomer_signs_in_as_each_demo_role_from_what_the_page_shows(demo_users_db, lang):
    at = _run(lang)
    table = _sidebar_table(at)
    assert table is not None and len(table) == len(demo_accounts.accounts(demo_users_db))
    name_col, pw_col = ("用户名", "密码") if lang == "zh" else ("User name", "Password")
    shown = dict(zip(table[name_col], table[pw_col]))
    roles = {n: r for n, r, _, _ in DEMO_USERS}
    for name, password in shown.items():  # typed in by hand, from the table on screen
        at = _run(lang)
        at.sidebar.text_input(key="auth_name").input(name)
        at.sidebar.text_input(key="auth_password").input(password)
        [b for b in at.sidebar.button if b.label in ("登录", "Sign in")][0].click().run()
        assert not at.exception, at.exception
        assert at.session_state["auth_user"] == {"name": name, "role": roles[name]}
        assert name in texts(at) or any(name in str(m.value) for m in at.sidebar.markdown)


def test_fill_button_signs_in_too(demo_users_db):
    at = _run("zh")
    [b for b in at.sidebar.button if b.key == "demo_fill_0"][0].click().run()
    assert at.sidebar.text_input(key="auth_password").value == "demo-admin-2026"
    [b for b in at.sidebar.button if b.label == "登录"][0].click().run()
    assert at.session_state["auth_user"]["role"] == "admin"


def test_passwords_disappear_and_demo_accounts_close_once_real_content_arrives(demo_users_db):
    users.add_user(demo_users_db, "真实管理员", "admin", "real-admin-pass")
    at = _run("zh")
    assert _sidebar_table(at) is None
    assert "demo-admin-2026" not in str([d.value for d in at.sidebar.table])
    at.sidebar.text_input(key="auth_name").input("张管理")
    at.sidebar.text_input(key="auth_password").input("demo-admin-2026")
    [b for b in at.sidebar.button if b.label == "登录"][0].click().run()
    assert "auth_user" not in at.session_state or not at.session_state["auth_user"]
    assert "示范账号已停用" in " ".join(e.value for e in at.sidebar.error)


def test_session_token_is_signed_and_expires(demo_users_db):
    key = session_keys.session_key(demo_users_db)
    assert key == session_keys.session_key(demo_users_db) and len(key) == 32
    tok = session.make_token(key, "张管理", now=1000.0)
    assert session.read_token(key, tok, now=1001.0) == "张管理"
    assert session.read_token(key, tok, now=1000.0 + session.MAX_AGE_SECONDS + 1) is None   # expired
    assert session.read_token(b"x" * 32, tok, now=1001.0) is None                             # another warehouse's key
    payload, sig = tok.split(".")
    forged = session._b64(b'{"u": "\\u5f20\\u7ba1\\u7406", "exp": 99999999999}')
    assert session.read_token(key, f"{forged}.{sig}", now=1001.0) is None                     # payload changed
    assert session.read_token(key, "garbage", now=1001.0) is None


def test_admin_page_adds_a_user_and_shows_it(demo_users_db):
    at = _run("zh", {"auth_user": {"name": "张管理", "role": "admin"}})
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception, at.exception
    at.text_input(key="fu_u_name").input("新分析员")
    at.selectbox(key="fu_u_role").set_value("analyst")
    at.text_input(key="fu_u_pw").input("new-analyst-pass")
    [b for b in at.button if b.label == "添加用户"][0].click().run()
    assert not at.exception, at.exception
    assert "已添加用户 新分析员" in texts(at)
    assert "新分析员" in list(at.dataframe[0].value["用户名"])
    assert at.text_input(key="fu_u_name").value == ""
    assert users.verify(demo_users_db, "新分析员", "new-analyst-pass") == "analyst"


def test_admin_page_is_for_admins_only(demo_users_db):
    from services import admin_view

    at = _run("zh", {"auth_user": {"name": "王分析", "role": "analyst"}})
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in an analyst's navigation
        at.switch_page("app_pages/admin.py")
    with pytest.raises(users.PermissionDenied):  # and the action itself refuses, server side
        admin_view.add_user(str(demo_users_db), "王分析", "x-user", "viewer", None, "some-password")
    assert "x-user" not in set(users.list_users(demo_users_db)["name"])


def test_signing_out_makes_the_session_cookie_worthless(demo_users_db):
    at = _run("zh")
    at.sidebar.text_input(key="auth_name").input("张管理")
    at.sidebar.text_input(key="auth_password").input("demo-admin-2026")
    [b for b in at.sidebar.button if b.label == "登录"][0].click().run()
    token = at.session_state[session.SESSION_TOKEN]
    key = session_keys.session_key(demo_users_db)
    assert session.read_token(key, token) == "张管理" and not session_keys.signed_out(demo_users_db, token)
    [b for b in at.sidebar.button if b.label == "退出登录"][0].click().run()
    assert not at.exception, at.exception
    assert not any("已登录" in str(m.value) for m in at.sidebar.markdown)
    assert at.sidebar.text_input(key="auth_name") is not None   # the sign-in form is back
    assert session_keys.signed_out(demo_users_db, token)          # a reload that still sends it signs nobody in
    # another device's session of the same user stays signed in
    assert not session_keys.signed_out(demo_users_db, session.make_token(key, "张管理", now=1.0))
